// SPDX-License-Identifier: GPL-2.0
/* Series of signed nanosecond values and their percentiles, as JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_stats.h"

/**
 * series_add() - append a value
 * @s: the series
 * @v: the value; dropped silently when memory runs out
 */
void series_add(struct bench_series *s, int64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		int64_t *p = realloc(s->v, cap * sizeof(*p));

		if (!p)
			return;
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/**
 * series_pct() - a percentile, by nearest rank
 * @s: the series, not empty; sorted in place
 * @pct: 0 to 100
 *
 * Return: the smallest value at least @pct percent of the series is not
 * above.
 */
int64_t series_pct(struct bench_series *s, double pct)
{
	size_t rank = (size_t)ceil(pct / 100 * s->n);

	qsort(s->v, s->n, sizeof(*s->v), cmp);
	return s->v[rank ? rank - 1 : 0];
}

/**
 * series_json() - print "NAME:{n, p50_ns, p99_ns}"
 * @name: printed as it is (quotes and a leading comma included)
 * @s: the series; an empty one has null percentiles
 */
void series_json(const char *name, struct bench_series *s)
{
	if (!s->n) {
		printf("%s:{\"n\":0,\"p50_ns\":null,\"p99_ns\":null}", name);
		return;
	}
	printf("%s:{\"n\":%zu,\"p50_ns\":%lld,\"p99_ns\":%lld}", name, s->n,
	       (long long)series_pct(s, 50), (long long)series_pct(s, 99));
}

/**
 * series_free() - free a series' values
 * @s: the series, empty afterwards
 */
void series_free(struct bench_series *s)
{
	free(s->v);
	*s = (struct bench_series){};
}
