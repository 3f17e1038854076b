// SPDX-License-Identifier: GPL-2.0
/*
 * The command-line parsers (tools/lib/parse.c), table-driven: every unit,
 * the edges of each range, overflow at 2^64, a sign where none belongs,
 * trailing text, empty strings, and the values strtod used to round.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parse.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* one case's verdict, naming the case: the tables are long */
#define EXPECT(what, s, err, want_err, ok) \
	do { \
		if ((err) != (want_err) || !(ok)) \
			fail_msg("%s '%s': error %d (want %d), value %s", \
				 what, s, err, want_err, \
				 (ok) ? "right" : "wrong"); \
	} while (0)

struct u64_case {
	const char *s;
	uint64_t min, max;
	int err;
	uint64_t want;
};

static void test_u64(void **state)
{
	static const struct u64_case c[] = {
		{ "0", 0, UINT64_MAX, 0, 0 },
		{ "1", 0, UINT64_MAX, 0, 1 },
		{ "12345678901234567", 0, UINT64_MAX, 0, 12345678901234567ULL },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999", 0, UINT64_MAX, -ERANGE, 0 },
		{ "0xffffffffffffffff", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "0x10000000000000000", 0, UINT64_MAX, -ERANGE, 0 },
		{ "0x1F", 0, UINT64_MAX, 0, 31 },
		{ "0x", 0, UINT64_MAX, -EINVAL, 0 },
		{ "0xg", 0, UINT64_MAX, -EINVAL, 0 },
		/* decimal, not octal */
		{ "010", 0, UINT64_MAX, 0, 10 },
		{ "65535", 1, 65535, 0, 65535 },
		{ "65536", 1, 65535, -ERANGE, 0 },
		{ "0", 1, 65535, -ERANGE, 0 },
		{ "-1", 0, UINT64_MAX, -EINVAL, 0 },
		{ "-0", 0, UINT64_MAX, -EINVAL, 0 },
		{ "+1", 0, UINT64_MAX, -EINVAL, 0 },
		{ " 1", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1 ", 0, UINT64_MAX, -EINVAL, 0 },
		{ "12abc", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1.0", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1e3", 0, UINT64_MAX, -EINVAL, 0 },
		{ "", 0, UINT64_MAX, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		uint64_t v = 42;
		int err = parse_u64(c[i].s, c[i].min, c[i].max, &v);

		EXPECT("parse", c[i].s, err, c[i].err,
		       v == (err ? 42 : c[i].want));
	}
}

static void test_s64(void **state)
{
	static const struct {
		const char *s;
		int64_t min, max;
		int err;
		int64_t want;
	} c[] = {
		{ "-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN },
		{ "9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX },
		{ "9223372036854775808", INT64_MIN, INT64_MAX, -ERANGE, 0 },
		{ "-9223372036854775809", INT64_MIN, INT64_MAX, -ERANGE, 0 },
		{ "-18446744073709551616", INT64_MIN, INT64_MAX, -ERANGE, 0 },
		{ "-5", -10, 10, 0, -5 },
		{ "-11", -10, 10, -ERANGE, 0 },
		{ "11", -10, 10, -ERANGE, 0 },
		{ "-", INT64_MIN, INT64_MAX, -EINVAL, 0 },
		{ "--1", INT64_MIN, INT64_MAX, -EINVAL, 0 },
		{ "-1x", INT64_MIN, INT64_MAX, -EINVAL, 0 },
		{ "", INT64_MIN, INT64_MAX, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		int64_t v = 42;
		int err = parse_s64(c[i].s, c[i].min, c[i].max, &v);

		EXPECT("parse", c[i].s, err, c[i].err,
		       v == (err ? 42 : c[i].want));
	}
}

static void test_uint(void **state)
{
	unsigned int v = 7;

	assert_int_equal(parse_uint("4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(parse_uint("4294967296", 0, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(v, UINT32_MAX);
}

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		uint64_t unit, min, max;
		int err;
		uint64_t want;
	} c[] = {
		{ "10ms", NSEC_PER_SEC, 0, UINT64_MAX, 0, 10 * NSEC_PER_MSEC },
		{ "1.5s", NSEC_PER_SEC, 0, UINT64_MAX, 0, 1500 * NSEC_PER_MSEC },
		{ "100us", NSEC_PER_SEC, 0, UINT64_MAX, 0, 100 * NSEC_PER_USEC },
		{ "7ns", NSEC_PER_SEC, 0, UINT64_MAX, 0, 7 },
		{ "2m", NSEC_PER_SEC, 0, UINT64_MAX, 0, 120 * NSEC_PER_SEC },
		{ "2min", NSEC_PER_SEC, 0, UINT64_MAX, 0, 120 * NSEC_PER_SEC },
		{ "1h", NSEC_PER_SEC, 0, UINT64_MAX, 0, 3600 * NSEC_PER_SEC },
		{ "3sec", NSEC_PER_SEC, 0, UINT64_MAX, 0, 3 * NSEC_PER_SEC },
		{ "10MS", NSEC_PER_SEC, 0, UINT64_MAX, 0, 10 * NSEC_PER_MSEC },
		/* no unit: the caller's */
		{ "0.1", NSEC_PER_SEC, 0, UINT64_MAX, 0, 100 * NSEC_PER_MSEC },
		{ "0.0001", NSEC_PER_SEC, 0, UINT64_MAX, 0, 100 * NSEC_PER_USEC },
		{ ".5", NSEC_PER_SEC, 0, UINT64_MAX, 0, 500 * NSEC_PER_MSEC },
		{ "5.", NSEC_PER_SEC, 0, UINT64_MAX, 0, 5 * NSEC_PER_SEC },
		{ "250", 1, 0, UINT64_MAX, 0, 250 },
		{ "1.000000000000000000000", NSEC_PER_SEC, 0, UINT64_MAX, 0,
		  NSEC_PER_SEC },
		/* finer than a nanosecond */
		{ "1.5ns", NSEC_PER_SEC, 0, UINT64_MAX, -ERANGE, 0 },
		{ "0.0000000001", NSEC_PER_SEC, 0, UINT64_MAX, -ERANGE, 0 },
		{ "1.0000000000000000001", NSEC_PER_SEC, 0, UINT64_MAX, -ERANGE, 0 },
		/* 2^64 ns is about 584 years */
		{ "18446744073709551615ns", NSEC_PER_SEC, 0, UINT64_MAX, 0,
		  UINT64_MAX },
		{ "18446744073709551616ns", NSEC_PER_SEC, 0, UINT64_MAX, -ERANGE, 0 },
		{ "18446744074s", NSEC_PER_SEC, 0, UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999h", NSEC_PER_SEC, 0, UINT64_MAX, -ERANGE, 0 },
		{ "1ms", NSEC_PER_SEC, NSEC_PER_MSEC, NSEC_PER_SEC, 0, NSEC_PER_MSEC },
		{ "999us", NSEC_PER_SEC, NSEC_PER_MSEC, NSEC_PER_SEC, -ERANGE, 0 },
		{ "1.001", NSEC_PER_SEC, NSEC_PER_MSEC, NSEC_PER_SEC, -ERANGE, 0 },
		{ "-1s", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "+1s", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "1 s", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "1sx", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "1d", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "ms", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ ".", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "1..5", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "nan", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "inf", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "1e3", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
		{ "", NSEC_PER_SEC, 0, UINT64_MAX, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		uint64_t v = 42;
		int err = parse_duration(c[i].s, c[i].unit, c[i].min, c[i].max,
					 &v);

		EXPECT("parse", c[i].s, err, c[i].err,
		       v == (err ? 42 : c[i].want));
	}
}

static void test_size(void **state)
{
	static const struct u64_case c[] = {
		{ "1500", 0, UINT64_MAX, 0, 1500 },
		{ "1500b", 0, UINT64_MAX, 0, 1500 },
		{ "9k", 0, UINT64_MAX, 0, 9216 },
		{ "9K", 0, UINT64_MAX, 0, 9216 },
		{ "1kb", 0, UINT64_MAX, 0, 1024 },
		{ "1.5KiB", 0, UINT64_MAX, 0, 1536 },
		{ "2m", 0, UINT64_MAX, 0, 2 * 1024 * 1024 },
		{ "1MiB", 0, UINT64_MAX, 0, 1024 * 1024 },
		{ "1mb", 0, UINT64_MAX, 0, 1024 * 1024 },
		{ "16777216m", 0, UINT64_MAX, 0, 1ULL << 44 },
		{ "17592186044416m", 0, UINT64_MAX, -ERANGE, 0 },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		/* whole octets only */
		{ "1.0001k", 0, UINT64_MAX, -ERANGE, 0 },
		{ "0.5", 0, UINT64_MAX, -ERANGE, 0 },
		{ "44", 44, 9000, 0, 44 },
		{ "43", 44, 9000, -ERANGE, 0 },
		{ "9k", 44, 9000, -ERANGE, 0 },
		{ "-1", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1g", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1kk", 0, UINT64_MAX, -EINVAL, 0 },
		{ "", 0, UINT64_MAX, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		uint64_t v = 42;
		int err = parse_size(c[i].s, c[i].min, c[i].max, &v);

		EXPECT("parse", c[i].s, err, c[i].err,
		       v == (err ? 42 : c[i].want));
	}
}

static void test_real_percent(void **state)
{
	static const struct {
		const char *s;
		int percent;	/* parse_percent, else parse_real(0.001, 1e7) */
		int err;
		double want;
	} c[] = {
		{ "10", 0, 0, 10 },
		{ "0.001", 0, 0, 0.001 },
		{ "10000000", 0, 0, 1e7 },
		{ "10000000.1", 0, -ERANGE, 0 },
		{ "0.0009", 0, -ERANGE, 0 },
		{ "0", 0, -ERANGE, 0 },
		{ "1e3", 0, -EINVAL, 0 },
		{ "0x10", 0, -EINVAL, 0 },
		{ "nan", 0, -EINVAL, 0 },
		{ "-5", 0, -EINVAL, 0 },
		{ "5x", 0, -EINVAL, 0 },
		{ "", 0, -EINVAL, 0 },
		{ "12.5%", 1, 0, 12.5 },
		{ "12.5", 1, 0, 12.5 },
		{ "0%", 1, 0, 0 },
		{ "100%", 1, 0, 100 },
		{ "100.01%", 1, -ERANGE, 0 },
		{ "%", 1, -EINVAL, 0 },
		{ "5%%", 1, -EINVAL, 0 },
		{ "-1%", 1, -EINVAL, 0 },
		{ "", 1, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		double v = 42;
		int err = c[i].percent ? parse_percent(c[i].s, &v) :
			  parse_real(c[i].s, 0.001, 1e7, &v);

		EXPECT("parse", c[i].s, err, c[i].err,
		       v == (err ? 42 : c[i].want));
	}
}

static void test_dscp_ecn(void **state)
{
	static const struct {
		const char *s;
		int ecn;
		int err;
		unsigned int want;
	} c[] = {
		{ "ef", 0, 0, 46 }, { "EF", 0, 0, 46 }, { "va", 0, 0, 44 },
		{ "be", 0, 0, 0 }, { "df", 0, 0, 0 }, { "le", 0, 0, 1 },
		{ "cs0", 0, 0, 0 }, { "cs1", 0, 0, 8 }, { "cs2", 0, 0, 16 },
		{ "cs3", 0, 0, 24 }, { "cs4", 0, 0, 32 }, { "cs5", 0, 0, 40 },
		{ "cs6", 0, 0, 48 }, { "cs7", 0, 0, 56 },
		{ "af11", 0, 0, 10 }, { "af12", 0, 0, 12 }, { "af13", 0, 0, 14 },
		{ "af21", 0, 0, 18 }, { "af22", 0, 0, 20 }, { "af23", 0, 0, 22 },
		{ "af31", 0, 0, 26 }, { "af32", 0, 0, 28 }, { "af33", 0, 0, 30 },
		{ "af41", 0, 0, 34 }, { "af42", 0, 0, 36 }, { "af43", 0, 0, 38 },
		{ "0", 0, 0, 0 }, { "63", 0, 0, 63 }, { "64", 0, -ERANGE, 0 },
		{ "af44", 0, -EINVAL, 0 }, { "cs8", 0, -EINVAL, 0 },
		{ "e", 0, -EINVAL, 0 }, { "-1", 0, -EINVAL, 0 },
		{ "", 0, -EINVAL, 0 },
		{ "not-ect", 1, 0, 0 }, { "ect1", 1, 0, 1 }, { "ect0", 1, 0, 2 },
		{ "ce", 1, 0, 3 }, { "CE", 1, 0, 3 }, { "3", 1, 0, 3 },
		{ "4", 1, -ERANGE, 0 }, { "ect", 1, -EINVAL, 0 },
		{ "", 1, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		unsigned int v = 99;
		int err = c[i].ecn ? parse_ecn(c[i].s, &v) :
			  parse_dscp(c[i].s, &v);

		EXPECT("parse", c[i].s, err, c[i].err,
		       v == (err ? 99 : c[i].want));
	}
}

static void test_choice(void **state)
{
	static const char *const names[] = { "process", NULL, "strip" };
	unsigned int v = 9;

	assert_int_equal(parse_choice("strip", names, 3, &v), 0);
	assert_int_equal(v, 2);
	/* no prefix matches, no NULL slots */
	assert_int_equal(parse_choice("str", names, 3, &v), -EINVAL);
	assert_int_equal(parse_choice("", names, 3, &v), -EINVAL);
	assert_int_equal(parse_choice("strip", names, 2, &v), -EINVAL);
	assert_int_equal(v, 2);
	assert_int_equal(parse_onoff("on", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_onoff("off", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_onoff("yes", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_s64),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_real_percent),
		cmocka_unit_test(test_dscp_ecn),
		cmocka_unit_test(test_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
