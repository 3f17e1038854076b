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

static struct kunit_case stamp_session_cases[] = {
	KUNIT_CASE(stamp_session_full_and_lookup),
	KUNIT_CASE(stamp_session_idle_gc),
	{}
};

static struct kunit_suite stamp_session_suite = {
	.name = "stamp_session",
	.test_cases = stamp_session_cases,
};

kunit_test_suite(stamp_session_suite);
