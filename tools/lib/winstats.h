/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_WINSTATS_H
#define _STAMPNL_WINSTATS_H

/*
 * One session's statistics for a long-running monitor: counters and
 * histograms for the current window and since the start, in a struct of
 * constant size (WINSTATS_SIZE, checked below) with no per-packet
 * storage and no I/O (tests/unit/test_winstats.c).
 *
 * Definitions are the one-shot sender's (tools/sender/sender.c), whose
 * counters struct loss_acc is reused as is:
 *   sent       packets sent (winstats_sent());
 *   received   first reply for a packet still undecided;
 *   lost       packets decided without a reply: their threshold passed
 *              (winstats_expire()), or WS_SEQ_BITS later packets were sent
 *              meanwhile (the bitmap below must forget them);
 *   late       a reply for a packet already counted lost (it stays lost,
 *              as in the sender), or for one sent WS_SEQ_BITS or more
 *              packets ago, which the bitmap no longer tells apart;
 *   duplicates a further reply for a packet already received;
 *   malformed  a reply for a Seq not sent (and what the caller reports);
 *   reordered  a received packet whose Seq is below NextExp, one more than
 *              the highest received so far (RFC 4737 section 3.3, as
 *              metrics_reorder()); duplicates and late replies left out.
 * Window counts are the events that happened during the window: a packet
 * sent in one window may be received or lost in the next.
 *
 * Loss by direction: the split of loss_split() (RFC 8762 section 4, a
 * stateful reflector's Seq), computed from five numbers updated per
 * reply instead of the list of replies; winstats_split() equals
 * loss_split() over the received replies (tested), a gauge over the life.
 *
 * Seq tracking: a ring of WS_SEQ_BITS (1024) answered bits for the last
 * packets sent, so duplicate/late/received are told apart for 1024
 * packets in flight (a 3 s threshold at up to 341 packets/s). Sequence
 * numbers are u32 on the wire and extended to 64 bits here.
 *
 * Histograms (tools/lib/hist.h): RTT, forward, backward and residence
 * delays for the window (log-linear, 0.990 %), and cumulatively as the
 * Prometheus buckets with the caller's shared boundaries plus their count
 * and sum. Nothing reads cumulative quantiles (the json-lines records are
 * per window, Prometheus computes its own from the buckets), so no
 * cumulative log-linear histogram is kept: 1 KiB a session less.
 */

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "../sender/loss_split.h"	/* struct loss_split */
#include "../sender/sender_stats.h"	/* struct loss_acc */

#define WS_SEQ_BITS	1024
#define WINSTATS_SIZE	2112	/* upper bound on sizeof(struct winstats) */

enum ws_metric {
	WS_RTT,		/* (T4 - T1) - (T3 - T2) */
	WS_FWD,		/* T2 - T1 */
	WS_BWD,		/* T4 - T3 */
	WS_RES,		/* T3 - T2, the reflector's residence time */
	WS_NMETRICS
};

extern const char *const ws_metric_names[WS_NMETRICS];

/* What winstats_reply() made of a reply. */
enum ws_fate {
	WS_RECEIVED,	/* counted received, in order */
	WS_REORDERED,	/* counted received, and reordered */
	WS_DUPLICATE,
	WS_LATE,
	WS_MALFORMED,	/* a Seq not sent */
};

struct ws_reply {
	uint32_t sender_seq;	/* the Seq the reply echoes */
	uint32_t refl_seq;	/* the reflector's own Seq */
	int64_t delay[WS_NMETRICS];	/* ns */
	/*
	 * Bit (1 << m): delay[m] is measured and may be used (one-way delays
	 * only with synchronized clocks). A negative delay is never added to
	 * a histogram; it is counted in ws_counts.negative instead.
	 */
	unsigned int valid;
};

struct ws_counts {
	struct loss_acc loss;	/* sent .. auth_failures, as the sender's */
	uint64_t reordered;
	uint64_t negative;	/* valid delays below 0, left out */
};

/* Seq state for loss_split() without the list of replies. */
struct ws_split_state {
	uint64_t s_min;		/* lowest Sender Seq received */
	uint64_t s_max;		/* highest Sender Seq received */
	uint32_t r_at_min;	/* lowest reflector Seq among s_min's replies */
	uint32_t r_hi;		/* highest reflector Seq (mod 2^32, RFC 1982) */
	bool any;		/* something was received */
	bool stateful;		/* a reply with Seq != Sender Seq, or the user */
};

/* A metric's samples since winstats_init(): the buckets' _count and _sum */
struct ws_total {
	uint64_t count;
	uint64_t sum;		/* ns, saturating */
};

struct winstats {
	struct ws_counts win;	/* this window */
	struct ws_counts cum;	/* since winstats_init() */
	struct hist win_h[WS_NMETRICS];
	struct ws_total cum_t[WS_NMETRICS];
	struct hist_prom prom[WS_NMETRICS];	/* cumulative, never reset */
	/*
	 * Shared boundaries, the caller's: prom[] counts against them, so
	 * new boundaries (a reload) need a new winstats_init(), which
	 * Prometheus sees as a counter reset.
	 */
	const struct hist_le *le;
	uint64_t next_exp;	/* RFC 4737 NextExp */
	uint64_t decided;	/* packets below are received or lost */
	uint64_t answered[WS_SEQ_BITS / 64];	/* ring, by Seq mod WS_SEQ_BITS */
	struct ws_split_state split;
	uint64_t windows;	/* windows closed so far */
};

_Static_assert(sizeof(struct winstats) <= WINSTATS_SIZE,
	       "struct winstats over its budget");

/* Quantiles of one window's histogram, in ns. */
struct ws_quantiles {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	double mean;
	double p50, p90, p99, p999;	/* within HIST_REL_ERR unless approx */
	/*
	 * Bit 0..3 for p50, p90, p99, p99.9: the value is only an upper
	 * bound (its sample fell in a collapsed bucket, see hist.h).
	 */
	unsigned int approx;
};

/* What winstats_roll() hands over for one json-lines record. */
struct ws_summary {
	uint64_t window;		/* its number, from 0 */
	struct ws_counts win;
	struct ws_counts cum;
	struct loss_split split;	/* cumulative, as loss_split() */
	struct ws_quantiles q[WS_NMETRICS];	/* of the window */
};

int winstats_init(struct winstats *ws, const struct hist_le *le,
		  bool stateful_refl);
uint32_t winstats_sent(struct winstats *ws);
int winstats_reply(struct winstats *ws, const struct ws_reply *r);
int winstats_expire(struct winstats *ws, uint32_t seq);
void winstats_malformed(struct winstats *ws);
void winstats_auth_failure(struct winstats *ws);
void winstats_split(const struct winstats *ws, struct loss_split *out);
int winstats_quantiles(const struct hist *h, struct ws_quantiles *out);
void winstats_roll(struct winstats *ws, struct ws_summary *out);
int winstats_prom_write(const struct winstats *ws, enum ws_metric m,
			hist_emit_fn emit, void *ctx);

#endif /* _STAMPNL_WINSTATS_H */
