// SPDX-License-Identifier: GPL-2.0
/*
 * What every Prometheus textfile stampnl writes has in common (the
 * sender's results, the reflector's counters): the atomic write, metric
 * family headers and label escaping, in the text exposition format 0.0.4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prom.h"

/* where "-" goes: standard output, unless prom_claim_stdout() moved it */
static FILE *prom_stdout;

/**
 * prom_claim_stdout() - keep standard output for the textfile alone
 *
 * The sender prints its report on standard output too; with
 * `--prometheus -` a scraper reading the pipe must get nothing but the
 * textfile, so the report moves to standard error.
 *
 * Return: 0, or -errno with a message printed.
 */
int prom_claim_stdout(void)
{
	int fd, err;

	fflush(stdout);
	fd = dup(STDOUT_FILENO);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	prom_stdout = fdopen(fd, "w");
	if (!prom_stdout) {
		err = -errno;
		goto fail_fd;
	}
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		err = -errno;
		goto fail_file;
	}
	return 0;

fail_file:
	fclose(prom_stdout);
	prom_stdout = NULL;
	fd = -1;
fail_fd:
	if (fd >= 0)
		close(fd);
fail:
	fprintf(stderr, "stampnl: --prometheus -: %s\n", strerror(-err));
	return err;
}

/**
 * prom_open() - start writing a textfile
 * @p: the state, filled here
 * @who: the command, for error messages
 * @path: the file, or "-" for standard output
 *
 * Return: 0, or -errno with a message printed.
 */
int prom_open(struct prom_out *p, const char *who, const char *path)
{
	p->who = who;
	p->path = path;
	p->tmp[0] = 0;
	if (!strcmp(path, "-")) {
		p->f = prom_stdout ? prom_stdout : stdout;
		return 0;
	}
	if (snprintf(p->tmp, sizeof(p->tmp), "%s.%d.tmp", path, getpid()) >=
	    (int)sizeof(p->tmp)) {
		fprintf(stderr, "%s: --prometheus %s: %s\n", who, path,
			strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	p->f = fopen(p->tmp, "w");
	if (!p->f) {
		fprintf(stderr, "%s: --prometheus %s: %s\n", who, path,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/**
 * prom_close() - finish the file: flush, close, rename over the old one
 * @p: the state from prom_open()
 *
 * On any error the temporary file is removed and the old file stays.
 *
 * Return: 0, or -errno with a message printed.
 */
int prom_close(struct prom_out *p)
{
	int err = 0;

	if (!p->tmp[0]) {
		if (fflush(p->f))
			err = -errno;
	} else {
		if (fclose(p->f))
			err = -errno;
		if (!err && rename(p->tmp, p->path))
			err = -errno;
		if (err)
			unlink(p->tmp);
	}
	p->f = NULL;
	if (err)
		fprintf(stderr, "%s: --prometheus %s: %s\n", p->who, p->path,
			strerror(-err));
	return err;
}

/**
 * prom_family() - the HELP and TYPE lines of metric family @prefix@name
 * @f: the file
 * @prefix: "stamp_sender_", "stamp_reflector_"
 * @name: the rest of the name
 * @type: "counter", "gauge", "summary"
 * @help: one line of text
 */
void prom_family(FILE *f, const char *prefix, const char *name,
		 const char *type, const char *help)
{
	fprintf(f, "# HELP %s%s %s\n# TYPE %s%s %s\n", prefix, name, help,
		prefix, name, type);
}

/**
 * prom_label_value() - a label value, backslash, quote and newline escaped
 * @f: the file
 * @v: the value
 */
void prom_label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/*
 * Textfiles as data: families, each with its samples, read back from the
 * exposition format prom_family() and its callers write, merged by family
 * name, and written again. `sender --targets` puts its targets' files
 * together this way: a family's samples must stay together in a textfile,
 * and each family's HELP and TYPE come once.
 */
static struct prom_metric *find_family(struct prom_set *set, const char *name)
{
	struct prom_metric *m;
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->m[i].name, name))
			return &set->m[i];
	m = realloc(set->m, (set->n + 1) * sizeof(*m));
	if (!m)
		return NULL;
	set->m = m;
	m = &set->m[set->n++];
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	return m->name ? m : NULL;
}

static int set_text(char **field, const char *text)
{
	if (*field)	/* the first file's HELP and TYPE stand */
		return 0;
	*field = strdup(text);
	return *field ? 0 : -ENOMEM;
}

/* "name{labels} value" or "name value", into the sample's three parts */
static int add_sample(struct prom_metric *m, char *line)
{
	struct prom_sample *s, smp = { 0 };
	char *value = strrchr(line, ' ');
	char *brace = strchr(line, '{');

	if (!value || value == line)
		return -EINVAL;
	*value++ = 0;
	if (brace && brace < value) {
		size_t len = strlen(brace);

		if (len < 2 || brace[len - 1] != '}')
			return -EINVAL;
		brace[len - 1] = 0;
		*brace++ = 0;
	}
	smp.name = strdup(line);
	smp.labels = brace ? strdup(brace) : NULL;
	smp.value = strdup(value);
	s = realloc(m->s, (m->n + 1) * sizeof(*s));
	if (!smp.name || !smp.value || (brace && !smp.labels) || !s) {
		free(smp.name);
		free(smp.labels);
		free(smp.value);
		if (s)
			m->s = s;
		return -ENOMEM;
	}
	m->s = s;
	m->s[m->n++] = smp;
	return 0;
}

/**
 * prom_set_read() - add a textfile's families and samples to a set
 * @set: the set, zeroed to begin with
 * @f: the textfile, in the format this file writes: a family's HELP and
 *     TYPE lines before its samples
 *
 * A family already in @set gets the new samples after its own.
 *
 * Return: 0, -EINVAL for a line that is not of the format, or -ENOMEM.
 */
int prom_set_read(struct prom_set *set, FILE *f)
{
	struct prom_metric *m = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int err = 0;

	while (!err && (len = getline(&line, &cap, f)) >= 0) {
		char name[256], *text;
		int off = 0;

		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!len)
			continue;
		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			if (sscanf(line + 7, "%255s %n", name, &off) != 1 || !off) {
				err = -EINVAL;
				break;
			}
			text = line + 7 + off;
			m = find_family(set, name);
			if (!m)
				err = -ENOMEM;
			else
				err = set_text(line[2] == 'H' ? &m->help :
					       &m->type, text);
		} else if (line[0] == '#') {
			continue;
		} else {
			err = m ? add_sample(m, line) : -EINVAL;
		}
	}
	free(line);
	return err;
}

/**
 * prom_set_write() - write a set's families, each with all its samples
 * @f: the textfile (prom_open())
 * @set: the set
 */
void prom_set_write(FILE *f, const struct prom_set *set)
{
	size_t i, k;

	for (i = 0; i < set->n; i++) {
		const struct prom_metric *m = &set->m[i];

		if (m->help && m->type)
			prom_family(f, "", m->name, m->type, m->help);
		for (k = 0; k < m->n; k++) {
			const struct prom_sample *s = &m->s[k];

			if (s->labels)
				fprintf(f, "%s{%s} %s\n", s->name, s->labels,
					s->value);
			else
				fprintf(f, "%s %s\n", s->name, s->value);
		}
	}
}

/**
 * prom_set_free() - free a set's contents
 * @set: the set, zeroed again
 */
void prom_set_free(struct prom_set *set)
{
	size_t i, k;

	for (i = 0; i < set->n; i++) {
		struct prom_metric *m = &set->m[i];

		for (k = 0; k < m->n; k++) {
			free(m->s[k].name);
			free(m->s[k].labels);
			free(m->s[k].value);
		}
		free(m->s);
		free(m->name);
		free(m->help);
		free(m->type);
	}
	free(set->m);
	memset(set, 0, sizeof(*set));
}
