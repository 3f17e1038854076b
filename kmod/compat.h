/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels kstamp supports (6.1 LTS and
 * later) lives here, so the rest of the module reads as current code.
 * The STAMP_HAVE_* macros come from feature probes in Kbuild.
 */
#ifndef _STAMP_COMPAT_H
#define _STAMP_COMPAT_H

#include <linux/skbuff.h>

/*
 * Whether skb->tstamp holds a CLOCK_REALTIME receive stamp: it may instead
 * carry a monotonic delivery time set by a sender's SO_TXTIME or by EDT.
 * 6.11 replaced the mono_delivery_time bit with tstamp_type.
 */
static inline bool stamp_skb_tstamp_is_real(const struct sk_buff *skb)
{
#ifdef STAMP_HAVE_SKB_TSTAMP_TYPE
	return skb->tstamp && skb->tstamp_type == SKB_CLOCK_REALTIME;
#else
	return skb->tstamp && !skb->mono_delivery_time;
#endif
}

#endif /* _STAMP_COMPAT_H */
