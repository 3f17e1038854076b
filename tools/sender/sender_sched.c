// SPDX-License-Identifier: GPL-2.0
/*
 * Sending schedules. Periodic streams start at a random offset within the
 * first period (RFC 3432 section 4), so that many senders started by the
 * same cron job do not fall into step; Poisson streams draw exponential
 * gaps (RFC 2330 section 11.1.1), which sample a path without being
 * synchronized to anything periodic on it. Deterministic given the seed,
 * so the unit tests can check the draws.
 */
#include <math.h>

#include "sender_sched.h"

/* xorshift64* (Vigna): plenty for spacing packets, and reproducible */
static uint64_t next_u64(struct sched *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545f4914f6cdd1dULL;
}

/* uniform on (0, 1]: never 0, whose logarithm has no end */
static double unit(struct sched *s)
{
	return ((next_u64(s) >> 11) + 1) * (1.0 / 9007199254740992.0);
}

/**
 * sched_init() - set up a schedule
 * @s: the schedule
 * @poisson: exponential gaps rather than a fixed period
 * @interval_ns: the period, or the mean gap
 * @seed: any value; 0 is replaced, as xorshift cannot leave it
 */
void sched_init(struct sched *s, bool poisson, uint64_t interval_ns,
		uint64_t seed)
{
	s->poisson = poisson;
	s->interval_ns = interval_ns;
	s->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

/**
 * sched_gap() - the time from one packet to the next
 * @s: the schedule
 *
 * Return: nanoseconds.
 */
uint64_t sched_gap(struct sched *s)
{
	if (!s->poisson)
		return s->interval_ns;
	return (uint64_t)llround(-log(unit(s)) * (double)s->interval_ns);
}

/**
 * sched_start() - the time from the start of the test to the first packet
 * @s: the schedule
 *
 * Return: nanoseconds: uniform within the first period, or a first
 * exponential gap.
 */
uint64_t sched_start(struct sched *s)
{
	if (s->poisson)
		return sched_gap(s);
	return (uint64_t)(unit(s) * (double)s->interval_ns) % (s->interval_ns + 1);
}
