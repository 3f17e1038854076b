// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites, built into stamp_refl.ko only on request (STAMP_KUNIT=1)
 * for a kernel with CONFIG_KUNIT (the debug kernel of tests/vm): they run
 * when the module loads, under KASAN, so every buffer is allocated to the
 * exact size the code under test is told it has.
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "stamp.h"

struct reflect_case {
	const char *name;
	unsigned int len;
	bool auth;
	int ret;
};

static const struct reflect_case reflect_cases[] = {
	{ "unauth 0", 0, false, -EINVAL },
	{ "unauth 13", 13, false, -EINVAL },
	{ "unauth 14 (TWAMP-Light)", 14, false, 44 },
	{ "unauth 15", 15, false, 44 },
	{ "unauth 43", 43, false, 44 },
	{ "unauth 44", 44, false, 44 },
	{ "unauth 45", 45, false, 45 },
	{ "unauth 1472", 1472, false, 1472 },
	{ "unauth 2000", 2000, false, 2000 },
	{ "auth 44", 44, true, -EINVAL },
	{ "auth 111", 111, true, -EINVAL },
	{ "auth 112", 112, true, 112 },
	{ "auth 200", 200, true, 200 },
};

static void reflect_case_desc(const struct reflect_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reflect, reflect_cases, reflect_case_desc);

static void stamp_wire_reflect(struct kunit *test)
{
	const struct reflect_case *c = test->param_value;
	size_t cap = max_t(size_t, c->len, stamp_base_len(c->auth));
	struct stamp_refl_params p = { .rx_ts = 0x0102030405060708ULL,
				       .errest = 0x0a0b, .ttl = 61,
				       .copy_seq = true };
	unsigned int base = stamp_base_len(c->auth);
	struct stamp_reply r;
	struct stamp_test t;
	u8 *req, *buf;
	int ret;

	req = kunit_kmalloc(test, cap, GFP_KERNEL);
	buf = kunit_kmalloc(test, cap, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	get_random_bytes(req, cap);
	memcpy(buf, req, cap);

	ret = stamp_reflect(buf, c->len, cap, &p, c->auth);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret < 0)
		return;
	KUNIT_ASSERT_EQ(test, stamp_test_decode(req, c->len, &t, c->auth), 0);
	KUNIT_ASSERT_EQ(test, stamp_reply_decode(buf, ret, &r, c->auth), 0);
	KUNIT_EXPECT_EQ(test, r.seq, t.seq);
	KUNIT_EXPECT_EQ(test, r.sender_seq, t.seq);
	KUNIT_EXPECT_EQ(test, r.sender_ts, t.ts);
	KUNIT_EXPECT_EQ(test, r.sender_errest, t.errest);
	KUNIT_EXPECT_EQ(test, r.sender_ttl, 61);
	KUNIT_EXPECT_EQ(test, r.rx_ts, 0x0102030405060708ULL);
	KUNIT_EXPECT_EQ(test, r.errest, 0x0a0b);
	KUNIT_EXPECT_EQ(test, r.ts, 0ULL);
	if (c->len > base)
		KUNIT_EXPECT_EQ(test, memcmp(buf + base, req + base,
					     c->len - base), 0);

	/* one octet less room than the reply needs: refused */
	memcpy(buf, req, cap);
	KUNIT_EXPECT_EQ(test, stamp_reflect(buf, c->len, cap - 1, &p, c->auth),
			-ENOSPC);
}

static struct kunit_case stamp_wire_cases[] = {
	KUNIT_CASE_PARAM(stamp_wire_reflect, reflect_gen_params),
	{}
};

static struct kunit_suite stamp_wire_suite = {
	.name = "stamp_wire",
	.test_cases = stamp_wire_cases,
};

static void stamp_stats_sum_all(struct kunit *test)
{
	u64 out[STAMP_CNT_MAX];
	struct stamp_net sn = {};
	int i;

	KUNIT_ASSERT_EQ(test, stamp_stats_init(&sn), 0);
	local_bh_disable();
	for (i = 0; i < 1000; i++)
		stamp_stats_inc(&sn, STAMP_CNT_RX);
	stamp_stats_inc(&sn, STAMP_CNT_DROP_XMIT);
	local_bh_enable();
	stamp_stats_sum(&sn, out);
	for (i = 0; i < STAMP_CNT_MAX; i++)
		KUNIT_EXPECT_EQ(test, out[i], i == STAMP_CNT_RX ? 1000ULL :
				i == STAMP_CNT_DROP_XMIT ? 1ULL : 0ULL);
	stamp_stats_free(&sn);
}

static struct kunit_case stamp_stats_cases[] = {
	KUNIT_CASE(stamp_stats_sum_all),
	{}
};

static struct kunit_suite stamp_stats_suite = {
	.name = "stamp_stats",
	.test_cases = stamp_stats_cases,
};

static void stamp_cfg_defaults_and_clock(struct kunit *test)
{
	struct stamp_cfg *cfg = stamp_cfg_alloc(NULL, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_EXPECT_EQ(test, cfg->nports, 1);
	KUNIT_EXPECT_TRUE(test, stamp_cfg_has_port(cfg, stamp_default_port));
	KUNIT_EXPECT_FALSE(test, stamp_cfg_has_port(cfg, 1));
	KUNIT_EXPECT_EQ(test, cfg->ts_format, STAMP_TS_NTP);
	KUNIT_EXPECT_FALSE(test, stamp_cfg_clock_synced(cfg));
	KUNIT_EXPECT_FALSE(test, cfg->errest_unsynced & STAMP_ERREST_S);
	KUNIT_EXPECT_NE(test, cfg->errest_unsynced & STAMP_ERREST_MULT_MASK, 0);
	KUNIT_EXPECT_GE(test, stamp_errest_ns(cfg->errest_unsynced),
			(u64)NSEC_PER_SEC);

	cfg->clock_synced = true;
	cfg->clock_error_ns = 5000;
	cfg->ts_format = STAMP_TS_PTP;
	stamp_cfg_finalize(cfg);
	KUNIT_EXPECT_TRUE(test, stamp_cfg_clock_synced(cfg));
	KUNIT_EXPECT_TRUE(test, cfg->errest_synced & STAMP_ERREST_S);
	KUNIT_EXPECT_TRUE(test, cfg->errest_synced & STAMP_ERREST_Z);
	KUNIT_EXPECT_GE(test, stamp_errest_ns(cfg->errest_synced), 5000ULL);
	KUNIT_EXPECT_LT(test, stamp_errest_ns(cfg->errest_synced), 5100ULL);

	/* a report past its validity no longer counts */
	cfg->clock_validity_s = 60;
	stamp_cfg_finalize(cfg);
	KUNIT_EXPECT_TRUE(test, stamp_cfg_clock_synced(cfg));
	cfg->clock_expires = jiffies - 1;
	KUNIT_EXPECT_FALSE(test, stamp_cfg_clock_synced(cfg));
	kfree(cfg);
}

static struct kunit_case stamp_cfg_cases[] = {
	KUNIT_CASE(stamp_cfg_defaults_and_clock),
	{}
};

static struct kunit_suite stamp_cfg_suite = {
	.name = "stamp_cfg",
	.test_cases = stamp_cfg_cases,
};

kunit_test_suites(&stamp_wire_suite, &stamp_stats_suite, &stamp_cfg_suite);
