// SPDX-License-Identifier: GPL-2.0
/* Sending schedules (tools/sender/sender_sched.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sender_sched.h"

static void test_periodic(void **state)
{
	struct sched s;
	uint64_t lo = UINT64_MAX, hi = 0;
	int i;

	sched_init(&s, false, 1000000, 42);
	for (i = 0; i < 100; i++)
		assert_int_equal(sched_gap(&s), 1000000);
	/* RFC 3432: the start is uniform over the first period */
	for (i = 0; i < 10000; i++) {
		uint64_t v = sched_start(&s);

		assert_true(v <= 1000000);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	assert_true(lo < 10000);
	assert_true(hi > 990000);
}

/* exponential gaps: mean and standard deviation both the interval */
static void test_poisson(void **state)
{
	const int n = 200000;
	double sum = 0, sum2 = 0, mean, sd;
	struct sched s;
	int i, zero = 0;

	sched_init(&s, true, 1000000, 7);
	for (i = 0; i < n; i++) {
		double v = (double)sched_gap(&s);

		sum += v;
		sum2 += v * v;
		zero += v == 0;
	}
	mean = sum / n;
	sd = sqrt(sum2 / n - mean * mean);
	assert_true(fabs(mean - 1e6) < 1e4);
	assert_true(fabs(sd - 1e6) < 2e4);
	/* P(gap < 0.5 ns) = 5e-7: none expected among 200 000 */
	assert_true(zero <= 1);
}

static void test_seeded(void **state)
{
	struct sched a, b;
	int i, same = 1;

	sched_init(&a, true, 5000, 99);
	sched_init(&b, true, 5000, 99);
	for (i = 0; i < 1000; i++)
		same &= sched_gap(&a) == sched_gap(&b);
	assert_true(same);
	sched_init(&b, true, 5000, 100);
	for (i = 0, same = 0; i < 1000; i++)
		same += sched_gap(&a) == sched_gap(&b);
	assert_true(same < 10);
	/* seed 0 (which xorshift cannot leave) still draws */
	sched_init(&a, true, 5000, 0);
	assert_true(sched_gap(&a) != sched_gap(&a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periodic),
		cmocka_unit_test(test_poisson),
		cmocka_unit_test(test_seeded),
	};

	return cmocka_run_group_tests_name("sender_sched", tests, NULL, NULL);
}
