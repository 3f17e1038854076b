// SPDX-License-Identifier: GPL-2.0
/*
 * The "stamp" generic netlink family (include/uapi/linux/stamp.h,
 * Documentation/netlink/specs/stamp.yaml): reflector configuration and
 * counters, per network namespace. Handlers run in process context; writers
 * serialize on stamp_net.cfg_lock and publish a new stamp_cfg with RCU.
 *
 * The policies, one per operation and strict, and the ops table are
 * generated from the spec (netlink-gen.c, scripts/ynl-gen.sh): a request
 * carrying an attribute its operation does not take is refused by the
 * genetlink core with an extack message. The spec also names the one
 * admin check, stamp_nl_pre_doit_admin(), for every mutating operation.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "netlink-gen.h"
#include "stamp.h"

static struct genl_family stamp_genl_family;

static int put_addr(struct sk_buff *msg, int type, u8 family,
		    const __be32 *addr)
{
	return nla_put(msg, type, family == AF_INET ? 4 : 16, addr);
}

static int fill_allow(struct sk_buff *msg, const struct stamp_cfg *cfg)
{
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < cfg->nallow; i++) {
		nest = nla_nest_start(msg, STAMP_A_ALLOW);
		if (!nest ||
		    put_addr(msg, STAMP_PREFIX_A_ADDR, cfg->allow[i].family,
			     cfg->allow[i].addr) ||
		    nla_put_u8(msg, STAMP_PREFIX_A_LEN, cfg->allow[i].len))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

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
	    nla_put_u32(msg, STAMP_A_CLOCK_VALIDITY, left) ||
	    nla_put_u8(msg, STAMP_A_MODE, cfg->mode) ||
	    nla_put_u8(msg, STAMP_A_SESSION_CREATE, cfg->session_create) ||
	    nla_put_u8(msg, STAMP_A_AUTH, cfg->auth) ||
	    nla_put_u32(msg, STAMP_A_RATE_LIMIT, cfg->rate_limit) ||
	    nla_put_u32(msg, STAMP_A_RATE_BURST, cfg->rate_burst) ||
	    nla_put_u32(msg, STAMP_A_MAX_SESSIONS, cfg->max_sessions) ||
	    nla_put_u32(msg, STAMP_A_SESSION_IDLE, cfg->session_idle_s) ||
	    nla_put_u8(msg, STAMP_A_TLV_MODE, cfg->tlv_mode) ||
	    nla_put_u8(msg, STAMP_A_COS_REMARK, cfg->cos_remark) ||
	    nla_put_u8(msg, STAMP_A_RETURN_ADDR, cfg->return_addr) ||
	    nla_put_u16(msg, STAMP_A_MEMBER_ID, cfg->member_id) ||
	    nla_put_u8(msg, STAMP_A_SYNC_SOURCE, cfg->sync_source) ||
	    nla_put_u8(msg, STAMP_A_ERREST_ZERO_DISCARD,
		       cfg->errest_zero_discard) ||
	    nla_put_u8(msg, STAMP_A_T3_POINT,
		       stamp_egress_active() ? STAMP_T3_POINT_EGRESS :
					       STAMP_T3_POINT_OUTPUT))
		return -EMSGSIZE;
	return fill_allow(msg, cfg);
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

static int fill_tlv_stats(struct sk_buff *msg, struct stamp_net *sn)
{
	u64 cnt[STAMP_TLVC_MAX];
	struct nlattr *nest;
	int i;

	BUILD_BUG_ON(STAMP_TLV_STATS_A_UNKNOWN + STAMP_TLVC_MAX - 1 !=
		     STAMP_TLV_STATS_A_MAX);
	/* the spec lists a counter per TLV type before the others */
	BUILD_BUG_ON(STAMP_TLVC_MALFORMED != STAMP_TLV_NCOUNT);
	stamp_stats_tlv_sum(sn, cnt);
	nest = nla_nest_start(msg, STAMP_A_TLV_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < STAMP_TLVC_MAX; i++) {
		if (nla_put_u64_64bit(msg, STAMP_TLV_STATS_A_UNKNOWN + i,
				      cnt[i], STAMP_TLV_STATS_A_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int get_doit(struct sk_buff *skb, struct genl_info *info)
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
	mutex_lock(&sn->cfg_lock);
	if (cmd == STAMP_CMD_STATS_GET) {
		struct stamp_session_table *t;

		t = rcu_dereference_protected(sn->sessions,
					      lockdep_is_held(&sn->cfg_lock));
		err = fill_stats(msg, sn) ?: fill_tlv_stats(msg, sn) ?:
		      nla_put_u32(msg, STAMP_A_SESSION_COUNT,
				  t ? stamp_session_count(t) : 0);
	} else {
		const struct stamp_cfg *cfg;

		cfg = rcu_dereference_protected(sn->cfg,
						lockdep_is_held(&sn->cfg_lock));
		err = fill_cfg(msg, cfg) ?:
		      nla_put_u8(msg, STAMP_A_HAS_DEFAULT_KEY,
				 !!rcu_access_pointer(sn->default_key)) ?:
		      stamp_links_fill(msg, sn);
	}
	mutex_unlock(&sn->cfg_lock);
	/* the hooked devices are under RTNL, never taken under cfg_lock */
	if (!err && cmd != STAMP_CMD_STATS_GET) {
		rtnl_lock();
		err = stamp_fast_fill(msg, genl_info_net(info));
		rtnl_unlock();
	}
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/**
 * stamp_nl_refl_get_doit() - STAMP_CMD_REFL_GET: the configuration
 * @skb: the request
 * @info: its attributes and extack
 *
 * Return: 0 or -errno.
 */
int stamp_nl_refl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return get_doit(skb, info);
}

/**
 * stamp_nl_stats_get_doit() - STAMP_CMD_STATS_GET: the counters
 * @skb: the request
 * @info: its attributes and extack
 *
 * Return: 0 or -errno.
 */
int stamp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return get_doit(skb, info);
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

static int addr_family(const struct nlattr *nla, struct netlink_ext_ack *extack)
{
	if (nla_len(nla) == 4)
		return AF_INET;
	if (nla_len(nla) == 16)
		return AF_INET6;
	NL_SET_ERR_MSG_ATTR(extack, nla, "an address is 4 or 16 octets");
	return -EINVAL;
}

static int parse_prefix(struct nlattr *nla, struct stamp_prefix *p,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[STAMP_PREFIX_A_MAX + 1];
	unsigned int bit;
	int err, family;

	err = nla_parse_nested(tb, STAMP_PREFIX_A_MAX, nla,
			       stamp_prefix_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nla, tb, STAMP_PREFIX_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nla, tb, STAMP_PREFIX_A_LEN)) {
		NL_SET_ERR_MSG(extack, "a prefix needs an address and a length");
		return -EINVAL;
	}
	family = addr_family(tb[STAMP_PREFIX_A_ADDR], extack);
	if (family < 0)
		return family;
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->len = nla_get_u8(tb[STAMP_PREFIX_A_LEN]);
	nla_memcpy(p->addr, tb[STAMP_PREFIX_A_ADDR], sizeof(p->addr));
	if (family == AF_INET && p->len > 32) {
		NL_SET_ERR_MSG_ATTR(extack, tb[STAMP_PREFIX_A_LEN],
				    "an IPv4 prefix is at most 32 bits");
		return -EINVAL;
	}
	/* a prefix with host bits set is most likely a typo: say so */
	for (bit = p->len; bit < (family == AF_INET ? 32 : 128); bit++) {
		if (p->addr[bit / 32] & htonl(1U << (31 - bit % 32))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[STAMP_PREFIX_A_ADDR],
					    "address has bits set past the prefix length");
			return -EINVAL;
		}
	}
	return 0;
}

/* STAMP_A_ALLOW may repeat: the whole list replaces the current one. */
static int parse_allow(struct genl_info *info, struct stamp_cfg *cfg)
{
	unsigned int n = 0;
	struct nlattr *nla;
	int rem, err;

	if (info->attrs[STAMP_A_ALLOW_CLEAR]) {
		if (info->attrs[STAMP_A_ALLOW]) {
			NL_SET_ERR_MSG(info->extack,
				       "clear the allow-list or give one, not both");
			return -EINVAL;
		}
		cfg->nallow = 0;
		return 1;
	}
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != STAMP_A_ALLOW)
			continue;
		if (n == STAMP_MAX_ALLOW) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "too many prefixes (at most 64)");
			return -E2BIG;
		}
		err = parse_prefix(nla, &cfg->allow[n], info->extack);
		if (err)
			return err;
		n++;
	}
	if (n)
		cfg->nallow = n;
	return n;
}

/* Process context: keying a transform may sleep. */
static struct stamp_key *parse_key(struct nlattr *nla,
				   struct netlink_ext_ack *extack)
{
	struct stamp_key *k;

	if (nla_len(nla) < STAMP_KEY_MIN_LEN ||
	    nla_len(nla) > STAMP_KEY_MAX_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "a key is 16 to 64 octets");
		return ERR_PTR(-EINVAL);
	}
	k = stamp_key_new(nla_data(nla), nla_len(nla));
	if (IS_ERR(k))
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "cannot set up HMAC-SHA-256 with this key");
	return k;
}

static int set_u8(struct nlattr *nla, u8 *field)
{
	if (!nla)
		return 0;
	*field = nla_get_u8(nla);
	return 1;
}

static int set_u32(struct nlattr *nla, u32 *field)
{
	if (!nla)
		return 0;
	*field = nla_get_u32(nla);
	return 1;
}

static int parse_policy(struct genl_info *info, struct stamp_cfg *cfg)
{
	struct nlattr **attrs = info->attrs;
	u8 create = cfg->session_create, auth = cfg->auth;
	u8 remark = cfg->cos_remark, ret_addr = cfg->return_addr;
	u8 ez_discard = cfg->errest_zero_discard;
	int n, changed;

	changed = set_u8(attrs[STAMP_A_MODE], &cfg->mode) +
		  set_u8(attrs[STAMP_A_TLV_MODE], &cfg->tlv_mode) +
		  set_u8(attrs[STAMP_A_COS_REMARK], &remark) +
		  set_u8(attrs[STAMP_A_RETURN_ADDR], &ret_addr) +
		  set_u8(attrs[STAMP_A_ERREST_ZERO_DISCARD], &ez_discard) +
		  set_u8(attrs[STAMP_A_SYNC_SOURCE], &cfg->sync_source) +
		  set_u8(attrs[STAMP_A_SESSION_CREATE], &create) +
		  set_u8(attrs[STAMP_A_AUTH], &auth) +
		  set_u32(attrs[STAMP_A_RATE_LIMIT], &cfg->rate_limit) +
		  set_u32(attrs[STAMP_A_RATE_BURST], &cfg->rate_burst) +
		  set_u32(attrs[STAMP_A_MAX_SESSIONS], &cfg->max_sessions) +
		  set_u32(attrs[STAMP_A_SESSION_IDLE], &cfg->session_idle_s);
	cfg->session_create = create;
	cfg->auth = auth;
	cfg->cos_remark = remark;
	cfg->return_addr = ret_addr;
	cfg->errest_zero_discard = ez_discard;
	if (attrs[STAMP_A_MEMBER_ID]) {
		cfg->member_id = nla_get_u16(attrs[STAMP_A_MEMBER_ID]);
		changed++;
	}
	n = parse_allow(info, cfg);
	return n < 0 ? n : changed + n;
}

/**
 * stamp_nl_pre_doit_admin() - the admin check of every mutating operation
 * @ops: the operation
 * @skb: the request
 * @info: its attributes and extack
 *
 * The spec names this pre_doit for refl-set, session-new and session-del.
 * It is GENL_UNS_ADMIN_PERM's test (CAP_NET_ADMIN over the namespace's
 * user namespace), which the genetlink core answers with a bare -EPERM,
 * with a reason in the extack.
 *
 * Return: 0, or -EPERM.
 */
int stamp_nl_pre_doit_admin(const struct genl_split_ops *ops,
			    struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_ns_capable(skb, genl_info_net(info)->user_ns,
			       CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "changing the reflector needs CAP_NET_ADMIN in its network namespace");
	return -EPERM;
}

/*
 * STAMP_A_FAST_PATH may repeat, a device each: applied in order, under
 * RTNL, which the device list and the netdevice notifier share.
 * Return: how many, or -errno.
 */
static int set_fast_paths(struct genl_info *info)
{
	struct nlattr *tb[STAMP_FAST_PATH_A_MAX + 1];
	const struct nlmsghdr *nlh = info->nlhdr;
	struct nlattr *nla;
	int rem, n = 0, err = 0;
	bool on;

	rtnl_lock();
	nlmsg_for_each_attr(nla, nlh, GENL_HDRLEN, rem) {
		if (nla_type(nla) != STAMP_A_FAST_PATH)
			continue;
		err = nla_parse_nested(tb, STAMP_FAST_PATH_A_MAX, nla,
				       stamp_fast_path_nl_policy, info->extack);
		if (err)
			break;
		if (!tb[STAMP_FAST_PATH_A_IFINDEX]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "fast path: which device (ifindex)?");
			err = -EINVAL;
			break;
		}
		on = !tb[STAMP_FAST_PATH_A_ENABLE] ||
		     nla_get_u8(tb[STAMP_FAST_PATH_A_ENABLE]);
		err = stamp_fast_set(genl_info_net(info),
				     nla_get_u32(tb[STAMP_FAST_PATH_A_IFINDEX]),
				     on, info->extack);
		if (err)
			break;
		n++;
	}
	rtnl_unlock();
	return err ?: n;
}

/**
 * stamp_nl_refl_set_doit() - STAMP_CMD_REFL_SET: change the configuration
 * @skb: the request
 * @info: its attributes and extack
 *
 * Return: 0 or -errno, with an extack message.
 */
int stamp_nl_refl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct stamp_net *sn = stamp_pernet(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	struct stamp_session_table *t;
	struct stamp_key *key = NULL;
	struct stamp_cfg *cfg;
	int changed, n, err;

	/* under RTNL, not cfg_lock: before the rest */
	if (attrs[STAMP_A_LINK]) {
		err = stamp_links_set(genl_info_net(info), info);
		if (err)
			return err;
	}
	if (attrs[STAMP_A_FAST_PATH]) {
		err = set_fast_paths(info);
		if (err < 0)
			return err;
	}
	mutex_lock(&sn->cfg_lock);
	cfg = rcu_dereference_protected(sn->cfg,
					lockdep_is_held(&sn->cfg_lock));
	cfg = stamp_cfg_alloc(cfg, GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto err_unlock;
	}
	changed = parse_ports(info, cfg);
	if (changed < 0) {
		err = changed;
		goto err_free;
	}
	n = parse_policy(info, cfg);
	if (n < 0) {
		err = n;
		goto err_free;
	}
	changed += n;
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
	if (attrs[STAMP_A_DEFAULT_KEY] && nla_len(attrs[STAMP_A_DEFAULT_KEY])) {
		key = parse_key(attrs[STAMP_A_DEFAULT_KEY], info->extack);
		if (IS_ERR(key)) {
			err = PTR_ERR(key);
			goto err_free;
		}
	}
	if (!changed && !attrs[STAMP_A_DEFAULT_KEY] && !attrs[STAMP_A_LINK] &&
	    !attrs[STAMP_A_FAST_PATH]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		err = -EINVAL;
		goto err_key;
	}
	/* stateful from now on, or asked for limits: the table must exist */
	t = rcu_dereference_protected(sn->sessions,
				      lockdep_is_held(&sn->cfg_lock));
	if (cfg->mode == STAMP_MODE_STATEFUL && !t) {
		t = stamp_sessions_get(sn);
		if (!t) {
			err = -ENOMEM;
			goto err_key;
		}
	}
	if (t)
		stamp_session_table_set_limits(t, cfg->max_sessions,
					       cfg->session_idle_s);
	if (cfg->mode == STAMP_MODE_STATEFUL)
		stamp_txts_start(genl_info_net(info), sn);
	if (attrs[STAMP_A_DEFAULT_KEY])
		stamp_key_free(rcu_replace_pointer(sn->default_key, key,
						   lockdep_is_held(&sn->cfg_lock)));
	stamp_cfg_finalize(cfg);
	stamp_cfg_publish(sn, cfg);
	mutex_unlock(&sn->cfg_lock);
	return 0;

err_key:
	if (!IS_ERR_OR_NULL(key))
		stamp_key_free(key);
err_free:
	kfree(cfg);
err_unlock:
	mutex_unlock(&sn->cfg_lock);
	return err;
}

/* The session named by STAMP_A_SESSION, its key filled in. */
static int parse_session(struct genl_info *info, struct stamp_net *sn,
			 struct nlattr **tb, struct stamp_session_key *k)
{
	struct nlattr *nest = info->attrs[STAMP_A_SESSION];
	const struct stamp_cfg *cfg;
	int family, err, i;

	if (GENL_REQ_ATTR_CHECK(info, STAMP_A_SESSION))
		return -EINVAL;
	err = nla_parse_nested(tb, STAMP_SESSION_A_MAX, nest,
			       stamp_session_nl_policy, info->extack);
	if (err)
		return err;
	/*
	 * The generated nested policy takes every attribute of the set, the
	 * counters a session reports too: a request may not set those
	 */
	for (i = STAMP_SESSION_A_HAS_KEY; i <= STAMP_SESSION_A_MAX; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i], "read only");
			return -EINVAL;
		}
	}
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb,
			      STAMP_SESSION_A_PEER_ADDR) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb,
			      STAMP_SESSION_A_PEER_PORT)) {
		NL_SET_ERR_MSG(info->extack,
			       "a session needs the sender's address and port");
		return -EINVAL;
	}
	family = addr_family(tb[STAMP_SESSION_A_PEER_ADDR], info->extack);
	if (family < 0)
		return family;
	memset(k, 0, sizeof(*k));
	k->family = family;
	nla_memcpy(k->saddr, tb[STAMP_SESSION_A_PEER_ADDR], sizeof(k->saddr));
	k->sport = htons(nla_get_u16(tb[STAMP_SESSION_A_PEER_PORT]));
	if (tb[STAMP_SESSION_A_LOCAL_ADDR]) {
		if (addr_family(tb[STAMP_SESSION_A_LOCAL_ADDR],
				info->extack) != family) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[STAMP_SESSION_A_LOCAL_ADDR],
					    "local and peer addresses of different families");
			return -EINVAL;
		}
		nla_memcpy(k->daddr, tb[STAMP_SESSION_A_LOCAL_ADDR],
			   sizeof(k->daddr));
	}
	if (tb[STAMP_SESSION_A_LOCAL_PORT]) {
		k->dport = htons(nla_get_u16(tb[STAMP_SESSION_A_LOCAL_PORT]));
	} else {
		cfg = rcu_dereference_protected(sn->cfg,
						lockdep_is_held(&sn->cfg_lock));
		k->dport = htons(cfg->ports[0]);
	}
	if (tb[STAMP_SESSION_A_SSID])
		k->ssid = nla_get_u16(tb[STAMP_SESSION_A_SSID]);
	return 0;
}

/**
 * stamp_nl_session_new_doit() - STAMP_CMD_SESSION_NEW: provision a session
 * @skb: the request
 * @info: its attributes and extack
 *
 * Return: 0 or -errno, with an extack message.
 */
int stamp_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct stamp_net *sn = stamp_pernet(genl_info_net(info));
	struct nlattr *tb[STAMP_SESSION_A_MAX + 1];
	struct stamp_session_table *t;
	struct stamp_session_key k;
	struct stamp_key *key = NULL;
	int err;

	mutex_lock(&sn->cfg_lock);
	err = parse_session(info, sn, tb, &k);
	if (err)
		goto out;
	if (tb[STAMP_SESSION_A_KEY]) {
		key = parse_key(tb[STAMP_SESSION_A_KEY], info->extack);
		if (IS_ERR(key)) {
			err = PTR_ERR(key);
			goto out;
		}
	}
	t = stamp_sessions_get(sn);
	if (!t) {
		stamp_key_free(key);
		err = -ENOMEM;
		goto out;
	}
	stamp_txts_start(genl_info_net(info), sn);
	err = stamp_session_provision(t, &k, key);
	if (err == -EEXIST)
		NL_SET_ERR_MSG(info->extack,
			       "session already provisioned; delete it first");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "session table full (max-sessions)");
out:
	mutex_unlock(&sn->cfg_lock);
	return err;
}

/**
 * stamp_nl_session_del_doit() - STAMP_CMD_SESSION_DEL: remove a session
 * @skb: the request
 * @info: its attributes and extack
 *
 * Return: 0 or -errno, with an extack message.
 */
int stamp_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct stamp_net *sn = stamp_pernet(genl_info_net(info));
	struct nlattr *tb[STAMP_SESSION_A_MAX + 1];
	struct stamp_session_table *t;
	struct stamp_session_key k;
	int err;

	mutex_lock(&sn->cfg_lock);
	err = parse_session(info, sn, tb, &k);
	if (err)
		goto out;
	t = rcu_dereference_protected(sn->sessions,
				      lockdep_is_held(&sn->cfg_lock));
	err = t ? stamp_session_del(t, &k) : -ENOENT;
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such session");
out:
	mutex_unlock(&sn->cfg_lock);
	return err;
}

static int fill_session(struct sk_buff *msg, struct stamp_session *s)
{
	const struct stamp_session_key *k = &s->key;
	u64 rx, reflected, drop_auth, last_t3;
	u8 ar_id, ar_code;
	unsigned long seen;
	struct nlattr *nest;
	bool ar_seen;
	u32 seq;

	spin_lock_bh(&s->lock);
	seq = s->seq;
	rx = s->rx;
	reflected = s->reflected;
	drop_auth = s->drop_auth;
	last_t3 = s->last_t3;
	seen = s->last_seen;
	ar_seen = s->ar_seen;
	ar_id = s->ar_id;
	ar_code = s->ar_code;
	spin_unlock_bh(&s->lock);

	nest = nla_nest_start(msg, STAMP_A_SESSION);
	if (!nest ||
	    put_addr(msg, STAMP_SESSION_A_PEER_ADDR, k->family, k->saddr) ||
	    nla_put_u16(msg, STAMP_SESSION_A_PEER_PORT, ntohs(k->sport)) ||
	    ((k->daddr[0] | k->daddr[1] | k->daddr[2] | k->daddr[3]) &&
	     put_addr(msg, STAMP_SESSION_A_LOCAL_ADDR, k->family, k->daddr)) ||
	    nla_put_u16(msg, STAMP_SESSION_A_LOCAL_PORT, ntohs(k->dport)) ||
	    nla_put_u16(msg, STAMP_SESSION_A_SSID, k->ssid) ||
	    nla_put_u8(msg, STAMP_SESSION_A_HAS_KEY,
		       !!rcu_access_pointer(s->hmac_key)) ||
	    nla_put_u8(msg, STAMP_SESSION_A_PROVISIONED,
		       READ_ONCE(s->provisioned)) ||
	    nla_put_u32(msg, STAMP_SESSION_A_SEQ, seq) ||
	    nla_put_u64_64bit(msg, STAMP_SESSION_A_RX, rx,
			      STAMP_SESSION_A_PAD) ||
	    nla_put_u64_64bit(msg, STAMP_SESSION_A_REFLECTED, reflected,
			      STAMP_SESSION_A_PAD) ||
	    nla_put_u64_64bit(msg, STAMP_SESSION_A_DROP_AUTH, drop_auth,
			      STAMP_SESSION_A_PAD) ||
	    nla_put_u32(msg, STAMP_SESSION_A_IDLE_MS,
			jiffies_to_msecs(jiffies - seen)) ||
	    (ar_seen &&
	     (nla_put_u8(msg, STAMP_SESSION_A_ACCESS_ID, ar_id) ||
	      nla_put_u8(msg, STAMP_SESSION_A_ACCESS_CODE, ar_code))) ||
	    (last_t3 &&
	     nla_put_u64_64bit(msg, STAMP_SESSION_A_LAST_T3, last_t3,
			       STAMP_SESSION_A_PAD)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * stamp_nl_session_get_doit() - STAMP_CMD_SESSION_GET: one session
 * @skb: the request
 * @info: its attributes and extack
 *
 * Return: 0 or -errno, with an extack message.
 */
int stamp_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct stamp_net *sn = stamp_pernet(genl_info_net(info));
	struct nlattr *tb[STAMP_SESSION_A_MAX + 1];
	struct stamp_session_table *t;
	struct stamp_session_key k;
	struct stamp_session *s;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&sn->cfg_lock);
	err = parse_session(info, sn, tb, &k);
	if (err)
		goto err_unlock;
	hdr = genlmsg_put_reply(msg, info, &stamp_genl_family, 0,
				STAMP_CMD_SESSION_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_unlock;
	}
	t = rcu_dereference_protected(sn->sessions,
				      lockdep_is_held(&sn->cfg_lock));
	rcu_read_lock();
	s = t ? stamp_session_lookup(t, &k) : NULL;
	err = s ? fill_session(msg, s) : -ENOENT;
	rcu_read_unlock();
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such session");
	if (err)
		goto err_unlock;
	mutex_unlock(&sn->cfg_lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&sn->cfg_lock);
	nlmsg_free(msg);
	return err;
}

/**
 * stamp_nl_session_get_dumpit() - STAMP_CMD_SESSION_GET: every session
 * @skb: the message to fill
 * @cb: the dump's state: cb->args[0] and [1] where the walk goes on
 *
 * A dump walks the table under RCU in several messages; cb->seq is the
 * table's generation, so a session added or removed between two of them
 * marks the dump NLM_F_DUMP_INTR and the reader starts over.
 *
 * Return: the message's length, 0 at the end, or -errno.
 */
int stamp_nl_session_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct stamp_net *sn = stamp_pernet(sock_net(skb->sk));
	unsigned long bucket = cb->args[0], idx = cb->args[1];
	unsigned long prev_bucket, prev_idx;
	struct stamp_session_table *t;
	struct stamp_session *s;
	int err = 0;
	void *hdr;

	rcu_read_lock();
	t = rcu_dereference(sn->sessions);
	if (!t)
		goto out;
	cb->seq = stamp_session_gen(t);
	for (;;) {
		prev_bucket = bucket;
		prev_idx = idx;
		s = stamp_session_at(t, &bucket, &idx);
		if (!s)
			break;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &stamp_genl_family,
				  NLM_F_MULTI, STAMP_CMD_SESSION_GET);
		if (!hdr) {
			err = -EMSGSIZE;
		} else {
			genl_dump_check_consistent(cb, hdr);
			err = fill_session(skb, s);
			if (err)
				genlmsg_cancel(skb, hdr);
			else
				genlmsg_end(skb, hdr);
		}
		if (err) {
			/* this one goes into the next message */
			bucket = prev_bucket;
			idx = prev_idx;
			break;
		}
	}
out:
	rcu_read_unlock();
	cb->args[0] = bucket;
	cb->args[1] = idx;
	/* a full message is not an error while it holds something */
	return err && skb->len ? skb->len : err ?: skb->len;
}

#ifdef STAMP_HAVE_GENL_SPLIT_OPS
static struct genl_family stamp_genl_family __ro_after_init = {
	.name		= STAMP_GENL_NAME,
	.version	= STAMP_GENL_VERSION,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.split_ops	= stamp_nl_ops,
	.n_split_ops	= ARRAY_SIZE(stamp_nl_ops),
};

static void stamp_genl_ops_fold(void)
{
}
#else
/*
 * 6.1 has no split ops (compat.h): one struct genl_ops per command, the
 * generated do and dump halves merged, each with its own policy (6.1
 * validates those strictly too); its pre_doit is the family's, which calls
 * the one the generated table gives the command.
 */
static struct genl_ops stamp_genl_ops[ARRAY_SIZE(stamp_nl_ops)];

static const struct genl_split_ops *split_do(u8 cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stamp_nl_ops); i++)
		if (stamp_nl_ops[i].cmd == cmd && stamp_nl_ops[i].doit)
			return &stamp_nl_ops[i];
	return NULL;
}

static int pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
		    struct genl_info *info)
{
	const struct genl_split_ops *op = split_do(ops->cmd);

	return op && op->pre_doit ? op->pre_doit(op, skb, info) : 0;
}

static struct genl_family stamp_genl_family __ro_after_init = {
	.name		= STAMP_GENL_NAME,
	.version	= STAMP_GENL_VERSION,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.pre_doit	= pre_doit,
	.ops		= stamp_genl_ops,
};

static void stamp_genl_ops_fold(void)
{
	const struct genl_split_ops *sp;
	struct genl_ops *op;
	unsigned int i, n = 0, j;

	for (i = 0; i < ARRAY_SIZE(stamp_nl_ops); i++) {
		sp = &stamp_nl_ops[i];
		for (j = 0; j < n; j++)
			if (stamp_genl_ops[j].cmd == sp->cmd)
				break;
		op = &stamp_genl_ops[j];
		if (j == n)
			n++;
		op->cmd = sp->cmd;
		op->flags |= sp->flags &
			     ~(GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP);
		if (sp->doit) {
			op->doit = sp->doit;
			op->policy = sp->policy;
			op->maxattr = sp->maxattr;
		}
		if (sp->dumpit) {
			op->start = sp->start;
			op->dumpit = sp->dumpit;
			op->done = sp->done;
		}
	}
	stamp_genl_family.n_ops = n;
}
#endif

/**
 * stamp_genl_register() - register the "stamp" family
 *
 * Return: 0 or -errno.
 */
int stamp_genl_register(void)
{
	stamp_genl_ops_fold();
	return genl_register_family(&stamp_genl_family);
}

/**
 * stamp_genl_unregister() - unregister the family; waits for handlers
 */
void stamp_genl_unregister(void)
{
	genl_unregister_family(&stamp_genl_family);
}
