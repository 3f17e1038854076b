// SPDX-License-Identifier: GPL-2.0
/*
 * The shared wire codec (kmod/wire.c): the code that parses packets in the
 * module's softirq path, tested here byte by byte against RFC 8762 offsets
 * written out independently in this file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wire.h"

#define NTP_UNIX 2208988800ULL

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static void assert_test_equal(const struct stamp_test *a,
			      const struct stamp_test *b)
{
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->errest, b->errest);
	assert_int_equal(a->ssid, b->ssid);
}

static void test_ntp_vectors(void **state)
{
	struct stamp_time t = { 0, 0 }, back;
	uint64_t w;

	w = stamp_ts_encode(&t, false);
	assert_int_equal(w >> 32, NTP_UNIX);
	assert_int_equal((uint32_t)w, 0);

	t.sec = 1;
	t.nsec = 500000000;
	w = stamp_ts_encode(&t, false);
	assert_int_equal(w >> 32, NTP_UNIX + 1);
	assert_int_equal((uint32_t)w, 0x80000000U);

	/* 2036-02-07 06:28:16 UTC: NTP era 1 begins, seconds wrap to 0 */
	t.sec = (1LL << 32) - (int64_t)NTP_UNIX;
	t.nsec = 0;
	w = stamp_ts_encode(&t, false);
	assert_int_equal(w >> 32, 0);
	stamp_ts_decode(w, false, &back);
	assert_int_equal(back.sec, t.sec);

	/* a 2026 time decodes into era 0 */
	stamp_ts_decode((uint64_t)(NTP_UNIX + 1795000000ULL) << 32, false,
			&back);
	assert_int_equal(back.sec, 1795000000LL);
	assert_int_equal(back.nsec, 0);
}

static void test_ntp_round_trip(void **state)
{
	static const uint32_t ns[] = { 0, 1, 2, 3, 232, 233, 499999999,
				       500000000, 999999998, 999999999 };
	struct stamp_time t, back;
	unsigned int i;

	srand(7);
	for (i = 0; i < 100000; i++) {
		t.sec = 1700000000LL + rand() % 400000000;
		t.nsec = i < 10 ? ns[i] : (uint32_t)rand() % 1000000000U;
		stamp_ts_decode(stamp_ts_encode(&t, false), false, &back);
		assert_int_equal(back.sec, t.sec);
		assert_int_equal(back.nsec, t.nsec);
	}
}

static void test_ptp(void **state)
{
	struct stamp_time t = { 1795000037LL, 123456789 }, back;
	uint64_t w = stamp_ts_encode(&t, true);

	assert_int_equal(w >> 32, 1795000037U);
	assert_int_equal((uint32_t)w, 123456789U);
	stamp_ts_decode(w, true, &back);
	assert_int_equal(back.sec, t.sec);
	assert_int_equal(back.nsec, t.nsec);
	/* an out-of-range nanosecond field is clamped, not trusted */
	stamp_ts_decode(0x00000001ffffffffULL, true, &back);
	assert_int_equal(back.nsec, 999999999);
}

static void test_time_diff(void **state)
{
	struct stamp_time a = { 10, 100 }, b = { 9, 999999900 };

	assert_int_equal(stamp_time_diff_ns(&a, &b), 200);
	assert_int_equal(stamp_time_diff_ns(&b, &a), -200);
}

static void test_errest(void **state)
{
	static const uint64_t errs[] = { 0, 1, 2, 999, 1000, 4096, 1000000,
					 123456789, 1000000000, 5000000000ULL,
					 1ULL << 40, 1ULL << 50 };
	unsigned int i;
	uint16_t e;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		uint64_t want = errs[i] < (1ULL << 46) ? errs[i] :
				(1ULL << 46) - 1;
		uint64_t got;

		e = stamp_errest_encode(false, false, errs[i]);
		assert_int_not_equal(e & STAMP_ERREST_MULT_MASK, 0);
		got = stamp_errest_ns(e);
		/* never claims better than asked, at most 1/128 worse */
		assert_true(got >= want);
		assert_true(got <= want + want / 128 + 2);
	}
	e = stamp_errest_encode(true, true, 1000);
	assert_true(e & STAMP_ERREST_S);
	assert_true(e & STAMP_ERREST_Z);
	assert_true(stamp_errest_is_synced(e));
	assert_true(stamp_errest_is_ptp(e));
	e = stamp_errest_encode(false, false, 1000);
	assert_false(e & (STAMP_ERREST_S | STAMP_ERREST_Z));
	/* Multiplier 1, Scale 32: exactly one second */
	assert_int_equal(stamp_errest_ns(32 << 8 | 1), 1000000000ULL);
	assert_int_equal(stamp_errest_ns(63 << 8 | 255), ~0ULL);
}

static void test_test_packet(void **state)
{
	struct stamp_test t = { 0x01020304, 0x1122334455667788ULL, 0x8001,
				0xbeef }, d;
	uint8_t buf[STAMP_AUTH_BASE_LEN + 8];
	int i;

	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(stamp_test_encode(buf, STAMP_BASE_LEN, &t, false),
			 STAMP_BASE_LEN);
	assert_int_equal(be32(buf + 0), 0x01020304);
	assert_int_equal(be64(buf + 4), 0x1122334455667788ULL);
	assert_int_equal(be16(buf + 12), 0x8001);
	assert_int_equal(be16(buf + 14), 0xbeef);
	for (i = 16; i < 44; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[44], 0xaa);
	assert_int_equal(stamp_test_decode(buf, 44, &d, false), 0);
	assert_test_equal(&d, &t);

	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(stamp_test_encode(buf, sizeof(buf), &t, true),
			 STAMP_AUTH_BASE_LEN);
	assert_int_equal(be32(buf + 0), 0x01020304);
	assert_int_equal(be64(buf + 16), 0x1122334455667788ULL);
	assert_int_equal(be16(buf + 24), 0x8001);
	assert_int_equal(be16(buf + 26), 0xbeef);
	for (i = 4; i < 16; i++)
		assert_int_equal(buf[i], 0);
	for (i = 28; i < 112; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(stamp_test_decode(buf, 112, &d, true), 0);
	assert_test_equal(&d, &t);

	assert_int_equal(stamp_test_encode(buf, 43, &t, false), -ENOSPC);
	assert_int_equal(stamp_test_encode(buf, 111, &t, true), -ENOSPC);
	assert_int_equal(stamp_test_decode(buf, 13, &d, false), -EINVAL);
	assert_int_equal(stamp_test_decode(buf, 111, &d, true), -EINVAL);
	/* a 14-octet TWAMP-Light request has no SSID */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(stamp_test_decode(buf, 14, &d, false), 0);
	assert_int_equal(d.ssid, 0);
}

static void test_reply_decode(void **state)
{
	uint8_t b[STAMP_AUTH_BASE_LEN] = { 0 };
	struct stamp_reply r;

	b[3] = 7;
	b[11] = 3;		/* T3 */
	b[13] = 1;		/* errest */
	b[15] = 9;		/* ssid */
	b[23] = 2;		/* T2 */
	b[27] = 5;		/* sender seq */
	b[35] = 1;		/* sender ts */
	b[37] = 4;		/* sender errest */
	b[40] = 64;		/* sender ttl */
	assert_int_equal(stamp_reply_decode(b, 44, &r, false), 0);
	assert_int_equal(r.seq, 7);
	assert_int_equal(r.ts, 3);
	assert_int_equal(r.errest, 1);
	assert_int_equal(r.ssid, 9);
	assert_int_equal(r.rx_ts, 2);
	assert_int_equal(r.sender_seq, 5);
	assert_int_equal(r.sender_ts, 1);
	assert_int_equal(r.sender_errest, 4);
	assert_int_equal(r.sender_ttl, 64);
	assert_int_equal(stamp_reply_decode(b, 43, &r, false), -EINVAL);

	memset(b, 0, sizeof(b));
	b[3] = 7;
	b[23] = 3;
	b[25] = 1;
	b[27] = 9;
	b[39] = 2;
	b[51] = 5;
	b[71] = 1;
	b[73] = 4;
	b[80] = 63;
	assert_int_equal(stamp_reply_decode(b, 112, &r, true), 0);
	assert_int_equal(r.seq, 7);
	assert_int_equal(r.ts, 3);
	assert_int_equal(r.errest, 1);
	assert_int_equal(r.ssid, 9);
	assert_int_equal(r.rx_ts, 2);
	assert_int_equal(r.sender_seq, 5);
	assert_int_equal(r.sender_ts, 1);
	assert_int_equal(r.sender_errest, 4);
	assert_int_equal(r.sender_ttl, 63);
	assert_int_equal(stamp_reply_decode(b, 111, &r, true), -EINVAL);
}

/* Every request length 0..2000 with random contents. */
/* unauthenticated MBZ, octets 16 to 43 (RFC 8762 4.2.1), as far as sent */
static bool mbz_zero(const uint8_t *req, size_t len)
{
	size_t i;

	for (i = 16; i < 44 && i < len; i++)
		if (req[i])
			return false;
	return true;
}

static void test_reflect_every_length(void **state)
{
	struct stamp_refl_params p = { .seq = 0xdeadbeef,
				       .rx_ts = 0x0102030405060708ULL,
				       .errest = 0x0a0b, .ttl = 61 };
	static uint8_t req[2048], buf[2048];
	size_t len, i;

	srand(11);
	for (len = 0; len <= 2000; len++) {
		size_t rlen = len > 44 ? len : 44;
		int ret;

		for (i = 0; i < sizeof(req); i++)
			req[i] = rand();
		memcpy(buf, req, sizeof(buf));
		p.copy_seq = len & 1;
		ret = stamp_reflect(buf, len, sizeof(buf), &p, false);
		if (len < STAMP_MIN_REQ_LEN) {
			assert_int_equal(ret, -EINVAL);
			continue;
		}
		assert_int_equal(ret, (int)rlen);
		assert_int_equal(be32(buf + 0),
				 p.copy_seq ? be32(req) : p.seq);
		assert_int_equal(be64(buf + 4), 0);	/* T3 comes later */
		assert_int_equal(be16(buf + 12), p.errest);
		/*
		 * random MBZ octets: a TWAMP-Light sender's padding, no SSID
		 * (issue 22); a request too short for both SSID octets: none
		 */
		assert_int_equal(be16(buf + 14),
				 len >= 16 && mbz_zero(req, len) ?
				 be16(req + 14) : 0);
		assert_int_equal(be64(buf + 16), p.rx_ts);
		assert_int_equal(be32(buf + 24), be32(req));
		assert_int_equal(be64(buf + 28), be64(req + 4));
		assert_int_equal(be16(buf + 36), be16(req + 12));
		assert_int_equal(be16(buf + 38), 0);
		assert_int_equal(buf[40], 61);
		assert_int_equal(buf[41] | buf[42] | buf[43], 0);
		if (len > 44)
			assert_memory_equal(buf + 44, req + 44, len - 44);

		stamp_reflect_set_tx_ts(buf, 0x1111222233334444ULL, false);
		assert_int_equal(be64(buf + 4), 0x1111222233334444ULL);

		memcpy(buf, req, sizeof(buf));
		assert_int_equal(stamp_reflect(buf, len, rlen - 1, &p, false),
				 -ENOSPC);
	}
}

static void test_reflect_auth(void **state)
{
	struct stamp_refl_params p = { .rx_ts = 0xa1a2a3a4a5a6a7a8ULL,
				       .errest = 0x4001, .ttl = 255,
				       .copy_seq = true };
	uint8_t req[200], buf[200];
	int i;

	for (i = 0; i < 200; i++)
		req[i] = 0xc0 | i;
	memcpy(buf, req, sizeof(buf));
	assert_int_equal(stamp_reflect(buf, 111, 200, &p, true), -EINVAL);
	assert_int_equal(stamp_reflect(buf, 150, 200, &p, true), 150);
	assert_int_equal(be32(buf + 0), be32(req));
	for (i = 4; i < 24; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(be16(buf + 24), 0x4001);
	assert_int_equal(be16(buf + 26), 0);	/* MBZ not zero: no SSID */
	for (i = 28; i < 32; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(be64(buf + 32), p.rx_ts);
	for (i = 40; i < 48; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(be32(buf + 48), be32(req));
	for (i = 52; i < 64; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(be64(buf + 64), be64(req + 16));
	assert_int_equal(be16(buf + 72), be16(req + 24));
	for (i = 74; i < 80; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[80], 255);
	for (i = 81; i < 112; i++)	/* MBZ and the HMAC, left to fill */
		assert_int_equal(buf[i], 0);
	assert_memory_equal(buf + 112, req + 112, 38);
	stamp_reflect_set_tx_ts(buf, 5, true);
	assert_int_equal(be64(buf + 16), 5);
}

/*
 * Issue 22: the SSID is two octets (RFC 8972 section 3). An RFC 8762/8972
 * sender zeroes its base MBZ octets and gets its SSID back; a TWAMP-Light
 * sender's octets 14-15 are padding (RFC 4656 4.1.2), and its reply has
 * MBZ there (RFC 5357 4.2.1); a 15-octet request has half an SSID: none.
 */
static void test_i22_ssid_rules(void **state)
{
	struct stamp_refl_params p = { .rx_ts = 1, .errest = 0x0101,
				       .ttl = 64, .copy_seq = true };
	uint8_t buf[200];
	size_t len;

	for (len = 14; len <= 84; len++) {
		memset(buf, 0, sizeof(buf));
		buf[13] = 1;
		buf[14] = 0x12;
		buf[15] = 0x34;
		assert_true(stamp_test_mbz_clear(buf, len, false));
		stamp_reflect(buf, len, sizeof(buf), &p, false);
		assert_int_equal(be16(buf + 14), len >= 16 ? 0x1234 : 0);
		/* one MBZ octet set: padding, SSID 0 */
		if (len > 16) {
			memset(buf, 0, sizeof(buf));
			buf[13] = 1;
			buf[14] = 0x12;
			buf[15] = 0x34;
			buf[len > 44 ? 43 : len - 1] = 0x80;
			assert_false(stamp_test_mbz_clear(buf, len, false));
			stamp_reflect(buf, len, sizeof(buf), &p, false);
			assert_int_equal(be16(buf + 14), 0);
		}
	}
	/* past the base is not MBZ: TLVs do not make a sender TWAMP-Light */
	memset(buf, 0, sizeof(buf));
	buf[44] = 0x80;
	assert_true(stamp_test_mbz_clear(buf, 84, false));

	/* authenticated: MBZ at 4-15 and 28-95, the SSID at 26 */
	memset(buf, 0, sizeof(buf));
	buf[26] = 0xab;
	buf[27] = 0xcd;
	assert_int_equal(stamp_reflect(buf, 112, sizeof(buf), &p, true), 112);
	assert_int_equal(be16(buf + 26), 0xabcd);
	memset(buf, 0, sizeof(buf));
	buf[26] = 0xab;
	buf[27] = 0xcd;
	buf[60] = 1;
	assert_int_equal(stamp_reflect(buf, 112, sizeof(buf), &p, true), 112);
	assert_int_equal(be16(buf + 26), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntp_vectors),
		cmocka_unit_test(test_ntp_round_trip),
		cmocka_unit_test(test_ptp),
		cmocka_unit_test(test_time_diff),
		cmocka_unit_test(test_errest),
		cmocka_unit_test(test_test_packet),
		cmocka_unit_test(test_reply_decode),
		cmocka_unit_test(test_reflect_every_length),
		cmocka_unit_test(test_reflect_auth),
		cmocka_unit_test(test_i22_ssid_rules),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
