/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_PROM_H
#define _STAMPNL_PROM_H

#include <stdio.h>

/*
 * A Prometheus textfile being written: to a temporary name next to it,
 * renamed into place by prom_close(), so node_exporter's textfile
 * collector never reads half a file. "-" is standard output.
 */
struct prom_out {
	FILE *f;
	const char *path;
	const char *who;	/* "stampnl stats", for messages */
	char tmp[4096];
};

int prom_claim_stdout(void);
int prom_open(struct prom_out *p, const char *who, const char *path);
int prom_close(struct prom_out *p);
void prom_family(FILE *f, const char *prefix, const char *name,
		 const char *type, const char *help);
void prom_label_value(FILE *f, const char *v);

/* a sample: "name{labels} value", labels NULL for none */
struct prom_sample {
	char *name;
	char *labels;	/* escaped, without the braces */
	char *value;
};

/* a metric family and its samples */
struct prom_metric {
	char *name;
	char *help;
	char *type;
	struct prom_sample *s;
	size_t n;
};

/* textfiles read as data, families merged by name, in first-seen order */
struct prom_set {
	struct prom_metric *m;
	size_t n;
};

int prom_set_read(struct prom_set *set, FILE *f);
void prom_set_write(FILE *f, const struct prom_set *set);
void prom_set_free(struct prom_set *set);

#endif /* _STAMPNL_PROM_H */
