// SPDX-License-Identifier: GPL-2.0
/*
 * The subagent's view of the reflector: configuration, counters and
 * sessions read over netlink with stampnl's own code (nl.c, reflector.c,
 * counters.c, session.c), at most once per cache period, like net-snmp's
 * cache handler. The family is resolved again on every refresh, so an
 * unloaded module shows as absent and a reloaded one (a new family id)
 * is found again. Single-threaded: the agent's loop calls in here.
 */
#include "agentx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"

/**
 * refresher_init() - nothing read yet
 * @r: the refresher
 * @cache_ms: how long one reading answers requests
 *
 * Return: 0 or -ENOMEM.
 */
int refresher_init(struct refresher *r, unsigned int cache_ms)
{
	memset(r, 0, sizeof(*r));
	r->cache_ms = cache_ms;
	r->s.val = calloc(stats_nval(), sizeof(*r->s.val));
	return r->s.val ? 0 : -ENOMEM;
}

static void free_sessions(struct snap *s)
{
	free(s->sess.v);
	free(s->sess_idx);
	memset(&s->sess, 0, sizeof(s->sess));
	s->sess_idx = NULL;
}

/**
 * refresher_free() - release the socket and the last reading
 * @r: the refresher
 */
void refresher_free(struct refresher *r)
{
	if (r->nl.sk)
		nlctx_close(&r->nl);
	free_sessions(&r->s);
	free(r->s.val);
	r->s.val = NULL;
}

/* KstampAddress in an index: its length, then its octets */
static size_t put_addr(oid *o, const struct nladdr *a)
{
	size_t n = 0;
	int i;

	o[n++] = a->len;
	for (i = 0; i < a->len; i++)
		o[n++] = a->a[i];
	return n;
}

/* the session table's INDEX clause, in order */
static size_t sess_index(const struct sess *s, oid *o)
{
	size_t n = 0;

	n += put_addr(o + n, &s->peer);
	o[n++] = s->peer_port;
	n += put_addr(o + n, &s->local);
	o[n++] = s->port;
	o[n++] = s->ssid;
	return n;
}

struct sess_sort {
	struct sess_idx idx;
	size_t i;
};

static int cmp_sess(const void *a, const void *b)
{
	const struct sess_sort *x = a, *y = b;

	return snmp_oid_compare(x->idx.o, x->idx.len, y->idx.o, y->idx.len);
}

/* GETNEXT walks rows in index order: sort the dump by it once. */
static int sort_sessions(struct snap *s)
{
	size_t n = s->sess.n, i;
	struct sess_sort *t;
	struct sess *v;

	s->sess_idx = calloc(n ? n : 1, sizeof(*s->sess_idx));
	t = calloc(n ? n : 1, sizeof(*t));
	v = calloc(n ? n : 1, sizeof(*v));
	if (!s->sess_idx || !t || !v) {
		free(t);
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		t[i].idx.len = sess_index(&s->sess.v[i], t[i].idx.o);
		t[i].i = i;
	}
	qsort(t, n, sizeof(*t), cmp_sess);
	for (i = 0; i < n; i++) {
		v[i] = s->sess.v[t[i].i];
		s->sess_idx[i] = t[i].idx;
	}
	free(s->sess.v);
	s->sess.v = v;
	s->sess.cap = n;
	free(t);
	return 0;
}

static unsigned long elapsed_ms(const struct timespec *a,
				const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 +
	       (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void set_absent(struct refresher *r, const char *why)
{
	if (r->s.present || !r->valid)
		snmp_log(LOG_NOTICE, "kstamp-agentx: reflector absent: %s\n",
			 why);
	r->s.present = false;
	free_sessions(&r->s);
}

/*
 * One reading: configuration, then sessions, then the totals (as
 * `stampnl stats` does, so that a session never counts more than rx).
 */
static void refresh(struct refresher *r)
{
	struct snap *s = &r->s;
	struct sess_list l = { 0 };
	uint64_t *val;
	size_t i;
	int err;

	if (!r->nl.sk && nlctx_connect(&r->nl)) {
		set_absent(r, "no netlink socket");
		return;
	}
	if (nlctx_resolve(&r->nl)) {
		set_absent(r, "no \"stamp\" netlink family (stamp_refl not loaded)");
		return;
	}
	val = calloc(stats_nval(), sizeof(*val));
	if (!val) {
		set_absent(r, "out of memory");
		return;
	}
	err = refl_cfg_get(&r->nl, &s->cfg);
	if (!err)
		err = session_dump(&r->nl, &l);
	if (!err)
		err = stats_get(&r->nl, val);
	if (err) {
		free(l.v);
		free(val);
		set_absent(r, strerror(-err));
		return;
	}
	/*
	 * Counter64 discontinuities: the module came back (loaded again), or
	 * a counter went backwards (reloaded between two readings).
	 */
	if (!s->present && r->ever_present)
		s->discontinuity = netsnmp_get_agent_uptime();
	for (i = 0; s->present && i < stats_nval(); i++)
		if (val[i] < s->val[i] && i != stamp_ncounters)
			s->discontinuity = netsnmp_get_agent_uptime();
	if (!s->present)
		snmp_log(LOG_NOTICE, "kstamp-agentx: reflector present\n");
	free(s->val);
	s->val = val;
	free_sessions(s);
	s->sess = l;
	if (sort_sessions(s)) {
		free_sessions(s);
		snmp_log(LOG_ERR, "kstamp-agentx: out of memory for %zu sessions\n",
			 l.n);
	}
	s->present = true;
	r->ever_present = true;
}

/**
 * refresher_get() - the reading, refreshed when older than the cache period
 * @r: the refresher
 *
 * Return: the snapshot; valid until the next call.
 */
const struct snap *refresher_get(struct refresher *r)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!r->valid || elapsed_ms(&r->last, &now) >= r->cache_ms) {
		refresh(r);
		r->last = now;
		r->valid = true;
	}
	return &r->s;
}
