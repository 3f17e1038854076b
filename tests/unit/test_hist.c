// SPDX-License-Identifier: GPL-2.0
/*
 * The log-linear histogram and the Prometheus buckets (tools/lib/hist.c):
 * the bucket scheme checked bucket by bucket, quantiles of 10^6 samples of
 * several shapes against the exact nearest-rank quantiles of the same
 * samples, merge against adding everything to one, the collapse rule,
 * the counts' halving, the boundary list parser and the exposition text.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hist.h"
#include "test_rng.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSAMPLES 1000000

/* the same samples on every run and every machine */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	return xorshift64s(&rng);
}

/* uniform in [0, 1) */
static double unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* quantiles in per million, so that the nearest rank is integer math */
static const unsigned int q_ppm[] = {
	0, 1, 1000, 10000, 100000, 250000, 500000, 750000, 900000, 990000,
	999000, 999900, 999990, 1000000,
};

/* ceil(n * ppm / 10^6), at least 1: metrics_percentiles()' rank */
static uint64_t rank_ppm(uint64_t n, unsigned int ppm)
{
	uint64_t r = (n * ppm + 999999) / 1000000;

	return r ? r : 1;
}

/*
 * Every quantile of @h against the exact one of the sorted @s: within
 * HIST_REL_ERR when answered 0, an upper bound in the collapsed bucket
 * when -ERANGE. Returns how many were answered 0.
 */
static unsigned int check_quantiles(const struct hist *h, const uint64_t *s,
				    size_t n)
{
	unsigned int i, exact = 0;

	for (i = 0; i < ARRAY_SIZE(q_ppm); i++) {
		uint64_t rank = rank_ppm(n, q_ppm[i]);
		double want = (double)s[rank - 1], got = -1;
		int rc = hist_quantile(h, q_ppm[i] / 1e6, &got);

		if (rc == 0) {
			if (fabs(got - want) > HIST_REL_ERR * want) {
				fail_msg("q=%u ppm: got %.3f, exact %.0f, error %.5f > %.5f",
					 q_ppm[i], got, want,
					 fabs(got - want) / want, HIST_REL_ERR);
			}
			exact++;
		} else {
			assert_int_equal(rc, -ERANGE);
			assert_true(got >= want);
			assert_true(rank <= hist_collapsed_count(h));
		}
	}
	return exact;
}

/* count, sum, min and max are exact whatever was collapsed */
static void check_moments(const struct hist *h, const uint64_t *s, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += s[i];
	assert_int_equal(h->count, n);
	assert_int_equal(h->sum, sum);
	assert_int_equal(h->min, s[0]);
	assert_int_equal(h->max, s[n - 1]);
}

/* Add @s to a fresh histogram, sort @s, check; returns quantiles kept. */
static unsigned int run_shape(uint64_t *s, size_t n, struct hist *h)
{
	size_t i;

	hist_reset(h);
	for (i = 0; i < n; i++)
		hist_add(h, s[i]);
	qsort(s, n, sizeof(*s), cmp_u64);
	check_moments(h, s, n);
	return check_quantiles(h, s, n);
}

/* Every bucket: its ends map back to it, neighbours touch, width bound. */
static void test_buckets_exact(void **state)
{
	unsigned int i;

	assert_int_equal(hist_index(0), 0);
	assert_int_equal(hist_index(127), 127);
	assert_int_equal(hist_index(128), 128);
	/* octave 7: 128 + ceil(k * 128 / 50) */
	assert_int_equal(hist_index(130), 128);
	assert_int_equal(hist_index(131), 129);
	assert_int_equal(hist_bucket_lo(129), 131);
	assert_int_equal(hist_index(255), 177);
	assert_int_equal(hist_index(256), 178);
	assert_int_equal(hist_index((1ULL << 56) - 1), HIST_NBUCKETS - 2);
	assert_int_equal(hist_index(1ULL << 56), HIST_NBUCKETS - 1);
	assert_int_equal(hist_index(UINT64_MAX), HIST_NBUCKETS - 1);
	assert_int_equal(hist_index((1ULL << 57) - 1), HIST_NBUCKETS - 1);
	assert_int_equal(hist_bucket_hi(HIST_NBUCKETS - 1), UINT64_MAX);
	assert_int_equal(hist_bucket_hi(HIST_NBUCKETS + 5), UINT64_MAX);
	assert_true(hist_bucket_value(HIST_NBUCKETS - 1) == 0x1p56);
	assert_true(hist_bucket_value(HIST_NBUCKETS + 3) == 0x1p56);
	assert_int_equal(hist_bucket_lo(HIST_NBUCKETS + 5), 1ULL << 56);

	for (i = 0; i < HIST_NBUCKETS; i++) {
		uint64_t lo = hist_bucket_lo(i), hi = hist_bucket_hi(i);

		assert_int_equal(hist_index(lo), i);
		assert_int_equal(hist_index(hi), i);
		if (i)
			assert_int_equal(hist_bucket_hi(i - 1) + 1, lo);
		if (i < HIST_EXACT) {
			assert_int_equal(lo, hi);
			assert_true(hist_bucket_value(i) == (double)lo);
		} else if (i < HIST_NBUCKETS - 1) {
			double v = hist_bucket_value(i);

			/*
			 * the representative's error to either end: below
			 * 1/101 in the reals, as good as equal in doubles from 2^52 on
			 */
			assert_true((v - lo) / lo <= HIST_REL_ERR * (1 + 1e-12));
			assert_true((hi - v) / hi <= HIST_REL_ERR * (1 + 1e-12));
			if (lo < 1ULL << 52)
				assert_true((v - lo) / lo < HIST_REL_ERR &&
					    (hi - v) / hi < HIST_REL_ERR);
			assert_true(v >= lo && v <= hi);
		}
	}
	/* at least 100 ns .. 100 s within the bound */
	assert_true(hist_index(100) < HIST_EXACT);
	assert_true(hist_index(100000000000ULL) < HIST_NBUCKETS - 1);
}

static void test_sizes(void **state)
{
	assert_int_equal(sizeof(struct hist), HIST_SIZE);
	assert_true(sizeof(struct hist) <= 256);
	assert_true(sizeof(struct hist_prom) == HIST_LE_MAX * 8);
}

static void test_constant(void **state)
{
	uint64_t *s = calloc(NSAMPLES, sizeof(*s));
	struct hist h;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < NSAMPLES; i++)
		s[i] = 1234567;
	assert_int_equal(run_shape(s, NSAMPLES, &h), ARRAY_SIZE(q_ppm));
	assert_int_equal(h.used, 1);
	free(s);
}

/* Uniform over 1 .. 1.5 ms: 30 buckets, nothing collapsed. */
static void test_random_clustered(void **state)
{
	uint64_t *s = calloc(NSAMPLES, sizeof(*s));
	struct hist h;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < NSAMPLES; i++)
		s[i] = 1000000 + rnd() % 500000;
	assert_int_equal(run_shape(s, NSAMPLES, &h), ARRAY_SIZE(q_ppm));
	assert_false(h.collapsed);
	free(s);
}

/* Two paths, 10 ms and 30 ms, each +-2 %. */
static void test_bimodal(void **state)
{
	uint64_t *s = calloc(NSAMPLES, sizeof(*s));
	struct hist h;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < NSAMPLES; i++) {
		uint64_t base = rnd() % 10 < 7 ? 10000000 : 30000000;

		s[i] = base - base / 50 + rnd() % (base / 25);
	}
	assert_int_equal(run_shape(s, NSAMPLES, &h), ARRAY_SIZE(q_ppm));
	assert_false(h.collapsed);
	free(s);
}

/*
 * Pareto (alpha 1.5, from 1 ms): far more buckets than slots, so the low
 * ones collapse. The high quantiles must stay within the bound, the
 * others must say they are upper bounds.
 */
static void test_heavy_tailed(void **state)
{
	uint64_t *s = calloc(NSAMPLES, sizeof(*s));
	struct hist h;
	double got;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < NSAMPLES; i++)
		s[i] = (uint64_t)(1e6 / pow(1.0 - unif(), 1.0 / 1.5));
	run_shape(s, NSAMPLES, &h);
	assert_true(h.collapsed);
	assert_int_equal(h.used, HIST_SLOTS);
	assert_int_equal(hist_quantile(&h, 1.0, &got), 0);
	assert_int_equal(hist_quantile(&h, 0.99999, &got), 0);
	assert_int_equal(hist_quantile(&h, 0.5, &got), -ERANGE);
	free(s);
}

/*
 * Log-uniform over 10 us .. 1 s: each quantile either within the bound
 * or flagged, and the flags end where the collapsed bucket does.
 */
static void test_random_wide(void **state)
{
	uint64_t *s = calloc(NSAMPLES, sizeof(*s));
	struct hist h;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < NSAMPLES; i++)
		s[i] = (uint64_t)(1e4 * pow(1e5, unif()));
	run_shape(s, NSAMPLES, &h);
	assert_true(h.collapsed);
	free(s);
}

/* Below 128 ns every value is its own bucket: quantiles are exact. */
static void test_small_exact(void **state)
{
	static uint64_t s[] = { 9, 5, 7, 100, 0, 127 };
	struct hist h;
	double got;

	run_shape(s, ARRAY_SIZE(s), &h);
	assert_int_equal(hist_quantile(&h, 0.5, &got), 0);
	assert_true(got == 7.0);
	assert_int_equal(hist_quantile(&h, 0.0, &got), 0);
	assert_true(got == 0.0);
	assert_int_equal(hist_quantile(&h, 0.51, &got), 0);
	assert_true(got == 9.0);
	assert_true(hist_mean(&h) == 248.0 / 6);
}

static void test_quantile_errors(void **state)
{
	struct hist h;
	double got = 42;

	hist_reset(&h);
	assert_int_equal(hist_quantile(&h, 0.5, &got), -ENODATA);
	assert_true(hist_mean(&h) == 0.0);
	hist_add(&h, 1000);
	assert_int_equal(hist_quantile(&h, -0.01, &got), -EINVAL);
	assert_int_equal(hist_quantile(&h, 1.01, &got), -EINVAL);
	assert_int_equal(hist_quantile(&h, NAN, &got), -EINVAL);
	assert_int_equal(hist_quantile(NULL, 0.5, &got), -EINVAL);
	assert_int_equal(hist_quantile(&h, 0.5, NULL), -EINVAL);
	assert_true(got == 42);
	assert_int_equal(hist_quantile(&h, 0.5, &got), 0);
	/* clamped to [min, max]: one sample is answered exactly */
	assert_true(got == 1000.0);
}

/* 0.29 * 100 is 29.000000000000004: the rank is still 29. */
static void test_quantile_rank_rounding(void **state)
{
	struct hist h;
	double got;
	unsigned int i;

	hist_reset(&h);
	for (i = 1; i <= 100; i++)
		hist_add(&h, i < 29 ? 10 : i == 29 ? 20 : 30);
	assert_int_equal(hist_quantile(&h, 0.29, &got), 0);
	assert_true(got == 20.0);
	assert_int_equal(hist_quantile(&h, 0.291, &got), 0);
	assert_true(got == 30.0);
	assert_int_equal(hist_quantile(&h, 0.28, &got), 0);
	assert_true(got == 10.0);
}

static void assert_hist_equal(const struct hist *a, const struct hist *b)
{
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->sum, b->sum);
	assert_int_equal(a->min, b->min);
	assert_int_equal(a->max, b->max);
	assert_int_equal(a->used, b->used);
	assert_int_equal(a->collapsed, b->collapsed);
	assert_memory_equal(a->bucket, b->bucket, a->used * sizeof(a->bucket[0]));
	assert_memory_equal(a->n_in, b->n_in, a->used * sizeof(a->n_in[0]));
}

/* Without collapsing, merging equals adding everything to one. */
static void test_merge_equals_add(void **state)
{
	struct hist all, a, b, empty;
	unsigned int i;

	hist_reset(&all);
	hist_reset(&a);
	hist_reset(&b);
	hist_reset(&empty);
	for (i = 0; i < 100000; i++) {
		/* a and b see different ranges, overlapping in the middle */
		uint64_t v = 2000000 + rnd() % 1000000;

		hist_add(&all, v);
		hist_add(v < 2600000 ? &a : &b, v);
	}
	hist_add(&all, 3);
	hist_add(&b, 3);
	assert_int_equal(hist_merge(&a, &b), 0);
	assert_hist_equal(&a, &all);
	/* an empty one changes nothing, either way round */
	assert_int_equal(hist_merge(&a, &empty), 0);
	assert_hist_equal(&a, &all);
	assert_int_equal(hist_merge(&empty, &all), 0);
	assert_hist_equal(&empty, &all);
	assert_int_equal(hist_merge(&a, &a), -EINVAL);
	assert_int_equal(hist_merge(NULL, &a), -EINVAL);
	assert_int_equal(hist_merge(&a, NULL), -EINVAL);
}

/*
 * Merging collapsed histograms keeps count, sum, min, max exact and the
 * quantile flags true, whichever side collapsed.
 */
static void test_merge_collapsed(void **state)
{
	static uint64_t s[60000];
	struct hist a, b, c;
	unsigned int i;

	hist_reset(&a);
	hist_reset(&b);
	hist_reset(&c);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		struct hist *h = i % 3 == 0 ? &a : i % 3 == 1 ? &b : &c;

		/* a: 1 .. 4 ms (collapses), b: 1.9 .. 2 ms, c: 50 .. 60 us */
		if (h == &a)
			s[i] = 1000000 + rnd() % 3000000;
		else if (h == &b)
			s[i] = 1900000 + rnd() % 100000;
		else
			s[i] = 50000 + rnd() % 10000;
		hist_add(h, s[i]);
	}
	assert_true(a.collapsed);
	assert_false(b.collapsed);
	assert_false(c.collapsed);
	/* collapsed into an uncollapsed one with lower buckets */
	assert_int_equal(hist_merge(&b, &a), 0);
	assert_true(b.collapsed);
	/* an uncollapsed lower one into a collapsed one */
	assert_int_equal(hist_merge(&b, &c), 0);
	qsort(s, ARRAY_SIZE(s), sizeof(s[0]), cmp_u64);
	check_moments(&b, s, ARRAY_SIZE(s));
	assert_true(check_quantiles(&b, s, ARRAY_SIZE(s)) >= 4);
}

/* The collapse rule: the lowest bucket absorbs, the rest stay exact. */
static void test_collapse_lowest(void **state)
{
	struct hist h;
	struct hist_iter it = { 0 };
	unsigned int i, n = 0;
	uint64_t total = 0;
	double got;

	hist_reset(&h);
	/* buckets 200 .. 235: all slots, one sample each */
	for (i = 0; i < HIST_SLOTS; i++)
		hist_add(&h, hist_bucket_lo(200 + i));
	assert_false(h.collapsed);
	assert_int_equal(hist_collapsed_count(&h), 0);
	/* a new top bucket: 200 goes into 201 */
	hist_add(&h, hist_bucket_lo(300));
	assert_true(h.collapsed);
	assert_int_equal(h.used, HIST_SLOTS);
	assert_int_equal(h.bucket[0], 201);
	assert_int_equal(hist_collapsed_count(&h), 2);
	/* below the lowest: counted in it */
	hist_add(&h, 5);
	assert_int_equal(h.bucket[0], 201);
	assert_int_equal(hist_collapsed_count(&h), 3);
	/* an existing bucket: no change of shape */
	hist_add(&h, hist_bucket_lo(210));
	assert_int_equal(h.used, HIST_SLOTS);
	assert_int_equal(hist_collapsed_count(&h), 3);
	/* ranks 1..3 are in the collapsed bucket: an upper bound */
	assert_int_equal(hist_quantile(&h, 0.0, &got), -ERANGE);
	assert_true(got == (double)hist_bucket_hi(201));
	assert_int_equal(hist_quantile(&h, 3.0 / 39, &got), -ERANGE);
	assert_int_equal(hist_quantile(&h, 4.0 / 39, &got), 0);
	assert_true(fabs(got - hist_bucket_value(202)) < 1e-6);
	while (hist_next(&h, &it)) {
		assert_int_equal(it.collapsed, n == 0);
		assert_int_equal(it.bucket, h.bucket[n]);
		assert_int_equal(it.lo, hist_bucket_lo(it.bucket));
		assert_int_equal(it.hi, hist_bucket_hi(it.bucket));
		total += it.count;
		n++;
	}
	assert_int_equal(n, HIST_SLOTS);
	assert_int_equal(total, h.count);
	assert_false(hist_next(&h, &it));
}

static void expect_slots(const struct hist *h, const unsigned int *bucket,
			 const uint32_t *n, unsigned int used, bool collapsed)
{
	unsigned int i;

	assert_int_equal(h->used, used);
	assert_int_equal(h->collapsed, collapsed);
	for (i = 0; i < used; i++) {
		assert_int_equal(h->bucket[i], bucket[i]);
		assert_int_equal(h->n_in[i], n[i]);
	}
}

/* Fill all slots, bucket @first + @step * k holding k + 1 samples. */
static void fill(struct hist *h, unsigned int first, unsigned int step)
{
	unsigned int k, j;

	hist_reset(h);
	for (k = 0; k < HIST_SLOTS; k++)
		for (j = 0; j <= k; j++)
			hist_add(h, hist_bucket_lo(first + step * k));
}

/* Each way a full histogram makes room, slot by slot. */
static void test_collapse_shapes(void **state)
{
	unsigned int b[HIST_SLOTS], k;
	uint32_t n[HIST_SLOTS];
	struct hist h;

	/* a new top: 200 (1) goes into 201 (2), the rest move down */
	fill(&h, 200, 1);
	hist_add(&h, hist_bucket_lo(300));
	for (k = 0; k < HIST_SLOTS - 1; k++) {
		b[k] = 201 + k;
		n[k] = k + 2;
	}
	n[0] = 3;
	b[HIST_SLOTS - 1] = 300;
	n[HIST_SLOTS - 1] = 1;
	expect_slots(&h, b, n, HIST_SLOTS, true);

	/* below the lowest of a full one: the lowest takes it */
	fill(&h, 200, 1);
	hist_add(&h, 7);
	for (k = 0; k < HIST_SLOTS; k++) {
		b[k] = 200 + k;
		n[k] = k + 1;
	}
	n[0] = 2;
	expect_slots(&h, b, n, HIST_SLOTS, true);

	/* between the lowest two: the new one is the next up, takes 200 */
	fill(&h, 200, 2);
	hist_add(&h, hist_bucket_lo(201));
	for (k = 0; k < HIST_SLOTS; k++) {
		b[k] = 200 + 2 * k;
		n[k] = k + 1;
	}
	b[0] = 201;
	n[0] = 2;
	expect_slots(&h, b, n, HIST_SLOTS, true);

	/* between the second and third: 200 into 202, 203 inserted */
	fill(&h, 200, 2);
	hist_add(&h, hist_bucket_lo(203));
	b[0] = 202;
	n[0] = 3;
	b[1] = 203;
	n[1] = 1;
	for (k = 2; k < HIST_SLOTS; k++) {
		b[k] = 200 + 2 * k;
		n[k] = k + 1;
	}
	expect_slots(&h, b, n, HIST_SLOTS, true);
}

/* Merging a collapsed histogram folds what lies below its lowest bucket. */
static void test_merge_fold(void **state)
{
	static const unsigned int b1[] = { 160, 200, 250, 300 };
	static const uint32_t n1[] = { 11, 7, 3, 1 };
	static const unsigned int b2[] = { 150, 200, 300 };
	static const uint32_t n2[] = { 8, 2, 1 };
	static const unsigned int b3[] = { 200, 250, 300 };
	static const uint32_t n3[] = { 8, 2, 1 };
	struct hist dst, src;

	/* dst not collapsed, two buckets below src's collapsed 160 */
	hist_reset(&dst);
	hist_reset(&src);
	dst = (struct hist){ .count = 15, .used = 4,
			     .bucket = { 100, 150, 200, 300 },
			     .n_in = { 5, 2, 7, 1 } };
	src = (struct hist){ .count = 7, .used = 2, .collapsed = true,
			     .bucket = { 160, 250 }, .n_in = { 4, 3 } };
	assert_int_equal(hist_merge(&dst, &src), 0);
	expect_slots(&dst, b1, n1, 4, true);
	assert_int_equal(dst.count, 22);

	/* dst collapsed lower than src: its collapsed bucket folds too */
	dst = (struct hist){ .count = 7, .used = 2, .collapsed = true,
			     .bucket = { 100, 200 }, .n_in = { 5, 2 } };
	src = (struct hist){ .count = 4, .used = 2, .collapsed = true,
			     .bucket = { 150, 300 }, .n_in = { 3, 1 } };
	assert_int_equal(hist_merge(&dst, &src), 0);
	expect_slots(&dst, b2, n2, 3, true);

	/* dst collapsed higher: src's low samples go into dst's lowest */
	dst = (struct hist){ .count = 6, .used = 2, .collapsed = true,
			     .bucket = { 200, 300 }, .n_in = { 5, 1 } };
	src = (struct hist){ .count = 5, .used = 2, .collapsed = true,
			     .bucket = { 150, 250 }, .n_in = { 3, 2 } };
	assert_int_equal(hist_merge(&dst, &src), 0);
	expect_slots(&dst, b3, n3, 3, true);

	/* a full dst, 20 of its buckets folded */
	{
		unsigned int b[17], k;
		uint32_t n[17];

		fill(&dst, 100, 1);
		src = (struct hist){ .count = 1, .used = 1, .collapsed = true,
				     .bucket = { 120 }, .n_in = { 1 } };
		assert_int_equal(hist_merge(&dst, &src), 0);
		b[0] = 120;
		n[0] = 21 * 22 / 2 + 1;
		for (k = 1; k < 16; k++) {
			b[k] = 120 + k;
			n[k] = 21 + k;
		}
		expect_slots(&dst, b, n, 16, true);
	}

	/* the folded counts overflow: halved, and src's after them */
	{
		static const unsigned int b4[] = { 150, 200, 300 };
		static const uint32_t n4[] = { (1U << 31) + 1, 1, 1 };

		dst = (struct hist){ .count = 3, .used = 3,
				     .bucket = { 100, 120, 200 },
				     .n_in = { UINT32_MAX, UINT32_MAX, 4 } };
		src = (struct hist){ .count = 3, .used = 2, .collapsed = true,
				     .bucket = { 150, 300 }, .n_in = { 1, 2 } };
		assert_int_equal(hist_merge(&dst, &src), 0);
		expect_slots(&dst, b4, n4, 3, true);
	}
}

/* A collapsed histogram's low bucket takes whatever comes below it. */
static void test_collapsed_not_full(void **state)
{
	struct hist h;

	hist_reset(&h);
	hist_add(&h, 1000);
	hist_add(&h, 2000);
	h.collapsed = true;
	hist_add(&h, 500);
	assert_int_equal(h.used, 2);
	assert_int_equal(h.n_in[0], 2);
	assert_int_equal(hist_collapsed_count(&h), 2);
}

/* 2^32 samples in one bucket: everything halves, rounding up. */
static void test_halving(void **state)
{
	struct hist h, g;

	hist_reset(&h);
	hist_add(&h, 1000);
	hist_add(&h, 2000);
	hist_add(&h, 3000);
	/* up to UINT32_MAX itself nothing halves */
	h.n_in[0] = 3;
	h.n_in[1] = UINT32_MAX - 1;
	h.n_in[2] = 5;
	hist_add(&h, 2000);
	assert_int_equal(h.n_in[0], 3);
	assert_int_equal(h.n_in[1], UINT32_MAX);
	assert_int_equal(h.n_in[2], 5);
	hist_add(&h, 2000);
	assert_int_equal(h.n_in[0], 2);
	assert_int_equal(h.n_in[1], (1ULL << 31) + 1);
	assert_int_equal(h.n_in[2], 3);
	assert_int_equal(h.count, 5);

	/* a merge that overflows halves what it adds after too */
	hist_reset(&g);
	hist_add(&g, 2000);
	hist_add(&g, 3000);
	g.n_in[0] = UINT32_MAX;
	g.n_in[1] = 8;
	assert_int_equal(hist_merge(&h, &g), 0);
	assert_int_equal(h.n_in[0], 1);
	assert_int_equal(h.n_in[1], (1ULL << 31) + (1ULL << 30) + 1);
	assert_int_equal(h.n_in[2], 2 + 4);

	/* the collapse's merge of the two lowest may overflow too */
	hist_reset(&h);
	for (unsigned int i = 0; i < HIST_SLOTS; i++)
		hist_add(&h, hist_bucket_lo(400 + i));
	h.n_in[0] = UINT32_MAX;
	h.n_in[1] = UINT32_MAX;
	h.n_in[2] = 7;
	hist_add(&h, hist_bucket_lo(500));
	assert_int_equal(h.bucket[0], 401);
	assert_int_equal(h.n_in[0], 1ULL << 31);
	assert_int_equal(h.n_in[1], 2);
	assert_int_equal(h.bucket[HIST_SLOTS - 1], 500);
	assert_int_equal(h.n_in[HIST_SLOTS - 1], 1);

	/*
	 * A merge whose collapse halves: the bucket added then is halved
	 * too, and so is every later one from the same source.
	 */
	hist_reset(&h);
	hist_reset(&g);
	for (unsigned int i = 0; i < HIST_SLOTS; i++)
		hist_add(&h, hist_bucket_lo(400 + i));
	h.n_in[0] = UINT32_MAX;
	h.n_in[1] = UINT32_MAX;
	hist_add(&g, hist_bucket_lo(500));
	hist_add(&g, hist_bucket_lo(600));
	g.n_in[0] = 8;
	g.n_in[1] = 4;
	assert_int_equal(hist_merge(&h, &g), 0);
	assert_int_equal(h.bucket[HIST_SLOTS - 2], 500);
	assert_int_equal(h.n_in[HIST_SLOTS - 2], 2);
	assert_int_equal(h.bucket[HIST_SLOTS - 1], 600);
	assert_int_equal(h.n_in[HIST_SLOTS - 1], 1);
}

static void test_sum_saturates(void **state)
{
	struct hist h, g;

	hist_reset(&h);
	hist_reset(&g);
	hist_add(&h, UINT64_MAX - 10);
	hist_add(&h, 20);
	assert_int_equal(h.sum, UINT64_MAX);
	assert_int_equal(h.max, UINT64_MAX - 10);
	hist_add(&g, UINT64_MAX - 10);
	hist_add(&g, 5);
	assert_int_equal(g.sum, UINT64_MAX - 5);
	assert_int_equal(hist_merge(&g, &h), 0);
	assert_int_equal(g.sum, UINT64_MAX);
	assert_int_equal(g.min, 5);
}

static void test_le_default(void **state)
{
	static const char *const want[] = {
		"0.00001", "0.00002", "0.00005", "0.0001", "0.0002", "0.0005",
		"0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1",
		"0.2", "0.5", "1", "2", "5", "10",
	};
	const struct hist_le *le = &hist_le_default;
	char buf[32];
	unsigned int i;

	assert_int_equal(le->n, ARRAY_SIZE(want));
	for (i = 0; i < le->n; i++) {
		assert_int_equal(hist_le_format(le->ns[i], buf, sizeof(buf)), 0);
		assert_string_equal(buf, want[i]);
		if (i)
			assert_true(le->ns[i] > le->ns[i - 1]);
	}
	assert_int_equal(hist_le_format(1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0.000000001");
	assert_int_equal(hist_le_format(1500000000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1.5");
	assert_int_equal(hist_le_format(1500000000, buf, 4), 0);
	assert_int_equal(hist_le_format(1500000000, buf, 3), -ENOSPC);
	assert_int_equal(hist_le_format(1500000000, buf, 2), -ENOSPC);
	assert_int_equal(hist_le_format(2000000000500ULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2000.0000005");
	assert_int_equal(hist_le_format(10000000000ULL, buf, 3), 0);
	assert_int_equal(hist_le_format(10000000000ULL, buf, 2), -ENOSPC);
	assert_int_equal(hist_le_format(1, NULL, 8), -EINVAL);
}

static void test_le_parse(void **state)
{
	struct hist_le le, keep = { .n = 1, .ns = { 7 } };
	char many[256] = "";
	unsigned int i;

	assert_int_equal(hist_le_parse("1ms, 10ms 100ms,1s", &le), 0);
	assert_int_equal(le.n, 4);
	assert_int_equal(le.ns[0], 1000000);
	assert_int_equal(le.ns[1], 10000000);
	assert_int_equal(le.ns[2], 100000000);
	assert_int_equal(le.ns[3], 1000000000);
	assert_int_equal(hist_le_parse(" 0.00001,0.5\t2 ", &le), 0);
	assert_int_equal(le.n, 3);
	assert_int_equal(le.ns[0], 10000);
	assert_int_equal(le.ns[1], 500000000);
	assert_int_equal(le.ns[2], 2000000000);
	assert_int_equal(hist_le_parse("250us,1500ns,3e3us", &le), -EINVAL);
	assert_int_equal(hist_le_parse("1500ns,250us,3e3us", &le), 0);
	assert_int_equal(le.ns[0], 1500);
	assert_int_equal(le.ns[1], 250000);
	assert_int_equal(le.ns[2], 3000000);

	le = keep;
	assert_int_equal(hist_le_parse("", &le), -EINVAL);
	assert_int_equal(hist_le_parse(" , ", &le), -EINVAL);
	assert_int_equal(hist_le_parse("1ms,1ms", &le), -EINVAL);
	assert_int_equal(hist_le_parse("2,1", &le), -EINVAL);
	assert_int_equal(hist_le_parse("1xs", &le), -EINVAL);
	assert_int_equal(hist_le_parse("1m", &le), -EINVAL);
	assert_int_equal(hist_le_parse("1mss", &le), -EINVAL);
	assert_int_equal(hist_le_parse("-1", &le), -EINVAL);
	assert_int_equal(hist_le_parse("0", &le), -EINVAL);
	assert_int_equal(hist_le_parse("abc", &le), -EINVAL);
	assert_int_equal(hist_le_parse("0.4ns", &le), -EINVAL);
	assert_int_equal(hist_le_parse("1e10", &le), -EINVAL);
	assert_int_equal(hist_le_parse("inf", &le), -EINVAL);
	assert_int_equal(hist_le_parse(NULL, &le), -EINVAL);
	assert_int_equal(hist_le_parse("1", NULL), -EINVAL);
	for (i = 1; i <= HIST_LE_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "%ums,", i);
	assert_int_equal(hist_le_parse(many, &le), -E2BIG);
	assert_int_equal(le.n, 1);
	assert_int_equal(le.ns[0], 7);
	/* exactly HIST_LE_MAX is fine; 0.6 ns rounds to 1 */
	assert_int_equal(hist_le_parse("0.6ns,2ns,3ns,4ns,5ns,6ns,7ns,8ns,9ns,10ns,11ns,12ns,13ns,14ns,15ns,16ns,17ns,18ns,19ns,20ns", &le), 0);
	assert_int_equal(le.n, HIST_LE_MAX);
	assert_int_equal(le.ns[0], 1);
	assert_int_equal(le.ns[19], 20);
	assert_int_equal(hist_le_parse("9223372036s", &le), 0);
	assert_int_equal(hist_le_parse("9223372037s", &le), -EINVAL);
	/* 2^63 ns itself does not fit an int64 */
	assert_int_equal(hist_le_parse("9223372036.854775808s", &le), -EINVAL);
	assert_int_equal(hist_le_parse("nan", &le), -EINVAL);
}

struct out {
	char text[2048];
	int fail_at;	/* the call that returns -EIO, 0 for none */
	int calls;
};

static int emit(void *ctx, const char *suffix, const char *le,
		const char *value)
{
	struct out *o = ctx;
	size_t n = strlen(o->text);

	if (++o->calls == o->fail_at)
		return -EIO;
	snprintf(o->text + n, sizeof(o->text) - n, "%s%s%s%s %s\n", suffix,
		 le ? "{le=\"" : "", le ? le : "", le ? "\"}" : "", value);
	return 0;
}

static void test_prom(void **state)
{
	static const struct hist_le le = { .n = 3, .ns = { 1000, 2000, 5000 } };
	struct hist_prom p = { { 0 } };
	struct out o = { "", 0, 0 };
	int i;

	/* le is "less or equal": 1000 counts in the first bucket */
	hist_prom_add(&p, &le, 0);
	hist_prom_add(&p, &le, 1000);
	hist_prom_add(&p, &le, 1001);
	hist_prom_add(&p, &le, 2000);
	hist_prom_add(&p, &le, 4999);
	hist_prom_add(&p, &le, 5001);
	hist_prom_add(&p, &le, UINT64_MAX);
	assert_int_equal(p.in[0], 2);
	assert_int_equal(p.in[1], 2);
	assert_int_equal(p.in[2], 1);
	/* above the last boundary nothing but _count */
	assert_int_equal(p.in[3], 0);
	assert_int_equal(hist_prom_write(&p, &le, 7, 1500000000123ULL, emit, &o), 0);
	assert_string_equal(o.text,
			    "_bucket{le=\"0.000001\"} 2\n"
			    "_bucket{le=\"0.000002\"} 4\n"
			    "_bucket{le=\"0.000005\"} 5\n"
			    "_bucket{le=\"+Inf\"} 7\n"
			    "_sum 1500.000000123\n"
			    "_count 7\n");
	/* the caller's error stops the walk, at every line */
	for (i = 1; i <= 6; i++) {
		o = (struct out){ "", i, 0 };
		assert_int_equal(hist_prom_write(&p, &le, 7, 0, emit, &o), -EIO);
		assert_int_equal(o.calls, i);
	}
	o = (struct out){ "", 0, 0 };
	assert_int_equal(hist_prom_write(&p, &le, 4, 0, emit, &o), -EINVAL);
	assert_int_equal(hist_prom_write(&p, &le, 5, 0, emit, &o), 0);
	assert_int_equal(hist_prom_write(NULL, &le, 5, 0, emit, &o), -EINVAL);
	assert_int_equal(hist_prom_write(&p, NULL, 5, 0, emit, &o), -EINVAL);
	assert_int_equal(hist_prom_write(&p, &le, 5, 0, NULL, &o), -EINVAL);
	{
		struct hist_le full = { .n = HIST_LE_MAX };
		struct hist_prom pf = { { 0 } };

		for (i = 0; i < HIST_LE_MAX; i++)
			full.ns[i] = 1000 * (i + 1);
		hist_prom_add(&pf, &full, 20000);
		o = (struct out){ "", 0, 0 };
		assert_int_equal(hist_prom_write(&pf, &full, 2, 0, emit, &o), 0);
		assert_int_equal(o.calls, HIST_LE_MAX + 3);
		assert_non_null(strstr(o.text, "_bucket{le=\"0.00002\"} 1\n"));
	}
	{
		struct hist_le bad = { .n = HIST_LE_MAX + 1 };

		assert_int_equal(hist_prom_write(&p, &bad, 5, 0, emit, &o),
				 -EINVAL);
	}
}

/* Every sample against the boundaries: exact whatever the scheme. */
static void test_prom_exact(void **state)
{
	const struct hist_le *le = &hist_le_default;
	uint64_t want[HIST_LE_MAX] = { 0 };
	struct hist_prom p = { { 0 } };
	unsigned int i, b;

	for (i = 0; i < 200000; i++) {
		uint64_t v = (uint64_t)(1e3 * pow(1e8, unif()));

		/* boundaries themselves, and their neighbours, often */
		if (i % 4 == 0)
			v = le->ns[rnd() % le->n] + rnd() % 3 - 1;
		hist_prom_add(&p, le, v);
		for (b = 0; b < le->n; b++)
			if (v <= le->ns[b])
				want[b]++;
	}
	for (b = 0, i = 0; b < le->n; b++) {
		i += p.in[b];
		assert_int_equal(i, want[b]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets_exact),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_random_clustered),
		cmocka_unit_test(test_bimodal),
		cmocka_unit_test(test_heavy_tailed),
		cmocka_unit_test(test_random_wide),
		cmocka_unit_test(test_small_exact),
		cmocka_unit_test(test_quantile_errors),
		cmocka_unit_test(test_quantile_rank_rounding),
		cmocka_unit_test(test_merge_equals_add),
		cmocka_unit_test(test_merge_collapsed),
		cmocka_unit_test(test_collapse_lowest),
		cmocka_unit_test(test_collapsed_not_full),
		cmocka_unit_test(test_collapse_shapes),
		cmocka_unit_test(test_merge_fold),
		cmocka_unit_test(test_halving),
		cmocka_unit_test(test_sum_saturates),
		cmocka_unit_test(test_le_default),
		cmocka_unit_test(test_le_parse),
		cmocka_unit_test(test_prom),
		cmocka_unit_test(test_prom_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
