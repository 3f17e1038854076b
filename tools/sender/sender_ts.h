/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SENDER_TS_H
#define _STAMPNL_SENDER_TS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* Where the sender takes T1 and T4, closest to the wire first. */
enum sender_ts_method {
	TS_AUTO,	/* the best that works here */
	TS_BPF,		/* TC programs on the egress device */
	TS_KERNEL,	/* SO_TIMESTAMPING: the driver's or the NIC's stamps */
	TS_USER,	/* clock_gettime() around send() and recv() */
};

struct tc_stamp_dev;
struct sender_ts_t4;

#define SENDER_TS_NOTE_LEN 160

struct sender_ts {
	enum sender_ts_method method;	/* in use */
	int fd;
	int ifindex;			/* TS_BPF: where the programs are */
	uint32_t bpf_id;		/* TS_BPF: our session there */
	int64_t tai_off_ns;		/* TAI - UTC, for TAI stamps */
	struct tc_stamp_dev *bpf;	/* TS_BPF: the device's programs */
	struct sender_ts_t4 *t4;	/* TS_BPF: T4s handed over, by seq */
	uint32_t *key_seq;		/* TS_KERNEL: tx key -> Sender Seq */
	uint64_t nkeys;
	uint64_t keys_cap;
	uint64_t hw_stamps;		/* T1/T4 from the NIC's clock */
	uint64_t fallbacks;		/* T4 from a coarser source */
	/*
	 * Why a method was not used: "" if none. Read right after
	 * sender_ts_open(), before the next one (one buffer for every
	 * session of the process, not 160 octets each); never NULL after it.
	 */
	char *note;
};

/* A transmit stamp: the packet with Sender Seq @seq left at @t1_utc_ns. */
typedef void (*sender_ts_tx_fn)(void *arg, uint32_t seq, int64_t t1_utc_ns);

int sender_ts_parse(const char *name, enum sender_ts_method *m);
const char *sender_ts_name(enum sender_ts_method m);
int sender_ts_open(struct sender_ts *t, enum sender_ts_method want, int fd,
		   int64_t tai_off_ns, bool ptp);
void sender_ts_sent(struct sender_ts *t, uint32_t seq);
void sender_ts_tx_drain(struct sender_ts *t, sender_ts_tx_fn fn, void *arg);
int64_t sender_ts_rx(struct sender_ts *t, struct msghdr *mh, uint32_t seq,
		     int64_t now_utc_ns);
void sender_ts_close(struct sender_ts *t);

#endif /* _STAMPNL_SENDER_TS_H */
