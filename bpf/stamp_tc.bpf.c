// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * TC (clsact) programs for Session-Senders, one pair per device shared by
 * all sessions of all stampnl processes on it (tools/lib/tc_stamp.c):
 * egress writes T1 into a test packet as it leaves the stack, ingress
 * queues T4 of a reply, with its session's id and Sender Seq, in the
 * ring buffer of the process that owns the session.
 *
 * A packet is a test packet when its addresses and ports are a key of the
 * sessions hash (egress as sent, ingress reversed): a UDP packet costs
 * one hash lookup, anything else none. Every packet, ours included,
 * leaves with TC_ACT_UNSPEC: in direct-action mode TC_ACT_OK would end
 * classification and starve the filters after ours, so other programs on
 * the device keep seeing all traffic.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "stamp_tc.h"
#include "uapi/linux/stamp_wire.h"

/* Added in Linux 6.1; older libbpf headers do not declare it. */
static __u64 (*tai_ns)(void) = (void *)BPF_FUNC_ktime_get_tai_ns;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STAMP_TC_MAX_SESSIONS);
	__type(key, struct stamp_tc_key);
	__type(value, struct stamp_tc_sess);
} sessions SEC(".maps");

struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, STAMP_TC_RING_BYTES);
};

/* events[owner slot]: that process's ring, put there by the process */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, STAMP_TC_OWNERS);
	__type(key, __u32);
	__array(values, struct ring);
} events SEC(".maps");

/*
 * owners and state are written by userspace only; both programs read them
 * (on a session's packets only), which also keeps them alive, with the
 * programs, after a process that dies: the next one adopts them all.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMP_TC_OWNERS);
	__type(key, __u32);
	__type(value, struct stamp_tc_owner);
} owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stamp_tc_state);
} state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAMP_TC_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &what);

	if (v)
		(*v)++;
}

static __always_inline void copy_addr(__u32 *to, const __u32 *from, int n)
{
	int i;

	for (i = 0; i < n; i++)
		to[i] = from[i];
}

/*
 * Parse Ethernet/IP/UDP and find the session. Egress: the packet's source
 * is the session's local end; ingress: its destination.
 */
static __always_inline struct stamp_tc_sess *
lookup(struct __sk_buff *skb, int egress, __u32 *udp_off)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct stamp_tc_key k;
	struct ethhdr *eth = data;
	struct udphdr *uh;
	__u32 l3 = sizeof(*eth);

	if ((void *)(eth + 1) > end)
		return NULL;
	__builtin_memset(&k, 0, sizeof(k));
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + l3;

		if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return NULL;
		k.ipv6 = 1;
		copy_addr(egress ? k.local_addr : k.remote_addr,
			  ip6->saddr.in6_u.u6_addr32, 4);
		copy_addr(egress ? k.remote_addr : k.local_addr,
			  ip6->daddr.in6_u.u6_addr32, 4);
		*udp_off = l3 + sizeof(*ip6);
	} else if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + l3;

		if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP ||
		    ip->ihl != 5 || (ip->frag_off & bpf_htons(0x1fff)))
			return NULL;
		k.local_addr[0] = egress ? ip->saddr : ip->daddr;
		k.remote_addr[0] = egress ? ip->daddr : ip->saddr;
		*udp_off = l3 + sizeof(*ip);
	} else {
		return NULL;
	}
	uh = data + *udp_off;
	if ((void *)(uh + 1) > end)
		return NULL;
	k.local_port = egress ? uh->source : uh->dest;
	k.remote_port = egress ? uh->dest : uh->source;
	return bpf_map_lookup_elem(&sessions, &k);
}

/*
 * A session counts once its owner holds a slot and the loader finished
 * writing the state: nothing is stamped for a process gone (its sessions
 * are purged right after) or by programs half set up.
 */
static __always_inline struct stamp_tc_state *
live(const struct stamp_tc_sess *s)
{
	struct stamp_tc_owner *o;
	struct stamp_tc_state *st;
	__u32 k = 0;

	st = bpf_map_lookup_elem(&state, &k);
	if (!st || st->version != STAMP_TC_VERSION)
		return NULL;
	k = s->owner;
	o = bpf_map_lookup_elem(&owners, &k);
	return o && o->pid ? st : NULL;
}

/* NTP is UTC (seconds since 1900, binary fraction), PTPv2 is TAI. */
static __always_inline __u64 wire_ts(const struct stamp_tc_sess *s,
				     const struct stamp_tc_state *st, __u64 tai)
{
	__u64 sec, nsec;

	if (s->ptp)
		return (tai / 1000000000ULL) << 32 | tai % 1000000000ULL;
	tai -= st->tai_offset_ns;
	sec = tai / 1000000000ULL + STAMP_NTP_UNIX_OFFSET;
	nsec = tai % 1000000000ULL;
	return (sec & 0xffffffffULL) << 32 | (nsec << 32) / 1000000000ULL;
}

SEC("tc")
int kstamp_egress(struct __sk_buff *skb)
{
	__u32 off, udp_off, old[2], new[2];
	struct stamp_tc_state *st;
	struct stamp_tc_sess *s;
	__u64 ts;

	s = lookup(skb, 1, &udp_off);
	if (!s)
		return TC_ACT_UNSPEC;
	st = live(s);
	if (!st)
		return TC_ACT_UNSPEC;
	off = udp_off + sizeof(struct udphdr) + STAMP_OFF_TS;
	if (bpf_skb_load_bytes(skb, off, old, sizeof(old)))
		return TC_ACT_UNSPEC;
	ts = wire_ts(s, st, tai_ns());
	new[0] = bpf_htonl(ts >> 32);
	new[1] = bpf_htonl((__u32)ts);
	/* fix the UDP checksum for each word; 0 stays "none" as 0xffff */
	bpf_l4_csum_replace(skb, udp_off + offsetof(struct udphdr, check),
			    old[0], new[0], BPF_F_MARK_MANGLED_0 | 4);
	bpf_l4_csum_replace(skb, udp_off + offsetof(struct udphdr, check),
			    old[1], new[1], BPF_F_MARK_MANGLED_0 | 4);
	bpf_skb_store_bytes(skb, off, new, sizeof(new), 0);
	count(STAMP_TC_STAT_T1);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int kstamp_ingress(struct __sk_buff *skb)
{
	__u64 t4 = tai_ns();
	struct stamp_tc_event ev;
	struct stamp_tc_sess *s;
	__u32 udp_off, owner;
	void *ring;

	s = lookup(skb, 0, &udp_off);
	if (!s || !live(s))
		return TC_ACT_UNSPEC;
	if (bpf_skb_load_bytes(skb, udp_off + sizeof(struct udphdr) +
			       STAMP_OFF_SENDER_SEQ, &ev.seq, sizeof(ev.seq)))
		return TC_ACT_UNSPEC;
	ev.seq = bpf_ntohl(ev.seq);
	ev.id = s->id;
	ev.t4_tai_ns = t4;
	owner = s->owner;
	ring = bpf_map_lookup_elem(&events, &owner);
	if (!ring || bpf_ringbuf_output(ring, &ev, sizeof(ev), 0))
		count(STAMP_TC_STAT_T4_LOST);
	else
		count(STAMP_TC_STAT_T4);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
