/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_HIST_H
#define _STAMPNL_HIST_H

/*
 * Bounded-memory latency histograms, no I/O (tests/unit/test_hist.c).
 *
 * 1. struct hist: a log-linear (HDR-style) histogram of durations in ns.
 *    Bucket scheme, fixed for every histogram:
 *      v < 128 ns           one bucket per ns (exact);
 *      2^e <= v < 2^(e+1)   (e = 7 .. 55) HIST_SUB = 50 linear sub-buckets,
 *                           sub-bucket k holds v with
 *                           floor((v - 2^e) * 50 / 2^e) == k;
 *      v >= 2^56 ns (2.3 years) the top bucket, HIST_NBUCKETS - 1.
 *    hist_quantile() answers the representative of the bucket holding the
 *    nearest-rank sample (the ceil(q * count)-th smallest, as
 *    metrics_percentiles() defines it) clamped to [min, max]: for a
 *    bucket whose integer values are lo..hi, r = 2 * lo * hi / (lo + hi),
 *    whose relative error to any of them is at most (hi - lo) / (hi + lo),
 *    below 1 / (2 * HIST_SUB + 1) = 1/101 = 0.990 % (HIST_REL_ERR); 0 below
 *    128 ns. r is a double: rounding it to whole ns would add up to
 *    0.5 ns, 0.4 % at 128 ns.
 *
 *    Storage: at most HIST_SLOTS (36) occupied buckets, kept sorted as
 *    (bucket, u32 count) pairs; sizeof(struct hist) == HIST_SIZE (256
 *    octets), a compile-time constant checked below. One path's delays
 *    cluster: 36 adjacent buckets span 0.72 octave (a factor of 1.65,
 *    e.g. 1.00 to 1.65 ms), and only occupied buckets take a slot. When a
 *    37th bucket is needed, the LOWEST bucket is merged into the next one
 *    up, the new one included (DDSketch's collapse-lowest rule); a value
 *    below the lowest kept bucket is counted in it. That bucket is then
 *    marked collapsed: a quantile whose nearest-rank sample falls in it is
 *    answered with -ERANGE (an upper bound, not within the error), every
 *    other quantile keeps the bound: the buckets above were never
 *    touched. High quantiles (p90, p99, p99.9, max), the ones delays are
 *    judged by, are the ones kept; a spread over several octaves (a heavy
 *    tail) keeps only its highest (test_hist.c: of 10^6 Pareto samples,
 *    p99.999 and the max).
 *    count, sum, min and max are exact whatever happened. A u32 count that
 *    would overflow (2^32 samples in one bucket: 136 years at 1 pps) halves
 *    every bucket's count first (rounding up, so none empties).
 *
 * 2. struct hist_le / struct hist_prom: Prometheus classic histogram
 *    buckets with boundaries shared by every session (so that
 *    histogram_quantile() aggregates across sessions and hosts). Each
 *    sample is compared with the boundaries themselves when it is added,
 *    so the cumulative counts are exact for any boundary list, whatever
 *    the log-linear store above collapsed. Default: 1-2-5 steps from
 *    10 us to 10 s (19 boundaries; the one-shot sender's --histogram uses
 *    the same steps from 1 us). At most HIST_LE_MAX (20), so that the
 *    per-session counts have a constant size. Counts are u64 and only
 *    ever grow: _bucket and _count are counters over the life of the
 *    struct.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_SUB	50	/* linear sub-buckets per octave */
#define HIST_EXACT	128	/* values below have a bucket of their own */
#define HIST_TOP_EXP	56	/* v >= 2^56 ns all share the top bucket */
#define HIST_NBUCKETS	(HIST_EXACT + (HIST_TOP_EXP - 7) * HIST_SUB + 1)
#define HIST_SLOTS	36	/* occupied buckets kept */
#define HIST_SIZE	256	/* sizeof(struct hist) */
/* the relative error bound of hist_quantile(), 1 / 101 */
#define HIST_REL_ERR	(1.0 / (2 * HIST_SUB + 1))

struct hist {
	uint64_t count;		/* samples added, exact */
	uint64_t sum;		/* their sum in ns, saturating at UINT64_MAX */
	uint64_t min;		/* exact; meaningless while count is 0 */
	uint64_t max;
	uint16_t bucket[HIST_SLOTS];	/* ascending */
	uint32_t n_in[HIST_SLOTS];	/* samples in bucket[i] */
	uint8_t used;		/* slots in use */
	bool collapsed;		/* bucket[0] also holds lower buckets' samples */
};

_Static_assert(sizeof(struct hist) == HIST_SIZE, "struct hist size");
_Static_assert(HIST_NBUCKETS <= UINT16_MAX, "bucket index fits u16");

/* One bucket, as hist_next() walks them. */
struct hist_iter {
	unsigned int pos;	/* start at 0 */
	unsigned int bucket;	/* bucket index */
	uint64_t lo;		/* lowest value the bucket holds */
	uint64_t hi;		/* highest value it holds (inclusive) */
	uint64_t count;
	bool collapsed;		/* also holds the samples below lo */
};

unsigned int hist_index(uint64_t ns);
uint64_t hist_bucket_lo(unsigned int idx);
uint64_t hist_bucket_hi(unsigned int idx);
double hist_bucket_value(unsigned int idx);

void hist_reset(struct hist *h);
void hist_add(struct hist *h, uint64_t ns);
int hist_merge(struct hist *dst, const struct hist *src);
int hist_quantile(const struct hist *h, double q, double *ns);
double hist_mean(const struct hist *h);
uint64_t hist_collapsed_count(const struct hist *h);
bool hist_next(const struct hist *h, struct hist_iter *it);

/* Prometheus classic buckets */
#define HIST_LE_MAX	20	/* boundaries at most, +Inf aside */

struct hist_le {
	unsigned int n;			/* boundaries in use */
	uint64_t ns[HIST_LE_MAX];	/* strictly ascending, > 0 */
};

/* Per metric and session: samples in (ns[i-1], ns[i]], never reset. */
struct hist_prom {
	uint64_t in[HIST_LE_MAX];
};

extern const struct hist_le hist_le_default;

/*
 * Called once per output line: @suffix is "_bucket", "_sum" or "_count",
 * @le the boundary in seconds for "_bucket" ("+Inf" last) and NULL
 * otherwise, @value the number as Prometheus text. The caller writes
 * name, suffix, its labels, le="..." and the value. A non-zero return
 * stops the walk and is returned.
 */
typedef int (*hist_emit_fn)(void *ctx, const char *suffix, const char *le,
			    const char *value);

int hist_le_parse(const char *list, struct hist_le *out);
int hist_le_format(uint64_t ns, char *buf, size_t len);
void hist_prom_add(struct hist_prom *p, const struct hist_le *le,
		   uint64_t ns);
int hist_prom_write(const struct hist_prom *p, const struct hist_le *le,
		    uint64_t count, uint64_t sum_ns, hist_emit_fn emit,
		    void *ctx);

#endif /* _STAMPNL_HIST_H */
