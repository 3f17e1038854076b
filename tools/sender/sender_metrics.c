// SPDX-License-Identifier: GPL-2.0
/*
 * Metrics of a sender test beyond the moments of sender_stats.c:
 * percentiles, delay variation, reordering and a latency histogram. Pure
 * functions over arrays the caller owns, no I/O and no globals, so each
 * is unit-tested against hand-computed values
 * (tests/unit/test_sender_metrics.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sender_metrics.h"

/*
 * The common start of the metrics: every output starts zeroed, so that a
 * caller printing it after an error prints zeros, not stale values.
 * Return: 0 to go on, -EINVAL on a NULL pointer, -ENODATA when @n is 0.
 */
static int args_check(const void *in, size_t n, void *out, size_t size)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, size);
	if (!n)
		return -ENODATA;
	if (!in)
		return -EINVAL;
	return 0;
}

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	/* x - y could overflow */
	return (x > y) - (x < y);
}

/*
 * Nearest rank of the q-th per mille of n samples, ceil(n * q / 1000),
 * split so that n * q cannot overflow. For 1 <= q < 1000 and n >= 1 it
 * is within [1, n].
 */
static size_t rank_permille(size_t n, unsigned int q)
{
	return n / 1000 * q + (n % 1000 * q + 999) / 1000;
}

/*
 * Fill @out from @s, sorted ascending, every value minus @base: a constant
 * shift keeps the order, so the percentiles of PDV are those of the
 * delays shifted.
 */
static void pct_sorted(const int64_t *s, size_t n, int64_t base,
		       struct metrics_pct *out)
{
	out->n = n;
	out->min = s[0] - base;
	out->p50 = s[rank_permille(n, 500) - 1] - base;
	out->p90 = s[rank_permille(n, 900) - 1] - base;
	out->p99 = s[rank_permille(n, 990) - 1] - base;
	out->p999 = s[rank_permille(n, 999) - 1] - base;
	out->max = s[n - 1] - base;
}

/**
 * metrics_percentiles() - nearest-rank percentiles of a sample
 * @v: the samples, in nanoseconds; left untouched
 * @n: how many
 * @out: the result, zeroed when there is none
 *
 * Nearest-rank method: the p-th percentile is the smallest sample such
 * that at least p% of the samples are less than or equal to it, i.e. the
 * ceil(p / 100 * n)-th smallest. Every percentile is then one of the
 * samples, never an interpolation between two: of 1..1000, p50 is 500,
 * p99.9 is 999. The samples are sorted in a copy so that the caller's
 * array (e.g. stat_acc.samples, in arrival order) keeps its order.
 *
 * Return: 0, -EINVAL on a NULL pointer, -ENODATA when @n is 0, -ENOMEM.
 */
int metrics_percentiles(const int64_t *v, size_t n, struct metrics_pct *out)
{
	int64_t *s;
	int ret;

	ret = args_check(v, n, out, sizeof(*out));
	if (ret)
		return ret;
	s = calloc(n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_s64);
	pct_sorted(s, n, 0, out);
	free(s);
	return 0;
}

/**
 * metrics_ipdv() - inter-packet delay variation of consecutive packets
 * @delay: one-way delays in nanoseconds, indexed by sequence number
 *	(order of sending), METRICS_ABSENT for the packets that did not arrive
 * @n: how many packets were sent
 * @out: the result, zeroed when there is none
 *
 * IPDV(i) = D(i) - D(i-1) for the pairs of consecutively sent packets
 * that both arrived (RFC 3393, and the selection function of RFC 5481
 * section 4.1): a lost packet takes out both pairs it belongs to, rather
 * than pairing its neighbours, whose difference would span two intervals.
 * The sums are kept in doubles, exact up to 2^53 ns.
 *
 * Return: 0, -EINVAL on a NULL pointer, -ENODATA when no pair arrived,
 * -ERANGE when a difference does not fit in 64 bits.
 */
int metrics_ipdv(const int64_t *delay, size_t n, struct metrics_ipdv *out)
{
	double sum = 0.0, sum_abs = 0.0;
	size_t i;
	int ret;

	ret = args_check(delay, n, out, sizeof(*out));
	if (ret)
		return ret;

	for (i = 1; i < n; i++) {
		int64_t d;

		if (delay[i] == METRICS_ABSENT ||
		    delay[i - 1] == METRICS_ABSENT)
			continue;
		if (__builtin_sub_overflow(delay[i], delay[i - 1], &d)) {
			*out = (struct metrics_ipdv){ 0 };
			return -ERANGE;
		}
		if (!out->n || d < out->min)
			out->min = d;
		if (!out->n || d > out->max)
			out->max = d;
		out->n++;
		sum += (double)d;
		/* llabs(INT64_MIN) is undefined, the double is not */
		sum_abs += fabs((double)d);
	}
	if (!out->n)
		return -ENODATA;
	out->mean = sum / (double)out->n;
	out->jitter = sum_abs / (double)out->n;
	return 0;
}

/**
 * metrics_pdv() - packet delay variation against the minimum delay
 * @delay: one-way delays in nanoseconds, METRICS_ABSENT for lost packets;
 *	left untouched
 * @n: how many entries
 * @out: percentiles of PDV, as metrics_percentiles(); min is always 0
 *
 * PDV(i) = D(i) - min(D) over the packets that arrived (RFC 5481 section
 * 4.2): the minimum is the delay without queueing, so what is left is
 * the buffering a receiver would need, which the percentiles bound.
 *
 * Return: 0, -EINVAL on a NULL pointer, -ENODATA when nothing arrived,
 * -ENOMEM, -ERANGE when max(D) - min(D) does not fit in 64 bits.
 */
int metrics_pdv(const int64_t *delay, size_t n, struct metrics_pct *out)
{
	size_t i, got = 0;
	int64_t *s, span;
	int ret = 0;

	ret = args_check(delay, n, out, sizeof(*out));
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		got += delay[i] != METRICS_ABSENT;
	if (!got)
		return -ENODATA;

	s = calloc(got, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0, got = 0; i < n; i++)
		if (delay[i] != METRICS_ABSENT)
			s[got++] = delay[i];
	qsort(s, got, sizeof(*s), cmp_s64);
	/* the widest difference fits, so every other one does */
	if (__builtin_sub_overflow(s[got - 1], s[0], &span))
		ret = -ERANGE;
	else
		pct_sorted(s, got, s[0], out);
	free(s);
	return ret;
}

struct seq_at {
	uint32_t seq;
	size_t pos;
};

/* By sequence number, then by position: the first copy comes first. */
static int cmp_seq_at(const void *a, const void *b)
{
	const struct seq_at *x = a, *y = b;

	if (x->seq != y->seq)
		return (x->seq > y->seq) - (x->seq < y->seq);
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Position of the earliest arrival with a sequence number above @seq,
 * among the @n in-order arrivals in @rec: that arrival raised the highest
 * sequence number seen, so it is one of them, and they increase in both
 * fields, which allows a binary search.
 */
static size_t first_above(const struct seq_at *rec, size_t n, uint32_t seq)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rec[mid].seq > seq)
			hi = mid;
		else
			lo = mid + 1;
	}
	return rec[lo].pos;
}

/**
 * metrics_reorder() - reordering of the packets that arrived
 * @seq: their sequence numbers, in order of arrival; left untouched
 * @n: how many arrived, duplicates included
 * @out: the result, zeroed when there is none
 *
 * Only the first copy of a sequence number counts (RFC 4737 section 3.3);
 * later copies are counted in @out->duplicates and left out, as they
 * would otherwise all look reordered. A packet is reordered when its
 * sequence number is below NextExp, one more than the highest seen so far
 * (section 3.3); the ratio is over the distinct packets (section 4.1).
 * The extent of a reordered packet at arrival position i is i - j, j the
 * earliest position with a higher sequence number (section 4.2.1), with
 * positions counted over the distinct packets. Sequence numbers do not
 * wrap: a test sends fewer than 2^32 packets.
 *
 * Return: 0, -EINVAL on a NULL pointer, -ENODATA when @n is 0, -ENOMEM.
 */
int metrics_reorder(const uint32_t *seq, size_t n, struct metrics_reorder *out)
{
	struct seq_at *at;
	uint64_t next_exp = 0;	/* 64 bits: UINT32_MAX + 1 must not wrap */
	size_t i, pos = 0, nrec = 0;
	bool *dup;
	int ret;

	ret = args_check(seq, n, out, sizeof(*out));
	if (ret)
		return ret;

	/*
	 * Sorting finds the duplicates in O(n log n) whatever the spread of
	 * the sequence numbers, where a bitmap would be sized by it.
	 */
	at = calloc(n, sizeof(*at));
	dup = calloc(n, sizeof(*dup));
	if (!at || !dup) {
		free(at);
		free(dup);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		at[i] = (struct seq_at){ .seq = seq[i], .pos = i };
	qsort(at, n, sizeof(*at), cmp_seq_at);
	for (i = 1; i < n; i++)
		if (at[i].seq == at[i - 1].seq)
			dup[at[i].pos] = true;

	/* @at is free again: it now holds the in-order arrivals */
	for (i = 0; i < n; i++) {
		if (dup[i]) {
			out->duplicates++;
			continue;
		}
		pos++;
		out->received++;
		if (seq[i] >= next_exp) {
			next_exp = (uint64_t)seq[i] + 1;
			at[nrec++] = (struct seq_at){ .seq = seq[i], .pos = pos };
		} else {
			uint64_t e = pos - first_above(at, nrec, seq[i]);

			out->reordered++;
			if (e > out->max_extent)
				out->max_extent = e;
		}
	}
	out->ratio = (double)out->reordered / (double)out->received;
	free(at);
	free(dup);
	return 0;
}

/* Lower edges of the buckets 1 .. METRICS_HIST_BUCKETS - 1, in ns. */
static const int64_t hist_edge[METRICS_HIST_BUCKETS - 1] = {
	1000, 2000, 5000,			/* 1 us */
	10000, 20000, 50000,
	100000, 200000, 500000,
	1000000, 2000000, 5000000,		/* 1 ms */
	10000000, 20000000, 50000000,
	100000000, 200000000, 500000000,
	1000000000, 2000000000, 5000000000,	/* 1 s */
	10000000000,
};

/**
 * metrics_hist_bucket() - the histogram bucket of a delay
 * @ns: the delay, in nanoseconds
 *
 * Return: 0 below 1 us (negative delays included), 1 for [1 us, 2 us),
 * and so on to METRICS_HIST_BUCKETS - 1 for 10 s and more.
 */
unsigned int metrics_hist_bucket(int64_t ns)
{
	unsigned int i = 0;

	/* 22 edges: a linear scan is as fast as anything and plainly right */
	while (i < METRICS_HIST_BUCKETS - 1 && ns >= hist_edge[i])
		i++;
	return i;
}

/**
 * metrics_hist_add() - count one delay in a histogram
 * @h: the histogram, zero-initialized before the first call
 * @ns: the delay, in nanoseconds
 */
void metrics_hist_add(struct metrics_hist *h, int64_t ns)
{
	h->count[metrics_hist_bucket(ns)]++;
	h->total++;
}

/**
 * metrics_hist_bounds() - the delays a bucket holds, [@lo, @hi)
 * @i: the bucket, below METRICS_HIST_BUCKETS
 * @lo: its lower bound, in ns, INT64_MIN for the underflow bucket
 * @hi: its upper bound (excluded), in ns, INT64_MAX for the overflow
 *	bucket, which holds INT64_MAX too
 *
 * Return: 0, or -EINVAL when @i is out of range or a pointer NULL.
 */
int metrics_hist_bounds(unsigned int i, int64_t *lo, int64_t *hi)
{
	if (i >= METRICS_HIST_BUCKETS || !lo || !hi)
		return -EINVAL;
	*lo = i ? hist_edge[i - 1] : INT64_MIN;
	*hi = i < METRICS_HIST_BUCKETS - 1 ? hist_edge[i] : INT64_MAX;
	return 0;
}

/* Every edge is a whole number of microseconds: print the largest unit. */
static int fmt_edge(char *buf, size_t len, int64_t ns)
{
	if (ns % 1000000000 == 0)
		return snprintf(buf, len, "%" PRId64 "s", ns / 1000000000);
	if (ns % 1000000 == 0)
		return snprintf(buf, len, "%" PRId64 "ms", ns / 1000000);
	return snprintf(buf, len, "%" PRId64 "us", ns / 1000);
}

/**
 * metrics_hist_label() - a bucket's bounds, for people
 * @i: the bucket, below METRICS_HIST_BUCKETS
 * @buf: where to write the label, always NUL-terminated when @len > 0
 * @len: its size; 16 bytes hold any label
 *
 * The label reads "[1us, 2us)", "[500us, 1ms)", with "(-inf, 1us)" and
 * "[10s, inf)" for the underflow and overflow buckets.
 *
 * Return: the length of the label, -EINVAL when @i is out of range or
 * @buf NULL, -ENOSPC when the label did not fit (it is then truncated).
 */
int metrics_hist_label(unsigned int i, char *buf, size_t len)
{
	/* room for any int64_t and its unit, which -Wformat-truncation sees */
	char lo[24] = "-inf", hi[24] = "inf";
	int ret;

	if (i >= METRICS_HIST_BUCKETS || !buf)
		return -EINVAL;
	if (i)
		fmt_edge(lo, sizeof(lo), hist_edge[i - 1]);
	if (i < METRICS_HIST_BUCKETS - 1)
		fmt_edge(hi, sizeof(hi), hist_edge[i]);
	ret = snprintf(buf, len, "%c%s, %s)", i ? '[' : '(', lo, hi);
	if (ret < 0 || (size_t)ret >= len)
		return -ENOSPC;
	return ret;
}
