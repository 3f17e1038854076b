// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite stamp_reflect: the request checks and the turnaround of
 * reflect.c, on skbs shaped the ways the stack hands them to the hook:
 * linear, paged (headers and payload split over the head and two page
 * fragments), cloned, and tapped (a clone whose original a packet tap
 * still holds: the turnaround must leave the tap's copy alone), IPv4 and
 * IPv6. Included by reflect.c when built
 * with STAMP_KUNIT=1, so it reaches the static functions under test.
 *
 * KUnit runs a module's suites before its init, so these tests use their
 * own struct stamp_net and configuration, not a namespace's.
 */
#include <kunit/test.h>
#include <linux/highmem.h>

enum skb_shape { SHAPE_LINEAR, SHAPE_PAGED, SHAPE_CLONED, SHAPE_TAPPED };

enum req_defect { REQ_OK, REQ_BAD_CSUM, REQ_LONG_ULEN, REQ_ZERO_ERREST,
		  REQ_NO_CSUM, REQ_ZERO_ERREST_DISCARD };

struct skb_case {
	u8 pf;
	enum skb_shape shape;
	unsigned int plen;
	enum req_defect defect;
	int drop;		/* expected counter, or -1: reflected */
};

#define SPORT 40000
#define DPORT 862
/* T2 = 1000.5 s TAI with TAI - UTC = 37 s: 963.5 s UTC */
#define T2_TAI_NS (1000ULL * NSEC_PER_SEC + NSEC_PER_SEC / 2)
#define TAI_OFF_S 37
#define T2_NTP (((963ULL + 2208988800ULL) << 32) | 0x80000000ULL)
/* r->t2 is kept in the reply's timescale: UTC for the NTP format */
#define T2_UTC_NS (T2_TAI_NS - TAI_OFF_S * NSEC_PER_SEC)

static const struct skb_case skb_cases[] = {
	{ NFPROTO_IPV4, SHAPE_LINEAR, 44, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_PAGED, 44, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_CLONED, 44, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_TAPPED, 44, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_TAPPED, 14, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_LINEAR, 14, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_PAGED, 14, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_PAGED, 45, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_PAGED, 1472, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_CLONED, 2000, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_LINEAR, 44, REQ_NO_CSUM, -1 },
	{ NFPROTO_IPV4, SHAPE_LINEAR, 0, REQ_OK, STAMP_CNT_DROP_SHORT },
	{ NFPROTO_IPV4, SHAPE_PAGED, 13, REQ_OK, STAMP_CNT_DROP_SHORT },
	{ NFPROTO_IPV4, SHAPE_PAGED, 44, REQ_BAD_CSUM, STAMP_CNT_DROP_CSUM },
	/* linear and unsummed: one csum_partial() pass (udp_csum_ok()) */
	{ NFPROTO_IPV4, SHAPE_LINEAR, 44, REQ_BAD_CSUM, STAMP_CNT_DROP_CSUM },
	{ NFPROTO_IPV4, SHAPE_LINEAR, 45, REQ_OK, -1 },
	{ NFPROTO_IPV4, SHAPE_LINEAR, 44, REQ_LONG_ULEN,
	  STAMP_CNT_DROP_MALFORMED },
	/* answered by default, dropped only with errest-zero discard */
	{ NFPROTO_IPV4, SHAPE_PAGED, 44, REQ_ZERO_ERREST, -1 },
	{ NFPROTO_IPV4, SHAPE_LINEAR, 14, REQ_ZERO_ERREST, -1 },
	{ NFPROTO_IPV4, SHAPE_PAGED, 44, REQ_ZERO_ERREST_DISCARD,
	  STAMP_CNT_DROP_ERREST },
	{ NFPROTO_IPV6, SHAPE_LINEAR, 44, REQ_OK, -1 },
	{ NFPROTO_IPV6, SHAPE_PAGED, 44, REQ_OK, -1 },
	{ NFPROTO_IPV6, SHAPE_CLONED, 44, REQ_OK, -1 },
	{ NFPROTO_IPV6, SHAPE_TAPPED, 1452, REQ_OK, -1 },
	{ NFPROTO_IPV6, SHAPE_PAGED, 20, REQ_OK, -1 },
	{ NFPROTO_IPV6, SHAPE_PAGED, 1452, REQ_OK, -1 },
	{ NFPROTO_IPV6, SHAPE_CLONED, 2000, REQ_OK, -1 },
	/* no checksum is no excuse on IPv6 (RFC 8200 section 8.1) */
	{ NFPROTO_IPV6, SHAPE_LINEAR, 44, REQ_NO_CSUM, STAMP_CNT_DROP_CSUM },
	{ NFPROTO_IPV6, SHAPE_PAGED, 44, REQ_BAD_CSUM, STAMP_CNT_DROP_CSUM },
	{ NFPROTO_IPV6, SHAPE_LINEAR, 44, REQ_BAD_CSUM, STAMP_CNT_DROP_CSUM },
	{ NFPROTO_IPV6, SHAPE_LINEAR, 45, REQ_OK, -1 },
	{ NFPROTO_IPV6, SHAPE_PAGED, 0, REQ_OK, STAMP_CNT_DROP_SHORT },
	{ NFPROTO_IPV6, SHAPE_CLONED, 44, REQ_LONG_ULEN,
	  STAMP_CNT_DROP_MALFORMED },
	{ NFPROTO_IPV6, SHAPE_LINEAR, 44, REQ_ZERO_ERREST, -1 },
	{ NFPROTO_IPV6, SHAPE_LINEAR, 44, REQ_ZERO_ERREST_DISCARD,
	  STAMP_CNT_DROP_ERREST },
};

static const char * const shape_names[] = { "linear", "paged", "cloned",
					    "tapped" };
static const char * const defect_names[] = { "", " bad-csum", " long-ulen",
					     " zero-errest", " no-csum",
					     " zero-errest-discard" };

static void skb_case_desc(const struct skb_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %u%s",
		 c->pf == NFPROTO_IPV4 ? "ipv4" : "ipv6", shape_names[c->shape],
		 c->plen, defect_names[c->defect]);
}

KUNIT_ARRAY_PARAM(skb, skb_cases, skb_case_desc);

/* The request as one flat buffer: IP header, UDP header, payload. */
static unsigned int flat_request(const struct skb_case *c, u8 *pkt,
				 const u8 *payload)
{
	unsigned int iplen = c->pf == NFPROTO_IPV4 ? sizeof(struct iphdr) :
						     sizeof(struct ipv6hdr);
	unsigned int ulen = sizeof(struct udphdr) + c->plen;
	struct udphdr *uh = (struct udphdr *)(pkt + iplen);
	__wsum csum;

	memcpy(uh + 1, payload, c->plen);
	uh->source = htons(SPORT);
	uh->dest = htons(DPORT);
	uh->len = htons(ulen + (c->defect == REQ_LONG_ULEN ? 4 : 0));
	uh->check = 0;
	csum = csum_partial(uh, ulen, 0);
	if (c->pf == NFPROTO_IPV4) {
		struct iphdr *iph = (struct iphdr *)pkt;

		*iph = (struct iphdr){ .version = 4, .ihl = 5, .ttl = 61,
				       .protocol = IPPROTO_UDP,
				       .tot_len = htons(iplen + ulen),
				       .saddr = htonl(0x0a000001),
				       .daddr = htonl(0x0a000002) };
		ip_send_check(iph);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					      IPPROTO_UDP, csum);
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)pkt;

		*ip6h = (struct ipv6hdr){ .version = 6, .hop_limit = 61,
					  .nexthdr = IPPROTO_UDP,
					  .payload_len = htons(ulen) };
		ip6h->saddr.s6_addr[0] = 0xfd;
		ip6h->saddr.s6_addr[15] = 1;
		ip6h->daddr.s6_addr[0] = 0xfd;
		ip6h->daddr.s6_addr[15] = 2;
		uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
					    IPPROTO_UDP, csum);
	}
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	if (c->defect == REQ_BAD_CSUM)
		uh->check ^= htons(0x0100);
	if (c->defect == REQ_NO_CSUM)
		uh->check = 0;
	return iplen + ulen;
}

/*
 * Split a flat request into the shape under test. A tapped one's original
 * is left in *@tap for the caller to check and free.
 */
static struct sk_buff *shape_skb_tap(struct kunit *test,
				     const struct skb_case *c, const u8 *pkt,
				     unsigned int len, unsigned int thoff,
				     struct sk_buff **tap)
{
	/* paged: the head ends inside the payload, two fragments hold the rest */
	unsigned int head = c->shape == SHAPE_PAGED ?
			    min(len, thoff + (unsigned int)sizeof(struct udphdr) + 10) :
			    len;
	unsigned int off = head;
	struct sk_buff *skb, *clone;
	int i;

	skb = alloc_skb(head, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_data(skb, pkt, head);
	for (i = 0; i < 2 && off < len; i++) {
		unsigned int n = i ? len - off : (len - off) / 2;
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page)
			kfree_skb(skb);
		KUNIT_ASSERT_NOT_NULL(test, page);
		/* at an odd offset, so nothing relies on alignment */
		memcpy_to_page(page, 1, pkt + off, n);
		skb_add_rx_frag(skb, i, page, 1, n, PAGE_SIZE);
		off += n;
	}
	skb->protocol = htons(c->pf == NFPROTO_IPV4 ? ETH_P_IP : ETH_P_IPV6);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, thoff);
	skb->ip_summed = CHECKSUM_NONE;
	if (c->shape != SHAPE_CLONED && c->shape != SHAPE_TAPPED)
		return skb;
	clone = skb_clone(skb, GFP_KERNEL);
	if (c->shape == SHAPE_TAPPED && clone)
		*tap = skb;
	else
		kfree_skb(skb);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	return clone;
}

static struct sk_buff *shape_skb(struct kunit *test, const struct skb_case *c,
				 const u8 *pkt, unsigned int len,
				 unsigned int thoff)
{
	struct sk_buff *tap = NULL;
	struct sk_buff *skb = shape_skb_tap(test, c, pkt, len, thoff, &tap);

	kfree_skb(tap);
	return skb;
}

/* The request's addresses, as stamp_reflect_v4() reads them. */
static void req_addrs_v4(struct stamp_req *r, struct sk_buff *skb)
{
	r->sk.family = AF_INET;
	r->sk.saddr[0] = ip_hdr(skb)->saddr;
	r->sk.daddr[0] = ip_hdr(skb)->daddr;
}

/*
 * The hook's path from the UDP check to the turnaround, in softirq under
 * netfilter's RCU read lock. Consumes @skb.
 *
 * Return: the reply (its data at the UDP header), or NULL.
 */
static struct sk_buff *reflect_skb(struct stamp_req *r, struct sk_buff *skb,
				   unsigned int thoff, u8 pf)
{
	struct sk_buff *reply = NULL;

	local_bh_disable();
	rcu_read_lock();
	if (udp_ok(r, skb, thoff, pf) && judge(r, skb, thoff))
		reply = turn_around(r, skb, thoff);
	else
		kfree_skb(skb);
	rcu_read_unlock();
	local_bh_enable();
	return reply;
}

/*
 * The fast path's reply leaves its UDP checksum to the device
 * (reply_csum_partial()): completed as a device without checksum offload
 * has it completed (skb_checksum_help()), it must be the reply's whole,
 * valid, non-zero checksum. Consumes nothing; @skb is the turned-around
 * request, its data at the UDP header.
 */
static void fast_csum_check(struct kunit *test, struct stamp_req *r,
			    struct sk_buff *skb, u8 pf)
{
	unsigned int ulen = skb->len;
	struct flowi fl = {};
	__wsum sum;

	r->fast = true;
	if (pf == NFPROTO_IPV4) {
		r->sk.family = AF_INET;
		fl.u.ip4.saddr = htonl(0x0a000002);
		fl.u.ip4.daddr = htonl(0x0a000001);
	} else {
		r->sk.family = AF_INET6;
		fl.u.ip6.saddr.s6_addr[0] = 0xfd;
		fl.u.ip6.saddr.s6_addr[15] = 2;
		fl.u.ip6.daddr.s6_addr[0] = 0xfd;
		fl.u.ip6.daddr.s6_addr[15] = 1;
	}
	rcu_read_lock();
	reply_iph(r, skb, &fl);
	reply_csum_partial(r, skb);
	rcu_read_unlock();
	/* an atomic datagram (RFC 6864 section 4): DF, ID 0 */
	if (pf == NFPROTO_IPV4) {
		KUNIT_EXPECT_EQ(test, ip_hdr(skb)->frag_off, htons(IP_DF));
		KUNIT_EXPECT_EQ(test, ip_hdr(skb)->id, 0);
	}
	KUNIT_ASSERT_TRUE(test, skb->ip_summed == CHECKSUM_PARTIAL);
	KUNIT_ASSERT_EQ(test, skb_checksum_help(skb), 0);
	KUNIT_EXPECT_NE(test, udp_hdr(skb)->check, 0);
	sum = skb_checksum(skb, skb_transport_offset(skb), ulen, 0);
	if (pf == NFPROTO_IPV4)
		KUNIT_EXPECT_EQ(test, csum_tcpudp_magic(fl.u.ip4.saddr,
							fl.u.ip4.daddr, ulen,
							IPPROTO_UDP, sum), 0);
	else
		KUNIT_EXPECT_EQ(test, csum_ipv6_magic(&fl.u.ip6.saddr,
						      &fl.u.ip6.daddr, ulen,
						      IPPROTO_UDP, sum), 0);
}

static void stamp_reflect_skb(struct kunit *test)
{
	const struct skb_case *c = test->param_value;
	unsigned int thoff = c->pf == NFPROTO_IPV4 ? sizeof(struct iphdr) :
						     sizeof(struct ipv6hdr);
	unsigned int rlen = max_t(unsigned int, c->plen, STAMP_BASE_LEN);
	u64 counters[STAMP_CNT_MAX];
	struct stamp_net sn = {};
	struct stamp_req r = {};
	struct sk_buff *skb, *nskb, *tap = NULL;
	struct stamp_reply rep;
	struct stamp_test t;
	struct udphdr *uh;
	unsigned int len;
	u8 *payload, *pkt;
	int i;

	payload = kunit_kzalloc(test, c->plen + 1, GFP_KERNEL);
	pkt = kunit_kzalloc(test, thoff + 8 + c->plen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	get_random_bytes(payload, c->plen);
	/*
	 * IPv4: random MBZ octets, a TWAMP-Light sender's padding (no SSID);
	 * IPv6: an RFC 8972 sender's, MBZ zero
	 */
	if (c->pf == NFPROTO_IPV6 && c->plen > STAMP_OFF_SSID + 2)
		memset(payload + STAMP_OFF_SSID + 2, 0,
		       min_t(unsigned int, c->plen, STAMP_BASE_LEN) -
		       STAMP_OFF_SSID - 2);
	if (c->plen >= STAMP_OFF_ERREST + 2)
		stamp_put16(payload + STAMP_OFF_ERREST,
			    c->defect == REQ_ZERO_ERREST ||
			    c->defect == REQ_ZERO_ERREST_DISCARD ?
			    STAMP_ERREST_S : 0x0101);
	len = flat_request(c, pkt, payload);

	KUNIT_ASSERT_EQ(test, stamp_stats_init(&sn), 0);
	r.sn = &sn;
	r.cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);
	if (!r.cfg)
		stamp_stats_free(&sn);
	KUNIT_ASSERT_NOT_NULL(test, r.cfg);
	/* random octets past the base: copied verbatim, as RFC 8762 does */
	((struct stamp_cfg *)r.cfg)->tlv_mode = STAMP_TLV_MODE_COPY;
	((struct stamp_cfg *)r.cfg)->errest_zero_discard =
		c->defect == REQ_ZERO_ERREST_DISCARD;
	r.net = &init_net;
	r.tai_off = ktime_set(TAI_OFF_S, 0);
	r.t2 = ns_to_ktime(T2_UTC_NS);
	r.ttl = 61;
	skb = shape_skb_tap(test, c, pkt, len, thoff, &tap);

	nskb = reflect_skb(&r, skb, thoff, c->pf);
	/* the tap's packet is the request as it arrived, whatever happened */
	if (tap) {
		u8 *seen = kunit_kzalloc(test, len, GFP_KERNEL);

		KUNIT_EXPECT_EQ(test, tap->len, len);
		KUNIT_EXPECT_TRUE(test, seen && !skb_copy_bits(tap, 0, seen, len) &&
				  !memcmp(seen, pkt, len));
		kfree_skb(tap);
	}
	stamp_stats_sum(&sn, counters);
	for (i = STAMP_CNT_DROP_SHORT; i < STAMP_CNT_MAX; i++)
		KUNIT_EXPECT_EQ_MSG(test, counters[i],
				    i == c->drop ||
				    (i == STAMP_CNT_ERREST_ZERO &&
				     c->defect == REQ_ZERO_ERREST) ? 1ULL : 0ULL,
				    "counter %d", i);
	if (c->drop >= 0) {
		KUNIT_EXPECT_NULL(test, nskb);
		goto out;
	}
	KUNIT_ASSERT_NOT_NULL(test, nskb);
	KUNIT_EXPECT_EQ(test, nskb->len, 8 + rlen);
	uh = udp_hdr(nskb);
	KUNIT_EXPECT_EQ(test, ntohs(uh->source), DPORT);
	KUNIT_EXPECT_EQ(test, ntohs(uh->dest), SPORT);
	KUNIT_EXPECT_EQ(test, ntohs(uh->len), 8 + rlen);
	KUNIT_ASSERT_EQ(test, stamp_reply_decode((u8 *)(uh + 1), rlen, &rep,
						 false), 0);
	KUNIT_ASSERT_EQ(test, stamp_test_decode(payload, c->plen, &t, false),
			0);
	KUNIT_EXPECT_EQ(test, rep.seq, t.seq);
	KUNIT_EXPECT_EQ(test, rep.sender_seq, t.seq);
	KUNIT_EXPECT_EQ(test, rep.sender_ts, t.ts);
	KUNIT_EXPECT_EQ(test, rep.sender_errest, t.errest);
	KUNIT_EXPECT_EQ(test, rep.ssid,
			c->pf == NFPROTO_IPV6 && c->plen >= STAMP_OFF_SSID + 2 ?
			t.ssid : 0);
	KUNIT_EXPECT_EQ(test, r.sk.ssid, rep.ssid);
	KUNIT_EXPECT_EQ(test, rep.sender_ttl, 61);
	KUNIT_EXPECT_EQ(test, rep.rx_ts, T2_NTP);
	KUNIT_EXPECT_EQ(test, rep.errest, r.cfg->errest_unsynced);
	/* whatever the request's, the reply's own Error Estimate is valid */
	KUNIT_EXPECT_NE(test, rep.errest & STAMP_ERREST_MULT_MASK, 0);
	if (c->plen > STAMP_BASE_LEN)
		KUNIT_EXPECT_EQ(test, memcmp((u8 *)(uh + 1) + STAMP_BASE_LEN,
					     payload + STAMP_BASE_LEN,
					     c->plen - STAMP_BASE_LEN), 0);
	fast_csum_check(test, &r, nskb, c->pf);
	kfree_skb(nskb);
out:
	kfree(r.cfg);
	stamp_stats_free(&sn);
}

/*
 * TLVs through the turnaround: what the codec answers lands in the reply,
 * and what the TLVs ask of it (drop, no reply, a DSCP, a path) reaches
 * the request's state and counters.
 */
struct tlv_case {
	const char *name;
	u8 type;
	u8 val[8];		/* the first octets of the value */
	u16 len;
	u8 tlv_mode;
	int drop;		/* expected drop counter, or -1 */
	bool set_dscp;
	bool same_link;
};

static const struct tlv_case tlv_cases[] = {
	{ "cos", STAMP_TLV_COS, { 12 << 2 }, 4, STAMP_TLV_MODE_PROCESS, -1,
	  true, false },
	{ "micro-session mismatch", STAMP_TLV_MICRO_SESSION, { 0, 1, 0, 9 },
	  4, STAMP_TLV_MODE_PROCESS, STAMP_CNT_DROP_MICRO_SESSION, false,
	  false },
	{ "return path no reply", STAMP_TLV_RETURN_PATH,
	  { 0x80, 1, 0, 4, 0, 0, 0, 0 }, 8, STAMP_TLV_MODE_PROCESS,
	  STAMP_CNT_DROP_NO_REPLY, false, false },
	{ "return path same link", STAMP_TLV_RETURN_PATH,
	  { 0x80, 1, 0, 4, 0, 0, 0, 1 }, 8, STAMP_TLV_MODE_PROCESS, -1,
	  false, true },
	{ "strip", STAMP_TLV_COS, { 12 << 2 }, 4, STAMP_TLV_MODE_STRIP, -1,
	  false, false },
	{ "copy", STAMP_TLV_COS, { 12 << 2 }, 4, STAMP_TLV_MODE_COPY, -1,
	  false, false },
};

static void tlv_case_desc(const struct tlv_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(tlv, tlv_cases, tlv_case_desc);

static void stamp_reflect_tlv(struct kunit *test)
{
	const struct tlv_case *c = test->param_value;
	const struct skb_case sc = { NFPROTO_IPV4, SHAPE_LINEAR,
				     STAMP_BASE_LEN + 4 + c->len, REQ_OK, -1 };
	unsigned int thoff = sizeof(struct iphdr);
	u64 counters[STAMP_CNT_MAX], tlvc[STAMP_TLVC_MAX];
	struct stamp_net sn = {};
	struct stamp_req r = {};
	struct stamp_cfg *cfg;
	struct sk_buff *skb, *nskb;
	u8 payload[STAMP_BASE_LEN + 4 + 8] = {};
	u8 pkt[sizeof(struct iphdr) + 8 + sizeof(payload)];
	const u8 *data, *v;
	unsigned int len;
	int i;

	stamp_put16(payload + STAMP_OFF_ERREST, 0x0101);
	payload[STAMP_BASE_LEN] = STAMP_TLV_FLAG_U;
	payload[STAMP_BASE_LEN + 1] = c->type;
	stamp_put16(payload + STAMP_BASE_LEN + 2, c->len);
	memcpy(payload + STAMP_BASE_LEN + 4, c->val, c->len);
	len = flat_request(&sc, pkt, payload);

	KUNIT_ASSERT_EQ(test, stamp_stats_init(&sn), 0);
	cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);
	if (!cfg)
		stamp_stats_free(&sn);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	cfg->tlv_mode = c->tlv_mode;
	cfg->member_id = 7;
	r.cfg = cfg;
	r.sn = &sn;
	r.net = &init_net;
	r.tos = 0x28 << 2 | 1;
	r.tai_off = ktime_set(TAI_OFF_S, 0);
	r.t2 = ns_to_ktime(T2_UTC_NS);
	r.ttl = 61;
	skb = shape_skb(test, &sc, pkt, len, thoff);
	req_addrs_v4(&r, skb);

	nskb = reflect_skb(&r, skb, thoff, sc.pf);
	stamp_stats_sum(&sn, counters);
	stamp_stats_tlv_sum(&sn, tlvc);
	for (i = STAMP_CNT_DROP_SHORT; i < STAMP_CNT_MAX; i++)
		KUNIT_EXPECT_EQ_MSG(test, counters[i], i == c->drop ? 1ULL : 0ULL,
				    "counter %d", i);
	KUNIT_EXPECT_EQ(test, r.tlv.set_dscp, c->set_dscp);
	KUNIT_EXPECT_EQ(test, r.tlv.same_link, c->same_link);
	KUNIT_EXPECT_EQ(test, tlvc[c->type],
			c->tlv_mode == STAMP_TLV_MODE_PROCESS ? 1ULL : 0ULL);
	KUNIT_EXPECT_EQ(test, tlvc[STAMP_TLVC_STRIPPED],
			c->tlv_mode == STAMP_TLV_MODE_STRIP ? 1ULL : 0ULL);
	if (c->drop >= 0) {
		KUNIT_EXPECT_NULL(test, nskb);
		goto out;
	}
	KUNIT_ASSERT_NOT_NULL(test, nskb);
	data = (u8 *)(udp_hdr(nskb) + 1);
	v = data + STAMP_BASE_LEN + 4;
	if (c->tlv_mode == STAMP_TLV_MODE_STRIP) {
		KUNIT_EXPECT_EQ(test, nskb->len, 8 + STAMP_BASE_LEN);
		goto out_reply;
	}
	KUNIT_EXPECT_EQ(test, nskb->len, 8 + sc.plen);
	if (c->tlv_mode == STAMP_TLV_MODE_COPY) {
		KUNIT_EXPECT_EQ(test, memcmp(data + STAMP_BASE_LEN,
					     payload + STAMP_BASE_LEN,
					     4 + c->len), 0);
		goto out_reply;
	}
	KUNIT_EXPECT_EQ(test, data[STAMP_BASE_LEN], 0);	/* U cleared */
	if (c->type == STAMP_TLV_COS) {
		/* DSCP1 kept, DSCP2 and ECN: what the request carried */
		KUNIT_EXPECT_EQ(test, stamp_get16(v),
				12 << 10 | 0x28 << 4 | 1 << 2);
		KUNIT_EXPECT_EQ(test, r.tlv.dscp, 12);
	}
out_reply:
	kfree_skb(nskb);
out:
	kfree(cfg);
	stamp_stats_free(&sn);
}

/*
 * The loop rule: which payloads from a reflector port are replies. The
 * requests are as RFC 8762 section 4.2 senders send them (MBZ zero), the
 * replies as section 4.3 reflectors do, down to a single non-zero octet.
 */
struct reply_case {
	const char *name;
	unsigned int len;
	bool auth;
	int set[3];		/* octets set to 0x5a; -1 ends */
	bool reply;
};

static const struct reply_case reply_cases[] = {
	{ "request 44, T1 ErrEst SSID set", 44, false, { 4, 12, 15 }, false },
	{ "request 14 (TWAMP-Light)", 14, false, { 0, 4, 13 }, false },
	{ "request 16 with SSID", 16, false, { 14, 15, -1 }, false },
	{ "request 44 with TLVs past the base", 60, false, { 44, 45, 59 },
	  false },
	{ "reply 44: Receive Timestamp", 44, false, { 16, -1 }, true },
	{ "reply 44: Sender TTL only", 44, false, { 40, -1 }, true },
	{ "reply 38 (no Sender TTL)", 38, false, { 23, -1 }, true },
	{ "17 octets, octet 16 set", 17, false, { 16, -1 }, true },
	{ "auth request 112: T1 SSID HMAC", 112, true, { 16, 27, 100 },
	  false },
	{ "auth reply 112: Receive Timestamp", 112, true, { 32, -1 }, true },
	{ "auth reply 112: Sender TTL only", 112, true, { 80, -1 }, true },
	{ "auth request read as unauth: a reply", 112, false, { 16, -1 },
	  true },
};

static void reply_case_desc(const struct reply_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(reply, reply_cases, reply_case_desc);

static void stamp_reflect_loop_rule(struct kunit *test)
{
	const struct reply_case *c = test->param_value;
	u8 p[STAMP_AUTH_BASE_LEN] = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c->set) && c->set[i] >= 0; i++)
		p[c->set[i]] = 0x5a;
	KUNIT_EXPECT_EQ(test, stamp_reflect_is_reply(p, c->len, c->auth),
			c->reply);
}

/*
 * A NIC stamp is T2 only when it agrees with the system clock's TAI
 * within a second: a PHC on UTC (37 s behind TAI) or free-running from
 * boot is not.
 */
struct hw_case {
	const char *name;
	s64 hw_off_ns;		/* hw - system; S64_MIN: no stamp */
	bool used;
};

#define SYS_TAI_NS (1796000000LL * NSEC_PER_SEC + 123456789)

static const struct hw_case hw_cases[] = {
	{ "equal", 0, true },
	{ "250 us ahead", 250000, true },
	{ "0.999 s behind", -999000000, true },
	{ "1 s ahead", NSEC_PER_SEC, false },
	{ "on UTC: 37 s behind", -37LL * NSEC_PER_SEC, false },
	{ "37 s ahead", 37LL * NSEC_PER_SEC, false },
	{ "free-running from boot", 1000LL * NSEC_PER_SEC - SYS_TAI_NS, false },
	{ "no stamp", -SYS_TAI_NS, false },
};

static void hw_case_desc(const struct hw_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(hw, hw_cases, hw_case_desc);

static void stamp_reflect_hw_t2(struct kunit *test)
{
	const struct hw_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, hw_ts_agrees(ns_to_ktime(SYS_TAI_NS + c->hw_off_ns),
					   ns_to_ktime(SYS_TAI_NS)), c->used);
}

/*
 * T2 and T3 in either format, bit for bit, from the stack's receive stamp
 * (UTC) or a NIC's (TAI), as req_init() and stamp_tx() take them: the
 * NTP format is UTC (seconds since 1900, a binary fraction), the PTPv2
 * truncated format TAI (seconds since 1970, nanoseconds), RFC 8762
 * section 4.2.1. TAI - UTC is the request's (37 s), so NTP's need not
 * read it and PTP's add it.
 */
struct time_case {
	const char *name;
	bool ptp;
	bool hw;		/* a NIC stamp 250 us after the stack's */
	u64 real_ns;		/* the stack's stamp, CLOCK_REALTIME */
	u64 want;		/* T2 on the wire */
	u8 method;
};

#define TC_REAL (1796000000ULL * NSEC_PER_SEC + 999999999ULL)
#define TC_HW_NS (TC_REAL + 250000ULL + TAI_OFF_S * NSEC_PER_SEC)

static const struct time_case time_cases[] = {
	/* 0.999999999 s: the fraction 0xfffffffb */
	{ "ntp sw", false, false, TC_REAL,
	  (1796000000ULL + 2208988800ULL) << 32 | 0xfffffffbULL,
	  STAMP_TSM_SW_LOCAL },
	{ "ptp sw", true, false, TC_REAL,
	  (1796000000ULL + TAI_OFF_S) << 32 | 999999999ULL,
	  STAMP_TSM_SW_LOCAL },
	/* 1796000001.000249999 s UTC */
	{ "ntp hw", false, true, TC_REAL,
	  (1796000001ULL + 2208988800ULL) << 32 | 0x00106249ULL,
	  STAMP_TSM_HW_ASSIST },
	{ "ptp hw", true, true, TC_REAL,
	  (1796000001ULL + TAI_OFF_S) << 32 | 249999ULL,
	  STAMP_TSM_HW_ASSIST },
	{ "ntp half", false, false, T2_UTC_NS, T2_NTP, STAMP_TSM_SW_LOCAL },
};

static void time_case_desc(const struct time_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(time, time_cases, time_case_desc);

static void stamp_reflect_times(struct kunit *test)
{
	const struct time_case *c = test->param_value;
	struct stamp_cfg *cfg;
	struct stamp_req r = {};
	struct timespec64 ts;
	struct stamp_time st;
	struct sk_buff *skb;
	ktime_t t2, now, back;
	u64 t3;
	u8 method;

	cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	cfg->ts_format = c->ptp ? STAMP_TS_PTP : STAMP_TS_NTP;
	skb = alloc_skb(64, GFP_KERNEL);
	if (!skb)
		kfree(cfg);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	__net_timestamp(skb);
	skb->tstamp = ns_to_ktime(c->real_ns);
	if (c->hw)
		skb_hwtstamps(skb)->hwtstamp = ns_to_ktime(TC_HW_NS);
	r.cfg = cfg;
	r.tai_off = ktime_set(TAI_OFF_S, 0);
	t2 = rx_time(&r, skb, &method);
	KUNIT_EXPECT_EQ(test, method, c->method);
	KUNIT_EXPECT_EQ(test, ts_wire(&r, t2), c->want);

	/* T3: now, in the format's own clock, within the time it takes */
	now = c->ptp ? ktime_get_clocktai() : ktime_get_real();
	t3 = ts_wire(&r, fmt_now(&r));
	back = c->ptp ? ktime_get_clocktai() : ktime_get_real();
	KUNIT_EXPECT_GE(test, t3, ts_wire(&r, now));
	KUNIT_EXPECT_LE(test, t3, ts_wire(&r, back));
	/* ts_wire()'s split, against the kernel's */
	ts = ktime_to_timespec64(t2);
	st.sec = ts.tv_sec;
	st.nsec = ts.tv_nsec;
	KUNIT_EXPECT_EQ(test, ts_wire(&r, t2), stamp_ts_encode(&st, c->ptp));
	kfree_skb(skb);
	kfree(cfg);
}

/*
 * Stateful Seq counts replies transmitted (RFC 8762 section 4.3.1): a
 * Return Path "no reply" or another reflector's Micro-session ID between
 * two answered requests leaves no gap, and neither does a reply the IP
 * layer refused (given back with reply_unsent(), as stamp_sent() does).
 */
static struct sk_buff *stateful_one(struct kunit *test, struct stamp_req *r,
				    struct stamp_net *sn,
				    const struct stamp_cfg *cfg, u8 tlv_type,
				    const u8 *val)
{
	const struct skb_case sc = { NFPROTO_IPV4, SHAPE_LINEAR,
				     STAMP_BASE_LEN + 4 + 8, REQ_OK, -1 };
	unsigned int thoff = sizeof(struct iphdr);
	u8 payload[STAMP_BASE_LEN + 4 + 8] = {};
	u8 pkt[sizeof(struct iphdr) + 8 + sizeof(payload)];
	struct sk_buff *skb;
	unsigned int len;

	stamp_put32(payload, 1000);	/* the sender's Seq: never echoed */
	stamp_put16(payload + STAMP_OFF_ERREST, 0x0101);
	/* an Extra Padding TLV, or the TLV under test */
	payload[STAMP_BASE_LEN] = STAMP_TLV_FLAG_U;
	payload[STAMP_BASE_LEN + 1] = tlv_type;
	/* the rest of a shorter TLV is zero octets: padding */
	stamp_put16(payload + STAMP_BASE_LEN + 2,
		    tlv_type == STAMP_TLV_MICRO_SESSION ? 4 : 8);
	memcpy(payload + STAMP_BASE_LEN + 4, val, 8);
	len = flat_request(&sc, pkt, payload);
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->sn = sn;
	r->net = &init_net;
	r->tai_off = ktime_set(TAI_OFF_S, 0);
	r->t2 = ns_to_ktime(T2_UTC_NS);
	r->ttl = 61;
	skb = shape_skb(test, &sc, pkt, len, thoff);
	req_addrs_v4(r, skb);
	return reflect_skb(r, skb, thoff, sc.pf);
}

static void stamp_reflect_stateful_seq(struct kunit *test)
{
	static const u8 pad[8], no_reply[8] = { 0x80, 1, 0, 4, 0, 0, 0, 0 };
	static const u8 other_id[8] = { 0, 1, 0, 9 };
	struct stamp_session_table *t;
	/* the refused reply's Seq is the next one's */
	static const u32 want_seq[] = { 0, 1, 1 };
	struct stamp_session *s;
	struct stamp_net sn = {};
	struct stamp_req *r, *r2;	/* on the heap: KASAN's frames are big */
	struct stamp_cfg *cfg;
	struct sk_buff *nskb;
	unsigned int i, n = 0;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	r2 = kunit_kzalloc(test, sizeof(*r2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, r2);
	KUNIT_ASSERT_EQ(test, stamp_stats_init(&sn), 0);
	cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);
	t = stamp_session_table_alloc(4, 60);
	if (!cfg || !t) {
		kfree(cfg);
		if (t)
			stamp_session_table_free(t);
		stamp_stats_free(&sn);
	}
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_NOT_NULL(test, t);
	cfg->mode = STAMP_MODE_STATEFUL;
	cfg->member_id = 7;
	RCU_INIT_POINTER(sn.sessions, t);

	for (i = 0; i < 5; i++) {
		/* 1: no reply; 2: another reflector's id; 3: refused by IP */
		nskb = stateful_one(test, r, &sn, cfg,
				    i == 1 ? STAMP_TLV_RETURN_PATH :
				    i == 2 ? STAMP_TLV_MICRO_SESSION :
				    STAMP_TLV_EXTRA_PADDING,
				    i == 1 ? no_reply : i == 2 ? other_id : pad);
		if (i == 1 || i == 2) {
			KUNIT_EXPECT_NULL(test, nskb);
			continue;
		}
		KUNIT_ASSERT_NOT_NULL(test, nskb);
		KUNIT_EXPECT_EQ(test, stamp_get32((u8 *)(udp_hdr(nskb) + 1)),
				want_seq[n]);
		n++;
		kfree_skb(nskb);
		/* the hook runs in softirq: the session lock is taken there */
		if (i == 3) {
			local_bh_disable();
			reply_unsent(r);
			local_bh_enable();
		}
	}
	s = r->sess;
	KUNIT_ASSERT_NOT_NULL(test, s);
	/* replies 0, 1 (refused), 1 again: next is 2 */
	KUNIT_EXPECT_EQ(test, s->seq, 2U);
	/* the other reflector's request was not the session's */
	KUNIT_EXPECT_EQ(test, s->rx, 4ULL);

	/*
	 * Two replies numbered at once: the first given back cannot be, the
	 * second can; no number is ever handed out twice.
	 */
	memset(r, 0, sizeof(*r));
	r->sess = s;
	r2->sess = s;
	local_bh_disable();
	reply_seq(r);
	reply_seq(r2);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, r2->seq, r->seq + 1);
	local_bh_disable();
	reply_unsent(r);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, s->seq, r2->seq + 1);
	local_bh_disable();
	reply_unsent(r2);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, s->seq, r2->seq);

	stamp_session_table_free(t);
	kfree(cfg);
	stamp_stats_free(&sn);
}

/*
 * A stateless request from client @ssid (the ports and addresses are
 * fixed) with a Direct Measurement TLV whose S_TxC is @stxc, its Seq
 * 1000 + @stxc. Turned around as the hook would, or NULL.
 */
static struct sk_buff *dm_one(struct kunit *test, struct stamp_req *r,
			      struct stamp_net *sn,
			      const struct stamp_cfg *cfg, u16 ssid, u32 stxc)
{
	const struct skb_case sc = { NFPROTO_IPV4, SHAPE_LINEAR,
				     STAMP_BASE_LEN + 4 + 12, REQ_OK, -1 };
	unsigned int thoff = sizeof(struct iphdr);
	u8 payload[STAMP_BASE_LEN + 4 + 12] = {};
	u8 pkt[sizeof(struct iphdr) + 8 + sizeof(payload)];
	struct sk_buff *skb;
	unsigned int len;

	stamp_put32(payload, 1000 + stxc);
	stamp_put16(payload + STAMP_OFF_ERREST, 0x0101);
	stamp_put16(payload + STAMP_OFF_SSID, ssid);
	payload[STAMP_BASE_LEN] = STAMP_TLV_FLAG_U;
	payload[STAMP_BASE_LEN + 1] = STAMP_TLV_DIRECT_MEASUREMENT;
	stamp_put16(payload + STAMP_BASE_LEN + 2,
		    STAMP_TLV_DIRECT_MEASUREMENT_LEN);
	stamp_put32(payload + STAMP_BASE_LEN + 4, stxc);
	len = flat_request(&sc, pkt, payload);
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->sn = sn;
	r->net = &init_net;
	r->tai_off = ktime_set(TAI_OFF_S, 0);
	r->t2 = ns_to_ktime(T2_UTC_NS);
	r->ttl = 61;
	skb = shape_skb(test, &sc, pkt, len, thoff);
	req_addrs_v4(r, skb);
	return reflect_skb(r, skb, thoff, sc.pf);
}

/*
 * Direct Measurement in stateless mode (RFC 8972 section 4.5): counted
 * per client, the table allocated by the work item the first request
 * queues (that one answered with U), the Seq the sender's, and U again
 * for a client the full table has no room for.
 */
static void stamp_reflect_stateless_dm(struct kunit *test)
{
	/* R_RxC = R_TxC expected, 0 for U */
	static const struct { u16 ssid; u32 count; } want[] = {
		{ 1, 0 }, { 1, 1 }, { 1, 2 }, { 2, 1 }, { 1, 3 }, { 3, 0 },
		{ 2, 2 },
	};
	struct stamp_session_table *t;
	struct stamp_net *sn;
	struct stamp_req *r;
	struct stamp_cfg *cfg;
	struct sk_buff *nskb;
	unsigned int i;
	u64 *tlvc;
	u8 *data;

	sn = kunit_kzalloc(test, sizeof(*sn), GFP_KERNEL);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	tlvc = kunit_kcalloc(test, STAMP_TLVC_MAX, sizeof(*tlvc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sn);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, tlvc);
	KUNIT_ASSERT_EQ(test, stamp_stats_init(sn), 0);
	cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);
	if (!cfg)
		stamp_stats_free(sn);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	cfg->mode = STAMP_MODE_STATELESS;
	cfg->max_sessions = 2;
	mutex_init(&sn->cfg_lock);
	INIT_WORK(&sn->sessions_work, stamp_sessions_work);
	RCU_INIT_POINTER(sn->cfg, cfg);

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		nskb = dm_one(test, r, sn, cfg, want[i].ssid, i + 1);
		KUNIT_ASSERT_NOT_NULL(test, nskb);
		data = (u8 *)(udp_hdr(nskb) + 1);
		KUNIT_EXPECT_EQ(test, stamp_get32(data), 1000 + i + 1);
		data += STAMP_BASE_LEN;
		KUNIT_EXPECT_EQ(test, !!(data[0] & STAMP_TLV_FLAG_U),
				!want[i].count);
		/* S_TxC as sent */
		KUNIT_EXPECT_EQ(test, stamp_get32(data + 4), i + 1);
		KUNIT_EXPECT_EQ(test, stamp_get32(data + 8), want[i].count);
		KUNIT_EXPECT_EQ(test, stamp_get32(data + 12), want[i].count);
		local_bh_disable();
		stamp_sent(r, NET_XMIT_SUCCESS);
		local_bh_enable();
		kfree_skb(nskb);
		if (!i) {
			flush_work(&sn->sessions_work);
			KUNIT_ASSERT_NOT_NULL(test,
					      rcu_access_pointer(sn->sessions));
		}
	}
	/* the U answers: the table's allocation, and the full table */
	stamp_stats_tlv_sum(sn, tlvc);
	KUNIT_EXPECT_EQ(test, tlvc[STAMP_TLVC_DM_UNCOUNTED], 2ULL);
	t = rcu_dereference_protected(sn->sessions, true);
	KUNIT_EXPECT_EQ(test, stamp_session_count(t), 2U);
	stamp_session_table_free(t);
	kfree(cfg);
	stamp_stats_free(sn);
}

static struct kunit_case stamp_reflect_cases[] = {
	KUNIT_CASE_PARAM(stamp_reflect_skb, skb_gen_params),
	KUNIT_CASE_PARAM(stamp_reflect_tlv, tlv_gen_params),
	KUNIT_CASE_PARAM(stamp_reflect_loop_rule, reply_gen_params),
	KUNIT_CASE_PARAM(stamp_reflect_hw_t2, hw_gen_params),
	KUNIT_CASE_PARAM(stamp_reflect_times, time_gen_params),
	KUNIT_CASE(stamp_reflect_stateful_seq),
	KUNIT_CASE(stamp_reflect_stateless_dm),
	{}
};

static struct kunit_suite stamp_reflect_suite = {
	.name = "stamp_reflect",
	.test_cases = stamp_reflect_cases,
};

kunit_test_suite(stamp_reflect_suite);
