// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP wire codec, shared by the module and userspace (see wire.h).
 *
 * No 64-bit division: 32-bit kernels would need div_u64() for it, and the
 * codec must stay freestanding. Conversions between nanoseconds and binary
 * fractions use fixed-point multiplies sized so that they cannot overflow.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif
#include "wire.h"

#define NSEC_PER_S 1000000000U
/* 2^31 * 2^32 / 10^9, rounded up: ns * K >> 31 == ns * 2^32 / 10^9 */
#define NS_TO_FRAC_K 9223372037ULL

/* Binary fraction of a second (units of 2^-32 s) for ns < 2^30. */
static __u64 ns_to_frac(__u64 ns)
{
	return (ns * NS_TO_FRAC_K) >> 31;
}

/**
 * stamp_ts_encode() - time to a 64-bit STAMP timestamp
 * @t: seconds and nanoseconds since 1970; UTC for NTP, TAI for PTP
 * @ptp: PTPv2 truncated format instead of NTP
 *
 * Return: the timestamp as it goes on the wire (host order).
 */
__u64 stamp_ts_encode(const struct stamp_time *t, bool ptp)
{
	__u32 nsec = t->nsec < NSEC_PER_S ? t->nsec : NSEC_PER_S - 1;

	if (ptp)
		return (__u64)(__u32)t->sec << 32 | nsec;
	return (__u64)(__u32)(t->sec + STAMP_NTP_UNIX_OFFSET) << 32 |
	       (__u32)ns_to_frac(nsec);
}

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
		t->nsec = low < NSEC_PER_S ? low : NSEC_PER_S - 1;
		return;
	}
	t->sec = (__s64)sec - (__s64)STAMP_NTP_UNIX_OFFSET;
	if (!(sec & 0x80000000U))
		t->sec += 1LL << 32;
	/* rounding makes encode-then-decode exact to the nanosecond */
	t->nsec = (__u32)(((__u64)low * NSEC_PER_S + (1ULL << 31)) >> 32);
	if (t->nsec >= NSEC_PER_S)
		t->nsec = NSEC_PER_S - 1;
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
	return (a->sec - b->sec) * (__s64)NSEC_PER_S +
	       ((__s64)a->nsec - (__s64)b->nsec);
}

/**
 * stamp_errest_encode() - build an Error Estimate (RFC 4656 section 4.1.2)
 * @synced: the clock is synchronized to UTC/TAI (S bit)
 * @ptp: timestamps are PTPv2 format (Z bit)
 * @err_ns: the error bound in nanoseconds; rounded up, never to zero
 *
 * Return: the 16-bit field.
 */
__u16 stamp_errest_encode(bool synced, bool ptp, __u64 err_ns)
{
	__u64 units, mult;
	unsigned int scale;

	/* about 19.5 hours; an error beyond that is as good as unknown */
	if (err_ns >= 1ULL << 46)
		err_ns = (1ULL << 46) - 1;
	/* in two parts, so that the product stays within 64 bits */
	units = (((err_ns >> 16) * NS_TO_FRAC_K) >> 15) +
		ns_to_frac(err_ns & 0xffff);

	for (scale = 0; scale < 63; scale++) {
		mult = (units + (1ULL << scale) - 1) >> scale;
		if (mult <= 0xff)
			break;
	}
	if (!mult)
		mult = 1;
	return (synced ? STAMP_ERREST_S : 0) | (ptp ? STAMP_ERREST_Z : 0) |
	       scale << STAMP_ERREST_SCALE_SHIFT | (__u16)mult;
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
	__u64 v = (__u64)(errest & STAMP_ERREST_MULT_MASK) * NSEC_PER_S;

	if (scale >= 32) {
		if (v && scale - 32 >= 26)
			return ~0ULL;
		return v << (scale - 32);
	}
	return (v + (1ULL << (32 - scale)) - 1) >> (32 - scale);
}

/**
 * stamp_base_len() - length of the base packet without TLVs
 * @auth: authenticated mode
 *
 * Return: 44 or 112.
 */
unsigned int stamp_base_len(bool auth)
{
	return auth ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
}

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
	unsigned int base = stamp_base_len(auth);

	if (len < base)
		return -ENOSPC;
	memset(buf, 0, base);
	stamp_put32(buf + STAMP_OFF_SEQ, t->seq);
	if (auth) {
		stamp_put64(buf + STAMP_AUTH_OFF_TS, t->ts);
		stamp_put16(buf + STAMP_AUTH_OFF_ERREST, t->errest);
		stamp_put16(buf + STAMP_AUTH_OFF_SSID, t->ssid);
	} else {
		stamp_put64(buf + STAMP_OFF_TS, t->ts);
		stamp_put16(buf + STAMP_OFF_ERREST, t->errest);
		stamp_put16(buf + STAMP_OFF_SSID, t->ssid);
	}
	return base;
}

/**
 * stamp_test_decode() - read a Session-Sender packet
 * @buf: the UDP payload
 * @len: its length
 * @t: result
 * @auth: authenticated layout
 *
 * An unauthenticated request may be as short as STAMP_MIN_REQ_LEN (a
 * TWAMP-Light sender's); missing fields read as zero.
 *
 * Return: 0, or -EINVAL when @len cannot hold the fields.
 */
int stamp_test_decode(const __u8 *buf, size_t len, struct stamp_test *t,
		      bool auth)
{
	if (auth) {
		if (len < STAMP_AUTH_BASE_LEN)
			return -EINVAL;
		t->seq = stamp_get32(buf + STAMP_AUTH_OFF_SEQ);
		t->ts = stamp_get64(buf + STAMP_AUTH_OFF_TS);
		t->errest = stamp_get16(buf + STAMP_AUTH_OFF_ERREST);
		t->ssid = stamp_get16(buf + STAMP_AUTH_OFF_SSID);
		return 0;
	}
	if (len < STAMP_MIN_REQ_LEN)
		return -EINVAL;
	t->seq = stamp_get32(buf + STAMP_OFF_SEQ);
	t->ts = stamp_get64(buf + STAMP_OFF_TS);
	t->errest = stamp_get16(buf + STAMP_OFF_ERREST);
	t->ssid = len >= STAMP_OFF_SSID + 2 ?
		  stamp_get16(buf + STAMP_OFF_SSID) : 0;
	return 0;
}

static bool zero_range(const __u8 *buf, size_t len, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to && i < len; i++)
		if (buf[i])
			return false;
	return true;
}

/**
 * stamp_test_mbz_clear() - whether a request's base MBZ octets are zero
 * @buf: the request
 * @len: its length (octets missing from a short request count as zero)
 * @auth: authenticated layout
 *
 * An RFC 8762/8972 Session-Sender zeroes the MBZ octets of its base packet
 * (unauthenticated: 16 to 43; authenticated: 4 to 15 and 28 to 95). A
 * TWAMP-Light sender (RFC 5357 appendix I, RFC 8762 section 4.6) has no
 * SSID and no TLVs: from octet 14 on, its packet is the padding RFC 4656
 * section 4.1.2 asks to be pseudo-random, which 28 zero octets in a row
 * almost never are (2^-224). So the octets past the base are TLVs, and
 * octets 14 and 15 (26 and 27) an SSID, only when this returns true;
 * otherwise they are padding, to be copied untouched.
 *
 * Return: true when every MBZ octet the request carries is zero.
 */
bool stamp_test_mbz_clear(const __u8 *buf, size_t len, bool auth)
{
	if (auth)
		return zero_range(buf, len, 4, STAMP_AUTH_OFF_TS) &&
		       zero_range(buf, len, STAMP_AUTH_OFF_SSID + 2,
				  STAMP_AUTH_OFF_HMAC);
	return zero_range(buf, len, STAMP_OFF_SSID + 2, STAMP_BASE_LEN);
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
	if (len < stamp_base_len(auth))
		return -EINVAL;
	if (auth) {
		r->seq = stamp_get32(buf + STAMP_AUTH_OFF_SEQ);
		r->ts = stamp_get64(buf + STAMP_AUTH_OFF_TS);
		r->errest = stamp_get16(buf + STAMP_AUTH_OFF_ERREST);
		r->ssid = stamp_get16(buf + STAMP_AUTH_OFF_SSID);
		r->rx_ts = stamp_get64(buf + STAMP_AUTH_OFF_RX_TS);
		r->sender_seq = stamp_get32(buf + STAMP_AUTH_OFF_SENDER_SEQ);
		r->sender_ts = stamp_get64(buf + STAMP_AUTH_OFF_SENDER_TS);
		r->sender_errest =
			stamp_get16(buf + STAMP_AUTH_OFF_SENDER_ERREST);
		r->sender_ttl = buf[STAMP_AUTH_OFF_SENDER_TTL];
		return 0;
	}
	r->seq = stamp_get32(buf + STAMP_OFF_SEQ);
	r->ts = stamp_get64(buf + STAMP_OFF_TS);
	r->errest = stamp_get16(buf + STAMP_OFF_ERREST);
	r->ssid = stamp_get16(buf + STAMP_OFF_SSID);
	r->rx_ts = stamp_get64(buf + STAMP_OFF_RX_TS);
	r->sender_seq = stamp_get32(buf + STAMP_OFF_SENDER_SEQ);
	r->sender_ts = stamp_get64(buf + STAMP_OFF_SENDER_TS);
	r->sender_errest = stamp_get16(buf + STAMP_OFF_SENDER_ERREST);
	r->sender_ttl = buf[STAMP_OFF_SENDER_TTL];
	return 0;
}

/**
 * stamp_reflect() - turn a Session-Sender packet into the reply, in place
 * @buf: the request's @len octets, room for @cap
 * @len: request length
 * @cap: size of @buf, at least the larger of @len and the base length
 * @p: the reflector's fields
 * @auth: authenticated layout (the HMAC is zeroed for the caller to fill)
 *
 * A request shorter than the base gets a base-length reply (RFC 8762
 * section 4.6); a longer one keeps its length, octets past the base copied
 * (symmetric size). The Timestamp (T3) is zero: stamp_reflect_set_tx_ts()
 * writes it as late as possible. SSID stays where it is: both packets carry
 * it at the same offset; it is zeroed for a request that has no SSID (see
 * stamp_test_mbz_clear(), and a 15-octet request).
 *
 * Return: the reply length, -EINVAL for a request too short to answer, or
 * -ENOSPC when @cap is too small.
 */
int stamp_reflect(__u8 *buf, size_t len, size_t cap,
		  const struct stamp_refl_params *p, bool auth)
{
	unsigned int base = stamp_base_len(auth);
	size_t rlen = len > base ? len : base;
	unsigned int ssid_off = auth ? STAMP_AUTH_OFF_SSID : STAMP_OFF_SSID;
	struct stamp_test t;
	bool ext;
	int err;

	err = stamp_test_decode(buf, len, &t, auth);
	if (err)
		return err;
	if (cap < rlen)
		return -ENOSPC;
	ext = stamp_test_mbz_clear(buf, len, auth);
	if (len < base)
		memset(buf + len, 0, base - len);
	/*
	 * The SSID is two octets (RFC 8972 section 3): a request too short
	 * to carry both has none, and a TWAMP-Light sender's octets there
	 * are padding; its reply has MBZ there (RFC 5357 section 4.2.1).
	 */
	if (!ext || len < ssid_off + 2)
		stamp_put16(buf + ssid_off, 0);

	if (auth) {
		memset(buf + 4, 0, STAMP_AUTH_OFF_SSID - 4);
		memset(buf + STAMP_AUTH_OFF_SSID + 2, 0,
		       STAMP_AUTH_BASE_LEN - STAMP_AUTH_OFF_SSID - 2);
		stamp_put64(buf + STAMP_AUTH_OFF_RX_TS, p->rx_ts);
		stamp_put32(buf + STAMP_AUTH_OFF_SENDER_SEQ, t.seq);
		stamp_put64(buf + STAMP_AUTH_OFF_SENDER_TS, t.ts);
		stamp_put16(buf + STAMP_AUTH_OFF_SENDER_ERREST, t.errest);
		buf[STAMP_AUTH_OFF_SENDER_TTL] = p->ttl;
		stamp_put16(buf + STAMP_AUTH_OFF_ERREST, p->errest);
	} else {
		memset(buf + STAMP_OFF_RX_TS, 0,
		       STAMP_BASE_LEN - STAMP_OFF_RX_TS);
		stamp_put64(buf + STAMP_OFF_RX_TS, p->rx_ts);
		stamp_put32(buf + STAMP_OFF_SENDER_SEQ, t.seq);
		stamp_put64(buf + STAMP_OFF_SENDER_TS, t.ts);
		stamp_put16(buf + STAMP_OFF_SENDER_ERREST, t.errest);
		buf[STAMP_OFF_SENDER_TTL] = p->ttl;
		stamp_put64(buf + STAMP_OFF_TS, 0);
		stamp_put16(buf + STAMP_OFF_ERREST, p->errest);
	}
	stamp_put32(buf + STAMP_OFF_SEQ, p->copy_seq ? t.seq : p->seq);
	return (int)rlen;
}

/**
 * stamp_reflect_set_tx_ts() - write T3 into a reply built by stamp_reflect()
 * @buf: the reply
 * @ts: T3, wire format
 * @auth: authenticated layout
 */
void stamp_reflect_set_tx_ts(__u8 *buf, __u64 ts, bool auth)
{
	stamp_put64(buf + (auth ? STAMP_AUTH_OFF_TS : STAMP_OFF_TS), ts);
}
