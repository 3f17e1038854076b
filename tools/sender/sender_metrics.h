/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_METRICS_H
#define _STAMPNL_SENDER_METRICS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Marks a packet that did not arrive in a delay array indexed by sequence
 * number: no real delay is -2^63 ns, and negative delays (unsynchronized
 * clocks) stay usable.
 */
#define METRICS_ABSENT INT64_MIN

/* Nearest-rank percentiles of a sample, in nanoseconds. */
struct metrics_pct {
	size_t n;		/* samples summarized */
	int64_t min;
	int64_t p50;
	int64_t p90;
	int64_t p99;
	int64_t p999;		/* p99.9 */
	int64_t max;
};

/* Inter-packet delay variation (RFC 3393, RFC 5481 section 4.1). */
struct metrics_ipdv {
	uint64_t n;		/* pairs of consecutive packets that arrived */
	int64_t min;
	int64_t max;
	double mean;
	double jitter;		/* mean of |IPDV| */
};

/* Reordering (RFC 4737 sections 3.3, 4.1 and 4.2.1). */
struct metrics_reorder {
	uint64_t received;	/* distinct sequence numbers */
	uint64_t duplicates;	/* further copies of a sequence number */
	uint64_t reordered;
	double ratio;		/* reordered / received */
	uint64_t max_extent;	/* in packets, 0 without reordering */
};

/*
 * Latency histogram: 1-2-5 steps from 1 us to 10 s (21 buckets) between
 * an underflow bucket (below 1 us, negative delays included) and an
 * overflow bucket (10 s and more).
 */
#define METRICS_HIST_BUCKETS 23

struct metrics_hist {
	uint64_t count[METRICS_HIST_BUCKETS];
	uint64_t total;
};

int metrics_percentiles(const int64_t *v, size_t n, struct metrics_pct *out);
int metrics_ipdv(const int64_t *delay, size_t n, struct metrics_ipdv *out);
int metrics_pdv(const int64_t *delay, size_t n, struct metrics_pct *out);
int metrics_reorder(const uint32_t *seq, size_t n,
		    struct metrics_reorder *out);

unsigned int metrics_hist_bucket(int64_t ns);
void metrics_hist_add(struct metrics_hist *h, int64_t ns);
int metrics_hist_bounds(unsigned int i, int64_t *lo, int64_t *hi);
int metrics_hist_label(unsigned int i, char *buf, size_t len);

#endif /* _STAMPNL_SENDER_METRICS_H */
