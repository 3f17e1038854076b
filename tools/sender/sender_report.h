/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_REPORT_H
#define _STAMPNL_SENDER_REPORT_H

#include <stdbool.h>

#include "loss_split.h"
#include "sender_metrics.h"

struct sender;

/* The delays a report covers, in this order everywhere. */
enum { REP_RTT, REP_FWD, REP_BWD, REP_RES, REP_NDELAYS };

/* What a test's samples say, beyond the running moments. */
struct sender_report {
	struct metrics_pct pct[REP_NDELAYS];	/* n == 0: no samples */
	struct metrics_ipdv ipdv[REP_NDELAYS];	/* RFC 3393, per direction */
	struct metrics_pct pdv[REP_NDELAYS];	/* RFC 5481 */
	struct metrics_reorder reorder;		/* RFC 4737 */
	struct metrics_hist hist;		/* of the RTT */
	struct loss_split split;		/* unanswered, by direction */
};

extern const char *const sender_report_names[REP_NDELAYS];

int sender_report(const struct sender *s, struct sender_report *r);

#endif /* _STAMPNL_SENDER_REPORT_H */
