// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's view of its clock: format, synchronization and TAI offset,
 * all from what the kernel reports (adjtimex), never assumed.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/timex.h>
#include <time.h>

#include "sender_clock.h"

/* The error claimed for a clock not known to be synchronized. */
#define UNSYNC_ERROR_NS 1000000000ULL

/**
 * sender_clock_init() - read the kernel's clock state
 * @c: result
 * @ptp: timestamps will be PTPv2 (TAI) rather than NTP (UTC)
 *
 * Return: 0, or -errno with a message when adjtimex() fails.
 */
int sender_clock_init(struct sender_clock *c, bool ptp)
{
	struct timex tx = { 0 };
	int state = adjtimex(&tx);

	if (state < 0) {
		perror("stampnl: adjtimex");
		return -errno;
	}
	c->ptp = ptp;
	c->synced = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	c->err_ns = c->synced ? (uint64_t)tx.esterror * 1000 : UNSYNC_ERROR_NS;
	c->tai_off_ns = (int64_t)tx.tai * 1000000000LL;
	c->errest = stamp_errest_encode(c->synced, ptp, c->err_ns);
	return 0;
}

static void now(clockid_t clk, struct stamp_time *t)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	t->sec = ts.tv_sec;
	t->nsec = ts.tv_nsec;
}

/**
 * sender_clock_now() - the time in the sender's timestamp format
 * @c: the clock state
 * @t: result: TAI for PTP, UTC for NTP
 */
void sender_clock_now(const struct sender_clock *c, struct stamp_time *t)
{
	now(c->ptp ? CLOCK_TAI : CLOCK_REALTIME, t);
}

/**
 * sender_clock_utc() - the time, UTC
 * @t: result
 */
void sender_clock_utc(struct stamp_time *t)
{
	now(CLOCK_REALTIME, t);
}

/**
 * sender_clock_to_utc_ns() - a decoded timestamp on the UTC timescale
 * @c: the clock state (for the TAI offset)
 * @t: the time as decoded from the wire
 * @ptp: it came in PTPv2 format, so it is TAI
 *
 * Return: nanoseconds since 1970, UTC.
 */
int64_t sender_clock_to_utc_ns(const struct sender_clock *c,
			       const struct stamp_time *t, bool ptp)
{
	int64_t ns = t->sec * 1000000000LL + t->nsec;

	return ptp ? ns - c->tai_off_ns : ns;
}
