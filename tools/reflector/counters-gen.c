// SPDX-License-Identifier: GPL-2.0
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/stamp.yaml */
/* by scripts/counters-gen.py (make regen) */

#include <uapi/linux/stamp.h>

#include "counters.h"
#include "util.h"

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

const size_t stamp_ncounters = ARRAY_SIZE(stamp_counters);

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
};

const size_t stamp_ntlv_counters = ARRAY_SIZE(stamp_tlv_counters);
