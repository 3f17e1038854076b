/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/stamp.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_STAMP_GEN_H
#define _LINUX_STAMP_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/stamp.h>

/* Common nested types */
extern const struct nla_policy stamp_fast_path_nl_policy[STAMP_FAST_PATH_A_ENABLE + 1];
extern const struct nla_policy stamp_link_nl_policy[STAMP_LINK_A_MEMBER_ID + 1];
extern const struct nla_policy stamp_prefix_nl_policy[STAMP_PREFIX_A_LEN + 1];
extern const struct nla_policy stamp_session_nl_policy[STAMP_SESSION_A_LAST_T3 + 1];

/* Ops table for stamp */
extern const struct genl_split_ops stamp_nl_ops[7];

int stamp_nl_pre_doit_admin(const struct genl_split_ops *ops,
			    struct sk_buff *skb, struct genl_info *info);

int stamp_nl_refl_get_doit(struct sk_buff *skb, struct genl_info *info);
int stamp_nl_refl_set_doit(struct sk_buff *skb, struct genl_info *info);
int stamp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int stamp_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info);
int stamp_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info);
int stamp_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int stamp_nl_session_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);

#endif /* _LINUX_STAMP_GEN_H */
