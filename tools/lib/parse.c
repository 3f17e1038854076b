// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line values. Every number is read digit by digit into a 64-bit
 * integer (the fraction into a second one), so `--seed 12345678901234567`
 * stays itself and `-i 0.1` is exactly 100 ms, where strtod would round
 * both. A leading sign, a space, an empty string or anything after the
 * number and its unit is refused rather than ignored, as strtoul would.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "util.h"

/* at most this many fraction digits: 10^18 still fits in 64 bits */
#define FRAC_DIGITS 18

struct decimal {
	uint64_t ipart;		/* the integer part, exact */
	uint64_t frac;		/* the fraction's digits, frac / 10^fdigits */
	unsigned int fdigits;
};

static const uint64_t pow10[FRAC_DIGITS + 1] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
};

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * DIGITS[.DIGITS] at @s; @end after it. -ERANGE past 2^64 - 1 or with more
 * fraction digits than are kept (non-zero ones: 0.5000... is fine).
 */
static int decimal(const char *s, const char **end, struct decimal *d)
{
	const char *p = s;

	memset(d, 0, sizeof(*d));
	if (!digit(*p) && !(*p == '.' && digit(p[1])))
		return -EINVAL;
	for (; digit(*p); p++) {
		if (d->ipart > (UINT64_MAX - (*p - '0')) / 10)
			return -ERANGE;
		d->ipart = d->ipart * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; digit(*p); p++) {
			if (d->fdigits == FRAC_DIGITS) {
				if (*p != '0')
					return -ERANGE;
				continue;
			}
			d->frac = d->frac * 10 + (*p - '0');
			d->fdigits++;
		}
	}
	*end = p;
	return 0;
}

/* an integer: decimal, or hexadecimal after 0x; no octal surprises */
static int integer(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	int n;

	if ((p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))) {
		for (p += 2, n = 0; *p; p++, n++) {
			unsigned int h;

			if (digit(*p))
				h = *p - '0';
			else if (*p >= 'a' && *p <= 'f')
				h = *p - 'a' + 10;
			else if (*p >= 'A' && *p <= 'F')
				h = *p - 'A' + 10;
			else
				return -EINVAL;
			if (v >> 60)
				return -ERANGE;
			v = v << 4 | h;
		}
		if (!n)
			return -EINVAL;
		*out = v;
		return 0;
	}
	if (!digit(*p))
		return -EINVAL;
	for (; *p; p++) {
		if (!digit(*p))
			return -EINVAL;
		if (v > (UINT64_MAX - (*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return 0;
}

/**
 * parse_u64() - an unsigned integer in [@min, @max]
 * @s: decimal digits, or 0x and hex digits
 * @min: smallest allowed
 * @max: largest allowed
 * @out: the value, set only on success
 *
 * Return: 0, -EINVAL (not a number, a sign, trailing text) or -ERANGE.
 */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int err = integer(s, &v);

	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/**
 * parse_s64() - a signed integer in [@min, @max]
 * @s: an optional '-' and what parse_u64() takes
 * @min: smallest allowed
 * @max: largest allowed
 * @out: the value, set only on success
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int parse_s64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v;
	int64_t r;
	int err;

	err = integer(s + neg, &v);
	if (err)
		return err;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > INT64_MAX)
		return -ERANGE;
	r = neg ? (int64_t)(0 - v) : (int64_t)v;
	if (r < min || r > max)
		return -ERANGE;
	*out = r;
	return 0;
}

/**
 * parse_uint() - parse_u64() into an unsigned int
 * @s: the text
 * @min: smallest allowed
 * @max: largest allowed
 * @out: the value, set only on success
 *
 * Return: as parse_u64().
 */
int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *out)
{
	uint64_t v;
	int err = parse_u64(s, min, max, &v);

	if (!err)
		*out = v;
	return err;
}

/**
 * parse_real() - a non-negative decimal fraction: rates, factors
 * @s: DIGITS[.DIGITS] (no exponent, sign, hex, inf or nan)
 * @min: smallest allowed
 * @max: largest allowed
 * @out: the value, set only on success
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int parse_real(const char *s, double min, double max, double *out)
{
	struct decimal d;
	const char *end;
	double v;
	int err;

	err = decimal(s, &end, &d);
	if (err)
		return err;
	if (*end)
		return -EINVAL;
	v = (double)d.ipart + (double)d.frac / pow10[d.fdigits];
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* @d times @unit, exactly, or -ERANGE (too large, or finer than 1) */
static int scale(const struct decimal *d, uint64_t unit, uint64_t *out)
{
	unsigned __int128 i = (unsigned __int128)d->ipart * unit;
	unsigned __int128 f = (unsigned __int128)d->frac * unit;

	if (f % pow10[d->fdigits])
		return -ERANGE;
	i += f / pow10[d->fdigits];
	if (i > UINT64_MAX)
		return -ERANGE;
	*out = (uint64_t)i;
	return 0;
}

struct unit {
	const char *name;
	uint64_t mult;
};

/* NUMBER[UNIT] with UNIT from @units (case-insensitive); none: @dflt */
static int with_unit(const char *s, const struct unit *units, uint64_t dflt,
		     uint64_t min, uint64_t max, uint64_t *out)
{
	struct decimal d;
	const char *end;
	uint64_t mult = 0, v;
	int err;

	err = decimal(s, &end, &d);
	if (err)
		return err;
	if (!*end) {
		mult = dflt;
	} else {
		for (; units->name; units++)
			if (!strcasecmp(end, units->name))
				mult = units->mult;
		if (!mult)
			return -EINVAL;
	}
	err = scale(&d, mult, &v);
	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/**
 * parse_duration() - a time: 10ms, 1.5s, 100us, 2m
 * @s: a decimal number and a unit: ns, us, ms, s, m (minutes), h
 * @unit_ns: what a number without a unit counts (NSEC_PER_SEC: seconds)
 * @min_ns: shortest allowed
 * @max_ns: longest allowed
 * @ns: the duration in nanoseconds, set only on success
 *
 * Return: 0, -EINVAL (not a duration, an unknown unit) or -ERANGE
 * (outside the range, or finer than a nanosecond).
 */
int parse_duration(const char *s, uint64_t unit_ns, uint64_t min_ns,
		   uint64_t max_ns, uint64_t *ns)
{
	static const struct unit units[] = {
		{ "ns", 1 }, { "us", NSEC_PER_USEC }, { "ms", NSEC_PER_MSEC },
		{ "s", NSEC_PER_SEC }, { "sec", NSEC_PER_SEC },
		{ "m", 60 * NSEC_PER_SEC }, { "min", 60 * NSEC_PER_SEC },
		{ "h", 3600 * NSEC_PER_SEC }, { NULL, 0 }
	};

	return with_unit(s, units, unit_ns, min_ns, max_ns, ns);
}

/**
 * parse_size() - a number of octets: 1500, 9k, 1.5KiB
 * @s: a decimal number and an optional binary unit: b, k/kb/kib (1024),
 *     m/mb/mib (1024 * 1024), as tc(8) counts sizes
 * @min: smallest allowed
 * @max: largest allowed
 * @out: the size in octets, set only on success
 *
 * Return: 0, -EINVAL or -ERANGE (outside the range, or not whole octets).
 */
int parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	static const struct unit units[] = {
		{ "b", 1 }, { "k", 1024 }, { "kb", 1024 }, { "kib", 1024 },
		{ "m", 1024 * 1024 }, { "mb", 1024 * 1024 },
		{ "mib", 1024 * 1024 }, { NULL, 0 }
	};

	return with_unit(s, units, 1, min, max, out);
}

/**
 * parse_percent() - a share: 12.5% or 12.5
 * @s: a decimal number from 0 to 100, with or without a '%'
 * @out: the percentage, set only on success
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int parse_percent(const char *s, double *out)
{
	char buf[64];
	size_t n = strlen(s);

	if (n && s[n - 1] == '%') {
		if (n > sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, n - 1);
		buf[n - 1] = 0;
		s = buf;
	}
	return parse_real(s, 0, 100, out);
}

/**
 * parse_choice() - one of a list of names
 * @s: the text, matched exactly (no prefixes: a new name must not change
 *     what an old abbreviation meant)
 * @names: the names; NULL entries are skipped
 * @n: how many
 * @out: the index of the name, set only on success
 *
 * Return: 0 or -EINVAL.
 */
int parse_choice(const char *s, const char *const *names, unsigned int n,
		 unsigned int *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (names[i] && !strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *const parse_onoff_names[] = { "off", "on", NULL };

/**
 * parse_onoff() - on or off
 * @s: the text
 * @out: 1 for on, 0 for off, set only on success
 *
 * Return: 0 or -EINVAL.
 */
int parse_onoff(const char *s, unsigned int *out)
{
	return parse_choice(s, parse_onoff_names, 2, out);
}

/*
 * RFC 4594's names: Class Selectors (RFC 2474 4.2.2.1), Assured Forwarding
 * AFxy = 8x + 2y (RFC 2597 6), Expedited Forwarding (RFC 3246 2.5),
 * Voice-Admit (RFC 5865 3) and Lower-Effort (RFC 8622 5).
 */
const char *const parse_dscp_names[] = {
	"be", "df", "le", "cs0", "cs1", "cs2", "cs3", "cs4", "cs5", "cs6",
	"cs7", "af11", "af12", "af13", "af21", "af22", "af23", "af31", "af32",
	"af33", "af41", "af42", "af43", "ef", "va", NULL
};

/* parse_dscp_names[i]'s codepoint */
static const unsigned char dscp_values[] = {
	0, 0, 1, 0, 8, 16, 24, 32, 40, 48,
	56, 10, 12, 14, 18, 20, 22, 26, 28,
	30, 34, 36, 38, 46, 44,
};
_Static_assert(ARRAY_SIZE(dscp_values) + 1 == ARRAY_SIZE(parse_dscp_names),
	       "a value for every DSCP name");

/**
 * parse_dscp() - a DSCP by number (0-63) or name (ef, af41, cs6, be, ...)
 * @s: the text; names in any case
 * @out: the DSCP, set only on success
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int parse_dscp(const char *s, unsigned int *out)
{
	size_t i;

	for (i = 0; parse_dscp_names[i]; i++) {
		if (!strcasecmp(s, parse_dscp_names[i])) {
			*out = dscp_values[i];
			return 0;
		}
	}
	return parse_uint(s, 0, 63, out);
}

/* RFC 3168 5: the ECN field's four codepoints, indexed by value */
const char *const parse_ecn_names[] = { "not-ect", "ect1", "ect0", "ce",
					NULL };

/**
 * parse_ecn() - an ECN codepoint by number (0-3) or name
 * @s: not-ect, ect1, ect0 or ce (RFC 3168 5), or 0-3
 * @out: the codepoint, set only on success
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int parse_ecn(const char *s, unsigned int *out)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, parse_ecn_names[i])) {
			*out = i;
			return 0;
		}
	}
	return parse_uint(s, 0, 3, out);
}
