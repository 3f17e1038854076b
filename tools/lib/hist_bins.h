/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_HIST_BINS_H
#define _STAMPNL_HIST_BINS_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

/*
 * struct hist_bins: bins one test's user chooses (the one-shot
 * sender's --histogram-bins, stamp-bpf's --hist BINS MIN MAX), counted
 * exactly from the samples. n bins, the first and the last for the
 * outliers; n - 1 edges e[0] < ... < e[n-2], and bin i holds the
 * delays d with e[i-1] < d <= e[i] (no lower bound for bin 0, no upper
 * one for bin n-1): upper-inclusive, as Prometheus' le, so that the
 * edges are the le of an exact classic histogram. Negative delays (a
 * one-way delay between clocks that disagree) fall in bin 0.
 *   linear:   "bins=N,min=DUR,max=DUR", 3 <= N <= HIST_BINS_MAX: the
 *             N - 2 inner bins split (MIN, MAX] evenly, e[k] = MIN +
 *             floor(k * (MAX - MIN) / (N - 2)), each at least 1 ns wide;
 *             bin 0 holds d <= MIN, bin N-1 holds d > MAX.
 *   explicit: "le=DUR,DUR,..." as hist_le_parse() takes it, the edges
 *             themselves (up to HIST_LE_MAX, so N <= HIST_LE_MAX + 1).
 * DUR is a parse_duration() text; a bare number is in seconds.
 */
#define HIST_BINS_MAX	256

struct hist_bins {
	unsigned int n;		/* bins, the two outlier bins included */
	bool linear;
	uint64_t min, max;	/* linear: the edges e[0] and e[n-2] */
	uint64_t le[HIST_LE_MAX];	/* explicit: the n - 1 edges */
};

int hist_bins_parse(const char *spec, struct hist_bins *out,
		    const char **why);
uint64_t hist_bins_edge(const struct hist_bins *b, unsigned int k);
unsigned int hist_bins_index(const struct hist_bins *b, int64_t ns);

#endif /* _STAMPNL_HIST_BINS_H */
