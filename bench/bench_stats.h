/* SPDX-License-Identifier: GPL-2.0 */
/* Series of signed nanosecond values and their percentiles, as JSON. */
#ifndef _BENCH_STATS_H
#define _BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct bench_series {
	int64_t *v;
	size_t n;
	size_t cap;
};

void series_add(struct bench_series *s, int64_t v);
int64_t series_pct(struct bench_series *s, double pct);
void series_json(const char *name, struct bench_series *s);
void series_free(struct bench_series *s);

#endif /* _BENCH_STATS_H */
