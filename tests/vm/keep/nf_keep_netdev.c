// SPDX-License-Identifier: GPL-2.0
/*
 * The VM tests' keeper of netfilter's netdev hooks: one NF_NETDEV_INGRESS
 * and one NF_NETDEV_EGRESS hook that accept every packet, on the loopback
 * device of the network namespace insmod runs in, for as long as the VM
 * runs. tests/vm/suite.sh loads it in its keeper namespace.
 *
 * Why: stamp_refl registers an egress hook on every device (and may
 * register ingress hooks), so when it holds the only ones, rmmod and
 * insmod take nf_hooks_needed[NFPROTO_NETDEV][...] and egress_needed_key
 * or ingress_needed_key between 0 and 1, and the kernel rewrites
 * __dev_queue_xmit() or __netif_receive_skb_core() through an int3
 * breakpoint. Under QEMU's TCG a vCPU can go on executing that int3 after
 * memory holds the new instruction and trap there forever
 * (tests/vm/nf_keep.py has the details, seen for LOCAL_IN). With these
 * hooks held, the keys never drop to 0 and the code is never rewritten.
 *
 * Both must outlive everything the tests do: the namespace is pinned, so
 * that its loopback device, and the hooks on it, survive `ip netns del`;
 * and there is no module_exit, so the module cannot be unloaded.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

static unsigned int nf_keep_accept(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static struct nf_hook_ops nf_keep_ops[] = {
	{
		.hook		= nf_keep_accept,
		.pf		= NFPROTO_NETDEV,
		.hooknum	= NF_NETDEV_INGRESS,
	},
	{
		.hook		= nf_keep_accept,
		.pf		= NFPROTO_NETDEV,
		.hooknum	= NF_NETDEV_EGRESS,
	},
};

static int __init nf_keep_init(void)
{
	struct net *net = get_net(current->nsproxy->net_ns);
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(nf_keep_ops); i++)
		nf_keep_ops[i].dev = net->loopback_dev;
	err = nf_register_net_hooks(net, nf_keep_ops, ARRAY_SIZE(nf_keep_ops));
	if (err)
		put_net(net);
	return err;
}
module_init(nf_keep_init);

MODULE_DESCRIPTION("kstamp VM tests: hold netfilter's netdev ingress and egress hooks");
MODULE_LICENSE("GPL");
