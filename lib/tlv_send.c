// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP TLV codec, Session-Sender side (see tlv.h): building a
 * request's TLVs, signing them, and decoding the reply's for the report.
 * Not linked into stamp_refl.ko.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif
#include "tlv.h"

#define HDR STAMP_TLV_HDR_LEN

/**
 * stamp_tlv_put() - write a Session-Sender TLV header, value zeroed
 * @buf: the packet
 * @cap: its size
 * @off: where the TLV goes
 * @type: its type
 * @len: its value length
 *
 * The flags are the sender's: U set, M and I clear (RFC 8972 section 4).
 *
 * Return: the offset after the TLV, or -ENOSPC.
 */
int stamp_tlv_put(__u8 *buf, size_t cap, size_t off, __u8 type, __u16 len)
{
	if (off > cap || cap - off < (size_t)HDR + len)
		return -ENOSPC;
	buf[off] = STAMP_TLV_FLAG_U;
	buf[off + 1] = type;
	stamp_put16(buf + off + 2, len);
	memset(buf + off + HDR, 0, len);
	return (int)(off + HDR + len);
}

/**
 * stamp_tlv_hmac_find() - where a packet's HMAC TLV is
 * @buf: the packet
 * @len: its length
 * @start: where its TLVs start
 * @hmac_off: the HMAC TLV's header offset
 *
 * Return: 0, -ENOENT without one, or -EINVAL when the TLVs do not parse
 * or the HMAC TLV is not last but for Extra Padding.
 */
int stamp_tlv_hmac_find(const __u8 *buf, size_t len, size_t start,
			size_t *hmac_off)
{
	struct stamp_tlv_iter it;
	struct stamp_tlv t;
	bool found = false;
	int ret;

	stamp_tlv_iter_init(&it, buf, len, start);
	while ((ret = stamp_tlv_next(&it, &t)) > 0) {
		if (found && t.type != STAMP_TLV_EXTRA_PADDING)
			return -EINVAL;
		if (t.type == STAMP_TLV_HMAC) {
			if (t.len != STAMP_TLV_HMAC_LEN)
				return -EINVAL;
			*hmac_off = t.off;
			found = true;
		}
	}
	if (ret < 0)
		return -EINVAL;
	return found ? 0 : -ENOENT;
}

/**
 * stamp_tlv_hmac_sign() - fill in a packet's HMAC TLV
 * @buf: the packet, Seq and every TLV before the HMAC TLV final
 * @len: its length
 * @start: where its TLVs start
 * @fn: the digest
 * @priv: for @fn
 *
 * Return: 0, or what stamp_tlv_hmac_find() or @fn returned.
 */
int stamp_tlv_hmac_sign(__u8 *buf, size_t len, size_t start,
			stamp_tlv_hmac_fn fn, void *priv)
{
	size_t off;
	int err;

	err = stamp_tlv_hmac_find(buf, len, start, &off);
	if (err)
		return err;
	return fn(priv, buf, buf + start, off - start, buf + off + HDR);
}

/**
 * stamp_tlv_hmac_verify() - check a packet's HMAC TLV
 * @buf: the packet
 * @len: its length
 * @start: where its TLVs start
 * @seq: the Seq field it was computed with (NULL: the packet's own)
 * @fn: the digest
 * @priv: for @fn
 *
 * Return: 0 when it verifies, -EBADMSG when it does not, else what
 * stamp_tlv_hmac_find() or @fn returned.
 */
int stamp_tlv_hmac_verify(const __u8 *buf, size_t len, size_t start,
			  const __u8 *seq, stamp_tlv_hmac_fn fn, void *priv)
{
	__u8 digest[STAMP_TLV_HMAC_LEN];
	size_t off;
	int err;

	err = stamp_tlv_hmac_find(buf, len, start, &off);
	if (err)
		return err;
	err = fn(priv, seq ? seq : buf, buf + start, off - start, digest);
	if (err)
		return err;
	return stamp_tlv_digest_equal(digest, buf + off + HDR, STAMP_TLV_HMAC_LEN) ?
	       0 : -EBADMSG;
}

static void decode_location(const __u8 *v, __u16 len,
			    struct stamp_tlv_info *info)
{
	struct stamp_tlv s;
	size_t off = STAMP_TLV_LOCATION_MIN_LEN;
	const __u8 *sv;
	int ret;

	info->loc_dport = stamp_get16(v);
	info->loc_sport = stamp_get16(v + 2);
	while ((ret = stamp_tlv_sub_next(v, len, &off, &s)) > 0) {
		sv = v + s.off + HDR;
		if (s.flags & STAMP_TLV_FLAG_M)
			info->malformed = true;
		if (s.flags & STAMP_TLV_FLAG_U)
			continue;
		switch (s.type) {
		case STAMP_SUB_SRC_EUI48:
		case STAMP_SUB_SRC_EUI64:
			if (s.len != STAMP_SUB_MAC_LEN)
				break;
			info->loc_mac_len = s.type == STAMP_SUB_SRC_EUI48 ? 6 : 8;
			memcpy(info->loc_mac, sv, info->loc_mac_len);
			break;
		case STAMP_SUB_DST_IPV4:
		case STAMP_SUB_DST_IPV6:
			if (s.len != STAMP_SUB_IP_LEN)
				break;
			info->loc_dst_family = s.type == STAMP_SUB_DST_IPV4 ?
					       4 : 6;
			memcpy(info->loc_dst, sv, 16);
			break;
		case STAMP_SUB_SRC_IPV4:
		case STAMP_SUB_SRC_IPV6:
			if (s.len != STAMP_SUB_IP_LEN)
				break;
			info->loc_src_family = s.type == STAMP_SUB_SRC_IPV4 ?
					       4 : 6;
			memcpy(info->loc_src, sv, 16);
			break;
		}
	}
	if (ret < 0)
		info->walk_error = true;
}

static void decode_return_path(const __u8 *v, __u16 len,
			       struct stamp_tlv_info *info)
{
	struct stamp_tlv s;
	size_t off = 0;
	int ret;

	while ((ret = stamp_tlv_sub_next(v, len, &off, &s)) > 0) {
		if (s.type == STAMP_RP_CONTROL_CODE &&
		    s.len == STAMP_RP_CONTROL_CODE_LEN) {
			info->rp_has_cc = true;
			info->rp_cc = stamp_get32(v + s.off + HDR);
		}
	}
	if (ret < 0)
		info->walk_error = true;
}

/* The reflector said its HMAC check failed: no TLV's fields are believed. */
static void discard_fields(struct stamp_tlv_info *info)
{
	struct stamp_tlv_info flags = {
		.ntlv = info->ntlv,
		.present = info->present,
		.unknown = info->unknown,
		.integrity = info->integrity,
		.other_unknown = info->other_unknown,
		.malformed = info->malformed,
		.walk_error = info->walk_error,
	};

	*info = flags;
}

/**
 * stamp_tlv_decode() - read a reflected packet's TLVs
 * @buf: the reply
 * @len: its length
 * @start: where its TLVs start
 * @info: result; a type's fields are set only when it came back without
 *        U or M and with a length right for it
 *
 * As a Session-Sender must (RFC 8972 section 4): a TLV with U is skipped,
 * one with M ends the walk (the rest is not read), and an I flag on any
 * TLV discards every TLV's fields (only the flags are reported).
 *
 * Return: the number of TLVs read, or -EINVAL when the walk failed (what
 * was read before is in @info, walk_error set).
 */
int stamp_tlv_decode(const __u8 *buf, size_t len, size_t start,
		     struct stamp_tlv_info *info)
{
	struct stamp_tlv_iter it;
	struct stamp_tlv t;
	const __u8 *v;
	__u16 bit, w;
	int ret;

	memset(info, 0, sizeof(*info));
	stamp_tlv_iter_init(&it, buf, len, start);
	while ((ret = stamp_tlv_next(&it, &t)) > 0) {
		info->ntlv++;
		v = buf + t.off + HDR;
		bit = t.type && t.type <= STAMP_TLV_TYPE_MAX ? 1U << t.type : 1;
		if (bit != 1)
			info->present |= bit;
		if (t.flags & STAMP_TLV_FLAG_U) {
			info->unknown |= bit;
			if (bit == 1)
				info->other_unknown = true;
		}
		if (t.flags & STAMP_TLV_FLAG_I)
			info->integrity |= bit;
		if (t.flags & STAMP_TLV_FLAG_M) {
			info->malformed = true;
			break;
		}
		if (t.flags & STAMP_TLV_FLAG_U ||
		    !stamp_tlv_len_ok(t.type, t.len))
			continue;
		switch (t.type) {
		case STAMP_TLV_LOCATION:
			decode_location(v, t.len, info);
			break;
		case STAMP_TLV_TIMESTAMP_INFO:
			info->sync_in = v[0];
			info->method_in = v[1];
			info->sync_out = v[2];
			info->method_out = v[3];
			break;
		case STAMP_TLV_COS:
			w = stamp_get16(v);
			info->cos_dscp1 = w >> STAMP_COS_DSCP1_SHIFT;
			info->cos_dscp2 = (w >> STAMP_COS_DSCP2_SHIFT) & 0x3f;
			info->cos_ecn = (w >> STAMP_COS_ECN_SHIFT) & 0x3;
			info->cos_rp = w & STAMP_COS_RP_MASK;
			break;
		case STAMP_TLV_DIRECT_MEASUREMENT:
			info->dm_s_txc = stamp_get32(v);
			info->dm_r_rxc = stamp_get32(v + 4);
			info->dm_r_txc = stamp_get32(v + 8);
			break;
		case STAMP_TLV_ACCESS_REPORT:
			info->ar_id = v[0] >> 4;
			info->ar_code = v[1];
			break;
		case STAMP_TLV_FOLLOW_UP:
			info->fu_seq = stamp_get32(v);
			info->fu_ts = stamp_get64(v + 4);
			info->fu_method = v[12];
			break;
		case STAMP_TLV_DEST_NODE_ADDR:
			info->dest_len = (__u8)t.len;
			memcpy(info->dest, v, t.len);
			break;
		case STAMP_TLV_RETURN_PATH:
			decode_return_path(v, t.len, info);
			break;
		case STAMP_TLV_MICRO_SESSION:
			info->ms_sender = stamp_get16(v);
			info->ms_reflector = stamp_get16(v + 2);
			break;
		}
	}
	if (info->integrity)
		discard_fields(info);
	if (ret < 0) {
		info->walk_error = true;
		info->malformed = true;
		return -EINVAL;
	}
	return (int)info->ntlv;
}
