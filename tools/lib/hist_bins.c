// SPDX-License-Identifier: GPL-2.0
/*
 * Bins a test's user chooses, counted exactly (hist_bins.h); no I/O
 * (tests/unit/test_hist_bins.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hist_bins.h"
#include "parse.h"

/* one key=value of a linear spec, a copy of it NUL-terminated in @val */
static int bins_kv(const char **p, char *key, size_t klen, char *val,
		   size_t vlen)
{
	size_t len = strcspn(*p, ",");
	const char *eq = memchr(*p, '=', len);

	if (!eq || (size_t)(eq - *p) >= klen || len - (eq - *p) > vlen)
		return -EINVAL;
	/* a trailing comma would promise a key that is not there */
	if ((*p)[len] == ',' && !(*p)[len + 1])
		return -EINVAL;
	memcpy(key, *p, eq - *p);
	key[eq - *p] = '\0';
	memcpy(val, eq + 1, len - (eq - *p) - 1);
	val[len - (eq - *p) - 1] = '\0';
	*p += len + ((*p)[len] == ',');
	return 0;
}

/**
 * hist_bins_parse() - bins from a --histogram-bins text
 * @spec: "bins=N,min=DUR,max=DUR" (in any order) or "le=DUR,DUR,..."
 * @out: the bins; left untouched on an error
 * @why: set on an error to what was wrong, for the user; may be NULL
 *
 * Return: 0, -EINVAL (not a spec, or a value out of its range).
 */
int hist_bins_parse(const char *spec, struct hist_bins *out,
		    const char **why)
{
	struct hist_bins b = { .linear = true };
	const char *p = spec, *dummy;
	bool seen[3] = { false };
	struct hist_le le;
	uint64_t v;

	if (!why)
		why = &dummy;
	if (!spec || !out) {
		*why = "no spec";
		return -EINVAL;
	}
	if (!strncmp(spec, "le=", 3)) {
		if (hist_le_parse(spec + 3, &le)) {
			*why = "le= wants 1 to 20 ascending durations above 0";
			return -EINVAL;
		}
		b = (struct hist_bins){ .n = le.n + 1 };
		memcpy(b.le, le.ns, le.n * sizeof(le.ns[0]));
		*out = b;
		return 0;
	}
	while (*p) {
		char key[8], val[32];
		int k;

		if (bins_kv(&p, key, sizeof(key), val, sizeof(val))) {
			*why = "not a list of key=value";
			return -EINVAL;
		}
		k = !strcmp(key, "bins") ? 0 : !strcmp(key, "min") ? 1 :
		    !strcmp(key, "max") ? 2 : -1;
		if (k < 0 || seen[k]) {
			*why = k < 0 ? "keys are bins, min and max (or le=)" :
			       "a key given twice";
			return -EINVAL;
		}
		seen[k] = true;
		if (k == 0 && parse_u64(val, 3, HIST_BINS_MAX, &v)) {
			*why = "bins= wants 3 to 256 (the first and last bins hold the outliers)";
			return -EINVAL;
		}
		if (k && parse_duration(val, NSEC_PER_SEC, 0, INT64_MAX, &v)) {
			*why = "min= and max= want durations (1ms, 250us; a bare number is in seconds)";
			return -EINVAL;
		}
		if (k == 0)
			b.n = v;
		else if (k == 1)
			b.min = v;
		else
			b.max = v;
	}
	if (!seen[0] || !seen[1] || !seen[2]) {
		*why = "bins=, min= and max= are all needed";
		return -EINVAL;
	}
	if (b.max <= b.min || b.max - b.min < b.n - 2) {
		*why = "max= must exceed min= by at least 1 ns per inner bin";
		return -EINVAL;
	}
	*out = b;
	return 0;
}

/**
 * hist_bins_edge() - the upper edge of bin @k
 * @b: the bins
 * @k: below @b->n - 1
 *
 * Return: e[k], in ns.
 */
uint64_t hist_bins_edge(const struct hist_bins *b, unsigned int k)
{
	unsigned __int128 w;

	if (!b->linear)
		return b->le[k];
	w = (unsigned __int128)(b->max - b->min) * k;
	return b->min + (uint64_t)(w / (b->n - 2));
}

/**
 * hist_bins_index() - the bin a delay falls in
 * @b: the bins
 * @ns: the delay, negative ones included
 *
 * Linear: for MIN < d <= MAX, the bin is ceil((d - MIN) * (N - 2) /
 * (MAX - MIN)), which is the k with e[k-1] < d <= e[k] for the floor()
 * edges of hist_bins_edge() (tests/unit/test_hist.c checks every edge).
 *
 * Return: 0 .. @b->n - 1.
 */
unsigned int hist_bins_index(const struct hist_bins *b, int64_t ns)
{
	unsigned int lo = 0, hi = b->n - 1;
	unsigned __int128 x;
	uint64_t d;

	if (ns < 0 || (uint64_t)ns <= hist_bins_edge(b, 0))
		return 0;
	if ((uint64_t)ns > hist_bins_edge(b, b->n - 2))
		return b->n - 1;
	if (b->linear) {
		d = (uint64_t)ns - b->min;
		x = (unsigned __int128)d * (b->n - 2);
		return (unsigned int)((x + (b->max - b->min) - 1) /
				      (b->max - b->min));
	}
	/* the first edge at or above ns, e[0] < ns <= e[n-2] */
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if ((uint64_t)ns <= b->le[mid])
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}
