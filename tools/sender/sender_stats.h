/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_STATS_H
#define _STAMPNL_SENDER_STATS_H

#include <stddef.h>
#include <stdint.h>

/* One delay metric: running moments plus every sample, for percentiles. */
struct stat_acc {
	uint64_t n;
	double mean;
	double m2;		/* Welford: sum of squared deviations */
	int64_t min;
	int64_t max;
	int64_t *samples;
	size_t cap;
};

/* What happened to the packets of a test (RFC 7680 loss, with threshold). */
struct loss_acc {
	uint64_t sent;
	uint64_t received;	/* answered within the threshold */
	uint64_t lost;		/* threshold passed without an answer */
	uint64_t late;		/* answers that came after the threshold */
	uint64_t duplicates;
	uint64_t malformed;	/* replies that are not for any packet sent */
	uint64_t auth_failures;	/* replies whose HMAC was wrong */
};

int stat_add(struct stat_acc *s, int64_t v);
double stat_mdev(const struct stat_acc *s);
void stat_free(struct stat_acc *s);

uint64_t loss_in_flight(const struct loss_acc *l);
double loss_pct(const struct loss_acc *l);

#endif /* _STAMPNL_SENDER_STATS_H */
