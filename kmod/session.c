// SPDX-License-Identifier: GPL-2.0
/*
 * Stateful sessions (RFC 8762 section 4, RFC 8972 sections 3-4): one
 * struct stamp_session per (addresses, ports, SSID) in a per-namespace
 * hash table, on the pattern of WireGuard's ratelimiter.
 *
 * Locking and lifetime: lookups run in softirq under the RCU read lock
 * netfilter holds, over hlist_*_rcu chains. Inserts (from softirq when
 * sessions are created on first packet, or from netlink) and deletes take
 * table->lock with spin_lock_bh; a deleted session is freed with
 * kfree_rcu, so a reader that found it may finish with it. A session's
 * own state (its sequence counter and counters) changes under its own
 * spinlock, taken briefly in softirq. The table holds at most max
 * sessions; idle ones are collected by deferrable delayed work that runs
 * only while the table has sessions. A namespace allocates its table when
 * it first needs one (stateful mode or a provisioned session), so
 * namespaces that never use sessions cost nothing.
 */
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "stamp.h"

#define GC_PERIOD (HZ)
#define MIN_BITS 6
#define MAX_BITS 16

struct stamp_session_table {
	spinlock_t lock;		/* writers */
	siphash_key_t key;		/* per namespace, random */
	unsigned int count;
	unsigned int nwild;		/* sessions with any local address */
	unsigned int max;
	unsigned long idle;		/* jiffies before GC */
	u32 gen;			/* changes with every add and delete */
	struct delayed_work gc;
	unsigned int bits;
	struct hlist_head buckets[];
};

static u32 hash(const struct stamp_session_table *t,
		const struct stamp_session_key *k)
{
	return siphash(k, sizeof(*k), &t->key) >> (64 - t->bits);
}

static bool is_wild(const struct stamp_session_key *k)
{
	return !(k->daddr[0] | k->daddr[1] | k->daddr[2] | k->daddr[3]);
}

/**
 * stamp_session_lookup() - the session with exactly this key, under RCU
 * @t: the table
 * @k: the key (zero padding included)
 *
 * Return: the session, or NULL.
 */
struct stamp_session *stamp_session_lookup(struct stamp_session_table *t,
					   const struct stamp_session_key *k)
{
	struct stamp_session *s;

	hlist_for_each_entry_rcu(s, &t->buckets[hash(t, k)], node)
		if (!memcmp(&s->key, k, sizeof(*k)))
			return s;
	return NULL;
}

/**
 * stamp_session_find() - the session of a request, under RCU
 * @t: the table
 * @k: the request's key; its local address is cleared and restored
 *
 * A session provisioned without a local address matches a request to any
 * of them; one with the address wins.
 *
 * Return: the session, or NULL.
 */
struct stamp_session *stamp_session_find(struct stamp_session_table *t,
					 struct stamp_session_key *k)
{
	struct stamp_session *s = stamp_session_lookup(t, k);
	__be32 daddr[4];

	if (s || !READ_ONCE(t->nwild))
		return s;
	memcpy(daddr, k->daddr, sizeof(daddr));
	memset(k->daddr, 0, sizeof(k->daddr));
	s = stamp_session_lookup(t, k);
	memcpy(k->daddr, daddr, sizeof(daddr));
	return s;
}

static void link_session(struct stamp_session_table *t,
			 struct stamp_session *s)
{
	hlist_add_head_rcu(&s->node, &t->buckets[hash(t, &s->key)]);
	t->gen++;
	t->nwild += is_wild(&s->key);
	if (!t->count++)
		queue_delayed_work(system_power_efficient_wq, &t->gc,
				   GC_PERIOD);
}

static struct stamp_session *session_new(const struct stamp_session_key *k,
					 gfp_t gfp)
{
	struct stamp_session *s = kzalloc(sizeof(*s), gfp);

	if (!s)
		return NULL;
	s->key = *k;
	spin_lock_init(&s->lock);
	s->last_seen = jiffies;
	return s;
}

/**
 * stamp_session_add() - a session for a request, created if the table has
 *			 room
 * @t: the table
 * @k: its key
 * @gfp: GFP_ATOMIC from softirq
 *
 * Return: the session (an existing one with the same key wins a race),
 * or ERR_PTR(-ENOSPC) when full, ERR_PTR(-ENOMEM).
 */
struct stamp_session *stamp_session_add(struct stamp_session_table *t,
					const struct stamp_session_key *k,
					gfp_t gfp)
{
	struct stamp_session *s, *old;

	/* cheap refusal first: a full table under a flood stays cheap */
	if (READ_ONCE(t->count) >= READ_ONCE(t->max)) {
		rcu_read_lock();
		old = stamp_session_lookup(t, k);
		rcu_read_unlock();
		return old ?: ERR_PTR(-ENOSPC);
	}
	s = session_new(k, gfp);
	if (!s)
		return ERR_PTR(-ENOMEM);
	spin_lock_bh(&t->lock);
	old = stamp_session_lookup(t, k);
	if (old || t->count >= t->max) {
		spin_unlock_bh(&t->lock);
		kfree(s);
		return old ?: ERR_PTR(-ENOSPC);
	}
	link_session(t, s);
	spin_unlock_bh(&t->lock);
	return s;
}

/**
 * stamp_session_provision() - a session the operator asked for
 * @t: the table
 * @k: its key; a zero local address means any
 * @hmac_key: its own HMAC key, or NULL for the namespace's default;
 *	      the table owns it from now on, even on error
 *
 * A session created on first packet with the same key becomes provisioned
 * (and keeps its counters).
 *
 * Return: 0, -EEXIST when already provisioned, -ENOSPC, -ENOMEM.
 */
int stamp_session_provision(struct stamp_session_table *t,
			    const struct stamp_session_key *k,
			    struct stamp_key *hmac_key)
{
	struct stamp_session *s, *old;
	int err = 0;

	s = session_new(k, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->provisioned = true;
	RCU_INIT_POINTER(s->hmac_key, hmac_key);
	spin_lock_bh(&t->lock);
	old = stamp_session_lookup(t, k);
	if (old && old->provisioned) {
		err = -EEXIST;
	} else if (old) {
		old->provisioned = true;
		hmac_key = rcu_replace_pointer(old->hmac_key, hmac_key,
					       lockdep_is_held(&t->lock));
		t->gen++;
	} else if (t->count >= t->max) {
		err = -ENOSPC;
	} else {
		link_session(t, s);
		s = NULL;
		hmac_key = NULL;
	}
	spin_unlock_bh(&t->lock);
	stamp_key_free(hmac_key);
	kfree(s);
	return err;
}

static void unlink_session(struct stamp_session_table *t,
			   struct stamp_session *s)
{
	hlist_del_rcu(&s->node);
	t->count--;
	t->nwild -= is_wild(&s->key);
	t->gen++;
	stamp_key_free(rcu_dereference_protected(s->hmac_key, true));
	kfree_rcu(s, rcu);
}

/**
 * stamp_session_del() - remove a session
 * @t: the table
 * @k: its key
 *
 * Return: 0, or -ENOENT.
 */
int stamp_session_del(struct stamp_session_table *t,
		      const struct stamp_session_key *k)
{
	struct stamp_session *s;
	int err = -ENOENT;

	spin_lock_bh(&t->lock);
	s = stamp_session_lookup(t, k);
	if (s) {
		unlink_session(t, s);
		err = 0;
	}
	spin_unlock_bh(&t->lock);
	return err;
}

/**
 * stamp_session_at() - walk the table for a dump, under RCU
 * @t: the table
 * @bucket: cursor: the bucket
 * @idx: cursor: the position in it
 *
 * Return: the session at the cursor, moving the cursor past it, or NULL
 * at the end.
 */
struct stamp_session *stamp_session_at(struct stamp_session_table *t,
				       unsigned long *bucket,
				       unsigned long *idx)
{
	struct stamp_session *s;
	unsigned long i;

	for (; *bucket < (1UL << t->bits); (*bucket)++, *idx = 0) {
		i = 0;
		hlist_for_each_entry_rcu(s, &t->buckets[*bucket], node) {
			if (i++ == *idx) {
				(*idx)++;
				return s;
			}
		}
	}
	return NULL;
}

/**
 * stamp_session_count() - sessions now
 * @t: the table
 *
 * Return: the count.
 */
unsigned int stamp_session_count(const struct stamp_session_table *t)
{
	return READ_ONCE(t->count);
}

/**
 * stamp_session_gen() - a number that changes when sessions come or go
 * @t: the table
 *
 * Return: the generation, for dump consistency checks.
 */
u32 stamp_session_gen(const struct stamp_session_table *t)
{
	return READ_ONCE(t->gen);
}

static void gc(struct work_struct *work)
{
	struct stamp_session_table *t =
		container_of(to_delayed_work(work), struct stamp_session_table,
			     gc);
	unsigned long idle = READ_ONCE(t->idle);
	struct stamp_session *s;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < (1U << t->bits); i++) {
		spin_lock_bh(&t->lock);
		hlist_for_each_entry_safe(s, tmp, &t->buckets[i], node)
			if (!s->provisioned &&
			    time_after(jiffies, READ_ONCE(s->last_seen) + idle))
				unlink_session(t, s);
		spin_unlock_bh(&t->lock);
	}
	/* runs only while there is something to collect */
	spin_lock_bh(&t->lock);
	if (t->count)
		queue_delayed_work(system_power_efficient_wq, &t->gc,
				   GC_PERIOD);
	spin_unlock_bh(&t->lock);
}

/**
 * stamp_session_table_set_limits() - change the maximum and idle time
 * @t: the table
 * @max: most sessions; a lower maximum than the count refuses new ones
 * @idle_s: seconds before a created session idles out
 */
void stamp_session_table_set_limits(struct stamp_session_table *t,
				    unsigned int max, unsigned int idle_s)
{
	WRITE_ONCE(t->max, max);
	WRITE_ONCE(t->idle, (unsigned long)idle_s * HZ);
}

/**
 * stamp_session_table_alloc() - an empty table for a namespace
 * @max: most sessions it holds; sizes the buckets
 * @idle_s: seconds without traffic before a session created on first
 *	    packet is collected (provisioned ones stay)
 *
 * Return: the table, or NULL.
 */
struct stamp_session_table *stamp_session_table_alloc(unsigned int max,
						      unsigned int idle_s)
{
	unsigned int bits = clamp_t(unsigned int, order_base_2(max / 4 + 1),
				    MIN_BITS, MAX_BITS);
	struct stamp_session_table *t;

	t = kvzalloc(struct_size(t, buckets, 1U << bits), GFP_KERNEL);
	if (!t)
		return NULL;
	t->bits = bits;
	spin_lock_init(&t->lock);
	get_random_bytes(&t->key, sizeof(t->key));
	stamp_session_table_set_limits(t, max, idle_s);
	INIT_DEFERRABLE_WORK(&t->gc, gc);
	return t;
}

/**
 * stamp_session_table_free() - remove every session and the table
 * @t: the table, no longer reachable by readers that could start now
 */
void stamp_session_table_free(struct stamp_session_table *t)
{
	struct stamp_session *s;
	struct hlist_node *tmp;
	unsigned int i;

	if (!t)
		return;
	cancel_delayed_work_sync(&t->gc);
	spin_lock_bh(&t->lock);
	for (i = 0; i < (1U << t->bits); i++)
		hlist_for_each_entry_safe(s, tmp, &t->buckets[i], node)
			unlink_session(t, s);
	spin_unlock_bh(&t->lock);
	kvfree(t);
}

/**
 * stamp_sessions_get() - the namespace's table, allocated on first use
 * @sn: the namespace; caller holds sn->cfg_lock
 *
 * Return: the table, or NULL without memory.
 */
struct stamp_session_table *stamp_sessions_get(struct stamp_net *sn)
{
	struct stamp_session_table *t;
	const struct stamp_cfg *cfg;

	t = rcu_dereference_protected(sn->sessions,
				      lockdep_is_held(&sn->cfg_lock));
	if (t)
		return t;
	cfg = rcu_dereference_protected(sn->cfg,
					lockdep_is_held(&sn->cfg_lock));
	t = stamp_session_table_alloc(cfg->max_sessions, cfg->session_idle_s);
	if (t)
		rcu_assign_pointer(sn->sessions, t);
	return t;
}

/**
 * stamp_sessions_work() - allocate a namespace's table from process context
 * @work: stamp_net.sessions_work
 *
 * Queued from softirq when a stateless namespace without a table sees a
 * Direct Measurement TLV: the table is too large to allocate there.
 */
void stamp_sessions_work(struct work_struct *work)
{
	struct stamp_net *sn = container_of(work, struct stamp_net,
					    sessions_work);

	mutex_lock(&sn->cfg_lock);
	stamp_sessions_get(sn);
	mutex_unlock(&sn->cfg_lock);
}

#ifdef STAMP_KUNIT
#include "session_kunit.c"
#endif
