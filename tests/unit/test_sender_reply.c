// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's reply decoding (tools/sender/sender_reply.c): a reply cut short
 * after T1 echoed is a measurement with the missing fields named; one
 * without T1 echoed, or an authenticated one without its HMAC, is not.
 * Every length from 0 to 44 is tried against a 44-octet reply whose
 * fields are all distinct.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sender_reply.h"

static void full_reply(uint8_t *b)
{
	int i;

	for (i = 0; i < STAMP_BASE_LEN; i++)
		b[i] = (uint8_t)(i + 1);
}

static void test_every_length(void **state)
{
	uint8_t b[STAMP_BASE_LEN];
	struct stamp_reply full, r;
	unsigned int missing, want;
	size_t n;

	full_reply(b);
	assert_int_equal(stamp_reply_decode(b, sizeof(b), &full, false), 0);
	for (n = 0; n <= STAMP_BASE_LEN; n++) {
		memset(&r, 0xee, sizeof(r));
		missing = 0xdead;
		if (n < REPLY_MIN_LEN) {
			assert_int_equal(sender_reply_decode(b, n, false, &r,
							     &missing), -EINVAL);
			continue;
		}
		assert_int_equal(sender_reply_decode(b, n, false, &r, &missing),
				 0);
		/* the four timestamps and the Seqs are always there */
		assert_int_equal(r.seq, full.seq);
		assert_true(r.ts == full.ts);
		assert_int_equal(r.errest, full.errest);
		assert_true(r.rx_ts == full.rx_ts);
		assert_int_equal(r.sender_seq, full.sender_seq);
		assert_true(r.sender_ts == full.sender_ts);
		want = 0;
		if (n < 38)
			want |= 1U << REPLY_MISSING_SENDER_ERREST;
		if (n < 41)
			want |= 1U << REPLY_MISSING_SENDER_TTL;
		assert_int_equal(missing, want);
		/* what is missing reads as zero, never as octets past the end */
		assert_int_equal(r.sender_errest, n < 38 ? 0 : full.sender_errest);
		assert_int_equal(r.sender_ttl, n < 41 ? 0 : full.sender_ttl);
	}
}

/* twampy's 38 octets: only the Sender TTL is missing */
static void test_twampy(void **state)
{
	uint8_t b[STAMP_BASE_LEN];
	struct stamp_reply r;
	unsigned int missing;

	full_reply(b);
	assert_int_equal(sender_reply_decode(b, 38, false, &r, &missing), 0);
	assert_int_equal(missing, 1U << REPLY_MISSING_SENDER_TTL);
	assert_string_equal(sender_reply_missing_names[REPLY_MISSING_SENDER_TTL],
			    "sender_ttl");
}

/* authenticated replies are never short: the HMAC would be missing */
static void test_auth_not_shortened(void **state)
{
	uint8_t b[STAMP_AUTH_BASE_LEN] = { 0 };
	struct stamp_reply r;
	unsigned int missing = 0xdead;

	assert_int_equal(sender_reply_decode(b, STAMP_AUTH_BASE_LEN - 1, true,
					     &r, &missing), -EINVAL);
	assert_int_equal(sender_reply_decode(b, 44, true, &r, &missing),
			 -EINVAL);
	assert_int_equal(sender_reply_decode(b, STAMP_AUTH_BASE_LEN, true, &r,
					     &missing), 0);
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_twampy),
		cmocka_unit_test(test_auth_not_shortened),
	};

	return cmocka_run_group_tests_name("sender_reply", tests, NULL, NULL);
}
