// SPDX-License-Identifier: GPL-2.0
/*
 * T3 at the device: the reply's Timestamp taken again, as late as
 * software can, by a netfilter egress hook (NF_NETDEV_EGRESS, Linux 5.16,
 * CONFIG_NETFILTER_EGRESS).
 *
 * reflect.c writes T3 before ip_local_out(), so the whole output path (IP
 * output, LOCAL_OUT and POST_ROUTING, neighbour output, a neighbour
 * resolution's wait) used to count as network time in the backward
 * delay T4 - T3. The egress hook runs in __dev_queue_xmit() after all of
 * that, after nftables' own egress chains (priority last), just before
 * tc's egress and the device's qdisc: the qdisc's queueing is the one
 * software step after it.
 *
 * Which packets: reflect.c marks its reply (stamp_egress_mark()), the hook
 * rewrites T3 (and, in authenticated mode, the HMAC that covers it, RFC
 * 8762 section 4.4) and the UDP checksum, and clears the mark. The mark
 * cannot live in skb->cb: IP output (IPCB/IP6CB), netfilter and the qdisc
 * layer all own the control block on the way, and nothing of ours
 * survives there. Nor in skb->mark, which is the administrator's (policy
 * routing, fwmark_reflect, xfrm). It is the inner header fields, which
 * mean something only when skb->encapsulation is set (a tunnel's
 * offloads) and which nothing on a plain UDP packet's output path reads:
 * inner_protocol holds an ethertype reserved for local experiments that
 * no tunnel sets, inner_transport_header the reply's UDP header offset,
 * and inner_network_header minus network_header the layout (auth, PTP).
 * pskb_expand_head() moves every offset by the same amount, so both
 * survive a reallocation; anything that rebuilds the packet (xfrm, a
 * tunnel, fragmentation) moves the outer headers and the mark no longer
 * matches. On top of the mark the hook checks the headers (IPv4 or IPv6,
 * unfragmented, UDP right behind the IP header) and, in authenticated
 * mode, the HMAC with the key it will sign with: a packet that is not
 * the module's reply as it left reflect.c is never changed. The mark is
 * cleared at the first egress hook the reply meets (the route's device;
 * a stacked device's lower device sees it unmarked), so that a reply
 * looped back or crossing a veth into another namespace (the skb keeps
 * its inner fields) is never stamped twice.
 *
 * When the hook cannot do it (mark cleared, skb not writable, a session's
 * own key, the key changed meanwhile), the reply leaves with the T3
 * reflect.c wrote: always a valid reply.
 *
 * Signing once: an authenticated reply costs an HMAC each time it is
 * signed or checked, the costliest step of its way. When the reply's
 * route leads straight to a device that carries this hook (no xfrm, no
 * lightweight tunnel, no VRF, no fragmenting; stamp_egress_defer_sign()),
 * reflect.c leaves the HMAC to the hook and marks the reply with another
 * ethertype (T3_MARK_SIGN): the hook signs it without checking it first,
 * and drops it rather than let it leave unsigned when it cannot sign
 * (no key any more, skb not writable, headers changed), counted in
 * drop_unsigned. The hook frees such a reply itself (NF_STOLEN) rather
 * than return NF_DROP, so that ip_local_out() says the same whether the
 * reply went through at once or waited in a neighbour's queue (where
 * nobody hears the verdict): every drop_unsigned reply is also in
 * reflected, none in drop_xmit. Every other authenticated reply is
 * signed by reflect.c as before. What the hook cannot reach is a reply
 * waiting in a neighbour's queue when the module unloads: it leaves
 * unsigned (its HMAC all zeros, which no sender accepts). Checking the
 * neighbour's state before deferring would cost every reply a lookup for
 * a case that only rmmod under traffic meets.
 *
 * Only the default key is used here, read under the RCU read lock
 * nf_hook_egress() holds; a session with its own key keeps reflect.c's
 * T3 rather than paying a session lookup per packet.
 *
 * Lifetime: a hook per device, in every namespace, registered from a
 * netdevice notifier on NETDEV_REGISTER (and, at module load, for every
 * existing device, which register_netdevice_notifier() replays) and
 * unregistered on NETDEV_UNREGISTER (device removed, moved to another
 * namespace, its namespace dismantled, and for every device at module
 * unload). All of it under RTNL, which protects the table of hooks. The
 * core's synchronize_net() after NETDEV_UNREGISTER keeps the namespace
 * state the hook reads alive while a hook may still run; module exit
 * waits for a grace period before its text goes. A device whose hook
 * cannot be registered (no memory) keeps reflect.c's T3.
 */
#include <linux/hashtable.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/lwtunnel.h>

#include "stamp.h"

/* IEEE 802 Local Experimental Ethertype 1: never a tunnel's inner type */
#define T3_MARK			htons(ETH_P_802_EX1)
/* IEEE 802 Local Experimental Ethertype 2: the same, HMAC left to the hook */
#define T3_MARK_SIGN		htons(ETH_P_802_EX1 + 1)
#define T3_LAYOUT_AUTH		0x1
#define T3_LAYOUT_PTP		0x2
#define T3_LAYOUT_MAX		0x3

static bool egress_t3 = true;
module_param(egress_t3, bool, 0644);
MODULE_PARM_DESC(egress_t3,
		 "Take T3 again at the device's netfilter egress hook, after the output path (default on; needs CONFIG_NETFILTER_EGRESS)");

#if IS_ENABLED(CONFIG_NETFILTER_EGRESS)

struct egress_hook {
	struct hlist_node node;
	struct nf_hook_ops ops;
	struct rcu_head rcu;
};

/* by device; RTNL */
static DEFINE_HASHTABLE(egress_hooks, 8);
static bool egress_registered;
/* a device went without a hook: replies are signed before they leave */
static bool egress_hook_missing;

/* The reply's IP and UDP headers, checked; the UDP header's offset or -1. */
static int reply_udp(const struct sk_buff *skb)
{
	int nhoff = skb_network_offset(skb);
	int thoff = skb_transport_offset(skb);
	const struct ipv6hdr *ip6h;
	const struct iphdr *iph;

	if (nhoff < 0 || thoff < nhoff)
		return -1;
	if (skb->protocol == htons(ETH_P_IP)) {
		if (skb_headlen(skb) < nhoff + sizeof(*iph))
			return -1;
		iph = ip_hdr(skb);
		if (iph->version != 4 || iph->protocol != IPPROTO_UDP ||
		    ip_is_fragment(iph) || thoff != nhoff + iph->ihl * 4)
			return -1;
		return thoff;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		if (skb_headlen(skb) < nhoff + sizeof(*ip6h))
			return -1;
		ip6h = ipv6_hdr(skb);
		if (ip6h->version != 6 || ip6h->nexthdr != IPPROTO_UDP ||
		    thoff != nhoff + sizeof(*ip6h))
			return -1;
		return thoff;
	}
	return -1;
}

/* Fold the change of @len octets from @old to @new into a UDP checksum. */
static void csum_update(__sum16 *check, const u8 *old, const u8 *new,
			unsigned int len)
{
	__wsum sum = ~csum_unfold(*check);

	sum = csum_sub(sum, csum_partial(old, len, 0));
	sum = csum_add(sum, csum_partial(new, len, 0));
	*check = csum_fold(sum) ?: CSUM_MANGLED_0;
}

/* T3 now, in the reply's format: NTP is UTC, PTPv2 is TAI (RFC 8762 4.2.1). */
static u64 t3_now(bool ptp)
{
	struct timespec64 ts;
	struct stamp_time t;

	if (ptp)
		ktime_get_clocktai_ts64(&ts);
	else
		ktime_get_real_ts64(&ts);
	t.sec = ts.tv_sec;
	t.nsec = ts.tv_nsec;
	return stamp_ts_encode(&t, ptp);
}

/*
 * Rewrite T3, the HMAC when authenticated, and the checksum. Offsets are
 * the codec's (lib/wire.h); T3 and the HMAC start at even offsets, so
 * their checksum changes fold in place. @sign: reflect.c left the HMAC
 * to us, there is none to check.
 *
 * Return: whether the reply is signed (or needs no signature).
 */
static bool restamp(struct net *net, struct sk_buff *skb, int thoff,
		    unsigned int layout, bool sign)
{
	bool auth = layout & T3_LAYOUT_AUTH;
	unsigned int base = stamp_base_len(auth);
	unsigned int ts_off = auth ? STAMP_AUTH_OFF_TS : STAMP_OFF_TS;
	u8 old[STAMP_HMAC_LEN];
	struct stamp_key *key = NULL;
	struct udphdr *uh;
	u8 *data;

	if (skb->len < thoff + sizeof(*uh) + base ||
	    skb_ensure_writable(skb, thoff + sizeof(*uh) + base))
		return !sign;
	uh = (struct udphdr *)(skb->data + thoff);
	if (ntohs(uh->len) < sizeof(*uh) + base)
		return !sign;
	data = (u8 *)(uh + 1);
	if (auth) {
		key = rcu_dereference(stamp_pernet(net)->default_key);
		if (!key || (!sign && !stamp_hmac_ok(key, data)))
			return !sign;
	}

	memcpy(old, data + ts_off, 8);
	stamp_reflect_set_tx_ts(data, t3_now(layout & T3_LAYOUT_PTP), auth);
	if (uh->check && skb->ip_summed != CHECKSUM_PARTIAL)
		csum_update(&uh->check, old, data + ts_off, 8);
	if (!auth)
		return true;
	memcpy(old, data + STAMP_AUTH_OFF_HMAC, STAMP_HMAC_LEN);
	stamp_hmac_sign(key, data);
	if (uh->check && skb->ip_summed != CHECKSUM_PARTIAL)
		csum_update(&uh->check, old, data + STAMP_AUTH_OFF_HMAC,
			    STAMP_HMAC_LEN);
	return true;
}

/* An unsigned reply never leaves: see the top of this file. */
static unsigned int drop_unsigned(struct net *net, struct sk_buff *skb)
{
	stamp_stats_inc(stamp_pernet(net), STAMP_CNT_DROP_UNSIGNED);
	kfree_skb_reason(skb, SKB_DROP_REASON_NETFILTER_DROP);
	return NF_STOLEN;
}

static unsigned int egress_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	unsigned int layout;
	bool sign;
	int thoff;

	if (likely(skb->inner_protocol != T3_MARK &&
		   skb->inner_protocol != T3_MARK_SIGN))
		return NF_ACCEPT;
	/* not a tunnel's, and the UDP header still where reflect.c left it */
	if (skb->encapsulation ||
	    skb->inner_protocol_type != ENCAP_TYPE_ETHER ||
	    skb->inner_transport_header != skb->transport_header)
		return NF_ACCEPT;
	sign = skb->inner_protocol == T3_MARK_SIGN;
	layout = skb->inner_network_header - skb->network_header;
	skb->inner_protocol = 0;
	skb->inner_network_header = 0;
	skb->inner_transport_header = 0;
	if (layout > T3_LAYOUT_MAX)
		return sign ? drop_unsigned(state->net, skb) : NF_ACCEPT;
	sign = sign && (layout & T3_LAYOUT_AUTH);
	thoff = reply_udp(skb);
	if (thoff < 0)
		return sign ? drop_unsigned(state->net, skb) : NF_ACCEPT;
	if (!restamp(state->net, skb, thoff, layout, sign))
		return drop_unsigned(state->net, skb);
	return NF_ACCEPT;
}

static struct egress_hook *hook_find(const struct net_device *dev)
{
	struct egress_hook *h;

	hash_for_each_possible(egress_hooks, h, node, (unsigned long)dev)
		if (h->ops.dev == dev)
			return h;
	return NULL;
}

static void hook_add(struct net_device *dev)
{
	struct egress_hook *h;

	if (hook_find(dev))
		return;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		goto fail;
	h->ops.hook = egress_hook;
	h->ops.pf = NFPROTO_NETDEV;
	h->ops.hooknum = NF_NETDEV_EGRESS;
	/* after nftables' egress chains: the last software step but tc's */
	h->ops.priority = INT_MAX;
	h->ops.dev = dev;
	if (nf_register_net_hook(dev_net(dev), &h->ops)) {
		kfree(h);
		goto fail;
	}
	hash_add(egress_hooks, &h->node, (unsigned long)dev);
	return;

fail:
	/* the device keeps reflect.c's T3; its registration goes on */
	WRITE_ONCE(egress_hook_missing, true);
	pr_warn_ratelimited("no egress hook on %s: T3 taken before output there\n",
			    dev->name);
}

static void hook_del(struct net_device *dev)
{
	struct egress_hook *h = hook_find(dev);

	if (!h)
		return;
	nf_unregister_net_hook(dev_net(dev), &h->ops);
	hash_del(&h->node);
	/* netfilter may still hold the ops until its own grace period */
	kfree_rcu(h, rcu);
}

static int egress_event(struct notifier_block *nb, unsigned long event,
			void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	ASSERT_RTNL();
	if (event == NETDEV_REGISTER)
		hook_add(dev);
	else if (event == NETDEV_UNREGISTER)
		hook_del(dev);
	return NOTIFY_DONE;
}

static struct notifier_block egress_nb = {
	.notifier_call = egress_event,
};

/**
 * stamp_egress_init() - hook the egress of every device, now and later
 *
 * Return: 0 or -errno.
 */
int stamp_egress_init(void)
{
	int err = register_netdevice_notifier(&egress_nb);

	egress_registered = !err;
	return err;
}

/**
 * stamp_egress_exit() - remove every egress hook
 *
 * Waits until no hook runs any more, so that the module text can go.
 */
void stamp_egress_exit(void)
{
	if (!egress_registered)
		return;
	/* replays NETDEV_UNREGISTER for every device */
	unregister_netdevice_notifier(&egress_nb);
	egress_registered = false;
	synchronize_net();
	rcu_barrier();	/* the kfree_rcu() of the hooks */
}

/**
 * stamp_egress_active() - whether replies get their T3 at the device
 *
 * Return: true when the egress hooks are in place and egress_t3 is on.
 */
bool stamp_egress_active(void)
{
	return egress_registered && READ_ONCE(egress_t3);
}

/**
 * stamp_egress_mark() - have the egress hook take a reply's T3 again
 * @skb: the reply, network and transport headers set, T3 (and HMAC) and
 *       UDP checksum final as if it left now
 * @auth: authenticated layout
 * @ptp: PTPv2 timestamp format
 *
 * Only for replies that the egress hook can sign: unauthenticated, or
 * signed with the namespace's default key.
 */
void stamp_egress_mark(struct sk_buff *skb, bool auth, bool ptp)
{
	unsigned int layout = (auth ? T3_LAYOUT_AUTH : 0) |
			      (ptp ? T3_LAYOUT_PTP : 0);

	if (!stamp_egress_active())
		return;
	skb->encapsulation = 0;
	skb_set_inner_protocol(skb, T3_MARK);
	skb->inner_transport_header = skb->transport_header;
	skb->inner_network_header = skb->network_header + layout;
}

/*
 * Whether the reply will meet this hook with its mark, as it leaves now:
 * routed straight out of a device with the hook (the route's device; the
 * first egress hook it meets clears the mark), in one piece, not through
 * a transform that would rebuild it (xfrm, a lightweight tunnel) or a VRF
 * device's second routing.
 */
static bool egress_sees(const struct sk_buff *skb)
{
	const struct dst_entry *dst = skb_dst(skb);
	const struct nf_hook_entries *e;
	struct net_device *dev;
	unsigned int i;

	if (!dst || skb->nf_skip_egress || READ_ONCE(egress_hook_missing))
		return false;
	dev = dst->dev;
	if (dst_xfrm(dst) || lwtunnel_output_redirect(dst->lwtstate) ||
	    lwtunnel_xmit_redirect(dst->lwtstate) || netif_is_l3_master(dev) ||
	    skb->len > dst_mtu(dst) || skb->len > READ_ONCE(dev->mtu))
		return false;
	/* an OUTPUT rule's rerouting could still find a policy */
	if (stamp_xfrm_out_policies(dev_net(dev)))
		return false;
	e = rcu_dereference(dev->nf_hooks_egress);
	for (i = 0; e && i < e->num_hook_entries; i++)
		if (e->hooks[i].hook == egress_hook)
			return true;
	return false;
}

/**
 * stamp_egress_defer_sign() - leave an authenticated reply's HMAC to the
 * egress hook, when it will see the reply
 * @skb: the reply, routed (its dst set), network and transport headers
 *       set, T3 and UDP checksum final but for the HMAC
 * @ptp: PTPv2 timestamp format
 *
 * For replies signed with the namespace's default key. The hook then
 * takes T3 again and signs once; when it cannot, the reply is dropped
 * and counted in drop_unsigned (but see the top of this file for module
 * unload).
 *
 * Return: true when the hook signs; false: the caller signs (and may mark
 * the reply with stamp_egress_mark()).
 */
bool stamp_egress_defer_sign(struct sk_buff *skb, bool ptp)
{
	if (!stamp_egress_active() || !egress_sees(skb))
		return false;
	skb->encapsulation = 0;
	skb_set_inner_protocol(skb, T3_MARK_SIGN);
	skb->inner_transport_header = skb->transport_header;
	skb->inner_network_header = skb->network_header + T3_LAYOUT_AUTH +
				    (ptp ? T3_LAYOUT_PTP : 0);
	return true;
}

#else /* !CONFIG_NETFILTER_EGRESS */

int stamp_egress_init(void)
{
	return 0;
}

void stamp_egress_exit(void)
{
}

bool stamp_egress_active(void)
{
	return false;
}

void stamp_egress_mark(struct sk_buff *skb, bool auth, bool ptp)
{
}

bool stamp_egress_defer_sign(struct sk_buff *skb, bool ptp)
{
	return false;
}

#endif
