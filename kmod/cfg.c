// SPDX-License-Identifier: GPL-2.0
/*
 * Reflector configuration: an immutable struct stamp_cfg per namespace,
 * replaced whole under stamp_net.cfg_lock and read under RCU (see stamp.h).
 */
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "stamp.h"

/**
 * stamp_cfg_alloc() - a new configuration to fill in and publish
 * @from: copied when not NULL; else the defaults (module parameter port,
 *        NTP format, clock not known to be synchronized)
 * @gfp: allocation flags
 *
 * Return: the configuration, or NULL.
 */
struct stamp_cfg *stamp_cfg_alloc(const struct stamp_cfg *from, gfp_t gfp)
{
	struct stamp_cfg *cfg;

	if (from)
		return kmemdup(from, sizeof(*from), gfp);
	cfg = kzalloc(sizeof(*cfg), gfp);
	if (!cfg)
		return NULL;
	cfg->ports[0] = stamp_default_port;
	cfg->nports = 1;
	cfg->ts_format = STAMP_TS_NTP;
	cfg->clock_error_ns = STAMP_UNSYNC_ERROR_NS;
	stamp_cfg_finalize(cfg);
	return cfg;
}

/**
 * stamp_cfg_finalize() - derive the precomputed fields after a change
 * @cfg: a configuration not yet published
 */
void stamp_cfg_finalize(struct stamp_cfg *cfg)
{
	bool ptp = cfg->ts_format == STAMP_TS_PTP;

	cfg->errest_synced = stamp_errest_encode(true, ptp,
						 cfg->clock_error_ns);
	/* without synchronization the error is not known to be smaller */
	cfg->errest_unsynced = stamp_errest_encode(false, ptp,
			max_t(u64, cfg->clock_error_ns, STAMP_UNSYNC_ERROR_NS));
	if (cfg->clock_validity_s)
		cfg->clock_expires = jiffies +
				     (unsigned long)cfg->clock_validity_s * HZ;
}

/**
 * stamp_cfg_publish() - make @cfg the namespace's configuration
 * @sn: the namespace's state; caller holds sn->cfg_lock
 * @cfg: the new configuration, now owned by the namespace
 */
void stamp_cfg_publish(struct stamp_net *sn, struct stamp_cfg *cfg)
{
	struct stamp_cfg *old;

	old = rcu_replace_pointer(sn->cfg, cfg,
				  lockdep_is_held(&sn->cfg_lock));
	if (old)
		kfree_rcu(old, rcu);
}

/**
 * stamp_cfg_clock_synced() - whether to set the S bit now
 * @cfg: the configuration
 *
 * Return: true while the last synchronization report is valid.
 */
bool stamp_cfg_clock_synced(const struct stamp_cfg *cfg)
{
	if (!cfg->clock_synced)
		return false;
	return !cfg->clock_validity_s ||
	       time_before(jiffies, cfg->clock_expires);
}
