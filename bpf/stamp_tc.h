/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Types shared by the TC programs (stamp_tc.bpf.c) and stampnl's loader
 * (tools/lib/tc_stamp.c). __u* types only.
 *
 * One egress and one ingress program per device serve every sender
 * session of every stampnl process on it. Each process ("owner") has a
 * slot: its own ring buffer of receive stamps in events[slot] and its
 * pid in owners[slot]; its sessions point at the slot.
 */
#ifndef _STAMP_TC_H
#define _STAMP_TC_H

#include <linux/types.h>

/* Bumped whenever a map's layout changes: programs of another version
 * are never shared, only replaced once nobody uses them.
 */
#define STAMP_TC_VERSION 2

/* Sessions of all processes on one device. */
#define STAMP_TC_MAX_SESSIONS 16384
/* Processes sharing one device's programs. */
#define STAMP_TC_OWNERS 64
/* Each process's ring of receive stamps: 24 octets a record, so 43690
 * replies, four seconds of 10 000 sessions at 1 packet/s.
 */
#define STAMP_TC_RING_BYTES (1 << 20)

/* A session: its sender socket's addresses and ports, network byte order,
 * as the egress packet carries them (the ingress reply, reversed).
 */
struct stamp_tc_key {
	__u32 local_addr[4];	/* IPv4 in [0], or IPv6 */
	__u32 remote_addr[4];
	__u16 local_port;
	__u16 remote_port;
	__u8 ipv6;
	__u8 pad[3];		/* zero: part of the hash key */
};

struct stamp_tc_sess {
	__u32 id;		/* the owner's name for it, in each event */
	__u16 owner;		/* slot in owners[] and events[] */
	__u8 ptp;		/* T1 in PTPv2 (TAI) format, else NTP (UTC) */
	__u8 pad;
};

/* T4 of a reply, in the owner's ring. */
struct stamp_tc_event {
	__u32 id;
	__u32 seq;		/* its Sender Seq */
	__u64 t4_tai_ns;
};

/* owners[slot]: pid 0 is a free slot. The start time (field 22 of
 * /proc/PID/stat) tells a live owner from a new process with its pid.
 */
struct stamp_tc_owner {
	__u32 pid;
	__u32 pad;
	__u64 start;
};

/* state[0]: the device's programs as a whole. */
struct stamp_tc_state {
	__u32 version;		/* STAMP_TC_VERSION of whoever loaded them */
	__u32 created_qdisc;	/* kstamp added the clsact qdisc */
	__s64 tai_offset_ns;	/* TAI - UTC, for NTP-format T1: one kernel,
				 * one value, refreshed by every process
				 */
};

/* stats[], per CPU */
enum {
	STAMP_TC_STAT_T1,	/* test packets stamped on egress */
	STAMP_TC_STAT_T4,	/* receive stamps handed to an owner */
	STAMP_TC_STAT_T4_LOST,	/* the owner's ring was full or gone */
	STAMP_TC_STAT_MAX,
};

#endif /* _STAMP_TC_H */
