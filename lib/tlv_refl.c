// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP TLV codec, Session-Reflector side (see tlv.h).
 *
 * The reflector works in place on the reply, which starts as a copy of the
 * request (RFC 8972 section 4: the reply carries the request's TLVs, each
 * answered). It makes two passes: the first finds where processing must
 * stop (a bad length, an overrun, an HMAC TLV that is not last) and checks
 * the HMAC TLV over the request as received; the second answers every TLV
 * before that point and flags the one that stopped it. Everything after
 * that point is left as received.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif
#include "tlv.h"

#define HDR STAMP_TLV_HDR_LEN

/* What processing one TLV came to. */
enum {
	TLV_DONE,		/* understood and answered: U clear */
	TLV_UNSUPPORTED,	/* copied back with U */
	TLV_MALFORMED,		/* a sub-TLV did not parse: M, and stop */
};

/* an address of alen octets (4 or 16) is of the packet's family */
static bool of_family(unsigned int alen, __u8 family)
{
	return (alen == 4) == (family == 4);
}

static void put_addr(__u8 *p, __u8 family, const __u8 *addr)
{
	memset(p, 0, STAMP_SUB_IP_LEN);
	memcpy(p, addr, family == 4 ? 4 : 16);
}

/*
 * Location (RFC 8972 section 4.2): ports, then address sub-TLVs, each
 * request answered in place by the sub-TLV of the family seen. A request
 * with no source MAC to report (a link without one) is answered by a
 * zeroed Source EUI-64 Address sub-TLV (section 4.2.2).
 */
static int do_location(__u8 *v, __u16 len, const struct stamp_tlv_env *env,
		       struct stamp_tlv_result *res)
{
	struct stamp_tlv s;
	size_t off = STAMP_TLV_LOCATION_MIN_LEN;
	int ret;
	__u8 *sv;

	stamp_put16(v, env->dport);
	stamp_put16(v + 2, env->sport);
	while ((ret = stamp_tlv_sub_next(v, len, &off, &s)) > 0) {
		sv = v + s.off + HDR;
		switch (s.type) {
		case STAMP_SUB_SRC_MAC:
		case STAMP_SUB_SRC_EUI48:
		case STAMP_SUB_SRC_EUI64:
			if (s.len != STAMP_SUB_MAC_LEN)
				goto bad_sub;
			memset(sv, 0, STAMP_SUB_MAC_LEN);
			memcpy(sv, env->mac, env->mac_len);
			v[s.off + 1] = env->mac_len == 6 ? STAMP_SUB_SRC_EUI48 :
							   STAMP_SUB_SRC_EUI64;
			break;
		case STAMP_SUB_DST_IP:
		case STAMP_SUB_DST_IPV4:
		case STAMP_SUB_DST_IPV6:
			if (s.len != STAMP_SUB_IP_LEN)
				goto bad_sub;
			put_addr(sv, env->family, env->daddr);
			v[s.off + 1] = env->family == 4 ? STAMP_SUB_DST_IPV4 :
							  STAMP_SUB_DST_IPV6;
			break;
		case STAMP_SUB_SRC_IP:
		case STAMP_SUB_SRC_IPV4:
		case STAMP_SUB_SRC_IPV6:
			if (s.len != STAMP_SUB_IP_LEN)
				goto bad_sub;
			put_addr(sv, env->family, env->saddr);
			v[s.off + 1] = env->family == 4 ? STAMP_SUB_SRC_IPV4 :
							  STAMP_SUB_SRC_IPV6;
			break;
		default:
			v[s.off] = STAMP_TLV_FLAG_U;
			continue;
		}
		/* answered: U, M and I clear (section 4.2.1) */
		v[s.off] = 0;
	}
	if (ret < 0)
		goto bad_walk;
	return TLV_DONE;

bad_sub:
	v[s.off] |= STAMP_TLV_FLAG_M;
	res->malformed++;
	return TLV_MALFORMED;
bad_walk:
	if (ret == -EMSGSIZE)
		v[s.off] |= STAMP_TLV_FLAG_M;
	res->malformed++;
	return TLV_MALFORMED;
}

/*
 * Return Path (RFC 9503 section 4): a Control Code (no reply, or reply on
 * the same link), a Return Address (only where the operator allows it: it
 * redirects traffic), or an SR path this reflector cannot build. With a
 * Control Code, every other sub-TLV is ignored (section 4.1.1); otherwise
 * a path that cannot be honored is not half honored.
 */
static int do_return_path(__u8 *v, __u16 len, const struct stamp_tlv_env *env,
			  struct stamp_tlv_result *res)
{
	struct stamp_tlv s;
	size_t off = 0, cc_off = len, ra_off = len;
	__u16 ra_len = 0;
	__u32 cc;
	bool other = false;
	int ret;

	/* every sub-TLV must parse before any counts */
	while ((ret = stamp_tlv_sub_next(v, len, &off, &s)) > 0) {
		switch (s.type) {
		case STAMP_RP_CONTROL_CODE:
			if (s.len != STAMP_RP_CONTROL_CODE_LEN)
				goto bad_sub;
			if (cc_off == len)
				cc_off = s.off;
			break;
		case STAMP_RP_RETURN_ADDRESS:
			if (s.len != 4 && s.len != 16)
				goto bad_sub;
			if (ra_off == len) {
				ra_off = s.off;
				ra_len = s.len;
			}
			break;
		default:
			/* SR-MPLS label stacks, SRv6 segment lists, others */
			other = true;
			break;
		}
	}
	if (ret < 0) {
		if (ret == -EMSGSIZE)
			v[s.off] |= STAMP_TLV_FLAG_M;
		res->malformed++;
		return TLV_MALFORMED;
	}

	if (cc_off != len) {
		/*
		 * only bit 31 means anything; the rest is reserved, zeroed on
		 * transmission (RFC 9503 section 4.1.1), so in the reply too
		 */
		cc = stamp_get32(v + cc_off + HDR) & STAMP_RP_CC_SAME_LINK;
		if (cc)
			res->same_link = true;
		else
			res->no_reply = true;
		stamp_put32(v + cc_off + HDR, cc);
		v[cc_off] = 0;
		return TLV_DONE;
	}
	if (other) {
		off = 0;
		while (stamp_tlv_sub_next(v, len, &off, &s) > 0)
			if (s.type != STAMP_RP_RETURN_ADDRESS)
				v[s.off] = STAMP_TLV_FLAG_U;
	}
	if (ra_off == len)
		return TLV_UNSUPPORTED;
	if (!env->allow_return_addr || !of_family(ra_len, env->family)) {
		v[ra_off] = STAMP_TLV_FLAG_U;
		return TLV_UNSUPPORTED;
	}
	v[ra_off] = 0;
	if (other)
		return TLV_UNSUPPORTED;
	res->return_addr = true;
	res->ret_family = env->family;
	memset(res->ret_addr, 0, sizeof(res->ret_addr));
	memcpy(res->ret_addr, v + ra_off + HDR, ra_len);
	return TLV_DONE;

bad_sub:
	v[s.off] |= STAMP_TLV_FLAG_M;
	res->malformed++;
	return TLV_MALFORMED;
}

/*
 * Timestamp Information (RFC 8972 section 4.3): the four fields, then
 * "Optional sub-TLVs". No sub-TLV type is defined for it, so each comes
 * back as one this reflector does not understand (U, copied); sub-TLVs
 * that do not parse are malformed, as in a Location TLV.
 */
static int do_timestamp_info(__u8 *v, __u16 len,
			     const struct stamp_tlv_env *env,
			     struct stamp_tlv_result *res)
{
	size_t off = STAMP_TLV_TIMESTAMP_INFO_LEN;
	struct stamp_tlv s;
	int ret;

	v[0] = env->sync_in;
	v[1] = env->method_in;
	v[2] = env->sync_out;
	v[3] = env->method_out;
	while ((ret = stamp_tlv_sub_next(v, len, &off, &s)) > 0)
		v[s.off] = STAMP_TLV_FLAG_U;
	if (ret < 0) {
		if (ret == -EMSGSIZE)
			v[s.off] |= STAMP_TLV_FLAG_M;
		res->malformed++;
		return TLV_MALFORMED;
	}
	return TLV_DONE;
}

static int answer(const struct stamp_tlv *t, __u8 *v,
		  const struct stamp_tlv_env *env, struct stamp_tlv_result *res,
		  bool *seen_return_path)
{
	__u16 w;

	switch (t->type) {
	case STAMP_TLV_EXTRA_PADDING:
		return TLV_DONE;
	case STAMP_TLV_LOCATION:
		return do_location(v, t->len, env, res);
	case STAMP_TLV_TIMESTAMP_INFO:
		return do_timestamp_info(v, t->len, env, res);
	case STAMP_TLV_COS:
		w = stamp_get16(v) & ~(0x3f << STAMP_COS_DSCP2_SHIFT |
				       0x3 << STAMP_COS_ECN_SHIFT |
				       STAMP_COS_RP_MASK);
		w |= (env->dscp & 0x3f) << STAMP_COS_DSCP2_SHIFT |
		     (env->ecn & 0x3) << STAMP_COS_ECN_SHIFT;
		if (env->cos_allowed) {
			res->set_dscp = true;
			res->dscp = w >> STAMP_COS_DSCP1_SHIFT;
		} else {
			w |= 1;
		}
		stamp_put16(v, w);
		/* Reserved: zeroed on transmission (RFC 8972 4.4) */
		v[2] = 0;
		v[3] = 0;
		return TLV_DONE;
	case STAMP_TLV_DIRECT_MEASUREMENT:
		if (!env->have_counters)
			return TLV_UNSUPPORTED;
		stamp_put32(v + 4, env->rx_count);
		stamp_put32(v + 8, env->tx_count);
		return TLV_DONE;
	case STAMP_TLV_ACCESS_REPORT:
		/* Access IDs 1 (3GPP) and 2 (non-3GPP) only: others are
		 * discarded, returned unanswered (RFC 8972 section 4.6)
		 */
		if (v[0] >> 4 != STAMP_ACCESS_3GPP &&
		    v[0] >> 4 != STAMP_ACCESS_NON_3GPP)
			return TLV_UNSUPPORTED;
		res->access_report = true;
		res->ar_id = v[0] >> 4;
		res->ar_code = v[1];
		/* Resv and Reserved: zeroed on transmission (RFC 8972 4.6) */
		v[0] &= 0xf0;
		v[2] = 0;
		v[3] = 0;
		return TLV_DONE;
	case STAMP_TLV_FOLLOW_UP:
		/* a stateless reflector has no previous reply: zeros */
		memset(v, 0, STAMP_TLV_FOLLOW_UP_LEN);
		if (env->have_prev) {
			stamp_put32(v, env->prev_seq);
			stamp_put64(v + 4, env->prev_t3);
			v[12] = env->prev_method;
		}
		return TLV_DONE;
	case STAMP_TLV_DEST_NODE_ADDR:
		if (!of_family(t->len, env->family) || !env->is_local ||
		    !env->is_local(env->priv, env->family, v))
			return TLV_UNSUPPORTED;
		return TLV_DONE;
	case STAMP_TLV_RETURN_PATH:
		/* only the first counts (RFC 9503 section 4) */
		if (*seen_return_path)
			return TLV_UNSUPPORTED;
		*seen_return_path = true;
		return do_return_path(v, t->len, env, res);
	case STAMP_TLV_MICRO_SESSION:
		/* no member-id: no Micro-session ID to claim (RFC 9534) */
		if (!env->member_id)
			return TLV_UNSUPPORTED;
		w = stamp_get16(v + 2);
		if (w && w != env->member_id)
			res->drop = true;
		stamp_put16(v + 2, env->member_id);
		return TLV_DONE;
	default:
		return TLV_UNSUPPORTED;
	}
}

/* A Follow-Up Telemetry TLV of the wrong length: its Sequence Number and
 * Follow-Up Timestamp, as far as they are there, zeroed (RFC 8972 4.7)
 */
static void follow_up_zero(__u8 *buf, size_t len, size_t off)
{
	size_t n = stamp_get16(buf + off + 2);

	if (n > len - off - HDR)
		n = len - off - HDR;
	if (n > 12)
		n = 12;
	memset(buf + off + HDR, 0, n);
}

/* Whether @stop, where processing stops, or a TLV after it is an HMAC TLV. */
static bool hmac_at_or_after(struct stamp_tlv_iter *it,
			     const struct stamp_tlv *stop)
{
	struct stamp_tlv t;

	if (stop->type == STAMP_TLV_HMAC)
		return true;
	while (stamp_tlv_next(it, &t) > 0)
		if (t.type == STAMP_TLV_HMAC)
			return true;
	return false;
}

/**
 * stamp_tlv_reflect() - answer the TLVs of a reply, in place
 * @buf: the reply, built by stamp_reflect() (its Seq is the reply's)
 * @len: its length
 * @start: where the TLVs start (the base length)
 * @env: what the reflector knows about the request
 * @res: what the TLVs ask of the reply, and counts
 *
 * RFC 8972 section 4: a known TLV is answered, its U, M and I flags
 * cleared; an unknown one is copied with U set. A length wrong for its
 * type, a TLV running past the packet, or a sub-TLV that does not parse
 * sets M on that TLV and stops processing: it and the rest of the packet
 * stay as received (but a Follow-Up Telemetry TLV's fields, zeroed).
 *
 * The HMAC TLV (section 4.8): one that does not verify, or that cannot
 * be verified (no key: then it also comes back with U; or processing
 * stops before it, at a malformed TLV), or that is
 * followed by a TLV other than Extra Padding, or its absence in
 * authenticated mode when TLVs other than a single Extra Padding TLV are
 * there, is an HMAC verification failure: I on every TLV, nothing acted
 * on. With a key, the reply's HMAC TLV is computed afresh either way.
 *
 * Return: 0; the reply's length does not change.
 */
int stamp_tlv_reflect(__u8 *buf, size_t len, size_t start,
		      const struct stamp_tlv_env *env,
		      struct stamp_tlv_result *res)
{
	size_t end = len, mark = len, hmac_off = len;
	bool seen_rp = false, truncated = false, misplaced = false;
	bool covered = false;	/* TLVs an HMAC TLV must cover */
	bool unreached = false;	/* an HMAC TLV at or past the stop */
	unsigned int npad = 0;
	struct stamp_tlv_iter it;
	struct stamp_tlv t;
	__u8 seq[4], digest[STAMP_TLV_HMAC_LEN];
	int ret, verdict;

	memset(res, 0, sizeof(*res));
	/* pass 1: where to stop, and the request's HMAC TLV */
	stamp_tlv_iter_init(&it, buf, len, start);
	while ((ret = stamp_tlv_next(&it, &t)) > 0) {
		if (!stamp_tlv_len_ok(t.type, t.len)) {
			end = t.off;
			mark = t.off;
			unreached = hmac_at_or_after(&it, &t);
			break;
		}
		/*
		 * RFC 8972 4.8: the HMAC TLV is required in authenticated
		 * mode "excluding when the only TLV present is Extra Padding
		 * TLV": one, not several
		 */
		if (t.type == STAMP_TLV_EXTRA_PADDING) {
			if (++npad > 1 && hmac_off == len)
				covered = true;
			continue;
		}
		if (hmac_off != len)
			/* the HMAC TLV must come last (RFC 8972 4.8) */
			misplaced = true;
		else if (t.type == STAMP_TLV_HMAC)
			hmac_off = t.off;
		else
			covered = true;
	}
	if (ret < 0) {
		end = t.off;
		/* a header cut short has no flags to set */
		if (ret == -EMSGSIZE) {
			mark = t.off;
			unreached = t.type == STAMP_TLV_HMAC;
		} else {
			truncated = true;
		}
	}
	if (hmac_off != len) {
		/*
		 * An HMAC TLV this reflector cannot check (no key) vouches for
		 * nothing: what the TLVs ask is not done, as on a failure
		 */
		stamp_put32(seq, env->req_seq);
		if (misplaced || !env->hmac ||
		    env->hmac(env->priv, seq, buf + start, hmac_off - start,
			      digest) ||
		    !stamp_tlv_digest_equal(digest, buf + hmac_off + HDR,
				  STAMP_TLV_HMAC_LEN))
			res->integrity_failed = true;
	} else if (unreached || (env->auth && covered)) {
		/*
		 * an HMAC TLV processing stops before is never verified; in
		 * authenticated mode, TLVs no HMAC TLV vouches for
		 */
		res->integrity_failed = true;
	}

	/* pass 2: answer everything before the stop */
	stamp_tlv_iter_init(&it, buf, end, start);
	while (stamp_tlv_next(&it, &t) > 0) {
		__u8 *flags = buf + t.off;

		res->count[t.type <= STAMP_TLV_TYPE_MAX ? t.type : 0]++;
		if (res->integrity_failed) {
			/* without a key, the HMAC TLV is also not supported */
			if (t.type == STAMP_TLV_HMAC && !env->hmac)
				*flags = STAMP_TLV_FLAG_U | STAMP_TLV_FLAG_I;
			else
				*flags = (*flags & STAMP_TLV_FLAG_U) |
					 STAMP_TLV_FLAG_I;
			continue;
		}
		if (t.type == STAMP_TLV_HMAC)
			/* answered below, once every TLV before it is final */
			continue;
		verdict = answer(&t, buf + t.off + HDR, env, res, &seen_rp);
		if (verdict == TLV_DONE) {
			*flags = 0;
		} else if (verdict == TLV_UNSUPPORTED) {
			*flags = STAMP_TLV_FLAG_U;
		} else {
			/* the HMAC TLV, if any, comes after: unanswered */
			*flags |= STAMP_TLV_FLAG_M;
			hmac_off = len;
			break;
		}
	}
	if (res->integrity_failed) {
		/* nothing a forged TLV asks for is done */
		res->drop = false;
		res->no_reply = false;
		res->same_link = false;
		res->return_addr = false;
		res->set_dscp = false;
		res->access_report = false;
	}
	if (mark != len) {
		buf[mark] |= STAMP_TLV_FLAG_M;
		if (res->integrity_failed)
			buf[mark] |= STAMP_TLV_FLAG_I;
		if (buf[mark + 1] == STAMP_TLV_FOLLOW_UP)
			follow_up_zero(buf, len, mark);
		res->count[buf[mark + 1] <= STAMP_TLV_TYPE_MAX ?
			   buf[mark + 1] : 0]++;
	}
	if (mark != len || truncated)
		res->malformed++;

	if (hmac_off < end && env->hmac) {
		if (!env->hmac(env->priv, buf, buf + start, hmac_off - start,
			       digest)) {
			memcpy(buf + hmac_off + HDR, digest, STAMP_TLV_HMAC_LEN);
			buf[hmac_off] = res->integrity_failed ?
					STAMP_TLV_FLAG_I : 0;
		} else {
			buf[hmac_off] = STAMP_TLV_FLAG_U;
		}
	}
	return 0;
}
