// SPDX-License-Identifier: GPL-2.0
/*
 * Forward/backward loss (tools/loss_split.c). Each case lists the replies
 * a reflector would send: which of our packets it saw, in which order,
 * what its counter said, and which replies came back; the expected split
 * is worked out by hand in the comment above it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "loss_split.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void expect(const struct loss_reply *r, size_t n, uint64_t sent,
		   bool assume, bool stateful, bool known, uint64_t fwd,
		   uint64_t bwd, uint64_t unknown, uint64_t base)
{
	struct loss_split s;

	assert_int_equal(loss_split(r, n, sent, assume, &s), 0);
	assert_int_equal(s.stateful, stateful);
	assert_int_equal(s.known, known);
	assert_int_equal(s.forward, fwd);
	assert_int_equal(s.backward, bwd);
	assert_int_equal(s.unknown, unknown);
	assert_int_equal(s.refl_base, base);
}

/* Everything answered: nothing to split, whatever the reflector. */
static void test_no_loss(void **state)
{
	static const struct loss_reply r[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 },
	};

	expect(r, ARRAY_SIZE(r), 5, false, false, true, 0, 0, 0, 0);
	expect(r, ARRAY_SIZE(r), 5, true, true, true, 0, 0, 0, 0);
}

/*
 * 10 sent, 2, 5 and 6 never reach the reflector: it numbers the other 7
 * from 0. S_max 9 has R 6: 7 reflected of 10, 3 forward, 7 answered.
 */
static void test_forward_only(void **state)
{
	static const struct loss_reply r[] = {
		{ 0, 0 }, { 1, 1 }, { 3, 2 }, { 4, 3 }, { 7, 4 }, { 8, 5 },
		{ 9, 6 },
	};

	expect(r, ARRAY_SIZE(r), 10, false, true, true, 3, 0, 0, 0);
}

/*
 * 6 sent, all reflected (R = S), the replies to 1 and 4 lost. That is
 * what a stateless reflector would send too: unknown, unless told.
 */
static void test_backward_only(void **state)
{
	static const struct loss_reply r[] = {
		{ 0, 0 }, { 2, 2 }, { 3, 3 }, { 5, 5 },
	};

	expect(r, ARRAY_SIZE(r), 6, false, false, false, 0, 0, 2, 0);
	expect(r, ARRAY_SIZE(r), 6, true, true, true, 0, 2, 0, 0);
}

/*
 * 10 sent; 1, 2, 3 lost on the way in, so 0, 4..9 get R 0..6; the
 * replies to 6 (R 3) and 8 (R 5) lost on the way back. S_max 9, R_max 6:
 * 7 reflected, 3 forward; 5 answered, 2 backward.
 */
static void test_both(void **state)
{
	static const struct loss_reply r[] = {
		{ 0, 0 }, { 4, 1 }, { 5, 2 }, { 7, 4 }, { 9, 6 },
	};

	expect(r, ARRAY_SIZE(r), 10, false, true, true, 3, 2, 0, 0);
}

/*
 * 10 sent; 2 and 8 lost on the way in, the reply to 9 (R 7) on the way
 * back. The last answer is 7 (R 6): 1 forward before it; 8 and 9 come
 * after the last answer, their direction unknown.
 */
static void test_tail(void **state)
{
	static const struct loss_reply r[] = {
		{ 0, 0 }, { 1, 1 }, { 3, 2 }, { 4, 3 }, { 5, 4 }, { 6, 5 },
		{ 7, 6 },
	};

	expect(r, ARRAY_SIZE(r), 10, false, true, true, 1, 0, 2, 0);
}

/* Nothing answered: all unknown; nothing sent: nothing to know. */
static void test_nothing(void **state)
{
	expect(NULL, 0, 3, false, false, false, 0, 0, 3, 0);
	expect(NULL, 0, 3, true, true, false, 0, 0, 3, 0);
	expect(NULL, 0, 0, false, false, true, 0, 0, 0, 0);
}

/*
 * The reflector's session began before ours: its counter was at 100.
 * 6 sent, 3 lost on the way in: R0 = 100 - 0, R_max 104, 5 reflected of
 * 6, 1 forward. The replies arrive out of order: R0 comes from the
 * lowest Sender Seq, not the first to arrive.
 */
static void test_preexisting_base(void **state)
{
	static const struct loss_reply r[] = {
		{ 1, 101 }, { 0, 100 }, { 2, 102 }, { 5, 104 }, { 4, 103 },
	};

	expect(r, ARRAY_SIZE(r), 6, false, true, true, 1, 0, 0, 100);
}

/*
 * The same with the reply to 0 lost: R0 = 101 - 1 still, since 0 was
 * reflected (R 100); 1 backward. With 0 lost on the way in instead, the
 * counter would be one lower for every later packet and R0 would read
 * 99: the assumption the function documents.
 */
static void test_preexisting_first_lost(void **state)
{
	static const struct loss_reply r[] = {
		{ 1, 101 }, { 2, 102 }, { 4, 103 }, { 5, 104 },
	};

	expect(r, ARRAY_SIZE(r), 6, false, true, true, 1, 1, 0, 100);
}

/* Seq echoes ours: a stateless reflector; with loss, no split. */
static void test_stateless(void **state)
{
	static const struct loss_reply r[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 2 }, { 4, 4 }, { 5, 5 }, { 6, 6 },
		{ 8, 8 }, { 9, 9 },
	};

	expect(r, ARRAY_SIZE(r), 10, false, false, false, 0, 0, 2, 0);
}

/*
 * 8 sent, 5 lost on the way in; 7 overtakes 6 on the way in (7 gets R 5,
 * 6 gets R 6), and the replies come back shuffled. S_max 7 has R 5, but
 * the highest R is 6: 7 reflected of 8, 1 forward, nothing backward.
 */
static void test_reordering(void **state)
{
	static const struct loss_reply r[] = {
		{ 1, 1 }, { 0, 0 }, { 3, 3 }, { 2, 2 }, { 4, 4 }, { 6, 6 },
		{ 7, 5 },
	};

	expect(r, ARRAY_SIZE(r), 8, false, true, true, 1, 0, 0, 0);
}

/*
 * A reply duplicated on the way back is one answer; a request duplicated
 * on the way in is reflected twice (2 gets R 2 and R 3), which would
 * read as more reflected than sent: clamped, nothing lost.
 */
static void test_duplicates(void **state)
{
	static const struct loss_reply back[] = {
		{ 0, 0 }, { 1, 1 }, { 1, 1 }, { 2, 2 }, { 4, 3 }, { 4, 3 },
	};
	static const struct loss_reply in[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 2 }, { 2, 3 }, { 3, 4 }, { 4, 5 },
	};

	/* 3 lost on the way in, 4 gets R 3 */
	expect(back, ARRAY_SIZE(back), 5, false, true, true, 1, 0, 0, 0);
	expect(in, ARRAY_SIZE(in), 5, false, true, true, 0, 0, 0, 0);
}

static void test_bad_input(void **state)
{
	static const struct loss_reply r[] = { { 0, 0 }, { 5, 5 } };
	struct loss_split s;

	assert_int_equal(loss_split(r, 2, 5, false, &s), -EINVAL);
	assert_int_equal(loss_split(r, 2, 6, false, NULL), -EINVAL);
	assert_int_equal(loss_split(NULL, 2, 6, false, &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_loss),
		cmocka_unit_test(test_forward_only),
		cmocka_unit_test(test_backward_only),
		cmocka_unit_test(test_both),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_preexisting_base),
		cmocka_unit_test(test_preexisting_first_lost),
		cmocka_unit_test(test_stateless),
		cmocka_unit_test(test_reordering),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
