// SPDX-License-Identifier: GPL-2.0
/*
 * Reflection: answer a STAMP request (RFC 8762 section 4.3) from softirq.
 *
 * The order makes a refused request cheap: admission (allow-list, rate
 * limit) on the addresses, the UDP header and checksum, then the verdicts
 * that read the payload (HMAC, session, Error Estimate) on its first
 * octets as they arrived. Only a request that passes them all costs a
 * route (the flow's cached one while it is valid, see struct
 * stamp_route_cache), and no allocation in the usual case: the reply is the
 * request's own skb turned around (its payload rewritten in place, a new
 * IP header, what it carried of its reception cleared), made ours first
 * when it is shared, cloned (a packet tap holds it) or paged. It leaves
 * through ip_local_out() like any locally generated packet: routing,
 * OUTPUT hooks, the qdisc. T3 is taken last, just before the UDP checksum
 * and ip_local_out(), and again at the device's egress hook (egress.c),
 * which also signs an authenticated reply it will see: one HMAC per reply.
 * The fast path's replies (fastpath.c) leave by dev_queue_xmit() instead,
 * with T3 taken once, right before it (fast_xmit()).
 *
 * The configuration is the one the hook matched the port against, read
 * once per request. One tail serves both families; only the route's flow
 * and the IP header differ.
 *
 * Called from the netfilter hooks under their RCU read lock. Every request
 * that reaches here ends as exactly one of: reflected, or a counted drop.
 *
 * TLVs (RFC 8972) are answered in place in the reply by the shared
 * codec (tlv.c), after the base packet is built and before T3: nothing in
 * a TLV depends on T3, and the HMAC TLV covers only Seq and the TLVs. What
 * they ask of the reply (its DSCP, its route, no reply at all) is applied
 * here.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/dst_cache.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/l3mdev.h>
#include <net/route.h>
#include <net/udp.h>

#include "compat.h"
#include "stamp.h"

#define REPLY_TTL 255

struct stamp_req {
	struct net *net;
	struct stamp_net *sn;
	const struct stamp_cfg *cfg;	/* the one the hook matched the port on */
	struct stamp_session *sess;	/* stateful: the request's session */
	struct stamp_session *dm;	/* stateless: its Direct Measurement's */
	struct stamp_key *key;		/* the session's key, else the default */
	struct stamp_session_key sk;	/* family, addresses and ports too */
	ktime_t tai_off;	/* TAI - UTC, whole seconds; 0: not read yet */
	ktime_t t2;		/* in the reply's timescale (fmt_now()) */
	u64 t3;			/* wire format, once sent */
	u32 seq;		/* the reply's Seq */
	bool reserved;		/* stateful: r->seq taken from the session */
	bool fast;		/* the fast path's (fastpath.c): no egress T3 */
	bool ext;		/* RFC 8762/8972 sender: SSID and TLVs */
	unsigned int plen;	/* request payload length */
	u8 ttl;
	u8 tos;			/* the request's DS field */
	u8 t2_method;		/* how T2 was taken (RFC 8972 4.3) */
	u16 link_id;		/* Micro-session ID of its link, 0: none */
	/* the session as this request found it, under its lock */
	u32 sess_rx;
	u32 sess_tx;
	bool have_prev;
	u32 prev_seq;
	u64 prev_t3;
	ktime_t prev_tx;	/* its driver's stamp (txts.c), or 0: T3 */
	struct stamp_tlv_result tlv;	/* what the TLVs asked of the reply */
};

/* What the TLV codec's callbacks need. */
struct tlv_priv {
	struct net *net;
	struct stamp_key *key;
};

/*
 * A request's times are kept in the timescale of its reply's format: UTC
 * for NTP, TAI for PTPv2 (RFC 8762 section 4.2.1). The stack's receive
 * stamp and the driver's transmit stamps (txts.c) are UTC
 * (CLOCK_REALTIME), so the usual NTP reply never needs TAI - UTC; it is
 * read (two seqlock reads) for a PTP reply, or for a NIC stamp, which is
 * TAI.
 */
static bool req_ptp(const struct stamp_req *r)
{
	return r->cfg->ts_format == STAMP_TS_PTP;
}

/*
 * TAI - UTC as the kernel knows it: 0 until someone sets it, often 37 s.
 * Read once per request, and only when needed; when it is really 0 it is
 * read again at each use, which costs only the reads.
 */
static ktime_t req_tai_off(struct stamp_req *r)
{
	if (!r->tai_off)
		r->tai_off = ktime_sub(ktime_mono_to_any(0, TK_OFFS_TAI),
				       ktime_mono_to_any(0, TK_OFFS_REAL));
	return r->tai_off;
}

/* Now, in the reply's timescale. */
static ktime_t fmt_now(const struct stamp_req *r)
{
	return req_ptp(r) ? ktime_get_clocktai() : ktime_get_real();
}

/* A CLOCK_REALTIME time in the reply's timescale. */
static ktime_t fmt_from_real(struct stamp_req *r, ktime_t real)
{
	return req_ptp(r) ? ktime_add(real, req_tai_off(r)) : real;
}

/* A TAI time in the reply's timescale. */
static ktime_t fmt_from_tai(struct stamp_req *r, ktime_t tai)
{
	return req_ptp(r) ? tai : ktime_sub(tai, req_tai_off(r));
}

/*
 * A time in the reply's timescale, in its wire format. Times since 1970
 * are positive: split with an unsigned division by a constant, which the
 * compiler makes a multiply (ns_to_timespec64() is a call and a signed
 * division); the same seconds and nanoseconds.
 */
static u64 ts_wire(const struct stamp_req *r, ktime_t t)
{
	struct stamp_time st;
	u32 nsec;

	if (unlikely(t < 0)) {
		struct timespec64 ts = ktime_to_timespec64(t);

		st.sec = ts.tv_sec;
		st.nsec = ts.tv_nsec;
	} else {
		st.sec = div_u64_rem(t, NSEC_PER_SEC, &nsec);
		st.nsec = nsec;
	}
	return stamp_ts_encode(&st, req_ptp(r));
}

/*
 * How far a NIC's receive stamp may be from the system clock's TAI and
 * still be taken as TAI: a second, the sender's bound (tools/sender/sender_ts.c).
 * A PHC is on TAI only where ptp4l disciplines it; chronyd's
 * "hwtimestamp *" and free-running PHCs leave it on UTC (37 s off) or on
 * whatever it counted from (years off), while a disciplined PHC agrees
 * with a system clock synchronized from it within microseconds. A second
 * catches every such clock and leaves room for the time a stamped packet
 * waits for the hook under load. Both ends deciding alike keeps T2 and T3
 * (always the system clock) on one clock.
 */
#define HW_TS_BOUND_NS NSEC_PER_SEC

/* Whether a NIC stamp @hw agrees with the system clock's TAI @sys. */
static bool hw_ts_agrees(ktime_t hw, ktime_t sys)
{
	s64 d = ktime_to_ns(ktime_sub(hw, sys));

	return hw && d > -HW_TS_BOUND_NS && d < HW_TS_BOUND_NS;
}

/*
 * T2 as early as the kernel recorded it: the NIC's stamp when it is on
 * TAI (above), else the stack's receive stamp (the module keeps
 * net_enable_timestamp() on), else now; in the reply's timescale. @method
 * says which, for the Timestamp Information TLV (RFC 8972 section 4.3).
 */
static ktime_t rx_time(struct stamp_req *r, struct sk_buff *skb, u8 *method)
{
	ktime_t sw, hw = 0;

	if (stamp_skb_tstamp_is_real(skb))
		sw = fmt_from_real(r, skb->tstamp);
	else
		sw = fmt_now(r);
	if (!(skb_shinfo(skb)->tx_flags & SKBTX_HW_TSTAMP_NETDEV))
		hw = skb_hwtstamps(skb)->hwtstamp;
	/* compared in the reply's timescale: the same difference as in TAI */
	if (hw && hw_ts_agrees(fmt_from_tai(r, hw), sw)) {
		*method = STAMP_TSM_HW_ASSIST;
		return fmt_from_tai(r, hw);
	}
	*method = STAMP_TSM_SW_LOCAL;
	return sw;
}

/*
 * What every request needs first, with the configuration the hook matched
 * its port against: one snapshot for the whole request, so that a
 * configuration published meanwhile cannot answer it half by the old
 * rules and half by the new.
 */
static void req_init(struct stamp_req *r, struct net *net,
		     const struct stamp_cfg *cfg, struct sk_buff *skb,
		     u8 ttl, u8 tos)
{
	memset(&r->tlv, 0, sizeof(r->tlv));
	memset(&r->sk, 0, sizeof(r->sk));
	r->net = net;
	r->sn = stamp_pernet(net);
	r->cfg = cfg;
	r->sess = NULL;
	r->dm = NULL;
	r->have_prev = false;
	r->prev_tx = 0;
	r->reserved = false;
	r->fast = false;
	r->key = NULL;
	r->tai_off = 0;
	r->t2 = rx_time(r, skb, &r->t2_method);
	r->link_id = stamp_link_member_id(skb);
	r->ttl = ttl;
	r->tos = tos;
}

/*
 * Who may be answered, checked before anything costs: the allow-list, then
 * the source's rate. Nothing here depends on the payload.
 */
static bool admitted(struct stamp_req *r)
{
	if (!stamp_cfg_allowed(r->cfg, r->sk.family, r->sk.saddr)) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_NOT_ALLOWED);
		return false;
	}
	if (!stamp_ratelimit_allow(r->sn->ratelimit, r->cfg, r->sk.family,
				   r->sk.saddr)) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_RATE_LIMIT);
		return false;
	}
	return true;
}

/*
 * The one key of a request: its session's own, else the namespace's
 * default. It verifies the request in authenticated mode, signs the reply
 * and keys the HMAC TLV (RFC 8972 section 4.8) in either mode.
 */
static struct stamp_key *req_key(struct stamp_req *r)
{
	struct stamp_key *k = NULL;

	if (r->sess)
		k = rcu_dereference(r->sess->hmac_key);
	return k ?: rcu_dereference(r->sn->default_key);
}

/*
 * The request's session and key. In authenticated mode the HMAC is checked
 * before anything else reads the packet or any state changes: a request
 * that fails creates no session and moves no counter but the drop's.
 */
static bool session_and_auth(struct stamp_req *r, const u8 *data)
{
	struct stamp_session_table *t = rcu_dereference(r->sn->sessions);
	struct stamp_session *s;

	r->sess = t ? stamp_session_find(t, &r->sk) : NULL;
	/*
	 * Back in stateless mode, what was learned is ignored (and idles
	 * out); what the operator provisioned stays stateful.
	 */
	if (r->sess && r->cfg->mode != STAMP_MODE_STATEFUL &&
	    !r->sess->provisioned)
		r->sess = NULL;
	r->key = req_key(r);
	if (r->cfg->auth && (!r->key || !stamp_hmac_ok(r->key, data))) {
		if (r->sess) {
			spin_lock(&r->sess->lock);
			r->sess->drop_auth++;
			spin_unlock(&r->sess->lock);
		}
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_AUTH);
		return false;
	}
	if (r->sess || r->cfg->mode != STAMP_MODE_STATEFUL)
		return true;
	if (!t || !r->cfg->session_create) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_NO_SESSION);
		return false;
	}
	s = stamp_session_add(t, &r->sk, GFP_ATOMIC);
	if (IS_ERR(s)) {
		stamp_stats_inc(r->sn, PTR_ERR(s) == -ENOSPC ?
				STAMP_CNT_DROP_SESSIONS_FULL :
				STAMP_CNT_DROP_NOMEM);
		return false;
	}
	r->sess = s;
	return true;
}

/*
 * The reply's Seq in a stateful session. RFC 8762 section 4.3.1: "In
 * the stateful mode, the Session-Reflector counts the transmitted STAMP
 * test packets" and "uses the counter to set the value of the Sequence
 * Number field": replies transmitted, so that a gap in what the sender
 * receives is a reply lost on its way back. It is taken
 * before the TLVs are answered (an HMAC TLV covers it) and given back by
 * reply_unsent() when the reply does not go out after all. Also notes what
 * the TLVs report of the session as this request finds it.
 */
static void reply_seq(struct stamp_req *r)
{
	struct stamp_session *s = r->sess;

	spin_lock(&s->lock);
	r->seq = s->seq++;
	r->reserved = true;
	s->rx++;
	r->sess_rx = s->rx;
	r->sess_tx = s->reflected;
	r->have_prev = s->reflected;
	r->prev_seq = s->last_seq;
	r->prev_t3 = s->last_t3;
	r->prev_tx = s->tx_stamped && s->tx_seq == s->last_seq ?
		     s->tx_real : 0;
	s->last_seen = jiffies;
	spin_unlock(&s->lock);
}

/*
 * Give back the Seq of a reply that is not sent. Only the last Seq handed
 * out can be: when another CPU numbered a reply of the same session after
 * this one meanwhile, taking it back would let the next reply repeat that
 * number, so the hole stays (a sender's session has one request in
 * flight through the reflector at a time, so this takes two requests of
 * one session answered at once on two CPUs). A request that named another
 * reflector's Micro-session ID (RFC 9534 section 3: discarded) was not the
 * session's either: out of its rx too.
 */
static void reply_unsent(struct stamp_req *r)
{
	struct stamp_session *s = r->sess;

	if (!r->reserved)
		return;
	spin_lock(&s->lock);
	if (s->seq == r->seq + 1)
		s->seq = r->seq;
	if (r->tlv.drop)
		s->rx--;
	spin_unlock(&s->lock);
	r->reserved = false;
}

/*
 * The UDP checksum's pseudo-header (RFC 768; RFC 8200 section 8.1) added
 * to @sum and folded, from the IP header in front of the UDP one.
 */
static __sum16 udp_magic(const struct sk_buff *skb, bool v4,
			 unsigned int len, __wsum sum)
{
	if (v4)
		return csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
					 len, IPPROTO_UDP, sum);
	return csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
			       len, IPPROTO_UDP, sum);
}

/*
 * Whether the request's UDP checksum is right (RFC 1122 section 4.1.3.4: a
 * wrong one is silently discarded). What the device or an earlier check
 * found stands; a linear datagram the device did not sum (veth, a packet
 * socket's frame) is summed in one csum_partial() pass against its
 * pseudo-header, nf_checksum()'s generic walk kept for the rest.
 */
static bool udp_csum_ok(struct sk_buff *skb, unsigned int thoff,
			unsigned int ulen, u8 pf)
{
	__wsum sum;

	if (skb_csum_unnecessary(skb))
		return true;
	if (skb->ip_summed != CHECKSUM_NONE || skb_headlen(skb) < thoff + ulen)
		return !nf_checksum(skb, NF_INET_LOCAL_IN, thoff, IPPROTO_UDP,
				    pf);
	sum = csum_partial(skb->data + thoff, ulen, 0);
	return !udp_magic(skb, pf == NFPROTO_IPV4, ulen, sum);
}

/* Check the UDP header and checksum; sets r->plen and the ports. */
static bool udp_ok(struct stamp_req *r, struct sk_buff *skb,
		   unsigned int thoff, u8 pf)
{
	const struct udphdr *uh;
	struct udphdr buf;
	unsigned int ulen;

	uh = skb_header_pointer(skb, thoff, sizeof(buf), &buf);
	ulen = ntohs(uh->len);
	/*
	 * IP trimmed the skb to its own length; UDP must agree with it. A GRO
	 * aggregate (possible when a socket on the port enabled UDP_GRO) holds
	 * several datagrams: not one request.
	 */
	if (ulen < sizeof(*uh) || ulen != skb->len - thoff ||
	    skb_is_gso(skb)) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_MALFORMED);
		return false;
	}
	/*
	 * a zero checksum means none on IPv4, and is invalid on IPv6 (RFC 8200
	 * section 8.1)
	 */
	if ((pf == NFPROTO_IPV6 || uh->check) &&
	    (!uh->check || !udp_csum_ok(skb, thoff, ulen, pf))) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_CSUM);
		return false;
	}
	r->sk.sport = uh->source;
	r->sk.dport = uh->dest;
	r->plen = ulen - sizeof(*uh);
	if (r->plen < STAMP_MIN_REQ_LEN) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_SHORT);
		return false;
	}
	return true;
}

static int tlv_hmac(void *priv, const u8 *seq, const u8 *tlvs, size_t tlen,
		    u8 *out)
{
	struct tlv_priv *p = priv;

	return stamp_hmac_tlv(p->key, seq, tlvs, tlen, out);
}

static bool tlv_is_local(void *priv, u8 family, const u8 *addr)
{
	struct tlv_priv *p = priv;
	struct in6_addr a6;
	__be32 a4;

	if (family == 4) {
		memcpy(&a4, addr, sizeof(a4));
		return inet_addr_type(p->net, a4) == RTN_LOCAL;
	}
	memcpy(&a6, addr, sizeof(a6));
	return ipv6_chk_addr(p->net, &a6, NULL, 0);
}

/*
 * Direct Measurement in stateless mode. RFC 8972 section 4.5 has the
 * reflector report "the number of received and transmitted in-profile
 * packets, i.e., packets that form a specific data flow", not stateful
 * sessions' packets only, and senders (routers among them) send the TLV
 * to reflectors left in their default, stateless, mode. So such a
 * request is counted in a session of its own (addresses, ports, SSID)
 * that only counts: the reply's Seq stays the sender's. The session is
 * created here with GFP_ATOMIC, within the table's max-sessions and
 * collected when idle as any learned one; the table itself is allocated
 * from process context (stamp_sessions_work()). Without a table yet (the
 * first such request of a namespace other than the initial one), or with
 * a full one, the TLV is answered with U as before, and counted.
 */
static void dm_counts(struct stamp_req *r, const u8 *data, unsigned int len,
		      unsigned int base)
{
	struct stamp_session_table *t;
	struct stamp_tlv_iter it;
	struct stamp_session *s;
	struct stamp_tlv tlv;

	if (r->sess)
		return;
	stamp_tlv_iter_init(&it, data, len, base);
	do {
		if (stamp_tlv_next(&it, &tlv) <= 0)
			return;
	} while (tlv.type != STAMP_TLV_DIRECT_MEASUREMENT);
	t = rcu_dereference(r->sn->sessions);
	if (!t) {
		schedule_work(&r->sn->sessions_work);
		goto uncounted;
	}
	s = stamp_session_add(t, &r->sk, GFP_ATOMIC);
	if (IS_ERR(s))
		goto uncounted;
	spin_lock(&s->lock);
	r->sess_rx = ++s->rx;
	r->sess_tx = s->reflected;
	s->last_seen = jiffies;
	spin_unlock(&s->lock);
	r->dm = s;
	return;

uncounted:
	stamp_stats_tlv_inc(r->sn, STAMP_TLVC_DM_UNCOUNTED);
}

/*
 * Answer the TLVs of a reply built from @skb. The key of the HMAC TLV is
 * the one that verified the request (authenticated mode), else the
 * session's or the namespace's default key, if any.
 *
 * Return: false when the reply must not be sent (counted).
 */
static bool answer_tlvs(struct stamp_req *r, struct sk_buff *skb, u8 *data,
			unsigned int len, unsigned int base)
{
	const struct stamp_cfg *cfg = r->cfg;
	struct tlv_priv priv = { .net = r->net, .key = r->key };
	struct stamp_tlv_env env = {};
	u8 sync;

	env.family = r->sk.family == AF_INET ? 4 : 6;
	memcpy(env.saddr, r->sk.saddr, sizeof(env.saddr));
	memcpy(env.daddr, r->sk.daddr, sizeof(env.daddr));
	env.sport = ntohs(r->sk.sport);
	env.dport = ntohs(r->sk.dport);
	if (skb->dev && skb->dev->type == ARPHRD_ETHER &&
	    skb_mac_header_was_set(skb) && skb_mac_header_len(skb) >= ETH_HLEN) {
		memcpy(env.mac, eth_hdr(skb)->h_source, ETH_ALEN);
		env.mac_len = ETH_ALEN;
	}
	env.dscp = r->tos >> 2;
	env.ecn = r->tos & INET_ECN_MASK;
	env.cos_allowed = cfg->cos_remark;
	sync = stamp_cfg_clock_synced(cfg) ? cfg->sync_source :
					     STAMP_SYNC_LOCAL;
	env.sync_in = sync;
	env.method_in = r->t2_method;
	env.sync_out = sync;
	env.method_out = STAMP_TSM_SW_LOCAL;
	dm_counts(r, data, len, base);
	env.have_counters = r->sess || r->dm;
	env.rx_count = r->sess_rx;
	env.tx_count = r->sess_tx + 1;	/* this reply too */
	env.have_prev = r->have_prev;
	env.prev_seq = r->prev_seq;
	/*
	 * RFC 8972 section 4.7: the time the previous reply was sent. The
	 * driver's stamp of it when one came back (txts.c), else its T3,
	 * both taken in software: SW Local either way.
	 */
	env.prev_t3 = r->prev_tx ? ts_wire(r, fmt_from_real(r, r->prev_tx)) :
				   r->prev_t3;
	env.prev_method = STAMP_TSM_SW_LOCAL;
	/* the member link's own (links.c), else the namespace's */
	env.member_id = r->link_id ?: cfg->member_id;
	env.allow_return_addr = cfg->return_addr;
	env.req_seq = stamp_get32(data + (cfg->auth ? STAMP_AUTH_OFF_SENDER_SEQ :
						      STAMP_OFF_SENDER_SEQ));
	env.auth = cfg->auth;
	env.hmac = priv.key ? tlv_hmac : NULL;
	env.is_local = tlv_is_local;
	env.priv = &priv;

	stamp_tlv_reflect(data, len, base, &env, &r->tlv);
	stamp_stats_tlv(r->sn, &r->tlv);
	if (r->tlv.access_report && r->sess) {
		spin_lock(&r->sess->lock);
		r->sess->ar_seen = true;
		r->sess->ar_id = r->tlv.ar_id;
		r->sess->ar_code = r->tlv.ar_code;
		spin_unlock(&r->sess->lock);
	}
	if (r->tlv.drop) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_MICRO_SESSION);
		return false;
	}
	if (r->tlv.no_reply) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_NO_REPLY);
		return false;
	}
	return true;
}

/*
 * The verdicts that need the payload, on the first octets of the request
 * as they arrived, before any route or allocation: a forged, unknown or
 * refused request costs its checks and nothing more.
 *
 * Return: false when the request is dropped (counted).
 */
static bool judge(struct stamp_req *r, struct sk_buff *skb, unsigned int thoff)
{
	bool auth = r->cfg->auth;
	unsigned int base = stamp_base_len(auth);
	unsigned int ssid_off = auth ? STAMP_AUTH_OFF_SSID : STAMP_OFF_SSID;
	unsigned int errest_off = auth ? STAMP_AUTH_OFF_ERREST :
					 STAMP_OFF_ERREST;
	unsigned int n = min(r->plen, base);
	u8 buf[STAMP_AUTH_BASE_LEN];
	const u8 *data;

	/* an authenticated request has no short form to answer */
	if (auth && r->plen < STAMP_AUTH_BASE_LEN) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_SHORT);
		return false;
	}
	data = skb_header_pointer(skb, thoff + sizeof(struct udphdr), n, buf);
	if (!data) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_MALFORMED);
		return false;
	}
	/*
	 * An SSID and TLVs only from an RFC 8762/8972 sender, whose base MBZ
	 * octets are zero; a TWAMP-Light sender's pseudo-random padding is
	 * copied untouched and keys its session by addresses and ports alone
	 * (see stamp_test_mbz_clear())
	 */
	r->ext = stamp_test_mbz_clear(data, n, auth);
	r->sk.ssid = r->ext && r->plen >= ssid_off + 2 ?
		     stamp_get16(data + ssid_off) : 0;
	if (!session_and_auth(r, data))
		return false;
	/*
	 * RFC 4656 section 4.1.2: a receiver "SHOULD discard" a packet with
	 * a zero multiplier. Senders in use send it (stamp-bpf's does), and
	 * the field says nothing the reply depends on, so by default it is
	 * answered and counted; errest-zero discard keeps the SHOULD. The
	 * reply's own Error Estimate is the reflector's, never 0.
	 */
	if (!(stamp_get16(data + errest_off) & STAMP_ERREST_MULT_MASK)) {
		if (r->cfg->errest_zero_discard) {
			stamp_stats_inc(r->sn, STAMP_CNT_DROP_ERREST);
			return false;
		}
		stamp_stats_inc(r->sn, STAMP_CNT_ERREST_ZERO);
	}
	return true;
}

/*
 * Make the request's own skb one the reply may be written into: ours
 * alone (not shared, its data not shared with a clone such as a packet
 * tap's), linear up to the payload's end, with tailroom for a short
 * request's reply. For the usual request, delivered linear and unshared,
 * this costs nothing; otherwise it is one allocation and copy, as many as
 * a new reply skb would cost.
 */
static struct sk_buff *own_request(struct stamp_req *r, struct sk_buff *skb,
				   unsigned int end, unsigned int grow)
{
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		goto nomem;
	if (skb_ensure_writable(skb, end))
		goto free;
	if (skb_tailroom(skb) < grow &&
	    pskb_expand_head(skb, 0, grow, GFP_ATOMIC))
		goto free;
	return skb;

free:
	kfree_skb(skb);
nomem:
	stamp_stats_inc(r->sn, STAMP_CNT_DROP_NOMEM);
	return NULL;
}

/*
 * Turn the judged request around: the reply's payload and UDP header, ports
 * swapped, written over the request's own, its data starting at the UDP
 * header. The IP header before it is dropped and rebuilt by the caller.
 * Consumes @skb.
 *
 * Return: the reply, or NULL (dropped and counted).
 */
static struct sk_buff *turn_around(struct stamp_req *r, struct sk_buff *skb,
				   unsigned int thoff)
{
	bool auth = r->cfg->auth;
	unsigned int base = stamp_base_len(auth);
	unsigned int rlen = max_t(unsigned int, r->plen, base);
	unsigned int end = thoff + sizeof(struct udphdr) + r->plen;
	struct stamp_refl_params p = {};
	struct udphdr *uh;
	__be16 port;
	u8 *data;
	int len;

	skb = own_request(r, skb, end, rlen - r->plen);
	if (!skb)
		return NULL;
	__skb_pull(skb, thoff);
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	data = (u8 *)(uh + 1);
	if (rlen > r->plen)
		__skb_put(skb, rlen - r->plen);

	p.copy_seq = !r->sess;
	if (r->sess) {
		reply_seq(r);
		p.seq = r->seq;
	}
	p.rx_ts = ts_wire(r, r->t2);
	p.errest = stamp_cfg_clock_synced(r->cfg) ? r->cfg->errest_synced :
						    r->cfg->errest_unsynced;
	p.ttl = r->ttl;
	len = stamp_reflect(data, r->plen, rlen, &p, auth);
	if (len < 0) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_MALFORMED);
		goto free;
	}
	if (!r->sess)
		r->seq = stamp_get32(data + STAMP_OFF_SEQ);
	if (rlen > base) {
		if (r->cfg->tlv_mode == STAMP_TLV_MODE_STRIP) {
			skb_trim(skb, sizeof(*uh) + base);
			stamp_stats_tlv_inc(r->sn, STAMP_TLVC_STRIPPED);
		} else if (r->cfg->tlv_mode == STAMP_TLV_MODE_PROCESS &&
			   r->ext && !answer_tlvs(r, skb, data, rlen, base)) {
			goto free;
		}
	}

	port = uh->source;
	uh->source = uh->dest;
	uh->dest = port;
	uh->len = htons(skb->len);
	uh->check = 0;
	return skb;

free:
	reply_unsent(r);
	kfree_skb(skb);
	return NULL;
}

/*
 * The reply routes of a namespace's default path, one per CPU: the route
 * last looked up on that CPU and the flow it was looked up for. A
 * reflector answers a sender's requests one after another, mostly on
 * one CPU, so the next request of the flow finds its route here rather
 * than in the FIB. The dst_cache holds a reference and hands out the
 * route only while it is valid, as a connected socket's cached route
 * (dst_check(): the routing generation for IPv4, the FIB node's cookie
 * for IPv6, both moved by any change of routes, rules, addresses or
 * links, a learned PMTU or a redirect; a device that goes away takes its
 * routes' device with it, dst_dev_put()). An xfrm policy is not in that
 * generation, so with any outbound policy in the namespace every reply
 * is looked up afresh.
 */
struct stamp_route_cache {
#if IS_ENABLED(CONFIG_DST_CACHE)
	struct dst_cache dst;
	struct flowi __percpu *key;	/* the flow before its lookup */
#endif
};

/**
 * stamp_route_cache_init() - the reply route cache of a namespace
 * @sn: the namespace's state
 *
 * Without CONFIG_DST_CACHE there is none, and every reply is routed
 * afresh.
 *
 * Return: 0 or -ENOMEM.
 */
int stamp_route_cache_init(struct stamp_net *sn)
{
#if IS_ENABLED(CONFIG_DST_CACHE)
	struct stamp_route_cache *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->key = alloc_percpu(struct flowi);
	if (!c->key)
		goto err_free;
	if (dst_cache_init(&c->dst, GFP_KERNEL))
		goto err_key;
	sn->routes = c;
	return 0;

err_key:
	free_percpu(c->key);
err_free:
	kfree(c);
	return -ENOMEM;
#else
	sn->routes = NULL;
	return 0;
#endif
}

/**
 * stamp_route_cache_free() - release a namespace's cached reply routes
 * @sn: the namespace's state; no hook may run in it any more
 */
void stamp_route_cache_free(struct stamp_net *sn)
{
#if IS_ENABLED(CONFIG_DST_CACHE)
	struct stamp_route_cache *c = sn->routes;

	if (!c)
		return;
	dst_cache_destroy(&c->dst);
	free_percpu(c->key);
	kfree(c);
	sn->routes = NULL;
#endif
}

/*
 * The cached route of the flow @fl (not yet looked up), held, or NULL;
 * asked only while no outbound xfrm policy exists (route_lookup()).
 * Bottom halves off: a hook may run in process context (nfqueue's
 * reinjection), and the cache is per CPU.
 */
static struct dst_entry *route_cached(struct stamp_req *r,
				      const struct flowi *fl)
{
	struct dst_entry *dst = NULL;
#if IS_ENABLED(CONFIG_DST_CACHE)
	struct stamp_route_cache *c = r->sn->routes;

	if (!c)
		return NULL;
	local_bh_disable();
	if (!memcmp(this_cpu_ptr(c->key), fl, sizeof(*fl)))
		dst = dst_cache_get(&c->dst);
	local_bh_enable();
#endif
	return dst;
}

/* Keep @dst, just looked up for the flow @key, for the next request. */
static void route_keep(struct stamp_req *r, const struct flowi *key,
		       struct dst_entry *dst)
{
#if IS_ENABLED(CONFIG_DST_CACHE)
	struct stamp_route_cache *c = r->sn->routes;

	if (!c)
		return;
	local_bh_disable();
	memcpy(this_cpu_ptr(c->key), key, sizeof(*key));
	if (r->sk.family == AF_INET)
		dst_cache_set_ip4(&c->dst, dst, key->u.ip4.saddr);
	else
		dst_cache_set_ip6(&c->dst, dst, &key->u.ip6.saddr);
	local_bh_enable();
#endif
}

/*
 * The route of the flow @fl: the cached one, else looked up and kept;
 * with an outbound xfrm policy, looked up and not kept. The policy count
 * is read once per request: a route kept while a policy came is never
 * read back while the policy lasts, and an xfrm bundle goes stale with
 * its policy (dst_check()).
 */
static struct dst_entry *route_lookup(struct stamp_req *r, struct flowi *fl)
{
	bool cache = !stamp_xfrm_out_policies(r->net);
	struct dst_entry *dst;
	struct flowi key;
	struct rtable *rt;

	dst = cache ? route_cached(r, fl) : NULL;
	if (dst)
		return dst;
	memcpy(&key, fl, sizeof(key));
	if (r->sk.family == AF_INET) {
		rt = ip_route_output_flow(r->net, &fl->u.ip4, NULL);
		dst = IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	} else {
		dst = ip6_dst_lookup_flow(r->net, NULL, &fl->u.ip6, NULL);
	}
	if (!IS_ERR(dst) && cache)
		route_keep(r, &key, dst);
	return dst;
}

/*
 * The reply's route: back to the request's source from the address it
 * was sent to, or where a Return Path TLV asked (RFC 8972 section 4.6).
 * Reads the request's device and mark, so before reply_reset().
 */
static struct dst_entry *reply_route(struct stamp_req *r,
				     const struct sk_buff *skb,
				     struct flowi *fl)
{
	struct net_device *dev = skb->dev;
	struct flowi4 *fl4 = &fl->u.ip4;
	struct flowi6 *fl6 = &fl->u.ip6;
	int oif;

	memset(fl, 0, sizeof(*fl));
	if (r->sk.family == AF_INET) {
		fl4->daddr = r->sk.saddr[0];
		fl4->saddr = r->sk.daddr[0];
		fl4->flowi4_proto = IPPROTO_UDP;
		fl4->fl4_sport = r->sk.dport;
		fl4->fl4_dport = r->sk.sport;
		fl4->flowi4_oif = l3mdev_master_ifindex_rcu(dev);
		fl4->flowi4_mark = IP4_REPLY_MARK(r->net, skb->mark);
		if (r->tlv.return_addr)
			memcpy(&fl4->daddr, r->tlv.ret_addr,
			       sizeof(fl4->daddr));
		if (r->tlv.same_link)
			fl4->flowi4_oif = dev->ifindex;
		return route_lookup(r, fl);
	}
	memcpy(&fl6->daddr, r->sk.saddr, sizeof(fl6->daddr));
	memcpy(&fl6->saddr, r->sk.daddr, sizeof(fl6->saddr));
	fl6->flowi6_proto = IPPROTO_UDP;
	fl6->fl6_sport = r->sk.dport;
	fl6->fl6_dport = r->sk.sport;
	/* link-local peers are only reachable through the ingress link */
	oif = rt6_need_strict(&fl6->daddr) ? dev->ifindex :
	      l3mdev_master_ifindex_rcu(dev);
	fl6->flowi6_oif = r->tlv.same_link ? dev->ifindex : oif;
	fl6->flowi6_mark = IP6_REPLY_MARK(r->net, skb->mark);
	if (r->tlv.return_addr)
		memcpy(&fl6->daddr, r->tlv.ret_addr, sizeof(fl6->daddr));
	return route_lookup(r, fl);
}

/*
 * The request's conntrack entry covers its reply, as nf_ct_attach() would
 * attach it to a new skb (like nf_reject): the entry's reference moves to
 * the reply, its direction turned around.
 */
static unsigned long ct_reply(unsigned long nfct)
{
	if (!nfct)
		return 0;
	return (nfct & NFCT_PTRMASK) |
	       (CTINFO2DIR(nfct & NFCT_INFOMASK) == IP_CT_DIR_ORIGINAL ?
		IP_CT_RELATED_REPLY : IP_CT_RELATED);
}

/*
 * Clear what the request's skb carries of its reception, so that the
 * reply leaves as a new locally generated packet would: no socket, route,
 * extensions (secpath), trace, receive stamp or delivery time, VLAN tag,
 * hash, priority or control block of the input path.
 */
static void reply_reset(struct sk_buff *skb, struct dst_entry *dst, u32 mark)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	unsigned long nfct = skb->_nfct;

	skb->_nfct = 0;
#endif
	skb_orphan(skb);
	skb_scrub_packet(skb, true);
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	skb->_nfct = ct_reply(nfct);
#endif
	skb_set_delivery_time(skb, 0, false);
	skb_hwtstamps(skb)->hwtstamp = 0;
	skb_shinfo(skb)->tx_flags = 0;
	__vlan_hwaccel_clear_tag(skb);
	skb_reset_redirect(skb);
	skb_clear_hash(skb);
	skb->encapsulation = 0;
	skb->priority = 0;
	memset(skb->cb, 0, sizeof(skb->cb));
	skb->mark = mark;
	skb_dst_set(skb, dst);
}

/*
 * A reply whose session asks for Follow-Up Telemetry is owned by the
 * namespace's stamp socket, so that the driver's transmit stamp of it
 * comes back (txts.c); both paths, after reply_reset() orphaned it.
 */
static void reply_own(struct stamp_req *r, struct sk_buff *skb)
{
	if (r->sess && r->tlv.count[STAMP_TLV_FOLLOW_UP])
		stamp_txts_own(r->sn, r->sess, r->seq, skb);
}

/* The reply's DS field: the request's DSCP, or the one a CoS TLV asked. */
static u8 reply_ds(struct stamp_req *r)
{
	if (!r->tlv.set_dscp)
		return r->tos & ~INET_ECN_MASK;
	stamp_stats_tlv_inc(r->sn, STAMP_TLVC_COS_REMARKED);
	return r->tlv.dscp << 2;
}

static void path_counted(struct stamp_req *r)
{
	if (r->tlv.return_addr)
		stamp_stats_tlv_inc(r->sn, STAMP_TLVC_RETURN_ADDR);
	if (r->tlv.same_link)
		stamp_stats_tlv_inc(r->sn, STAMP_TLVC_SAME_LINK);
}

/*
 * Write T3 (and the HMAC over it) into the reply. T3 is taken as late as
 * the reply's bytes allow here: after it, only the checksum and the IP
 * output path, which the egress hook (egress.c) then covers by taking T3
 * again at the device.
 */
static void stamp_tx(struct stamp_req *r, struct sk_buff *skb)
{
	struct udphdr *uh = udp_hdr(skb);
	bool ptp = req_ptp(r);
	bool auth = r->cfg->auth;
	u8 *data = (u8 *)(uh + 1);
	bool deferred = false;
	bool egress;

	/*
	 * The device's egress hook takes T3 again, later (egress.c). Not for
	 * the fast path's reply: its T3 is already taken right before
	 * dev_queue_xmit(), and signing it twice would cost a second HMAC.
	 */
	egress = !r->fast &&
		 (!auth || r->key == rcu_dereference(r->sn->default_key));
	r->t3 = ts_wire(r, fmt_now(r));
	stamp_reflect_set_tx_ts(data, r->t3, auth);
	/*
	 * Signed once: by the egress hook, over its own T3, when it will see
	 * the reply (else here, and checked and signed again there)
	 */
	if (auth && egress)
		deferred = stamp_egress_defer_sign(skb, ptp);
	if (deferred)
		memset(data + STAMP_AUTH_OFF_HMAC, 0, STAMP_HMAC_LEN);
	else if (auth)
		stamp_hmac_sign(r->key, data);
	if (egress && !deferred)
		stamp_egress_mark(skb, auth, ptp);
}

/* The reply's IP header in front of its UDP header; no checksum yet. */
static void reply_iph(struct stamp_req *r, struct sk_buff *skb,
		      const struct flowi *fl)
{
	struct ipv6hdr *ip6h;
	struct iphdr *iph;

	if (r->sk.family == AF_INET) {
		iph = skb_push(skb, sizeof(*iph));
		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = sizeof(*iph) / 4;
		/* keep the class of service the sender measures, not its ECN */
		iph->tos = reply_ds(r);
		iph->ttl = REPLY_TTL;
		iph->protocol = IPPROTO_UDP;
		iph->saddr = fl->u.ip4.saddr;
		iph->daddr = fl->u.ip4.daddr;
		iph->tot_len = htons(skb->len);
		skb->protocol = htons(ETH_P_IP);
		/*
		 * The fast path's reply is within the device's MTU (fast_in())
		 * and leaves by dev_queue_xmit(), never fragmented here: with
		 * DF it is an atomic datagram, whose ID "has no meaning; thus,
		 * it can be set to an arbitrary value" (RFC 6864 section 4.1),
		 * 0 as a Linux UDP socket's, with no ip_select_ident() (a hash
		 * and an atomic per reply). The default path's may be
		 * fragmented by ip_local_out(): no DF, a real ID.
		 */
		if (r->fast) {
			iph->frag_off = htons(IP_DF);
			iph->id = 0;
			return;
		}
		iph->frag_off = 0;
		ip_select_ident(r->net, skb, NULL);
		return;
	}
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, reply_ds(r), 0);
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = REPLY_TTL;
	ip6h->saddr = fl->u.ip6.saddr;
	ip6h->daddr = fl->u.ip6.daddr;
	skb->protocol = htons(ETH_P_IPV6);
	/* a reply as long as its request may need fragmenting at the source */
	skb->ignore_df = 1;
}

/* T3 and the UDP checksum over the reply, its IP header in place. */
static void reply_csum(struct stamp_req *r, struct sk_buff *skb)
{
	struct udphdr *uh = udp_hdr(skb);
	__wsum csum;

	stamp_tx(r, skb);
	skb->ip_summed = CHECKSUM_NONE;
	csum = csum_partial(uh, ntohs(uh->len), 0);
	uh->check = udp_magic(skb, r->sk.family == AF_INET, ntohs(uh->len),
			      csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

/*
 * T3, and the UDP checksum left to the device (CHECKSUM_PARTIAL, as
 * udp4_hwcsum() and udp6_hwcsum_outgoing() leave a socket's): only the
 * pseudo-header's sum is written, and a device that offloads it (veth
 * among them) never sums the payload. validate_xmit_skb() sums it in
 * software, skb_checksum_help(), for one that does not; either way the
 * checksum on the wire is whole (RFC 768; RFC 8200 section 8.1).
 */
static void reply_csum_partial(struct stamp_req *r, struct sk_buff *skb)
{
	struct udphdr *uh = udp_hdr(skb);
	unsigned int len = ntohs(uh->len);

	stamp_tx(r, skb);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct udphdr, check);
	uh->check = ~udp_magic(skb, r->sk.family == AF_INET, len, 0);
}

/* The reply's IP header in front of its UDP header, then out. */
static int reply_xmit(struct stamp_req *r, struct sk_buff *skb,
		      const struct flowi *fl)
{
	reply_iph(r, skb, fl);
	reply_csum(r, skb);
	if (r->sk.family == AF_INET)
		return ip_local_out(r->net, NULL, skb);
	return ip6_local_out(r->net, NULL, skb);
}

static void stamp_sent(struct stamp_req *r, int err)
{
	bool ok = !net_xmit_eval(err);

	stamp_stats_inc(r->sn, ok ? STAMP_CNT_REFLECTED : STAMP_CNT_DROP_XMIT);
	if (!ok)
		reply_unsent(r);
	if (ok && r->sess) {
		spin_lock(&r->sess->lock);
		r->sess->reflected++;
		r->sess->last_t3 = r->t3;
		r->sess->last_seq = r->seq;
		spin_unlock(&r->sess->lock);
	}
	if (ok && r->dm) {
		spin_lock(&r->dm->lock);
		r->dm->reflected++;
		spin_unlock(&r->dm->lock);
	}
}

/*
 * Both families from here: admission, the UDP header, the verdicts on the
 * payload's first octets, and only then the request turned around, routed
 * and sent. Before the turnaround a drop is the hook's verdict; after it,
 * the skb is ours (NF_STOLEN) and freed here.
 */
static unsigned int reflect(struct stamp_req *r, struct sk_buff *skb,
			    unsigned int thoff, u8 pf)
{
	struct dst_entry *dst;
	struct flowi fl;
	u32 mark;

	if (!admitted(r) || !udp_ok(r, skb, thoff, pf) ||
	    !judge(r, skb, thoff))
		return NF_DROP;
	skb = turn_around(r, skb, thoff);
	if (!skb)
		return NF_STOLEN;
	dst = reply_route(r, skb, &fl);
	if (IS_ERR(dst)) {
		stamp_stats_inc(r->sn, STAMP_CNT_DROP_NO_ROUTE);
		reply_unsent(r);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	path_counted(r);
	mark = r->sk.family == AF_INET ? fl.u.ip4.flowi4_mark :
					 fl.u.ip6.flowi6_mark;
	reply_reset(skb, dst, mark);
	reply_own(r, skb);
	stamp_sent(r, reply_xmit(r, skb, &fl));
	return NF_STOLEN;
}

/**
 * stamp_reflect_is_reply() - whether a payload is a reply, not a request
 * @p: the UDP payload's first octets
 * @len: how many of them (at most the authenticated base length is read)
 * @auth: the layout to read, authenticated (RFC 8762 section 4.2.2) or not
 *
 * Tells another reflector's reply from a request, for packets whose source
 * port is a reflector port. RFC 8762 section 4.2.1 has a Session-Sender
 * send octets 16 to 43 as MBZ, which "MUST be all zeroed on transmission"
 * (section 4.2.2: octets 28 to 95 of an authenticated packet), while
 * section 4.3.1 puts the Receive Timestamp at 16 of every reply (4.3.2:
 * at 32), followed by the Session-Sender's Sequence Number, Timestamp,
 * Error Estimate and TTL. A Receive Timestamp is a time of day, never 0,
 * and a TWAMP-Light reflector's reply (RFC 5357 section 4.2.1) has the
 * same layout. So a non-zero octet there is a reply. A 14-octet
 * TWAMP-Light request has nothing there and is a request. The one sender
 * refused is a TWAMP-Light one that fills its padding with pseudo-random
 * octets (RFC 4656 section 4.1.2) and uses a reflector port as its source.
 * Answering every reply instead lets one spoofed packet bounce between two
 * reflectors forever; this rule ends it at the first reply.
 *
 * Return: true for a reply.
 */
bool stamp_reflect_is_reply(const u8 *p, unsigned int len, bool auth)
{
	unsigned int from = auth ? STAMP_AUTH_OFF_SSID + 2 : STAMP_OFF_RX_TS;
	unsigned int to = auth ? STAMP_AUTH_OFF_HMAC : STAMP_BASE_LEN;

	if (len <= from)
		return false;
	return memchr_inv(p + from, 0, min(len, to) - from);
}

/**
 * stamp_reflect_v4() - answer an IPv4 STAMP request
 * @net: the namespace it arrived in
 * @cfg: the configuration the hook found the request's port in
 * @skb: the request, addressed to a local unicast address
 * @thoff: offset of its UDP header
 *
 * Return: the netfilter verdict; NF_STOLEN once the request is turned
 * around into its reply.
 */
unsigned int stamp_reflect_v4(struct net *net, const struct stamp_cfg *cfg,
			      struct sk_buff *skb, unsigned int thoff)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct stamp_req r;

	req_init(&r, net, cfg, skb, iph->ttl, iph->tos);
	r.sk.family = AF_INET;
	r.sk.saddr[0] = iph->saddr;
	r.sk.daddr[0] = iph->daddr;
	return reflect(&r, skb, thoff, NFPROTO_IPV4);
}

/**
 * stamp_reflect_v6() - answer an IPv6 STAMP request
 * @net: the namespace it arrived in
 * @cfg: the configuration the hook found the request's port in
 * @skb: the request, addressed to a local unicast address, unfragmented
 * @thoff: offset of its UDP header (after any extension headers)
 *
 * Return: the netfilter verdict; NF_STOLEN once the request is turned
 * around into its reply.
 */
unsigned int stamp_reflect_v6(struct net *net, const struct stamp_cfg *cfg,
			      struct sk_buff *skb, unsigned int thoff)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct stamp_req r;

	req_init(&r, net, cfg, skb, ip6h->hop_limit, ipv6_get_dsfield(ip6h));
	r.sk.family = AF_INET6;
	memcpy(r.sk.saddr, &ip6h->saddr, sizeof(ip6h->saddr));
	memcpy(r.sk.daddr, &ip6h->daddr, sizeof(ip6h->daddr));
	return reflect(&r, skb, thoff, NFPROTO_IPV6);
}

/*
 * The fast path's tail (fastpath.c): the reply leaves the way the request
 * came, in an Ethernet frame addressed to the request's source MAC, out of
 * the same device, with no route, neighbour lookup, conntrack or inet
 * hook. T3 is taken once the frame is complete, just before
 * dev_queue_xmit(), and only there: the reply is not marked for the
 * egress hook (egress.c), which it meets a few instructions later. A
 * session's Follow-Up Telemetry is served as on the default path: the
 * reply is owned by the stamp socket, and the driver stamps it.
 */
static int fast_xmit(struct stamp_req *r, struct sk_buff *skb,
		     struct net_device *dev, const u8 *dest)
{
	struct ethhdr *eth;
	struct flowi fl;

	memset(&fl, 0, sizeof(fl));
	if (r->sk.family == AF_INET) {
		fl.u.ip4.saddr = r->sk.daddr[0];
		fl.u.ip4.daddr = r->sk.saddr[0];
	} else {
		memcpy(&fl.u.ip6.saddr, r->sk.daddr, sizeof(fl.u.ip6.saddr));
		memcpy(&fl.u.ip6.daddr, r->sk.saddr, sizeof(fl.u.ip6.daddr));
	}
	reply_reset(skb, NULL, 0);
	reply_own(r, skb);
	skb->dev = dev;
	reply_iph(r, skb, &fl);
	/* what ip_local_out() and ip6_local_out() do for the default path */
	if (r->sk.family == AF_INET)
		ip_send_check(ip_hdr(skb));
	else
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));
	/* the request's own Ethernet header was there: room in the usual case */
	if (skb_cow_head(skb, ETH_HLEN)) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, dest);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = skb->protocol;
	reply_csum_partial(r, skb);
	return dev_queue_xmit(skb);
}

/**
 * stamp_reflect_fast() - answer a request at its device's netdev ingress
 * @net: the device's namespace
 * @cfg: the configuration the hook found the request's port in
 * @skb: the request, its data at an IP header the caller checked (no
 *	 options or extension headers, not a fragment, as long as the frame,
 *	 to an address of the device)
 * @thoff: offset of its UDP header
 *
 * The same admission, verdicts and turnaround as the default path; only
 * the way out differs (see fast_xmit()).
 *
 * Return: NF_DROP, or NF_STOLEN once the request is turned around.
 */
unsigned int stamp_reflect_fast(struct net *net, const struct stamp_cfg *cfg,
				struct sk_buff *skb, unsigned int thoff)
{
	struct net_device *dev = skb->dev;
	struct stamp_req r;
	u8 dest[ETH_ALEN];
	int err;
	u8 pf;

	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		req_init(&r, net, cfg, skb, iph->ttl, iph->tos);
		r.sk.family = AF_INET;
		r.sk.saddr[0] = iph->saddr;
		r.sk.daddr[0] = iph->daddr;
		pf = NFPROTO_IPV4;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		req_init(&r, net, cfg, skb, ip6h->hop_limit,
			 ipv6_get_dsfield(ip6h));
		r.sk.family = AF_INET6;
		memcpy(r.sk.saddr, &ip6h->saddr, sizeof(ip6h->saddr));
		memcpy(r.sk.daddr, &ip6h->daddr, sizeof(ip6h->daddr));
		pf = NFPROTO_IPV6;
	}
	r.fast = true;
	ether_addr_copy(dest, eth_hdr(skb)->h_source);
	if (!admitted(&r) || !udp_ok(&r, skb, thoff, pf) ||
	    !judge(&r, skb, thoff))
		return NF_DROP;
	skb = turn_around(&r, skb, thoff);
	if (!skb)
		return NF_STOLEN;
	err = fast_xmit(&r, skb, dev, dest);
	if (err == -ENOMEM) {
		stamp_stats_inc(r.sn, STAMP_CNT_DROP_NOMEM);
		reply_unsent(&r);
		return NF_STOLEN;
	}
	stamp_sent(&r, err);
	if (!net_xmit_eval(err))
		stamp_stats_inc(r.sn, STAMP_CNT_REFLECTED_FAST);
	return NF_STOLEN;
}

#ifdef STAMP_KUNIT
#include "reflect_kunit.c"
#endif
