/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF T1/T4 stamping for many sender sessions: one egress and one ingress
 * TC program per device, shared by every session of every stampnl process
 * on that device (bpf/stamp_tc.bpf.c).
 *
 * Usage (one thread; the library is not thread-safe):
 *
 *	struct tc_stamp_dev *dev;
 *	struct stamp_tc_key key;
 *	char why[160];
 *	__u32 id;
 *
 *	err = tc_stamp_dev_get(ifindex, &dev, why, sizeof(why));
 *	// err < 0: fall back to kernel or user stamps, report @why
 *	tc_stamp_key_from_socket(fd, &key);	// a connected UDP socket
 *	err = tc_stamp_session_add(dev, &key, ptp, tai_off_ns, &id, why, len);
 *	// add fd = tc_stamp_fd(dev) to epoll (EPOLLIN); when readable:
 *	tc_stamp_poll(dev, on_t4, arg);	// on_t4(arg, id, seq, t4_tai_ns)
 *	tc_stamp_session_del(dev, id);
 *	tc_stamp_dev_put(dev);
 *
 * T1 needs nothing from userspace: the egress program writes it into
 * every test packet of a known session (the reflector echoes it). T4 of
 * each reply of a known session is queued, before the socket sees the
 * reply, in this process's ring buffer on that device, keyed by (id,
 * Sender Seq); tc_stamp_poll() hands the queued ones over. Once a reply
 * has been read from the socket, its T4 is already in the ring.
 *
 * Ownership and crash safety. kstamp's filters are the ones with handle
 * TC_STAMP_HANDLE whose programs are named kstamp_egress/kstamp_ingress,
 * at the lowest priority that was free when attached (filters run in
 * priority order, and ours return TC_ACT_UNSPEC, so everything after them
 * still sees every packet). tc_stamp_dev_get() looks for them on the
 * device: present, it adopts their maps (sessions, owners, events, stats,
 * state) and replaces the programs in place with its own, at the same
 * priority and handle: never a second filter. Absent, it attaches them,
 * creating the clsact qdisc if there is none (and records that in the
 * state map, so whoever leaves last removes it, once no filter of anyone
 * is left on it). Each process takes a slot in owners[] (pid and start
 * time); on every get and put, the slots of processes that are gone (kill
 * -9, OOM) are freed together with all their sessions. The last process
 * to leave detaches the filters. A process killed while it was the only
 * user leaves the filters (they stamp nothing once their sessions are
 * purged) until the next stampnl on that device adopts them, or until
 * `tc filter del dev DEV {egress|ingress} pref P handle 0x4b53 bpf`.
 * Nobody else's filters or qdiscs are touched. Attaching, adopting and
 * leaving are serialized per device by an abstract unix socket bound to
 * "kstamp-tc-IFINDEX" (per network namespace, like ifindexes, and freed
 * by the kernel when its process dies).
 *
 * Memory (bounded, allocated when the programs are loaded): the sessions
 * hash holds STAMP_TC_MAX_SESSIONS (16384) entries, preallocated, about
 * 1.7 MiB in the kernel; each process adds a ring of STAMP_TC_RING_BYTES
 * (1 MiB) per device, and 56 octets per session of its own here.
 *
 * Needs CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN, Linux 6.1 or later,
 * and an Ethernet (or loopback) device: the programs parse an Ethernet
 * header.
 */
#ifndef _STAMPNL_TC_STAMP_H
#define _STAMPNL_TC_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "stamp_tc.h"

/* The handle of kstamp's filters ("KS"): how a process tells them apart. */
#define TC_STAMP_HANDLE 0x4b53

struct tc_stamp_dev;

/* T4 of a reply: session @id's packet with Sender Seq @seq came back at
 * @t4_tai_ns (CLOCK_TAI).
 */
typedef void (*tc_stamp_t4_fn)(void *arg, __u32 id, __u32 seq,
			       __u64 t4_tai_ns);

struct tc_stamp_stats {
	__u64 t1;		/* test packets stamped, all processes */
	__u64 t4;		/* receive stamps queued, all processes */
	__u64 t4_lost;		/* not queued: an owner's ring was full */
	__u32 sessions;		/* this process's on the device */
	__u32 owners;		/* processes sharing the programs */
};

/**
 * tc_stamp_dev_get() - the device's shared programs, attached or adopted
 * @ifindex: the device (in this process's network namespace)
 * @out: the handle; a second get of the same device returns the same one
 *	with its reference count raised
 * @why: on failure, the step that failed and why, for a person: e.g.
 *	"loading the programs: Operation not permitted (needs CAP_BPF and
 *	CAP_NET_ADMIN)" or "l3dev0 is not an Ethernet device (type 65534)"
 * @len: size of @why
 *
 * Return: 0, or -errno: -EPERM without privilege, -EOPNOTSUPP for a
 * device without Ethernet headers, -EBUSY when another kstamp version's
 * programs are in use on the device, -ENOSPC with STAMP_TC_OWNERS
 * processes already there.
 */
int tc_stamp_dev_get(int ifindex, struct tc_stamp_dev **out, char *why,
		     size_t len);

/**
 * tc_stamp_dev_put() - drop a reference; the last one removes this
 * process's sessions and ring, and, if no other process is left, the
 * filters (and the clsact qdisc if kstamp created it and it is empty)
 * @dev: the handle, may be NULL
 */
void tc_stamp_dev_put(struct tc_stamp_dev *dev);

/**
 * tc_stamp_key_from_socket() - a session's key from its sender socket
 * @fd: a bound and connected UDP socket (IPv4 or IPv6)
 * @key: filled in (IPv4-mapped IPv6 peers are not supported: -EAFNOSUPPORT)
 *
 * Return: 0, or -errno.
 */
int tc_stamp_key_from_socket(int fd, struct stamp_tc_key *key);

/**
 * tc_stamp_session_add() - stamp a session's packets from now on
 * @dev: the device its packets leave and arrive on
 * @key: its addresses and ports (pad octets are cleared here)
 * @ptp: T1 in PTPv2 (TAI) format, else NTP (UTC)
 * @tai_off_ns: TAI - UTC as the kernel reports it (adjtimex), for NTP T1:
 *	the device keeps one value for all sessions (the kernel has one),
 *	which this call and tc_stamp_set_tai_offset() update
 * @id: result: the session's id in events, small (below
 *	STAMP_TC_MAX_SESSIONS) and reused after tc_stamp_session_del()
 * @why: on failure, why, for a person (may be NULL)
 * @len: size of @why
 *
 * Return: 0, or -errno: -EEXIST when a session (of any process) already
 * has this key, -ENOSPC when the device's table is full.
 */
int tc_stamp_session_add(struct tc_stamp_dev *dev,
			 const struct stamp_tc_key *key, bool ptp,
			 int64_t tai_off_ns, __u32 *id, char *why, size_t len);

/**
 * tc_stamp_set_tai_offset() - TAI - UTC for the device's NTP-format T1
 * @dev: the handle
 * @tai_off_ns: as the kernel reports it now
 *
 * The programs read CLOCK_TAI only; NTP T1 is that minus this offset. It
 * changes with a leap second, or when ptp4l or chrony first set it after
 * boot: a long-running caller refreshes it when its clock state sees the
 * kernel's TAI offset change (a write only when it differs).
 *
 * Return: 0, or -errno.
 */
int tc_stamp_set_tai_offset(struct tc_stamp_dev *dev, int64_t tai_off_ns);

/**
 * tc_stamp_session_del() - stop stamping a session
 * @dev: the handle
 * @id: from tc_stamp_session_add()
 *
 * T4s of the session still queued are delivered by the next
 * tc_stamp_poll() with its old id: a caller reusing the id at once should
 * drain first.
 *
 * Return: 0, or -ENOENT for an unknown id.
 */
int tc_stamp_session_del(struct tc_stamp_dev *dev, __u32 id);

/**
 * tc_stamp_session_set_data() - attach the caller's pointer to a session
 * @dev: the handle
 * @id: from tc_stamp_session_add()
 * @data: anything; NULL after add and after del
 *
 * So that a tc_stamp_poll() callback finds the session of an id in O(1)
 * with tc_stamp_session_data(), whoever in the process drains the ring.
 *
 * Return: 0, or -ENOENT for an unknown id.
 */
int tc_stamp_session_set_data(struct tc_stamp_dev *dev, __u32 id, void *data);

/**
 * tc_stamp_session_data() - the pointer given to tc_stamp_session_set_data()
 * @dev: the handle
 * @id: a session id, as a callback gets it
 *
 * Return: the pointer, or NULL (unknown id: a session removed since).
 */
void *tc_stamp_session_data(struct tc_stamp_dev *dev, __u32 id);

/**
 * tc_stamp_fd() - a descriptor readable (EPOLLIN) when T4s are queued
 * @dev: the handle
 *
 * Return: the descriptor (owned by @dev: do not close it).
 */
int tc_stamp_fd(struct tc_stamp_dev *dev);

/**
 * tc_stamp_poll() - hand over every queued T4, without waiting
 * @dev: the handle
 * @fn: called once per reply, in arrival order
 * @arg: for @fn
 *
 * Return: the number of T4s handed over, or -errno.
 */
int tc_stamp_poll(struct tc_stamp_dev *dev, tc_stamp_t4_fn fn, void *arg);

/**
 * tc_stamp_ifindex() - the device of a handle
 * @dev: the handle
 *
 * Return: its ifindex.
 */
int tc_stamp_ifindex(const struct tc_stamp_dev *dev);

/**
 * tc_stamp_stats() - the programs' counters and this process's share
 * @dev: the handle
 * @st: filled in
 *
 * Return: 0, or -errno.
 */
int tc_stamp_stats(struct tc_stamp_dev *dev, struct tc_stamp_stats *st);

#endif /* _STAMPNL_TC_STAMP_H */
