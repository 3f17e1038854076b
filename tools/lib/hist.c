// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear histograms in constant memory, and Prometheus classic
 * buckets with shared boundaries (the scheme and its error bound are in
 * hist.h). Pure functions, no I/O, no allocation: a monitor holds eight
 * of these per session, thousands of sessions at once.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "util.h"

#define TOP_BUCKET	(HIST_NBUCKETS - 1)

/**
 * hist_index() - the bucket of a duration
 * @ns: the duration
 *
 * Return: 0 .. HIST_NBUCKETS - 1, non-decreasing in @ns.
 */
unsigned int hist_index(uint64_t ns)
{
	unsigned int e;

	if (ns < HIST_EXACT)
		return ns;
	e = 63 - __builtin_clzll(ns);
	if (e >= HIST_TOP_EXP)
		return TOP_BUCKET;
	/* (ns - 2^e) < 2^55, times 50 stays below 2^61 */
	return HIST_EXACT + (e - 7) * HIST_SUB +
	       (((ns - (1ULL << e)) * HIST_SUB) >> e);
}

/**
 * hist_bucket_lo() - the lowest duration a bucket holds
 * @idx: the bucket, below HIST_NBUCKETS (larger ones read as the top)
 *
 * Sub-bucket k of octave e starts at 2^e + k * 2^e / 50 in the reals, so
 * its lowest integer is 2^e + ceil(k * 2^e / 50).
 *
 * Return: the duration in ns; hist_index() of it is @idx.
 */
uint64_t hist_bucket_lo(unsigned int idx)
{
	unsigned int e, k;

	if (idx < HIST_EXACT)
		return idx;
	if (idx >= TOP_BUCKET)
		return 1ULL << HIST_TOP_EXP;
	e = 7 + (idx - HIST_EXACT) / HIST_SUB;
	k = (idx - HIST_EXACT) % HIST_SUB;
	return (1ULL << e) + (((uint64_t)k << e) + HIST_SUB - 1) / HIST_SUB;
}

/**
 * hist_bucket_hi() - the highest duration a bucket holds
 * @idx: the bucket
 *
 * Return: the duration in ns, inclusive; UINT64_MAX for the top bucket.
 */
uint64_t hist_bucket_hi(unsigned int idx)
{
	if (idx >= TOP_BUCKET)
		return UINT64_MAX;
	return hist_bucket_lo(idx + 1) - 1;
}

/**
 * hist_bucket_value() - the value that stands for a bucket
 * @idx: the bucket
 *
 * 2 * lo * hi / (lo + hi) is as far, relatively, from lo as from hi:
 * the smallest worst-case relative error over the bucket (hist.h). The
 * top bucket has no upper end; its lowest value stands for it.
 *
 * Return: the value in ns.
 */
double hist_bucket_value(unsigned int idx)
{
	double lo = (double)hist_bucket_lo(idx), hi;

	if (idx >= TOP_BUCKET || idx < HIST_EXACT)
		return lo;
	hi = (double)hist_bucket_hi(idx);
	return 2.0 * lo * hi / (lo + hi);
}

/**
 * hist_reset() - empty a histogram
 * @h: the histogram
 */
void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

/* Halve every count, rounding up so that no occupied bucket empties. */
static void halve(struct hist *h)
{
	unsigned int i;

	for (i = 0; i < h->used; i++)
		h->n_in[i] = h->n_in[i] / 2 + (h->n_in[i] & 1);
}

/* The first slot whose bucket is >= @idx (h->used when none). */
static unsigned int slot_of(const struct hist *h, unsigned int idx)
{
	unsigned int lo = 0, hi = h->used;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (h->bucket[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Add @n to slot @i; returns how many times everything was halved. */
static unsigned int slot_add(struct hist *h, unsigned int i, uint64_t n)
{
	unsigned int halvings = 0;

	while (h->n_in[i] + n > UINT32_MAX) {
		halve(h);
		n = n / 2 + (n & 1);
		halvings++;
	}
	h->n_in[i] += n;
	return halvings;
}

/*
 * Count @n samples of bucket @idx, making room by the collapse-lowest
 * rule of hist.h. Returns the halvings, as slot_add().
 */
static unsigned int add_n(struct hist *h, unsigned int idx, uint64_t n)
{
	unsigned int i, halvings = 0;

	if (h->used && idx < h->bucket[0] &&
	    (h->collapsed || h->used == HIST_SLOTS)) {
		/* the new lowest bucket would be the one merged away */
		h->collapsed = true;
		return slot_add(h, 0, n);
	}
	i = slot_of(h, idx);
	if (i < h->used && h->bucket[i] == idx)
		return slot_add(h, i, n);
	if (h->used == HIST_SLOTS) {
		/* here idx > bucket[0], so i >= 1 */
		halvings = slot_add(h, 1, h->n_in[0]);
		memmove(&h->bucket[0], &h->bucket[1],
			(h->used - 1) * sizeof(h->bucket[0]));
		memmove(&h->n_in[0], &h->n_in[1],
			(h->used - 1) * sizeof(h->n_in[0]));
		h->used--;
		h->collapsed = true;
		i--;
		n = n >> halvings ? n >> halvings : 1;
	}
	memmove(&h->bucket[i + 1], &h->bucket[i],
		(h->used - i) * sizeof(h->bucket[0]));
	memmove(&h->n_in[i + 1], &h->n_in[i],
		(h->used - i) * sizeof(h->n_in[0]));
	h->bucket[i] = idx;
	h->n_in[i] = 0;
	h->used++;
	return halvings + slot_add(h, i, n);
}

/**
 * hist_add() - count one duration
 * @h: the histogram, zeroed or hist_reset() before the first call
 * @ns: the duration
 */
void hist_add(struct hist *h, uint64_t ns)
{
	if (!h->count || ns < h->min)
		h->min = ns;
	if (!h->count || ns > h->max)
		h->max = ns;
	h->count++;
	if (__builtin_add_overflow(h->sum, ns, &h->sum))
		h->sum = UINT64_MAX;
	add_n(h, hist_index(ns), 1);
}

/**
 * hist_merge() - add every sample of one histogram to another
 * @dst: the histogram added to
 * @src: the one added; left untouched (may not be @dst)
 *
 * Without collapsing on either side the result is the histogram of all
 * the samples, whichever were added where. A collapsed @src keeps its
 * meaning: @dst's buckets at or below @src's lowest are folded into it
 * first, so that only the lowest bucket holds lower samples.
 *
 * Return: 0, -EINVAL on a NULL pointer or @src == @dst.
 */
int hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned int i, shift = 0;

	if (!dst || !src || dst == src)
		return -EINVAL;
	if (!src->count)
		return 0;
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (!dst->count || src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	if (__builtin_add_overflow(dst->sum, src->sum, &dst->sum))
		dst->sum = UINT64_MAX;

	if (src->collapsed && src->used) {
		unsigned int low = src->bucket[0];
		uint64_t below = 0;

		/* dst's buckets under src's collapsed one go into it */
		for (i = 0; i < dst->used && dst->bucket[i] < low; i++)
			below += dst->n_in[i];
		if (i) {
			memmove(&dst->bucket[0], &dst->bucket[i],
				(dst->used - i) * sizeof(dst->bucket[0]));
			memmove(&dst->n_in[0], &dst->n_in[i],
				(dst->used - i) * sizeof(dst->n_in[0]));
			dst->used -= i;
			/* a lower collapsed bucket of dst's was just folded */
			dst->collapsed = false;
			shift += add_n(dst, low, below);
		}
		dst->collapsed = true;
	}
	for (i = 0; i < src->used; i++) {
		/* a halved dst halves what is added after, rounding up */
		uint64_t n = ((uint64_t)src->n_in[i] + (1ULL << shift) - 1) >>
			     shift;

		shift += add_n(dst, src->bucket[i], n);
	}
	return 0;
}

/**
 * hist_quantile() - the q-quantile of the samples
 * @h: the histogram
 * @q: 0 .. 1 (0.99 for p99)
 * @ns: the value, in ns
 *
 * The nearest-rank sample, the ceil(@q * n)-th smallest (the first for
 * @q = 0), lies in the bucket where the running count reaches that rank;
 * that bucket's representative, clamped to [min, max], is within
 * HIST_REL_ERR of it. In a collapsed lowest bucket the sample may be any
 * value from min up: @ns is then the bucket's highest value (clamped to
 * max), an upper bound.
 *
 * Return: 0; -ERANGE with @ns an upper bound (collapsed); -ENODATA when
 * empty; -EINVAL on a NULL pointer or @q outside [0, 1].
 */
int hist_quantile(const struct hist *h, double q, double *ns)
{
	uint64_t total = 0, rank, run = 0;
	unsigned int i;
	double v, x;

	if (!h || !ns || !(q >= 0.0 && q <= 1.0))
		return -EINVAL;
	if (!h->count || !h->used)
		return -ENODATA;
	for (i = 0; i < h->used; i++)
		total += h->n_in[i];
	/*
	 * ceil(q * n), forgiving the product's rounding: 0.29 * 100 is
	 * 29.000000000000004 in doubles, whose ceiling would be rank 30.
	 */
	x = q * (double)total;
	rank = (uint64_t)ceil(x - x * 4 * DBL_EPSILON);
	if (rank < 1)
		rank = 1;
	for (i = 0; i + 1 < h->used; i++) {
		run += h->n_in[i];
		if (run >= rank)
			break;
	}
	if (!i && h->collapsed) {
		uint64_t hi = hist_bucket_hi(h->bucket[0]);

		*ns = (double)(hi < h->max ? hi : h->max);
		return -ERANGE;
	}
	v = hist_bucket_value(h->bucket[i]);
	if (v < (double)h->min)
		v = (double)h->min;
	if (v > (double)h->max)
		v = (double)h->max;
	*ns = v;
	return 0;
}

/**
 * hist_mean() - the mean of the samples
 * @h: the histogram
 *
 * Return: the mean in ns (exact up to a sum of 2^64 ns), 0 when empty.
 */
double hist_mean(const struct hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}

/**
 * hist_collapsed_count() - samples counted in a collapsed lowest bucket
 * @h: the histogram
 *
 * Quantiles at ranks up to this count are answered -ERANGE.
 *
 * Return: the count, 0 when nothing was collapsed.
 */
uint64_t hist_collapsed_count(const struct hist *h)
{
	return h->collapsed && h->used ? h->n_in[0] : 0;
}

/**
 * hist_next() - walk the occupied buckets in ascending order
 * @h: the histogram
 * @it: the cursor, zeroed before the first call; filled with a bucket
 *
 * Return: true with @it filled, false after the last bucket.
 */
bool hist_next(const struct hist *h, struct hist_iter *it)
{
	unsigned int i = it->pos;

	if (i >= h->used)
		return false;
	it->bucket = h->bucket[i];
	it->lo = hist_bucket_lo(h->bucket[i]);
	it->hi = hist_bucket_hi(h->bucket[i]);
	it->count = h->n_in[i];
	it->collapsed = !i && h->collapsed;
	it->pos = i + 1;
	return true;
}

/* 1-2-5 steps, 10 us .. 10 s */
const struct hist_le hist_le_default = {
	.n = 19,
	.ns = {
		10000, 20000, 50000,
		100000, 200000, 500000,
		1000000, 2000000, 5000000,
		10000000, 20000000, 50000000,
		100000000, 200000000, 500000000,
		1000000000, 2000000000, 5000000000,
		10000000000,
	},
};

/**
 * hist_le_parse() - boundaries from a list in a configuration
 * @list: values separated by commas or blanks, each a number with an
 *	optional unit ns, us, ms or s; a bare number is in seconds, as
 *	Prometheus' le is ("0.001, 0.01 0.1" or "1ms,10ms,100ms")
 * @out: the boundaries; left untouched on an error
 *
 * Return: 0; -EINVAL on a NULL pointer, an empty list, a value that is
 * not a positive number below 2^63 ns or rounds to 0 ns, an unknown unit
 * or boundaries that do not strictly increase; -E2BIG with more than
 * HIST_LE_MAX.
 */
int hist_le_parse(const char *list, struct hist_le *out)
{
	static const struct {
		const char *name;
		double scale;
	} unit[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		     { "", 1e9 } };
	struct hist_le le = { 0 };
	const char *p = list;

	if (!list || !out)
		return -EINVAL;
	for (;;) {
		char *end;
		double x, ns = 0;
		size_t len, u;

		p += strspn(p, ", \t\n");
		if (!*p)
			break;
		x = strtod(p, &end);
		if (end == p || !(x > 0.0))
			return -EINVAL;
		len = strcspn(end, ", \t\n");
		for (u = 0; u < ARRAY_SIZE(unit); u++) {
			if (strlen(unit[u].name) == len &&
			    !strncmp(end, unit[u].name, len)) {
				ns = round(x * unit[u].scale);
				break;
			}
		}
		if (u == ARRAY_SIZE(unit))
			return -EINVAL;
		if (!(ns >= 1.0 && ns < 9223372036854775808.0))
			return -EINVAL;
		if (le.n == HIST_LE_MAX)
			return -E2BIG;
		if (le.n && (uint64_t)ns <= le.ns[le.n - 1])
			return -EINVAL;
		le.ns[le.n++] = (uint64_t)ns;
		p = end + len;
	}
	if (!le.n)
		return -EINVAL;
	*out = le;
	return 0;
}

/**
 * hist_le_format() - a boundary as Prometheus' le label, in seconds
 * @ns: the boundary
 * @buf: the text, shortest exact decimal ("0.00001", "0.0025", "10")
 * @len: its size
 *
 * Exact integer arithmetic, no %g: every session and host must write
 * the same boundary as the same string, or histogram_quantile() would
 * see different buckets.
 *
 * Return: 0, -EINVAL on a NULL @buf, -ENOSPC when it does not fit.
 */
int hist_le_format(uint64_t ns, char *buf, size_t len)
{
	uint64_t frac = ns % 1000000000;
	char f[16];
	int n, w;

	if (!buf)
		return -EINVAL;
	if (!frac) {
		n = snprintf(buf, len, "%" PRIu64, ns / 1000000000);
	} else {
		w = snprintf(f, sizeof(f), "%09" PRIu64, frac);
		while (w > 1 && f[w - 1] == '0')
			f[--w] = 0;
		n = snprintf(buf, len, "%" PRIu64 ".%s", ns / 1000000000, f);
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/**
 * hist_prom_add() - count a duration in its Prometheus bucket
 * @p: the counts
 * @le: the boundaries they are kept against (always the same ones)
 * @ns: the duration
 *
 * The bucket is the first boundary >= @ns (le means "less or equal");
 * above the last only _count (the histogram's count) grows.
 */
void hist_prom_add(struct hist_prom *p, const struct hist_le *le, uint64_t ns)
{
	unsigned int lo = 0, hi = le->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (le->ns[mid] < ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < le->n)
		p->in[lo]++;
}

/**
 * hist_prom_write() - a classic histogram's values, line by line
 * @p: the counts
 * @le: their boundaries
 * @count: samples counted (the +Inf bucket and _count)
 * @sum_ns: their sum, in ns (_sum, written in seconds)
 * @emit: called for each line (hist.h)
 * @ctx: passed to @emit
 *
 * Return: 0, -EINVAL on a NULL pointer or a @count below the buckets'
 * sum, or what @emit returned when not 0.
 */
int hist_prom_write(const struct hist_prom *p, const struct hist_le *le,
		    uint64_t count, uint64_t sum_ns, hist_emit_fn emit,
		    void *ctx)
{
	char lebuf[32], val[32];
	uint64_t run = 0;
	unsigned int i;
	int err;

	if (!p || !le || !emit || le->n > HIST_LE_MAX)
		return -EINVAL;
	for (i = 0; i < le->n; i++)
		run += p->in[i];
	if (run > count)
		return -EINVAL;
	run = 0;
	for (i = 0; i < le->n; i++) {
		run += p->in[i];
		hist_le_format(le->ns[i], lebuf, sizeof(lebuf));
		snprintf(val, sizeof(val), "%" PRIu64, run);
		err = emit(ctx, "_bucket", lebuf, val);
		if (err)
			return err;
	}
	snprintf(val, sizeof(val), "%" PRIu64, count);
	err = emit(ctx, "_bucket", "+Inf", val);
	if (err)
		return err;
	snprintf(val, sizeof(val), "%" PRIu64 ".%09" PRIu64,
		 sum_ns / 1000000000, sum_ns % 1000000000);
	err = emit(ctx, "_sum", NULL, val);
	if (err)
		return err;
	snprintf(val, sizeof(val), "%" PRIu64, count);
	return emit(ctx, "_count", NULL, val);
}
