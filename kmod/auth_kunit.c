// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite stamp_auth: HMAC-SHA-256/128 over a packet's first 96 octets
 * (RFC 8762 section 4.4) through the kernel crypto API, against values
 * computed independently with Python's hmac module, and the key limits.
 * Included by auth.c with STAMP_KUNIT=1. KUnit runs before module init,
 * so keys are destroyed directly rather than through the workqueue.
 */
#include <kunit/test.h>

/* hmac.new(bytes(range(32)), pkt, sha256).digest()[:16] */
static const u8 mac_key32[STAMP_HMAC_LEN] = {
	0x50, 0xd8, 0x9b, 0x7f, 0x4c, 0x77, 0x93, 0x35,
	0x6d, 0xf8, 0x2d, 0xe0, 0x57, 0x7d, 0x42, 0xf0,
};

/* hmac.new(bytes([0xaa] * 64), pkt, sha256).digest()[:16] */
static const u8 mac_key64[STAMP_HMAC_LEN] = {
	0x1e, 0x1e, 0xe0, 0xd9, 0xdc, 0x76, 0xe3, 0x06,
	0x55, 0xa4, 0x83, 0x81, 0x52, 0x32, 0xc4, 0x19,
};

/* pkt[i] = i * 7 for the 96 octets covered, then the HMAC field */
static void test_packet(u8 *pkt)
{
	int i;

	for (i = 0; i < STAMP_AUTH_BASE_LEN; i++)
		pkt[i] = i < HMAC_SPAN ? i * 7 : 0;
}

static void check_vector(struct kunit *test, const u8 *key, unsigned int len,
			 const u8 *expected)
{
	u8 pkt[STAMP_AUTH_BASE_LEN];
	struct stamp_key *k;

	k = stamp_key_new(key, len);
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	test_packet(pkt);
	local_bh_disable();	/* as in softirq */
	stamp_hmac_sign(k, pkt);
	KUNIT_EXPECT_EQ(test, memcmp(pkt + HMAC_SPAN, expected,
				     STAMP_HMAC_LEN), 0);
	KUNIT_EXPECT_TRUE(test, stamp_hmac_ok(k, pkt));
	/* any covered bit, or any HMAC bit, changed: refused */
	pkt[17] ^= 0x01;
	KUNIT_EXPECT_FALSE(test, stamp_hmac_ok(k, pkt));
	pkt[17] ^= 0x01;
	pkt[HMAC_SPAN + STAMP_HMAC_LEN - 1] ^= 0x80;
	KUNIT_EXPECT_FALSE(test, stamp_hmac_ok(k, pkt));
	local_bh_enable();
	key_destroy(k);
}

static void stamp_auth_vectors(struct kunit *test)
{
	u8 key[STAMP_KEY_MAX_LEN];
	int i;

	for (i = 0; i < 32; i++)
		key[i] = i;
	check_vector(test, key, 32, mac_key32);
	memset(key, 0xaa, sizeof(key));
	check_vector(test, key, 64, mac_key64);
}

static void stamp_auth_key_limits(struct kunit *test)
{
	u8 key[STAMP_KEY_MAX_LEN + 1] = {};
	struct stamp_key *k;

	KUNIT_EXPECT_EQ(test, PTR_ERR(stamp_key_new(key, STAMP_KEY_MIN_LEN - 1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(stamp_key_new(key, STAMP_KEY_MAX_LEN + 1)),
			-EINVAL);
	k = stamp_key_new(key, STAMP_KEY_MIN_LEN);
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	key_destroy(k);
}

static struct kunit_case stamp_auth_cases[] = {
	KUNIT_CASE(stamp_auth_vectors),
	KUNIT_CASE(stamp_auth_key_limits),
	{}
};

static struct kunit_suite stamp_auth_suite = {
	.name = "stamp_auth",
	.test_cases = stamp_auth_cases,
};

kunit_test_suite(stamp_auth_suite);
