// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP TLV codec, both sides (see tlv.h): walking TLVs and sub-TLVs,
 * the length each known type may have, and the digest comparison.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif
#include "tlv.h"

#define HDR STAMP_TLV_HDR_LEN

static bool all_zero(const __u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/**
 * stamp_tlv_iter_init() - start walking TLVs
 * @it: the iterator
 * @buf: the UDP payload
 * @len: its length
 * @start: where the TLVs start (the base packet's length)
 */
void stamp_tlv_iter_init(struct stamp_tlv_iter *it, const __u8 *buf,
			 size_t len, size_t start)
{
	it->buf = buf;
	it->len = len;
	it->off = start < len ? start : len;
}

/**
 * stamp_tlv_next() - the next TLV
 * @it: the iterator
 * @t: the TLV found; on -EMSGSIZE its header, on -EINVAL only its offset
 *
 * Return: 1 with a TLV, 0 at the end (or at zero padding), -EINVAL when
 * fewer octets than a TLV header are left, -EMSGSIZE when the TLV's length
 * runs past the end of the packet.
 */
int stamp_tlv_next(struct stamp_tlv_iter *it, struct stamp_tlv *t)
{
	size_t rem;

	if (it->off >= it->len)
		return 0;
	rem = it->len - it->off;
	if (all_zero(it->buf + it->off, rem)) {
		it->off = it->len;
		return 0;
	}
	t->off = it->off;
	if (rem < HDR) {
		t->flags = 0;
		t->type = 0;
		t->len = 0;
		return -EINVAL;
	}
	t->flags = it->buf[it->off];
	t->type = it->buf[it->off + 1];
	t->len = stamp_get16(it->buf + it->off + 2);
	if (t->len > rem - HDR)
		return -EMSGSIZE;
	it->off += HDR + t->len;
	return 1;
}

/**
 * stamp_tlv_len_ok() - whether a known type may have this value length
 * @type: the TLV type
 * @len: its Length field
 *
 * Return: false for a length the type's definition rules out; true for
 * unknown types, whose length only has to fit the packet.
 */
bool stamp_tlv_len_ok(__u8 type, __u16 len)
{
	switch (type) {
	case STAMP_TLV_LOCATION:
		return len >= STAMP_TLV_LOCATION_MIN_LEN;
	case STAMP_TLV_TIMESTAMP_INFO:
		/* the four fields, then optional sub-TLVs (RFC 8972 4.3) */
		return len == STAMP_TLV_TIMESTAMP_INFO_LEN ||
		       len >= STAMP_TLV_TIMESTAMP_INFO_LEN + HDR;
	case STAMP_TLV_COS:
		return len == STAMP_TLV_COS_LEN;
	case STAMP_TLV_DIRECT_MEASUREMENT:
		return len == STAMP_TLV_DIRECT_MEASUREMENT_LEN;
	case STAMP_TLV_ACCESS_REPORT:
		return len == STAMP_TLV_ACCESS_REPORT_LEN;
	case STAMP_TLV_FOLLOW_UP:
		return len == STAMP_TLV_FOLLOW_UP_LEN;
	case STAMP_TLV_HMAC:
		return len == STAMP_TLV_HMAC_LEN;
	case STAMP_TLV_DEST_NODE_ADDR:
		return len == 4 || len == 16;
	case STAMP_TLV_RETURN_PATH:
		return len >= HDR;
	case STAMP_TLV_MICRO_SESSION:
		return len == STAMP_TLV_MICRO_SESSION_LEN;
	default:
		return true;
	}
}

/**
 * stamp_tlv_digest_equal() - compare two HMAC digests in constant time
 * @a: one digest
 * @b: the other
 * @n: their length
 *
 * Return: true when the @n octets are equal; the time taken does not
 * depend on where they differ.
 */
bool stamp_tlv_digest_equal(const __u8 *a, const __u8 *b, size_t n)
{
	__u8 d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return !d;
}

/**
 * stamp_tlv_sub_next() - the next sub-TLV of a TLV's value
 * @v: the value
 * @len: its length
 * @off: where the next sub-TLV starts in @v; advanced past it
 * @t: the sub-TLV found
 *
 * Return: as stamp_tlv_next(): 1, 0 at the end, -EINVAL or -EMSGSIZE.
 */
int stamp_tlv_sub_next(const __u8 *v, size_t len, size_t *off,
		       struct stamp_tlv *t)
{
	if (*off >= len)
		return 0;
	t->off = *off;
	if (len - *off < HDR)
		return -EINVAL;
	t->flags = v[*off];
	t->type = v[*off + 1];
	t->len = stamp_get16(v + *off + 2);
	if (t->len > len - *off - HDR)
		return -EMSGSIZE;
	*off += HDR + t->len;
	return 1;
}

