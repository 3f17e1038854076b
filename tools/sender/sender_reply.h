/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_REPLY_H
#define _STAMPNL_SENDER_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/*
 * The base fields a short reply may lack and still be a measurement: it
 * carries the four timestamps, so only these can be missing.
 */
enum {
	REPLY_MISSING_SENDER_ERREST,	/* the Session-Sender Error Estimate */
	REPLY_MISSING_SENDER_TTL,	/* the Session-Sender TTL */
	REPLY_NMISSING
};

/* An unauthenticated reply up to the end of the Sender Timestamp: T1..T3 */
#define REPLY_MIN_LEN	(STAMP_OFF_SENDER_TS + 8)

extern const char *const sender_reply_missing_names[REPLY_NMISSING];

int sender_reply_decode(const uint8_t *buf, size_t n, bool auth,
			struct stamp_reply *r, unsigned int *missing);

#endif /* _STAMPNL_SENDER_REPLY_H */
