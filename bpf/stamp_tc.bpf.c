// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * TC (clsact) programs for the Session-Sender: egress writes T1 into the
 * test packet as it leaves the stack, ingress takes T4 as the reply
 * arrives. Only the session's own packets are touched: both match the
 * sender socket's addresses and ports from the read-only configuration.
 * Every packet, ours included, leaves with TC_ACT_UNSPEC: in direct-action
 * mode TC_ACT_OK would end classification and starve the filters after
 * ours, so other programs on the device keep seeing all traffic.
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

const volatile struct stamp_tc_cfg cfg;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMP_TC_SLOTS);
	__type(key, __u32);
	__type(value, struct stamp_tc_rx);
} rx_stamps SEC(".maps");

struct pkt {
	__u32 udp_off;		/* from the start of the frame */
	__u16 sport;
	__u16 dport;
};

static __always_inline int addr_eq(const __u32 *a, const volatile __u32 *b,
				   int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/*
 * Parse Ethernet/IP/UDP and match the session. Egress: from the local
 * socket to the reflector; ingress: the reverse.
 */
static __always_inline int match(struct __sk_buff *skb, int egress,
				 struct pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	const volatile __u32 *src = egress ? cfg.local_addr : cfg.remote_addr;
	const volatile __u32 *dst = egress ? cfg.remote_addr : cfg.local_addr;
	struct ethhdr *eth = data;
	struct udphdr *uh;
	__u32 l3 = sizeof(*eth);

	if ((void *)(eth + 1) > end)
		return 0;
	if (cfg.ipv6) {
		struct ipv6hdr *ip6 = data + l3;

		if (eth->h_proto != bpf_htons(ETH_P_IPV6) ||
		    (void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP ||
		    !addr_eq(ip6->saddr.in6_u.u6_addr32, src, 4) ||
		    !addr_eq(ip6->daddr.in6_u.u6_addr32, dst, 4))
			return 0;
		p->udp_off = l3 + sizeof(*ip6);
	} else {
		struct iphdr *ip = data + l3;

		if (eth->h_proto != bpf_htons(ETH_P_IP) ||
		    (void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP ||
		    ip->ihl != 5 || (ip->frag_off & bpf_htons(0x1fff)) ||
		    ip->saddr != src[0] || ip->daddr != dst[0])
			return 0;
		p->udp_off = l3 + sizeof(*ip);
	}
	uh = data + p->udp_off;
	if ((void *)(uh + 1) > end)
		return 0;
	p->sport = uh->source;
	p->dport = uh->dest;
	if (egress)
		return p->sport == cfg.local_port && p->dport == cfg.remote_port;
	return p->sport == cfg.remote_port && p->dport == cfg.local_port;
}

/* NTP is UTC (seconds since 1900, binary fraction), PTPv2 is TAI. */
static __always_inline __u64 wire_ts(__u64 tai)
{
	__u64 sec, nsec;

	if (cfg.ptp)
		return (tai / 1000000000ULL) << 32 | tai % 1000000000ULL;
	tai -= cfg.tai_offset_ns;
	sec = tai / 1000000000ULL + STAMP_NTP_UNIX_OFFSET;
	nsec = tai % 1000000000ULL;
	return (sec & 0xffffffffULL) << 32 | (nsec << 32) / 1000000000ULL;
}

SEC("tc")
int stamp_egress(struct __sk_buff *skb)
{
	__u32 off, old[2], new[2];
	struct pkt p;
	__u64 ts;

	if (!match(skb, 1, &p))
		return TC_ACT_UNSPEC;
	off = p.udp_off + sizeof(struct udphdr) + STAMP_OFF_TS;
	if (bpf_skb_load_bytes(skb, off, old, sizeof(old)))
		return TC_ACT_UNSPEC;
	ts = wire_ts(tai_ns());
	new[0] = bpf_htonl(ts >> 32);
	new[1] = bpf_htonl((__u32)ts);
	/* fix the UDP checksum for each word; 0 stays "none" as 0xffff */
	bpf_l4_csum_replace(skb, p.udp_off + offsetof(struct udphdr, check),
			    old[0], new[0], BPF_F_MARK_MANGLED_0 | 4);
	bpf_l4_csum_replace(skb, p.udp_off + offsetof(struct udphdr, check),
			    old[1], new[1], BPF_F_MARK_MANGLED_0 | 4);
	bpf_skb_store_bytes(skb, off, new, sizeof(new), 0);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int stamp_ingress(struct __sk_buff *skb)
{
	struct stamp_tc_rx *slot;
	__u64 t4 = tai_ns();
	__u32 seq, key;
	struct pkt p;

	if (!match(skb, 0, &p))
		return TC_ACT_UNSPEC;
	if (bpf_skb_load_bytes(skb, p.udp_off + sizeof(struct udphdr) +
			       STAMP_OFF_SENDER_SEQ, &seq, sizeof(seq)))
		return TC_ACT_UNSPEC;
	seq = bpf_ntohl(seq);
	key = seq % STAMP_TC_SLOTS;
	slot = bpf_map_lookup_elem(&rx_stamps, &key);
	if (!slot)
		return TC_ACT_UNSPEC;
	slot->seq = seq;
	slot->t4_tai_ns = t4;
	slot->valid = 1;
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
