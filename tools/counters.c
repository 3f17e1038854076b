// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl stats`: the reflector's counters in the current network
 * namespace, summed over CPUs by the kernel.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <uapi/linux/stamp.h>

#include "nl.h"
#include "stampnl.h"

static const struct {
	int attr;
	const char *key;	/* JSON key */
	const char *text;	/* what a person reads */
} counters[] = {
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
};

/* TLV counters, in STAMP_TLV_STATS_A_* order from UNKNOWN: JSON "tlv" */
static const struct {
	const char *key;
	const char *text;
} tlv_counters[] = {
	{ "unknown", "TLVs: unknown type" },
	{ "extra_padding", "TLVs: extra padding" },
	{ "location", "TLVs: location" },
	{ "timestamp_info", "TLVs: timestamp information" },
	{ "cos", "TLVs: class of service" },
	{ "direct_measurement", "TLVs: direct measurement" },
	{ "access_report", "TLVs: access report" },
	{ "follow_up", "TLVs: follow-up telemetry" },
	{ "hmac", "TLVs: HMAC" },
	{ "dest_node_addr", "TLVs: destination node address" },
	{ "return_path", "TLVs: return path" },
	{ "micro_session", "TLVs: micro-session ID" },
	{ "malformed", "TLVs: malformed requests" },
	{ "integrity_failed", "TLVs: HMAC TLV failed" },
	{ "stripped", "TLVs: replies stripped" },
	{ "return_addr", "TLVs: replies redirected" },
	{ "same_link", "TLVs: replies on same link" },
	{ "cos_remarked", "TLVs: replies remarked" },
};

#define NTLV ARRAY_SIZE(tlv_counters)

#define NCOUNTERS ARRAY_SIZE(counters)
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
		if (st[counters[i].attr])
			val[i] = nla_get_u64(st[counters[i].attr]);
	if (tb[STAMP_A_SESSION_COUNT])
		val[NCOUNTERS] = nla_get_u32(tb[STAMP_A_SESSION_COUNT]);
	if (tb[STAMP_A_TLV_STATS]) {
		struct nlattr *tt[STAMP_TLV_STATS_A_MAX + 1];

		if (nla_parse_nested(tt, STAMP_TLV_STATS_A_MAX,
				     tb[STAMP_A_TLV_STATS], NULL))
			return -EPROTO;
		for (i = 0; i < NTLV; i++)
			if (tt[STAMP_TLV_STATS_A_UNKNOWN + i])
				val[TLV0 + i] = nla_get_u64(
					tt[STAMP_TLV_STATS_A_UNKNOWN + i]);
	}
	return 0;
}

/**
 * cmd_stats() - `stampnl stats [-j]`
 * @argc: argument count, argv[0] is "stats"
 * @argv: arguments
 *
 * Return: process exit status.
 */
int cmd_stats(int argc, char **argv)
{
	uint64_t val[TLV0 + NTLV] = { 0 };
	struct nl_msg *msg;
	struct nlctx c;
	bool json;
	size_t i;
	int err;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-j"))) {
		fprintf(stderr, "usage: stampnl stats [-j]\n");
		return 2;
	}
	json = argc == 2;
	if (nlctx_open(&c))
		return 1;
	msg = nlctx_msg(&c, STAMP_CMD_STATS_GET);
	err = msg ? nlctx_call(&c, msg, parse_stats, val) : -ENOMEM;
	nlctx_close(&c);
	if (err)
		return 1;
	for (i = 0; i < NCOUNTERS; i++) {
		if (json)
			printf("%s\"%s\":%" PRIu64, i ? "," : "{",
			       counters[i].key, val[i]);
		else
			printf("%-30s %" PRIu64 "\n", counters[i].text, val[i]);
	}
	if (json)
		printf(",\"sessions\":%" PRIu64 ",\"tlv\":{", val[NCOUNTERS]);
	else
		printf("%-30s %" PRIu64 "\n", "sessions now", val[NCOUNTERS]);
	for (i = 0; i < NTLV; i++) {
		if (json)
			printf("%s\"%s\":%" PRIu64, i ? "," : "",
			       tlv_counters[i].key, val[TLV0 + i]);
		else
			printf("%-30s %" PRIu64 "\n", tlv_counters[i].text,
			       val[TLV0 + i]);
	}
	if (json)
		printf("}}\n");
	return 0;
}
