// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of a sender test: pure functions over samples, no I/O, so
 * they are unit-tested on their own (tests/unit/test_sender_stats.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "sender_stats.h"

/**
 * stat_add() - add one sample
 * @s: the accumulator (zero-initialized before the first call)
 * @v: the sample, in nanoseconds
 *
 * Welford's update keeps the variance exact where sum(x^2) - n*mean^2
 * would cancel catastrophically (delays of seconds, spreads of ns).
 *
 * Return: 0, or -ENOMEM when the sample could not be kept (the moments
 * still count it).
 */
int stat_add(struct stat_acc *s, int64_t v)
{
	double d = (double)v - s->mean;

	if (!s->n || v < s->min)
		s->min = v;
	if (!s->n || v > s->max)
		s->max = v;
	s->n++;
	s->mean += d / (double)s->n;
	s->m2 += d * ((double)v - s->mean);

	if (s->n > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		int64_t *p = realloc(s->samples, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->samples = p;
		s->cap = cap;
	}
	s->samples[s->n - 1] = v;
	return 0;
}

/**
 * stat_mdev() - ping's mdev: the population standard deviation
 * @s: the accumulator
 *
 * Return: sqrt(mean(x^2) - mean(x)^2) in nanoseconds, 0 without samples.
 */
double stat_mdev(const struct stat_acc *s)
{
	return s->n ? sqrt(s->m2 / (double)s->n) : 0.0;
}

/**
 * stat_free() - release the samples and reset
 * @s: the accumulator
 */
void stat_free(struct stat_acc *s)
{
	free(s->samples);
	*s = (struct stat_acc){ 0 };
}

/**
 * loss_in_flight() - packets neither answered nor past their threshold
 * @l: the accounting
 *
 * Return: the count.
 */
uint64_t loss_in_flight(const struct loss_acc *l)
{
	return l->sent - l->received - l->lost;
}

/**
 * loss_pct() - lost packets as a share of those whose fate is known
 * @l: the accounting
 *
 * Packets still in flight are not counted either way.
 *
 * Return: percent, 0 when nothing is decided yet.
 */
double loss_pct(const struct loss_acc *l)
{
	uint64_t decided = l->received + l->lost;

	return decided ? 100.0 * (double)l->lost / (double)decided : 0.0;
}
