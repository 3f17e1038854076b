// SPDX-License-Identifier: GPL-2.0
/*
 * The STAMP wire codec, both sides (see wire.h): the Error Estimate, which
 * stamp_refl.ko and the sender share (the timestamp encoding and the base
 * length are inline in wire.h).
 *
 * No 64-bit division: 32-bit kernels would need div_u64() for it, and the
 * codec must stay freestanding. Conversions between nanoseconds and binary
 * fractions use fixed-point multiplies sized so that they cannot overflow.
 */
#include "wire.h"

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
	units = (((err_ns >> 16) * STAMP_NS_TO_FRAC_K) >> 15) +
		stamp_ns_to_frac(err_ns & 0xffff);

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
