// SPDX-License-Identifier: GPL-2.0
/*
 * One pair of TC programs per device for all sender sessions of all
 * stampnl processes: attach or adopt, share, clean up after the dead.
 * tc_stamp.h describes the design; this file keeps to it:
 *
 * - Everything that reads or changes the filters, owners[] or the state
 *   map runs under the device lock (dev_lock()). Session entries are
 *   added and removed without it: a hash update is atomic, and each
 *   process touches only its own (and, under the lock, the dead's).
 * - Filters are found by a netlink dump of the clsact qdisc's two parents,
 *   which also tells whether anything else is attached before the qdisc
 *   goes.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stamp_tc.skel.h"
#include "tc_stamp.h"
#include "util.h"

/* waiting for another process's attach or detach (milliseconds) */
#define LOCK_WAIT_MS 5000
/* filters per parent the dump looks at; more are not ours to care about */
#define MAX_FILTERS 256

enum { DIR_EGRESS, DIR_INGRESS, NDIR };

static const char *const prog_names[NDIR] = { "kstamp_egress",
					      "kstamp_ingress" };
static const __u32 parents[NDIR] = {
	TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS),
	TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
};

static const enum bpf_tc_attach_point points[NDIR] = { BPF_TC_EGRESS,
						       BPF_TC_INGRESS };

/* the maps, in the order of the fd array below */
enum { M_SESSIONS, M_EVENTS, M_OWNERS, M_STATE, M_STATS, NMAPS };
static const char *const map_names[NMAPS] = { "sessions", "events", "owners",
					      "state", "stats" };

struct sess_slot {
	struct stamp_tc_key key;
	void *data;
	bool used;
};

struct tc_stamp_dev {
	struct tc_stamp_dev *next;
	int ifindex;
	int refs;
	pid_t pid;			/* a forked child does not own it */
	struct stamp_tc_bpf *skel;
	int fds[NMAPS];			/* the skeleton's, maybe adopted */
	__u32 slot;			/* ours in owners[] and events[] */
	__u64 start;			/* our start time, as in owners[] */
	int ring_fd;
	struct ring_buffer *rb;
	tc_stamp_t4_fn fn;
	void *arg;
	struct sess_slot *sess;		/* by id */
	__u32 nsess_cap;
	__u32 nsess;
};

static struct tc_stamp_dev *devs;

struct filt {
	__u32 prio;
	__u32 handle;
	__u32 prog_id;
	char kind[16];
};

/* libbpf's own messages would repeat ours, less clearly: only on request */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!getenv("STAMPNL_DEBUG_BPF"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void set_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/*
 * The programs parse an Ethernet header (loopback has a zeroed one). On
 * an L3 device (tun, ipip, WireGuard) the frame starts at the IP header,
 * nothing would ever match, and every stamp would silently fall back.
 */
static int check_ethernet(int ifindex, char *why, size_t len)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!if_indextoname(ifindex, ifr.ifr_name) ||
	    ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		err = -errno;
		set_why(why, len, "the egress device (index %d): %s", ifindex,
			strerror(-err));
	} else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER &&
		   ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK) {
		err = -EOPNOTSUPP;
		set_why(why, len, "%s is not an Ethernet device (type %u)",
			ifr.ifr_name, ifr.ifr_hwaddr.sa_family);
	}
	close(fd);
	return err;
}

/*
 * The device lock: an abstract unix socket name, per network namespace as
 * ifindexes are, that the kernel frees when its holder dies (a lock file
 * would need a writable directory, which a hardened unit may not have).
 */
static int dev_lock(int ifindex)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timespec ms = { 0, 1000000 };
	int fd, n, i;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "kstamp-tc-%d",
		     ifindex);
	for (i = 0; i < LOCK_WAIT_MS; i++) {
		if (!bind(fd, (struct sockaddr *)&a,
			  offsetof(struct sockaddr_un, sun_path) + 1 + n))
			return fd;
		if (errno != EADDRINUSE)
			break;
		nanosleep(&ms, NULL);
	}
	n = errno == EADDRINUSE ? -EBUSY : -errno;
	close(fd);
	return n;
}

static void parse_filter(struct nlmsghdr *nh, struct filt *f)
{
	struct tcmsg *t = NLMSG_DATA(nh);
	int len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*t));
	struct rtattr *a;

	memset(f, 0, sizeof(*f));
	f->prio = TC_H_MAJ(t->tcm_info) >> 16;
	f->handle = t->tcm_handle;
	for (a = (void *)((char *)t + NLMSG_ALIGN(sizeof(*t))); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == TCA_KIND) {
			snprintf(f->kind, sizeof(f->kind), "%.*s",
				 (int)RTA_PAYLOAD(a), (char *)RTA_DATA(a));
		} else if (a->rta_type == TCA_OPTIONS) {
			int olen = RTA_PAYLOAD(a);
			struct rtattr *o;

			for (o = RTA_DATA(a); RTA_OK(o, olen);
			     o = RTA_NEXT(o, olen))
				if (o->rta_type == TCA_BPF_ID &&
				    RTA_PAYLOAD(o) >= sizeof(__u32))
					memcpy(&f->prog_id, RTA_DATA(o),
					       sizeof(__u32));
		}
	}
}

/*
 * Every filter (of anyone) under one clsact parent: the dump has one
 * message per filter, and one per priority without a handle.
 */
static int list_filters(int ifindex, __u32 parent, struct filt *out, int max)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg t;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETTFILTER,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1 },
		.t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex,
		       .tcm_parent = parent },
	};
	static char buf[32768];
	int fd, n = 0, err = 0;
	bool done = false;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, sizeof(req), 0) < 0) {
		err = -errno;
		goto out;
	}
	while (!done) {
		struct nlmsghdr *nh;
		ssize_t len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0) {
			err = -errno;
			break;
		}
		if (!len)
			break;
		for (nh = (void *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				err = e->error;
				done = true;
				break;
			}
			if (nh->nlmsg_type != RTM_NEWTFILTER || n >= max)
				continue;
			parse_filter(nh, &out[n++]);
		}
	}
out:
	close(fd);
	/* no clsact qdisc: nothing attached */
	if (err == -EINVAL || err == -ENOENT)
		return 0;
	return err ? err : n;
}

static int prog_name_is(__u32 id, const char *name)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd, ret;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	ret = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno :
	      !strcmp(info.name, name);
	close(fd);
	return ret;
}

/*
 * Our filter under a parent: kind bpf, our handle, our program's name.
 * Return: its priority, 0 if none, or -errno.
 */
static int find_ours(int ifindex, int dir, __u32 *prog_id, int *nfilt)
{
	struct filt f[MAX_FILTERS];
	int i, n, r;

	n = list_filters(ifindex, parents[dir], f, MAX_FILTERS);
	if (n < 0)
		return n;
	if (nfilt)
		*nfilt = n;
	for (i = 0; i < n; i++) {
		if (strcmp(f[i].kind, "bpf") || f[i].handle != TC_STAMP_HANDLE ||
		    !f[i].prog_id)
			continue;
		r = prog_name_is(f[i].prog_id, prog_names[dir]);
		if (r < 0)
			return r;
		if (r) {
			if (prog_id)
				*prog_id = f[i].prog_id;
			return f[i].prio;
		}
	}
	return 0;
}

/* The lowest priority nobody uses under a parent. */
static int free_prio(int ifindex, int dir)
{
	struct filt f[MAX_FILTERS];
	__u32 p;
	int i, n;

	n = list_filters(ifindex, parents[dir], f, MAX_FILTERS);
	if (n < 0)
		return n;
	for (p = 1; p < 0xffff; p++) {
		for (i = 0; i < n && f[i].prio != p; i++)
			;
		if (i == n)
			return p;
	}
	return -ENOSPC;
}

/* The maps of one attached program of ours, by name, into @fds. */
static int prog_maps(__u32 prog_id, int *fds)
{
	struct bpf_prog_info info = { 0 };
	__u32 ids[16], len, i, k;
	int pfd, err = 0;

	pfd = bpf_prog_get_fd_by_id(prog_id);
	if (pfd < 0)
		return -errno;
	info.nr_map_ids = ARRAY_SIZE(ids);
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(pfd, &info, &len)) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(ids); i++) {
		struct bpf_map_info mi = { 0 };
		__u32 mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0) {
			err = -errno;
			goto out;
		}
		if (bpf_obj_get_info_by_fd(mfd, &mi, &mlen)) {
			err = -errno;
			close(mfd);
			goto out;
		}
		for (k = 0; k < NMAPS; k++)
			if (fds[k] < 0 && !strcmp(mi.name, map_names[k]))
				break;
		if (k < NMAPS)
			fds[k] = mfd;
		else
			close(mfd);
	}
out:
	close(pfd);
	return err;
}

/*
 * The maps of the attached programs of ours (@ids, 0 for a program not
 * found), by name, into @fds (-1 where missing): the egress program has
 * no use for events. Return: 0, or -errno.
 */
static int adopt_maps(const __u32 *ids, int *fds)
{
	int dir, k, err;

	for (k = 0; k < NMAPS; k++)
		fds[k] = -1;
	for (dir = 0; dir < NDIR; dir++) {
		if (!ids[dir])
			continue;
		err = prog_maps(ids[dir], fds);
		if (err)
			return err;
	}
	return 0;
}

static void close_fds(int *fds)
{
	int k;

	for (k = 0; k < NMAPS; k++) {
		if (fds[k] >= 0)
			close(fds[k]);
		fds[k] = -1;
	}
}

/* Do the adopted maps fit the programs we load? */
static bool maps_fit(struct stamp_tc_bpf *skel, const int *fds)
{
	struct bpf_map *maps[NMAPS] = {
		skel->maps.sessions, skel->maps.events, skel->maps.owners,
		skel->maps.state, skel->maps.stats,
	};
	int k;

	for (k = 0; k < NMAPS; k++) {
		struct bpf_map_info mi = { 0 };
		__u32 mlen = sizeof(mi);

		if (fds[k] < 0 || bpf_obj_get_info_by_fd(fds[k], &mi, &mlen) ||
		    mi.type != bpf_map__type(maps[k]) ||
		    mi.key_size != bpf_map__key_size(maps[k]) ||
		    mi.value_size != bpf_map__value_size(maps[k]) ||
		    mi.max_entries != bpf_map__max_entries(maps[k]))
			return false;
	}
	return true;
}

/* Field 22 of /proc/PID/stat: with the pid, a process's identity. */
static __u64 start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* fields after the name start at 3 (state) */
	for (i = 3; p && i <= 22; i++) {
		p = strchr(p + 1, ' ');
		if (p && i == 22)
			sscanf(p + 1, "%llu", &v);
	}
	return v;
}

static bool owner_alive(const struct stamp_tc_owner *o)
{
	__u64 st;

	if (kill((pid_t)o->pid, 0) && errno == ESRCH)
		return false;
	st = start_time((pid_t)o->pid);
	/* unreadable (another pid namespace): trust kill() */
	return !st || st == o->start;
}

/*
 * Free the slots of processes that are gone, with their sessions and
 * rings. Called with the device lock held. Return: the owners left.
 */
static int purge_dead(const int *fds)
{
	struct stamp_tc_key key, next, *prev = NULL;
	struct stamp_tc_owner o, zero = { 0 };
	__u64 dead = 0;
	__u32 s;
	int live = 0;

	for (s = 0; s < STAMP_TC_OWNERS; s++) {
		if (bpf_map_lookup_elem(fds[M_OWNERS], &s, &o) || !o.pid)
			continue;
		if (owner_alive(&o)) {
			live++;
			continue;
		}
		dead |= 1ULL << s;
	}
	if (!dead)
		return live;
	/* the next key first, then the current one may go */
	while (!bpf_map_get_next_key(fds[M_SESSIONS], prev, &next)) {
		struct stamp_tc_sess v;

		if (prev && !bpf_map_lookup_elem(fds[M_SESSIONS], prev, &v) &&
		    v.owner < STAMP_TC_OWNERS && (dead >> v.owner & 1))
			bpf_map_delete_elem(fds[M_SESSIONS], prev);
		key = next;
		prev = &key;
	}
	if (prev) {
		struct stamp_tc_sess v;

		if (!bpf_map_lookup_elem(fds[M_SESSIONS], prev, &v) &&
		    v.owner < STAMP_TC_OWNERS && (dead >> v.owner & 1))
			bpf_map_delete_elem(fds[M_SESSIONS], prev);
	}
	for (s = 0; s < STAMP_TC_OWNERS; s++) {
		if (!(dead >> s & 1))
			continue;
		bpf_map_delete_elem(fds[M_EVENTS], &s);
		bpf_map_update_elem(fds[M_OWNERS], &s, &zero, BPF_ANY);
	}
	return live;
}

static int attach(int ifindex, int dir, int prog_fd, __u32 prio, bool replace)
{
	struct bpf_tc_hook hook = { .sz = sizeof(hook), .ifindex = ifindex,
				    .attach_point = points[dir] };
	struct bpf_tc_opts o = { .sz = sizeof(o), .prog_fd = prog_fd,
				 .handle = TC_STAMP_HANDLE,
				 .priority = prio,
				 .flags = replace ? BPF_TC_F_REPLACE : 0 };

	return bpf_tc_attach(&hook, &o);
}

static void detach(int ifindex, int dir, __u32 prio)
{
	struct bpf_tc_hook hook = { .sz = sizeof(hook), .ifindex = ifindex,
				    .attach_point = points[dir] };
	struct bpf_tc_opts o = { .sz = sizeof(o), .handle = TC_STAMP_HANDLE,
				 .priority = prio };

	bpf_tc_detach(&hook, &o);
}

/*
 * Called with the lock held, after this process's slot is gone: with no
 * owner left, our filters go, and the clsact qdisc if kstamp made it and
 * nobody else's filter sits on it.
 */
static void leave_if_last(int ifindex, const int *fds)
{
	struct stamp_tc_state st = { 0 };
	int dir, prio, n, total = 0;
	__u32 zero = 0;

	if (purge_dead(fds))
		return;
	bpf_map_lookup_elem(fds[M_STATE], &zero, &st);
	for (dir = 0; dir < NDIR; dir++) {
		prio = find_ours(ifindex, dir, NULL, NULL);
		if (prio > 0)
			detach(ifindex, dir, prio);
	}
	if (!st.created_qdisc)
		return;
	for (dir = 0; dir < NDIR; dir++) {
		struct filt f[4];

		n = list_filters(ifindex, parents[dir], f, ARRAY_SIZE(f));
		total += n ? n : 0;
		if (n < 0)
			return;
	}
	if (!total) {
		struct bpf_tc_hook hook = {
			.sz = sizeof(hook), .ifindex = ifindex,
			.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS };

		bpf_tc_hook_destroy(&hook);
	}
}

static int ring_cb(void *ctx, void *data, size_t size)
{
	struct tc_stamp_dev *dev = ctx;
	const struct stamp_tc_event *ev = data;

	if (size >= sizeof(*ev) && dev->fn)
		dev->fn(dev->arg, ev->id, ev->seq, ev->t4_tai_ns);
	return 0;
}

/* Our slot: the first free one; our ring in events[slot]. Lock held. */
static int take_slot(struct tc_stamp_dev *dev)
{
	struct stamp_tc_owner o, me = { .pid = (__u32)getpid(),
					.start = dev->start };
	__u32 s;
	int err;

	for (s = 0; s < STAMP_TC_OWNERS; s++)
		if (!bpf_map_lookup_elem(dev->fds[M_OWNERS], &s, &o) && !o.pid)
			break;
	if (s == STAMP_TC_OWNERS)
		return -ENOSPC;
	dev->ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "kstamp_t4", 0, 0,
				      STAMP_TC_RING_BYTES, NULL);
	if (dev->ring_fd < 0)
		return -errno;
	dev->rb = ring_buffer__new(dev->ring_fd, ring_cb, dev, NULL);
	if (!dev->rb)
		return -errno;
	if (bpf_map_update_elem(dev->fds[M_EVENTS], &s, &dev->ring_fd,
				BPF_ANY))
		return -errno;
	if (bpf_map_update_elem(dev->fds[M_OWNERS], &s, &me, BPF_ANY)) {
		err = -errno;
		bpf_map_delete_elem(dev->fds[M_EVENTS], &s);
		return err;
	}
	dev->slot = s;
	return 0;
}

static void drop_slot(struct tc_stamp_dev *dev)
{
	struct stamp_tc_owner zero = { 0 };

	bpf_map_delete_elem(dev->fds[M_EVENTS], &dev->slot);
	bpf_map_update_elem(dev->fds[M_OWNERS], &dev->slot, &zero, BPF_ANY);
}

static void free_dev(struct tc_stamp_dev *dev)
{
	ring_buffer__free(dev->rb);
	if (dev->ring_fd >= 0)
		close(dev->ring_fd);
	close_fds(dev->fds);
	stamp_tc_bpf__destroy(dev->skel);
	free(dev->sess);
	free(dev);
}

/*
 * Under the lock: find the device's programs, load ours (sharing the
 * maps of the attached ones if they fit and are in use), put ours in
 * their place or attach them, and take a slot.
 */
static int setup(struct tc_stamp_dev *dev, const char **step)
{
	struct bpf_map *maps[NMAPS] = {
		dev->skel->maps.sessions, dev->skel->maps.events,
		dev->skel->maps.owners, dev->skel->maps.state,
		dev->skel->maps.stats,
	};
	int prio[NDIR], adopted[NMAPS], dir, k, err, live = 0;
	struct stamp_tc_state st = { 0 }, old = { 0 };
	struct bpf_tc_hook hook;
	__u32 id[NDIR] = { 0 };
	bool have = false, attached = false;
	__u32 zero = 0;

	for (k = 0; k < NMAPS; k++)
		adopted[k] = -1;
	*step = "looking for kstamp's filters on the device";
	for (dir = 0; dir < NDIR; dir++) {
		prio[dir] = find_ours(dev->ifindex, dir, &id[dir], NULL);
		if (prio[dir] < 0)
			return prio[dir];
	}
	if (prio[DIR_EGRESS] || prio[DIR_INGRESS]) {
		*step = "adopting the maps of kstamp's programs on the device";
		err = adopt_maps(id, adopted);
		if (err)
			goto out;
		if (adopted[M_STATE] >= 0)
			bpf_map_lookup_elem(adopted[M_STATE], &zero, &old);
		have = maps_fit(dev->skel, adopted) &&
		       old.version == STAMP_TC_VERSION;
		if (adopted[M_OWNERS] >= 0 && adopted[M_SESSIONS] >= 0 &&
		    adopted[M_EVENTS] >= 0)
			live = purge_dead(adopted);
		err = -EBUSY;
		if (!have && live)
			goto out;
	}
	if (have)
		for (k = 0; k < NMAPS; k++) {
			err = bpf_map__reuse_fd(maps[k], adopted[k]);
			if (err)
				goto out;
		}
	*step = "loading the programs";
	err = stamp_tc_bpf__load(dev->skel);
	if (err)
		goto out;
	for (k = 0; k < NMAPS; k++)
		dev->fds[k] = dup(bpf_map__fd(maps[k]));

	*step = "creating the clsact qdisc (is sch_ingress loaded?)";
	hook = (struct bpf_tc_hook){ .sz = sizeof(hook),
				     .ifindex = dev->ifindex,
				     .attach_point = BPF_TC_INGRESS |
						     BPF_TC_EGRESS };
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		goto out;
	/* a crashed kstamp's qdisc is still kstamp's */
	st.created_qdisc = !err || old.created_qdisc;
	st.version = STAMP_TC_VERSION;
	st.tai_offset_ns = old.tai_offset_ns;
	err = bpf_map_update_elem(dev->fds[M_STATE], &zero, &st, BPF_ANY);
	if (err)
		goto out;

	*step = "attaching the filters (is cls_bpf loaded?)";
	for (dir = 0; dir < NDIR; dir++) {
		int fd = bpf_program__fd(dir == DIR_EGRESS ?
					 dev->skel->progs.kstamp_egress :
					 dev->skel->progs.kstamp_ingress);
		int p = prio[dir];

		if (!p) {
			p = free_prio(dev->ifindex, dir);
			if (p < 0) {
				err = p;
				goto out_detach;
			}
		}
		err = attach(dev->ifindex, dir, fd, p, prio[dir] > 0);
		if (err)
			goto out_detach;
		attached = true;
	}
	*step = "taking a slot for this process";
	err = take_slot(dev);
	if (err)
		goto out_detach;
	close_fds(adopted);
	return 0;

out_detach:
	if (attached || prio[DIR_EGRESS] || prio[DIR_INGRESS])
		leave_if_last(dev->ifindex, dev->fds);
	else if (st.created_qdisc && !old.created_qdisc)
		bpf_tc_hook_destroy(&hook);
out:
	if (err == -EBUSY)
		*step = "another kstamp version's programs are in use on the device";
	close_fds(adopted);
	return err < 0 ? err : -EINVAL;
}

/**
 * tc_stamp_dev_get() - the device's shared programs, attached or adopted
 * @ifindex: the device
 * @out: the handle
 * @why: on failure, the step that failed and why
 * @len: size of @why
 *
 * Return: 0, or -errno.
 */
int tc_stamp_dev_get(int ifindex, struct tc_stamp_dev **out, char *why,
		     size_t len)
{
	const char *step = "locking the device";
	struct tc_stamp_dev *dev;
	int err, lock, k;

	for (dev = devs; dev; dev = dev->next) {
		if (dev->ifindex == ifindex && dev->pid == getpid()) {
			dev->refs++;
			*out = dev;
			return 0;
		}
	}
	err = check_ethernet(ifindex, why, len);
	if (err)
		return err;
	libbpf_set_print(libbpf_print);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->ifindex = ifindex;
	dev->refs = 1;
	dev->pid = getpid();
	dev->start = start_time(dev->pid);
	dev->ring_fd = -1;
	for (k = 0; k < NMAPS; k++)
		dev->fds[k] = -1;
	dev->skel = stamp_tc_bpf__open();
	if (!dev->skel) {
		err = -errno;
		step = "opening the programs";
		goto err_free;
	}
	lock = dev_lock(ifindex);
	if (lock < 0) {
		err = lock;
		goto err_free;
	}
	err = setup(dev, &step);
	close(lock);
	if (err)
		goto err_free;
	dev->next = devs;
	devs = dev;
	*out = dev;
	return 0;

err_free:
	free_dev(dev);
	set_why(why, len, "%s: %s%s", step, strerror(-err),
		err == -EPERM ? " (needs CAP_BPF and CAP_NET_ADMIN)" : "");
	return err;
}

/**
 * tc_stamp_dev_put() - drop a reference
 * @dev: the handle, may be NULL
 */
void tc_stamp_dev_put(struct tc_stamp_dev *dev)
{
	struct tc_stamp_dev **pp;
	__u32 id;
	int lock;

	if (!dev || --dev->refs > 0)
		return;
	for (pp = &devs; *pp; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	}
	for (id = 0; id < dev->nsess_cap; id++)
		if (dev->sess[id].used)
			tc_stamp_session_del(dev, id);
	lock = dev_lock(dev->ifindex);
	drop_slot(dev);
	/* without the lock (5 s of someone else's attach), leave the
	 * filters to the next process: never detach under another's feet
	 */
	if (lock >= 0) {
		leave_if_last(dev->ifindex, dev->fds);
		close(lock);
	}
	free_dev(dev);
}

/**
 * tc_stamp_key_from_socket() - a session's key from its sender socket
 * @fd: a bound and connected UDP socket
 * @key: filled in
 *
 * Return: 0, or -errno.
 */
int tc_stamp_key_from_socket(int fd, struct stamp_tc_key *key)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof(local), plen = sizeof(peer);

	if (getsockname(fd, (struct sockaddr *)&local, &llen) ||
	    getpeername(fd, (struct sockaddr *)&peer, &plen))
		return -errno;
	memset(key, 0, sizeof(*key));
	if (peer.ss_family == AF_INET6 && local.ss_family == AF_INET6) {
		const struct sockaddr_in6 *l = (void *)&local, *p = (void *)&peer;

		if (IN6_IS_ADDR_V4MAPPED(&p->sin6_addr))
			return -EAFNOSUPPORT;
		key->ipv6 = 1;
		memcpy(key->local_addr, &l->sin6_addr, 16);
		memcpy(key->remote_addr, &p->sin6_addr, 16);
		key->local_port = l->sin6_port;
		key->remote_port = p->sin6_port;
	} else if (peer.ss_family == AF_INET && local.ss_family == AF_INET) {
		const struct sockaddr_in *l = (void *)&local, *p = (void *)&peer;

		key->local_addr[0] = l->sin_addr.s_addr;
		key->remote_addr[0] = p->sin_addr.s_addr;
		key->local_port = l->sin_port;
		key->remote_port = p->sin_port;
	} else {
		return -EAFNOSUPPORT;
	}
	return 0;
}

/* A session of a process that died since our get holds the key. */
static bool held_by_dead(struct tc_stamp_dev *dev,
			 const struct stamp_tc_key *key)
{
	struct stamp_tc_sess v;
	struct stamp_tc_owner o;
	__u32 s;

	if (bpf_map_lookup_elem(dev->fds[M_SESSIONS], key, &v))
		return false;
	s = v.owner;
	if (s == dev->slot || s >= STAMP_TC_OWNERS ||
	    bpf_map_lookup_elem(dev->fds[M_OWNERS], &s, &o))
		return false;
	return !o.pid || !owner_alive(&o);
}

/**
 * tc_stamp_session_add() - stamp a session's packets from now on
 * @dev: the handle
 * @key: its addresses and ports
 * @ptp: T1 in PTPv2 format, else NTP
 * @tai_off_ns: TAI - UTC
 * @id: result
 * @why: on failure, why (may be NULL)
 * @len: size of @why
 *
 * Return: 0, or -errno.
 */
int tc_stamp_session_add(struct tc_stamp_dev *dev,
			 const struct stamp_tc_key *key, bool ptp,
			 int64_t tai_off_ns, __u32 *id, char *why, size_t len)
{
	struct stamp_tc_sess v = { .owner = (__u16)dev->slot, .ptp = ptp };
	struct stamp_tc_key k = *key;
	int err, tries, lock;
	__u32 i;

	memset(k.pad, 0, sizeof(k.pad));
	err = tc_stamp_set_tai_offset(dev, tai_off_ns);
	if (err) {
		set_why(why, len, "the TAI offset: %s", strerror(-err));
		return err;
	}
	for (i = 0; i < dev->nsess_cap && dev->sess[i].used; i++)
		;
	if (i == dev->nsess_cap) {
		__u32 cap = dev->nsess_cap ? dev->nsess_cap * 2 : 16;
		struct sess_slot *p;

		if (i >= STAMP_TC_MAX_SESSIONS) {
			set_why(why, len, "%u sessions on the device already",
				STAMP_TC_MAX_SESSIONS);
			return -ENOSPC;
		}
		if (cap > STAMP_TC_MAX_SESSIONS)
			cap = STAMP_TC_MAX_SESSIONS;
		p = realloc(dev->sess, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		memset(p + dev->nsess_cap, 0,
		       (cap - dev->nsess_cap) * sizeof(*p));
		dev->sess = p;
		dev->nsess_cap = cap;
	}
	v.id = i;
	for (tries = 0; tries < 2; tries++) {
		err = bpf_map_update_elem(dev->fds[M_SESSIONS], &k, &v,
					  BPF_NOEXIST) ? -errno : 0;
		if (err != -EEXIST || !held_by_dead(dev, &k))
			break;
		/* its process died after we came: clean up after it */
		lock = dev_lock(dev->ifindex);
		if (lock < 0)
			break;
		purge_dead(dev->fds);
		close(lock);
	}
	if (err == -EEXIST) {
		set_why(why, len,
			"another session has the same addresses and ports");
	} else if (err == -E2BIG) {
		err = -ENOSPC;
		set_why(why, len, "the device's session table is full (%u)",
			STAMP_TC_MAX_SESSIONS);
	} else if (err) {
		set_why(why, len, "adding the session: %s", strerror(-err));
	}
	if (err)
		return err;
	dev->sess[i].key = k;
	dev->sess[i].data = NULL;
	dev->sess[i].used = true;
	dev->nsess++;
	*id = i;
	return 0;
}

/**
 * tc_stamp_set_tai_offset() - TAI - UTC for the device's NTP-format T1
 * @dev: the handle
 * @tai_off_ns: as the kernel reports it now
 *
 * Return: 0, or -errno.
 */
int tc_stamp_set_tai_offset(struct tc_stamp_dev *dev, int64_t tai_off_ns)
{
	struct stamp_tc_state st;
	__u32 zero = 0;

	/* only this field: the rest is written under the lock */
	if (bpf_map_lookup_elem(dev->fds[M_STATE], &zero, &st))
		return -errno;
	if (st.tai_offset_ns == tai_off_ns)
		return 0;
	st.tai_offset_ns = tai_off_ns;
	if (bpf_map_update_elem(dev->fds[M_STATE], &zero, &st, BPF_ANY))
		return -errno;
	return 0;
}

/**
 * tc_stamp_session_del() - stop stamping a session
 * @dev: the handle
 * @id: from tc_stamp_session_add()
 *
 * Return: 0, or -ENOENT.
 */
int tc_stamp_session_del(struct tc_stamp_dev *dev, __u32 id)
{
	if (id >= dev->nsess_cap || !dev->sess[id].used)
		return -ENOENT;
	bpf_map_delete_elem(dev->fds[M_SESSIONS], &dev->sess[id].key);
	dev->sess[id].used = false;
	dev->sess[id].data = NULL;
	dev->nsess--;
	return 0;
}

/**
 * tc_stamp_session_set_data() - attach the caller's pointer to a session
 * @dev: the handle
 * @id: the session
 * @data: anything
 *
 * Return: 0, or -ENOENT.
 */
int tc_stamp_session_set_data(struct tc_stamp_dev *dev, __u32 id, void *data)
{
	if (id >= dev->nsess_cap || !dev->sess[id].used)
		return -ENOENT;
	dev->sess[id].data = data;
	return 0;
}

/**
 * tc_stamp_session_data() - the caller's pointer of a session
 * @dev: the handle
 * @id: the session
 *
 * Return: the pointer, or NULL.
 */
void *tc_stamp_session_data(struct tc_stamp_dev *dev, __u32 id)
{
	if (id >= dev->nsess_cap || !dev->sess[id].used)
		return NULL;
	return dev->sess[id].data;
}

/**
 * tc_stamp_fd() - a descriptor readable when T4s are queued
 * @dev: the handle
 *
 * Return: the descriptor.
 */
int tc_stamp_fd(struct tc_stamp_dev *dev)
{
	return ring_buffer__epoll_fd(dev->rb);
}

/**
 * tc_stamp_poll() - hand over every queued T4
 * @dev: the handle
 * @fn: called once per reply
 * @arg: for @fn
 *
 * Return: the number handed over, or -errno.
 */
int tc_stamp_poll(struct tc_stamp_dev *dev, tc_stamp_t4_fn fn, void *arg)
{
	int n;

	dev->fn = fn;
	dev->arg = arg;
	n = ring_buffer__consume(dev->rb);
	dev->fn = NULL;
	return n;
}

/**
 * tc_stamp_ifindex() - the device of a handle
 * @dev: the handle
 *
 * Return: its ifindex.
 */
int tc_stamp_ifindex(const struct tc_stamp_dev *dev)
{
	return dev->ifindex;
}

/**
 * tc_stamp_stats() - the programs' counters and this process's share
 * @dev: the handle
 * @st: filled in
 *
 * Return: 0, or -errno.
 */
int tc_stamp_stats(struct tc_stamp_dev *dev, struct tc_stamp_stats *st)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v, *out[STAMP_TC_STAT_MAX] = { &st->t1, &st->t4, &st->t4_lost };
	struct stamp_tc_owner o;
	__u32 k;
	int c;

	if (ncpu < 0)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	for (k = 0; k < STAMP_TC_STAT_MAX; k++) {
		if (bpf_map_lookup_elem(dev->fds[M_STATS], &k, v))
			continue;
		for (c = 0; c < ncpu; c++)
			*out[k] += v[c];
	}
	free(v);
	for (k = 0; k < STAMP_TC_OWNERS; k++)
		if (!bpf_map_lookup_elem(dev->fds[M_OWNERS], &k, &o) && o.pid)
			st->owners++;
	st->sessions = dev->nsess;
	return 0;
}
