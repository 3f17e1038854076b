/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The STAMP TLV codec (RFC 8972 section 4, RFC 9503, RFC 9534).
 * Freestanding like wire.h: fixed-width types and memcpy/memset only, and
 * no cryptography. The HMAC TLV's digest comes from a callback the caller
 * provides (the module's crypto shash, stampnl's own HMAC-SHA-256).
 *
 * TLVs start right after the base packet (stamp_base_len()) and run to the
 * end of the UDP payload. A remainder of all zero octets is not a TLV: it
 * is the padding an RFC 8762 sender adds, copied untouched.
 *
 * By side: tlv.c walks TLVs for both, tlv_refl.c answers a request's,
 * tlv_send.c builds and signs a request's and decodes a reply's (and is
 * not linked into stamp_refl.ko).
 */
#ifndef _STAMP_TLV_H
#define _STAMP_TLV_H

#include "wire.h"

/* One TLV as found in a packet. */
struct stamp_tlv {
	size_t off;	/* of its header, from the start of the payload */
	__u16 len;	/* of its value */
	__u8 flags;
	__u8 type;
};

/* Walks the TLVs of @len octets of payload from @off. */
struct stamp_tlv_iter {
	const __u8 *buf;
	size_t len;
	size_t off;
};

void stamp_tlv_iter_init(struct stamp_tlv_iter *it, const __u8 *buf,
			 size_t len, size_t start);
int stamp_tlv_next(struct stamp_tlv_iter *it, struct stamp_tlv *t);
bool stamp_tlv_len_ok(__u8 type, __u16 len);
int stamp_tlv_sub_next(const __u8 *v, size_t len, size_t *off,
		       struct stamp_tlv *t);
bool stamp_tlv_digest_equal(const __u8 *a, const __u8 *b, size_t n);

/*
 * The HMAC TLV's digest: HMAC-SHA-256 over the base packet's Seq field
 * (4 octets) followed by @tlen octets of TLVs, truncated to 16 octets into
 * @out. Return 0, or negative when no digest can be computed.
 */
typedef int (*stamp_tlv_hmac_fn)(void *priv, const __u8 *seq,
				 const __u8 *tlvs, size_t tlen, __u8 *out);
/* Whether @addr (4 or 16 octets for @family 4 or 6) is this host's. */
typedef bool (*stamp_tlv_local_fn)(void *priv, __u8 family,
				   const __u8 *addr);

/* What the reflector knows about a request, for answering its TLVs. */
struct stamp_tlv_env {
	__u8 family;		/* 4 or 6 */
	__u8 saddr[16];		/* the request's source address */
	__u8 daddr[16];		/* and destination, as received */
	__u16 sport;		/* the request's UDP ports, host order */
	__u16 dport;
	__u8 mac[8];		/* the request's source MAC, if mac_len */
	__u8 mac_len;		/* 6, 8, or 0: the link has none */
	__u8 dscp;		/* the request's DSCP and ECN */
	__u8 ecn;
	bool cos_allowed;	/* may the reply take the DSCP1 asked for */
	__u8 sync_in, method_in;	/* Timestamp Information: T2's */
	__u8 sync_out, method_out;	/* and T3's */
	bool have_counters;	/* Direct Measurement: a session's counts */
	__u32 rx_count;		/* requests of the session, this one too */
	__u32 tx_count;		/* replies of the session, this one too */
	bool have_prev;		/* Follow-Up: a previous reply was sent */
	__u32 prev_seq;
	__u64 prev_t3;		/* its T3 as sent, wire format */
	__u8 prev_method;
	__u16 member_id;	/* Micro-session: this reflector's ID */
	bool allow_return_addr;	/* Return Path: redirection allowed */
	__u32 req_seq;		/* the request's Seq, for its HMAC TLV */
	bool auth;		/* authenticated mode: TLVs need an HMAC TLV */
	stamp_tlv_hmac_fn hmac;	/* NULL: no key, HMAC TLV unsupported */
	stamp_tlv_local_fn is_local;
	void *priv;
};

/* Index 0 of the per-type counts is every type the reflector lacks. */
#define STAMP_TLV_NCOUNT	(STAMP_TLV_TYPE_MAX + 1)

/* What the TLVs ask of the reply, and what was found. */
struct stamp_tlv_result {
	__u16 count[STAMP_TLV_NCOUNT];	/* TLVs by type, 0: unknown */
	__u16 malformed;	/* TLVs (or sub-TLVs) marked M */
	bool integrity_failed;	/* the HMAC TLV did not verify */
	bool drop;		/* Micro-session ID not this reflector's */
	bool no_reply;		/* Return Path: no reply requested */
	bool same_link;		/* Return Path: reply on the ingress link */
	bool return_addr;	/* Return Path: reply to ret_addr instead */
	__u8 ret_family;
	__u8 ret_addr[16];
	bool set_dscp;		/* Class of Service: reply with dscp */
	__u8 dscp;
	bool access_report;	/* an Access Report: its ID and code */
	__u8 ar_id;
	__u8 ar_code;
};

int stamp_tlv_reflect(__u8 *buf, size_t len, size_t start,
		      const struct stamp_tlv_env *env,
		      struct stamp_tlv_result *res);

/* Session-Sender: build TLVs one after another. */
int stamp_tlv_put(__u8 *buf, size_t cap, size_t off, __u8 type, __u16 len);
int stamp_tlv_hmac_find(const __u8 *buf, size_t len, size_t start,
			size_t *hmac_off);
int stamp_tlv_hmac_sign(__u8 *buf, size_t len, size_t start,
			stamp_tlv_hmac_fn fn, void *priv);
int stamp_tlv_hmac_verify(const __u8 *buf, size_t len, size_t start,
			  const __u8 *seq, stamp_tlv_hmac_fn fn, void *priv);

/* A reflected packet's TLVs, decoded for the sender's report. */
struct stamp_tlv_info {
	unsigned int ntlv;
	__u16 present;		/* bit per type 1..11 */
	__u16 unknown;		/* bit per type returned with U (0: others) */
	__u16 integrity;	/* bit per type returned with I */
	bool other_unknown;	/* a type outside 1..11 returned with U */
	bool malformed;		/* a TLV returned with M, or a bad walk */
	bool walk_error;	/* the reply's TLVs did not parse */
	__u16 loc_dport, loc_sport;
	__u8 loc_src_family, loc_dst_family;	/* 0, 4 or 6 */
	__u8 loc_src[16], loc_dst[16];
	__u8 loc_mac_len;
	__u8 loc_mac[8];
	__u8 sync_in, method_in, sync_out, method_out;
	__u8 cos_dscp1, cos_dscp2, cos_ecn, cos_rp;
	__u32 dm_s_txc, dm_r_rxc, dm_r_txc;
	__u8 ar_id, ar_code;
	__u32 fu_seq;
	__u64 fu_ts;
	__u8 fu_method;
	__u16 ms_sender, ms_reflector;
	__u8 dest_len;
	__u8 dest[16];
	__u32 rp_cc;
	bool rp_has_cc;
};

int stamp_tlv_decode(const __u8 *buf, size_t len, size_t start,
		     struct stamp_tlv_info *info);

#endif /* _STAMP_TLV_H */
