/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sender's TLVs (RFC 8972, RFC 9503, RFC 9534): what the options ask
 * to send, and what the replies said, for the report.
 */
#ifndef _STAMPNL_SENDER_TLV_H
#define _STAMPNL_SENDER_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlv.h"

enum rp_kind { RP_NONE, RP_NO_REPLY, RP_SAME_LINK, RP_ADDR };

/* --tlv-malformed: a broken TLV last, for testing other reflectors */
enum tlv_malformed { MAL_NONE, MAL_BAD_FLAGS, MAL_BAD_LENGTH, MAL_TRUNCATED };

/* The TLV options, in the order they go into the packet. */
struct sender_tlv_opts {
	unsigned int padding;		/* Extra Padding value octets, 0: none */
	bool padding_given;
	bool location;
	bool ts_info;
	int cos_dscp1;			/* -1: no Class of Service TLV */
	bool direct;
	int ar_id, ar_code;		/* ar_id -1: no Access Report */
	bool follow_up;
	int dest_family;		/* 0: no Destination Node Address */
	uint8_t dest[16];
	enum rp_kind rp;
	int rp_family;
	uint8_t rp_addr[16];
	int ms_sender;			/* -1: no Micro-session ID */
	int ms_reflector;
	int raw_type;			/* -1: none; any type, zero value */
	unsigned int raw_len;
	bool hmac;			/* last but for padding */
	enum tlv_malformed malformed;	/* after everything else */
	bool any;			/* some TLV asked for */
};

/* What one reply's TLVs said. */
struct probe_tlv {
	uint16_t unknown;	/* types returned with U (bit 0: others) */
	uint16_t integrity;	/* types returned with I */
	uint8_t malformed;	/* M seen, or the TLVs did not parse */
	uint8_t hmac_bad;	/* the reply's HMAC TLV did not verify */
	uint8_t ds;		/* the reply's DS field as received, 0xff: ? */
	uint8_t cos_dscp2, cos_ecn, cos_rp;
	uint8_t sync_in, method_in, sync_out, method_out;
	uint8_t fu_method;
	uint16_t ms_reflector;	/* (narrow fields first: no padding holes) */
	uint32_t dm_r_rxc, dm_r_txc;
	uint32_t fu_seq;
	int64_t fu_t3;		/* UTC ns, 0: none */
};

/* What the replies' TLVs said over the whole test. */
struct sender_tlv_acc {
	uint64_t replies;		/* replies with TLVs */
	uint16_t present, unknown, integrity;	/* types, over all replies */
	uint64_t malformed, integrity_replies;
	uint64_t hmac_ok, hmac_bad;
	uint64_t cos, cos_refused;
	uint64_t fwd_dscp_changed, fwd_ecn_changed;
	uint64_t bwd_checked, bwd_dscp_changed;
	struct probe_tlv last_cos;	/* the last reply's CoS answer */
	bool dm;			/* the last Direct Measurement answer */
	uint32_t dm_s_txc, dm_r_rxc, dm_r_txc;
	uint64_t dm_received;		/* our replies received by then */
	uint64_t fu, fu_matched;
	int64_t fu_max_diff;
	bool have_ts_info;
	struct probe_tlv ts_info;
	bool have_ms;
	uint16_t ms_reflector;
	uint64_t ms_rejected;		/* replies discarded (RFC 9534 3.2) */
	uint64_t ar_acked;
	struct stamp_tlv_info loc;	/* the last Location answer */
};

/* Option codes of the TLV options in the getopt table. */
enum {
	OPT_TLV_PADDING = 1000,
	OPT_TLV_LOCATION,
	OPT_TLV_TS_INFO,
	OPT_TLV_COS,
	OPT_TLV_DIRECT,
	OPT_TLV_ACCESS,
	OPT_TLV_FOLLOW_UP,
	OPT_TLV_HMAC,
	OPT_TLV_DEST,
	OPT_TLV_RETURN_PATH,
	OPT_TLV_MICRO,
	OPT_TLV_RAW,
	OPT_TLV_MALFORMED,
};

struct sender;
struct sender_opts;
struct probe;

void sender_tlv_defaults(struct sender_tlv_opts *t);
int sender_tlv_option(struct sender_tlv_opts *t, int opt, const char *arg);
int sender_tlv_check(struct sender_opts *o, bool len_given);
int sender_tlv_check_family(const struct sender_opts *o, int family);
int sender_tlv_template(struct sender *s, uint8_t *buf);
void sender_tlv_stamp(struct sender *s, uint8_t *buf, uint64_t seq);
void sender_tlv_reply(struct sender *s, const uint8_t *buf, size_t n,
		      int ds, struct probe *p);
bool sender_tlv_accept(struct sender *s, const uint8_t *buf, size_t n);
int sender_tlv_refl_ptp(struct sender *s, const uint8_t *buf, size_t n,
			char *why, size_t len);
void sender_tlv_print(const struct sender *s);
void sender_tlv_json_packet(const struct sender *s, const struct probe *p);

#endif /* _STAMPNL_SENDER_TLV_H */
