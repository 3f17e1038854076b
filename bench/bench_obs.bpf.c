// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The benchmark's neutral observer: a TC program for each direction of a
 * device that counts STAMP requests and replies (and ICMP echoes), and
 * can stamp each test packet as it passes, with the replies' T2 and T3
 * next to the stamps, so the reflector's timestamps can be compared with
 * what the wire saw. On the sender's device it can also act as a sink:
 * replies are counted and dropped at ingress, the cheapest way to take
 * them off the load generator's hands, the same for every reflector.
 * Everything else leaves with TC_ACT_UNSPEC.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bench_obs.h"
#include "uapi/linux/stamp_wire.h"

/* linux/icmp.h pulls in libc headers a BPF target cannot have */
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

struct icmp_head {
	__u8 type;
	__u8 code;
	__u16 csum;
};

/* Added in Linux 6.1; older libbpf headers do not declare it. */
static __u64 (*tai_ns)(void) = (void *)BPF_FUNC_ktime_get_tai_ns;

const volatile struct obs_cfg cfg;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OBS_SLOTS);
	__type(key, __u32);
	__type(value, struct obs_slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OBS_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &what);

	if (c)
		*c += 1;
}

static __always_inline struct obs_slot *slot_of(__u32 seq)
{
	__u32 key = seq % OBS_SLOTS;
	struct obs_slot *s = bpf_map_lookup_elem(&slots, &key);

	if (s && s->seq != seq) {
		__builtin_memset(s, 0, sizeof(*s));
		s->seq = seq;
	}
	return s;
}

static __always_inline int observe(struct __sk_buff *skb, int ingress)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	__u64 now = tai_ns();
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	__u32 l4 = sizeof(*eth) + sizeof(*ip), seq;
	struct obs_slot *s;
	struct udphdr *uh;
	__u64 t2, t3;
	__u16 errest;
	int auth = cfg.auth;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5)
		return TC_ACT_UNSPEC;
	if (ip->protocol == IPPROTO_ICMP) {
		struct icmp_head *ic = data + l4;

		if ((void *)(ic + 1) > end)
			return TC_ACT_UNSPEC;
		if (ic->type == ICMP_ECHO) {
			count(ingress ? OBS_ECHO_IN : OBS_ECHO_OUT);
		} else if (ic->type == ICMP_ECHOREPLY) {
			count(ingress ? OBS_ECHOREP_IN : OBS_ECHOREP_OUT);
			if (ingress && cfg.sink)
				return TC_ACT_SHOT;
		}
		return TC_ACT_UNSPEC;
	}
	if (ip->protocol != IPPROTO_UDP)
		return TC_ACT_UNSPEC;
	uh = data + l4;
	if ((void *)(uh + 1) > end)
		return TC_ACT_UNSPEC;
	l4 += sizeof(*uh);
	if (uh->dest == cfg.port ||
	    (cfg.alt_port && uh->dest == cfg.alt_port)) {
		count(ingress ? OBS_REQ_IN : OBS_REQ_OUT);
		if (!cfg.record ||
		    bpf_skb_load_bytes(skb, l4 + STAMP_OFF_SEQ, &seq, 4))
			return TC_ACT_UNSPEC;
		s = slot_of(bpf_ntohl(seq));
		if (!s)
			return TC_ACT_UNSPEC;
		if (ingress)
			s->req_in = now;
		else
			s->req_out = now;
		return TC_ACT_UNSPEC;
	}
	if (uh->source != cfg.port &&
	    (!cfg.alt_port || uh->source != cfg.alt_port))
		return TC_ACT_UNSPEC;
	count(ingress ? OBS_REP_IN : OBS_REP_OUT);
	if (cfg.record &&
	    !bpf_skb_load_bytes(skb, l4 + (auth ? STAMP_AUTH_OFF_SENDER_SEQ :
					   STAMP_OFF_SENDER_SEQ), &seq, 4) &&
	    !bpf_skb_load_bytes(skb, l4 + (auth ? STAMP_AUTH_OFF_RX_TS :
					   STAMP_OFF_RX_TS), &t2, 8) &&
	    !bpf_skb_load_bytes(skb, l4 + (auth ? STAMP_AUTH_OFF_TS :
					   STAMP_OFF_TS), &t3, 8) &&
	    !bpf_skb_load_bytes(skb, l4 + (auth ? STAMP_AUTH_OFF_ERREST :
					   STAMP_OFF_ERREST), &errest, 2)) {
		s = slot_of(bpf_ntohl(seq));
		if (s) {
			if (ingress)
				s->rep_in = now;
			else
				s->rep_out = now;
			s->t2 = bpf_be64_to_cpu(t2);
			s->t3 = bpf_be64_to_cpu(t3);
			s->errest = bpf_ntohs(errest);
		}
	}
	if (ingress && cfg.sink)
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}

SEC("tc")
int obs_ingress(struct __sk_buff *skb)
{
	return observe(skb, 1);
}

SEC("tc")
int obs_egress(struct __sk_buff *skb)
{
	return observe(skb, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
