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
#include "stampnl.h"

const struct stamp_counter stamp_counters[] = {
	{ STAMP_STATS_A_RX, "rx", "received" },
	{ STAMP_STATS_A_REFLECTED, "reflected", "reflected" },
	{ STAMP_STATS_A_DROP_SHORT, "drop_short", "dropped: too short" },
	{ STAMP_STATS_A_DROP_MALFORMED, "drop_malformed", "dropped: malformed UDP" },
	{ STAMP_STATS_A_DROP_CSUM, "drop_csum", "dropped: bad checksum" },
	{ STAMP_STATS_A_DROP_ERREST, "drop_errest", "dropped: zero error estimate" },
	{ STAMP_STATS_A_DROP_NOT_LOCAL, "drop_not_local", "dropped: not for this host" },
	{ STAMP_STATS_A_DROP_FRAGMENT, "drop_fragment", "dropped: IPv6 fragment" },
	{ STAMP_STATS_A_DROP_NO_ROUTE, "drop_no_route", "dropped: no route back" },
	{ STAMP_STATS_A_DROP_NOMEM, "drop_nomem", "dropped: out of memory" },
	{ STAMP_STATS_A_DROP_XMIT, "drop_xmit", "dropped: transmit failed" },
	{ STAMP_STATS_A_DROP_AUTH, "drop_auth", "dropped: authentication failed" },
	{ STAMP_STATS_A_DROP_NO_SESSION, "drop_no_session", "dropped: no session" },
	{ STAMP_STATS_A_DROP_SESSIONS_FULL, "drop_sessions_full", "dropped: session table full" },
	{ STAMP_STATS_A_DROP_RATE_LIMIT, "drop_rate_limit", "dropped: rate limit" },
	{ STAMP_STATS_A_DROP_NOT_ALLOWED, "drop_not_allowed", "dropped: source not allowed" },
};

#define NCOUNTERS ARRAY_SIZE(stamp_counters)
const size_t stamp_ncounters = NCOUNTERS;

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
	return 0;
}

static void print_help(void)
{
	fprintf(stderr,
		"usage: stampnl stats [-j | --prometheus FILE|-]\n"
		"  -j                 JSON\n"
		"  --prometheus FILE  the counters and every session's, as a Prometheus\n"
		"                     textfile for node_exporter (written to a temporary\n"
		"                     file, then renamed); - writes to standard output\n");
}

/**
 * cmd_stats() - `stampnl stats [-j | --prometheus FILE|-]`
 * @argc: argument count, argv[0] is "stats"
 * @argv: arguments
 *
 * Return: process exit status.
 */
int cmd_stats(int argc, char **argv)
{
	uint64_t val[NCOUNTERS + 1] = { 0 };	/* and the session count */
	struct sess_list l = { 0 };
	const char *prom = NULL;
	struct nl_msg *msg;
	bool json = false;
	struct nlctx c;
	size_t i;
	int a, err;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-j") && !json && !prom) {
			json = true;
		} else if (!strcmp(argv[a], "--prometheus") && a + 1 < argc &&
			   argv[a + 1][0] && !json && !prom) {
			prom = argv[++a];
		} else {
			print_help();
			return 2;
		}
	}
	if (nlctx_open(&c))
		return 1;
	/*
	 * The sessions before the totals: a request is counted in rx before
	 * its session's, so the sessions never add up to more than rx.
	 */
	err = prom ? session_dump(&c, &l) : 0;
	msg = err ? NULL : nlctx_msg(&c, STAMP_CMD_STATS_GET);
	if (!err)
		err = msg ? nlctx_call(&c, msg, parse_stats, val) : -ENOMEM;
	nlctx_close(&c);
	if (!err && prom)
		err = stats_write_prometheus(prom, val, &l);
	free(l.v);
	if (err)
		return 1;
	if (prom)
		return 0;
	for (i = 0; i < NCOUNTERS; i++) {
		if (json)
			printf("%s\"%s\":%" PRIu64, i ? "," : "{",
			       stamp_counters[i].key, val[i]);
		else
			printf("%-30s %" PRIu64 "\n", stamp_counters[i].text,
			       val[i]);
	}
	if (json)
		printf(",\"sessions\":%" PRIu64 "}\n", val[NCOUNTERS]);
	else
		printf("%-30s %" PRIu64 "\n", "sessions now", val[NCOUNTERS]);
	return 0;
}
