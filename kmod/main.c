// SPDX-License-Identifier: GPL-2.0
/*
 * stamp_refl: an in-kernel STAMP Session-Reflector (RFC 8762).
 *
 * Module init/exit and the per network namespace lifetime: every namespace
 * gets its own configuration, counters and netfilter hooks at creation and
 * loses them at destruction. The genetlink family goes first on exit so no
 * handler runs while namespaces are torn down; rcu_barrier() then waits
 * for configurations still queued on kfree_rcu.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "stamp.h"

unsigned short stamp_default_port = STAMP_PORT;
module_param_named(port, stamp_default_port, ushort, 0444);
MODULE_PARM_DESC(port,
		 "UDP port reflected in every network namespace until changed over netlink (default 862)");

unsigned int stamp_net_id __read_mostly;

static int __net_init stamp_net_init(struct net *net)
{
	struct stamp_net *sn = stamp_pernet(net);
	struct stamp_cfg *cfg;
	int err;

	mutex_init(&sn->cfg_lock);
	err = stamp_stats_init(sn);
	if (err)
		return err;
	cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto err_cfg;
	}
	RCU_INIT_POINTER(sn->cfg, cfg);
	err = stamp_hooks_register(net);
	if (err)
		goto err_hooks;
	return 0;

err_hooks:
	RCU_INIT_POINTER(sn->cfg, NULL);
	kfree(cfg);
err_cfg:
	stamp_stats_free(sn);
	return err;
}

static void __net_exit stamp_net_exit(struct net *net)
{
	struct stamp_net *sn = stamp_pernet(net);

	/* waits for hooks running on other CPUs: nothing reads sn after */
	stamp_hooks_unregister(net);
	kfree(rcu_dereference_protected(sn->cfg, true));
	stamp_stats_free(sn);
}

static struct pernet_operations stamp_net_ops = {
	.init	= stamp_net_init,
	.exit	= stamp_net_exit,
	.id	= &stamp_net_id,
	.size	= sizeof(struct stamp_net),
};

static int __init stamp_init(void)
{
	int err;

	if (!stamp_default_port) {
		pr_err("port=0 is not a port; use 1-65535\n");
		return -EINVAL;
	}
	/* receive stamps on every skb: the earliest T2 short of hardware */
	net_enable_timestamp();
	err = register_pernet_subsys(&stamp_net_ops);
	if (err)
		goto err_pernet;
	err = stamp_genl_register();
	if (err)
		goto err_genl;
	pr_info("reflecting STAMP on UDP port %u\n", stamp_default_port);
	return 0;

err_genl:
	unregister_pernet_subsys(&stamp_net_ops);
err_pernet:
	net_disable_timestamp();
	return err;
}

static void __exit stamp_exit(void)
{
	stamp_genl_unregister();
	unregister_pernet_subsys(&stamp_net_ops);
	rcu_barrier();
	net_disable_timestamp();
}

module_init(stamp_init);
module_exit(stamp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("STAMP (RFC 8762) Session-Reflector in the kernel");
MODULE_AUTHOR("kstamp developers");
MODULE_VERSION(STAMP_VERSION);
MODULE_ALIAS_GENL_FAMILY(STAMP_GENL_NAME);
