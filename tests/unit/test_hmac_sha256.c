// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-256 against the FIPS 180-4 examples, HMAC-SHA-256 against all seven
 * test cases of RFC 4231, and the STAMP packet HMAC (tools/lib/stamp_auth.c)
 * against Python's hmac module over a 112-octet packet.
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

#include "hmac_sha256.h"
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
	uint8_t want[SHA256_DIGEST_LEN];

	unhex(hex, want, len);
	assert_memory_equal(got, want, len);
}

static void test_sha256_abc(void **state)
{
	uint8_t d[SHA256_DIGEST_LEN];

	sha256("abc", 3, d);
	assert_digest(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		      32);
}

static void test_sha256_empty(void **state)
{
	uint8_t d[SHA256_DIGEST_LEN];

	sha256("", 0, d);
	assert_digest(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		      32);
}

/* 448 bits: the padding no longer fits in the message's only block. */
static void test_sha256_448_bits(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[SHA256_DIGEST_LEN];

	assert_int_equal(strlen(m), 56);
	sha256(m, strlen(m), d);
	assert_digest(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		      32);
}

/* A million 'a', fed in uneven pieces to exercise the partial block. */
static void test_sha256_million_a(void **state)
{
	uint8_t d[SHA256_DIGEST_LEN], chunk[997];
	struct sha256_ctx c;
	size_t left = 1000000;

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&c);
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		sha256_update(&c, chunk, n);
		left -= n;
	}
	sha256_final(&c, d);
	assert_digest(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		      32);
}

/* Split anywhere, the digest is that of the whole. */
static void test_sha256_split(void **state)
{
	uint8_t m[200], whole[SHA256_DIGEST_LEN], part[SHA256_DIGEST_LEN];
	struct sha256_ctx c;
	size_t i;

	for (i = 0; i < sizeof(m); i++)
		m[i] = i * 31 + 7;
	sha256(m, sizeof(m), whole);
	for (i = 0; i <= sizeof(m); i++) {
		sha256_init(&c);
		sha256_update(&c, m, i);
		sha256_update(&c, m + i, sizeof(m) - i);
		sha256_final(&c, part);
		assert_memory_equal(part, whole, sizeof(whole));
	}
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
	uint8_t msg[50], mac[SHA256_DIGEST_LEN];
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
		hmac_sha256(c[i].key, c[i].key_len, m, len, mac);
		assert_digest(mac, c[i].mac, c[i].mac_len ? c[i].mac_len : 32);
	}
}

static void test_hmac_equal(void **state)
{
	uint8_t a[16] = { 1, 2, 3 }, b[16] = { 1, 2, 3 };

	assert_true(hmac_equal(a, b, 16));
	b[15] ^= 0x80;
	assert_false(hmac_equal(a, b, 16));
	assert_true(hmac_equal(a, b, 15));
}

/* Python: hmac.new(bytes(range(1, 17)), bytes(range(112))[:96], sha256) */
static void test_stamp_sign_reference(void **state)
{
	uint8_t key[16], pkt[112];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i + 1;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i;
	assert_int_equal(stamp_auth_sign(pkt, sizeof(pkt), key, sizeof(key)),
			 0);
	assert_digest(pkt + 96, "876dc6e949f38ad335b536247a88ee74", 16);
	for (i = 0; i < 96; i++)
		assert_int_equal(pkt[i], i);
	assert_true(stamp_auth_verify(pkt, sizeof(pkt), key, sizeof(key)));
}

/* What the HMAC covers, and what it does not. */
static void test_stamp_verify(void **state)
{
	uint8_t key[32], other[32], pkt[140];
	size_t i;

	memset(key, 0x42, sizeof(key));
	memcpy(other, key, sizeof(other));
	other[31] ^= 1;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i * 7;
	assert_int_equal(stamp_auth_sign(pkt, sizeof(pkt), key, sizeof(key)),
			 0);
	assert_true(stamp_auth_verify(pkt, sizeof(pkt), key, sizeof(key)));
	assert_false(stamp_auth_verify(pkt, sizeof(pkt), other,
				       sizeof(other)));
	/* a shorter key is another key */
	assert_false(stamp_auth_verify(pkt, sizeof(pkt), key, 31));
	/* octets past the base (TLVs) are not covered */
	pkt[120] ^= 0xff;
	assert_true(stamp_auth_verify(pkt, sizeof(pkt), key, sizeof(key)));
	/* every covered octet is, and so is the HMAC itself */
	for (i = 0; i < 112; i++) {
		pkt[i] ^= 0x01;
		assert_false(stamp_auth_verify(pkt, sizeof(pkt), key,
					       sizeof(key)));
		pkt[i] ^= 0x01;
	}
	/* too short to carry an HMAC: refused, not read past the end */
	assert_false(stamp_auth_verify(pkt, 111, key, sizeof(key)));
	assert_int_equal(stamp_auth_sign(pkt, 44, key, sizeof(key)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_abc),
		cmocka_unit_test(test_sha256_empty),
		cmocka_unit_test(test_sha256_448_bits),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_split),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_equal),
		cmocka_unit_test(test_stamp_sign_reference),
		cmocka_unit_test(test_stamp_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
