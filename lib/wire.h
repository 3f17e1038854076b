/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The STAMP wire codec. Freestanding: it uses fixed-width types and
 * memcpy/memset only, so the same code runs in softirq in stamp_refl.ko and
 * in stampnl, the unit tests and the fuzzers. By side: wire.c is both
 * sides', wire_refl.c the reflector's, wire_send.c the sender's (which
 * stamp_refl.ko does not link).
 */
#ifndef _STAMP_WIRE_H
#define _STAMP_WIRE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#endif
#include <uapi/linux/stamp_wire.h>

#define STAMP_NSEC_PER_S	1000000000U

/* A point in time: seconds and nanoseconds since 1970 in some timescale. */
struct stamp_time {
	__s64 sec;
	__u32 nsec;
};

/* The fields of a Session-Sender test packet. */
struct stamp_test {
	__u32 seq;
	__u64 ts;	/* T1, wire format */
	__u16 errest;
	__u16 ssid;
};

/* The fields of a Session-Reflector test packet. */
struct stamp_reply {
	__u32 seq;
	__u64 ts;	/* T3, wire format */
	__u16 errest;
	__u16 ssid;
	__u64 rx_ts;	/* T2, wire format */
	__u32 sender_seq;
	__u64 sender_ts;	/* T1 echoed */
	__u16 sender_errest;
	__u8 sender_ttl;
};

/* What a reflector adds to a request to make its reply. */
struct stamp_refl_params {
	__u32 seq;	/* reflector sequence number */
	__u64 rx_ts;	/* T2, wire format */
	__u16 errest;	/* reflector's Error Estimate */
	__u8 ttl;	/* the request's TTL or Hop Limit */
	bool copy_seq;	/* stateless: Seq is the sender's */
};

static inline __u16 stamp_get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static inline __u32 stamp_get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static inline __u64 stamp_get64(const __u8 *p)
{
	return (__u64)stamp_get32(p) << 32 | stamp_get32(p + 4);
}

static inline void stamp_put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void stamp_put32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void stamp_put64(__u8 *p, __u64 v)
{
	stamp_put32(p, v >> 32);
	stamp_put32(p + 4, (__u32)v);
}

static inline bool stamp_errest_is_ptp(__u16 errest)
{
	return errest & STAMP_ERREST_Z;
}

static inline bool stamp_errest_is_synced(__u16 errest)
{
	return errest & STAMP_ERREST_S;
}

/*
 * Inline, what the reflector calls for every request (stamp_refl.ko's hot
 * path): a call each would cost more than the function.
 */

/* 2^31 * 2^32 / 10^9, rounded up: ns * K >> 31 == ns * 2^32 / 10^9 */
#define STAMP_NS_TO_FRAC_K 9223372037ULL

/* Binary fraction of a second (units of 2^-32 s) for ns < 2^30. */
static inline __u64 stamp_ns_to_frac(__u64 ns)
{
	return (ns * STAMP_NS_TO_FRAC_K) >> 31;
}

/**
 * stamp_ts_encode() - time to a 64-bit STAMP timestamp
 * @t: seconds and nanoseconds since 1970; UTC for NTP, TAI for PTP
 * @ptp: PTPv2 truncated format instead of NTP
 *
 * Return: the timestamp as it goes on the wire (host order).
 */
static inline __u64 stamp_ts_encode(const struct stamp_time *t, bool ptp)
{
	__u32 nsec = t->nsec < STAMP_NSEC_PER_S ? t->nsec : STAMP_NSEC_PER_S - 1;

	if (ptp)
		return (__u64)(__u32)t->sec << 32 | nsec;
	return (__u64)(__u32)(t->sec + STAMP_NTP_UNIX_OFFSET) << 32 |
	       (__u32)stamp_ns_to_frac(nsec);
}

/**
 * stamp_base_len() - length of the base packet without TLVs
 * @auth: authenticated mode
 *
 * Return: 44 or 112.
 */
static inline unsigned int stamp_base_len(bool auth)
{
	return auth ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
}

/**
 * stamp_reflect_set_tx_ts() - write T3 into a reply built by stamp_reflect()
 * @buf: the reply
 * @ts: T3, wire format
 * @auth: authenticated layout
 */
static inline void stamp_reflect_set_tx_ts(__u8 *buf, __u64 ts, bool auth)
{
	stamp_put64(buf + (auth ? STAMP_AUTH_OFF_TS : STAMP_OFF_TS), ts);
}

/* both sides (wire.c) */
__u16 stamp_errest_encode(bool synced, bool ptp, __u64 err_ns);

/* Session-Sender (wire_send.c) */
void stamp_ts_decode(__u64 wire, bool ptp, struct stamp_time *t);
__s64 stamp_time_diff_ns(const struct stamp_time *a, const struct stamp_time *b);
__u64 stamp_errest_ns(__u16 errest);
int stamp_test_encode(__u8 *buf, size_t len, const struct stamp_test *t,
		      bool auth);
int stamp_reply_decode(const __u8 *buf, size_t len, struct stamp_reply *r,
		       bool auth);

/* Session-Reflector (wire_refl.c) */
int stamp_test_decode(const __u8 *buf, size_t len, struct stamp_test *t,
		      bool auth);
bool stamp_test_mbz_clear(const __u8 *buf, size_t len, bool auth);
int stamp_reflect(__u8 *buf, size_t len, size_t cap,
		  const struct stamp_refl_params *p, bool auth);

#endif /* _STAMP_WIRE_H */
