// SPDX-License-Identifier: GPL-2.0
/*
 * Timestamping for the sender: where T1 and T4 are taken.
 *
 * bpf:    the device's shared TC programs (tools/lib/tc_stamp.c) write T1
 *         into the packet on the egress device and queue T4 on ingress;
 *         the reflector echoes that T1, so the echoed value is the one
 *         used.
 * kernel: SO_TIMESTAMPING. The packet still carries a userspace T1 (the
 *         transmit stamp exists only once it has left), but the sender
 *         computes with the driver's (or the NIC's) transmit stamp from
 *         the error queue, and the receive stamp of the reply.
 * user:   clock_gettime() just before send() and just after recvmsg().
 *
 * A NIC's stamps come from its own clock (a PHC), which ptp4l keeps on
 * TAI; they are used only when they agree with the system clock within
 * a second, since an undisciplined PHC counts from anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>

#include "route.h"
#include "sender_ts.h"
#include "tc_stamp.h"
#include "util.h"

#define NSEC 1000000000LL
/* a PHC stamp further than this from the software one is not on TAI */
#define HW_SANITY_NS NSEC
/*
 * T4s taken from the ring and not yet asked for, by Sender Seq modulo
 * this: the ring is drained at every reply read, so only replies queued
 * in the socket at once compete for a slot; a lost one falls back.
 */
#define T4_SLOTS 256

struct sender_ts_t4 {
	uint32_t seq;
	uint32_t valid;
	uint64_t t4_tai_ns;
};

static const char *const names[] = {
	[TS_AUTO] = "auto", [TS_BPF] = "bpf", [TS_KERNEL] = "kernel",
	[TS_USER] = "user",
};

/**
 * sender_ts_parse() - a method by its name
 * @name: auto, bpf, kernel or user
 * @m: result
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int sender_ts_parse(const char *name, enum sender_ts_method *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(name, names[i])) {
			*m = i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * sender_ts_name() - the name of a method
 * @m: the method
 *
 * Return: a static string.
 */
const char *sender_ts_name(enum sender_ts_method m)
{
	return names[m];
}

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC + ts->tv_nsec;
}

/* The best stamp of an SCM_TIMESTAMPING message, UTC; 0 if none. */
static int64_t pick_stamp(struct sender_ts *t, const struct timespec *ts)
{
	int64_t sw = ts_ns(&ts[0]), hw = ts_ns(&ts[2]) - t->tai_off_ns;

	if (ts_ns(&ts[2]) && (!sw || llabs(hw - sw) < HW_SANITY_NS)) {
		t->hw_stamps++;
		return hw;
	}
	return sw;
}

static int open_bpf(struct sender_ts *t, bool ptp)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof(local), plen = sizeof(peer);
	struct stamp_tc_key key;
	char why[128];
	int err;

	if (getsockname(t->fd, (struct sockaddr *)&local, &llen) ||
	    getpeername(t->fd, (struct sockaddr *)&peer, &plen))
		return -errno;
	err = route_oif(&peer, &local);
	if (err < 0) {
		snprintf(t->note, SENDER_TS_NOTE_LEN,
			 "bpf: no route to the reflector");
		return err;
	}
	t->ifindex = err;
	err = tc_stamp_key_from_socket(t->fd, &key);
	if (err) {
		snprintf(t->note, SENDER_TS_NOTE_LEN, "bpf: the socket: %s",
			 strerror(-err));
		return err;
	}
	t->t4 = calloc(T4_SLOTS, sizeof(*t->t4));
	if (!t->t4)
		return -ENOMEM;
	err = tc_stamp_dev_get(t->ifindex, &t->bpf, why, sizeof(why));
	if (err)
		goto err_free;
	err = tc_stamp_session_add(t->bpf, &key, ptp, t->tai_off_ns,
				   &t->bpf_id, why, sizeof(why));
	if (err)
		goto err_put;
	tc_stamp_session_set_data(t->bpf, t->bpf_id, t);
	return 0;

err_put:
	tc_stamp_dev_put(t->bpf);
	t->bpf = NULL;
err_free:
	free(t->t4);
	t->t4 = NULL;
	snprintf(t->note, SENDER_TS_NOTE_LEN, "bpf: %s", why);
	return err;
}

/*
 * T4s from the device's ring, which is this process's: each to its
 * session, whichever session's reply drained the ring
 */
static void take_t4(void *arg, __u32 id, __u32 seq, __u64 t4_tai_ns)
{
	struct sender_ts *t = tc_stamp_session_data(arg, id);
	struct sender_ts_t4 *slot;

	if (!t)
		return;
	slot = &t->t4[seq % T4_SLOTS];
	slot->seq = seq;
	slot->valid = 1;
	slot->t4_tai_ns = t4_tai_ns;
}

/* T4 of the reply to @seq, if the ingress program saw it */
static int bpf_t4(struct sender_ts *t, uint32_t seq, __u64 *tai)
{
	struct sender_ts_t4 *slot = &t->t4[seq % T4_SLOTS];

	tc_stamp_poll(t->bpf, take_t4, t->bpf);
	if (!slot->valid || slot->seq != seq)
		return -ENOENT;
	slot->valid = 0;
	*tai = slot->t4_tai_ns;
	return 0;
}

static int open_kernel(struct sender_ts *t)
{
	int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_TX_HARDWARE |
		    SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_RX_HARDWARE |
		    SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_RAW_HARDWARE |
		    SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;

	if (setsockopt(t->fd, SOL_SOCKET, SO_TIMESTAMPING, &flags,
		       sizeof(flags))) {
		snprintf(t->note, SENDER_TS_NOTE_LEN, "kernel: SO_TIMESTAMPING: %s",
			 strerror(errno));
		return -errno;
	}
	return 0;
}

/**
 * sender_ts_open() - set up timestamping on a connected socket
 * @t: state, filled in
 * @want: the method asked for; TS_AUTO takes the best that works
 * @fd: the sender's connected UDP socket, nothing sent on it yet
 * @tai_off_ns: TAI - UTC as the kernel reports it
 * @ptp: T1 goes on the wire in PTPv2 format
 *
 * A method asked for by name that cannot be used is an error; TS_AUTO
 * falls back and leaves the reason in @t->note.
 *
 * Return: 0, or -errno.
 */
int sender_ts_open(struct sender_ts *t, enum sender_ts_method want, int fd,
		   int64_t tai_off_ns, bool ptp)
{
	static char note[SENDER_TS_NOTE_LEN];
	int err = 0;

	note[0] = '\0';
	*t = (struct sender_ts){ .fd = fd, .tai_off_ns = tai_off_ns,
				 .note = note };
	if (want == TS_AUTO || want == TS_BPF) {
		err = open_bpf(t, ptp);
		if (!err || want == TS_BPF) {
			t->method = TS_BPF;
			return err;
		}
	}
	if (want == TS_AUTO || want == TS_KERNEL) {
		err = open_kernel(t);
		if (!err || want == TS_KERNEL) {
			t->method = TS_KERNEL;
			return err;
		}
	}
	t->method = TS_USER;
	return 0;
}

/**
 * sender_ts_sent() - a test packet went out
 * @t: state
 * @seq: its Sender Seq
 *
 * With SOF_TIMESTAMPING_OPT_ID the kernel numbers the datagrams a socket
 * sent successfully from 0; this records which packet got which number.
 */
void sender_ts_sent(struct sender_ts *t, uint32_t seq)
{
	if (t->method != TS_KERNEL)
		return;
	if (t->nkeys == t->keys_cap) {
		uint64_t cap = t->keys_cap ? t->keys_cap * 2 : 1024;
		uint32_t *p = realloc(t->key_seq, cap * sizeof(*p));

		if (!p)
			return;	/* its stamp will be missing, no more */
		t->key_seq = p;
		t->keys_cap = cap;
	}
	t->key_seq[t->nkeys++] = seq;
}

/**
 * sender_ts_tx_drain() - hand over the transmit stamps that arrived
 * @t: state
 * @fn: called once per stamp
 * @arg: for @fn
 */
void sender_ts_tx_drain(struct sender_ts *t, sender_ts_tx_fn fn, void *arg)
{
	char ctrl[512];
	char data[64];

	if (t->method != TS_KERNEL)
		return;
	for (;;) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctrl,
				     .msg_controllen = sizeof(ctrl) };
		const struct sock_extended_err *ee = NULL;
		const struct timespec *ts = NULL;
		struct scm_timestamping tss;
		struct sock_extended_err eeb;
		struct cmsghdr *cm;

		if (recvmsg(t->fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPING) {
				memcpy(&tss, CMSG_DATA(cm), sizeof(tss));
				ts = tss.ts;
			} else if ((cm->cmsg_level == SOL_IP &&
				    cm->cmsg_type == IP_RECVERR) ||
				   (cm->cmsg_level == SOL_IPV6 &&
				    cm->cmsg_type == IPV6_RECVERR)) {
				memcpy(&eeb, CMSG_DATA(cm), sizeof(eeb));
				ee = &eeb;
			}
		}
		if (!ts || !ee || ee->ee_errno != ENOMSG ||
		    ee->ee_origin != SO_EE_ORIGIN_TIMESTAMPING ||
		    ee->ee_info != SCM_TSTAMP_SND || ee->ee_data >= t->nkeys)
			continue;
		fn(arg, t->key_seq[ee->ee_data], pick_stamp(t, ts));
	}
}

/**
 * sender_ts_rx() - T4 of a reply
 * @t: state
 * @mh: the reply as received, with its control messages
 * @seq: the Sender Seq it answers
 * @now_utc_ns: the clock read just after recvmsg()
 *
 * Return: T4, UTC nanoseconds. When the method's own stamp is missing
 * (the reply came in on another device than the programs watch, say) the
 * socket's receive stamp stands in, and the fallback is counted.
 */
int64_t sender_ts_rx(struct sender_ts *t, struct msghdr *mh, uint32_t seq,
		     int64_t now_utc_ns)
{
	int64_t sock_ns = 0, tss_ns = 0;
	struct scm_timestamping tss;
	struct cmsghdr *cm;
	struct timespec ts;
	__u64 tai;

	if (t->method == TS_USER)
		return now_utc_ns;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SO_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			sock_ns = ts_ns(&ts);
		} else if (cm->cmsg_type == SCM_TIMESTAMPING) {
			memcpy(&tss, CMSG_DATA(cm), sizeof(tss));
			tss_ns = pick_stamp(t, tss.ts);
		}
	}
	if (t->method == TS_BPF && !bpf_t4(t, seq, &tai))
		return (int64_t)tai - t->tai_off_ns;
	if (t->method == TS_KERNEL && tss_ns)
		return tss_ns;
	t->fallbacks++;
	return sock_ns ? sock_ns : now_utc_ns;
}

/**
 * sender_ts_close() - undo sender_ts_open()
 * @t: state
 *
 * Detaches the TC programs; safe to call more than once.
 */
void sender_ts_close(struct sender_ts *t)
{
	if (t->bpf) {
		tc_stamp_session_del(t->bpf, t->bpf_id);
		tc_stamp_dev_put(t->bpf);
	}
	t->bpf = NULL;
	free(t->t4);
	t->t4 = NULL;
	free(t->key_seq);
	t->key_seq = NULL;
	t->nkeys = 0;
	t->keys_cap = 0;
}
