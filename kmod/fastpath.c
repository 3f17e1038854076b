// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path, opt-in per device: a netdev ingress hook (NFPROTO_NETDEV,
 * NF_NETDEV_INGRESS) that answers a request before IP input, turning it
 * around in place and sending it back out of the device it came in on
 * (stamp_reflect_fast()). T2 is the device's receive stamp as for the
 * default path; T3 is taken just before dev_queue_xmit().
 *
 * It keeps the module's allow-list, rate limit, authentication, sessions
 * and TLVs (the same code), and skips what only IP input and output do:
 * the host's inet netfilter hooks (its firewall, conntrack, NAT), policy
 * routing and VRF (the reply goes back to the frame's source MAC, so
 * asymmetric return paths are not followed) and the neighbour table.
 * An nftables netdev ingress chain of priority 0 or less still runs first
 * (the hook's priority is 1). Whatever it cannot answer is left to the
 * default LOCAL_IN path (NF_ACCEPT) and counted as a fallback: a Return
 * Path TLV, a reply longer than the device's MTU, and requests that are not
 * plain (see fast_in()).
 *
 * Locking and lifetime: the hooked devices are a global list under RTNL.
 * Netlink adds and removes entries, the netdevice notifier removes a
 * device's on NETDEV_UNREGISTER (a device deleted or moved to another
 * namespace), the pernet pre_exit a namespace's (so module exit too).
 * The hook itself reads no entry: netfilter's RCU read lock covers the
 * namespace's state as for the LOCAL_IN hooks, and an entry is freed with
 * kfree_rcu() once its hook is unregistered.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/ip.h>

#include "stamp.h"

struct fast_dev {
	struct list_head node;
	struct net *net;
	struct net_device *dev;
	struct nf_hook_ops ops;
	struct rcu_head rcu;
};

static LIST_HEAD(fast_devs);

static unsigned int fallback(struct stamp_net *sn, enum stamp_counter c)
{
	stamp_stats_inc(sn, c);
	return NF_ACCEPT;
}

/* An IPv4 address of the device itself: the fast path answers no other. */
static bool dev_has_addr4(struct net_device *dev, __be32 addr)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	const struct in_ifaddr *ifa;

	if (!in_dev)
		return false;
	in_dev_for_each_ifa_rcu(ifa, in_dev)
		if (ifa->ifa_local == addr)
			return true;
	return false;
}

/*
 * Whether the TLVs from @off to @end hold a Return Path TLV (RFC 9503):
 * the route it asks for (another address, no reply) is the IP layer's to
 * take, so the request goes to the default path. Only the TLV headers are
 * read; a malformed list is the default path's to answer too.
 */
static bool has_return_path(const struct sk_buff *skb, unsigned int off,
			    unsigned int end)
{
	u8 buf[STAMP_TLV_HDR_LEN];
	const u8 *h;

	while (off + STAMP_TLV_HDR_LEN <= end) {
		h = skb_header_pointer(skb, off, sizeof(buf), buf);
		if (!h)
			return true;
		if (h[1] == STAMP_TLV_RETURN_PATH)
			return true;
		off += STAMP_TLV_HDR_LEN + stamp_get16(h + 2);
	}
	return false;
}

/*
 * The hook. Only UDP to a reflector port concerns it; of those, what it
 * answers is a plain request: an Ethernet frame to this host, untagged,
 * exactly as long as its IP packet (no Ethernet padding to trim), not a
 * GRO aggregate, to an address of the device itself, without IPv4
 * options or IPv6 extension headers, not a fragment, with a valid IPv4
 * header checksum, not from a reflector port (the default path tells
 * replies from requests there), its reply within the MTU and without a
 * Return Path TLV. Every other falls back, counted, and is received as if
 * there were no fast path.
 */
static unsigned int fast_in(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct stamp_net *sn = stamp_pernet(state->net);
	const struct stamp_cfg *cfg = rcu_dereference(sn->cfg);
	struct net_device *dev = skb->dev;
	unsigned int thoff, ulen, plen, base;
	const struct udphdr *uh;
	struct udphdr ubuf;
	bool plain;

	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph;
		struct iphdr buf;

		iph = skb_header_pointer(skb, 0, sizeof(buf), &buf);
		/* a later fragment has no UDP header: nothing to look at */
		if (!iph || iph->version != 4 || iph->protocol != IPPROTO_UDP ||
		    iph->ihl < 5 || iph->frag_off & htons(IP_OFFSET))
			return NF_ACCEPT;
		thoff = iph->ihl * 4;
		uh = skb_header_pointer(skb, thoff, sizeof(ubuf), &ubuf);
		if (!uh || !stamp_cfg_has_port(cfg, ntohs(uh->dest)))
			return NF_ACCEPT;
		plain = thoff == sizeof(*iph) && !ip_is_fragment(iph) &&
			ntohs(iph->tot_len) == skb->len &&
			!ip_fast_csum(iph, iph->ihl) &&
			dev_has_addr4(dev, iph->daddr);
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr buf;

		ip6h = skb_header_pointer(skb, 0, sizeof(buf), &buf);
		/* extension headers: the default path finds the port */
		if (!ip6h || ip6h->version != 6 || ip6h->nexthdr != IPPROTO_UDP)
			return NF_ACCEPT;
		thoff = sizeof(*ip6h);
		uh = skb_header_pointer(skb, thoff, sizeof(ubuf), &ubuf);
		if (!uh || !stamp_cfg_has_port(cfg, ntohs(uh->dest)))
			return NF_ACCEPT;
		plain = ntohs(ip6h->payload_len) + thoff == skb->len &&
			ipv6_chk_addr(state->net, &ip6h->daddr, dev, 1);
	} else {
		return NF_ACCEPT;
	}
	/* a GRO aggregate is IP input's to segment (UDP fraglist GRO) */
	if (!plain || skb->pkt_type != PACKET_HOST || skb_is_gso(skb) ||
	    skb_vlan_tag_present(skb) || skb->mac_len != ETH_HLEN ||
	    stamp_cfg_has_port(cfg, ntohs(uh->source)))
		return fallback(sn, STAMP_CNT_FAST_FALLBACK_OTHER);
	ulen = ntohs(uh->len);
	/* a malformed length is udp_ok()'s to count */
	if (ulen >= sizeof(*uh) && ulen == skb->len - thoff) {
		plen = ulen - sizeof(*uh);
		base = stamp_base_len(cfg->auth);
		if (thoff + sizeof(*uh) + max(plen, base) > dev->mtu)
			return fallback(sn, STAMP_CNT_FAST_FALLBACK_MTU);
		if (cfg->tlv_mode == STAMP_TLV_MODE_PROCESS && plen > base &&
		    has_return_path(skb, thoff + sizeof(*uh) + base,
				    thoff + ulen))
			return fallback(sn, STAMP_CNT_FAST_FALLBACK_RETURN_PATH);
	}
	stamp_stats_inc(sn, STAMP_CNT_RX);
	return stamp_reflect_fast(state->net, cfg, skb, thoff);
}

static struct fast_dev *fast_find(const struct net_device *dev)
{
	struct fast_dev *f;

	list_for_each_entry(f, &fast_devs, node)
		if (f->dev == dev)
			return f;
	return NULL;
}

static void fast_del(struct fast_dev *f)
{
	nf_unregister_net_hook(f->net, &f->ops);
	list_del(&f->node);
	kfree_rcu(f, rcu);
}

/**
 * stamp_fast_set() - turn the fast path on or off on a device
 * @net: the namespace of the request, which must be the device's
 * @ifindex: the device
 * @on: on or off; either is a no-op when already so
 * @extack: for the reason of a refusal
 *
 * Context: process context, RTNL held.
 * Return: 0 or -errno.
 */
int stamp_fast_set(struct net *net, int ifindex, bool on,
		   struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct fast_dev *f;
	int err;

	ASSERT_RTNL();
	dev = __dev_get_by_index(net, ifindex);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "fast path: no such device");
		return -ENODEV;
	}
	f = fast_find(dev);
	if (!on) {
		if (f)
			fast_del(f);
		return 0;
	}
	if (f)
		return 0;
	if (dev->type != ARPHRD_ETHER || dev->hard_header_len != ETH_HLEN ||
	    (dev->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG(extack, "fast path: not an Ethernet device");
		return -EOPNOTSUPP;
	}
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->net = net;
	f->dev = dev;
	f->ops.hook = fast_in;
	f->ops.pf = NFPROTO_NETDEV;
	f->ops.hooknum = NF_NETDEV_INGRESS;
	/* after an nftables netdev filter chain of the usual priority 0 */
	f->ops.priority = 1;
	f->ops.dev = dev;
	err = nf_register_net_hook(net, &f->ops);
	if (err) {
		NL_SET_ERR_MSG(extack,
			       "fast path: no netdev ingress hook (CONFIG_NETFILTER_INGRESS)");
		kfree(f);
		return err;
	}
	list_add_tail(&f->node, &fast_devs);
	return 0;
}

/**
 * stamp_fast_fill() - the devices with the fast path on, as attributes
 * @msg: the message
 * @net: the namespace asked about
 *
 * Context: process context, RTNL held.
 * Return: 0 or -EMSGSIZE.
 */
int stamp_fast_fill(struct sk_buff *msg, struct net *net)
{
	struct nlattr *nest;
	struct fast_dev *f;

	ASSERT_RTNL();
	list_for_each_entry(f, &fast_devs, node) {
		if (!net_eq(f->net, net))
			continue;
		nest = nla_nest_start(msg, STAMP_A_FAST_PATH);
		if (!nest ||
		    nla_put_u32(msg, STAMP_FAST_PATH_A_IFINDEX,
				f->dev->ifindex) ||
		    nla_put_u8(msg, STAMP_FAST_PATH_A_ENABLE, 1))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

/**
 * stamp_fast_net_exit() - the fast path off on every device of a namespace
 * @net: the namespace going (or the module)
 */
void stamp_fast_net_exit(struct net *net)
{
	struct fast_dev *f, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(f, tmp, &fast_devs, node)
		if (net_eq(f->net, net))
			fast_del(f);
	rtnl_unlock();
}

/* A device going away takes its hook with it: nothing may point to it. */
static int fast_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct fast_dev *f;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	f = fast_find(dev);
	if (f)
		fast_del(f);
	return NOTIFY_DONE;
}

static struct notifier_block fast_notifier = {
	.notifier_call = fast_netdev_event,
};

/**
 * stamp_fast_init() - follow devices going away
 *
 * Return: 0 or -errno.
 */
int stamp_fast_init(void)
{
	return register_netdevice_notifier(&fast_notifier);
}

/**
 * stamp_fast_exit() - stop following devices
 *
 * After the pernet exits: no entry is left.
 */
void stamp_fast_exit(void)
{
	unregister_netdevice_notifier(&fast_notifier);
	WARN_ON(!list_empty(&fast_devs));
}
