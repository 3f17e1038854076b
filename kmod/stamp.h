/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of stamp_refl.
 *
 * Per network namespace state is a struct stamp_net (net_generic). Its
 * configuration is an immutable struct stamp_cfg published with RCU: the
 * netfilter hooks read it under the RCU read lock netfilter already holds;
 * writers build a new copy under stamp_net.cfg_lock and free the old one
 * with kfree_rcu. Counters are per-CPU (stats.c).
 */
#ifndef _STAMP_H
#define _STAMP_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/stamp.h>

#include "counters-gen.h"
#include "tlv.h"
#include "wire.h"

/* Error advertised when no synchronization state was provided: honest. */
#define STAMP_UNSYNC_ERROR_NS	NSEC_PER_SEC

struct stamp_prefix {
	__be32 addr[4];		/* IPv4 in [0], host bits zero */
	u8 family;		/* AF_INET or AF_INET6 */
	u8 len;
};

struct stamp_cfg {
	struct rcu_head rcu;
	u8 mode;		/* enum stamp_mode */
	bool session_create;
	bool auth;
	u32 rate_limit;		/* per source per second, 0: none */
	u32 rate_burst;
	u32 max_sessions;
	u32 session_idle_s;
	u8 nallow;
	struct stamp_prefix allow[STAMP_MAX_ALLOW];
	u16 ports[STAMP_MAX_PORTS];
	u8 nports;
	u8 ts_format;		/* enum stamp_ts_format */
	bool clock_synced;
	u32 clock_error_ns;
	u32 clock_validity_s;
	unsigned long clock_expires;	/* jiffies; only if clock_validity_s */
	u16 errest_synced;	/* precomputed Error Estimates */
	u16 errest_unsynced;
	u8 tlv_mode;		/* enum stamp_tlv_mode */
	bool cos_remark;	/* CoS TLV's DSCP1 may set the reply's */
	bool return_addr;	/* Return Path may redirect the reply */
	u8 sync_source;		/* RFC 8972 4.3, while synchronized */
	u16 member_id;		/* RFC 9534 Reflector Micro-session ID */
	bool errest_zero_discard;	/* RFC 4656 4.1.2's SHOULD, if asked */
};

struct stamp_pcpu_stats;
struct stamp_txts;
struct genl_info;
struct stamp_session_table;
struct stamp_ratelimit;
struct stamp_key;

struct stamp_net {
	struct stamp_cfg __rcu *cfg;
	struct mutex cfg_lock;	/* serializes writers of all below */
	struct stamp_pcpu_stats __percpu *stats;
	/* allocated on first use, then kept until the namespace goes */
	struct stamp_session_table __rcu *sessions;
	/* allocates it outside softirq for stateless Direct Measurement */
	struct work_struct sessions_work;
	struct stamp_ratelimit *ratelimit;
	struct stamp_key __rcu *default_key;
	/* transmit stamps for Follow-Up Telemetry (txts.c), or NULL */
	struct stamp_txts __rcu *txts;
	/* links with a Micro-session ID of their own (links.c): RTNL, RCU */
	struct list_head links;
	unsigned int nlinks;
	/* the default path's reply routes (reflect.c), or NULL */
	struct stamp_route_cache *routes;
};

extern unsigned int stamp_net_id;

static inline struct stamp_net *stamp_pernet(const struct net *net)
{
	return net_generic(net, stamp_net_id);
}

/* session.c: stateful sessions (see the comment at its top) */
struct stamp_session_key {
	__be32 saddr[4];	/* the Session-Sender's; IPv4 in [0] */
	__be32 daddr[4];	/* zero: any local address */
	__be16 sport;
	__be16 dport;
	u16 ssid;		/* RFC 8972; 0 when the sender has none */
	u8 family;
	u8 pad;			/* zero: keys are hashed and compared whole */
};

struct stamp_session {
	struct hlist_node node;
	struct stamp_session_key key;
	struct stamp_key __rcu *hmac_key;	/* NULL: the default key */
	spinlock_t lock;	/* seq and the counters */
	u32 seq;		/* the reflector's next, from 0 */
	u64 rx;
	u64 reflected;
	u64 drop_auth;
	u64 last_t3;		/* wire format, for Follow-Up Telemetry */
	u32 last_seq;
	u32 tx_seq;		/* the last reply the driver stamped (txts.c) */
	ktime_t tx_real;	/* and when, CLOCK_REALTIME */
	bool tx_stamped;
	bool ar_seen;		/* an Access Report TLV arrived: the last */
	u8 ar_id;
	u8 ar_code;
	unsigned long last_seen;	/* jiffies */
	bool provisioned;	/* over netlink: never collected when idle */
	struct rcu_head rcu;
};

struct stamp_session_table *stamp_session_table_alloc(unsigned int max,
						      unsigned int idle_s);
void stamp_session_table_free(struct stamp_session_table *t);
void stamp_session_table_set_limits(struct stamp_session_table *t,
				    unsigned int max, unsigned int idle_s);
unsigned int stamp_session_count(const struct stamp_session_table *t);
u32 stamp_session_gen(const struct stamp_session_table *t);
struct stamp_session *stamp_session_lookup(struct stamp_session_table *t,
					   const struct stamp_session_key *k);
struct stamp_session *stamp_session_find(struct stamp_session_table *t,
					 struct stamp_session_key *k);
struct stamp_session *stamp_session_add(struct stamp_session_table *t,
					const struct stamp_session_key *k,
					gfp_t gfp);
int stamp_session_provision(struct stamp_session_table *t,
			    const struct stamp_session_key *k,
			    struct stamp_key *hmac_key);
int stamp_session_del(struct stamp_session_table *t,
		      const struct stamp_session_key *k);
struct stamp_session *stamp_session_at(struct stamp_session_table *t,
				       unsigned long *bucket,
				       unsigned long *idx);
struct stamp_session_table *stamp_sessions_get(struct stamp_net *sn);
void stamp_sessions_work(struct work_struct *work);

/* auth.c: HMAC-SHA-256 keys (RFC 8762 section 4.4) */
struct stamp_key *stamp_key_new(const u8 *key, unsigned int len);
void stamp_key_free(struct stamp_key *k);
bool stamp_hmac_ok(struct stamp_key *k, const u8 *pkt);
void stamp_hmac_sign(struct stamp_key *k, u8 *pkt);
int stamp_hmac_tlv(struct stamp_key *k, const u8 *seq, const u8 *tlvs,
		   size_t tlen, u8 *out);
int stamp_auth_init(void);
void stamp_auth_exit(void);

/* ratelimit.c: per-source token buckets */
struct stamp_ratelimit *stamp_ratelimit_alloc(void);
void stamp_ratelimit_free(struct stamp_ratelimit *rl);
bool stamp_ratelimit_allow(struct stamp_ratelimit *rl,
			   const struct stamp_cfg *cfg, u8 family,
			   const __be32 *saddr);

/* main.c */
extern unsigned short stamp_default_port;
extern unsigned int stamp_default_mode;
extern unsigned int stamp_default_max_sessions;
extern unsigned int stamp_default_session_idle;
extern unsigned int stamp_default_rate_limit;
extern unsigned int stamp_default_rate_burst;

/* cfg.c */
struct stamp_cfg *stamp_cfg_alloc(const struct stamp_cfg *from, gfp_t gfp);
void stamp_cfg_finalize(struct stamp_cfg *cfg);
void stamp_cfg_publish(struct stamp_net *sn, struct stamp_cfg *cfg);
bool stamp_cfg_clock_synced(const struct stamp_cfg *cfg);
bool stamp_cfg_allowed(const struct stamp_cfg *cfg, u8 family,
		       const __be32 *saddr);

static inline bool stamp_cfg_has_port(const struct stamp_cfg *cfg, u16 port)
{
	unsigned int i;

	for (i = 0; i < cfg->nports; i++)
		if (cfg->ports[i] == port)
			return true;
	return false;
}

/* stats.c */
int stamp_stats_init(struct stamp_net *sn);
void stamp_stats_free(struct stamp_net *sn);
void stamp_stats_inc(struct stamp_net *sn, enum stamp_counter c);
void stamp_stats_sum(struct stamp_net *sn, u64 *out);
void stamp_stats_tlv(struct stamp_net *sn, const struct stamp_tlv_result *res);
void stamp_stats_tlv_inc(struct stamp_net *sn, enum stamp_tlv_counter c);
void stamp_stats_tlv_sum(struct stamp_net *sn, u64 *out);

/* hooks.c */
int stamp_hooks_register(struct net *net);
void stamp_hooks_unregister(struct net *net);

/* reflect.c */
struct stamp_req;
bool stamp_reflect_is_reply(const u8 *p, unsigned int len, bool auth);
unsigned int stamp_reflect_v4(struct net *net, const struct stamp_cfg *cfg,
			      struct sk_buff *skb, unsigned int thoff);
unsigned int stamp_reflect_v6(struct net *net, const struct stamp_cfg *cfg,
			      struct sk_buff *skb, unsigned int thoff);

unsigned int stamp_reflect_fast(struct net *net, const struct stamp_cfg *cfg,
				struct sk_buff *skb, unsigned int thoff);
int stamp_route_cache_init(struct stamp_net *sn);
void stamp_route_cache_free(struct stamp_net *sn);

/*
 * Whether @net has an outbound xfrm policy. Then reflect.c keeps no reply
 * route (a policy is not in the routing generation a kept route is
 * checked against) and leaves no HMAC to the egress hook (rerouting at
 * OUTPUT could still send the reply through a transform).
 */
static inline bool stamp_xfrm_out_policies(const struct net *net)
{
#ifdef CONFIG_XFRM
	return READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_OUT]);
#else
	return false;
#endif
}

/* egress.c: T3 at the device */
int stamp_egress_init(void);
void stamp_egress_exit(void);
bool stamp_egress_active(void);
void stamp_egress_mark(struct sk_buff *skb, bool auth, bool ptp);
bool stamp_egress_defer_sign(struct sk_buff *skb, bool ptp);

/* txts.c: transmit stamps for Follow-Up Telemetry */
void stamp_txts_start(struct net *net, struct stamp_net *sn);
void stamp_txts_own(struct stamp_net *sn, struct stamp_session *s, u32 seq,
		    struct sk_buff *skb);
void stamp_txts_stop(struct stamp_net *sn);
void stamp_txts_free(struct stamp_net *sn);

/* links.c: member links' Micro-session IDs */
u16 stamp_link_member_id(const struct sk_buff *skb);
int stamp_links_set(struct net *net, struct genl_info *info);
int stamp_links_fill(struct sk_buff *msg, struct stamp_net *sn);
void stamp_links_flush(struct net *net);
int stamp_links_init(void);
void stamp_links_exit(void);

/* fastpath.c: the opt-in netdev ingress path, per device */
struct netlink_ext_ack;
int stamp_fast_set(struct net *net, int ifindex, bool on,
		   struct netlink_ext_ack *extack);
int stamp_fast_fill(struct sk_buff *msg, struct net *net);
void stamp_fast_net_exit(struct net *net);
int stamp_fast_init(void);
void stamp_fast_exit(void);

/* netlink.c */
int stamp_genl_register(void);
void stamp_genl_unregister(void);

#endif /* _STAMP_H */
