/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_REPORT_H
#define _STAMPNL_SENDER_REPORT_H

#include <stdbool.h>

#include "hist_bins.h"
#include "loss_split.h"
#include "sender_metrics.h"

struct sender;

/* The delays a report covers, in this order everywhere. */
enum { REP_RTT, REP_FWD, REP_BWD, REP_RES, REP_NDELAYS };

/* --histogram-bins: the rtt, forward and backward samples, counted */
struct sender_bins {
	uint64_t in[REP_RES][HIST_BINS_MAX];	/* bin i's samples */
	uint64_t n[REP_RES];			/* all of them */
};

/* What a test's samples say, beyond the running moments. */
struct sender_report {
	struct metrics_pct pct[REP_NDELAYS];	/* n == 0: no samples */
	struct metrics_ipdv ipdv[REP_NDELAYS];	/* RFC 3393, per direction */
	struct metrics_pct pdv[REP_NDELAYS];	/* RFC 5481 */
	struct metrics_reorder reorder;		/* RFC 4737 */
	struct metrics_hist hist;		/* of the RTT */
	struct loss_split split;		/* unanswered, by direction */
	struct sender_bins bins;		/* zero without --histogram-bins */
};

extern const char *const sender_report_names[REP_NDELAYS];

int sender_report(const struct sender *s, struct sender_report *r);
void sender_hist_print(const struct sender *s, const struct sender_report *r);

#endif /* _STAMPNL_SENDER_REPORT_H */
