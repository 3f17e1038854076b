/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Types shared by the TC programs (stamp_tc.bpf.c) and stampnl, which
 * fills the configuration and reads the receive stamps. __u* types only.
 */
#ifndef _STAMP_TC_H
#define _STAMP_TC_H

#include <linux/types.h>

/* Receive stamps kept: one slot per Sender Seq modulo this. */
#define STAMP_TC_SLOTS 65536

/* One test session: the sender socket's addresses, network byte order. */
struct stamp_tc_cfg {
	__u32 local_addr[4];	/* IPv4 in [0], or IPv6 */
	__u32 remote_addr[4];
	__u16 local_port;
	__u16 remote_port;
	__u8 ipv6;
	__u8 ptp;		/* T1 in PTPv2 (TAI) format, else NTP (UTC) */
	__u8 pad[2];
	__s64 tai_offset_ns;	/* TAI - UTC as the kernel reports it */
};

/* T4 of a reply, found by its Sender Seq. */
struct stamp_tc_rx {
	__u32 seq;
	__u32 valid;
	__u64 t4_tai_ns;
};

#endif /* _STAMP_TC_H */
