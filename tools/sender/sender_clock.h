/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_CLOCK_H
#define _STAMPNL_SENDER_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

/* The local clock as the kernel describes it. */
struct sender_clock {
	bool ptp;		/* timestamps in PTPv2 format (TAI) */
	bool synced;		/* the kernel's NTP state says synchronized */
	uint64_t err_ns;	/* estimated error */
	uint16_t errest;	/* the Error Estimate our packets carry */
	int64_t tai_off_ns;	/* TAI - UTC, as the kernel has it (0 or 37 s) */
};

int sender_clock_init(struct sender_clock *c, bool ptp);
void sender_clock_now(const struct sender_clock *c, struct stamp_time *t);
void sender_clock_utc(struct stamp_time *t);
int64_t sender_clock_to_utc_ns(const struct sender_clock *c,
			       const struct stamp_time *t, bool ptp);

#endif /* _STAMPNL_SENDER_CLOCK_H */
