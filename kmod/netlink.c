// SPDX-License-Identifier: GPL-2.0
/*
 * The "stamp" generic netlink family (include/uapi/linux/stamp.h,
 * Documentation/netlink/specs/stamp.yaml): reflector configuration and
 * counters, per network namespace. Handlers run in process context; writers
 * serialize on stamp_net.cfg_lock and publish a new stamp_cfg with RCU.
 */
#include <linux/netlink.h>
#include <net/genetlink.h>

#include "stamp.h"

static struct genl_family stamp_genl_family;

static const struct nla_policy stamp_policy[STAMP_A_MAX + 1] = {
	[STAMP_A_PORT]		= NLA_POLICY_MIN(NLA_U16, 1),
	[STAMP_A_TS_FORMAT]	= NLA_POLICY_MAX(NLA_U8, STAMP_TS_PTP),
	[STAMP_A_CLOCK_SYNCED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[STAMP_A_CLOCK_ERROR]	= NLA_POLICY_MIN(NLA_U32, 1),
	[STAMP_A_CLOCK_VALIDITY] = { .type = NLA_U32 },
	[STAMP_A_STATS]		= { .type = NLA_REJECT,
				    .reject_message = "counters are read only" },
};

static int fill_cfg(struct sk_buff *msg, const struct stamp_cfg *cfg)
{
	u32 left = 0;
	unsigned int i;

	for (i = 0; i < cfg->nports; i++)
		if (nla_put_u16(msg, STAMP_A_PORT, cfg->ports[i]))
			return -EMSGSIZE;
	if (cfg->clock_validity_s && stamp_cfg_clock_synced(cfg))
		left = DIV_ROUND_UP(cfg->clock_expires - jiffies, HZ);
	if (nla_put_u8(msg, STAMP_A_TS_FORMAT, cfg->ts_format) ||
	    nla_put_u8(msg, STAMP_A_CLOCK_SYNCED,
		       stamp_cfg_clock_synced(cfg)) ||
	    nla_put_u32(msg, STAMP_A_CLOCK_ERROR, cfg->clock_error_ns) ||
	    nla_put_u32(msg, STAMP_A_CLOCK_VALIDITY, left))
		return -EMSGSIZE;
	return 0;
}

static int fill_stats(struct sk_buff *msg, struct stamp_net *sn)
{
	u64 cnt[STAMP_CNT_MAX];
	struct nlattr *nest;
	int i;

	BUILD_BUG_ON(STAMP_STATS_A_RX + STAMP_CNT_MAX - 1 != STAMP_STATS_A_MAX);
	stamp_stats_sum(sn, cnt);
	nest = nla_nest_start(msg, STAMP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < STAMP_CNT_MAX; i++) {
		if (nla_put_u64_64bit(msg, STAMP_STATS_A_RX + i, cnt[i],
				      STAMP_STATS_A_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int stamp_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct stamp_net *sn = stamp_pernet(genl_info_net(info));
	u8 cmd = info->genlhdr->cmd;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &stamp_genl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	if (cmd == STAMP_CMD_STATS_GET) {
		err = fill_stats(msg, sn);
	} else {
		mutex_lock(&sn->cfg_lock);
		err = fill_cfg(msg, rcu_dereference_protected(sn->cfg,
					lockdep_is_held(&sn->cfg_lock)));
		mutex_unlock(&sn->cfg_lock);
	}
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/* STAMP_A_PORT may repeat: the whole list replaces the current one. */
static int parse_ports(struct genl_info *info, struct stamp_cfg *cfg)
{
	u16 ports[STAMP_MAX_PORTS];
	unsigned int n = 0, i;
	struct nlattr *nla;
	int rem;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != STAMP_A_PORT)
			continue;
		if (n == STAMP_MAX_PORTS) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "too many ports (at most 16)");
			return -E2BIG;
		}
		ports[n] = nla_get_u16(nla);
		for (i = 0; i < n; i++) {
			if (ports[i] == ports[n]) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "port given twice");
				return -EINVAL;
			}
		}
		n++;
	}
	if (n) {
		memcpy(cfg->ports, ports, n * sizeof(ports[0]));
		cfg->nports = n;
	}
	return n;
}

static int stamp_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct stamp_net *sn = stamp_pernet(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	struct stamp_cfg *cfg;
	int changed, err;

	mutex_lock(&sn->cfg_lock);
	cfg = stamp_cfg_alloc(rcu_dereference_protected(sn->cfg,
				lockdep_is_held(&sn->cfg_lock)), GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto err_unlock;
	}
	changed = parse_ports(info, cfg);
	if (changed < 0) {
		err = changed;
		goto err_free;
	}
	if (attrs[STAMP_A_TS_FORMAT]) {
		cfg->ts_format = nla_get_u8(attrs[STAMP_A_TS_FORMAT]);
		changed++;
	}
	if (attrs[STAMP_A_CLOCK_SYNCED]) {
		cfg->clock_synced = nla_get_u8(attrs[STAMP_A_CLOCK_SYNCED]);
		/* a new report restarts (or ends) its validity */
		cfg->clock_validity_s = 0;
		changed++;
	}
	if (attrs[STAMP_A_CLOCK_ERROR]) {
		cfg->clock_error_ns = nla_get_u32(attrs[STAMP_A_CLOCK_ERROR]);
		changed++;
	}
	if (attrs[STAMP_A_CLOCK_VALIDITY]) {
		if (!attrs[STAMP_A_CLOCK_SYNCED]) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[STAMP_A_CLOCK_VALIDITY],
					    "validity goes with a clock-synced report");
			err = -EINVAL;
			goto err_free;
		}
		cfg->clock_validity_s =
			nla_get_u32(attrs[STAMP_A_CLOCK_VALIDITY]);
		changed++;
	}
	if (!changed) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		err = -EINVAL;
		goto err_free;
	}
	stamp_cfg_finalize(cfg);
	stamp_cfg_publish(sn, cfg);
	mutex_unlock(&sn->cfg_lock);
	return 0;

err_free:
	kfree(cfg);
err_unlock:
	mutex_unlock(&sn->cfg_lock);
	return err;
}

static const struct genl_ops stamp_genl_ops[] = {
	{
		.cmd	= STAMP_CMD_REFL_GET,
		.doit	= stamp_nl_get,
	},
	{
		.cmd	= STAMP_CMD_REFL_SET,
		.doit	= stamp_nl_set,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= STAMP_CMD_STATS_GET,
		.doit	= stamp_nl_get,
	},
};

static struct genl_family stamp_genl_family __ro_after_init = {
	.name		= STAMP_GENL_NAME,
	.version	= STAMP_GENL_VERSION,
	.maxattr	= STAMP_A_MAX,
	.policy		= stamp_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= stamp_genl_ops,
	.n_ops		= ARRAY_SIZE(stamp_genl_ops),
};

/**
 * stamp_genl_register() - register the "stamp" family
 *
 * Return: 0 or -errno.
 */
int stamp_genl_register(void)
{
	return genl_register_family(&stamp_genl_family);
}

/**
 * stamp_genl_unregister() - unregister the family; waits for handlers
 */
void stamp_genl_unregister(void)
{
	genl_unregister_family(&stamp_genl_family);
}
