// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's metrics (tools/sender/sender_metrics.c), against values computed
 * by hand from the definitions of the RFCs.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sender_metrics.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ABSENT METRICS_ABSENT

/*
 * The Makefile links this test with -Wl,--wrap=calloc: sender_metrics.c's
 * calloc() calls come here, and the one chosen by calloc_fails_in fails.
 */
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

/* -1: every call succeeds; k >= 0: the k-th call from now fails */
static int calloc_fails_in = -1;

void *__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fails_in >= 0 && calloc_fails_in-- == 0)
		return NULL;
	return __real_calloc(n, size);
}

static void assert_pct(const struct metrics_pct *p, size_t n, int64_t min,
		       int64_t p50, int64_t p90, int64_t p99, int64_t p999,
		       int64_t max)
{
	assert_int_equal(p->n, n);
	assert_int_equal(p->min, min);
	assert_int_equal(p->p50, p50);
	assert_int_equal(p->p90, p90);
	assert_int_equal(p->p99, p99);
	assert_int_equal(p->p999, p999);
	assert_int_equal(p->max, max);
}

/* 1..1000 shuffled: the k-th per mille is k itself. */
static void test_pct_1_to_1000(void **state)
{
	int64_t v[1000], copy[1000];
	struct metrics_pct p;
	size_t i;

	/* 7 is prime to 1000: i -> 7i mod 1000 is a permutation */
	for (i = 0; i < 1000; i++)
		v[i] = (int64_t)(i * 7 % 1000) + 1;
	memcpy(copy, v, sizeof(v));
	assert_int_equal(metrics_percentiles(v, 1000, &p), 0);
	assert_pct(&p, 1000, 1, 500, 900, 990, 999, 1000);
	/* the caller's array keeps its order */
	assert_memory_equal(v, copy, sizeof(v));
}

/* ceil(), not floor() nor rounding: of 1..1001 the ranks go up by one. */
static void test_pct_rank_rounds_up(void **state)
{
	int64_t v[1001];
	struct metrics_pct p;
	size_t i;

	for (i = 0; i < 1001; i++)
		v[i] = 1001 - (int64_t)i;
	assert_int_equal(metrics_percentiles(v, 1001, &p), 0);
	/* ceil(500.5), ceil(900.9), ceil(990.99), ceil(999.999) */
	assert_pct(&p, 1001, 1, 501, 901, 991, 1000, 1001);

	/* of ten samples, p99 and p99.9 are the largest (ranks 10 and 10) */
	for (i = 0; i < 10; i++)
		v[i] = 10 * (int64_t)(10 - i);
	assert_int_equal(metrics_percentiles(v, 10, &p), 0);
	assert_pct(&p, 10, 10, 50, 90, 100, 100, 100);

	/* three: p50 is rank ceil(1.5) = 2, the median */
	v[0] = 3;
	v[1] = 1;
	v[2] = 2;
	assert_int_equal(metrics_percentiles(v, 3, &p), 0);
	assert_pct(&p, 3, 1, 2, 3, 3, 3, 3);
}

static void test_pct_edge_cases(void **state)
{
	int64_t one = -5, ext[] = { INT64_MAX, INT64_MIN, 0, -1, 1 };
	struct metrics_pct p;

	assert_int_equal(metrics_percentiles(&one, 1, &p), 0);
	assert_pct(&p, 1, -5, -5, -5, -5, -5, -5);

	/* nothing to summarize: an error, and zeros for whoever prints them */
	memset(&p, 0x5a, sizeof(p));
	assert_int_equal(metrics_percentiles(&one, 0, &p), -ENODATA);
	assert_pct(&p, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(metrics_percentiles(NULL, 0, &p), -ENODATA);

	/* a comparator that subtracts would overflow here */
	assert_int_equal(metrics_percentiles(ext, ARRAY_SIZE(ext), &p), 0);
	assert_pct(&p, 5, INT64_MIN, 0, INT64_MAX, INT64_MAX, INT64_MAX,
		   INT64_MAX);
	assert_int_equal(ext[0], INT64_MAX);

	assert_int_equal(metrics_percentiles(NULL, 3, &p), -EINVAL);
	assert_int_equal(metrics_percentiles(ext, 3, NULL), -EINVAL);
}

/* A loss takes out the two pairs around it, not just one. */
static void test_ipdv_loss_in_the_middle(void **state)
{
	const int64_t d[] = { 100, 130, 110, ABSENT, 200, 150, 160 };
	struct metrics_ipdv r;

	assert_int_equal(metrics_ipdv(d, ARRAY_SIZE(d), &r), 0);
	/* 30, -20, (110..lost), (lost..200), -50, 10 */
	assert_int_equal(r.n, 4);
	assert_int_equal(r.min, -50);
	assert_int_equal(r.max, 30);
	assert_true(r.mean == -30.0 / 4);
	assert_true(r.jitter == 110.0 / 4);
}

static void test_ipdv_edges(void **state)
{
	const int64_t ends[] = { ABSENT, 10, 15, 5, ABSENT };
	const int64_t alt[] = { 10, ABSENT, 20, ABSENT, 30 };
	const int64_t neg[] = { -100, -300 };
	const int64_t one = 7;
	struct metrics_ipdv r;

	assert_int_equal(metrics_ipdv(ends, ARRAY_SIZE(ends), &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.min, -10);
	assert_int_equal(r.max, 5);
	assert_true(r.mean == -2.5);
	assert_true(r.jitter == 7.5);

	/* unsynchronized clocks: negative delays are still delays */
	assert_int_equal(metrics_ipdv(neg, 2, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.min, -200);
	assert_int_equal(r.max, -200);
	assert_true(r.mean == -200.0);
	assert_true(r.jitter == 200.0);

	/* every other packet lost: no pair at all */
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(metrics_ipdv(alt, ARRAY_SIZE(alt), &r), -ENODATA);
	assert_int_equal(r.n, 0);
	assert_true(r.mean == 0.0 && r.jitter == 0.0);
	assert_int_equal(metrics_ipdv(&one, 1, &r), -ENODATA);
	assert_int_equal(metrics_ipdv(NULL, 0, &r), -ENODATA);
	assert_int_equal(metrics_ipdv(NULL, 2, &r), -EINVAL);
	assert_int_equal(metrics_ipdv(neg, 2, NULL), -EINVAL);
}

static void test_ipdv_range(void **state)
{
	const int64_t over[] = { -2, INT64_MAX };
	const int64_t fits[] = { INT64_MAX, -1 };
	struct metrics_ipdv r;

	assert_int_equal(metrics_ipdv(over, 2, &r), -ERANGE);
	assert_int_equal(r.n, 0);
	/* -1 - INT64_MAX is exactly INT64_MIN, whose |x| is 2^63 */
	assert_int_equal(metrics_ipdv(fits, 2, &r), 0);
	assert_int_equal(r.min, INT64_MIN);
	assert_true(r.jitter == 9223372036854775808.0);
	assert_true(r.mean == -9223372036854775808.0);
}

static void test_pdv(void **state)
{
	int64_t d[] = { ABSENT, 1500, 1000, 1200, ABSENT, 3000 };
	int64_t copy[ARRAY_SIZE(d)], big[1000];
	const int64_t neg[] = { -300, ABSENT, -100 };
	struct metrics_pct p;
	size_t i;

	memcpy(copy, d, sizeof(d));
	/* PDV 500, 0, 200, 2000: ranks 2, 4, 4, 4 of 0 200 500 2000 */
	assert_int_equal(metrics_pdv(d, ARRAY_SIZE(d), &p), 0);
	assert_pct(&p, 4, 0, 200, 2000, 2000, 2000, 2000);
	assert_memory_equal(d, copy, sizeof(d));

	assert_int_equal(metrics_pdv(neg, ARRAY_SIZE(neg), &p), 0);
	assert_pct(&p, 2, 0, 0, 200, 200, 200, 200);

	/* delays 5001..6000, every tenth lost: PDV 0..999 without 9, 19.. */
	for (i = 0; i < 1000; i++)
		big[i] = i % 10 == 9 ? ABSENT : 5001 + (int64_t)i;
	assert_int_equal(metrics_pdv(big, 1000, &p), 0);
	/* 900 left, 9 in each ten: rank r is 10 * ((r - 1) / 9) + (r - 1) % 9 */
	assert_pct(&p, 900, 0, 498, 898, 988, 998, 998);
}

static void test_pdv_edges(void **state)
{
	const int64_t lost[] = { ABSENT, ABSENT };
	const int64_t wide[] = { INT64_MAX, -1 };
	const int64_t one[] = { ABSENT, 42 };
	struct metrics_pct p;

	assert_int_equal(metrics_pdv(one, 2, &p), 0);
	assert_pct(&p, 1, 0, 0, 0, 0, 0, 0);
	memset(&p, 0x5a, sizeof(p));
	assert_int_equal(metrics_pdv(lost, 2, &p), -ENODATA);
	assert_pct(&p, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(metrics_pdv(NULL, 0, &p), -ENODATA);
	assert_int_equal(metrics_pdv(wide, 2, &p), -ERANGE);
	assert_int_equal(p.n, 0);
	assert_int_equal(metrics_pdv(NULL, 1, &p), -EINVAL);
	assert_int_equal(metrics_pdv(one, 2, NULL), -EINVAL);
}

static void assert_reorder(const uint32_t *seq, size_t n, uint64_t received,
			   uint64_t dups, uint64_t reordered, uint64_t extent)
{
	struct metrics_reorder r;

	assert_int_equal(metrics_reorder(seq, n, &r), 0);
	assert_int_equal(r.received, received);
	assert_int_equal(r.duplicates, dups);
	assert_int_equal(r.reordered, reordered);
	assert_int_equal(r.max_extent, extent);
	assert_true(r.ratio == (double)reordered / (double)received);
}

static void test_reorder_singletons(void **state)
{
	const uint32_t in_order[] = { 1, 2, 3, 4, 5 };
	const uint32_t late3[] = { 1, 2, 4, 5, 3 };
	const uint32_t swap[] = { 1, 3, 2, 4 };
	const uint32_t late4[] = { 1, 2, 3, 5, 6, 7, 8, 4, 9, 10 };
	const uint32_t early4[] = { 4, 1, 2, 3 };
	const uint32_t zero_late[] = { 1, 0 };

	assert_reorder(in_order, 5, 5, 0, 0, 0);
	/* 3 < NextExp 6; the earliest above it is 4, at 3: extent 5 - 3 */
	assert_reorder(late3, 5, 5, 0, 1, 2);
	assert_reorder(swap, 4, 4, 0, 1, 1);
	/* 4 arrives 8th, 5 arrived 4th */
	assert_reorder(late4, 10, 10, 0, 1, 4);
	/*
	 * Against NextExp 5 all of 1, 2, 3 are reordered, where comparing
	 * with the previous packet would flag 1 alone; extents 1, 2, 3.
	 */
	assert_reorder(early4, 4, 4, 0, 3, 3);
	assert_reorder(zero_late, 2, 2, 0, 1, 1);
}

static void test_reorder_duplicates(void **state)
{
	const uint32_t dup_late[] = { 1, 2, 2, 3, 1 };
	const uint32_t dup_before[] = { 1, 3, 3, 2 };
	const uint32_t dup_reordered[] = { 2, 1, 1, 1 };
	const uint32_t all_same[] = { 7, 7, 7 };

	/* the late copy of 1 is a duplicate, not a reordered packet */
	assert_reorder(dup_late, 5, 3, 2, 0, 0);
	/* positions skip the copy: 2 is 3rd, 3 was 2nd */
	assert_reorder(dup_before, 4, 3, 1, 1, 1);
	assert_reorder(dup_reordered, 4, 2, 2, 1, 1);
	assert_reorder(all_same, 3, 1, 2, 0, 0);
}

static void test_reorder_edges(void **state)
{
	const uint32_t top[] = { UINT32_MAX, 5 };
	const uint32_t one = 9;
	struct metrics_reorder r;

	/* NextExp is 2^32 after UINT32_MAX, not 0 */
	assert_reorder(top, 2, 2, 0, 1, 1);
	assert_reorder(&one, 1, 1, 0, 0, 0);
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(metrics_reorder(&one, 0, &r), -ENODATA);
	assert_int_equal(r.received, 0);
	assert_true(r.ratio == 0.0);
	assert_int_equal(metrics_reorder(NULL, 1, &r), -EINVAL);
	assert_int_equal(metrics_reorder(&one, 1, NULL), -EINVAL);
}

/* The definitions of RFC 4737 word for word, in O(n^2). */
static void reorder_reference(const uint32_t *s, size_t n,
			      struct metrics_reorder *r)
{
	bool dup[n];
	size_t pos[n];		/* among the distinct arrivals, from 1 */
	uint64_t next_exp = 0;
	size_t i, j, k = 0;

	*r = (struct metrics_reorder){ 0 };
	for (i = 0; i < n; i++) {
		dup[i] = false;
		for (j = 0; j < i; j++)
			dup[i] |= s[j] == s[i];
		pos[i] = dup[i] ? 0 : ++k;
	}
	for (i = 0; i < n; i++) {
		if (dup[i]) {
			r->duplicates++;
			continue;
		}
		r->received++;
		if (s[i] >= next_exp) {
			next_exp = (uint64_t)s[i] + 1;
			continue;
		}
		r->reordered++;
		for (j = 0; dup[j] || s[j] <= s[i]; j++)
			;
		if (pos[i] - pos[j] > r->max_extent)
			r->max_extent = pos[i] - pos[j];
	}
	r->ratio = r->received ? (double)r->reordered / r->received : 0.0;
}

/* Sent in order, delayed by random amounts, some duplicated. */
static void test_reorder_vs_reference(void **state)
{
	enum { N = 600 };
	uint32_t seq[N];
	uint64_t at[N];
	uint32_t x = 12345;
	struct metrics_reorder got, want;
	size_t i, j, round;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < N; i++) {
			x = x * 1103515245 + 12345;
			/* arrival time: send time plus up to 8 * round */
			at[i] = i * 4 + (x >> 16) % (8 * round + 1);
			seq[i] = (uint32_t)i;
			if ((x >> 8) % 16 == 0 && i)
				seq[i] = seq[i - 1];
		}
		/* insertion sort by arrival time, stable */
		for (i = 1; i < N; i++) {
			uint64_t t = at[i];
			uint32_t s = seq[i];

			for (j = i; j && at[j - 1] > t; j--) {
				at[j] = at[j - 1];
				seq[j] = seq[j - 1];
			}
			at[j] = t;
			seq[j] = s;
		}
		reorder_reference(seq, N, &want);
		assert_int_equal(metrics_reorder(seq, N, &got), 0);
		assert_int_equal(got.received, want.received);
		assert_int_equal(got.duplicates, want.duplicates);
		assert_int_equal(got.reordered, want.reordered);
		assert_int_equal(got.max_extent, want.max_extent);
		assert_true(got.ratio == want.ratio);
		if (round)
			assert_true(want.reordered > 0);
		assert_true(want.duplicates > 0);
	}
}

static void test_hist_buckets(void **state)
{
	static const struct {
		int64_t ns;
		unsigned int bucket;
	} cases[] = {
		{ INT64_MIN, 0 }, { -1, 0 }, { 0, 0 }, { 999, 0 },
		{ 1000, 1 }, { 1999, 1 }, { 2000, 2 }, { 4999, 2 },
		{ 5000, 3 }, { 9999, 3 }, { 10000, 4 },
		{ 999999, 9 }, { 1000000, 10 },
		{ 999999999, 18 }, { 1000000000, 19 },
		{ 9999999999, 21 }, { 10000000000, 22 }, { INT64_MAX, 22 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(metrics_hist_bucket(cases[i].ns),
				 cases[i].bucket);
}

static void test_hist_bounds(void **state)
{
	int64_t lo, hi, prev_hi = INT64_MIN;
	unsigned int i;

	assert_int_equal(metrics_hist_bounds(0, &lo, &hi), 0);
	assert_int_equal(lo, INT64_MIN);
	assert_int_equal(hi, 1000);
	assert_int_equal(metrics_hist_bounds(1, &lo, &hi), 0);
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 2000);
	assert_int_equal(metrics_hist_bounds(10, &lo, &hi), 0);
	assert_int_equal(lo, 1000000);
	assert_int_equal(hi, 2000000);
	assert_int_equal(metrics_hist_bounds(22, &lo, &hi), 0);
	assert_int_equal(lo, 10000000000);
	assert_int_equal(hi, INT64_MAX);
	assert_int_equal(metrics_hist_bounds(23, &lo, &hi), -EINVAL);
	assert_int_equal(metrics_hist_bounds(0, NULL, &hi), -EINVAL);

	/* the buckets tile the line, and each holds exactly [lo, hi) */
	for (i = 0; i < METRICS_HIST_BUCKETS; i++) {
		assert_int_equal(metrics_hist_bounds(i, &lo, &hi), 0);
		assert_int_equal(lo, i ? prev_hi : INT64_MIN);
		assert_true(lo < hi);
		assert_int_equal(metrics_hist_bucket(lo), i);
		assert_int_equal(metrics_hist_bucket(hi - 1), i);
		if (i < METRICS_HIST_BUCKETS - 1)
			assert_int_equal(metrics_hist_bucket(hi), i + 1);
		prev_hi = hi;
	}
}

static void test_hist_labels(void **state)
{
	static const char *const want[METRICS_HIST_BUCKETS] = {
		"(-inf, 1us)", "[1us, 2us)", "[2us, 5us)", "[5us, 10us)",
		"[10us, 20us)", "[20us, 50us)", "[50us, 100us)",
		"[100us, 200us)", "[200us, 500us)", "[500us, 1ms)",
		"[1ms, 2ms)", "[2ms, 5ms)", "[5ms, 10ms)", "[10ms, 20ms)",
		"[20ms, 50ms)", "[50ms, 100ms)", "[100ms, 200ms)",
		"[200ms, 500ms)", "[500ms, 1s)", "[1s, 2s)", "[2s, 5s)",
		"[5s, 10s)", "[10s, inf)",
	};
	char buf[16];
	unsigned int i;

	for (i = 0; i < METRICS_HIST_BUCKETS; i++) {
		assert_int_equal(metrics_hist_label(i, buf, sizeof(buf)),
				 strlen(want[i]));
		assert_string_equal(buf, want[i]);
	}
	/* too short: an error, and still a C string */
	assert_int_equal(metrics_hist_label(7, buf, 5), -ENOSPC);
	assert_string_equal(buf, "[100");
	/* the NUL needs its byte: one short is truncation, exact fits */
	assert_int_equal(metrics_hist_label(1, buf, 10), -ENOSPC);
	assert_string_equal(buf, "[1us, 2us");
	assert_int_equal(metrics_hist_label(1, buf, 11), 10);
	assert_string_equal(buf, "[1us, 2us)");
	assert_int_equal(metrics_hist_label(23, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(metrics_hist_label(0, NULL, 0), -EINVAL);
}

static void test_hist_add(void **state)
{
	const int64_t v[] = { -5, 999, 1000, 1500, 2000, 10000000000,
			      INT64_MAX };
	struct metrics_hist h = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		metrics_hist_add(&h, v[i]);
	assert_int_equal(h.total, 7);
	assert_int_equal(h.count[0], 2);
	assert_int_equal(h.count[1], 2);
	assert_int_equal(h.count[2], 1);
	assert_int_equal(h.count[22], 2);
	for (i = 3; i < 22; i++)
		assert_int_equal(h.count[i], 0);
}

/*
 * Every allocation failure is -ENOMEM with the result zeroed, and frees
 * what was allocated (LeakSanitizer and valgrind see a leak); in
 * metrics_reorder() either of its two allocations may be the one.
 */
static void test_alloc_failures(void **state)
{
	const int64_t d[] = { 3, 1, ABSENT, 2 };
	const uint32_t seq[] = { 2, 1, 3 };
	struct metrics_reorder r;
	struct metrics_pct p;
	int k;

	memset(&p, 0x5a, sizeof(p));
	calloc_fails_in = 0;
	assert_int_equal(metrics_percentiles(d, 2, &p), -ENOMEM);
	assert_pct(&p, 0, 0, 0, 0, 0, 0, 0);

	memset(&p, 0x5a, sizeof(p));
	calloc_fails_in = 0;
	assert_int_equal(metrics_pdv(d, ARRAY_SIZE(d), &p), -ENOMEM);
	assert_pct(&p, 0, 0, 0, 0, 0, 0, 0);

	for (k = 0; k < 2; k++) {
		memset(&r, 0x5a, sizeof(r));
		calloc_fails_in = k;
		assert_int_equal(metrics_reorder(seq, ARRAY_SIZE(seq), &r),
				 -ENOMEM);
		assert_int_equal(r.received, 0);
		assert_int_equal(r.reordered, 0);
	}
	/* the wrapper is spent: the next calls succeed */
	assert_int_equal(calloc_fails_in, -1);
	assert_reorder(seq, ARRAY_SIZE(seq), 3, 0, 1, 1);
	assert_int_equal(metrics_percentiles(d, 2, &p), 0);
	assert_pct(&p, 2, 1, 1, 3, 3, 3, 3);
}

/*
 * An overflow after pairs that fit still leaves nothing behind; and a
 * rising maximum (every pair larger than the one before) is followed.
 */
static void test_ipdv_late_overflow_and_rising(void **state)
{
	const int64_t late[] = { 0, -2, INT64_MAX };
	const int64_t rising[] = { 0, 1, 3, 6 };
	struct metrics_ipdv r;

	assert_int_equal(metrics_ipdv(late, ARRAY_SIZE(late), &r), -ERANGE);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.min, 0);
	assert_int_equal(r.max, 0);
	assert_true(r.mean == 0.0 && r.jitter == 0.0);

	/* pairs 1, 2, 3 */
	assert_int_equal(metrics_ipdv(rising, ARRAY_SIZE(rising), &r), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.min, 1);
	assert_int_equal(r.max, 3);
	assert_true(r.mean == 2.0);
	assert_true(r.jitter == 2.0);
}

/*
 * Every edge is the 1-2-5 series from 1 us, computed here rather than
 * copied from the table; and a bucket past the last (not only the first
 * past it) is refused, never read.
 */
static void test_hist_edges_1_2_5(void **state)
{
	static const int64_t step[] = { 1, 2, 5 };
	int64_t lo, hi, decade = 1000;
	unsigned int i;
	char buf[16];

	for (i = 1; i < METRICS_HIST_BUCKETS; i++) {
		int64_t want = decade * step[(i - 1) % 3];

		assert_int_equal(metrics_hist_bounds(i, &lo, &hi), 0);
		assert_int_equal(lo, want);
		assert_int_equal(metrics_hist_bucket(want - 1), i - 1);
		assert_int_equal(metrics_hist_bucket(want), i);
		if (i % 3 == 0)
			decade *= 10;
	}
	assert_int_equal(metrics_hist_bounds(24, &lo, &hi), -EINVAL);
	assert_int_equal(metrics_hist_bounds(UINT_MAX, &lo, &hi), -EINVAL);
	assert_int_equal(metrics_hist_bounds(1, &lo, NULL), -EINVAL);
	assert_int_equal(metrics_hist_label(24, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(metrics_hist_label(UINT_MAX, buf, sizeof(buf)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pct_1_to_1000),
		cmocka_unit_test(test_pct_rank_rounds_up),
		cmocka_unit_test(test_pct_edge_cases),
		cmocka_unit_test(test_ipdv_loss_in_the_middle),
		cmocka_unit_test(test_ipdv_edges),
		cmocka_unit_test(test_ipdv_range),
		cmocka_unit_test(test_pdv),
		cmocka_unit_test(test_pdv_edges),
		cmocka_unit_test(test_reorder_singletons),
		cmocka_unit_test(test_reorder_duplicates),
		cmocka_unit_test(test_reorder_edges),
		cmocka_unit_test(test_reorder_vs_reference),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_bounds),
		cmocka_unit_test(test_hist_labels),
		cmocka_unit_test(test_hist_add),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_ipdv_late_overflow_and_rising),
		cmocka_unit_test(test_hist_edges_1_2_5),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
