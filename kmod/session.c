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
 * sessions; idle ones are collected by deferrable delayed work, which is
 * cancelled before the table goes (stamp_session_table_free: cancel, then
 * flush, then free under rcu_barrier by the caller).
 */
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "stamp.h"

#define TABLE_BITS 12
#define GC_PERIOD (HZ)

struct stamp_session_table {
	struct hlist_head buckets[1 << TABLE_BITS];
	spinlock_t lock;		/* writers */
	siphash_key_t key;		/* per namespace, random */
	unsigned int count;
	unsigned int max;
	unsigned long idle;		/* jiffies before GC */
	struct delayed_work gc;
};

static u32 hash(const struct stamp_session_table *t,
		const struct stamp_session_key *k)
{
	return siphash(k, sizeof(*k), &t->key) >> (64 - TABLE_BITS);
}

/**
 * stamp_session_lookup() - the session of a request, under RCU
 * @t: the table
 * @k: the request's addresses, ports and SSID (zero padding included)
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
 * stamp_session_add() - a new session, if the table has room
 * @t: the table
 * @k: its key
 * @gfp: GFP_ATOMIC from softirq, GFP_KERNEL from netlink
 *
 * Return: the session (an existing one with the same key wins a race),
 * or ERR_PTR(-ENOSPC) when full, ERR_PTR(-ENOMEM).
 */
struct stamp_session *stamp_session_add(struct stamp_session_table *t,
					const struct stamp_session_key *k,
					gfp_t gfp)
{
	struct stamp_session *s, *old;

	s = kzalloc(sizeof(*s), gfp);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->key = *k;
	spin_lock_init(&s->lock);
	s->last_seen = jiffies;

	spin_lock_bh(&t->lock);
	old = stamp_session_lookup(t, k);
	if (old || t->count >= t->max) {
		spin_unlock_bh(&t->lock);
		kfree(s);
		return old ?: ERR_PTR(-ENOSPC);
	}
	hlist_add_head_rcu(&s->node, &t->buckets[hash(t, k)]);
	t->count++;
	spin_unlock_bh(&t->lock);
	return s;
}

static void unlink_session(struct stamp_session_table *t,
			   struct stamp_session *s)
{
	hlist_del_rcu(&s->node);
	t->count--;
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

static void gc(struct work_struct *work)
{
	struct stamp_session_table *t =
		container_of(to_delayed_work(work), struct stamp_session_table,
			     gc);
	struct stamp_session *s;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t->buckets); i++) {
		spin_lock_bh(&t->lock);
		hlist_for_each_entry_safe(s, tmp, &t->buckets[i], node)
			if (!s->provisioned &&
			    time_after(jiffies, READ_ONCE(s->last_seen) + t->idle))
				unlink_session(t, s);
		spin_unlock_bh(&t->lock);
	}
	queue_delayed_work(system_power_efficient_wq, &t->gc, GC_PERIOD);
}

/**
 * stamp_session_table_alloc() - an empty table for a namespace
 * @max: most sessions it holds
 * @idle_s: seconds without traffic before a session created on first
 *	    packet is collected (provisioned ones stay)
 *
 * Return: the table, or NULL.
 */
struct stamp_session_table *stamp_session_table_alloc(unsigned int max,
						      unsigned int idle_s)
{
	struct stamp_session_table *t = kvzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	spin_lock_init(&t->lock);
	get_random_bytes(&t->key, sizeof(t->key));
	t->max = max;
	t->idle = idle_s * HZ;
	INIT_DEFERRABLE_WORK(&t->gc, gc);
	queue_delayed_work(system_power_efficient_wq, &t->gc, GC_PERIOD);
	return t;
}

/**
 * stamp_session_table_free() - remove every session and the table
 * @t: the table, no longer reachable by readers that could start now
 *
 * The caller waits for RCU (rcu_barrier) before the module goes.
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
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++)
		hlist_for_each_entry_safe(s, tmp, &t->buckets[i], node)
			unlink_session(t, s);
	spin_unlock_bh(&t->lock);
	synchronize_rcu();
	kvfree(t);
}

#ifdef STAMP_KUNIT
#include "session_kunit.c"
#endif
