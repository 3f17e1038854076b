// SPDX-License-Identifier: GPL-2.0
/*
 * Member links' own Micro-session IDs (RFC 9534).
 *
 * RFC 9534 measures each member link of a LAG with a micro-session of
 * its own, and the Micro-session ID TLV carries the reflector's member
 * link identifier. By LOCAL_IN, where requests are answered, a request
 * that came over a bond's member has skb->dev and skb_iif of the bond:
 * the member is known only before the bond's rx_handler runs. So each
 * link given an ID gets a netfilter hook at its own ingress
 * (NF_NETDEV_INGRESS, which __netif_receive_skb_core() runs before any
 * rx_handler), and the hook notes per CPU the skb it saw (its data
 * buffer and receive stamp) and the link's ID. LOCAL_IN for the same
 * packet runs on the same CPU in the same call chain (RPS steers a packet
 * before the member's ingress, never between it and LOCAL_IN), and
 * finds the note when the request's buffer and receive stamp are the
 * ones noted: a clone (a packet tap makes the bond copy a shared skb)
 * keeps the buffer, and the receive stamp tells a reused buffer from the
 * noted one. Where the note does not match (IPv6 reassembly, a request
 * from a link without an ID), the namespace's member-id answers.
 *
 * The ID table is kept apart from anything else per device: a small list
 * of at most STAMP_MAX_LINKS, keyed by ifindex.
 *
 * Locking and lifetime: the list is written under RTNL (netlink, the
 * netdevice notifier when a link goes or leaves the namespace, and the
 * namespace's pre_exit) and read under RCU (the configuration dump); a
 * link's ID is read by its hook with READ_ONCE. A link is unhooked before
 * it is unlinked and freed after a grace period, since a hook may still
 * be running on another CPU when nf_unregister_net_hook() returns.
 */
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "compat.h"
#include "netlink-gen.h"
#include "stamp.h"

struct stamp_link {
	struct list_head list;
	struct nf_hook_ops ops;	/* NF_NETDEV_INGRESS of the link */
	int ifindex;
	u16 id;
	struct rcu_head rcu;
};

/* What the last hooked link's ingress saw on this CPU */
struct link_note {
	const unsigned char *head;
	ktime_t tstamp;
	u16 id;
};

static DEFINE_PER_CPU(struct link_note, link_note);

static unsigned int link_ingress(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct stamp_link *l = priv;
	struct link_note *n = this_cpu_ptr(&link_note);

	n->head = skb->head;
	n->tstamp = skb->tstamp;
	n->id = READ_ONCE(l->id);
	return NF_ACCEPT;
}

/**
 * stamp_link_member_id() - the Micro-session ID of the link a request
 * arrived over
 * @skb: the request at LOCAL_IN, in softirq
 *
 * Return: the link's ID, or 0 when the request's link has none (or is
 * not known).
 */
u16 stamp_link_member_id(const struct sk_buff *skb)
{
	const struct link_note *n = this_cpu_ptr(&link_note);

	if (n->head != skb->head || n->tstamp != skb->tstamp)
		return 0;
	return n->id;
}

static struct stamp_link *link_find(struct stamp_net *sn, int ifindex)
{
	struct stamp_link *l;

	list_for_each_entry(l, &sn->links, list)
		if (l->ifindex == ifindex)
			return l;
	return NULL;
}

static void link_del(struct net *net, struct stamp_net *sn,
		     struct stamp_link *l)
{
	nf_unregister_net_hook(net, &l->ops);
	list_del_rcu(&l->list);
	sn->nlinks--;
	kfree_rcu(l, rcu);
}

static int link_add(struct net *net, struct stamp_net *sn, int ifindex,
		    u16 id, const struct nlattr *nla,
		    struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct stamp_link *l;
	int err;

	if (sn->nlinks >= STAMP_MAX_LINKS) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "too many links (at most 16)");
		return -E2BIG;
	}
	dev = __dev_get_by_index(net, ifindex);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "no such link");
		return -ENODEV;
	}
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->ifindex = ifindex;
	l->id = id;
	l->ops.hook = link_ingress;
	l->ops.pf = NFPROTO_NETDEV;
	l->ops.hooknum = NF_NETDEV_INGRESS;
	l->ops.dev = dev;
	l->ops.priv = l;
	err = nf_register_net_hook(net, &l->ops);
	if (err) {
		kfree(l);
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "cannot hook the link's ingress (CONFIG_NETFILTER_INGRESS?)");
		return err;
	}
	list_add_tail_rcu(&l->list, &sn->links);
	sn->nlinks++;
	return 0;
}

/**
 * stamp_links_set() - STAMP_A_LINK attributes: links' Micro-session IDs
 * @net: the namespace
 * @info: the request; each STAMP_A_LINK sets one link, ID 0 removes it
 *
 * Return: 0 or -errno, with an extack message. Links before the one that
 * failed stay set.
 */
int stamp_links_set(struct net *net, struct genl_info *info)
{
	struct stamp_net *sn = stamp_pernet(net);
	struct nlattr *tb[STAMP_LINK_A_MAX + 1];
	struct stamp_link *l;
	struct nlattr *nla;
	int rem, err = 0;
	u32 ifindex;
	u16 id;

	rtnl_lock();
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != STAMP_A_LINK)
			continue;
		err = nla_parse_nested(tb, STAMP_LINK_A_MAX, nla,
				       stamp_link_nl_policy, info->extack);
		if (err)
			break;
		if (!tb[STAMP_LINK_A_IFINDEX] || !tb[STAMP_LINK_A_MEMBER_ID]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "a link needs its ifindex and member-id");
			err = -EINVAL;
			break;
		}
		ifindex = nla_get_u32(tb[STAMP_LINK_A_IFINDEX]);
		id = nla_get_u16(tb[STAMP_LINK_A_MEMBER_ID]);
		l = link_find(sn, ifindex);
		if (l && id)
			WRITE_ONCE(l->id, id);
		else if (l)
			link_del(net, sn, l);
		else if (id)
			err = link_add(net, sn, ifindex, id, nla, info->extack);
		if (err)
			break;
	}
	rtnl_unlock();
	return err;
}

/**
 * stamp_links_fill() - the links' IDs into a configuration reply
 * @msg: the reply
 * @sn: the namespace
 *
 * Return: 0 or -EMSGSIZE.
 */
int stamp_links_fill(struct sk_buff *msg, struct stamp_net *sn)
{
	struct stamp_link *l;
	struct nlattr *nest;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(l, &sn->links, list) {
		nest = nla_nest_start(msg, STAMP_A_LINK);
		if (!nest ||
		    nla_put_u32(msg, STAMP_LINK_A_IFINDEX, l->ifindex) ||
		    nla_put_u16(msg, STAMP_LINK_A_MEMBER_ID, READ_ONCE(l->id))) {
			err = -EMSGSIZE;
			break;
		}
		nla_nest_end(msg, nest);
	}
	rcu_read_unlock();
	return err;
}

/**
 * stamp_links_flush() - unhook every link of a namespace
 * @net: the namespace, from its pre_exit
 */
void stamp_links_flush(struct net *net)
{
	struct stamp_net *sn = stamp_pernet(net);
	struct stamp_link *l, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(l, tmp, &sn->links, list)
		link_del(net, sn, l);
	rtnl_unlock();
}

/* A link that goes, or leaves the namespace, loses its hook and its ID. */
static int link_event(struct notifier_block *nb, unsigned long event,
		      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct net *net = dev_net(dev);
	struct stamp_net *sn = stamp_pernet(net);
	struct stamp_link *l;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	l = link_find(sn, dev->ifindex);
	if (l)
		link_del(net, sn, l);
	return NOTIFY_DONE;
}

static struct notifier_block link_notifier = {
	.notifier_call = link_event,
};

/**
 * stamp_links_init() - follow links going away
 *
 * Return: 0 or -errno.
 */
int stamp_links_init(void)
{
	return register_netdevice_notifier(&link_notifier);
}

/**
 * stamp_links_exit() - stop following them, before the pernet state goes
 */
void stamp_links_exit(void)
{
	unregister_netdevice_notifier(&link_notifier);
}
