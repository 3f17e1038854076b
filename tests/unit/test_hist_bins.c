// SPDX-License-Identifier: GPL-2.0
/*
 * The user's histogram bins (tools/lib/hist_bins.c): the spec's grammar
 * and its refusals, and every sample landing in the bin whose edges hold
 * it, checked against a scan of the edges themselves.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hist_bins.h"

/* the bin by definition: the first edge at or above ns */
static unsigned int scan(const struct hist_bins *b, int64_t ns)
{
	unsigned int k;

	for (k = 0; k < b->n - 1; k++)
		if (ns <= 0 || (uint64_t)ns <= hist_bins_edge(b, k))
			return k;
	return b->n - 1;
}

static void test_parse_linear(void **state)
{
	struct hist_bins b;
	const char *why = NULL;

	assert_int_equal(hist_bins_parse("bins=10,min=1ms,max=5ms", &b, &why), 0);
	assert_true(b.linear);
	assert_int_equal(b.n, 10);
	assert_int_equal(b.min, 1000000);
	assert_int_equal(b.max, 5000000);
	/* any order; a bare number is in seconds; min may be 0 */
	assert_int_equal(hist_bins_parse("max=0.002,bins=3,min=0", &b, NULL), 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.min, 0);
	assert_int_equal(b.max, 2000000);
	assert_int_equal(hist_bins_edge(&b, 0), 0);
	assert_int_equal(hist_bins_edge(&b, 1), 2000000);
	assert_int_equal(hist_bins_parse("bins=256,min=0,max=254ns", &b, NULL), 0);
	assert_int_equal(hist_bins_edge(&b, 254), 254);
}

static void test_parse_le(void **state)
{
	struct hist_bins b;

	assert_int_equal(hist_bins_parse("le=1ms,2ms,5ms", &b, NULL), 0);
	assert_false(b.linear);
	assert_int_equal(b.n, 4);
	assert_int_equal(hist_bins_edge(&b, 0), 1000000);
	assert_int_equal(hist_bins_edge(&b, 2), 5000000);
	assert_int_equal(hist_bins_parse("le=0.5", &b, NULL), 0);
	assert_int_equal(b.n, 2);
}

static void test_parse_refused(void **state)
{
	static const char *const bad[] = {
		"", "bins=2,min=1ms,max=2ms", "bins=257,min=0,max=1s",
		"bins=10,min=2ms,max=2ms", "bins=10,min=3ms,max=2ms",
		"bins=10,min=0,max=7ns",	/* 8 inner bins in 7 ns */
		"bins=10,min=1ms", "bins=10,max=1ms", "min=0,max=1ms",
		"bins=10,bins=11,min=0,max=1s", "bins=10,min=0,max=1s,x=1",
		"bins=10,min=1 parsec,max=1s", "bins=ten,min=0,max=1s",
		"bins=10,min=-1ms,max=1s", "bins=10;min=0;max=1s",
		"bins=10,min=0,max=1s,", "10,0,1s", "le=", "le=2ms,1ms",
		"le=0", "le=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21",
		"bins=10,min=00000000000000000000000000000000001ms,max=1s",
	};
	struct hist_bins b, before;
	unsigned int i;

	memset(&b, 0x5a, sizeof(b));
	before = b;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		if (hist_bins_parse(bad[i], &b, &why) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
		assert_memory_equal(&b, &before, sizeof(b));
	}
	assert_int_equal(hist_bins_parse(NULL, &b, NULL), -EINVAL);
}

/* bins that do and do not divide the range evenly, against the scan */
static void test_linear_exhaustive(void **state)
{
	static const char *const specs[] = {
		"bins=3,min=0,max=1ns", "bins=5,min=10ns,max=13ns",
		"bins=7,min=100ns,max=117ns", "bins=12,min=3ns,max=1us",
		"bins=256,min=0,max=1000ns",
	};
	unsigned int i, k;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct hist_bins b;
		uint64_t lo = UINT64_MAX, hi = 0;
		int64_t ns;

		assert_int_equal(hist_bins_parse(specs[i], &b, NULL), 0);
		for (ns = -3; ns <= (int64_t)b.max + 3; ns++)
			assert_int_equal(hist_bins_index(&b, ns), scan(&b, ns));
		/* the inner bins are as even as whole ns allow */
		for (k = 1; k < b.n - 1; k++) {
			uint64_t w = hist_bins_edge(&b, k) -
				     hist_bins_edge(&b, k - 1);

			assert_true(w >= 1);
			lo = w < lo ? w : lo;
			hi = w > hi ? w : hi;
		}
		assert_true(hi - lo <= 1);
		assert_int_equal(hist_bins_edge(&b, 0), b.min);
		assert_int_equal(hist_bins_edge(&b, b.n - 2), b.max);
	}
}

/* the outliers and the edges themselves, upper-inclusive */
static void test_edges_and_outliers(void **state)
{
	struct hist_bins b;
	unsigned int k;

	assert_int_equal(hist_bins_parse("bins=10,min=1ms,max=5ms", &b, NULL), 0);
	assert_int_equal(hist_bins_index(&b, INT64_MIN), 0);
	assert_int_equal(hist_bins_index(&b, -1), 0);
	assert_int_equal(hist_bins_index(&b, 0), 0);
	assert_int_equal(hist_bins_index(&b, 1000000), 0);
	assert_int_equal(hist_bins_index(&b, 1000001), 1);
	assert_int_equal(hist_bins_index(&b, 1500000), 1);
	assert_int_equal(hist_bins_index(&b, 1500001), 2);
	assert_int_equal(hist_bins_index(&b, 5000000), 8);
	assert_int_equal(hist_bins_index(&b, 5000001), 9);
	assert_int_equal(hist_bins_index(&b, INT64_MAX), 9);
	for (k = 0; k < b.n - 1; k++) {
		int64_t e = hist_bins_edge(&b, k);

		assert_int_equal(hist_bins_index(&b, e), k);
		assert_int_equal(hist_bins_index(&b, e + 1), k + 1);
	}
	/* a range near 2^63 ns: the product needs more than 64 bits */
	assert_int_equal(hist_bins_parse("bins=256,min=0,max=9223372036s",
					 &b, NULL), 0);
	assert_int_equal(hist_bins_index(&b, b.max), 254);
	assert_int_equal(hist_bins_index(&b, b.max - 1), 254);
	assert_int_equal(hist_bins_index(&b, hist_bins_edge(&b, 253) + 1), 254);
	assert_int_equal(hist_bins_index(&b, hist_bins_edge(&b, 253)), 253);

	assert_int_equal(hist_bins_parse("le=1ms,2ms,5ms,10ms,20ms", &b, NULL), 0);
	for (k = 0; k < b.n - 1; k++) {
		int64_t e = hist_bins_edge(&b, k);

		assert_int_equal(hist_bins_index(&b, e - 1), k);
		assert_int_equal(hist_bins_index(&b, e), k);
		assert_int_equal(hist_bins_index(&b, e + 1), k + 1);
	}
	assert_int_equal(hist_bins_index(&b, -5), 0);
	assert_int_equal(hist_bins_index(&b, INT64_MAX), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_linear),
		cmocka_unit_test(test_parse_le),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_linear_exhaustive),
		cmocka_unit_test(test_edges_and_outliers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
