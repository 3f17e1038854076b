// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP wire codec, Session-Reflector side (see wire.h): reading a
 * request and turning it into the reply, in place.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif
#include "wire.h"

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

/*
 * Eight octets at a time (memcpy() into a word: one load, at any
 * alignment), OR-ed together: the reflector checks the MBZ octets of every
 * request, twice, and a loop with a branch per octet cost more than the
 * rest of the codec's turnaround.
 */
static bool zero_range(const __u8 *buf, size_t len, size_t from, size_t to)
{
	__u64 acc = 0, w;
	size_t i = from;

	if (to > len)
		to = len;
	for (; i + sizeof(w) <= to; i += sizeof(w)) {
		memcpy(&w, buf + i, sizeof(w));
		acc |= w;
	}
	for (; i < to; i++)
		acc |= buf[i];
	return !acc;
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
