// SPDX-License-Identifier: GPL-2.0
/*
 * The shared wire codec (lib/wire*.c): the code that parses packets in the
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

/* --- issue 21: boundaries, exact-size buffers, stale results -------- */

static uint8_t *exact_buf(const uint8_t *src, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);

	assert_non_null(b);
	memcpy(b, src, len);
	return b;
}

/* Clamps of out-of-range nanoseconds, at the edge. */
static void test_i21_ts_clamps(void **state)
{
	struct stamp_time t = { 5, 1000000000U }, back;

	assert_int_equal((uint32_t)stamp_ts_encode(&t, true), 999999999U);
	t.nsec = 999999999U;
	assert_int_equal((uint32_t)stamp_ts_encode(&t, true), 999999999U);
	t.nsec = 1000000000U;
	assert_int_equal((uint32_t)stamp_ts_encode(&t, false), 0xfffffffbU);
	t.nsec = 4000000000U;
	assert_int_equal((uint32_t)stamp_ts_encode(&t, false), 0xfffffffbU);

	stamp_ts_decode(1000000000ULL, true, &back);
	assert_int_equal(back.nsec, 999999999U);
	stamp_ts_decode(999999999ULL, true, &back);
	assert_int_equal(back.nsec, 999999999U);
	stamp_ts_decode(999999998ULL, true, &back);
	assert_int_equal(back.nsec, 999999998U);
	/* the fraction's top end rounds to 10^9 and is clamped below it */
	stamp_ts_decode(0x80000000ffffffffULL, false, &back);
	assert_int_equal(back.nsec, 999999999U);
	stamp_ts_decode(0x80000000fffffffdULL, false, &back);
	assert_int_equal(back.nsec, 999999999U);
	stamp_ts_decode(0x8000000000000001ULL, false, &back);
	assert_int_equal(back.nsec, 0);
	stamp_ts_decode(0x8000000000000003ULL, false, &back);
	assert_int_equal(back.nsec, 1);
	/* era: the top bit of the seconds decides */
	stamp_ts_decode(0x7fffffffULL << 32, false, &back);
	assert_int_equal(back.sec, 0x7fffffffLL - (int64_t)NTP_UNIX +
			 (1LL << 32));
	stamp_ts_decode(0x80000000ULL << 32, false, &back);
	assert_int_equal(back.sec, 0x80000000LL - (int64_t)NTP_UNIX);
}

/*
 * Error Estimates: the smallest Scale that fits, exact vectors worked out
 * by hand from RFC 4656 section 4.1.2 (Multiplier * 2^(Scale-32) s).
 */
static void test_i21_errest_exact(void **state)
{
	static const struct { uint64_t ns; uint16_t e; } v[] = {
		{ 0, 0x0001 },			/* never zero */
		{ 1, 0x0004 },			/* 4.29 units, truncated */
		{ 59, 0x00fd },			/* 253.4: fits scale 0 */
		{ 60, 0x0181 },			/* 257.7: scale 1, 129 */
		{ 237, 0x02ff },		/* 1017.9: 255, the largest */
		{ 1000000000ULL, 0x1980 },	/* 2^32 units: 128 << 25 */
		{ (1ULL << 30) - 1, 0x198a },
		{ 1ULL << 30, 0x198a },
		/* 2 s + 1 ns: 128 << 26 would be 2 s, better than asked */
		{ 2000000001ULL, 0x1a81 },
		{ (1ULL << 31) - 1, 0x1a8a },	/* ns * 2^33.1 would overflow */
		/* the low 16 bits of the bound count too */
		{ 1585209, 0x0fd0 },
		{ (1ULL << 46) - 1, 0x298a },	/* 2^78 / 10^9 units: 138 << 41 */
	};
	unsigned int i;
	uint16_t e;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(stamp_errest_encode(false, false, v[i].ns),
				 v[i].e);
	/* saturation: 2^46 ns and beyond are all the same */
	e = stamp_errest_encode(false, false, (1ULL << 46) - 1);
	assert_int_equal(stamp_errest_encode(false, false, 1ULL << 46), e);
	assert_int_equal(stamp_errest_encode(false, false, ~0ULL), e);
	/* unclamped, these would overflow the fixed-point product */
	assert_int_equal(stamp_errest_encode(false, false,
					     (1ULL << 47) - 1), e);
	assert_int_equal(stamp_errest_encode(false, false,
					     (1ULL << 46) + (1ULL << 45)), e);
	assert_int_equal(stamp_errest_encode(true, false, 0),
			 STAMP_ERREST_S | 1);
	assert_int_equal(stamp_errest_encode(false, true, 0),
			 STAMP_ERREST_Z | 1);

	/* every non-zero Scale is the smallest: its Multiplier above 127 */
	for (i = 0; i < 64; i++) {
		uint64_t ns = i < 45 ? 3ULL << i : 1ULL << 45;

		e = stamp_errest_encode(false, false, ns);
		if (e >> 8)
			assert_true((e & 0xff) >= 128);
		assert_true(stamp_errest_ns(e) >= ns);
	}

	/* decoding: rounding up, and both sides of Scale 32 and 58 */
	assert_int_equal(stamp_errest_ns(0x0001), 1);
	assert_int_equal(stamp_errest_ns(0x0000), 0);
	assert_int_equal(stamp_errest_ns(31 << 8 | 1), 500000000ULL);
	assert_int_equal(stamp_errest_ns(31 << 8 | 3), 1500000000ULL);
	assert_int_equal(stamp_errest_ns(30 << 8 | 1), 250000000ULL);
	assert_int_equal(stamp_errest_ns(24 << 8 | 1), 3906250ULL);
	assert_int_equal(stamp_errest_ns(2 << 8 | 1), 1);
	assert_int_equal(stamp_errest_ns(33 << 8 | 1), 2000000000ULL);
	assert_int_equal(stamp_errest_ns(33 << 8 | 255), 510000000000ULL);
	assert_int_equal(stamp_errest_ns(57 << 8 | 1), 1000000000ULL << 25);
	assert_int_equal(stamp_errest_ns(57 << 8 | 255),
			 255000000000ULL << 25);
	assert_int_equal(stamp_errest_ns(58 << 8 | 1), ~0ULL);
	assert_int_equal(stamp_errest_ns(63 << 8 | 0), 0);
	assert_int_equal(stamp_errest_ns(0xc000 | 32 << 8 | 2),
			 2000000000ULL);
}

/*
 * Authenticated and unauthenticated decodes into results full of junk,
 * every field with a value of its own, in exact-size buffers.
 */
static void test_i21_decode_stale(void **state)
{
	uint8_t src[STAMP_AUTH_BASE_LEN], *b;
	struct stamp_reply r;
	struct stamp_test t;
	int i;

	for (i = 0; i < STAMP_AUTH_BASE_LEN; i++)
		src[i] = 0x10 + i;
	b = exact_buf(src, STAMP_AUTH_BASE_LEN);
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(stamp_reply_decode(b, STAMP_AUTH_BASE_LEN, &r, true),
			 0);
	assert_int_equal(r.seq, be32(src));
	assert_int_equal(r.ts, be64(src + 16));
	assert_int_equal(r.errest, be16(src + 24));
	assert_int_equal(r.ssid, be16(src + 26));
	assert_int_equal(r.rx_ts, be64(src + 32));
	assert_int_equal(r.sender_seq, be32(src + 48));
	assert_int_equal(r.sender_ts, be64(src + 64));
	assert_int_equal(r.sender_errest, be16(src + 72));
	assert_int_equal(r.sender_ttl, src[80]);
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(stamp_test_decode(b, STAMP_AUTH_BASE_LEN, &t, true),
			 0);
	assert_int_equal(t.seq, be32(src));
	assert_int_equal(t.ts, be64(src + 16));
	assert_int_equal(t.errest, be16(src + 24));
	assert_int_equal(t.ssid, be16(src + 26));
	free(b);

	b = exact_buf(src, STAMP_BASE_LEN);
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(stamp_reply_decode(b, STAMP_BASE_LEN, &r, false), 0);
	assert_int_equal(r.seq, be32(src));
	assert_int_equal(r.ts, be64(src + 4));
	assert_int_equal(r.errest, be16(src + 12));
	assert_int_equal(r.ssid, be16(src + 14));
	assert_int_equal(r.rx_ts, be64(src + 16));
	assert_int_equal(r.sender_seq, be32(src + 24));
	assert_int_equal(r.sender_ts, be64(src + 28));
	assert_int_equal(r.sender_errest, be16(src + 36));
	assert_int_equal(r.sender_ttl, src[40]);
	/* longer (TLVs, padding): the base read, the rest not looked at */
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(stamp_reply_decode(src, STAMP_BASE_LEN + 1, &r,
					    false), 0);
	assert_int_equal(r.sender_ttl, src[40]);
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(stamp_reply_decode(src, STAMP_AUTH_BASE_LEN - 1, &r,
					    false), 0);
	assert_int_equal(r.seq, be32(src));
	/* too short: refused, the result untouched */
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(stamp_reply_decode(b, STAMP_BASE_LEN - 1, &r, false),
			 -EINVAL);
	assert_int_equal(r.seq, 0xa5a5a5a5U);
	assert_int_equal(stamp_reply_decode(b, STAMP_BASE_LEN, &r, true),
			 -EINVAL);
	assert_int_equal(r.seq, 0xa5a5a5a5U);
	free(b);

	/* the shortest requests, exactly their size */
	b = exact_buf(src, 16);
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(stamp_test_decode(b, 16, &t, false), 0);
	assert_int_equal(t.seq, be32(src));
	assert_int_equal(t.ts, be64(src + 4));
	assert_int_equal(t.errest, be16(src + 12));
	assert_int_equal(t.ssid, be16(src + 14));
	free(b);
	b = exact_buf(src, 14);
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(stamp_test_decode(b, 14, &t, false), 0);
	assert_int_equal(t.errest, be16(src + 12));
	assert_int_equal(t.ssid, 0);
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(stamp_test_decode(b, 13, &t, false), -EINVAL);
	assert_int_equal(t.seq, 0xa5a5a5a5U);
	free(b);
}

/* Encoding into exact-size buffers: the base fits, one octet less not. */
static void test_i21_encode_exact(void **state)
{
	struct stamp_test t = { 0x0a0b0c0d, 0x0102030405060708ULL, 0x8002,
				0x1234 }, d;
	uint8_t *b;
	int auth;

	for (auth = 0; auth <= 1; auth++) {
		size_t n = auth ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;

		assert_int_equal(stamp_base_len(auth), n);
		b = malloc(n);
		assert_non_null(b);
		memset(b, 0xa5, n);
		assert_int_equal(stamp_test_encode(b, n, &t, auth), (int)n);
		memset(&d, 0xa5, sizeof(d));
		assert_int_equal(stamp_test_decode(b, n, &d, auth), 0);
		assert_test_equal(&d, &t);
		memset(b, 0xa5, n);
		assert_int_equal(stamp_test_encode(b, n - 1, &t, auth),
				 -ENOSPC);
		assert_int_equal(b[0], 0xa5);	/* nothing written */
		free(b);
	}
}

/*
 * Reflecting in buffers of exactly the reply's size, short requests
 * zero-filled up to the base, and one octet less of room refused.
 */
static void test_i21_reflect_exact(void **state)
{
	struct stamp_refl_params p = { .seq = 0x01020304, .rx_ts = 0x55,
				       .errest = 0x0102, .ttl = 9 };
	static const size_t lens[] = { 14, 16, 17, 43, 44, 45, 60 };
	uint8_t req[64], *b;
	size_t i, len, rlen;
	int auth;

	for (i = 0; i < sizeof(req); i++)
		req[i] = 0xf0 | (i & 0xf);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = lens[i];
		rlen = len > 44 ? len : 44;
		b = malloc(rlen);
		assert_non_null(b);
		memset(b, 0xee, rlen);
		memcpy(b, req, len);
		assert_int_equal(stamp_reflect(b, len, rlen, &p, false),
				 (int)rlen);
		assert_int_equal(be32(b), 0x01020304);
		assert_int_equal(be64(b + 4), 0);
		assert_int_equal(be16(b + 12), 0x0102);
		/* MBZ octets set: TWAMP-Light padding, no SSID (issue 22) */
		if (len >= 16 && mbz_zero(req, len))
			assert_int_equal(be16(b + 14), be16(req + 14));
		else
			assert_int_equal(be16(b + 14), 0);
		assert_int_equal(be64(b + 16), 0x55);
		assert_int_equal(be32(b + 24), be32(req));
		assert_int_equal(be64(b + 28), be64(req + 4));
		assert_int_equal(be16(b + 36), be16(req + 12));
		assert_int_equal(be16(b + 38), 0);
		assert_int_equal(b[40], 9);
		assert_int_equal(b[41] | b[42] | b[43], 0);
		if (len > 44)
			assert_memory_equal(b + 44, req + 44, len - 44);
		memcpy(b, req, len);
		assert_int_equal(stamp_reflect(b, len, rlen - 1, &p, false),
				 -ENOSPC);
		free(b);
	}

	/* authenticated: exactly the base, and with TLV octets after it */
	for (auth = 0; auth < 2; auth++) {
		uint8_t src[120];

		len = auth ? 120 : STAMP_AUTH_BASE_LEN;
		for (i = 0; i < len; i++)
			src[i] = 0x80 | i;
		b = exact_buf(src, len);
		p.copy_seq = true;
		assert_int_equal(stamp_reflect(b, len, len, &p, true),
				 (int)len);
		assert_int_equal(be32(b), be32(src));
		for (i = 4; i < 24; i++)
			assert_int_equal(b[i], 0);
		assert_int_equal(be16(b + 24), 0x0102);
		/* src's MBZ octets are set: padding, no SSID (issue 22) */
		assert_int_equal(be16(b + 26), 0);
		assert_int_equal(be64(b + 32), 0x55);
		assert_int_equal(be32(b + 48), be32(src));
		assert_int_equal(be64(b + 64), be64(src + 16));
		assert_int_equal(be16(b + 72), be16(src + 24));
		assert_int_equal(b[80], 9);
		for (i = 81; i < 112; i++)
			assert_int_equal(b[i], 0);
		if (len > 112)
			assert_memory_equal(b + 112, src + 112, len - 112);
		stamp_reflect_set_tx_ts(b, 0x0102030405060708ULL, true);
		assert_int_equal(be64(b + 16), 0x0102030405060708ULL);
		assert_int_equal(be64(b + 4), 0);
		assert_int_equal(be16(b + 24), 0x0102);
		memcpy(b, src, len);
		assert_int_equal(stamp_reflect(b, len, len - 1, &p, true),
				 -ENOSPC);
		free(b);
		p.copy_seq = false;
	}
	/* the unauthenticated T3 goes at octet 4, nothing else moves */
	b = exact_buf(req, 44);
	stamp_reflect_set_tx_ts(b, 0x1112131415161718ULL, false);
	assert_int_equal(be64(b + 4), 0x1112131415161718ULL);
	assert_memory_equal(b, req, 4);
	assert_memory_equal(b + 12, req + 12, 32);
	free(b);
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

/*
 * Issue 21b (mutation survivors of issue 22's rule): which octets are MBZ,
 * octet by octet, and a short request read no further than its length.
 */
static void test_i21b_mbz_octets(void **state)
{
	uint8_t src[120], *b;
	size_t i, len;

	/* unauthenticated: 16 to 43 only; Seq, TS, ErrEst, SSID, TLVs not */
	memset(src, 0, sizeof(src));
	for (i = 0; i < 60; i++) {
		src[i] = 0x01;
		b = exact_buf(src, 60);
		assert_int_equal(stamp_test_mbz_clear(b, 60, false),
				 i < 16 || i >= 44);
		free(b);
		src[i] = 0;
	}
	/* authenticated: 4 to 15 and 28 to 95; Seq, TS, ErrEst, SSID, HMAC not */
	for (i = 0; i < 112; i++) {
		src[i] = 0x80;
		b = exact_buf(src, 112);
		assert_int_equal(stamp_test_mbz_clear(b, 112, true),
				 i < 4 || (i >= 16 && i < 28) || i >= 96);
		free(b);
		src[i] = 0;
	}
	/* a request shorter than the MBZ range: nothing read past its end */
	memset(src, 0xff, sizeof(src));
	for (len = 0; len <= 16; len++) {
		b = exact_buf(src, len);
		assert_true(stamp_test_mbz_clear(b, len, false));
		free(b);
	}
	for (len = 0; len <= 4; len++) {
		b = exact_buf(src, len);
		assert_true(stamp_test_mbz_clear(b, len, true));
		free(b);
	}
	/*
	 * a request ending inside the range: its last octet is read, at
	 * every length (a word at a time, then the octets left over)
	 */
	memset(src, 0, sizeof(src));
	for (len = 17; len <= 44; len++) {
		b = exact_buf(src, len);
		assert_true(stamp_test_mbz_clear(b, len, false));
		b[len - 1] = 0x10;
		assert_false(stamp_test_mbz_clear(b, len, false));
		free(b);
	}
}

/* an authenticated RFC 8972 sender's Seq is no MBZ: its SSID comes back */
static void test_i21b_auth_ssid_kept(void **state)
{
	struct stamp_refl_params p = { .rx_ts = 1, .errest = 0x0101,
				       .ttl = 64, .copy_seq = true };
	uint8_t src[112], *b;

	memset(src, 0, sizeof(src));
	src[0] = 0xde;
	src[1] = 0xad;
	src[2] = 0xbe;
	src[3] = 0xef;
	src[26] = 0xab;
	src[27] = 0xcd;
	b = exact_buf(src, sizeof(src));
	assert_int_equal(stamp_reflect(b, 112, 112, &p, true), 112);
	assert_int_equal(be32(b), 0xdeadbeef);
	assert_int_equal(be16(b + 26), 0xabcd);
	free(b);
	/* the first MBZ octet after the SSID set: padding, SSID 0 */
	src[28] = 1;
	b = exact_buf(src, sizeof(src));
	assert_int_equal(stamp_reflect(b, 112, 112, &p, true), 112);
	assert_int_equal(be16(b + 26), 0);
	free(b);
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
		cmocka_unit_test(test_i21_ts_clamps),
		cmocka_unit_test(test_i21_errest_exact),
		cmocka_unit_test(test_i21_decode_stale),
		cmocka_unit_test(test_i21_encode_exact),
		cmocka_unit_test(test_i21_reflect_exact),
		cmocka_unit_test(test_i22_ssid_rules),
		cmocka_unit_test(test_i21b_mbz_octets),
		cmocka_unit_test(test_i21b_auth_ssid_kept),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
