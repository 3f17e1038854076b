// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP wire codec, both sides (see wire.h): timestamps, the Error
 * Estimate and the base length, which stamp_refl.ko and the sender share.
 *
 * No 64-bit division: 32-bit kernels would need div_u64() for it, and the
 * codec must stay freestanding. Conversions between nanoseconds and binary
 * fractions use fixed-point multiplies sized so that they cannot overflow.
 */
#include "wire.h"

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
	__u32 nsec = t->nsec < STAMP_NSEC_PER_S ? t->nsec : STAMP_NSEC_PER_S - 1;

	if (ptp)
		return (__u64)(__u32)t->sec << 32 | nsec;
	return (__u64)(__u32)(t->sec + STAMP_NTP_UNIX_OFFSET) << 32 |
	       (__u32)ns_to_frac(nsec);
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
 * stamp_base_len() - length of the base packet without TLVs
 * @auth: authenticated mode
 *
 * Return: 44 or 112.
 */
unsigned int stamp_base_len(bool auth)
{
	return auth ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
}
