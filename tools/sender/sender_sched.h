/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_SCHED_H
#define _STAMPNL_SENDER_SCHED_H

#include <stdbool.h>
#include <stdint.h>

/* When test packets go out. */
struct sched {
	bool poisson;		/* RFC 2330 section 11.1.1, else periodic */
	uint64_t interval_ns;	/* the period, or the mean gap */
	uint64_t rng;		/* xorshift64* state, never 0 */
};

void sched_init(struct sched *s, bool poisson, uint64_t interval_ns,
		uint64_t seed);
uint64_t sched_gap(struct sched *s);
uint64_t sched_start(struct sched *s);

#endif /* _STAMPNL_SENDER_SCHED_H */
