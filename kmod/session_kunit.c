// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite stamp_session: the session table's insert, lookup, full,
 * delete and idle collection. Included by session.c with STAMP_KUNIT=1,
 * so it can run the collector directly instead of waiting for its work.
 */
#include <kunit/test.h>

static struct stamp_session_key key_n(u16 n)
{
	struct stamp_session_key k = { .family = AF_INET,
				       .sport = htons(40000 + n),
				       .dport = htons(862), .ssid = n };

	k.saddr[0] = htonl(0x0a000001);
	k.daddr[0] = htonl(0x0a000002);
	return k;
}

static void stamp_session_full_and_lookup(struct kunit *test)
{
	struct stamp_session_table *t = stamp_session_table_alloc(3, 60);
	struct stamp_session_key k;
	struct stamp_session *s[3];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < 3; i++) {
		k = key_n(i);
		s[i] = stamp_session_add(t, &k, GFP_KERNEL);
		KUNIT_EXPECT_FALSE(test, IS_ERR(s[i]));
	}
	k = key_n(9);
	KUNIT_EXPECT_EQ(test, PTR_ERR(stamp_session_add(t, &k, GFP_KERNEL)),
			-ENOSPC);
	/* the same key again is the same session, even when full */
	k = key_n(1);
	KUNIT_EXPECT_PTR_EQ(test, stamp_session_add(t, &k, GFP_KERNEL), s[1]);
	rcu_read_lock();
	for (i = 0; i < 3; i++) {
		k = key_n(i);
		KUNIT_EXPECT_PTR_EQ(test, stamp_session_lookup(t, &k), s[i]);
	}
	/* one field apart is another session: the SSID */
	k = key_n(0);
	k.ssid = 7;
	KUNIT_EXPECT_NULL(test, stamp_session_lookup(t, &k));
	rcu_read_unlock();

	k = key_n(1);
	KUNIT_EXPECT_EQ(test, stamp_session_del(t, &k), 0);
	KUNIT_EXPECT_EQ(test, stamp_session_del(t, &k), -ENOENT);
	k = key_n(9);
	KUNIT_EXPECT_FALSE(test, IS_ERR(stamp_session_add(t, &k, GFP_KERNEL)));
	stamp_session_table_free(t);
}

static void stamp_session_idle_gc(struct kunit *test)
{
	struct stamp_session_table *t = stamp_session_table_alloc(8, 0);
	struct stamp_session_key a = key_n(1), b = key_n(2);
	struct stamp_session *sa, *sb;

	KUNIT_ASSERT_NOT_NULL(test, t);
	sa = stamp_session_add(t, &a, GFP_KERNEL);
	sb = stamp_session_add(t, &b, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa) || IS_ERR(sb));
	sb->provisioned = true;
	WRITE_ONCE(sa->last_seen, jiffies - 2);
	WRITE_ONCE(sb->last_seen, jiffies - 2);
	cancel_delayed_work_sync(&t->gc);
	gc(&t->gc.work);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, stamp_session_lookup(t, &a));
	KUNIT_EXPECT_PTR_EQ(test, stamp_session_lookup(t, &b), sb);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, t->count, 1U);
	stamp_session_table_free(t);
}

static void stamp_session_provisioned(struct kunit *test)
{
	struct stamp_session_table *t = stamp_session_table_alloc(8, 60);
	struct stamp_session_key wild = key_n(1), k = key_n(1), other = key_n(2);
	const struct stamp_session_key k1 = key_n(1);
	struct stamp_session *learned, *s;
	u32 gen;

	KUNIT_ASSERT_NOT_NULL(test, t);
	memset(wild.daddr, 0, sizeof(wild.daddr));
	gen = stamp_session_gen(t);
	KUNIT_EXPECT_EQ(test, stamp_session_provision(t, &wild, NULL), 0);
	KUNIT_EXPECT_NE(test, stamp_session_gen(t), gen);
	KUNIT_EXPECT_EQ(test, stamp_session_provision(t, &wild, NULL), -EEXIST);

	rcu_read_lock();
	/* any local address matches the wildcard, and the key comes back */
	s = stamp_session_find(t, &k);
	KUNIT_EXPECT_NOT_NULL(test, s);
	KUNIT_EXPECT_TRUE(test, s && s->provisioned);
	KUNIT_EXPECT_EQ(test, memcmp(&k, &k1, sizeof(k)), 0);
	/* another SSID or port does not */
	KUNIT_EXPECT_NULL(test, stamp_session_find(t, &other));
	rcu_read_unlock();

	/* an exact session wins over the wildcard */
	learned = stamp_session_add(t, &k, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(learned));
	learned->seq = 42;
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, stamp_session_find(t, &k), learned);
	rcu_read_unlock();
	/* provisioning a learned session keeps it, and its count */
	KUNIT_EXPECT_EQ(test, stamp_session_provision(t, &k, NULL), 0);
	KUNIT_EXPECT_TRUE(test, learned->provisioned);
	KUNIT_EXPECT_EQ(test, learned->seq, 42U);
	KUNIT_EXPECT_EQ(test, stamp_session_count(t), 2U);
	stamp_session_table_free(t);
}

static void stamp_session_walk(struct kunit *test)
{
	struct stamp_session_table *t = stamp_session_table_alloc(300, 60);
	unsigned long bucket = 0, idx = 0, seen = 0;
	struct stamp_session_key k;
	struct stamp_session *s;
	DECLARE_BITMAP(found, 300);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	bitmap_zero(found, 300);
	for (i = 0; i < 300; i++) {
		k = key_n(i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(stamp_session_add(t, &k,
								  GFP_KERNEL)));
	}
	/* the dump cursor visits every session exactly once */
	rcu_read_lock();
	while ((s = stamp_session_at(t, &bucket, &idx))) {
		KUNIT_EXPECT_FALSE(test, test_and_set_bit(s->key.ssid, found));
		seen++;
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, seen, 300UL);
	KUNIT_EXPECT_EQ(test, bitmap_weight(found, 300), 300U);
	stamp_session_table_free(t);
}

static struct kunit_case stamp_session_cases[] = {
	KUNIT_CASE(stamp_session_full_and_lookup),
	KUNIT_CASE(stamp_session_idle_gc),
	KUNIT_CASE(stamp_session_provisioned),
	KUNIT_CASE(stamp_session_walk),
	{}
};

static struct kunit_suite stamp_session_suite = {
	.name = "stamp_session",
	.test_cases = stamp_session_cases,
};

kunit_test_suite(stamp_session_suite);
