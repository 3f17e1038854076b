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
 * @from: copied when not NULL; else the defaults (the module parameters,
 *        NTP format, clock not known to be synchronized, no allow-list,
 *        unauthenticated, TLVs answered, Class of Service remarking on,
 *        Return Address redirection off, requests with an Error
 *        Estimate multiplier of 0 answered)
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
	cfg->mode = stamp_default_mode;
	cfg->session_create = true;
	cfg->max_sessions = stamp_default_max_sessions;
	cfg->session_idle_s = stamp_default_session_idle;
	cfg->rate_limit = stamp_default_rate_limit;
	cfg->rate_burst = stamp_default_rate_burst;
	cfg->tlv_mode = STAMP_TLV_MODE_PROCESS;
	cfg->cos_remark = true;
	cfg->sync_source = STAMP_SYNC_NTP;
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
	cfg->errest_unsynced =
		stamp_errest_encode(false, ptp,
				    max_t(u64, cfg->clock_error_ns,
					  STAMP_UNSYNC_ERROR_NS));
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

static bool prefix_match(const struct stamp_prefix *p, const __be32 *addr)
{
	unsigned int bits = p->len, i;

	for (i = 0; bits >= 32; i++, bits -= 32)
		if (p->addr[i] != addr[i])
			return false;
	return !bits ||
	       !((p->addr[i] ^ addr[i]) & htonl(~0U << (32 - bits)));
}

/**
 * stamp_cfg_allowed() - whether the allow-list lets a source in
 * @cfg: the configuration
 * @family: AF_INET or AF_INET6
 * @saddr: the source address (4 or 16 octets)
 *
 * Return: true when the list is empty or a prefix covers @saddr.
 */
bool stamp_cfg_allowed(const struct stamp_cfg *cfg, u8 family,
		       const __be32 *saddr)
{
	unsigned int i;

	if (!cfg->nallow)
		return true;
	for (i = 0; i < cfg->nallow; i++)
		if (cfg->allow[i].family == family &&
		    prefix_match(&cfg->allow[i], saddr))
			return true;
	return false;
}
