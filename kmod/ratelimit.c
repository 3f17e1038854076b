// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source rate limiting, on the pattern of WireGuard's ratelimiter: a
 * token bucket per source address (an IPv6 source is its /64, which one
 * host usually owns whole) in a hash table with a random siphash key, so
 * chosen sources cannot pile into one bucket. The table is bounded; when
 * it is full, new sources are refused until idle entries go, which keeps
 * a spoofed flood from growing memory. Entries idle for a second hold a
 * full bucket and are collected by deferrable work that runs only while
 * the table has entries.
 *
 * Tokens are nanoseconds of credit: a request costs NSEC_PER_SEC / rate,
 * and a bucket holds at most burst requests' worth.
 */
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "stamp.h"

#define RL_BITS 10
#define RL_MAX_ENTRIES 8192
#define RL_GC_PERIOD HZ

struct rl_entry {
	struct hlist_node node;
	__be32 addr[2];		/* IPv4 in [0]; IPv6 /64 */
	u8 family;
	spinlock_t lock;	/* tokens, last */
	u64 tokens;
	u64 last;		/* ktime_get_ns() */
	struct rcu_head rcu;
};

struct stamp_ratelimit {
	struct hlist_head buckets[1 << RL_BITS];
	spinlock_t lock;	/* writers */
	siphash_key_t key;
	unsigned int count;
	struct delayed_work gc;
};

static u32 rl_hash(const struct stamp_ratelimit *rl, u8 family,
		   const __be32 *addr)
{
	return siphash_3u32(family, (__force u32)addr[0],
			    (__force u32)addr[1], &rl->key) >> (64 - RL_BITS);
}

static struct rl_entry *rl_lookup(struct stamp_ratelimit *rl, u32 h,
				  u8 family, const __be32 *addr)
{
	struct rl_entry *e;

	hlist_for_each_entry_rcu(e, &rl->buckets[h], node)
		if (e->family == family && e->addr[0] == addr[0] &&
		    e->addr[1] == addr[1])
			return e;
	return NULL;
}

static struct rl_entry *rl_add(struct stamp_ratelimit *rl, u32 h, u8 family,
			       const __be32 *addr, u64 now, u64 full)
{
	struct rl_entry *e, *old;

	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return NULL;
	e->family = family;
	e->addr[0] = addr[0];
	e->addr[1] = addr[1];
	spin_lock_init(&e->lock);
	e->tokens = full;
	e->last = now;

	spin_lock(&rl->lock);
	old = rl_lookup(rl, h, family, addr);
	if (old || rl->count >= RL_MAX_ENTRIES) {
		spin_unlock(&rl->lock);
		kfree(e);
		return old;
	}
	hlist_add_head_rcu(&e->node, &rl->buckets[h]);
	if (!rl->count++)
		queue_delayed_work(system_power_efficient_wq, &rl->gc,
				   RL_GC_PERIOD);
	spin_unlock(&rl->lock);
	return e;
}

/**
 * stamp_ratelimit_allow() - take a request's tokens from its source
 * @rl: the namespace's limiter
 * @cfg: the configuration (rate_limit, rate_burst)
 * @family: AF_INET or AF_INET6
 * @saddr: the source address (4 or 16 octets)
 *
 * Softirq, under the RCU read lock.
 *
 * Return: whether the request may be answered.
 */
bool stamp_ratelimit_allow(struct stamp_ratelimit *rl,
			   const struct stamp_cfg *cfg, u8 family,
			   const __be32 *saddr)
{
	__be32 addr[2] = { saddr[0], family == AF_INET6 ? saddr[1] : 0 };
	u64 cost, full, now;
	struct rl_entry *e;
	bool ok;
	u32 h;

	if (!cfg->rate_limit)
		return true;
	cost = NSEC_PER_SEC / cfg->rate_limit;
	full = cost * max_t(u32, cfg->rate_burst, 1);
	now = ktime_get_ns();
	h = rl_hash(rl, family, addr);
	e = rl_lookup(rl, h, family, addr);
	if (!e) {
		e = rl_add(rl, h, family, addr, now, full);
		if (!e)
			return false;
	}
	spin_lock(&e->lock);
	/* another CPU's clock read may be a little ahead of ours */
	if (now > e->last) {
		e->tokens = min(full, e->tokens + (now - e->last));
		e->last = now;
	}
	ok = e->tokens >= cost;
	if (ok)
		e->tokens -= cost;
	spin_unlock(&e->lock);
	return ok;
}

static void rl_gc(struct work_struct *work)
{
	struct stamp_ratelimit *rl =
		container_of(to_delayed_work(work), struct stamp_ratelimit, gc);
	u64 stale = ktime_get_ns() - NSEC_PER_SEC;
	struct hlist_node *tmp;
	struct rl_entry *e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rl->buckets); i++) {
		spin_lock_bh(&rl->lock);
		hlist_for_each_entry_safe(e, tmp, &rl->buckets[i], node) {
			if ((s64)(READ_ONCE(e->last) - stale) > 0)
				continue;
			hlist_del_rcu(&e->node);
			rl->count--;
			kfree_rcu(e, rcu);
		}
		spin_unlock_bh(&rl->lock);
	}
	spin_lock_bh(&rl->lock);
	if (rl->count)
		queue_delayed_work(system_power_efficient_wq, &rl->gc,
				   RL_GC_PERIOD);
	spin_unlock_bh(&rl->lock);
}

/**
 * stamp_ratelimit_alloc() - an empty limiter for a namespace
 *
 * Return: the limiter or NULL.
 */
struct stamp_ratelimit *stamp_ratelimit_alloc(void)
{
	struct stamp_ratelimit *rl = kvzalloc(sizeof(*rl), GFP_KERNEL);

	if (!rl)
		return NULL;
	spin_lock_init(&rl->lock);
	get_random_bytes(&rl->key, sizeof(rl->key));
	INIT_DEFERRABLE_WORK(&rl->gc, rl_gc);
	return rl;
}

/**
 * stamp_ratelimit_free() - free a limiter no reader can reach any more
 * @rl: the limiter
 */
void stamp_ratelimit_free(struct stamp_ratelimit *rl)
{
	struct hlist_node *tmp;
	struct rl_entry *e;
	unsigned int i;

	if (!rl)
		return;
	/* the hooks are gone, so nothing re-queues it */
	cancel_delayed_work_sync(&rl->gc);
	for (i = 0; i < ARRAY_SIZE(rl->buckets); i++)
		hlist_for_each_entry_safe(e, tmp, &rl->buckets[i], node)
			kfree_rcu(e, rcu);
	kvfree(rl);
}

#ifdef STAMP_KUNIT
#include "ratelimit_kunit.c"
#endif
