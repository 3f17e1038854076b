// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA-256 through the keyed contexts of tools/lib/stamp_auth.c (over
 * nettle) against all seven test cases of RFC 4231, a key used for many
 * messages, and the STAMP packet HMAC against Python's hmac module over a
 * 112-octet packet.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stamp_auth.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void unhex(const char *hex, uint8_t *out, size_t len)
{
	size_t i;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = v;
	}
}

static void assert_digest(const uint8_t *got, const char *hex, size_t len)
{
	uint8_t want[SHA256_DIGEST_SIZE];

	unhex(hex, want, len);
	assert_memory_equal(got, want, len);
}

struct rfc4231 {
	uint8_t key[131];
	size_t key_len;
	const char *msg;
	size_t msg_len;
	const char *mac;
	size_t mac_len;		/* case 5 is truncated to 128 bits */
};

static void test_hmac_rfc4231(void **state)
{
	static struct rfc4231 c[7] = {
		{ .key_len = 20, .msg = "Hi There",
		  .mac = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ .key = "Jefe", .key_len = 4,
		  .msg = "what do ya want for nothing?",
		  .mac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ .key_len = 20, .msg_len = 50,
		  .mac = "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ .key_len = 25, .msg_len = 50,
		  .mac = "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		{ .key_len = 20, .msg = "Test With Truncation",
		  .mac = "a3b6167473100ee06e0c796c2955552b", .mac_len = 16 },
		{ .key_len = 131,
		  .msg = "Test Using Larger Than Block-Size Key - Hash Key First",
		  .mac = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ .key_len = 131,
		  .msg = "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
		  .mac = "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};
	uint8_t msg[50], mac[SHA256_DIGEST_SIZE];
	struct stamp_auth_key k;
	size_t i;

	memset(c[0].key, 0x0b, 20);
	memset(c[2].key, 0xaa, 20);
	for (i = 0; i < 25; i++)
		c[3].key[i] = i + 1;
	memset(c[4].key, 0x0c, 20);
	memset(c[5].key, 0xaa, 131);
	memset(c[6].key, 0xaa, 131);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		const void *m = c[i].msg;
		size_t len = c[i].msg ? strlen(c[i].msg) : c[i].msg_len;

		if (!m) {
			memset(msg, i == 2 ? 0xdd : 0xcd, sizeof(msg));
			m = msg;
		}
		stamp_auth_key_init(&k, c[i].key, c[i].key_len);
		assert_true(k.set);
		stamp_auth_mac(&k, m, len, mac);
		assert_digest(mac, c[i].mac, c[i].mac_len ? c[i].mac_len : 32);
		/* the keyed context is left as it was: the same key again */
		stamp_auth_mac(&k, m, len, mac);
		assert_digest(mac, c[i].mac, c[i].mac_len ? c[i].mac_len : 32);
		stamp_auth_key_wipe(&k);
	}
}

/* One key, many messages in turn, as a sender signs packet after packet. */
static void test_hmac_key_reuse(void **state)
{
	static const uint8_t key[4] = "Jefe";
	uint8_t mac[SHA256_DIGEST_SIZE], zero[sizeof(struct stamp_auth_key)];
	struct stamp_auth_key k;

	stamp_auth_key_init(&k, key, sizeof(key));
	stamp_auth_mac(&k, "Hi There", 8, mac);
	stamp_auth_mac(&k, "what do ya want for nothing?", 28, mac);
	assert_digest(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32);
	stamp_auth_key_wipe(&k);
	memset(zero, 0, sizeof(zero));
	assert_memory_equal(&k, zero, sizeof(k));
	/* no key: not set, nothing kept */
	stamp_auth_key_init(&k, key, 0);
	assert_false(k.set);
	assert_memory_equal(&k, zero, sizeof(k));
}

/* Python: hmac.new(bytes(range(1, 17)), bytes(range(112))[:96], sha256) */
static void test_stamp_sign_reference(void **state)
{
	uint8_t key[16], pkt[112];
	struct stamp_auth_key k;
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i + 1;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i;
	stamp_auth_key_init(&k, key, sizeof(key));
	assert_int_equal(stamp_auth_sign(pkt, sizeof(pkt), &k), 0);
	assert_digest(pkt + 96, "876dc6e949f38ad335b536247a88ee74", 16);
	for (i = 0; i < 96; i++)
		assert_int_equal(pkt[i], i);
	assert_true(stamp_auth_verify(pkt, sizeof(pkt), &k));
	stamp_auth_key_wipe(&k);
}

/* What the HMAC covers, and what it does not. */
static void test_stamp_verify(void **state)
{
	uint8_t key[32], other[32], pkt[140];
	struct stamp_auth_key k, ko, kshort;
	size_t i;

	memset(key, 0x42, sizeof(key));
	memcpy(other, key, sizeof(other));
	other[31] ^= 1;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i * 7;
	stamp_auth_key_init(&k, key, sizeof(key));
	stamp_auth_key_init(&ko, other, sizeof(other));
	stamp_auth_key_init(&kshort, key, 31);
	assert_int_equal(stamp_auth_sign(pkt, sizeof(pkt), &k), 0);
	assert_true(stamp_auth_verify(pkt, sizeof(pkt), &k));
	assert_false(stamp_auth_verify(pkt, sizeof(pkt), &ko));
	/* a shorter key is another key */
	assert_false(stamp_auth_verify(pkt, sizeof(pkt), &kshort));
	/* octets past the base (TLVs) are not covered */
	pkt[120] ^= 0xff;
	assert_true(stamp_auth_verify(pkt, sizeof(pkt), &k));
	/* every covered octet is, and so is the HMAC itself */
	for (i = 0; i < 112; i++) {
		pkt[i] ^= 0x01;
		assert_false(stamp_auth_verify(pkt, sizeof(pkt), &k));
		pkt[i] ^= 0x01;
	}
	/* too short to carry an HMAC: refused, not read past the end */
	assert_false(stamp_auth_verify(pkt, 111, &k));
	assert_int_equal(stamp_auth_sign(pkt, 44, &k), -EINVAL);
	stamp_auth_key_wipe(&k);
	stamp_auth_key_wipe(&ko);
	stamp_auth_key_wipe(&kshort);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_key_reuse),
		cmocka_unit_test(test_stamp_sign_reference),
		cmocka_unit_test(test_stamp_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
