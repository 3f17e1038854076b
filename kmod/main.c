// SPDX-License-Identifier: GPL-2.0
/*
 * stamp_refl: an in-kernel STAMP Session-Reflector (RFC 8762).
 *
 * Module init/exit and the per network namespace lifetime: every namespace
 * gets its own configuration, counters and netfilter hooks at creation and
 * loses them at destruction. The genetlink family goes first on exit so no
 * handler runs while namespaces are torn down; rcu_barrier() then waits
 * for configurations and sessions still queued on kfree_rcu, and the key
 * workqueue drains.
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

static const char *const mode_names[] = {
	[STAMP_MODE_STATELESS] = "stateless",
	[STAMP_MODE_STATEFUL] = "stateful",
};

unsigned int stamp_default_mode = STAMP_MODE_STATELESS;

static int mode_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(mode_names, val);

	if (i < 0)
		return i;
	*(unsigned int *)kp->arg = i;
	return 0;
}

static int mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", mode_names[*(unsigned int *)kp->arg]);
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};

module_param_cb(mode, &mode_ops, &stamp_default_mode, 0444);
MODULE_PARM_DESC(mode,
		 "stateless (the request's Seq echoed) or stateful (a Seq per session, RFC 8762 4.3.1); per namespace over netlink (default stateless)");

unsigned int stamp_default_max_sessions = 65536;
module_param_named(max_sessions, stamp_default_max_sessions, uint, 0444);
MODULE_PARM_DESC(max_sessions,
		 "Most stateful sessions per network namespace (default 65536)");

unsigned int stamp_default_session_idle = 300;
module_param_named(session_idle, stamp_default_session_idle, uint, 0444);
MODULE_PARM_DESC(session_idle,
		 "Seconds before an idle session created on first packet is forgotten (default 300)");

unsigned int stamp_default_rate_limit = 1000;
module_param_named(rate_limit, stamp_default_rate_limit, uint, 0444);
MODULE_PARM_DESC(rate_limit,
		 "Requests per second answered per source address (IPv6: per /64); 0 for no limit (default 1000)");

unsigned int stamp_default_rate_burst = 1000;
module_param_named(rate_burst, stamp_default_rate_burst, uint, 0444);
MODULE_PARM_DESC(rate_burst,
		 "Requests a quiet source may send at once (default 1000)");

unsigned int stamp_net_id __read_mostly;

static int __net_init stamp_net_init(struct net *net)
{
	struct stamp_net *sn = stamp_pernet(net);
	struct stamp_cfg *cfg;
	int err;

	mutex_init(&sn->cfg_lock);
	INIT_LIST_HEAD(&sn->links);
	INIT_WORK(&sn->sessions_work, stamp_sessions_work);
	err = stamp_stats_init(sn);
	if (err)
		return err;
	cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto err_cfg;
	}
	RCU_INIT_POINTER(sn->cfg, cfg);
	sn->ratelimit = stamp_ratelimit_alloc();
	if (!sn->ratelimit) {
		err = -ENOMEM;
		goto err_ratelimit;
	}
	err = stamp_route_cache_init(sn);
	if (err)
		goto err_routes;
	/*
	 * The initial namespace, where a reflector usually runs, counts
	 * Direct Measurement from its first request (stateless too); other
	 * namespaces get their table from a work item when they first need
	 * it, so that a host's many namespaces cost nothing.
	 */
	if (cfg->mode == STAMP_MODE_STATEFUL || net_eq(net, &init_net)) {
		mutex_lock(&sn->cfg_lock);
		err = stamp_sessions_get(sn) ? 0 : -ENOMEM;
		if (!err)
			stamp_txts_start(net, sn);
		mutex_unlock(&sn->cfg_lock);
		if (err)
			goto err_sessions;
	}
	err = stamp_hooks_register(net);
	if (err)
		goto err_sessions;
	return 0;

err_sessions:
	/* no hook ran: no reply was charged to the socket */
	stamp_txts_stop(sn);
	stamp_txts_free(sn);
	stamp_session_table_free(rcu_dereference_protected(sn->sessions, true));
	stamp_route_cache_free(sn);
err_routes:
	stamp_ratelimit_free(sn->ratelimit);
err_ratelimit:
	RCU_INIT_POINTER(sn->cfg, NULL);
	kfree(cfg);
err_cfg:
	stamp_stats_free(sn);
	return err;
}

/*
 * Unregistering a hook does not wait for the hooks running on other CPUs
 * (netfilter frees its hook array with call_rcu). The core runs
 * synchronize_rcu() between every pre_exit and the first exit, so by
 * stamp_net_exit() no hook can still be reading the namespace's state.
 * That matters on rmmod, when the namespaces are alive and under traffic.
 */
static void __net_exit stamp_net_pre_exit(struct net *net)
{
	stamp_fast_net_exit(net);
	stamp_hooks_unregister(net);
	stamp_links_flush(net);
	stamp_txts_stop(stamp_pernet(net));
}

static void __net_exit stamp_net_exit(struct net *net)
{
	struct stamp_net *sn = stamp_pernet(net);

	stamp_key_free(rcu_dereference_protected(sn->default_key, true));
	/* no hook runs any more (see above) to queue it again */
	cancel_work_sync(&sn->sessions_work);
	stamp_txts_free(sn);
	stamp_session_table_free(rcu_dereference_protected(sn->sessions, true));
	/* no hook runs any more: the cached routes have no reader */
	stamp_route_cache_free(sn);
	stamp_ratelimit_free(sn->ratelimit);
	kfree(rcu_dereference_protected(sn->cfg, true));
	stamp_stats_free(sn);
}

static struct pernet_operations stamp_net_ops = {
	.init	= stamp_net_init,
	.pre_exit = stamp_net_pre_exit,
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
	err = stamp_auth_init();
	if (err)
		return err;
	/* receive stamps on every skb: the earliest T2 short of hardware */
	net_enable_timestamp();
	/* before any namespace can hook a device: devices going are followed */
	err = stamp_fast_init();
	if (err)
		goto err_fast;
	err = register_pernet_subsys(&stamp_net_ops);
	if (err)
		goto err_pernet;
	err = stamp_egress_init();
	if (err)
		goto err_egress;
	err = stamp_links_init();
	if (err)
		goto err_links;
	err = stamp_genl_register();
	if (err)
		goto err_genl;
	pr_info("reflecting STAMP on UDP port %u\n", stamp_default_port);
	return 0;

err_genl:
	stamp_links_exit();
err_links:
	stamp_egress_exit();
err_egress:
	unregister_pernet_subsys(&stamp_net_ops);
err_pernet:
	stamp_fast_exit();
err_fast:
	net_disable_timestamp();
	stamp_auth_exit();
	return err;
}

static void __exit stamp_exit(void)
{
	stamp_genl_unregister();
	/* while the namespaces' state is there: it unhooks every link */
	stamp_links_exit();
	/* before the namespaces' state the hooks read */
	stamp_egress_exit();
	/* its pre_exit turns the fast path off on every device */
	unregister_pernet_subsys(&stamp_net_ops);
	stamp_fast_exit();
	stamp_auth_exit();	/* rcu_barrier(), then the keys' frees */
	net_disable_timestamp();
}

module_init(stamp_init);
module_exit(stamp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("STAMP (RFC 8762) Session-Reflector in the kernel");
MODULE_AUTHOR("kstamp developers");
MODULE_VERSION(STAMP_VERSION);
MODULE_ALIAS_GENL_FAMILY(STAMP_GENL_NAME);
