// SPDX-License-Identifier: GPL-2.0
/*
 * The command line from the tables of cli.h: getopt_long's arrays, exact
 * long names, the usage text, keyword/value pairs into netlink attributes,
 * one-line errors with a pointer to --help, and completion.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/attr.h>

#include "cli.h"
#include "parse.h"
#include "util.h"

#define WIDTH 79
#define HELP_COL 24

static bool takes_arg(const struct cli_opt *o)
{
	return o->arg || o->choices;
}

/**
 * cli_getopt_tables() - getopt_long's arrays from a command's options
 * @opts: the options
 * @n: how many
 * @longopts: set to a malloc'd array, { 0 }-terminated; the caller frees it
 * @shortopts: filled in: ':' (a missing argument is told apart), then the
 *             letters, ':' after those that take an argument
 * @len: its size
 *
 * Return: 0 or -ENOMEM / -ENOSPC.
 */
int cli_getopt_tables(const struct cli_opt *opts, size_t n,
		      struct option **longopts, char *shortopts, size_t len)
{
	struct option *lo = calloc(n + 1, sizeof(*lo));
	size_t i, nl = 0, ns = 0;

	if (!lo)
		return -ENOMEM;
	if (len)
		shortopts[ns++] = ':';
	for (i = 0; i < n; i++) {
		const struct cli_opt *o = &opts[i];

		if (o->name)
			lo[nl++] = (struct option){
				o->name, takes_arg(o) ? required_argument :
						  no_argument, NULL, o->key };
		if (o->key > 0 && o->key < 256) {
			if (ns + 3 > len) {
				free(lo);
				return -ENOSPC;
			}
			shortopts[ns++] = o->key;
			if (takes_arg(o))
				shortopts[ns++] = ':';
		}
	}
	shortopts[ns] = 0;
	*longopts = lo;
	return 0;
}

static const struct cli_opt *opt_by_key(const struct cli_cmd *cmd, int key)
{
	size_t i;

	for (i = 0; i < cmd->nopts; i++)
		if ((cmd->opts[i].name || cmd->opts[i].key) &&
		    cmd->opts[i].key == key)
			return &cmd->opts[i];
	return NULL;
}

/**
 * cli_getopt() - getopt_long, without its abbreviations
 * @argc: as for getopt_long
 * @argv: as for getopt_long
 * @cmd: the command, for its name and options
 * @longopts: from cli_getopt_tables()
 * @shortopts: from cli_getopt_tables()
 *
 * getopt_long takes any unambiguous prefix of a long option, so that
 * `--json` meant `--json-lines`, and would mean something else the day an
 * option `--json` came: here only the whole name counts.
 *
 * Return: the option's key, -1 at the end of the options, or '?' after
 * printing the error.
 */
int cli_getopt(int argc, char **argv, const struct cli_cmd *cmd,
	       const struct option *longopts, const char *shortopts)
{
	const struct cli_opt *o;
	const char *elem;
	int idx = -1, c;
	size_t len;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, &idx);
	if (c == -1)
		return -1;
	elem = argv[optind - 1];
	if (c == '?') {
		if (optopt && optopt < 256 && elem[0] == '-' && elem[1] != '-')
			return cli_error(cmd->name, "unknown option '-%c'",
					 optopt), '?';
		return cli_error(cmd->name, "unknown option '%s'", elem), '?';
	}
	if (c == ':') {
		o = opt_by_key(cmd, optopt);
		if (elem[0] == '-' && elem[1] == '-')
			return cli_error(cmd->name, "option '%s' needs a value (%s)",
					 elem, o && o->arg ? o->arg : "a value"), '?';
		return cli_error(cmd->name, "option '-%c' needs a value (%s)",
				 optopt, o && o->arg ? o->arg : "a value"), '?';
	}
	if (idx < 0)
		return c;
	/* the word that named it: before its argument when that came apart */
	if (optarg && optind >= 2 && optarg == argv[optind - 1])
		elem = argv[optind - 2];
	len = strcspn(elem + 2, "=");
	if (strncmp(elem, "--", 2) || len != strlen(longopts[idx].name) ||
	    strncmp(elem + 2, longopts[idx].name, len))
		return cli_error(cmd->name, "unknown option '%.*s' (did you mean '--%s'?)",
				 (int)(len + 2), elem, longopts[idx].name), '?';
	return c;
}

/**
 * cli_set_flag() - set the bool a flag option stands for
 * @obj: the struct the command fills in
 * @flags: its flag options
 * @n: how many
 * @key: the option
 *
 * Return: whether @key is one of @flags.
 */
bool cli_set_flag(void *obj, const struct cli_flag *flags, size_t n, int key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (flags[i].key == key) {
			*(bool *)((char *)obj + flags[i].off) = true;
			return true;
		}
	}
	return false;
}

/* the option @key of @cmd stored into @obj, or handed to @fn */
static int cli_opt_take(const struct cli_cmd *cmd, int key, const char *arg,
			void *obj, cli_opt_fn *fn, void *ctx)
{
	const struct cli_opt *o = cmd->opts;
	char what[40];

	while (o < cmd->opts + cmd->nopts && (o->key != key || !o->store))
		o++;
	if (o == cmd->opts + cmd->nopts)
		return fn ? fn(key, arg, ctx) : -EINVAL;
	if (o->name)
		snprintf(what, sizeof(what), "--%s", o->name);
	else
		snprintf(what, sizeof(what), "-%c", key);
	switch (o->store) {
	case CLI_STORE_FLAG:
		*(bool *)((char *)obj + o->off) = true;
		return 0;
	case CLI_STORE_STR:
		if (!*arg)
			return cli_error(cmd->name, "%s needs %s", what,
					 o->arg);
		*(const char **)((char *)obj + o->off) = arg;
		return 0;
	case CLI_STORE_REAL:
		return cli_real(cmd->name, what, arg, o->min, o->max,
				(double *)((char *)obj + o->off));
	default:
		return -EINVAL;
	}
}

/**
 * cli_parse_opts() - a getopt-style command's options, each stored or handed to @fn
 * @cmd: the command: its name, its options (with "help", 'h'), its usage
 * @argc: argument count, argv[0] the command's name
 * @argv: arguments
 * @obj: the struct the stored options (cli_opt.store) go into
 * @fn: called for every other option but -h and an unknown one, with the
 *      option's key and its argument (NULL for a flag); NULL when all
 *      are stored
 * @ctx: for @fn
 *
 * `CMD help`, -h and --help print the usage on stdout, as ip(8)'s
 * commands do; the first error ends the parse, so that one line tells
 * what was wrong.
 *
 * Return: 0 with optind at the first operand; -ECANCELED after printing
 * the usage; -EINVAL after printing an error; -ENOMEM or -ENOSPC (the
 * option tables); or @fn's error.
 */
int cli_parse_opts(const struct cli_cmd *cmd, int argc, char **argv,
		   void *obj, cli_opt_fn *fn, void *ctx)
{
	struct option *lo;
	char so[128];
	int key, err;

	if (argc == 2 && cli_is_help(argv[1])) {
		cli_usage(stdout, cmd);
		return -ECANCELED;
	}
	err = cli_getopt_tables(cmd->opts, cmd->nopts, &lo, so, sizeof(so));
	if (err)
		return err;
	optind = 1;
	while (!err && (key = cli_getopt(argc, argv, cmd, lo, so)) != -1) {
		if (key == '?')
			err = -EINVAL;
		else if (key == 'h')
			err = -ECANCELED;
		else
			err = cli_opt_take(cmd, key, optarg, obj, fn, ctx);
	}
	free(lo);
	if (err == -ECANCELED)
		cli_usage(stdout, cmd);
	return err;
}

/**
 * cli_parse_opt() - one option given apart from a command line
 * @cmd: the command
 * @opt: the option as a command line spells it: "--rate" or "-i"
 * @arg: its argument; NULL for a flag
 * @obj: as for cli_parse_opts()
 * @fn: as for cli_parse_opts()
 * @ctx: for @fn
 *
 * For a caller that has the options one at a time, each with a place of
 * its own to name in an error (the monitor's file: a key a line): each is
 * parsed once, by the same table and code as a command line's.
 *
 * Return: 0; -EINVAL after printing the error; or @fn's error.
 */
int cli_parse_opt(const struct cli_cmd *cmd, const char *opt,
		  const char *arg, void *obj, cli_opt_fn *fn, void *ctx)
{
	const struct cli_opt *o, *end = cmd->opts + cmd->nopts;
	bool is_long = !strncmp(opt, "--", 2);

	for (o = cmd->opts; o < end; o++)
		if (is_long ? o->name && !strcmp(opt + 2, o->name) :
			      o->key < 256 && opt[0] == '-' &&
			      opt[1] == o->key && !opt[2])
			break;
	if (o == end || o->key == 'h')
		return cli_error(cmd->name, "unknown option '%s'", opt);
	if (takes_arg(o) != !!arg)
		return arg ? cli_error(cmd->name, "%s takes no value", opt) :
			     cli_error(cmd->name, "%s needs %s", opt,
				       o->arg ?: "a value");
	return cli_opt_take(cmd, o->key, arg, obj, fn, ctx);
}

/**
 * cli_is_help() - whether a word asks for help
 * @arg: the word
 *
 * Return: true for help, --help and -h.
 */
bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "--help") ||
	       !strcmp(arg, "-h");
}

/**
 * cli_error() - a usage error: one line, and where the help is
 * @cmd: the command ("sender", "reflector set")
 * @fmt: the message
 *
 * Return: -EINVAL.
 */
int cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "stampnl %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'stampnl %s --help'\n", cmd);
	return -EINVAL;
}

/**
 * cli_bad_value() - a value that did not parse
 * @cmd: the command
 * @what: the option or keyword
 * @val: the value
 * @err: -EINVAL or -ERANGE, from parse.h
 * @expect: what would have done, "1 to 65535"
 *
 * Return: -EINVAL.
 */
int cli_bad_value(const char *cmd, const char *what, const char *val,
		  int err, const char *expect)
{
	return cli_error(cmd, "%s: '%s' is %s: %s", what, val,
			 err == -ERANGE ? "out of range" : "not valid", expect);
}

/* cli_bad_value() with the expectation formatted */
static int bad(const char *cmd, const char *what, const char *val, int err,
	       const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return cli_bad_value(cmd, what, val, err, buf);
}

/*
 * parse.h's parsers for the command line: 0, or -EINVAL after one line
 * naming @what, the value and what would have done (cli_bad_value()).
 */
int cli_u64(const char *cmd, const char *what, const char *s, uint64_t min,
	    uint64_t max, uint64_t *out)
{
	int err = parse_u64(s, min, max, out);

	return err ? bad(cmd, what, s, err, "%" PRIu64 " to %" PRIu64, min,
			 max) : 0;
}

int cli_uint(const char *cmd, const char *what, const char *s,
	     unsigned int min, unsigned int max, unsigned int *out)
{
	uint64_t v;
	int err = cli_u64(cmd, what, s, min, max, &v);

	if (!err)
		*out = v;
	return err;
}

/* a duration as parse_duration() reads it, in the largest exact unit */
static const char *fmt_duration(char *buf, size_t len, uint64_t ns)
{
	static const struct { const char *name; uint64_t mult; } u[] = {
		{ "h", 3600 * NSEC_PER_SEC }, { "m", 60 * NSEC_PER_SEC },
		{ "s", NSEC_PER_SEC }, { "ms", NSEC_PER_MSEC },
		{ "us", NSEC_PER_USEC }, { "ns", 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(u) - 1; i++)
		if (ns && !(ns % u[i].mult))
			break;
	snprintf(buf, len, "%" PRIu64 "%s", ns / u[i].mult, u[i].name);
	return buf;
}

int cli_duration(const char *cmd, const char *what, const char *s,
		 uint64_t unit_ns, uint64_t min_ns, uint64_t max_ns,
		 uint64_t *ns)
{
	char lo[32], hi[32];
	int err = parse_duration(s, unit_ns, min_ns, max_ns, ns);

	return err ? bad(cmd, what, s, err, "a duration from %s to %s (units ns, us, ms, s, m, h; none: %s)",
			 fmt_duration(lo, sizeof(lo), min_ns),
			 fmt_duration(hi, sizeof(hi), max_ns),
			 unit_ns == NSEC_PER_SEC ? "s" : "ns") : 0;
}

int cli_size(const char *cmd, const char *what, const char *s, uint64_t min,
	     uint64_t max, uint64_t *out)
{
	int err = parse_size(s, min, max, out);

	return err ? bad(cmd, what, s, err, "%" PRIu64 " to %" PRIu64 " octets (units k = 1024, m = 1024k)",
			 min, max) : 0;
}

int cli_real(const char *cmd, const char *what, const char *s, double min,
	     double max, double *out)
{
	int err = parse_real(s, min, max, out);

	return err ? bad(cmd, what, s, err, "a number from %g to %g", min,
			 max) : 0;
}

int cli_dscp(const char *cmd, const char *what, const char *s,
	     unsigned int *out)
{
	int err = parse_dscp(s, out);

	return err ? cli_bad_value(cmd, what, s, err, "0 to 63, or a name (--help lists them)") : 0;
}

int cli_ecn(const char *cmd, const char *what, const char *s,
	    unsigned int *out)
{
	int err = parse_ecn(s, out);

	return err ? cli_bad_value(cmd, what, s, err, "0 to 3, or not-ect, ect1, ect0, ce") : 0;
}

static void join(char *buf, size_t len, const char *const *names,
		 const char *sep)
{
	size_t off = 0;

	buf[0] = 0;
	for (; *names && off < len; names++)
		off += snprintf(buf + off, len - off, "%s%s",
				off ? sep : "", *names);
}

int cli_choice(const char *cmd, const char *what, const char *s,
	       const char *const *names, unsigned int first,
	       unsigned int *out)
{
	unsigned int n;
	char buf[256];

	for (n = 0; names[n]; n++)
		;
	if (!parse_choice(s, names + first, n - first, out)) {
		*out += first;
		return 0;
	}
	join(buf, sizeof(buf), names + first, ", ");
	return cli_error(cmd, "%s: '%s' is not one of %s", what, s, buf);
}

/* --- usage ---------------------------------------------------------------- */

/* what follows an option or keyword: its name, else its choices "a|b|c" */
static void arg_text(char *buf, size_t len, const char *arg,
		     const char *const *choices)
{
	if (!arg && choices)
		join(buf, len, choices, "|");
	else
		snprintf(buf, len, "%s", arg ? arg : "");
}

/* a synopsis, its items wrapped under the first one */
struct synopsis {
	FILE *f;
	size_t col, indent;
};

static void syn_item(struct synopsis *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (s->col + 1 + n > WIDTH) {
		fprintf(s->f, "\n%*s", (int)s->indent, "");
		s->col = s->indent;
	} else {
		fputc(' ', s->f);
		s->col++;
	}
	fputs(buf, s->f);
	s->col += n;
}

/* "  NAME ARG    help", continuation lines of help under it */
static void help_line(FILE *f, const char *left, const char *help)
{
	const char *nl;
	int n = fprintf(f, "  %s", left);

	if (!help || !*help) {
		fputc('\n', f);
		return;
	}
	if (n + 2 > HELP_COL)
		fprintf(f, "\n%*s", HELP_COL, "");
	else
		fprintf(f, "%*s", HELP_COL - n, "");
	for (; (nl = strchr(help, '\n')); help = nl + 1)
		fprintf(f, "%.*s\n%*s", (int)(nl - help), help, HELP_COL, "");
	fprintf(f, "%s\n", help);
}

static void usage_opts(FILE *f, const struct cli_cmd *cmd)
{
	char left[128], arg[128];
	struct synopsis s = { f, 0, 0 };
	size_t i;

	s.col = fprintf(f, "usage: stampnl %s", cmd->name);
	s.indent = s.col + 1;
	for (i = 0; i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		bool letter = o->key > 0 && o->key < 256;

		if (!o->name && !o->key)
			continue;
		arg_text(arg, sizeof(arg), o->arg, o->choices);
		if (letter)
			syn_item(&s, takes_arg(o) ? "[-%c %s]" : "[-%c]",
				 o->key, arg);
		else
			syn_item(&s, takes_arg(o) ? "[--%s %s]" : "[--%s]", o->name,
				 arg);
	}
	if (cmd->args)
		syn_item(&s, "%s", cmd->args);
	fprintf(f, "\n");
	for (i = 0; i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		bool letter = o->key > 0 && o->key < 256;
		int n = 0;

		if (!o->name && !o->key) {
			fprintf(f, "%s\n", o->help);
			continue;
		}
		arg_text(arg, sizeof(arg), o->arg, o->choices);
		if (letter)
			n = snprintf(left, sizeof(left), "-%c%s", o->key,
				     o->name ? ", " : "");
		if (o->name)
			n += snprintf(left + n, sizeof(left) - n, "--%s",
				      o->name);
		if (takes_arg(o))
			snprintf(left + n, sizeof(left) - n, " %s", arg);
		help_line(f, left, o->help);
	}
	/* the names a value may take, once for each kind of value */
	for (i = 0; i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		size_t j;

		if (!o->arg || !o->choices)
			continue;
		for (j = 0; j < i; j++)
			if (cmd->opts[j].arg && cmd->opts[j].choices == o->choices)
				break;
		if (j < i)
			continue;
		s.col = fprintf(f, "%s names:", o->arg);
		s.indent = 2;
		for (j = 0; o->choices[j]; j++)
			syn_item(&s, "%s", o->choices[j]);
		fprintf(f, "\n");
	}
}

static bool kw_in(const struct cli_sub *sub, const struct cli_kw *k)
{
	return (k->flags & sub->kw_mask) == sub->kw_mask;
}

static void usage_subs(FILE *f, const struct cli_cmd *cmd)
{
	const struct cli_kw *listed = NULL;
	char arg[128], left[160];
	size_t i, j;

	for (i = 0; i < cmd->nsubs; i++) {
		const struct cli_sub *sub = &cmd->subs[i];
		struct synopsis s = { f, 0, 0 };

		s.col = fprintf(f, "%s stampnl %s %s", i ? "      " : "usage:",
				cmd->name, sub->name);
		s.indent = s.col + 1;
		for (j = 0; j < sub->nkw; j++) {
			const struct cli_kw *k = &sub->kw[j];

			if (!kw_in(sub, k))
				continue;
			arg_text(arg, sizeof(arg), k->arg,
				 k->choices ? k->choices + k->first : NULL);
			syn_item(&s, k->flags & CLI_KW_REQUIRED ? "%s %s" :
				 "[%s %s]", k->name, arg);
		}
		for (j = 0; sub->flags && sub->flags[j]; j++)
			syn_item(&s, "[%s]", sub->flags[j]);
		fprintf(f, "\n");
	}
	for (i = 0; i < cmd->nsubs; i++) {
		const struct cli_sub *sub = &cmd->subs[i];

		/* a table shared by several subcommands is explained once */
		if (!sub->nkw || sub->kw == listed)
			continue;
		listed = sub->kw;
		if (i + 1 < cmd->nsubs && cmd->subs[i + 1].kw == sub->kw)
			fprintf(f, "keywords:\n");
		else
			fprintf(f, "%s %s:\n", cmd->name, sub->name);
		for (j = 0; j < sub->nkw; j++) {
			const struct cli_kw *k = &sub->kw[j];

			arg_text(arg, sizeof(arg), k->arg,
				 k->choices ? k->choices + k->first : NULL);
			snprintf(left, sizeof(left), "%s %s", k->name, arg);
			help_line(f, left, k->help);
		}
	}
}

/**
 * cli_usage() - a command's usage text, from its tables
 * @f: stdout when asked for, stderr never (errors are one line)
 * @cmd: the command
 */
void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	if (cmd->opts)
		usage_opts(f, cmd);
	else
		usage_subs(f, cmd);
	if (cmd->notes)
		fputs(cmd->notes, f);
}

/* --- keyword/value pairs -------------------------------------------------- */

static const struct cli_kw *kw_find(const struct cli_sub *sub,
				    const char *name)
{
	size_t i;

	for (i = 0; i < sub->nkw; i++)
		if (kw_in(sub, &sub->kw[i]) && !strcmp(sub->kw[i].name, name))
			return &sub->kw[i];
	return NULL;
}

static bool is_flag(const struct cli_sub *sub, const char *w)
{
	size_t i;

	for (i = 0; sub->flags && sub->flags[i]; i++)
		if (!strcmp(sub->flags[i], w))
			return true;
	return false;
}

/**
 * cli_kw_parse() - `KEYWORD VALUE...` into netlink attributes
 * @cmd: "reflector set", for messages
 * @sub: the subcommand, with its keyword table
 * @argc: the words after the subcommand
 * @argv: them
 * @msg: where the attributes go
 * @ctx: passed to each keyword's put()
 * @flag: set when the subcommand's flag (-j) is given; NULL: none taken
 *
 * Return: 0, 1 after printing the usage (help asked for), -EINVAL with a
 * message printed, or put()'s error.
 */
int cli_kw_parse(const char *cmd, const struct cli_sub *sub, int argc,
		 char **argv, struct nl_msg *msg, void *ctx, bool *flag)
{
	uint64_t seen = 0;
	size_t i;
	int a, err;

	for (a = 0; a < argc; a += 2) {
		const struct cli_kw *k;

		if (cli_is_help(argv[a]))
			return 1;
		if (is_flag(sub, argv[a])) {
			if (flag)
				*flag = true;
			a--;
			continue;
		}
		k = kw_find(sub, argv[a]);
		if (!k)
			return cli_error(cmd, "unknown keyword '%s'", argv[a]);
		if (a + 1 >= argc)
			return cli_error(cmd, "'%s' needs a value (%s)",
					 k->name, k->arg ? k->arg : "?");
		i = k - sub->kw;
		if ((seen & (1ULL << i)) && !(k->flags & CLI_KW_REPEAT))
			return cli_error(cmd, "'%s' is given twice", k->name);
		seen |= 1ULL << i;
		err = k->put(msg, k, argv[a + 1], cmd, ctx);
		if (err)
			return err < 0 ? err : -EMSGSIZE;
	}
	for (i = 0; i < sub->nkw; i++) {
		const struct cli_kw *k = &sub->kw[i];

		if (kw_in(sub, k) && (k->flags & CLI_KW_REQUIRED) &&
		    !(seen & (1ULL << i)))
			return cli_error(cmd, "'%s' is missing", k->name);
	}
	if (!seen && !sub->flags && sub->nkw)
		return cli_error(cmd, "nothing to do: give KEYWORD VALUE");
	return 0;
}

/*
 * The generic put()s: a number in [k->min, k->max], a duration (whole
 * seconds or nanoseconds), or one of k->choices (its index).
 */
static int put_num(struct nl_msg *msg, const struct cli_kw *k, uint64_t v,
		   int bits)
{
	switch (bits) {
	case 8:
		return nla_put_u8(msg, k->attr, v);
	case 16:
		return nla_put_u16(msg, k->attr, v);
	default:
		return nla_put_u32(msg, k->attr, v);
	}
}

static int put_uint(struct nl_msg *msg, const struct cli_kw *k,
		    const char *val, const char *cmd, int bits)
{
	uint64_t v;

	if (cli_u64(cmd, k->name, val, k->min, k->max, &v))
		return -EINVAL;
	return put_num(msg, k, v, bits);
}

int cli_put_u8(struct nl_msg *msg, const struct cli_kw *k, const char *val,
	       const char *cmd, void *ctx)
{
	return put_uint(msg, k, val, cmd, 8);
}

int cli_put_u16(struct nl_msg *msg, const struct cli_kw *k, const char *val,
		const char *cmd, void *ctx)
{
	return put_uint(msg, k, val, cmd, 16);
}

int cli_put_u32(struct nl_msg *msg, const struct cli_kw *k, const char *val,
		const char *cmd, void *ctx)
{
	return put_uint(msg, k, val, cmd, 32);
}

/* k->min and k->max in the attribute's unit; @unit_ns: that unit */
static int put_duration(struct nl_msg *msg, const struct cli_kw *k,
			const char *val, const char *cmd, uint64_t unit_ns)
{
	uint64_t ns;

	if (cli_duration(cmd, k->name, val, unit_ns, k->min * unit_ns,
			 k->max * unit_ns, &ns))
		return -EINVAL;
	if (ns % unit_ns)
		return cli_error(cmd, "%s: '%s' is not a whole number of %s",
				 k->name, val, unit_ns == 1 ? "ns" : "seconds");
	return nla_put_u32(msg, k->attr, ns / unit_ns);
}

int cli_put_duration_s(struct nl_msg *msg, const struct cli_kw *k,
		       const char *val, const char *cmd, void *ctx)
{
	return put_duration(msg, k, val, cmd, NSEC_PER_SEC);
}

int cli_put_duration_ns(struct nl_msg *msg, const struct cli_kw *k,
			const char *val, const char *cmd, void *ctx)
{
	return put_duration(msg, k, val, cmd, 1);
}

int cli_put_choice(struct nl_msg *msg, const struct cli_kw *k,
		   const char *val, const char *cmd, void *ctx)
{
	unsigned int v;

	if (cli_choice(cmd, k->name, val, k->choices, k->first, &v))
		return -EINVAL;
	return nla_put_u8(msg, k->attr, v);
}

/* --- completion and the grammar's list ------------------------------------ */

static void offer(const char *cur, const char *word)
{
	if (!strncmp(word, cur, strlen(cur)))
		printf("%s\n", word);
}

static void offer_all(const char *cur, const char *const *words)
{
	for (; words && *words; words++)
		offer(cur, *words);
}

static void offer_comp(enum cli_comp comp)
{
	if (comp == CLI_COMP_FILE)
		printf("@file\n");
	else if (comp == CLI_COMP_HOST)
		printf("@host\n");
}

static const char *const help_words[] = { "help", NULL };

static void complete_opts(const struct cli_cmd *cmd, int cword, char **w,
			  const char *cur)
{
	const char *prev = w[cword - 1];
	char name[64];
	size_t i;

	for (i = 0; cword >= 3 && i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		bool letter = o->key > 0 && o->key < 256;

		if (!takes_arg(o) || !(o->name || letter))
			continue;
		snprintf(name, sizeof(name), "--%s", o->name ? o->name : "");
		if ((o->name && !strcmp(prev, name)) ||
		    (letter && prev[0] == '-' && prev[1] == o->key && !prev[2])) {
			offer_all(cur, o->choices);
			offer_comp(o->comp);
			return;
		}
	}
	if (cur[0] == '-') {
		for (i = 0; i < cmd->nopts; i++) {
			const struct cli_opt *o = &cmd->opts[i];

			if (o->name) {
				snprintf(name, sizeof(name), "--%s", o->name);
				offer(cur, name);
			}
			if (o->key > 0 && o->key < 256) {
				snprintf(name, sizeof(name), "-%c", o->key);
				offer(cur, name);
			}
		}
		return;
	}
	offer_comp(cmd->arg_comp);
}

static void complete_sub(const struct cli_sub *sub, int cword, char **w,
			 const char *cur)
{
	uint64_t seen = 0;
	size_t i;
	int a;

	for (a = 3; a < cword; a++) {
		const struct cli_kw *k;

		if (is_flag(sub, w[a]))
			continue;
		k = kw_find(sub, w[a]);
		if (!k)
			continue;
		seen |= 1ULL << (k - sub->kw);
		if (++a == cword) {
			offer_all(cur, k->choices ? k->choices + k->first : NULL);
			offer_comp(k->comp);
			return;
		}
	}
	for (i = 0; i < sub->nkw; i++) {
		const struct cli_kw *k = &sub->kw[i];

		if (kw_in(sub, k) &&
		    (!(seen & (1ULL << i)) || (k->flags & CLI_KW_REPEAT)))
			offer(cur, k->name);
	}
	offer_all(cur, sub->flags);
}

/**
 * cli_complete() - `stampnl __complete CWORD WORD...`: bash's COMP_CWORD
 * and COMP_WORDS; the words that fit, a line each, "@file" or "@host" for
 * the shell's own file and host completion
 * @cmds: the commands
 * @n: how many
 * @argc: the words after __complete
 * @argv: them
 *
 * Return: the exit status.
 */
int cli_complete(const struct cli_cmd *const *cmds, size_t n, int argc,
		 char **argv)
{
	const struct cli_cmd *cmd = NULL;
	unsigned int cword;
	const char *cur;
	char **w = argv + 1;
	int nw = argc - 1;
	size_t i;

	if (argc < 2 || parse_uint(argv[0], 1, nw, &cword))
		return 2;
	cur = (int)cword < nw ? w[cword] : "";
	if (cword == 1) {
		for (i = 0; i < n; i++)
			offer(cur, cmds[i]->name);
		offer(cur, "help");
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(w[1], cmds[i]->name))
			cmd = cmds[i];
	if (!cmd)
		return 0;
	if (cmd->opts) {
		complete_opts(cmd, cword, w, cur);
		return 0;
	}
	if (cword == 2) {
		for (i = 0; i < cmd->nsubs; i++)
			offer(cur, cmd->subs[i].name);
		offer_all(cur, help_words);
		return 0;
	}
	for (i = 0; i < cmd->nsubs; i++)
		if (!strcmp(w[2], cmd->subs[i].name))
			complete_sub(&cmd->subs[i], cword, w, cur);
	return 0;
}

static void list_choices(const char *where, const char *what,
			 const char *const *c)
{
	for (; c && *c; c++)
		printf("choice\t%s\t%s\t%s\n", where, what, *c);
}

/**
 * cli_list() - `stampnl __list`: the whole grammar, a line per word, for
 * tests/docs_check.py: "command NAME", "option CMD -x|--name",
 * "sub CMD SUB", "keyword CMD SUB NAME", "flag CMD SUB -j" and
 * "choice CMD[ SUB] OPTION|KEYWORD VALUE", tab-separated
 * @cmds: the commands
 * @n: how many
 */
void cli_list(const struct cli_cmd *const *cmds, size_t n)
{
	char name[64], where[64];
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		const struct cli_cmd *c = cmds[i];

		printf("command\t%s\n", c->name);
		for (j = 0; j < c->nopts; j++) {
			const struct cli_opt *o = &c->opts[j];

			if (o->key > 0 && o->key < 256) {
				snprintf(name, sizeof(name), "-%c", o->key);
				printf("option\t%s\t%s\n", c->name, name);
				list_choices(c->name, name, o->choices);
			}
			if (o->name) {
				snprintf(name, sizeof(name), "--%s", o->name);
				printf("option\t%s\t%s\n", c->name, name);
				list_choices(c->name, name, o->choices);
			}
		}
		for (j = 0; j < c->nsubs; j++) {
			const struct cli_sub *s = &c->subs[j];

			printf("sub\t%s\t%s\n", c->name, s->name);
			snprintf(where, sizeof(where), "%s %s", c->name,
				 s->name);
			for (k = 0; s->flags && s->flags[k]; k++)
				printf("flag\t%s\t%s\t%s\n", c->name, s->name,
				       s->flags[k]);
			for (k = 0; k < s->nkw; k++) {
				const struct cli_kw *kw = &s->kw[k];

				if (!kw_in(s, kw))
					continue;
				printf("keyword\t%s\t%s\t%s\n", c->name,
				       s->name, kw->name);
				list_choices(where, kw->name, kw->choices ?
					     kw->choices + kw->first : NULL);
			}
		}
	}
}
