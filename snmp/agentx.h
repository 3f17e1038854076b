/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSTAMP_AGENTX_H
#define _KSTAMP_AGENTX_H

/* net-snmp's configuration header must come before any of its others */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nl.h"
#include "refl.h"
#include "session.h"

/* A session's index: two length-prefixed addresses, two ports, SSID. */
#define SESS_IDX_MAX (2 * (1 + 16) + 3)

struct sess_idx {
	oid o[SESS_IDX_MAX];
	size_t len;
};

/*
 * What the last refresh read from the module, in the subagent's network
 * namespace. @present is false while the family cannot be resolved:
 * then only the status scalars have instances.
 */
struct snap {
	bool present;
	struct refl_cfg cfg;
	uint64_t *val;			/* stats_nval() values, stats_get()'s */
	struct sess_list sess;		/* sorted by index */
	struct sess_idx *sess_idx;	/* each one's, in the same order */
	u_long discontinuity;		/* TimeStamp: agent uptime, 1/100 s */
};

struct refresher {
	struct nlctx nl;
	struct snap s;
	struct timespec last;
	bool valid, ever_present;
	unsigned int cache_ms;
};

int refresher_init(struct refresher *r, unsigned int cache_ms);
void refresher_free(struct refresher *r);
const struct snap *refresher_get(struct refresher *r);

int mib_register(struct refresher *r, const oid *base, size_t baselen,
		 const char *context);

#endif /* _KSTAMP_AGENTX_H */
