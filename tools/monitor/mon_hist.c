// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's histograms. The boundaries are the E6 series
 * (1, 1.5, 2.2, 3.3, 4.7, 6.8) times powers of ten, 10 us to 10 s: 38
 * counters, 320 octets, however many packets. Adjacent boundaries are at
 * most 1.5 apart, so a quantile interpolated inside a bucket is off by
 * less than half a bucket: at most 25 % of the value (the test checks
 * this bound against the exact samples).
 */
#include <stddef.h>
#include <stdint.h>

#include "mon_hist.h"

static const int e6[MON_HIST_PER_DECADE] = { 10, 15, 22, 33, 47, 68 };

/**
 * mon_hist_le_ns() - a bucket's upper bound
 * @i: bucket index, 0 to MON_HIST_NB - 1
 *
 * Return: the bound in ns; INT64_MAX for the last (+Inf).
 */
int64_t mon_hist_le_ns(unsigned int i)
{
	int64_t dec = 1000;	/* 10 us is 10 * 1000 ns */
	unsigned int d;

	if (i >= MON_HIST_NB - 1)
		return INT64_MAX;
	for (d = 0; d < i / MON_HIST_PER_DECADE; d++)
		dec *= 10;
	return e6[i % MON_HIST_PER_DECADE] * dec;
}

/**
 * mon_hist_add() - count one delay
 * @h: histogram
 * @ns: the delay; negative ones (clocks apart) land in the first bucket
 */
void mon_hist_add(struct mon_hist *h, int64_t ns)
{
	unsigned int lo = 0, hi = MON_HIST_NB - 1;

	/* the first bucket whose bound is >= ns: le means "less or equal" */
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (ns <= mon_hist_le_ns(mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	h->b[lo]++;
	h->n++;
	h->sum_ns += ns;
}

/**
 * mon_hist_quantile() - as Prometheus' histogram_quantile() computes it
 * @h: histogram
 * @q: 0 to 1
 *
 * Return: ns, linear inside the bucket; 0 for an empty histogram.
 */
double mon_hist_quantile(const struct mon_hist *h, double q)
{
	double rank = q * h->n, lo = 0, cum = 0;
	unsigned int i;

	if (!h->n)
		return 0;
	for (i = 0; i < MON_HIST_NB; i++) {
		double hi = i == MON_HIST_NB - 1 ? (double)mon_hist_le_ns(i - 1) :
			    (double)mon_hist_le_ns(i);

		if (cum + h->b[i] >= rank && h->b[i])
			return lo + (hi - lo) * (rank - cum) / h->b[i];
		cum += h->b[i];
		lo = hi;
	}
	return lo;
}

/**
 * mon_wstat_add() - one delay into a window's min, mean and max
 * @w: the window
 * @ns: the delay
 */
void mon_wstat_add(struct mon_wstat *w, int64_t ns)
{
	if (!w->n || ns < w->min)
		w->min = ns;
	if (!w->n || ns > w->max)
		w->max = ns;
	w->n++;
	w->sum += ns;
}
