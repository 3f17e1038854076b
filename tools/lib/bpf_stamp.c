// SPDX-License-Identifier: GPL-2.0
/*
 * Load and attach the TC programs of bpf/stamp_tc.bpf.c for one sender
 * session: T1 written into test packets on egress, T4 recorded on ingress.
 *
 * The clsact qdisc is shared with whatever else runs on the device: an
 * existing one is used as it is, our filters take free priorities, and on
 * close only our own filters go, plus the qdisc if we created it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_stamp.h"
#include "stamp_tc.skel.h"
#include "util.h"

struct bpf_stamp {
	struct stamp_tc_bpf *skel;
	struct bpf_tc_hook hook;
	struct bpf_tc_opts egress;
	struct bpf_tc_opts ingress;
	bool created_qdisc;
	bool egress_on;
	bool ingress_on;
};

/*
 * Filters run in priority order and one that returns a verdict ends the
 * chain, so ours go first: the lowest free priority. They return
 * TC_ACT_UNSPEC, so everything after them still sees every packet. A
 * priority is taken when the kernel answers EEXIST (one of ours, from
 * another sender) or EINVAL (another kind of filter sits there).
 * Asking the kernel to pick (priority 0) would put us last.
 */
#define PRIO_TRIES 256

static int attach(struct bpf_stamp *b, enum bpf_tc_attach_point where,
		  int prog_fd, struct bpf_tc_opts *opts)
{
	struct bpf_tc_hook hook = b->hook;
	int i, err = -EEXIST;

	hook.attach_point = where;
	for (i = 1; i <= PRIO_TRIES && (err == -EEXIST || err == -EINVAL);
	     i++) {
		memset(opts, 0, sizeof(*opts));
		opts->sz = sizeof(*opts);
		opts->prog_fd = prog_fd;
		opts->handle = 1;
		opts->priority = i;
		err = bpf_tc_attach(&hook, opts);
	}
	return err;
}

static void detach(struct bpf_stamp *b, enum bpf_tc_attach_point where,
		   struct bpf_tc_opts *opts)
{
	struct bpf_tc_hook hook = b->hook;

	hook.attach_point = where;
	/* detach names the filter by handle and priority alone */
	opts->prog_fd = 0;
	opts->prog_id = 0;
	opts->flags = 0;
	bpf_tc_detach(&hook, opts);
}

/*
 * Another sender's filters on the clsact qdisc we created: destroying the
 * qdisc would take them with it, mid-measurement. Theirs sit at handle 1
 * of some priority, like ours (only BPF filters answer the query). The
 * qdisc then stays, empty and harmless, after the last of us.
 */
static bool others_attached(struct bpf_stamp *b)
{
	static const enum bpf_tc_attach_point points[] = { BPF_TC_INGRESS,
							   BPF_TC_EGRESS };
	struct bpf_tc_hook hook = b->hook;
	struct bpf_tc_opts q;
	unsigned int p;
	int i;

	for (p = 0; p < ARRAY_SIZE(points); p++) {
		hook.attach_point = points[p];
		for (i = 1; i <= PRIO_TRIES; i++) {
			memset(&q, 0, sizeof(q));
			q.sz = sizeof(q);
			q.handle = 1;
			q.priority = i;
			if (!bpf_tc_query(&hook, &q))
				return true;
		}
	}
	return false;
}

/* libbpf's own messages would repeat ours, less clearly: only on request */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!getenv("STAMPNL_DEBUG_BPF"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/**
 * bpf_stamp_open() - stamp one session's packets on a device
 * @out: the new handle
 * @ifindex: the device the session's packets leave and arrive on
 * @cfg: the session's addresses and ports, and the timestamp format
 * @why: filled with the step that failed and its reason
 * @len: size of @why
 *
 * Return: 0, or -errno (-EPERM without CAP_BPF/CAP_NET_ADMIN).
 */
int bpf_stamp_open(struct bpf_stamp **out, int ifindex,
		   const struct stamp_tc_cfg *cfg, char *why, size_t len)
{
	const char *step = "loading the programs";
	struct bpf_stamp *b;
	int err;

	libbpf_set_print(libbpf_print);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->skel = stamp_tc_bpf__open();
	if (!b->skel) {
		err = -errno;
		goto err_free;
	}
	b->skel->rodata->cfg = *cfg;
	err = stamp_tc_bpf__load(b->skel);
	if (err)
		goto err_destroy;

	b->hook.sz = sizeof(b->hook);
	b->hook.ifindex = ifindex;
	b->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	step = "creating the clsact qdisc (is sch_ingress loaded?)";
	err = bpf_tc_hook_create(&b->hook);
	if (err && err != -EEXIST)
		goto err_destroy;
	b->created_qdisc = !err;

	step = "attaching the filters (is cls_bpf loaded?)";
	err = attach(b, BPF_TC_EGRESS,
		     bpf_program__fd(b->skel->progs.stamp_egress), &b->egress);
	if (err)
		goto err_hook;
	b->egress_on = true;
	err = attach(b, BPF_TC_INGRESS,
		     bpf_program__fd(b->skel->progs.stamp_ingress),
		     &b->ingress);
	if (err)
		goto err_egress;
	b->ingress_on = true;
	*out = b;
	return 0;

err_egress:
	detach(b, BPF_TC_EGRESS, &b->egress);
err_hook:
	if (b->created_qdisc)
		bpf_tc_hook_destroy(&b->hook);
err_destroy:
	stamp_tc_bpf__destroy(b->skel);
err_free:
	free(b);
	err = err < 0 ? err : -EINVAL;
	snprintf(why, len, "%s: %s%s", step, strerror(-err),
		 err == -EPERM ? " (needs CAP_BPF and CAP_NET_ADMIN)" : "");
	return err;
}

/**
 * bpf_stamp_t4() - the receive stamp of the reply to @seq
 * @b: the handle
 * @seq: the Sender Seq the reply carries
 * @t4_tai_ns: result, CLOCK_TAI nanoseconds
 *
 * Return: 0, or -ENOENT when the ingress program did not see that reply.
 */
int bpf_stamp_t4(struct bpf_stamp *b, __u32 seq, __u64 *t4_tai_ns)
{
	__u32 key = seq % STAMP_TC_SLOTS;
	struct stamp_tc_rx rx;

	if (bpf_map__lookup_elem(b->skel->maps.rx_stamps, &key, sizeof(key),
				 &rx, sizeof(rx), 0))
		return -errno;
	if (!rx.valid || rx.seq != seq)
		return -ENOENT;
	*t4_tai_ns = rx.t4_tai_ns;
	return 0;
}

/**
 * bpf_stamp_close() - detach our filters and free everything
 * @b: the handle, may be NULL
 */
void bpf_stamp_close(struct bpf_stamp *b)
{
	if (!b)
		return;
	if (b->ingress_on)
		detach(b, BPF_TC_INGRESS, &b->ingress);
	if (b->egress_on)
		detach(b, BPF_TC_EGRESS, &b->egress);
	if (b->created_qdisc && !others_attached(b))
		bpf_tc_hook_destroy(&b->hook);
	stamp_tc_bpf__destroy(b->skel);
	free(b);
}
