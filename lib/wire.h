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

/* both sides (wire.c) */
__u64 stamp_ts_encode(const struct stamp_time *t, bool ptp);
__u16 stamp_errest_encode(bool synced, bool ptp, __u64 err_ns);
unsigned int stamp_base_len(bool auth);

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
void stamp_reflect_set_tx_ts(__u8 *buf, __u64 ts, bool auth);

#endif /* _STAMP_WIRE_H */
