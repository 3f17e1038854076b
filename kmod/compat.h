/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels kstamp supports (6.1 LTS and
 * later) lives here, so the rest of the module reads as current code.
 * The STAMP_HAVE_* macros come from feature probes in Kbuild.
 */
#ifndef _STAMP_COMPAT_H
#define _STAMP_COMPAT_H

#include <linux/skbuff.h>
#include <net/genetlink.h>

/*
 * Whether skb->tstamp holds a CLOCK_REALTIME receive stamp: it may instead
 * carry a monotonic delivery time set by a sender's SO_TXTIME or by EDT.
 * 6.11 replaced the mono_delivery_time bit with tstamp_type.
 */
static inline bool stamp_skb_tstamp_is_real(const struct sk_buff *skb)
{
#ifdef STAMP_HAVE_SKB_TSTAMP_TYPE
	return skb->tstamp && skb->tstamp_type == SKB_CLOCK_REALTIME;
#else
	return skb->tstamp && !skb->mono_delivery_time;
#endif
}

#ifndef STAMP_HAVE_CONST_NLA_RANGE
/*
 * 6.1's struct nla_policy points to a range that is not const, although
 * the kernel only reads it; the generated policies' ranges are const.
 */
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {			\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),		\
	.validation_type = NLA_VALIDATE_RANGE_PTR,		\
	.range = (struct netlink_range_validation *)(_range),	\
}
#endif

#ifndef STAMP_HAVE_GENL_SPLIT_OPS
/*
 * Split ops came in 6.2. The ops table ynl-gen-c.py generates
 * (netlink-gen.c, compiled with this header forced in by Kbuild) is of
 * this shape, the fields it sets of 6.12's struct genl_split_ops, and
 * netlink.c folds it into 6.1's struct genl_ops, one per command, when it
 * registers the family (stamp_genl_ops_fold()).
 */
struct genl_split_ops {
	int (*pre_doit)(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info);
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	void (*post_doit)(const struct genl_split_ops *ops,
			  struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};
#endif

#endif /* _STAMP_COMPAT_H */
