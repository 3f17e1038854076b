/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-size delay histograms with the bucket boundaries Prometheus sees
 * (classic histograms: the same `le` everywhere, so histogram_quantile()
 * aggregates across sessions and hosts), and a window's min/mean/max.
 */
#ifndef _STAMPNL_MON_HIST_H
#define _STAMPNL_MON_HIST_H

#include <stdint.h>

/* 6 buckets a decade (E6 series) from 10 us to 10 s, then +Inf */
#define MON_HIST_DECADES 6
#define MON_HIST_PER_DECADE 6
#define MON_HIST_NB (MON_HIST_DECADES * MON_HIST_PER_DECADE + 2)

struct mon_hist {
	uint64_t b[MON_HIST_NB];	/* per bucket, not cumulative */
	uint64_t n;
	int64_t sum_ns;
};

struct mon_wstat {
	uint64_t n;
	int64_t min, max;
	int64_t sum;
};

/* upper bound of bucket i in ns, INT64_MAX for +Inf */
int64_t mon_hist_le_ns(unsigned int i);
void mon_hist_add(struct mon_hist *h, int64_t ns);
double mon_hist_quantile(const struct mon_hist *h, double q);
void mon_wstat_add(struct mon_wstat *w, int64_t ns);

#endif /* _STAMPNL_MON_HIST_H */
