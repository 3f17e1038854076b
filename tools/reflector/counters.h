/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_COUNTERS_H
#define _STAMPNL_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "counters-gen.h"
#include "nl.h"
#include "session.h"

/*
 * The reflector's counters, in STATS_GET's order: rx, reflected, the
 * drops, then peer_replies and errest_zero (neither a drop). The tables
 * are counters-gen.c, made from the spec's stats and tlv-stats attributes
 * by scripts/counters-gen.py (make regen).
 */
struct stamp_counter {
	int attr;
	const char *key;	/* JSON key; "drop_REASON" for the drops */
	const char *text;	/* what a person reads */
	const char *prom;	/* Prometheus metric, without the prefix */
	const char *prom_labels; /* its labels beside netns=, or NULL */
	const char *prom_help;	/* on the first of each metric, else NULL */
};

extern const struct stamp_counter stamp_counters[];
extern const size_t stamp_ncounters;
/* the TLV counters (STAMP_A_TLV_STATS), in STAMP_TLV_STATS_A_* order */
extern const struct stamp_counter stamp_tlv_counters[];
extern const size_t stamp_ntlv_counters;

int stats_get(struct nlctx *c, uint64_t *val);
size_t stats_nval(void);

/*
 * @val: each counter of stamp_counters[], the session count, then each of
 * stamp_tlv_counters[]
 */
int stats_write_prometheus(const char *path, const uint64_t *val,
			   const struct sess_list *l);

#endif /* _STAMPNL_COUNTERS_H */
