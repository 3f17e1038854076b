/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Generic netlink ABI of the kstamp STAMP reflector. The family is "stamp",
 * version 1 forever; attributes and commands are append-only.
 * The spec in Documentation/netlink/specs/stamp.yaml describes the same ABI.
 */
#ifndef _UAPI_LINUX_STAMP_H
#define _UAPI_LINUX_STAMP_H

#define STAMP_GENL_NAME		"stamp"
#define STAMP_GENL_VERSION	1

/* Most ports one namespace's reflector listens on at once. */
#define STAMP_MAX_PORTS		16

enum stamp_ts_format {
	STAMP_TS_NTP,	/* NTP 64-bit, UTC (RFC 8762 default) */
	STAMP_TS_PTP,	/* PTPv2 truncated, TAI (Error Estimate Z=1) */
};

enum {
	STAMP_A_UNSPEC,
	STAMP_A_PAD,
	/* u16, repeated: a UDP port the reflector answers on */
	STAMP_A_PORT,
	/* u8, enum stamp_ts_format: format of T2 and T3 in replies */
	STAMP_A_TS_FORMAT,
	/* u8 0/1: the host clock is synchronized (sets the S bit) */
	STAMP_A_CLOCK_SYNCED,
	/* u32 ns: the clock's error estimate to advertise */
	STAMP_A_CLOCK_ERROR,
	/*
	 * u32 s: how long STAMP_A_CLOCK_SYNCED/ERROR stay valid; after that
	 * the reflector reverts to "not synchronized". 0 means forever.
	 */
	STAMP_A_CLOCK_VALIDITY,
	/* nest, STAMP_STATS_A_*: reflector counters (read only) */
	STAMP_A_STATS,

	__STAMP_A_MAX,
	STAMP_A_MAX = __STAMP_A_MAX - 1
};

/* All counters are u64 and count packets. */
enum {
	STAMP_STATS_A_UNSPEC,
	STAMP_STATS_A_PAD,
	/* UDP to a reflector port, addressed to this host */
	STAMP_STATS_A_RX,
	/* replies handed to the IP layer */
	STAMP_STATS_A_REFLECTED,
	/* payload shorter than STAMP_MIN_REQ_LEN */
	STAMP_STATS_A_DROP_SHORT,
	/* UDP length inconsistent with the IP packet */
	STAMP_STATS_A_DROP_MALFORMED,
	/* bad UDP checksum */
	STAMP_STATS_A_DROP_CSUM,
	/* Error Estimate multiplier of 0 (RFC 4656 section 4.1.2) */
	STAMP_STATS_A_DROP_ERREST,
	/* broadcast, multicast or another host's destination */
	STAMP_STATS_A_DROP_NOT_LOCAL,
	/* IPv6 fragment (the reflector needs the whole datagram) */
	STAMP_STATS_A_DROP_FRAGMENT,
	/* no route back to the sender */
	STAMP_STATS_A_DROP_NO_ROUTE,
	/* no memory for the reply */
	STAMP_STATS_A_DROP_NOMEM,
	/* the IP layer refused the reply */
	STAMP_STATS_A_DROP_XMIT,

	__STAMP_STATS_A_MAX,
	STAMP_STATS_A_MAX = __STAMP_STATS_A_MAX - 1
};

enum {
	STAMP_CMD_UNSPEC,
	/* reflector configuration: STAMP_A_PORT..STAMP_A_CLOCK_VALIDITY */
	STAMP_CMD_REFL_GET,
	/* change the configuration; needs CAP_NET_ADMIN in the netns */
	STAMP_CMD_REFL_SET,
	/* counters: STAMP_A_STATS */
	STAMP_CMD_STATS_GET,

	__STAMP_CMD_MAX,
	STAMP_CMD_MAX = __STAMP_CMD_MAX - 1
};

#endif /* _UAPI_LINUX_STAMP_H */
