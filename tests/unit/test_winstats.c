// SPDX-License-Identifier: GPL-2.0
/*
 * A session's window and cumulative statistics (tools/lib/winstats.c):
 * each fate of a reply by hand, then random sessions checked against the
 * one-shot sender's own functions over the same packets (loss_split() for
 * the loss by direction, metrics_reorder() for reordering and
 * duplicates), the bitmap's edge, Seq wrap-around, window rollover and
 * the Prometheus histogram of a session.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "winstats.h"
#include "loss_split.h"
#include "sender_metrics.h"
#include "test_rng.h"

#define ALL_VALID ((1U << WS_NMETRICS) - 1)

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	return xorshift64s(&rng);
}

static int reply(struct winstats *ws, uint32_t seq, uint32_t refl,
		 int64_t rtt)
{
	struct ws_reply r = {
		.sender_seq = seq,
		.refl_seq = refl,
		.delay = { rtt, rtt / 2, rtt / 2 - 1000, 1000 },
		.valid = ALL_VALID,
	};

	return winstats_reply(ws, &r);
}

/* the fixture: a fresh record that has sent @n packets, Seq 0 to @n - 1 */
static void sent_n(struct winstats *ws, bool assume, uint64_t n)
{
	assert_int_equal(winstats_init(ws, NULL, assume), 0);
	while (ws->cum.loss.sent < n)
		winstats_sent(ws);
}

/* winstats_split()'s answer is loss_split()'s */
static void assert_split_eq(const struct loss_split *have,
			    const struct loss_split *want)
{
#define SPLIT_EQ(f) assert_int_equal(have->f, want->f);
	SPLIT_EQ(stateful) SPLIT_EQ(known) SPLIT_EQ(forward)
	SPLIT_EQ(backward) SPLIT_EQ(unknown) SPLIT_EQ(refl_base)
#undef SPLIT_EQ
}

static void test_sizes(void **state)
{
	/* the budget of issue 18 for these statistics: 3 KiB a session */
	assert_true(sizeof(struct winstats) <= 3072);
	assert_true(sizeof(struct winstats) <= WINSTATS_SIZE);
	assert_true(WS_SEQ_BITS % 64 == 0);
}

static void test_init(void **state)
{
	struct hist_le big = { .n = HIST_LE_MAX + 1 }, ok = { .n = 2 };
	struct hist_le full = { .n = HIST_LE_MAX };
	struct winstats ws;

	assert_int_equal(winstats_init(NULL, NULL, false), -EINVAL);
	assert_int_equal(winstats_init(&ws, &big, false), -EINVAL);
	assert_int_equal(winstats_init(&ws, &full, true), 0);
	assert_int_equal(winstats_init(&ws, &ok, true), 0);
	assert_ptr_equal(ws.le, &ok);
	assert_true(ws.split.stateful);
	assert_int_equal(winstats_init(&ws, NULL, false), 0);
	assert_ptr_equal(ws.le, &hist_le_default);
	assert_false(ws.split.stateful);
	assert_string_equal(ws_metric_names[WS_RES], "residence");
}

/* Each fate once: received, reordered, duplicate, late, malformed. */
static void test_fates(void **state)
{
	struct winstats ws;
	unsigned int i;

	winstats_init(&ws, NULL, false);
	for (i = 0; i < 5; i++)
		assert_int_equal(winstats_sent(&ws), i);
	assert_int_equal(reply(&ws, 0, 0, 1000000), WS_RECEIVED);
	assert_int_equal(reply(&ws, 2, 2, 1000000), WS_RECEIVED);
	assert_int_equal(reply(&ws, 1, 1, 1000000), WS_REORDERED);
	assert_int_equal(reply(&ws, 1, 1, 1000000), WS_DUPLICATE);
	assert_int_equal(reply(&ws, 5, 5, 1000000), WS_MALFORMED);
	assert_int_equal(reply(&ws, UINT32_MAX, 5, 1000000), WS_MALFORMED);
	/* 3's threshold passes: 3 lost, and 0..2 were answered */
	assert_int_equal(winstats_expire(&ws, 3), 1);
	assert_int_equal(winstats_expire(&ws, 3), 0);
	assert_int_equal(winstats_expire(&ws, 5), -EINVAL);
	assert_int_equal(reply(&ws, 3, 3, 1000000), WS_LATE);
	/* a late reply leaves the packet lost: a second copy is late too */
	assert_int_equal(reply(&ws, 3, 3, 1000000), WS_LATE);
	/* 4 is still in flight, answered in time */
	assert_int_equal(reply(&ws, 4, 4, 1000000), WS_RECEIVED);
	assert_int_equal(reply(&ws, 4, 4, 1000000), WS_DUPLICATE);
	assert_int_equal(winstats_expire(&ws, 4), 0);
	winstats_auth_failure(&ws);
	assert_int_equal(winstats_reply(&ws, NULL), -EINVAL);
	assert_int_equal(winstats_reply(NULL, NULL), -EINVAL);

	assert_int_equal(ws.cum.loss.sent, 5);
	assert_int_equal(ws.cum.loss.received, 4);
	assert_int_equal(ws.cum.loss.lost, 1);
	assert_int_equal(ws.cum.loss.late, 2);
	assert_int_equal(ws.cum.loss.duplicates, 2);
	assert_int_equal(ws.cum.loss.malformed, 2);
	assert_int_equal(ws.cum.loss.auth_failures, 1);
	assert_int_equal(ws.cum.reordered, 1);
	assert_int_equal(loss_in_flight(&ws.cum.loss), 0);
	assert_memory_equal(&ws.win, &ws.cum, sizeof(ws.win));
	/* only the received replies' delays are counted */
	assert_int_equal(ws.cum_t[WS_RTT].count, 4);
	assert_int_equal(ws.win_h[WS_RES].sum, 4000);
}

/* Delays: valid ones counted, negative ones set aside. */
static void test_delays(void **state)
{
	struct ws_reply r = {
		.delay = { 5000, -300, 5300, 0 },
		.valid = 1U << WS_RTT | 1U << WS_FWD | 1U << WS_BWD,
	};
	struct winstats ws;

	winstats_init(&ws, NULL, false);
	winstats_sent(&ws);
	assert_int_equal(winstats_reply(&ws, &r), WS_RECEIVED);
	assert_int_equal(ws.cum_t[WS_RTT].count, 1);
	assert_int_equal(ws.cum_t[WS_RTT].sum, 5000);
	assert_int_equal(ws.cum_t[WS_FWD].count, 0);
	assert_int_equal(ws.win_h[WS_BWD].max, 5300);
	assert_int_equal(ws.cum_t[WS_RES].count, 0);
	assert_int_equal(ws.win_h[WS_RES].count, 0);
	assert_int_equal(ws.cum.negative, 1);
	assert_int_equal(ws.win.negative, 1);
	assert_int_equal(ws.win_h[WS_RTT].count, 1);

	/* 0 is a delay; bits beyond the four metrics mean nothing */
	r = (struct ws_reply){ .sender_seq = 1, .delay = { 7, 0, 0, 0 },
			       .valid = ~0U };
	winstats_sent(&ws);
	assert_int_equal(winstats_reply(&ws, &r), WS_RECEIVED);
	assert_int_equal(ws.cum.negative, 1);
	assert_int_equal(ws.cum_t[WS_RTT].count, 2);
	assert_int_equal(ws.cum_t[WS_FWD].count, 1);
	assert_int_equal(ws.cum_t[WS_BWD].count, 2);
	assert_int_equal(ws.cum_t[WS_RES].count, 1);
	assert_int_equal(ws.win_h[WS_RES].count, 1);
	assert_int_equal(ws.win_h[WS_RTT].count, 2);
}

/*
 * The cumulative count and sum (the Prometheus _count and _sum) stay
 * with the buckets after a window closes, and the sum saturates.
 */
static void test_cum_totals(void **state)
{
	struct ws_reply r = { .delay = { INT64_MAX }, .valid = 1U << WS_RTT };
	struct ws_summary sum;
	struct winstats ws;
	uint32_t i;

	winstats_init(&ws, NULL, false);
	for (i = 0; i < 2; i++) {
		r.sender_seq = winstats_sent(&ws);
		assert_int_equal(winstats_reply(&ws, &r), WS_RECEIVED);
	}
	assert_int_equal(ws.cum_t[WS_RTT].count, 2);
	assert_true(ws.cum_t[WS_RTT].sum == 2 * (uint64_t)INT64_MAX);
	winstats_roll(&ws, &sum);
	assert_int_equal(ws.win_h[WS_RTT].count, 0);
	assert_int_equal(ws.cum_t[WS_RTT].count, 2);
	r.sender_seq = winstats_sent(&ws);
	assert_int_equal(winstats_reply(&ws, &r), WS_RECEIVED);
	assert_int_equal(ws.cum_t[WS_RTT].count, 3);
	assert_true(ws.cum_t[WS_RTT].sum == UINT64_MAX);
	assert_int_equal(ws.cum_t[WS_FWD].count, 0);
}

/*
 * The ring of answered bits: a packet WS_SEQ_BITS sends old is decided
 * when the next is sent, and a reply for it is late.
 */
static void test_ring_edge(void **state)
{
	struct winstats ws;

	sent_n(&ws, false, WS_SEQ_BITS);
	assert_int_equal(reply(&ws, 1, 1, 1000), WS_RECEIVED);
	assert_int_equal(reply(&ws, 128, 128, 1000), WS_RECEIVED);
	assert_int_equal(ws.cum.loss.lost, 0);
	/* packet 0 leaves the ring unanswered: lost, its reply late */
	winstats_sent(&ws);
	assert_int_equal(ws.cum.loss.lost, 1);
	assert_int_equal(reply(&ws, 0, 0, 1000), WS_LATE);
	/* packet 1 is still in it: a copy is a duplicate... */
	assert_int_equal(reply(&ws, 1, 1, 1000), WS_DUPLICATE);
	/* ...until it leaves (answered, so not lost): too old to tell */
	winstats_sent(&ws);
	assert_int_equal(ws.cum.loss.lost, 1);
	assert_int_equal(ws.cum.loss.late, 1);
	assert_int_equal(reply(&ws, 1, 1, 1000), WS_LATE);
	assert_int_equal(ws.cum.loss.late, 2);
	assert_int_equal(ws.win.loss.late, 2);
	/* the reused bits start clear: the new packets are answerable */
	assert_int_equal(reply(&ws, WS_SEQ_BITS + 1, 0, 1000), WS_RECEIVED);
	assert_int_equal(reply(&ws, WS_SEQ_BITS, 0, 1000), WS_REORDERED);
	winstats_sent(&ws);
	assert_int_equal(ws.cum.loss.lost, 2);
	assert_int_equal(reply(&ws, WS_SEQ_BITS + 2, 0, 1000), WS_RECEIVED);
	assert_int_equal(loss_in_flight(&ws.cum.loss),
			 WS_SEQ_BITS + 3 - 5 - 2);
	/* 128's bit, answered, is cleared for 128 + WS_SEQ_BITS (word 2) */
	while (ws.cum.loss.sent <= 128 + WS_SEQ_BITS)
		winstats_sent(&ws);
	assert_int_equal(reply(&ws, 128 + WS_SEQ_BITS, 0, 1000), WS_RECEIVED);
}

/* Seq is four octets: the count goes on past 2^32. */
static void test_seq_wrap(void **state)
{
	struct winstats ws;
	unsigned int i;

	winstats_init(&ws, NULL, false);
	/* as if 2^32 - 2 packets had been sent and answered */
	ws.cum.loss.sent = (1ULL << 32) - 2;
	ws.cum.loss.received = ws.cum.loss.sent;
	ws.decided = ws.cum.loss.sent;
	ws.next_exp = ws.cum.loss.sent;
	for (i = 0; i < 4; i++)
		assert_int_equal(winstats_sent(&ws), (uint32_t)(-2 + (int)i));
	assert_int_equal(reply(&ws, 1, 1, 1000), WS_RECEIVED);
	assert_int_equal(ws.next_exp, (1ULL << 32) + 2);
	assert_int_equal(reply(&ws, UINT32_MAX, 1, 1000), WS_REORDERED);
	assert_int_equal(reply(&ws, 2, 1, 1000), WS_MALFORMED);
	assert_int_equal(winstats_expire(&ws, 0), 2);
	assert_int_equal(reply(&ws, 0, 0, 1000), WS_LATE);
	assert_int_equal(ws.decided, (1ULL << 32) + 1);
}

/* Close a window: its summary, then a fresh window, the rest kept. */
static void test_rollover(void **state)
{
	struct ws_summary s;
	struct winstats ws;
	unsigned int i;

	winstats_init(&ws, NULL, false);
	for (i = 0; i < 100; i++) {
		winstats_sent(&ws);
		if (i % 10)
			assert_true(reply(&ws, i, i, 1000000 + i * 1000) >= 0);
	}
	winstats_expire(&ws, 99);
	winstats_roll(&ws, &s);
	assert_int_equal(s.window, 0);
	assert_int_equal(s.win.loss.sent, 100);
	assert_int_equal(s.win.loss.received, 90);
	assert_int_equal(s.win.loss.lost, 10);
	assert_memory_equal(&s.win, &s.cum, sizeof(s.win));
	assert_int_equal(s.q[WS_RTT].count, 90);
	assert_int_equal(s.q[WS_RTT].min, 1001000);
	assert_int_equal(s.q[WS_RTT].max, 1099000);
	assert_int_equal(s.q[WS_RTT].approx, 0);
	/* 1001..1099 us without the multiples of 10: the 45th is 1049 */
	assert_true(s.q[WS_RTT].p50 >= 1049000 * (1 - HIST_REL_ERR) &&
		    s.q[WS_RTT].p50 <= 1049000 * (1 + HIST_REL_ERR));
	assert_true(s.q[WS_RTT].p999 >= 1099000 * (1 - HIST_REL_ERR) &&
		    s.q[WS_RTT].p999 <= 1099000);
	assert_true(s.q[WS_RES].p90 == 1000.0);
	assert_true(s.q[WS_RTT].mean == 1050000.0);
	assert_false(s.split.stateful);
	assert_int_equal(s.split.unknown, 10);

	/* the window restarts, the cumulative part goes on */
	assert_int_equal(ws.win.loss.sent, 0);
	assert_int_equal(ws.win_h[WS_RTT].count, 0);
	assert_int_equal(ws.cum_t[WS_RTT].count, 90);
	for (i = 100; i < 110; i++) {
		winstats_sent(&ws);
		reply(&ws, i, i, 5000000);
	}
	/* a late one from the last window counts in this one */
	assert_int_equal(reply(&ws, 10, 10, 1), WS_LATE);
	winstats_roll(&ws, &s);
	assert_int_equal(s.window, 1);
	assert_int_equal(s.win.loss.sent, 10);
	assert_int_equal(s.win.loss.received, 10);
	assert_int_equal(s.win.loss.late, 1);
	assert_int_equal(s.win.loss.lost, 0);
	assert_int_equal(s.cum.loss.sent, 110);
	assert_int_equal(s.cum.loss.lost, 10);
	assert_int_equal(s.q[WS_RTT].min, 5000000);
	assert_int_equal(s.q[WS_RTT].count, 10);
	assert_int_equal(ws.cum_t[WS_RTT].count, 100);

	/* an empty window: zeros, no quantile */
	winstats_roll(&ws, &s);
	assert_int_equal(s.window, 2);
	assert_int_equal(s.win.loss.sent, 0);
	assert_int_equal(s.q[WS_RTT].count, 0);
	assert_true(s.q[WS_RTT].p50 == 0.0);
	assert_int_equal(s.cum.loss.sent, 110);
}

static void test_quantiles_api(void **state)
{
	struct ws_quantiles q;
	struct hist h;
	unsigned int i;

	hist_reset(&h);
	assert_int_equal(winstats_quantiles(&h, &q), -ENODATA);
	assert_int_equal(winstats_quantiles(NULL, &q), -EINVAL);
	assert_int_equal(winstats_quantiles(&h, NULL), -EINVAL);
	/* 40 buckets: the lowest ones collapse, p50 and p90 are bounds */
	for (i = 0; i < 40; i++)
		hist_add(&h, hist_bucket_lo(1000 + i));
	hist_add(&h, hist_bucket_lo(1039));
	assert_int_equal(winstats_quantiles(&h, &q), 0);
	assert_int_equal(q.count, 41);
	assert_int_equal(q.approx, 0);
	/* 45 of 81 in the collapsed bucket: p50 (rank 41) in it */
	for (i = 0; i < 40; i++)
		hist_add(&h, hist_bucket_lo(900));
	assert_int_equal(winstats_quantiles(&h, &q), 0);
	assert_int_equal(q.approx, 1);
	/* 445 of 481: p90 (rank 433) too, not p99 (rank 477) */
	for (i = 0; i < 360; i++)
		hist_add(&h, hist_bucket_lo(900));
	assert_int_equal(winstats_quantiles(&h, &q), 0);
	assert_int_equal(q.approx, 3);
}

/*
 * Random sessions through a stateful (or stateless) reflector with loss
 * both ways, reordering and duplication; the reflector's counter starts
 * where an older session left it. The split must be loss_split()'s over
 * the received replies, and reordered/duplicates metrics_reorder()'s over
 * their Seqs in order of arrival.
 */
static void test_against_sender(void **state)
{
	unsigned int trial;

	for (trial = 0; trial < 300; trial++) {
		unsigned int n = 1 + rnd() % 400, i, nrx = 0, narr = 0;
		bool stateful = rnd() % 4, assume = rnd() % 2;
		uint32_t r0 = rnd() % 3 ? (uint32_t)rnd() : 0, rcount = 0;
		struct loss_reply *got = calloc(n, sizeof(*got));
		struct { uint32_t s, r; } *wire = calloc(2 * n, sizeof(*wire));
		uint32_t *arr = calloc(2 * n, sizeof(*arr));
		struct metrics_reorder mr;
		struct loss_split want, have;
		struct winstats ws;
		unsigned int nw = 0;

		assert_true(got && wire && arr);
		winstats_init(&ws, NULL, assume);
		for (i = 0; i < n; i++) {
			winstats_sent(&ws);
			if (rnd() % 10 == 0)
				continue;	/* lost on the way in */
			/* reflected; maybe lost back, maybe twice */
			wire[nw].s = i;
			wire[nw].r = stateful ? r0 + rcount++ : i;
			if (rnd() % 10 == 0)
				continue;
			nw++;
			if (rnd() % 20 == 0) {
				wire[nw] = wire[nw - 1];
				nw++;
			}
		}
		/* reordering: swap neighbours now and then */
		for (i = 1; i < nw; i++) {
			if (rnd() % 8 == 0) {
				typeof(wire[0]) t = wire[i];

				wire[i] = wire[i - 1];
				wire[i - 1] = t;
			}
		}
		for (i = 0; i < nw; i++) {
			int fate = reply(&ws, wire[i].s, wire[i].r, 1000000);

			assert_true(fate == WS_RECEIVED || fate == WS_REORDERED ||
				    fate == WS_DUPLICATE);
			arr[narr++] = wire[i].s;
			if (fate != WS_DUPLICATE)
				got[nrx++] = (struct loss_reply){ wire[i].s,
								  wire[i].r };
		}
		assert_int_equal(nrx, ws.cum.loss.received);
		assert_int_equal(loss_split(got, nrx, n, assume, &want), 0);
		winstats_split(&ws, &have);
		assert_split_eq(&have, &want);
		if (narr) {
			assert_int_equal(metrics_reorder(arr, narr, &mr), 0);
			assert_int_equal(ws.cum.reordered, mr.reordered);
			assert_int_equal(ws.cum.loss.duplicates, mr.duplicates);
			assert_int_equal(ws.cum.loss.received, mr.received);
		}
		free(got);
		free(wire);
		free(arr);
	}
}

/* Nothing received: loss_split()'s answer for no replies. */
static void test_split_empty(void **state)
{
	struct loss_split sp;
	struct winstats ws;

	sent_n(&ws, true, 0);
	winstats_split(&ws, &sp);
	assert_true(sp.known);
	assert_int_equal(sp.unknown, 0);
	winstats_sent(&ws);
	winstats_sent(&ws);
	winstats_split(&ws, &sp);
	assert_false(sp.known);
	assert_true(sp.stateful);
	assert_int_equal(sp.unknown, 2);
}

/*
 * A reflector whose session is older than ours: the lowest Sender Seq
 * answered, 2, came back as its 100, so R0 = 98 and 0 and 1 are taken
 * to have reached it (as 98 and 99) and been lost on the way back.
 */
static void test_split_by_hand(void **state)
{
	struct loss_split sp;
	struct winstats ws;

	sent_n(&ws, false, 10);
	/* our 2 and 3 reached it as its 100 and 101 */
	reply(&ws, 3, 101, 1000);
	reply(&ws, 2, 100, 1000);
	/* 4 reflected as 102, lost back; 5 reflected as 103 */
	reply(&ws, 5, 103, 1000);
	winstats_split(&ws, &sp);
	assert_true(sp.stateful);
	assert_true(sp.known);
	assert_int_equal(sp.refl_base, 98);
	assert_int_equal(sp.forward, 0);
	assert_int_equal(sp.backward, 3);
	assert_int_equal(sp.unknown, 4);
}

/* Replies by hand: the split must be loss_split()'s over them. */
static void split_case(uint64_t sent, const struct loss_reply *r, size_t n)
{
	struct loss_split want, have;
	struct winstats ws;
	size_t i;

	sent_n(&ws, false, sent);
	for (i = 0; i < n; i++)
		assert_true(reply(&ws, r[i].sender_seq, r[i].refl_seq, 1) >= 0);
	assert_int_equal(loss_split(r, n, sent, false, &want), 0);
	winstats_split(&ws, &have);
	assert_split_eq(&have, &want);
}

static void test_split_cases(void **state)
{
	/* one reply, not the first packet: S_max comes from it alone */
	static const struct loss_reply one[] = { { 4, 7 } };
	/* R0 = 100, R_max 1 past it: 2 reflected, 1 lost back */
	static const struct loss_reply off1[] = { { 1, 101 } };
	/* Seq 0 for our 3: R_max = R0, one reflected, 3 lost forward */
	static const struct loss_reply off0[] = { { 3, 0 } };
	/* the reflector counted more than we sent: clamped to S_max + 1 */
	static const struct loss_reply more[] = { { 0, 100 }, { 1, 105 } };
	/* the same, with fewer replies than S_max + 1, and just one over */
	static const struct loss_reply more2[] = { { 0, 100 }, { 3, 110 } };
	static const struct loss_reply more3[] = { { 0, 100 }, { 3, 104 } };
	/* its Seq stood still: clamped to the replies received */
	static const struct loss_reply still[] = { { 0, 10 }, { 1, 10 } };

	split_case(10, one, 1);
	split_case(2, off1, 1);
	split_case(4, off0, 1);
	split_case(3, more, 2);
	split_case(5, more2, 2);
	split_case(5, more3, 2);
	split_case(2, still, 2);
}

struct text {
	char buf[4096];
};

static int emit(void *ctx, const char *suffix, const char *le,
		const char *value)
{
	struct text *t = ctx;
	size_t n = strlen(t->buf);

	snprintf(t->buf + n, sizeof(t->buf) - n, "%s %s %s\n", suffix,
		 le ? le : "-", value);
	return 0;
}

/* The session's Prometheus histogram: cumulative, monotonic, exact. */
static void test_prom(void **state)
{
	static const struct hist_le le = { .n = 2, .ns = { 1000000, 2000000 } };
	struct text t = { "" };
	struct ws_summary s;
	struct winstats ws;

	winstats_init(&ws, &le, false);
	winstats_sent(&ws);
	winstats_sent(&ws);
	winstats_sent(&ws);
	reply(&ws, 0, 0, 1000000);
	reply(&ws, 1, 1, 1500000);
	reply(&ws, 2, 2, 2500000);
	winstats_roll(&ws, &s);
	assert_int_equal(winstats_prom_write(&ws, WS_RTT, emit, &t), 0);
	assert_string_equal(t.buf,
			    "_bucket 0.001 1\n"
			    "_bucket 0.002 2\n"
			    "_bucket +Inf 3\n"
			    "_sum - 0.005000000\n"
			    "_count - 3\n");
	/* the window's roll left the counters alone; they only grow */
	winstats_sent(&ws);
	reply(&ws, 3, 3, 999999);
	t.buf[0] = 0;
	assert_int_equal(winstats_prom_write(&ws, WS_RTT, emit, &t), 0);
	assert_string_equal(t.buf,
			    "_bucket 0.001 2\n"
			    "_bucket 0.002 3\n"
			    "_bucket +Inf 4\n"
			    "_sum - 0.005999999\n"
			    "_count - 4\n");
	t.buf[0] = 0;
	assert_int_equal(winstats_prom_write(&ws, WS_RES, emit, &t), 0);
	assert_non_null(strstr(t.buf, "_bucket 0.001 4\n"));
	assert_int_equal(winstats_prom_write(&ws, WS_NMETRICS, emit, &t),
			 -EINVAL);
	assert_int_equal(winstats_prom_write(NULL, WS_RTT, emit, &t), -EINVAL);
	assert_int_equal(winstats_prom_write(&ws, WS_NMETRICS + 3, emit, &t),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_fates),
		cmocka_unit_test(test_delays),
		cmocka_unit_test(test_cum_totals),
		cmocka_unit_test(test_ring_edge),
		cmocka_unit_test(test_seq_wrap),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_quantiles_api),
		cmocka_unit_test(test_against_sender),
		cmocka_unit_test(test_split_empty),
		cmocka_unit_test(test_split_by_hand),
		cmocka_unit_test(test_split_cases),
		cmocka_unit_test(test_prom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
