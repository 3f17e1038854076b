// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite stamp_ratelimit: token buckets per source (IPv4 address,
 * IPv6 /64), refill, no limit, a full table refusing new sources, and
 * idle collection. Included by ratelimit.c with STAMP_KUNIT=1. Calls run
 * with BHs off, as the hook does.
 */
#include <kunit/test.h>

static bool allow(struct stamp_ratelimit *rl, const struct stamp_cfg *cfg,
		  u8 family, const __be32 *a)
{
	bool ok;

	local_bh_disable();
	ok = stamp_ratelimit_allow(rl, cfg, family, a);
	local_bh_enable();
	return ok;
}

static unsigned int burst_of(struct stamp_ratelimit *rl,
			     const struct stamp_cfg *cfg, u8 family,
			     const __be32 *a)
{
	unsigned int n = 0;

	while (n < 1000 && allow(rl, cfg, family, a))
		n++;
	return n;
}

/* Pretend an entry's source was last seen @ns earlier. */
static void age(struct stamp_ratelimit *rl, u8 family, const __be32 *a,
		u64 ns)
{
	__be32 k[2] = { a[0], family == AF_INET6 ? a[1] : 0 };
	struct rl_entry *e;

	rcu_read_lock();
	e = rl_lookup(rl, rl_hash(rl, family, k), family, k);
	if (e)
		e->last -= ns;
	rcu_read_unlock();
}

static void stamp_ratelimit_buckets(struct kunit *test)
{
	struct stamp_ratelimit *rl = stamp_ratelimit_alloc();
	struct stamp_cfg cfg = { .rate_limit = 10, .rate_burst = 5 };
	__be32 a4[4] = { htonl(0x0a000001) }, b4[4] = { htonl(0x0a000002) };
	__be32 a6[4] = { htonl(0xfd000000), 0, 0, htonl(1) };
	__be32 a6b[4] = { htonl(0xfd000000), 0, 0, htonl(2) };
	__be32 c6[4] = { htonl(0xfd000000), htonl(1), 0, htonl(1) };

	KUNIT_ASSERT_NOT_NULL(test, rl);
	KUNIT_EXPECT_EQ(test, burst_of(rl, &cfg, AF_INET, a4), 5U);
	KUNIT_EXPECT_FALSE(test, allow(rl, &cfg, AF_INET, a4));
	/* another source has its own bucket */
	KUNIT_EXPECT_EQ(test, burst_of(rl, &cfg, AF_INET, b4), 5U);
	/* an IPv6 /64 is one source */
	KUNIT_EXPECT_EQ(test, burst_of(rl, &cfg, AF_INET6, a6), 5U);
	KUNIT_EXPECT_FALSE(test, allow(rl, &cfg, AF_INET6, a6b));
	KUNIT_EXPECT_EQ(test, burst_of(rl, &cfg, AF_INET6, c6), 5U);
	/* 0.3 s at 10/s buys three requests, never more than the burst */
	age(rl, AF_INET, a4, 300 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, burst_of(rl, &cfg, AF_INET, a4), 3U);
	age(rl, AF_INET, a4, 2 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, burst_of(rl, &cfg, AF_INET, a4), 5U);
	/* no limit */
	cfg.rate_limit = 0;
	KUNIT_EXPECT_EQ(test, burst_of(rl, &cfg, AF_INET, a4), 1000U);
	stamp_ratelimit_free(rl);
}

static void stamp_ratelimit_full_and_gc(struct kunit *test)
{
	struct stamp_ratelimit *rl = stamp_ratelimit_alloc();
	struct stamp_cfg cfg = { .rate_limit = 1000, .rate_burst = 10 };
	struct hlist_node *tmp;
	struct rl_entry *e;
	__be32 a[4] = {};
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, rl);
	for (i = 0; i < RL_MAX_ENTRIES; i++) {
		a[0] = htonl(0x0b000000 + i);
		KUNIT_ASSERT_TRUE(test, allow(rl, &cfg, AF_INET, a));
	}
	KUNIT_EXPECT_EQ(test, rl->count, RL_MAX_ENTRIES);
	/* full: a new source is refused, a known one still served */
	a[0] = htonl(0x0c000000);
	KUNIT_EXPECT_FALSE(test, allow(rl, &cfg, AF_INET, a));
	a[0] = htonl(0x0b000000);
	KUNIT_EXPECT_TRUE(test, allow(rl, &cfg, AF_INET, a));

	/* entries quiet for over a second go; the rest stay */
	cancel_delayed_work_sync(&rl->gc);
	for (i = 0; i < ARRAY_SIZE(rl->buckets); i++)
		hlist_for_each_entry_safe(e, tmp, &rl->buckets[i], node)
			if (ntohl(e->addr[0]) != 0x0b000000)
				e->last -= 2 * NSEC_PER_SEC;
	rl_gc(&rl->gc.work);
	KUNIT_EXPECT_EQ(test, rl->count, 1U);
	a[0] = htonl(0x0c000000);
	KUNIT_EXPECT_TRUE(test, allow(rl, &cfg, AF_INET, a));
	stamp_ratelimit_free(rl);
}

static struct kunit_case stamp_ratelimit_cases[] = {
	KUNIT_CASE(stamp_ratelimit_buckets),
	KUNIT_CASE(stamp_ratelimit_full_and_gc),
	{}
};

static struct kunit_suite stamp_ratelimit_suite = {
	.name = "stamp_ratelimit",
	.test_cases = stamp_ratelimit_cases,
};

kunit_test_suite(stamp_ratelimit_suite);
