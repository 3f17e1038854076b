// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl sender --targets FILE`: many reflectors at once. Each target
 * gets its own process running the one-target sender (its own socket,
 * schedule, timestamping and BPF filters), with its standard output on a
 * pipe to this one, which puts the results together in the file's order:
 * text blocks one after the other, one JSON document with a "targets"
 * array, or a JSON-lines stream with "target" added to every line as it
 * comes. Ctrl-C is passed on (and so are SIGTERM, SIGHUP and SIGPIPE, as
 * SIGINT), so every target prints its summary so far.
 */
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <json-c/json.h>

#include "print.h"
#include "parse.h"
#include "prom.h"
#include "sender.h"
#include "sigfd.h"

#define MAX_TARGETS 1024

struct child {
	char host[256];
	unsigned int port;	/* 0: the -p port */
	char *prom_part;	/* this target's Prometheus file */
	pid_t pid;
	int fd;			/* its standard output, -1 once at EOF */
	char *out;
	size_t len;
	size_t cap;
	size_t sent;		/* JSON lines: what has been passed on */
	int status;
};

static int read_targets(const char *path, struct child **out, size_t *n)
{
	struct child *c = NULL;
	char line[512];
	int lineno = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "stampnl sender: --targets %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		char host[256], port[16], extra[2];
		char *hash = strchr(line, '#');
		unsigned int pnum;
		int k;

		lineno++;
		if (hash)
			*hash = 0;
		k = sscanf(line, "%255s %15s %1s", host, port, extra);
		if (k <= 0)
			continue;
		pnum = 0;
		if (*n == MAX_TARGETS || k == 3 ||
		    (k == 2 && parse_uint(port, 1, 65535, &pnum))) {
			fprintf(stderr, "stampnl sender: %s:%d: %s\n", path, lineno,
				*n == MAX_TARGETS ? "more than 1024 targets" :
				"expected \"HOST [PORT]\" with PORT 1-65535");
			goto err;
		}
		if (!(*n % 64)) {
			struct child *p = realloc(c, (*n + 64) * sizeof(*c));

			if (!p)
				goto err;
			c = p;
		}
		memset(&c[*n], 0, sizeof(*c));
		snprintf(c[*n].host, sizeof(c[*n].host), "%s", host);
		c[*n].port = pnum;
		c[*n].fd = -1;
		(*n)++;
	}
	fclose(f);
	if (!*n) {
		fprintf(stderr, "stampnl sender: --targets %s: no targets in it\n",
			path);
		free(c);
		return -EINVAL;
	}
	*out = c;
	return 0;
err:
	fclose(f);
	free(c);
	return -EINVAL;
}

static pid_t start(struct child *c, const struct sender_opts *o, size_t i)
{
	struct sender_opts co = *o;
	int p[2], rc;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid) {
		close(p[1]);
		c->fd = p[0];
		return pid;
	}
	close(p[0]);
	dup2(p[1], STDOUT_FILENO);
	close(p[1]);
	co.target = c->host;
	co.targets_path = NULL;
	if (c->port)
		co.port = c->port;
	co.prom_path = c->prom_part;
	/* a seed of its own, so that schedules do not march in step */
	if (co.seed)
		co.seed += i;
	rc = sender_main(&co);
	explicit_bzero(co.key, sizeof(co.key));
	explicit_bzero(co.tlv_key, sizeof(co.tlv_key));
	exit(rc);
}

static int append(struct child *c)
{
	ssize_t n;

	if (c->cap - c->len < 4096) {
		char *p = realloc(c->out, c->cap + 65536);

		if (!p)
			return -ENOMEM;
		c->out = p;
		c->cap += 65536;
	}
	n = read(c->fd, c->out + c->len, c->cap - c->len - 1);
	if (n <= 0) {
		close(c->fd);
		c->fd = -1;
		return 0;
	}
	c->len += n;
	c->out[c->len] = 0;
	return 0;
}

/*
 * A child's JSON line as a member of ours: "target" first, then what the
 * child said (its own "target", the same host, is not repeated). A line
 * that is not JSON is dropped rather than passed on half-read.
 */
static void print_line(const char *host, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	if (!tok)
		return;
	o = json_tokener_parse_ex(tok, line, len);
	if (json_object_is_type(o, json_type_object)) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "target", NULL, host);
		json_object_object_foreach(o, k, v)
			if (strcmp(k, "target"))
				print_json_c(k, v);
		close_json_object();
		print_nl(PRINT_JSON);
	}
	json_object_put(o);
	json_tokener_free(tok);
}

/* JSON lines: pass on every complete line, "target" first in it */
static void pass_lines(struct child *c)
{
	char *nl;

	print_start(NULL, true);
	while ((nl = memchr(c->out + c->sent, '\n', c->len - c->sent))) {
		char *line = c->out + c->sent;

		print_line(c->host, line, nl - line);
		c->sent = nl + 1 - c->out;
	}
	fflush(stdout);
}

/* -j: one document, a "targets" array of the children's (null: none) */
static void print_targets(const struct child *c, size_t n)
{
	size_t i;

	print_start(NULL, true);
	open_json_object(NULL);
	open_json_array("targets");
	for (i = 0; i < n; i++) {
		struct json_object *o = c[i].len ?
					json_tokener_parse(c[i].out) : NULL;

		if (o)
			print_json_c(NULL, o);
		else
			print_null(PRINT_JSON, NULL, NULL, NULL);
		json_object_put(o);
	}
	close_json_array();
	close_json_object();
	print_nl(PRINT_JSON);
}

/*
 * One textfile from the targets' files, read as data: each family's HELP
 * and TYPE once, then its samples from every target, in the file's order
 * of targets (a family's samples must stay together).
 */
static int merge_prometheus(struct child *c, size_t n, const char *path)
{
	struct prom_set set = { 0 };
	struct prom_out out;
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		/* a target that never started has no file: it has no samples */
		FILE *f = fopen(c[i].prom_part, "r");

		if (!f)
			continue;
		err = prom_set_read(&set, f);
		fclose(f);
	}
	if (err) {
		fprintf(stderr, "stampnl sender: --prometheus %s: a target's file: %s\n",
			path, strerror(-err));
		goto out;
	}
	err = prom_open(&out, "stampnl sender", path);
	if (err)
		goto out;
	prom_set_write(out.f, &set);
	err = prom_close(&out);
out:
	prom_set_free(&set);
	return err;
}

/**
 * sender_multi() - run the test against every target of --targets
 * @o: the options, checked; the targets come from @o->targets_path
 *
 * Return: 2 if any target could not be measured (setup or usage errors),
 * else 1 if any target never answered, else 0.
 */
int sender_multi(struct sender_opts *o)
{
	struct child *c = NULL;
	struct pollfd *pfd;
	size_t n = 0, i, open_fds;
	int sigfd, rc = 0;

	if (read_targets(o->targets_path, &c, &n))
		return 2;
	pfd = calloc(n + 1, sizeof(*pfd));
	if (!pfd) {
		free(c);
		return 2;
	}
	/*
	 * The children inherit the blocked signals and read them themselves.
	 * A hangup or a reader gone ends every target as Ctrl-C does, so
	 * that each detaches its filters.
	 */
	sigfd = sigfd_open();
	fflush(stdout);
	for (i = 0; i < n; i++) {
		if (o->prom_path) {
			size_t len = strlen(o->prom_path) + 64;

			/* parts of a textfile for a pipe: not in the cwd */
			c[i].prom_part = malloc(len);
			if (c[i].prom_part && !strcmp(o->prom_path, "-"))
				snprintf(c[i].prom_part, len,
					 "/tmp/stampnl-prom.%d.part%zu",
					 (int)getpid(), i);
			else if (c[i].prom_part)
				snprintf(c[i].prom_part, len, "%s.part%zu",
					 o->prom_path, i);
		}
		c[i].pid = start(&c[i], o, i);
		if (c[i].pid < 0)
			fprintf(stderr, "stampnl sender: %s: cannot start: %s\n",
				c[i].host, strerror(errno));
	}

	do {
		open_fds = 0;
		for (i = 0; i < n; i++) {
			pfd[i].fd = c[i].fd;
			pfd[i].events = POLLIN;
			open_fds += c[i].fd >= 0;
		}
		pfd[n].fd = sigfd;
		pfd[n].events = POLLIN;
		if (!open_fds || poll(pfd, n + 1, -1) < 0)
			break;
		for (i = 0; i < n; i++) {
			if (c[i].fd < 0 || !pfd[i].revents)
				continue;
			if (append(&c[i]))
				c[i].fd = -1;
			if (o->json_lines)
				pass_lines(&c[i]);
		}
		if (pfd[n].revents) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) > 0)
				for (i = 0; i < n; i++)
					if (c[i].pid > 0)
						kill(c[i].pid, SIGINT);
		}
	} while (open_fds);

	for (i = 0; i < n; i++) {
		int st = 2;

		if (c[i].pid > 0 && waitpid(c[i].pid, &c[i].status, 0) > 0 &&
		    WIFEXITED(c[i].status))
			st = WEXITSTATUS(c[i].status);
		rc = st > rc ? st : rc;
	}
	if (o->json) {
		print_targets(c, n);
	} else if (!o->json_lines) {
		for (i = 0; i < n; i++)
			if (c[i].len)
				fwrite(c[i].out, 1, c[i].len, stdout);
	}
	if (o->prom_path && merge_prometheus(c, n, o->prom_path) && !rc)
		rc = 2;
	for (i = 0; i < n; i++) {
		if (c[i].prom_part)
			unlink(c[i].prom_part);
		free(c[i].prom_part);
		free(c[i].out);
	}
	free(c);
	free(pfd);
	if (sigfd >= 0)
		close(sigfd);
	return rc;
}
