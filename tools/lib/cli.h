/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stampnl's grammar, declared once: each command's options (getopt style,
 * the sender and stats) or subcommands with keyword/value pairs (ip(8)
 * style, reflector and session). The usage text, getopt_long's tables,
 * the parsing of keywords into netlink attributes, and `stampnl
 * __complete` / `__list` (bash completion, tests/docs_check.py) are all
 * made from these tables.
 */
#ifndef _KSTAMP_CLI_H
#define _KSTAMP_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

struct nl_msg;

/* What completes an argument that has no fixed choices. */
enum cli_comp { CLI_COMP_NONE, CLI_COMP_FILE, CLI_COMP_HOST };

/*
 * What cli_parse_opts() does with an option: hand it to the command's
 * function, or store it at @off in the command's struct itself: a flag's
 * bool set, the argument itself (not empty), a real number in [min, max].
 */
enum cli_store { CLI_STORE_FN, CLI_STORE_FLAG, CLI_STORE_STR, CLI_STORE_REAL };

/*
 * One option. @name and @key: the long name and the short letter, either
 * may be missing (a key >= 256 has no letter); with neither, a heading.
 */
struct cli_opt {
	const char *name;
	int key;
	const char *arg;	/* its argument's name; NULL: a flag */
	const char *help;	/* lines after the first start with "\n" */
	const char *const *choices;	/* NULL-terminated, or NULL */
	enum cli_comp comp;
	enum cli_store store;
	size_t off;		/* offsetof() the member it is stored in */
	double min, max;	/* CLI_STORE_REAL */
};

/* stored options: TYPE.MEMBER gets the value; more members may follow */
#define CLI_OPT_FLAG(name, key, help, type, member)			\
	{ name, key, NULL, help, .store = CLI_STORE_FLAG,		\
	  .off = offsetof(type, member) }
#define CLI_OPT_STR(name, key, arg, help, type, member, ...)		\
	{ name, key, arg, help, .store = CLI_STORE_STR,		\
	  .off = offsetof(type, member), __VA_ARGS__ }
#define CLI_OPT_REAL(name, key, arg, help, type, member, lo, hi)	\
	{ name, key, arg, help, .store = CLI_STORE_REAL,		\
	  .off = offsetof(type, member), .min = (lo), .max = (hi) }

struct cli_kw;
/* parse @val, add its attribute to @msg; errors printed for @cmd */
typedef int cli_put_fn(struct nl_msg *msg, const struct cli_kw *k,
		       const char *val, const char *cmd, void *ctx);

/* One keyword of `stampnl CMD SUB KEYWORD VALUE...`. */
struct cli_kw {
	const char *name;
	const char *arg;	/* the value's name, unless @choices */
	const char *help;
	cli_put_fn *put;	/* parses the value, adds the attribute */
	int attr;
	uint64_t min, max;	/* cli_put_u*, cli_put_duration_s */
	const char *const *choices;	/* NULL-terminated, or NULL */
	unsigned int first;	/* cli_put_choice: choices[first...] only */
	enum cli_comp comp;
	unsigned int flags;
};

/*
 * The common entries: a choice of names (their index is the attribute's
 * value), on|off, and a u32 from 0 to UINT32_MAX.
 */
#define CLI_KW_CHOICE(kw, help_, attr_, names)				\
	{ .name = (kw), .help = (help_), .put = cli_put_choice,	\
	  .attr = (attr_), .choices = (names) }
#define CLI_KW_ONOFF(kw, help_, attr_)					\
	CLI_KW_CHOICE(kw, help_, attr_, parse_onoff_names)
#define CLI_KW_U32(kw, arg_, help_, attr_)				\
	{ .name = (kw), .arg = (arg_), .help = (help_),			\
	  .put = cli_put_u32, .attr = (attr_), .max = UINT32_MAX }
/* a keyword of its own put function that may be given more than once */
#define CLI_KW_REPEATED(kw, arg_, help_, put_, attr_)			\
	{ .name = (kw), .arg = (arg_), .help = (help_), .put = (put_),	\
	  .attr = (attr_), .flags = CLI_KW_REPEAT }

#define CLI_KW_REQUIRED	0x1
#define CLI_KW_REPEAT	0x2	/* may be given more than once */
/* bits 8 and up: which subcommands take the keyword (cli_sub.kw_mask) */

/* `stampnl CMD SUB ...` */
struct cli_sub {
	const char *name;
	const char *help;
	const struct cli_kw *kw;
	size_t nkw;
	unsigned int kw_mask;	/* the keywords whose flags have these bits */
	const char *const *flags;	/* NULL-terminated: "-j" */
};

/* `stampnl CMD ...` */
struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;	/* one line in `stampnl help` */
	const struct cli_opt *opts;	/* getopt style */
	size_t nopts;
	const char *args;	/* the operands, as the synopsis names them */
	enum cli_comp arg_comp;
	const struct cli_sub *subs;	/* or subcommands */
	size_t nsubs;
	const char *notes;	/* text after the options in --help */
};

/*
 * CLI_COMMAND(NAME, SUMMARY, members...): the descriptor NAME_cli of
 * `stampnl NAME`, which cmd_NAME() runs; the other members follow, the
 * tables through CLI_OPTS() or CLI_SUBS(), which count them.
 */
#define CLI_COMMAND(cmd, sum, ...)					\
	const struct cli_cmd cmd##_cli = {				\
		.name = #cmd, .fn = cmd_##cmd, .summary = (sum), __VA_ARGS__ \
	}
#define CLI_OPTS(table)	.opts = (table), .nopts = ARRAY_SIZE(table)
#define CLI_SUBS(table)	.subs = (table), .nsubs = ARRAY_SIZE(table)

/* getopt_long */
int cli_getopt_tables(const struct cli_opt *opts, size_t n,
		      struct option **longopts, char *shortopts, size_t len);
int cli_getopt(int argc, char **argv, const struct cli_cmd *cmd,
	       const struct option *longopts, const char *shortopts);

/* an option that sets a bool of the struct the command fills in */
struct cli_flag {
	int key;
	size_t off;	/* offsetof() the bool */
};

bool cli_set_flag(void *obj, const struct cli_flag *flags, size_t n, int key);

/*
 * a command's options, in order, the stored ones into @obj: 0 or -errno
 * after printing the error
 */
typedef int cli_opt_fn(int key, const char *arg, void *ctx);
int cli_parse_opts(const struct cli_cmd *cmd, int argc, char **argv,
		   void *obj, cli_opt_fn *fn, void *ctx);
/* one option given apart ("--rate", "10"): a configuration file's key */
int cli_parse_opt(const struct cli_cmd *cmd, const char *opt,
		  const char *arg, void *obj, cli_opt_fn *fn, void *ctx);

/* help and errors */
bool cli_is_help(const char *arg);
void cli_usage(FILE *f, const struct cli_cmd *cmd);
int cli_error(const char *cmd, const char *fmt, ...);
int cli_bad_value(const char *cmd, const char *what, const char *val,
		  int err, const char *expect);

/* parse.h's parsers, with the one-line message (cli_bad_value) on failure */
int cli_u64(const char *cmd, const char *what, const char *s, uint64_t min,
	    uint64_t max, uint64_t *out);
int cli_uint(const char *cmd, const char *what, const char *s,
	     unsigned int min, unsigned int max, unsigned int *out);
int cli_duration(const char *cmd, const char *what, const char *s,
		 uint64_t unit_ns, uint64_t min_ns, uint64_t max_ns,
		 uint64_t *ns);
int cli_size(const char *cmd, const char *what, const char *s, uint64_t min,
	     uint64_t max, uint64_t *out);
int cli_real(const char *cmd, const char *what, const char *s, double min,
	     double max, double *out);
int cli_dscp(const char *cmd, const char *what, const char *s,
	     unsigned int *out);
int cli_ecn(const char *cmd, const char *what, const char *s,
	    unsigned int *out);
int cli_choice(const char *cmd, const char *what, const char *s,
	       const char *const *names, unsigned int first,
	       unsigned int *out);

/* keyword/value pairs */
int cli_kw_parse(const char *cmd, const struct cli_sub *sub, int argc,
		 char **argv, struct nl_msg *msg, void *ctx, bool *flag);
/* numbers in [min, max], durations in whole s or ns, the index of a choice */
cli_put_fn cli_put_u8, cli_put_u16, cli_put_u32, cli_put_duration_s,
	cli_put_duration_ns, cli_put_choice;

/* the hidden commands */
int cli_complete(const struct cli_cmd *const *cmds, size_t n, int argc,
		 char **argv);
void cli_list(const struct cli_cmd *const *cmds, size_t n);

#endif /* _KSTAMP_CLI_H */
