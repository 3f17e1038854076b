// SPDX-License-Identifier: GPL-2.0
/*
 * What every Prometheus textfile stampnl writes has in common (the
 * sender's results, the reflector's counters): the atomic write, metric
 * family headers and label escaping, in the text exposition format 0.0.4.
 */
#include <errno.h>
#include <stdio.h>
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
