// SPDX-License-Identifier: GPL-2.0
/*
 * A reply as the sender takes it. RFC 8762 section 4.3.1 lays out a
 * 44-octet reply, but a reply that carries the Sender Sequence Number and
 * the timestamps T1, T2 and T3 is a measurement even when it stops short:
 * twampy's responder answers a 44-octet request with 38 octets, up to the
 * Session-Sender Error Estimate and without the Sender TTL. Such a reply
 * is counted as received, and what it lacked is reported, rather than
 * thrown away as malformed. The shared codec (lib/wire*.c) keeps its
 * strict decoding: the reflector has no use for short replies.
 *
 * Authenticated replies are not shortened: the HMAC sits at octets 96-111,
 * and a reply without it cannot be believed (RFC 8762 section 4.4).
 */
#include <errno.h>
#include <string.h>

#include "sender_reply.h"

const char *const sender_reply_missing_names[REPLY_NMISSING] = {
	[REPLY_MISSING_SENDER_ERREST] = "sender_errest",
	[REPLY_MISSING_SENDER_TTL] = "sender_ttl",
};

/**
 * sender_reply_decode() - read a reply, short ones included
 * @buf: the UDP payload
 * @n: its length
 * @auth: authenticated layout
 * @r: result; fields the reply lacks read as zero
 * @missing: result, a bit per REPLY_MISSING_* the reply lacks
 *
 * Return: 0, or -EINVAL for a reply without the four timestamps.
 */
int sender_reply_decode(const uint8_t *buf, size_t n, bool auth,
			struct stamp_reply *r, unsigned int *missing)
{
	uint8_t full[STAMP_BASE_LEN] = { 0 };

	*missing = 0;
	if (auth || n >= STAMP_BASE_LEN)
		return stamp_reply_decode(buf, n, r, auth);
	if (n < REPLY_MIN_LEN)
		return -EINVAL;
	/* a field cut in two is missing, not half read */
	if (n < STAMP_OFF_SENDER_ERREST + 2) {
		*missing |= 1U << REPLY_MISSING_SENDER_ERREST;
		n = REPLY_MIN_LEN;
	}
	if (n < STAMP_OFF_SENDER_TTL + 1)
		*missing |= 1U << REPLY_MISSING_SENDER_TTL;
	memcpy(full, buf, n);
	return stamp_reply_decode(full, sizeof(full), r, false);
}
