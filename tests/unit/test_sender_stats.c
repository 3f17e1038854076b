// SPDX-License-Identifier: GPL-2.0
/* The sender's statistics (tools/sender/sender_stats.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sender_stats.h"

static void test_moments(void **state)
{
	struct stat_acc s = { 0 };
	int64_t v;

	for (v = 4; v >= 1; v--)
		assert_int_equal(stat_add(&s, v), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.min, 1);
	assert_int_equal(s.max, 4);
	assert_true(fabs(s.mean - 2.5) < 1e-12);
	assert_true(fabs(stat_mdev(&s) - sqrt(1.25)) < 1e-12);
	/* samples are kept in arrival order, for percentiles */
	assert_int_equal(s.samples[0], 4);
	assert_int_equal(s.samples[3], 1);
	stat_free(&s);
	assert_int_equal(s.n, 0);
	assert_null(s.samples);
	assert_true(stat_mdev(&s) == 0.0);
}

/* Delays near 2^50 ns with a spread of a few ns: no cancellation. */
static void test_no_cancellation(void **state)
{
	struct stat_acc s = { 0 };
	int64_t base = 1LL << 50;

	stat_add(&s, base + 1);
	stat_add(&s, base + 2);
	stat_add(&s, base + 3);
	assert_true(fabs(stat_mdev(&s) - sqrt(2.0 / 3.0)) < 1e-3);
	stat_free(&s);
}

static void test_many_and_negative(void **state)
{
	struct stat_acc s = { 0 };
	int i;

	for (i = 0; i < 100000; i++)
		assert_int_equal(stat_add(&s, i % 2 ? -1000 : 1000), 0);
	assert_int_equal(s.min, -1000);
	assert_int_equal(s.max, 1000);
	assert_true(fabs(s.mean) < 1e-6);
	assert_true(fabs(stat_mdev(&s) - 1000.0) < 1e-6);
	assert_true(s.cap >= 100000);
	stat_free(&s);
}

static void test_loss(void **state)
{
	struct loss_acc l = { .sent = 10, .received = 6, .lost = 2 };

	assert_int_equal(loss_in_flight(&l), 2);
	/* in-flight packets count neither way */
	assert_true(fabs(loss_pct(&l) - 25.0) < 1e-12);
	l = (struct loss_acc){ 0 };
	assert_true(loss_pct(&l) == 0.0);
	l.sent = 3;
	l.lost = 3;
	assert_true(fabs(loss_pct(&l) - 100.0) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moments),
		cmocka_unit_test(test_no_cancellation),
		cmocka_unit_test(test_many_and_negative),
		cmocka_unit_test(test_loss),
	};

	return cmocka_run_group_tests_name("sender_stats", tests, NULL, NULL);
}
