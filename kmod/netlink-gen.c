// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/stamp.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/stamp.h>

/* Integer value ranges */
static const struct netlink_range_validation stamp_a_max_sessions_range = {
	.min	= 1ULL,
	.max	= 16777216ULL,
};

/* Common nested types */
const struct nla_policy stamp_fast_path_nl_policy[STAMP_FAST_PATH_A_ENABLE + 1] = {
	[STAMP_FAST_PATH_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[STAMP_FAST_PATH_A_ENABLE] = NLA_POLICY_MAX(NLA_U8, 1),
};

const struct nla_policy stamp_link_nl_policy[STAMP_LINK_A_MEMBER_ID + 1] = {
	[STAMP_LINK_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[STAMP_LINK_A_MEMBER_ID] = { .type = NLA_U16, },
};

const struct nla_policy stamp_prefix_nl_policy[STAMP_PREFIX_A_LEN + 1] = {
	[STAMP_PREFIX_A_ADDR] = { .type = NLA_BINARY, },
	[STAMP_PREFIX_A_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy stamp_session_nl_policy[STAMP_SESSION_A_LAST_T3 + 1] = {
	[STAMP_SESSION_A_PEER_ADDR] = { .type = NLA_BINARY, },
	[STAMP_SESSION_A_PEER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[STAMP_SESSION_A_LOCAL_ADDR] = { .type = NLA_BINARY, },
	[STAMP_SESSION_A_LOCAL_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[STAMP_SESSION_A_SSID] = { .type = NLA_U16, },
	[STAMP_SESSION_A_KEY] = { .type = NLA_BINARY, },
	[STAMP_SESSION_A_HAS_KEY] = { .type = NLA_U8, },
	[STAMP_SESSION_A_PROVISIONED] = { .type = NLA_U8, },
	[STAMP_SESSION_A_SEQ] = { .type = NLA_U32, },
	[STAMP_SESSION_A_RX] = { .type = NLA_U64, },
	[STAMP_SESSION_A_REFLECTED] = { .type = NLA_U64, },
	[STAMP_SESSION_A_DROP_AUTH] = { .type = NLA_U64, },
	[STAMP_SESSION_A_IDLE_MS] = { .type = NLA_U32, },
	[STAMP_SESSION_A_ACCESS_ID] = { .type = NLA_U8, },
	[STAMP_SESSION_A_ACCESS_CODE] = { .type = NLA_U8, },
	[STAMP_SESSION_A_LAST_T3] = { .type = NLA_U64, },
};

/* STAMP_CMD_REFL_SET - do */
static const struct nla_policy stamp_refl_set_nl_policy[STAMP_A_FAST_PATH + 1] = {
	[STAMP_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[STAMP_A_TS_FORMAT] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_CLOCK_SYNCED] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_CLOCK_ERROR] = NLA_POLICY_MIN(NLA_U32, 1),
	[STAMP_A_CLOCK_VALIDITY] = { .type = NLA_U32, },
	[STAMP_A_MODE] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_SESSION_CREATE] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_AUTH] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_DEFAULT_KEY] = { .type = NLA_BINARY, },
	[STAMP_A_RATE_LIMIT] = { .type = NLA_U32, },
	[STAMP_A_RATE_BURST] = NLA_POLICY_MIN(NLA_U32, 1),
	[STAMP_A_ALLOW] = NLA_POLICY_NESTED(stamp_prefix_nl_policy),
	[STAMP_A_ALLOW_CLEAR] = { .type = NLA_FLAG, },
	[STAMP_A_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &stamp_a_max_sessions_range),
	[STAMP_A_SESSION_IDLE] = NLA_POLICY_MIN(NLA_U32, 1),
	[STAMP_A_TLV_MODE] = NLA_POLICY_MAX(NLA_U8, 2),
	[STAMP_A_COS_REMARK] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_RETURN_ADDR] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_MEMBER_ID] = { .type = NLA_U16, },
	[STAMP_A_SYNC_SOURCE] = NLA_POLICY_RANGE(NLA_U8, 1, 5),
	[STAMP_A_ERREST_ZERO_DISCARD] = NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_LINK] = NLA_POLICY_NESTED(stamp_link_nl_policy),
	[STAMP_A_FAST_PATH] = NLA_POLICY_NESTED(stamp_fast_path_nl_policy),
};

/* STAMP_CMD_SESSION_NEW - do */
static const struct nla_policy stamp_session_new_nl_policy[STAMP_A_SESSION + 1] = {
	[STAMP_A_SESSION] = NLA_POLICY_NESTED(stamp_session_nl_policy),
};

/* STAMP_CMD_SESSION_DEL - do */
static const struct nla_policy stamp_session_del_nl_policy[STAMP_A_SESSION + 1] = {
	[STAMP_A_SESSION] = NLA_POLICY_NESTED(stamp_session_nl_policy),
};

/* STAMP_CMD_SESSION_GET - do */
static const struct nla_policy stamp_session_get_nl_policy[STAMP_A_SESSION + 1] = {
	[STAMP_A_SESSION] = NLA_POLICY_NESTED(stamp_session_nl_policy),
};

/* Ops table for stamp */
const struct genl_split_ops stamp_nl_ops[7] = {
	{
		.cmd	= STAMP_CMD_REFL_GET,
		.doit	= stamp_nl_refl_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= STAMP_CMD_REFL_SET,
		.pre_doit	= stamp_nl_pre_doit_admin,
		.doit		= stamp_nl_refl_set_doit,
		.policy		= stamp_refl_set_nl_policy,
		.maxattr	= STAMP_A_FAST_PATH,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= STAMP_CMD_STATS_GET,
		.doit	= stamp_nl_stats_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= STAMP_CMD_SESSION_NEW,
		.pre_doit	= stamp_nl_pre_doit_admin,
		.doit		= stamp_nl_session_new_doit,
		.policy		= stamp_session_new_nl_policy,
		.maxattr	= STAMP_A_SESSION,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= STAMP_CMD_SESSION_DEL,
		.pre_doit	= stamp_nl_pre_doit_admin,
		.doit		= stamp_nl_session_del_doit,
		.policy		= stamp_session_del_nl_policy,
		.maxattr	= STAMP_A_SESSION,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= STAMP_CMD_SESSION_GET,
		.doit		= stamp_nl_session_get_doit,
		.policy		= stamp_session_get_nl_policy,
		.maxattr	= STAMP_A_SESSION,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= STAMP_CMD_SESSION_GET,
		.dumpit	= stamp_nl_session_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
};
