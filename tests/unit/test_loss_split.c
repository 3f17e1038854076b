// SPDX-License-Identifier: GPL-2.0
/*
 * Forward/backward loss (tools/sender/loss_split.c). Each case lists the replies
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

/*
 * The Makefile links this test with -Wl,--wrap=malloc: loss_split.c's
 * malloc() comes here, and fails when malloc_fails is set.
 */
void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);

static bool malloc_fails;

void *__wrap_malloc(size_t size)
{
	if (malloc_fails) {
		malloc_fails = false;
		return NULL;
	}
	return __real_malloc(size);
}

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

/*
 * The reflector's session is old: its Seq is 0xfffffffe for our 0 and
 * wraps to 0 at our 2. 8 sent, 3 lost on the way in, the reply to 5 (R 2)
 * on the way back: R_max counted from R0 modulo 2^32 is 5 (our 7, R 4),
 * 6 reflected of 8, 1 forward, 1 backward. The replies arrive newest
 * first: sorting must go by Sender Seq, whatever their Seqs say.
 */
static void test_refl_seq_wraps(void **state)
{
	static const struct loss_reply r[] = {
		{ 7, 4 }, { 6, 3 }, { 4, 1 }, { 2, 0 }, { 1, 0xffffffff },
		{ 0, 0xfffffffe },
	};

	expect(r, ARRAY_SIZE(r), 8, false, true, true, 1, 1, 0, 0xfffffffe);
}

/*
 * A bad first reply is refused like any other (the check starts at the
 * first), a Sender Seq far above @sent too; and the first reply alone can
 * be the evidence of a stateful reflector: 4 sent, 2 lost on the way in,
 * 3 gets R 2, and only its reply has Seq != Sender Seq.
 */
static void test_first_reply(void **state)
{
	static const struct loss_reply bad_first[] = { { 9, 9 }, { 0, 0 } };
	static const struct loss_reply far[] = { { 0, 0 }, { 7, 7 } };
	static const struct loss_reply first_tells[] = {
		{ 3, 2 }, { 0, 0 }, { 1, 1 },
	};
	struct loss_split s;

	assert_int_equal(loss_split(bad_first, 2, 5, false, &s), -EINVAL);
	assert_int_equal(loss_split(far, 2, 5, false, &s), -EINVAL);
	expect(first_tells, ARRAY_SIZE(first_tells), 4, false, true, true,
	       1, 0, 0, 0);
}

/*
 * The first packets lost on the way in: 3 sent, 0 and 1 never arrive, 2
 * gets R 0. R 0 is not above S 2, so R0 stays 0 (not 0 - 2): 1 reflected
 * of 3, 2 forward.
 */
static void test_first_packets_lost(void **state)
{
	static const struct loss_reply r[] = { { 2, 0 } };

	expect(r, ARRAY_SIZE(r), 3, false, true, true, 2, 0, 0, 0);
}

/*
 * R0 comes from the lowest Sender Seq's own reply, whatever the next one
 * says. 6 sent to a reflector at 2: 0 gets R 2, 1 to 4 are lost on the
 * way in, 5 gets R 3: 4 forward. And 4 sent to a new session: 0 lost on
 * the way in, 1 gets R 0, 2 gets R 1 (its reply lost), 3 gets R 2: R0
 * is 0 although R 2 is above the lowest Sender Seq 1.
 */
static void test_base_from_lowest(void **state)
{
	static const struct loss_reply old[] = { { 5, 3 }, { 0, 2 } };
	static const struct loss_reply fresh[] = { { 3, 2 }, { 1, 0 } };

	expect(old, ARRAY_SIZE(old), 6, false, true, true, 4, 0, 0, 2);
	expect(fresh, ARRAY_SIZE(fresh), 4, false, true, true, 1, 1, 0, 0);
}

/*
 * Our 0 is duplicated on the way in to a reflector at 100 (R 100 and
 * 101), 1 and 2 get R 102 and 103: R0 is the first reflection's, 100,
 * in whichever order the two replies arrive; 4 reflected for 3 sent is
 * clamped to 3.
 */
static void test_base_from_first_reflection(void **state)
{
	static const struct loss_reply later_first[] = {
		{ 0, 101 }, { 0, 100 }, { 1, 102 }, { 2, 103 },
	};
	static const struct loss_reply earlier_first[] = {
		{ 0, 100 }, { 0, 101 }, { 2, 103 }, { 1, 102 },
	};

	expect(later_first, 4, 3, false, true, true, 0, 0, 0, 100);
	expect(earlier_first, 4, 3, false, true, true, 0, 0, 0, 100);
}

/*
 * More replies than requests: every request duplicated on the way in
 * (stateful: 4 reflections of 2 packets) or on the way back (stateless:
 * each reply twice). The clamp keeps forward at 0, and the stateless
 * unknown count is over distinct Sender Seqs, not replies.
 */
static void test_more_replies_than_sent(void **state)
{
	static const struct loss_reply in[] = {
		{ 0, 0 }, { 0, 1 }, { 1, 2 }, { 1, 3 },
	};
	static const struct loss_reply back[] = {
		{ 0, 0 }, { 0, 0 }, { 1, 1 }, { 1, 1 }, { 2, 2 }, { 2, 2 },
	};

	expect(in, ARRAY_SIZE(in), 2, false, true, true, 0, 0, 0, 0);
	expect(back, ARRAY_SIZE(back), 4, false, false, false, 0, 0, 1, 0);
}

/*
 * The clamp to S_max + 1 where something was lost: 5 sent, 2 duplicated
 * on the way in (R 2 and 3), the reply to 1 lost on the way back. 6
 * reflections clamp to 5, not 4: nothing forward, 1 backward.
 */
static void test_clamp_to_sent(void **state)
{
	static const struct loss_reply r[] = {
		{ 0, 0 }, { 2, 2 }, { 2, 3 }, { 3, 4 }, { 4, 5 },
	};

	expect(r, ARRAY_SIZE(r), 5, false, true, true, 0, 1, 0, 0);
}

/*
 * Fewer reflected than answered: 3 sent to a reflector at 3, our 1
 * overtakes our 0 on the way in (1 gets R 3, 0 gets R 4), so R0 reads 4
 * and R_max - R0 + 1 is 1 for 2 answers. Clamped to the 2 answered,
 * nothing backward rather than 2^64 - 1; 2 is unknown.
 */
static void test_clamp_to_answered(void **state)
{
	static const struct loss_reply r[] = { { 1, 3 }, { 0, 4 } };

	expect(r, ARRAY_SIZE(r), 3, false, true, true, 0, 0, 1, 4);
}

/*
 * Reordering with loss both ways: test_reordering without the reply to
 * 3 (R 3). R_max is 6, from 6, not S_max 7's R 5: 7 reflected of 8, 1
 * forward, 1 backward.
 */
static void test_reordering_and_loss(void **state)
{
	static const struct loss_reply r[] = {
		{ 7, 5 }, { 6, 6 }, { 4, 4 }, { 2, 2 }, { 1, 1 }, { 0, 0 },
	};

	expect(r, ARRAY_SIZE(r), 8, false, true, true, 1, 1, 0, 0);
}

static void test_bad_input(void **state)
{
	static const struct loss_reply r[] = { { 0, 0 }, { 5, 5 } };
	struct loss_split s;

	assert_int_equal(loss_split(r, 2, 5, false, &s), -EINVAL);
	assert_int_equal(loss_split(r, 2, 6, false, NULL), -EINVAL);
	assert_int_equal(loss_split(NULL, 2, 6, false, &s), -EINVAL);
}

/* No memory for the sorted copy: -ENOMEM, and the next call works. */
static void test_no_memory(void **state)
{
	static const struct loss_reply r[] = { { 0, 0 }, { 2, 1 } };
	struct loss_split s;

	malloc_fails = true;
	assert_int_equal(loss_split(r, 2, 3, false, &s), -ENOMEM);
	assert_false(malloc_fails);
	expect(r, ARRAY_SIZE(r), 3, false, true, true, 1, 0, 0, 0);
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
		cmocka_unit_test(test_refl_seq_wraps),
		cmocka_unit_test(test_first_reply),
		cmocka_unit_test(test_first_packets_lost),
		cmocka_unit_test(test_base_from_lowest),
		cmocka_unit_test(test_base_from_first_reflection),
		cmocka_unit_test(test_more_replies_than_sent),
		cmocka_unit_test(test_clamp_to_sent),
		cmocka_unit_test(test_clamp_to_answered),
		cmocka_unit_test(test_reordering_and_loss),
		cmocka_unit_test(test_no_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
