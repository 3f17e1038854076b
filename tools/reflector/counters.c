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
	{ STAMP_STATS_A_DROP_MICRO_SESSION, "drop_micro_session", "dropped: other micro-session" },
	{ STAMP_STATS_A_DROP_NO_REPLY, "drop_no_reply", "dropped: no reply requested" },
	{ STAMP_STATS_A_PEER_REPLIES, "peer_replies", "not requests: peer replies" },
	{ STAMP_STATS_A_ERREST_ZERO, "errest_zero", "answered: multiplier 0" },
};

#define NCOUNTERS ARRAY_SIZE(stamp_counters)
const size_t stamp_ncounters = NCOUNTERS;

/* in STAMP_TLV_STATS_A_* order from UNKNOWN: the JSON "tlv" object */
const struct stamp_counter stamp_tlv_counters[] = {
	{ STAMP_TLV_STATS_A_UNKNOWN, "unknown", "TLVs: unknown type" },
	{ STAMP_TLV_STATS_A_EXTRA_PADDING, "extra_padding", "TLVs: extra padding" },
	{ STAMP_TLV_STATS_A_LOCATION, "location", "TLVs: location" },
	{ STAMP_TLV_STATS_A_TIMESTAMP_INFO, "timestamp_info", "TLVs: timestamp information" },
	{ STAMP_TLV_STATS_A_COS, "cos", "TLVs: class of service" },
	{ STAMP_TLV_STATS_A_DIRECT_MEASUREMENT, "direct_measurement", "TLVs: direct measurement" },
	{ STAMP_TLV_STATS_A_ACCESS_REPORT, "access_report", "TLVs: access report" },
	{ STAMP_TLV_STATS_A_FOLLOW_UP, "follow_up", "TLVs: follow-up telemetry" },
	{ STAMP_TLV_STATS_A_HMAC, "hmac", "TLVs: HMAC" },
	{ STAMP_TLV_STATS_A_DEST_NODE_ADDR, "dest_node_addr", "TLVs: destination node address" },
	{ STAMP_TLV_STATS_A_RETURN_PATH, "return_path", "TLVs: return path" },
	{ STAMP_TLV_STATS_A_MICRO_SESSION, "micro_session", "TLVs: micro-session ID" },
	{ STAMP_TLV_STATS_A_MALFORMED, "malformed", "TLVs: malformed requests" },
	{ STAMP_TLV_STATS_A_INTEGRITY_FAILED, "integrity_failed", "TLVs: HMAC TLV failed" },
	{ STAMP_TLV_STATS_A_STRIPPED, "stripped", "TLVs: replies stripped" },
	{ STAMP_TLV_STATS_A_RETURN_ADDR, "return_addr", "TLVs: replies redirected" },
	{ STAMP_TLV_STATS_A_SAME_LINK, "same_link", "TLVs: replies on same link" },
	{ STAMP_TLV_STATS_A_COS_REMARKED, "cos_remarked", "TLVs: replies remarked" },
	{ STAMP_TLV_STATS_A_DM_UNCOUNTED, "dm_uncounted", "TLVs: Direct Measurement not counted" },
};

#define NTLV ARRAY_SIZE(stamp_tlv_counters)
const size_t stamp_ntlv_counters = NTLV;
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

static const struct cli_opt stats_opts[] = {
	{ NULL, 'j', NULL, "JSON" },
	{ "prometheus", 'P' + 256, "FILE|-",
	  "the counters and every session's, as a Prometheus\n"
	  "textfile for node_exporter (written to a temporary\n"
	  "file, then renamed); - writes to standard output",
	  .comp = CLI_COMP_FILE },
	{ "help", 'h', NULL, "this text" },
};

/* a counter: its key in JSON, its name and value in a column in text */
static void print_counter(const char *key, const char *text, uint64_t v)
{
	print_string(PRINT_FP, NULL, "%-30s ", text);
	print_u64(PRINT_ANY, key, "%" PRIu64 "\n", v);
}

static int cmd_stats(int argc, char **argv);

const struct cli_cmd stats_cli = {
	.name = "stats",
	.fn = cmd_stats,
	.summary = "[-j | --prometheus FILE|-]",
	.opts = stats_opts,
	.nopts = ARRAY_SIZE(stats_opts),
};

/* `stampnl stats [-j | --prometheus FILE|-]`; the exit status */
static int cmd_stats(int argc, char **argv)
{
	uint64_t val[TLV0 + NTLV] = { 0 };
	struct sess_list l = { 0 };
	const char *prom = NULL;
	struct option *lo;
	bool json = false;
	struct nlctx c;
	char so[16];
	size_t i;
	int a, err;

	if (argc == 2 && cli_is_help(argv[1])) {
		cli_usage(stdout, &stats_cli);
		return 0;
	}
	err = cli_getopt_tables(stats_opts, ARRAY_SIZE(stats_opts), &lo,
				so, sizeof(so));
	if (err)
		return 1;
	optind = 1;
	while ((a = cli_getopt(argc, argv, &stats_cli, lo, so)) != -1) {
		if (a == 'j')
			json = true;
		else if (a == 'P' + 256 && *optarg)
			prom = optarg;
		else if (a == 'P' + 256)
			err = cli_error("stats", "--prometheus needs a file name");
		else if (a == 'h')
			err = -ECANCELED;
		else
			err = -EINVAL;
	}
	free(lo);
	if (err == -ECANCELED) {
		cli_usage(stdout, &stats_cli);
		return 0;
	}
	if (!err && optind < argc)
		err = cli_error("stats", "unexpected argument '%s'", argv[optind]);
	if (!err && json && prom)
		err = cli_error("stats", "-j and --prometheus do not go together: pick one");
	if (err)
		return 2;
	if (nlctx_open(&c))
		return 1;
	/*
	 * The sessions before the totals: a request is counted in rx before
	 * its session's, so the sessions never add up to more than rx.
	 */
	err = prom ? session_dump(&c, &l) : 0;
	if (!err)
		err = stats_get(&c, val);
	nlctx_close(&c);
	if (!err && prom)
		err = stats_write_prometheus(prom, val, &l);
	free(l.v);
	if (err)
		return 1;
	if (prom)
		return 0;
	print_start(NULL, json);
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
