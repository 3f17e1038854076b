// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: pick STAMP requests out of local input.
 *
 * The hooks sit on LOCAL_IN just after the filter table, so the host
 * firewall decides first and a router never answers traffic it forwards
 * (forwarded packets do not traverse LOCAL_IN). Registered per network
 * namespace from the pernet init, unregistered from its pre_exit;
 * netfilter holds the RCU read lock while they run, which covers the
 * stamp_cfg they read (once per packet, passed down to the reflection, so
 * that the port matched and the reply follow one configuration) and,
 * through the grace period between pre_exit and exit, the namespace's
 * state itself.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "stamp.h"

/*
 * Whether a packet from one of our ports is another reflector's reply.
 * Only its layout can tell (see stamp_reflect_is_reply()): a sender may
 * well use a reflector port as its source port (stamp-bpf sends 862 to
 * 862), and refusing those would refuse working senders.
 */
static bool peer_reply(const struct stamp_cfg *cfg, const struct sk_buff *skb,
		       unsigned int thoff, const struct udphdr *uh)
{
	unsigned int len = min_t(unsigned int, skb->len - thoff, ntohs(uh->len));
	u8 buf[STAMP_AUTH_BASE_LEN];
	const u8 *p;

	if (len < sizeof(*uh))
		return false;
	len = min_t(unsigned int, len - sizeof(*uh), STAMP_AUTH_BASE_LEN);
	p = skb_header_pointer(skb, thoff + sizeof(*uh), len, buf);
	return p && stamp_reflect_is_reply(p, len, cfg->auth);
}

/* The UDP header of a request to one of the reflector's ports, or NULL. */
static const struct udphdr *stamp_udp(struct stamp_net *sn,
				      const struct stamp_cfg *cfg,
				      const struct sk_buff *skb,
				      unsigned int thoff, struct udphdr *buf)
{
	const struct udphdr *uh;

	uh = skb_header_pointer(skb, thoff, sizeof(*buf), buf);
	if (!uh || !stamp_cfg_has_port(cfg, ntohs(uh->dest)))
		return NULL;
	/*
	 * A reply from another reflector's port: answering it would let two
	 * reflectors (aimed at each other by one spoofed packet) ping-pong
	 * forever. The stack delivers it to a local sender bound to the
	 * port, if any. A request from a reflector port is answered.
	 */
	if (stamp_cfg_has_port(cfg, ntohs(uh->source)) &&
	    peer_reply(cfg, skb, thoff, uh)) {
		stamp_stats_inc(sn, STAMP_CNT_PEER_REPLIES);
		return NULL;
	}
	return uh;
}

static unsigned int stamp_in_v4(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct stamp_net *sn = stamp_pernet(state->net);
	const struct stamp_cfg *cfg = rcu_dereference(sn->cfg);
	const struct iphdr *iph = ip_hdr(skb);
	struct udphdr buf;

	if (iph->protocol != IPPROTO_UDP ||
	    !stamp_udp(sn, cfg, skb, ip_hdrlen(skb), &buf))
		return NF_ACCEPT;

	stamp_stats_inc(sn, STAMP_CNT_RX);
	/* a subnet broadcast can arrive in a unicast frame: ask the route */
	if (skb->pkt_type != PACKET_HOST || !skb_rtable(skb) ||
	    skb_rtable(skb)->rt_type != RTN_LOCAL) {
		stamp_stats_inc(sn, STAMP_CNT_DROP_NOT_LOCAL);
		return NF_DROP;
	}
	return stamp_reflect_v4(state->net, cfg, skb, ip_hdrlen(skb));
}

static unsigned int stamp_in_v6(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct stamp_net *sn = stamp_pernet(state->net);
	const struct stamp_cfg *cfg = rcu_dereference(sn->cfg);
	unsigned short frag_off = 0;
	unsigned int thoff = 0;
	struct udphdr buf;
	int flags = 0;

	/*
	 * IPv6 reassembles after LOCAL_IN (unless conntrack's defrag runs
	 * earlier), so a first fragment can reach us: it carries the port.
	 */
	if (ipv6_find_hdr(skb, &thoff, IPPROTO_UDP, &frag_off, &flags) !=
	    IPPROTO_UDP || !stamp_udp(sn, cfg, skb, thoff, &buf))
		return NF_ACCEPT;

	stamp_stats_inc(sn, STAMP_CNT_RX);
	if (flags & IP6_FH_F_FRAG) {
		stamp_stats_inc(sn, STAMP_CNT_DROP_FRAGMENT);
		return NF_DROP;
	}
	if (skb->pkt_type != PACKET_HOST ||
	    ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr)) {
		stamp_stats_inc(sn, STAMP_CNT_DROP_NOT_LOCAL);
		return NF_DROP;
	}
	return stamp_reflect_v6(state->net, cfg, skb, thoff);
}

static const struct nf_hook_ops stamp_nf_ops[] = {
	{
		.hook		= stamp_in_v4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_FILTER + 1,
	},
	{
		.hook		= stamp_in_v6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_FILTER + 1,
	},
};

/**
 * stamp_hooks_register() - start reflecting in a network namespace
 * @net: the namespace
 *
 * Return: 0 or -errno.
 */
int stamp_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, stamp_nf_ops,
				     ARRAY_SIZE(stamp_nf_ops));
}

/**
 * stamp_hooks_unregister() - stop reflecting in a network namespace
 * @net: the namespace
 *
 * Does not wait for hooks still running on other CPUs: the caller lets an
 * RCU grace period pass before freeing what they read (the pernet
 * pre_exit, see main.c).
 */
void stamp_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, stamp_nf_ops, ARRAY_SIZE(stamp_nf_ops));
}
