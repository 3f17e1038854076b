/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Types shared by the benchmark's TC observer (bench_obs.bpf.c) and its
 * loader (obs.c). __u* types only.
 */
#ifndef _BENCH_OBS_H
#define _BENCH_OBS_H

#include <linux/types.h>

/* Stamps kept per test packet: one slot per Seq modulo this. */
#define OBS_SLOTS 65536

/* What the observer is told; the port is in network byte order. */
struct obs_cfg {
	__u16 port;	/* the reflector's UDP port */
	__u16 alt_port;	/* another one (a second reflector), or 0 */
	__u8 sink;	/* drop replies arriving on ingress (a load sink) */
	__u8 record;	/* keep per-packet stamps */
	__u8 auth;	/* replies use the authenticated layout */
	__u8 pad;
};

/* Per-CPU packet counters, indexed by enum obs_counter. */
enum obs_counter {
	OBS_REQ_IN,	/* STAMP requests (UDP to the port) */
	OBS_REQ_OUT,
	OBS_REP_IN,	/* STAMP replies (UDP from the port) */
	OBS_REP_OUT,
	OBS_ECHO_IN,	/* ICMP echo requests */
	OBS_ECHO_OUT,
	OBS_ECHOREP_IN,	/* ICMP echo replies */
	OBS_ECHOREP_OUT,
	OBS_NCOUNTERS
};

/*
 * The stamps of one test packet, CLOCK_TAI ns as the programs saw it pass,
 * and the T2/T3 its reply carried (wire format, as the reflector wrote
 * them). Requests are found by their Seq, replies by their Sender Seq.
 */
struct obs_slot {
	__u32 seq;
	__u16 errest;	/* the reply's Error Estimate (its Z bit) */
	__u16 pad;
	__u64 req_in;
	__u64 req_out;
	__u64 rep_in;
	__u64 rep_out;
	__u64 t2;
	__u64 t3;
};

#endif /* _BENCH_OBS_H */
