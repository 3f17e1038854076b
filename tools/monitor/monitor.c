// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl monitor -c FILE`: every session of the file in one epoll loop.
 *
 * Sessions are the sender's engine (sender_session_*()) with a ring of
 * probes and hooks instead of outputs; their deadlines sit in a binary
 * heap, so a loop turn costs O(log n) whatever the session count. A
 * session that cannot start (a name that does not resolve, no route, a
 * device gone) is a state, retried with a backoff up to a minute: the
 * service never exits for a target's sake. SIGHUP reads the file again:
 * sessions whose block is unchanged keep their sockets and counters, new
 * ones start, removed ones stop; a file that does not load leaves the
 * running set alone. SIGINT/SIGTERM end it, removing the textfile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "cli.h"
#include "util.h"
#include "monitor.h"
#include "sigfd.h"

#define ICMP_GRACE_NS 3000000000ULL
#define RETRY_MIN_NS 1000000000ULL
#define RETRY_MAX_NS 60000000000ULL
#define TAG_SIG ((void *)1)
#define TAG_HTTP ((void *)2)

const char *const mon_state_names[MON_NSTATES] = {
	[MON_STARTING] = "starting",
	[MON_UP] = "up",
	[MON_DOWN] = "down",
	[MON_UNREACHABLE] = "unreachable",
	[MON_UNRESOLVED] = "unresolved",
	[MON_ERROR] = "error",
};

/* ---- the deadline heap ---- */

static void heap_swap(struct mon *m, size_t a, size_t b)
{
	struct mon_session *t = m->heap[a];

	m->heap[a] = m->heap[b];
	m->heap[b] = t;
	m->heap[a]->heap_idx = a;
	m->heap[b]->heap_idx = b;
}

static void heap_fix(struct mon *m, size_t i)
{
	while (i && m->heap[(i - 1) / 2]->deadline > m->heap[i]->deadline) {
		heap_swap(m, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;

		if (l < m->nheap && m->heap[l]->deadline < m->heap[min]->deadline)
			min = l;
		if (r < m->nheap && m->heap[r]->deadline < m->heap[min]->deadline)
			min = r;
		if (min == i)
			return;
		heap_swap(m, i, min);
		i = min;
	}
}

static void heap_set(struct mon *m, struct mon_session *ms, uint64_t when)
{
	ms->deadline = when;
	heap_fix(m, ms->heap_idx);
}

static int heap_add(struct mon *m, struct mon_session *ms)
{
	if (m->nheap == m->heap_cap) {
		/*
		 * Doubled, not grown by one: a realloc() a session would
		 * move the array past each new session and leave its old
		 * place as a hole too small for the next one (some 200
		 * octets of RSS a session at 10 000)
		 */
		size_t cap = m->heap_cap ? 2 * m->heap_cap : 64;
		struct mon_session **h = realloc(m->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		m->heap = h;
		m->heap_cap = cap;
	}
	ms->heap_idx = m->nheap;
	m->heap[m->nheap++] = ms;
	heap_fix(m, ms->heap_idx);
	return 0;
}

static void heap_del(struct mon *m, struct mon_session *ms)
{
	size_t i = ms->heap_idx;

	m->nheap--;
	if (i != m->nheap) {
		heap_swap(m, i, m->nheap);
		heap_fix(m, i);
	}
}

/* ---- statistics, from the engine's events ---- */

/*
 * One-way delays go into their histograms only while they mean something:
 * both clocks synchronized and no TAI read as UTC.
 */
static bool clocks_ok(const struct sender *s)
{
	return s->clk.synced && !s->refl_unsynced &&
	       !sender_refl_tai_in_ntp(s);
}

static void on_event(void *arg, struct sender *s, enum sender_ev ev,
		     uint64_t seq, const struct probe *p)
{
	struct mon_session *ms = arg;
	struct ws_reply r = { .sender_seq = (uint32_t)(seq + ms->seq_off) };

	switch (ev) {
	case SENDER_EV_SENT:
		winstats_sent(&ms->ws);
		return;
	case SENDER_EV_LOST:
		winstats_expire(&ms->ws, r.sender_seq);
		return;
	case SENDER_EV_MALFORMED:
	case SENDER_EV_TLV_REJECTED:
		winstats_malformed(&ms->ws);
		return;
	case SENDER_EV_AUTH_FAILURE:
		winstats_auth_failure(&ms->ws);
		return;
	case SENDER_EV_LATE:
	case SENDER_EV_DUP:
		/* winstats tells them apart itself, from its own bitmap */
		winstats_reply(&ms->ws, &r);
		return;
	case SENDER_EV_REPLY:
		break;
	}
	r.refl_seq = p->refl_seq;
	r.delay[WS_RTT] = (p->t4 - p->t1) - (p->t3 - p->t2);
	r.delay[WS_FWD] = p->t2 - p->t1;
	r.delay[WS_BWD] = p->t4 - p->t3;
	r.delay[WS_RES] = p->t3 - p->t2;
	r.valid = 1U << WS_RTT | 1U << WS_RES;
	if (clocks_ok(s))
		r.valid |= 1U << WS_FWD | 1U << WS_BWD;
	winstats_reply(&ms->ws, &r);
	ms->last_reply = mono_ns();
}

static const struct sender_hooks hooks = { .event = on_event };

/**
 * mon_one_way_valid() - may the forward and backward delays be believed?
 * @ms: the session
 *
 * Return: true with replies measured, both clocks synchronized (the
 * kernel's and the reflector's S bit), no TAI written into NTP fields and
 * no negative one-way delay seen, as the one-shot sender decides it.
 */
bool mon_one_way_valid(const struct mon_session *ms)
{
	return ms->ws.cum_t[WS_FWD].count && clocks_ok(&ms->s) &&
	       !ms->ws.cum.negative;
}

/**
 * mon_session_state() - what the session's path looks like now
 * @ms: the session
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: up while replies come within the loss threshold (plus two
 * intervals), unreachable while ICMP errors (refused, no route) come back
 * instead, down when nothing comes back at all, and the setup states while
 * the socket is not open.
 */
enum mon_state mon_session_state(const struct mon_session *ms, uint64_t now)
{
	const struct sender *s = &ms->s;
	uint64_t grace = (uint64_t)((s->o->wait_s + 2 * s->o->interval_s) * 1e9);

	if (!ms->open)
		return ms->state;
	if (ms->last_reply && now - ms->last_reply <= grace)
		return MON_UP;
	/* the kernel sends ICMP errors about once a second (icmp_ratelimit) */
	if (ms->last_icmp > ms->last_reply &&
	    now - ms->last_icmp <= grace + ICMP_GRACE_NS)
		return MON_UNREACHABLE;
	if (!ms->last_reply && now - s->start_mono <= grace)
		return MON_STARTING;
	return MON_DOWN;
}

/* ---- sessions ---- */

/*
 * Enough slots for every packet the threshold can keep in flight, and two
 * more (a packet goes out while the oldest is being expired, and timers
 * run late): W / I + 2 for a periodic schedule, 5 at 1 pps and a 3 s
 * threshold. Poisson gaps are often shorter than their mean: twice the
 * packets, 2 W / I + 2. Not a power of 2 (the engine takes the remainder):
 * at 112 octets a probe, rounding 5 up to 8 would cost a tenth of the
 * session. A packet still pending when its slot is needed is lost.
 */
static unsigned int ring_size(const struct sender_opts *o)
{
	double need = (o->poisson ? 2 : 1) * o->wait_s / o->interval_s + 2;

	if (need > 65536)
		return 65536;
	return (unsigned int)ceil(need);
}

/*
 * Packets per sendmmsg(): those due within 10 ms, 1 to MON_BATCH. Only
 * high rates gain from the batch; a 1 pps session would keep 3 packets'
 * buffer for nothing (and the schedule's slack, interval x batch, stays
 * the interval's: a loop late by more skips packets, not bursts them).
 */
static unsigned int batch_size(const struct sender_opts *o)
{
	double due = 0.01 / o->interval_s;

	return due >= MON_BATCH ? MON_BATCH : due <= 1 ? 1 :
	       (unsigned int)ceil(due);
}

static void session_close(struct mon *m, struct mon_session *ms)
{
	if (!ms->open)
		return;
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, ms->s.fd, NULL);
	/* what was in flight will not be answered on a new socket */
	if (ms->s.loss.sent)
		winstats_expire(&ms->ws, (uint32_t)(ms->s.loss.sent - 1 +
						    ms->seq_off));
	ms->seq_off += ms->s.loss.sent;
	sender_session_close(&ms->s);
	ms->open = false;
}

_Static_assert(MON_SESSION_BYTES <= MON_SESSION_SIZE,
	       "a monitored session over its budget (README: Monitoring a fleet)");

/*
 * Every session's setup error, read right after its open (one loop, one
 * session at a time): a buffer once, not SENDER_WHY_LEN octets a session.
 */
static char open_why[SENDER_WHY_LEN];

static int engine_open(struct mon_session *ms, enum sender_ts_method tsm)
{
	unsigned int ring = ring_size(&ms->cfg->o);

	open_why[0] = '\0';
	ms->s = (struct sender){ .o = &ms->cfg->o, .tsm = tsm, .why = open_why,
				 .fd = -1, .sigfd = -1,
				 .ring = ring, .batch = batch_size(&ms->cfg->o),
				 .hooks = &hooks, .hook_arg = ms,
				 .silent = true, .caller_bufs = true,
				 .probes = (struct probe *)(ms + 1),
				 .txbuf = (uint8_t *)(ms + 1) + ring *
					  sizeof(struct probe) };
	return sender_session_open(&ms->s);
}

static void session_try(struct mon *m, struct mon_session *ms, uint64_t now)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ms };
	enum mon_state old = ms->state;
	int err;

	/*
	 * The clock around send() and recv() unless the file asks for BPF
	 * (kernel stamps keep a record per packet: refused by the loader).
	 */
	err = engine_open(ms, ms->cfg->o.tsm == TS_BPF ? TS_BPF : TS_USER);
	/* BPF refused (privileges, device): measured anyway, reason exported */
	if (err && ms->cfg->o.tsm == TS_BPF &&
	    !strncmp(ms->s.why, "timestamping", 12)) {
		free(ms->ts_why);
		ms->ts_why = strdup(ms->s.why);
		fprintf(stderr, "stampnl monitor: session %s: %s; user timestamps instead\n",
			ms->cfg->name, ms->s.why);
		sender_session_close(&ms->s);
		err = engine_open(ms, TS_USER);
	}
	if (!err && epoll_ctl(m->epfd, EPOLL_CTL_ADD, ms->s.fd, &ev))
		err = -errno;
	if (err) {
		sender_session_close(&ms->s);
		ms->state = err == -EHOSTUNREACH ? MON_UNRESOLVED :
			    err == -ENETUNREACH ? MON_UNREACHABLE : MON_ERROR;
		ms->restarts++;
		ms->backoff_ns = ms->backoff_ns ?
				 ms->backoff_ns * 2 : RETRY_MIN_NS;
		if (ms->backoff_ns > RETRY_MAX_NS)
			ms->backoff_ns = RETRY_MAX_NS;
		ms->retry_at = now + ms->backoff_ns;
		if (old != ms->state || ms->backoff_ns == RETRY_MIN_NS)
			fprintf(stderr, "stampnl monitor: session %s: %s; retrying every %.0f s at most\n",
				ms->cfg->name, ms->s.why, RETRY_MAX_NS / 1e9);
		heap_set(m, ms, ms->retry_at);
		return;
	}
	if (old != MON_STARTING)
		fprintf(stderr, "stampnl monitor: session %s: started\n",
			ms->cfg->name);
	ms->open = true;
	ms->backoff_ns = 0;
	ms->state = MON_STARTING;
	ms->seen_icmp = 0;
	heap_set(m, ms, ms->s.deadline);
}

/*
 * The session, its ring of probes and its packets to send from, in one
 * block: one malloc header, not three, and nothing to allocate again
 * when the socket is reopened. A kept session keeps its block: its
 * configuration, hence ring and length, is the same.
 */
static struct mon_session *session_new(struct mon *m, struct mon_cfg *c,
				       uint64_t now)
{
	size_t ring = ring_size(&c->o) * sizeof(struct probe);
	struct mon_session *ms;

	ms = calloc(1, sizeof(*ms) + ring + batch_size(&c->o) * c->o.len);
	if (!ms)
		return NULL;
	ms->cfg = c;
	ms->state = MON_STARTING;
	ms->deadline = now;
	winstats_init(&ms->ws, &hist_le_default, c->o.stateful_refl);
	if (heap_add(m, ms)) {
		free(ms);
		return NULL;
	}
	return ms;
}

static void session_free(struct mon *m, struct mon_session *ms)
{
	session_close(m, ms);
	heap_del(m, ms);
	free(ms->ts_why);
	free(ms);
}

/* An ICMP error since the last look: when, for the state. */
static void note_icmp(struct mon_session *ms, uint64_t now)
{
	if (ms->s.icmp_errors != ms->seen_icmp) {
		ms->seen_icmp = ms->s.icmp_errors;
		ms->last_icmp = now;
	}
}

static void session_timer(struct mon *m, struct mon_session *ms, uint64_t now)
{
	int err;

	if (!ms->open) {
		session_try(m, ms, now);
		return;
	}
	err = sender_session_on_timer(&ms->s, now);
	note_icmp(ms, now);
	if (err) {
		fprintf(stderr, "stampnl monitor: session %s: send: %s; reopening\n",
			ms->cfg->name, strerror(-err));
		session_close(m, ms);
		ms->state = MON_ERROR;
		heap_set(m, ms, now + RETRY_MIN_NS);
		return;
	}
	heap_set(m, ms, ms->s.deadline);
}

/* ---- windows ---- */

static void window_end(struct mon *m, uint64_t now)
{
	struct ws_summary sum;
	size_t i;

	for (i = 0; i < m->nsess; i++) {
		struct mon_session *ms = m->sess[i];
		const struct mon_cfg *c = ms->cfg;
		const struct loss_acc *w;
		uint64_t done;

		winstats_roll(&ms->ws, &sum);
		w = &sum.win.loss;
		done = w->received + w->lost;
		ms->alarm_rtt = c->alarm_rtt_ms >= 0 && sum.q[WS_RTT].count &&
				sum.q[WS_RTT].mean > c->alarm_rtt_ms * 1e6;
		ms->alarm_loss = c->alarm_loss_pct >= 0 && done &&
				 100.0 * w->lost / done > c->alarm_loss_pct;
		if (m->json_lines)
			mon_json_window(m, ms, &sum, now);
	}
	if (m->json_lines)
		fflush(stdout);
	if (m->textfile)
		mon_textfile_write(m, now);
}

/* ---- (re)loading ---- */

static int by_digest(const void *x, const void *y)
{
	const struct mon_session *a = *(struct mon_session *const *)x;
	const struct mon_session *b = *(struct mon_session *const *)y;

	return (a->cfg->digest > b->cfg->digest) -
	       (a->cfg->digest < b->cfg->digest);
}

/*
 * The running session @c describes, in @old (sorted by digest, @n long)
 * and not yet @taken, or -1: a binary search, not a scan (10 000
 * sessions would be 10^8 comparisons).
 */
static ssize_t find(struct mon_session **old, const bool *taken, size_t n,
		    const struct mon_cfg *c)
{
	size_t lo = 0, hi = n, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (old[mid]->cfg->digest < c->digest)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < n && old[i]->cfg->digest == c->digest; i++)
		if (!taken[i] && mon_cfg_same(old[i]->cfg, c))
			return (ssize_t)i;
	return -1;
}

/*
 * A kept session's options point into the old file's strings: take the
 * new file's copy, but keep what the running session drew at random.
 */
static void keep_opts(const struct sender_opts *run, struct sender_opts *nw)
{
	/* the only option a parse chooses: the reflector saw this one */
	nw->ssid = run->ssid;
}

/*
 * The new set replaces the old: a session whose configuration is the same
 * in every respect is carried over (socket, ring, counters, histograms).
 */
static int apply(struct mon *m, struct mon_cfgset *nc, uint64_t now)
{
	struct mon_session **ns = calloc(nc->n ?: 1, sizeof(*ns));
	struct mon_session **old = calloc(m->nsess ?: 1, sizeof(*old));
	bool *taken = calloc(m->nsess ?: 1, sizeof(*taken));
	size_t i, kept = 0, added = 0, removed = 0;
	int err = -ENOMEM;

	if (!ns || !old || !taken)
		goto out;
	memcpy(old, m->sess, m->nsess * sizeof(*old));
	qsort(old, m->nsess, sizeof(*old), by_digest);
	/* first what is kept and what is new, nothing changed yet */
	for (i = 0; i < nc->n; i++) {
		ssize_t k = find(old, taken, m->nsess, &nc->v[i]);

		if (k >= 0) {
			taken[k] = true;
			ns[i] = old[k];
			continue;
		}
		ns[i] = session_new(m, &nc->v[i], now);
		if (!ns[i]) {
			/* the running set stays as it was */
			while (i--)
				if (ns[i]->cfg == &nc->v[i])
					session_free(m, ns[i]);
			goto out;
		}
	}
	for (i = 0; i < nc->n; i++) {
		if (ns[i]->cfg == &nc->v[i]) {
			added++;
			continue;
		}
		keep_opts(&ns[i]->cfg->o, &nc->v[i].o);
		ns[i]->cfg = &nc->v[i];
		ns[i]->s.o = &ns[i]->cfg->o;
		kept++;
	}
	for (i = 0; i < m->nsess; i++)
		if (!taken[i]) {
			session_free(m, old[i]);
			removed++;
		}
	free(m->sess);
	m->sess = ns;
	ns = NULL;
	m->nsess = nc->n;
	mon_config_free(&m->cfg);
	m->cfg = *nc;
	fprintf(stderr, "stampnl monitor: %s: %zu sessions (%zu kept, %zu started, %zu stopped)\n",
		m->path, m->nsess, kept, added, removed);
	err = 0;
out:
	free(ns);
	free(old);
	free(taken);
	return err;
}

/*
 * A socket per session: the soft limit on descriptors (often 1024) up to
 * the hard one (the unit's LimitNOFILE), and a word when even that is
 * short, since such sessions would only ever retry (state "error").
 */
static void nofile_raise(size_t sessions)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* and some for the HTTP clients, BPF and the rest */
	if (rl.rlim_cur != RLIM_INFINITY && sessions + 64 > rl.rlim_cur)
		fprintf(stderr, "stampnl monitor: %zu sessions, a socket each, but at most %llu descriptors (LimitNOFILE, ulimit -n): raise it\n",
			sessions, (unsigned long long)rl.rlim_cur);
}

static void reload(struct mon *m, uint64_t now)
{
	struct mon_cfgset nc;

	m->reloads++;
	if (!mon_config_load(m->path, &nc)) {
		nofile_raise(nc.n);
		if (!apply(m, &nc, now))
			return;
		mon_config_free(&nc);
	}
	m->reload_failures++;
	fprintf(stderr, "stampnl monitor: %s: not reloaded, the %zu running sessions go on\n",
		m->path, m->nsess);
}

/* ---- the loop ---- */

static const struct cli_opt monitor_opts[] = {
	CLI_OPT_STR("config", 'c', "FILE",
		    "the sessions, in YAML (stampnl(8), MONITOR)",
		    struct mon, path, .comp = CLI_COMP_FILE),
	CLI_OPT_STR("listen", 'L' + 256, "[ADDR:]PORT",
		    "serve /metrics over HTTP (Prometheus) there",
		    struct mon, listen),
	CLI_OPT_STR("textfile", 'T' + 256, "FILE",
		    "a Prometheus textfile, rewritten every window\n"
		    "(node_exporter), removed when the monitor stops",
		    struct mon, textfile, .comp = CLI_COMP_FILE),
	CLI_OPT_FLAG("json-lines", 'J' + 256,
		     "a JSON summary per session per window on standard output",
		     struct mon, json_lines),
	CLI_OPT_REAL("window", 'w' + 256, "S",
		     "the window, 1 to 3600 s (default 60)",
		     struct mon, window_s, 1, 3600),
	{ "check", 'C' + 256, NULL, "check the file and exit (0: it loads)" },
	{ "help", 'h', NULL, "this text" },
};

static int cmd_monitor(int argc, char **argv);

CLI_COMMAND(monitor, "-c FILE [--listen [ADDR:]PORT] [--textfile FILE] [--json-lines] [--window S]",
	    CLI_OPTS(monitor_opts),
	    .notes = "SIGHUP reloads the file; a bad file leaves the running sessions alone\n");

/* the one option the table does not store into struct mon: --check */
static int monitor_opt(int key, const char *arg, void *ctx)
{
	*(bool *)ctx = true;
	return 0;
}

static int parse_args(int argc, char **argv, struct mon *m, bool *check)
{
	int err;

	err = cli_parse_opts(&monitor_cli, argc, argv, m, monitor_opt, check);
	if (err == -ECANCELED)
		return err;
	if (!err && optind < argc)
		err = cli_error("monitor", "unexpected argument '%s'", argv[optind]);
	if (!err && !m->path)
		err = cli_error("monitor", "which sessions? give -c FILE");
	return err;
}

static int loop(struct mon *m)
{
	struct epoll_event evs[64];
	uint64_t wd_usec = 0, next_wd = 0;
	bool wd = sd_watchdog_enabled(0, &wd_usec) > 0;
	int n, i;

	m->next_window = mono_ns() + (uint64_t)(m->window_s * 1e9);
	sd_notify(0, "READY=1");
	for (;;) {
		uint64_t now = mono_ns(), until = m->next_window;
		struct timespec ts;

		while (m->nheap && m->heap[0]->deadline <= now)
			session_timer(m, m->heap[0], now);
		if (now >= m->next_window) {
			window_end(m, now);
			m->next_window += (uint64_t)(m->window_s * 1e9);
			if (m->next_window <= now)
				m->next_window = now + (uint64_t)(m->window_s * 1e9);
		}
		if (wd && now >= next_wd) {
			sd_notify(0, "WATCHDOG=1");
			next_wd = now + wd_usec * 1000 / 2;
		}
		if (m->nheap && m->heap[0]->deadline < until)
			until = m->heap[0]->deadline;
		if (wd && next_wd < until)
			until = next_wd;
		if (until > now + 1000000000ULL)
			until = now + 1000000000ULL;
		ts.tv_sec = (until - now) / 1000000000ULL;
		ts.tv_nsec = (until - now) % 1000000000ULL;
		n = epoll_pwait2(m->epfd, evs, 64, until > now ? &ts :
				 &(struct timespec){ 0 }, NULL);
		/*
		 * epoll_pwait2() is Linux 5.11+: the ms-resolution call
		 * instead when it fails (and, for any other error, repeats
		 * it for the check below)
		 */
		if (n < 0 && errno != EINTR)
			n = epoll_wait(m->epfd, evs, 64,
				       (int)((until - now + 999999) / 1000000));
		if (n < 0 && errno != EINTR) {
			perror("stampnl monitor: epoll_wait");
			return -errno;
		}
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;

			if (p == TAG_HTTP) {
				mon_http_run(m);
			} else if (p == TAG_SIG) {
				struct signalfd_siginfo si;

				while (read(m->sigfd, &si, sizeof(si)) ==
				       sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						sd_notify(0, "RELOADING=1");
						reload(m, mono_ns());
						sd_notify(0, "READY=1");
					} else if (si.ssi_signo != SIGPIPE) {
						return 0;
					}
				}
			} else {
				struct mon_session *ms = p;

				sender_session_on_readable(&ms->s);
				note_icmp(ms, now);
			}
		}
	}
}

/**
 * cmd_monitor() - `stampnl monitor -c FILE [options]`
 * @argc: argument count, argv[0] is "monitor"
 * @argv: arguments
 *
 * Return: 0 after SIGINT/SIGTERM, 2 when it cannot start.
 */
static int cmd_monitor(int argc, char **argv)
{
	struct mon m = { .window_s = 60, .epfd = -1, .sigfd = -1,
			 .http_fd = -1 };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = TAG_SIG };
	struct mon_cfgset cfg;
	bool check = false;
	size_t i;
	int err;

	err = parse_args(argc, argv, &m, &check);
	if (err)
		return err == -ECANCELED ? 0 : 2;
	if (mon_config_load(m.path, &cfg))
		return 2;
	if (check) {
		printf("%s: %zu sessions\n", m.path, cfg.n);
		mon_config_free(&cfg);
		return 0;
	}
	m.start_mono = mono_ns();
	/*
	 * A scrape of many sessions is megabytes of text, freed once sent:
	 * a fixed mmap threshold gives it back to the kernel instead of
	 * letting glibc raise the threshold and keep it in the heap.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	nofile_raise(cfg.n);
	m.sigfd = sigfd_open();
	m.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m.sigfd < 0 || m.epfd < 0 ||
	    epoll_ctl(m.epfd, EPOLL_CTL_ADD, m.sigfd, &ev)) {
		perror("stampnl monitor: signalfd/epoll");
		err = -errno;
		goto out;
	}
	if (m.listen) {
		err = mon_http_start(&m);
		if (err)
			goto out;
		ev.data.ptr = TAG_HTTP;
		if (epoll_ctl(m.epfd, EPOLL_CTL_ADD, m.http_fd, &ev)) {
			err = -errno;
			perror("stampnl monitor: epoll");
			goto out;
		}
	}
	err = apply(&m, &cfg, mono_ns());
	if (err) {
		mon_config_free(&cfg);
		goto out;
	}
	if (m.textfile)
		mon_textfile_write(&m, mono_ns());
	err = loop(&m);
	sd_notify(0, "STOPPING=1");
out:
	for (i = 0; i < m.nsess; i++)
		session_free(&m, m.sess[i]);
	free(m.sess);
	free(m.heap);
	mon_config_free(&m.cfg);
	mon_http_stop(&m);
	/* a stopped monitor's numbers would look current to node_exporter */
	if (m.textfile && unlink(m.textfile) && errno != ENOENT)
		fprintf(stderr, "stampnl monitor: %s: %s\n", m.textfile,
			strerror(errno));
	if (m.epfd >= 0)
		close(m.epfd);
	if (m.sigfd >= 0)
		close(m.sigfd);
	return err ? 2 : 0;
}
