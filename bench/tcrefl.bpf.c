// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The benchmark's reference for the cheapest in-kernel turnaround: a TC
 * ingress program that answers an unauthenticated STAMP request (RFC 8762
 * section 4.3.1, stateless) in place and redirects it out of the device it
 * came in on, as stamp-bpf's TC reflector does. It swaps the MAC and IP
 * addresses and the ports, writes T2 and T3 (PTPv2 format, TAI, from the
 * same clock as the module's), the echoed sender fields and the reply's
 * TTL, and fixes the IP and UDP checksums incrementally. Nothing else: no
 * allow-list, rate limit, sessions, TLVs, IP options, IPv6, routing or
 * firewall. It is what stamp_refl is measured against, not a reflector to
 * deploy.
 *
 * Built twice: tcrefl.bpf.o answers; with TCREFL_DROP, tcdrop.bpf.o drops
 * the same requests at the same point, the baseline that leaves the
 * generator's, the device's and TC's share out of a turnaround's cost.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "uapi/linux/stamp_wire.h"

#ifndef TCREFL_PORT
#define TCREFL_PORT STAMP_PORT
#endif
#define WORDS (STAMP_BASE_LEN / 4)
#define NSEC_PER_SEC 1000000000ULL
/* Z set (PTPv2 format), not synchronized, multiplier 1, scale 0 */
#define TCREFL_ERREST (STAMP_ERREST_Z | 1)
#define IP_CSUM_OFF (ETH_HLEN + __builtin_offsetof(struct iphdr, check))
#define UDP_CSUM_OFF (ETH_HLEN + sizeof(struct iphdr) + \
		      __builtin_offsetof(struct udphdr, check))

/* Added in Linux 6.1; older libbpf headers do not declare it. */
static __u64 (*tai_ns)(void) = (void *)BPF_FUNC_ktime_get_tai_ns;

static __always_inline void put_ts(__u8 *p, __u64 ns)
{
	__u32 sec = bpf_htonl(ns / NSEC_PER_SEC);
	__u32 nsec = bpf_htonl(ns % NSEC_PER_SEC);

	__builtin_memcpy(p, &sec, 4);
	__builtin_memcpy(p + 4, &nsec, 4);
}

SEC("tc")
int tcrefl(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	__u32 old[WORDS], rep[WORDS];
	__u8 *o = (__u8 *)old, *n = (__u8 *)rep;
	__u8 mac[ETH_ALEN], ttl;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct udphdr *uh;
	__be16 port, oldw, neww;
	__be32 addr;
	__u64 t2 = tai_ns();
	__s64 diff;
	__u8 *p;

	iph = (void *)(eth + 1);
	uh = (void *)(iph + 1);
	p = (void *)(uh + 1);
	if (p + STAMP_BASE_LEN > (__u8 *)end ||
	    eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5 ||
	    iph->protocol != IPPROTO_UDP ||
	    uh->dest != bpf_htons(TCREFL_PORT) ||
	    iph->frag_off & bpf_htons(0x3fff))
		return TC_ACT_OK;
#ifdef TCREFL_DROP
	return TC_ACT_SHOT;
#endif
	__builtin_memcpy(old, p, STAMP_BASE_LEN);
	__builtin_memset(rep, 0, sizeof(rep));
	/* stateless: the sender's Seq (RFC 8762 section 4.3.1) */
	__builtin_memcpy(n + STAMP_OFF_SEQ, o + STAMP_OFF_SEQ, 4);
	*(__be16 *)(n + STAMP_OFF_ERREST) = bpf_htons(TCREFL_ERREST);
	__builtin_memcpy(n + STAMP_OFF_SSID, o + STAMP_OFF_SSID, 2);
	put_ts(n + STAMP_OFF_RX_TS, t2);
	__builtin_memcpy(n + STAMP_OFF_SENDER_SEQ, o + STAMP_OFF_SEQ, 4);
	__builtin_memcpy(n + STAMP_OFF_SENDER_TS, o + STAMP_OFF_TS, 8);
	__builtin_memcpy(n + STAMP_OFF_SENDER_ERREST, o + STAMP_OFF_ERREST, 2);
	n[STAMP_OFF_SENDER_TTL] = iph->ttl;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	/* swapped addresses and ports leave both checksums as they are */
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	port = uh->source;
	uh->source = uh->dest;
	uh->dest = port;
	ttl = iph->ttl;
	iph->ttl = 255;
	oldw = bpf_htons(ttl << 8 | iph->protocol);
	neww = bpf_htons(255 << 8 | iph->protocol);
	/* T3 last, as late as the packet's bytes allow */
	put_ts(n + STAMP_OFF_TS, tai_ns());
	__builtin_memcpy(p, rep, STAMP_BASE_LEN);
	/* a zero UDP checksum is none on IPv4, and stays none */
	if (uh->check) {
		diff = bpf_csum_diff(old, sizeof(old), rep, sizeof(rep), 0);
		if (diff < 0 ||
		    bpf_l4_csum_replace(skb, UDP_CSUM_OFF, 0, diff,
					BPF_F_MARK_MANGLED_0))
			return TC_ACT_SHOT;
	}
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, oldw, neww, 2))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
