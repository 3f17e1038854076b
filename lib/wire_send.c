// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP wire codec, Session-Sender side (see wire.h): building
 * requests and reading replies. Not linked into stamp_refl.ko.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif
#include "wire.h"

/**
 * stamp_ts_decode() - 64-bit STAMP timestamp to time
 * @wire: the timestamp (host order)
 * @ptp: it is PTPv2 truncated (the packet's Z bit), else NTP
 * @t: result, seconds and nanoseconds since 1970
 *
 * NTP seconds with the top bit clear are taken as era 1 (from 2036), as
 * RFC 5905 section 6 suggests; PTP seconds as the 32-bit era from 1970.
 */
void stamp_ts_decode(__u64 wire, bool ptp, struct stamp_time *t)
{
	__u32 sec = wire >> 32;
	__u32 low = (__u32)wire;

	if (ptp) {
		t->sec = sec;
		t->nsec = low < STAMP_NSEC_PER_S ? low : STAMP_NSEC_PER_S - 1;
		return;
	}
	t->sec = (__s64)sec - (__s64)STAMP_NTP_UNIX_OFFSET;
	if (!(sec & 0x80000000U))
		t->sec += 1LL << 32;
	/* rounding makes encode-then-decode exact to the nanosecond */
	t->nsec = (__u32)(((__u64)low * STAMP_NSEC_PER_S + (1ULL << 31)) >> 32);
	if (t->nsec >= STAMP_NSEC_PER_S)
		t->nsec = STAMP_NSEC_PER_S - 1;
}

/**
 * stamp_time_diff_ns() - a minus b in nanoseconds
 * @a: later time
 * @b: earlier time
 *
 * Return: the difference; negative if @a is before @b.
 */
__s64 stamp_time_diff_ns(const struct stamp_time *a, const struct stamp_time *b)
{
	return (a->sec - b->sec) * (__s64)STAMP_NSEC_PER_S +
	       ((__s64)a->nsec - (__s64)b->nsec);
}

/**
 * stamp_errest_ns() - the error an Error Estimate states, in nanoseconds
 * @errest: the 16-bit field
 *
 * Return: Multiplier * 2^(Scale - 32) s, rounded up; saturates at ~0ULL.
 */
__u64 stamp_errest_ns(__u16 errest)
{
	unsigned int scale = (errest & STAMP_ERREST_SCALE_MASK) >>
			     STAMP_ERREST_SCALE_SHIFT;
	__u64 v = (__u64)(errest & STAMP_ERREST_MULT_MASK) * STAMP_NSEC_PER_S;

	if (scale >= 32) {
		if (v && scale - 32 >= 26)
			return ~0ULL;
		return v << (scale - 32);
	}
	return (v + (1ULL << (32 - scale)) - 1) >> (32 - scale);
}

/*
 * Where the fields are, unauthenticated ([0]) and authenticated ([1]): one
 * table for the encoder and the decoder, so that the two layouts cannot
 * drift apart in one of them. The first four are a request's, all are a
 * reply's (RFC 8762 4.2 and 4.3).
 */
static const struct stamp_layout {
	__u8 seq, ts, errest, ssid;
	__u8 rx_ts, sender_seq, sender_ts, sender_errest, sender_ttl;
} stamp_layouts[2] = {
	{ STAMP_OFF_SEQ, STAMP_OFF_TS, STAMP_OFF_ERREST, STAMP_OFF_SSID,
	  STAMP_OFF_RX_TS, STAMP_OFF_SENDER_SEQ, STAMP_OFF_SENDER_TS,
	  STAMP_OFF_SENDER_ERREST, STAMP_OFF_SENDER_TTL },
	{ STAMP_AUTH_OFF_SEQ, STAMP_AUTH_OFF_TS, STAMP_AUTH_OFF_ERREST,
	  STAMP_AUTH_OFF_SSID, STAMP_AUTH_OFF_RX_TS, STAMP_AUTH_OFF_SENDER_SEQ,
	  STAMP_AUTH_OFF_SENDER_TS, STAMP_AUTH_OFF_SENDER_ERREST,
	  STAMP_AUTH_OFF_SENDER_TTL },
};

/**
 * stamp_test_encode() - write a Session-Sender base packet
 * @buf: destination, @len octets
 * @len: at least stamp_base_len(@auth)
 * @t: the fields
 * @auth: authenticated layout (the HMAC is left zero for the caller)
 *
 * Every MBZ octet of the base is zeroed; octets past the base are untouched.
 *
 * Return: the base length, or -ENOSPC.
 */
int stamp_test_encode(__u8 *buf, size_t len, const struct stamp_test *t,
		      bool auth)
{
	const struct stamp_layout *o = &stamp_layouts[auth];
	unsigned int base = stamp_base_len(auth);

	if (len < base)
		return -ENOSPC;
	memset(buf, 0, base);
	stamp_put32(buf + o->seq, t->seq);
	stamp_put64(buf + o->ts, t->ts);
	stamp_put16(buf + o->errest, t->errest);
	stamp_put16(buf + o->ssid, t->ssid);
	return base;
}

/**
 * stamp_reply_decode() - read a Session-Reflector packet
 * @buf: the UDP payload
 * @len: its length, at least stamp_base_len(@auth)
 * @r: result
 * @auth: authenticated layout
 *
 * Return: 0, or -EINVAL when @len is shorter than the base packet.
 */
int stamp_reply_decode(const __u8 *buf, size_t len, struct stamp_reply *r,
		       bool auth)
{
	const struct stamp_layout *o = &stamp_layouts[auth];

	if (len < stamp_base_len(auth))
		return -EINVAL;
	r->seq = stamp_get32(buf + o->seq);
	r->ts = stamp_get64(buf + o->ts);
	r->errest = stamp_get16(buf + o->errest);
	r->ssid = stamp_get16(buf + o->ssid);
	r->rx_ts = stamp_get64(buf + o->rx_ts);
	r->sender_seq = stamp_get32(buf + o->sender_seq);
	r->sender_ts = stamp_get64(buf + o->sender_ts);
	r->sender_errest = stamp_get16(buf + o->sender_errest);
	r->sender_ttl = buf[o->sender_ttl];
	return 0;
}
