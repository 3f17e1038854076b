// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU packet counters of one network namespace. The hooks bump their
 * own CPU's copy (softirq, no sharing); readers sum every possible CPU with
 * the u64_stats fetch/retry loop, so 32-bit hosts never see torn values.
 */
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

#include "stamp.h"

struct stamp_pcpu_stats {
	u64 cnt[STAMP_CNT_MAX];
	u64 tlv[STAMP_TLVC_MAX];
	struct u64_stats_sync syncp;
};

/**
 * stamp_stats_init() - allocate a namespace's counters, all zero
 * @sn: the namespace's state
 *
 * Return: 0 or -ENOMEM.
 */
int stamp_stats_init(struct stamp_net *sn)
{
	int cpu;

	sn->stats = alloc_percpu(struct stamp_pcpu_stats);
	if (!sn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(sn->stats, cpu)->syncp);
	return 0;
}

/**
 * stamp_stats_free() - free a namespace's counters
 * @sn: the namespace's state, with its hooks unregistered
 */
void stamp_stats_free(struct stamp_net *sn)
{
	free_percpu(sn->stats);
	sn->stats = NULL;
}

/**
 * stamp_stats_inc() - count one packet; softirq or BH-disabled context
 * @sn: the namespace's state
 * @c: the counter
 */
void stamp_stats_inc(struct stamp_net *sn, enum stamp_counter c)
{
	struct stamp_pcpu_stats *s = this_cpu_ptr(sn->stats);

	u64_stats_update_begin(&s->syncp);
	s->cnt[c]++;
	u64_stats_update_end(&s->syncp);
}

/**
 * stamp_stats_sum() - totals over all CPUs
 * @sn: the namespace's state
 * @out: STAMP_CNT_MAX totals
 */
void stamp_stats_sum(struct stamp_net *sn, u64 *out)
{
	u64 snap[STAMP_CNT_MAX];
	unsigned int start;
	int cpu, i;

	memset(out, 0, sizeof(u64) * STAMP_CNT_MAX);
	for_each_possible_cpu(cpu) {
		const struct stamp_pcpu_stats *s = per_cpu_ptr(sn->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(snap, s->cnt, sizeof(snap));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < STAMP_CNT_MAX; i++)
			out[i] += snap[i];
	}
}

/**
 * stamp_stats_tlv() - count what a request's TLVs were
 * @sn: the namespace's state
 * @res: the TLV codec's result for the request
 */
void stamp_stats_tlv(struct stamp_net *sn, const struct stamp_tlv_result *res)
{
	struct stamp_pcpu_stats *s = this_cpu_ptr(sn->stats);
	int i;

	u64_stats_update_begin(&s->syncp);
	for (i = 0; i < STAMP_TLV_NCOUNT; i++)
		s->tlv[i] += res->count[i];
	if (res->malformed)
		s->tlv[STAMP_TLVC_MALFORMED]++;
	if (res->integrity_failed)
		s->tlv[STAMP_TLVC_INTEGRITY_FAILED]++;
	u64_stats_update_end(&s->syncp);
}

/**
 * stamp_stats_tlv_inc() - count one thing TLVs did to a reply
 * @sn: the namespace's state
 * @c: the counter
 */
void stamp_stats_tlv_inc(struct stamp_net *sn, enum stamp_tlv_counter c)
{
	struct stamp_pcpu_stats *s = this_cpu_ptr(sn->stats);

	u64_stats_update_begin(&s->syncp);
	s->tlv[c]++;
	u64_stats_update_end(&s->syncp);
}

/**
 * stamp_stats_tlv_sum() - TLV counter totals over all CPUs
 * @sn: the namespace's state
 * @out: STAMP_TLVC_MAX totals
 */
void stamp_stats_tlv_sum(struct stamp_net *sn, u64 *out)
{
	u64 snap[STAMP_TLVC_MAX];
	unsigned int start;
	int cpu, i;

	memset(out, 0, sizeof(u64) * STAMP_TLVC_MAX);
	for_each_possible_cpu(cpu) {
		const struct stamp_pcpu_stats *s = per_cpu_ptr(sn->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(snap, s->tlv, sizeof(snap));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < STAMP_TLVC_MAX; i++)
			out[i] += snap[i];
	}
}
