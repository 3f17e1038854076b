// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl stats`: the reflector's counters in the current network
 * namespace, summed over CPUs by the kernel; as text, JSON, or with the
 * sessions' counters as a Prometheus textfile (stats_prom.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/linux/stamp.h>

#include "counters.h"
#include "nl.h"
#include "print.h"
#include "stampnl.h"

/* stamp_counters[], stamp_tlv_counters[]: counters-gen.c, from the spec */
#define NCOUNTERS STAMP_NCOUNTERS
#define NTLV STAMP_NTLV_COUNTERS
/* val[]: the counters, the session count, then the TLV counters */
#define TLV0 (NCOUNTERS + 1)

static int parse_stats(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct nlattr *st[STAMP_STATS_A_MAX + 1];
	uint64_t *val = arg;
	size_t i;

	if (!tb[STAMP_A_STATS] ||
	    nla_parse_nested(st, STAMP_STATS_A_MAX, tb[STAMP_A_STATS], NULL))
		return -EPROTO;
	for (i = 0; i < NCOUNTERS; i++)
		if (st[stamp_counters[i].attr])
			val[i] = nla_get_u64(st[stamp_counters[i].attr]);
	if (tb[STAMP_A_SESSION_COUNT])
		val[NCOUNTERS] = nla_get_u32(tb[STAMP_A_SESSION_COUNT]);
	if (tb[STAMP_A_TLV_STATS]) {
		struct nlattr *tt[STAMP_TLV_STATS_A_MAX + 1];

		if (nla_parse_nested(tt, STAMP_TLV_STATS_A_MAX,
				     tb[STAMP_A_TLV_STATS], NULL))
			return -EPROTO;
		for (i = 0; i < NTLV; i++)
			if (tt[stamp_tlv_counters[i].attr])
				val[TLV0 + i] = nla_get_u64(
					tt[stamp_tlv_counters[i].attr]);
	}
	return 0;
}

/**
 * stats_get() - the reflector's counters, one STATS_GET
 * @c: an open context
 * @val: stats_nval() values: each counter of stamp_counters[], the
 *	 session count, then each of stamp_tlv_counters[]; a counter the
 *	 module does not report is left as it was
 *
 * Return: 0 or -errno (a message printed).
 */
int stats_get(struct nlctx *c, uint64_t *val)
{
	struct nl_msg *msg = nlctx_msg(c, STAMP_CMD_STATS_GET);

	if (!msg)
		return -ENOMEM;
	return nlctx_call(c, msg, parse_stats, val);
}

/**
 * stats_nval() - how many values stats_get() writes
 *
 * Return: the length of its array.
 */
size_t stats_nval(void)
{
	return TLV0 + NTLV;
}

struct stats_args {
	bool json;
	const char *prom;
};

static const struct cli_opt stats_opts[] = {
	CLI_OPT_FLAG(NULL, 'j', "JSON", struct stats_args, json),
	CLI_OPT_STR("prometheus", 'P' + 256, "FILE|-",
		    "the counters and every session's, as a Prometheus\n"
		    "textfile for node_exporter (written to a temporary\n"
		    "file, then renamed); - writes to standard output",
		    struct stats_args, prom, .comp = CLI_COMP_FILE),
	{ "help", 'h', NULL, "this text" },
};

/* a counter: its key in JSON, its name and value in a column in text */
static void print_counter(const char *key, const char *text, uint64_t v)
{
	print_string(PRINT_FP, NULL, "%-30s ", text);
	print_u64(PRINT_ANY, key, "%" PRIu64 "\n", v);
}

static int cmd_stats(int argc, char **argv);

CLI_COMMAND(stats, "[-j | --prometheus FILE|-]", CLI_OPTS(stats_opts));

/* `stampnl stats [-j | --prometheus FILE|-]`; the exit status */
static int cmd_stats(int argc, char **argv)
{
	uint64_t val[TLV0 + NTLV] = { 0 };
	struct sess_list l = { 0 };
	struct stats_args a = { 0 };
	struct nlctx c;
	size_t i;
	int err;

	err = cli_parse_opts(&stats_cli, argc, argv, &a, NULL, NULL);
	if (err == -ECANCELED)
		return 0;
	if (err == -ENOMEM || err == -ENOSPC)
		return 1;
	if (!err && optind < argc)
		err = cli_error("stats", "unexpected argument '%s'", argv[optind]);
	if (!err && a.json && a.prom)
		err = cli_error("stats", "-j and --prometheus do not go together: pick one");
	if (err)
		return 2;
	if (nlctx_open(&c))
		return 1;
	/*
	 * The sessions before the totals: a request is counted in rx before
	 * its session's, so the sessions never add up to more than rx.
	 */
	err = a.prom ? session_dump(&c, &l) : 0;
	if (!err)
		err = stats_get(&c, val);
	nlctx_close(&c);
	if (!err && a.prom)
		err = stats_write_prometheus(a.prom, val, &l);
	free(l.v);
	if (err)
		return 1;
	if (a.prom)
		return 0;
	print_start(NULL, a.json);
	open_json_object(NULL);
	for (i = 0; i < NCOUNTERS; i++)
		print_counter(stamp_counters[i].key, stamp_counters[i].text,
			      val[i]);
	print_counter("sessions", "sessions now", val[NCOUNTERS]);
	open_json_object("tlv");
	for (i = 0; i < NTLV; i++)
		print_counter(stamp_tlv_counters[i].key,
			      stamp_tlv_counters[i].text, val[TLV0 + i]);
	close_json_object();
	close_json_object();
	print_nl(PRINT_JSON);
	return 0;
}
