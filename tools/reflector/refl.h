/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_REFL_H
#define _STAMPNL_REFL_H

#include <uapi/linux/stamp.h>

#include "addr.h"
#include "nl.h"

/* The reflector's configuration as REFL_GET reports it. */
struct refl_cfg {
	unsigned int ports[STAMP_MAX_PORTS];
	int nports;
	int ts_format;
	int synced;
	unsigned int error_ns;
	unsigned int validity_s;
	int mode, session_create, auth, has_default_key;
	unsigned int rate_limit, rate_burst, max_sessions, session_idle;
	int tlv_mode, cos_remark, return_addr, sync_source;
	int errest_zero_discard;
	int t3_point;		/* enum stamp_t3_point */
	unsigned int member_id;
	struct nladdr allow[STAMP_MAX_ALLOW];
	unsigned int allow_len[STAMP_MAX_ALLOW];
	int nallow;
	/* links with a Micro-session ID of their own */
	unsigned int link_ifindex[STAMP_MAX_LINKS];
	unsigned int link_id[STAMP_MAX_LINKS];
	int nlinks;
	/* the devices with the fast path on */
	unsigned int fast_ifindex[64];
	int nfast;
};

int refl_cfg_get(struct nlctx *c, struct refl_cfg *cfg);

#endif /* _STAMPNL_REFL_H */
