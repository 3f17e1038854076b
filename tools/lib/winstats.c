// SPDX-License-Identifier: GPL-2.0
/*
 * A session's window and cumulative statistics in constant memory: the
 * sender's counters (struct loss_acc) and definitions, the loss split of
 * loss_split() kept as five numbers, reordering as RFC 4737's NextExp, and
 * the delay histograms of hist.c. Definitions and sizes are in winstats.h.
 * No I/O, no allocation (tests/unit/test_winstats.c).
 */
#include <errno.h>
#include <string.h>

#include "winstats.h"

const char *const ws_metric_names[WS_NMETRICS] = {
	[WS_RTT] = "rtt",
	[WS_FWD] = "forward",
	[WS_BWD] = "backward",
	[WS_RES] = "residence",
};

/**
 * winstats_init() - start a session's statistics
 * @ws: the statistics
 * @le: the Prometheus boundaries, shared by every session and kept by the
 *	caller for as long as @ws lives; NULL for hist_le_default
 * @stateful_refl: the user says the reflector is stateful (loss_split())
 *
 * Return: 0, -EINVAL on a NULL @ws or more than HIST_LE_MAX boundaries.
 */
int winstats_init(struct winstats *ws, const struct hist_le *le,
		  bool stateful_refl)
{
	if (!ws || (le && le->n > HIST_LE_MAX))
		return -EINVAL;
	memset(ws, 0, sizeof(*ws));
	ws->le = le ? le : &hist_le_default;
	ws->split.stateful = stateful_refl;
	return 0;
}

static bool answered(const struct winstats *ws, uint64_t s)
{
	return ws->answered[s % WS_SEQ_BITS / 64] >> (s % 64) & 1;
}

/* Packets decided..upto-1 without a reply are lost. */
static int decide(struct winstats *ws, uint64_t upto)
{
	int lost = 0;

	for (; ws->decided < upto; ws->decided++) {
		if (answered(ws, ws->decided))
			continue;
		ws->win.loss.lost++;
		ws->cum.loss.lost++;
		lost++;
	}
	return lost;
}

/*
 * The 64-bit number of a wire Seq already sent: the latest packet with
 * those low 32 bits. False for a Seq not sent yet.
 */
static bool seq64(const struct winstats *ws, uint32_t seq, uint64_t *out)
{
	uint64_t sent = ws->cum.loss.sent;
	uint32_t back = (uint32_t)sent - seq;

	if (!back || back > sent)
		return false;
	*out = sent - back;
	return true;
}

/**
 * winstats_sent() - count a packet sent
 * @ws: the statistics
 *
 * The packet WS_SEQ_BITS before this one leaves the ring of answered
 * bits: when still undecided it is lost now (winstats.h).
 *
 * Return: the packet's Sequence Number, to be written into it.
 */
uint32_t winstats_sent(struct winstats *ws)
{
	uint64_t s = ws->cum.loss.sent;

	if (s >= WS_SEQ_BITS)
		decide(ws, s - WS_SEQ_BITS + 1);
	ws->answered[s % WS_SEQ_BITS / 64] &= ~(1ULL << (s % 64));
	ws->win.loss.sent++;
	ws->cum.loss.sent++;
	return (uint32_t)s;
}

/**
 * winstats_expire() - the loss threshold of packets up to @seq passed
 * @ws: the statistics
 * @seq: the last packet whose threshold passed; every earlier one's has
 *
 * Return: how many packets this made lost, -EINVAL for a Seq not sent.
 */
int winstats_expire(struct winstats *ws, uint32_t seq)
{
	uint64_t s;

	if (!seq64(ws, seq, &s))
		return -EINVAL;
	return decide(ws, s + 1);
}

/* loss_split()'s inputs, one reply at a time. */
static void split_add(struct ws_split_state *sp, uint64_t s, uint32_t r)
{
	if (r != (uint32_t)s)
		sp->stateful = true;
	if (!sp->any) {
		sp->any = true;
		sp->s_min = s;
		sp->s_max = s;
		sp->r_at_min = r;
		sp->r_hi = r;
		return;
	}
	/* one reply per Sender Seq reaches here: no tie on s_min */
	if (s < sp->s_min) {
		sp->s_min = s;
		sp->r_at_min = r;
	}
	if (s > sp->s_max)
		sp->s_max = s;
	if ((int32_t)(r - sp->r_hi) > 0)
		sp->r_hi = r;
}

static void add_delays(struct winstats *ws, const struct ws_reply *r)
{
	unsigned int m;

	for (m = 0; m < WS_NMETRICS; m++) {
		if (!(r->valid & 1U << m))
			continue;
		if (r->delay[m] < 0) {
			ws->win.negative++;
			ws->cum.negative++;
			continue;
		}
		hist_add(&ws->win_h[m], r->delay[m]);
		ws->cum_t[m].count++;
		if (__builtin_add_overflow(ws->cum_t[m].sum,
					   (uint64_t)r->delay[m],
					   &ws->cum_t[m].sum))
			ws->cum_t[m].sum = UINT64_MAX;
		hist_prom_add(&ws->prom[m], ws->le, r->delay[m]);
	}
}

/**
 * winstats_reply() - count a reply
 * @ws: the statistics
 * @r: what it says and the delays measured from it
 *
 * In the sender's order: a Seq not sent is malformed, a packet already
 * received makes a duplicate, one already lost (or out of the ring) a
 * late reply; otherwise it is received, its delays counted, and it is
 * reordered when its Seq is below NextExp.
 *
 * Return: an enum ws_fate, -EINVAL on a NULL pointer.
 */
int winstats_reply(struct winstats *ws, const struct ws_reply *r)
{
	int fate = WS_RECEIVED;
	uint64_t s;

	if (!ws || !r)
		return -EINVAL;
	if (!seq64(ws, r->sender_seq, &s)) {
		winstats_malformed(ws);
		return WS_MALFORMED;
	}
	if (s + WS_SEQ_BITS < ws->cum.loss.sent) {
		ws->win.loss.late++;
		ws->cum.loss.late++;
		return WS_LATE;
	}
	if (answered(ws, s)) {
		ws->win.loss.duplicates++;
		ws->cum.loss.duplicates++;
		return WS_DUPLICATE;
	}
	if (s < ws->decided) {
		ws->win.loss.late++;
		ws->cum.loss.late++;
		return WS_LATE;
	}
	ws->answered[s % WS_SEQ_BITS / 64] |= 1ULL << (s % 64);
	ws->win.loss.received++;
	ws->cum.loss.received++;
	if (s < ws->next_exp) {
		ws->win.reordered++;
		ws->cum.reordered++;
		fate = WS_REORDERED;
	} else {
		ws->next_exp = s + 1;
	}
	split_add(&ws->split, s, r->refl_seq);
	add_delays(ws, r);
	return fate;
}

/**
 * winstats_malformed() - count a reply that is for no packet of ours
 * @ws: the statistics
 */
void winstats_malformed(struct winstats *ws)
{
	ws->win.loss.malformed++;
	ws->cum.loss.malformed++;
}

/**
 * winstats_auth_failure() - count a reply whose HMAC was wrong
 * @ws: the statistics
 */
void winstats_auth_failure(struct winstats *ws)
{
	ws->win.loss.auth_failures++;
	ws->cum.loss.auth_failures++;
}

/**
 * winstats_split() - unanswered packets by direction, since the start
 * @ws: the statistics
 * @out: as loss_split() over the received replies and every packet sent
 *
 * loss_split()'s formulas on the kept numbers: R0 from the lowest Sender
 * Seq's reply, R_max as the highest reflector Seq's offset from R0 (mod
 * 2^32, at least 0), S_max, and the distinct Sender Seqs answered, which
 * are the received packets. Packets still in flight after S_max are
 * unknown, as there.
 */
void winstats_split(const struct winstats *ws, struct loss_split *out)
{
	const struct ws_split_state *sp = &ws->split;
	uint64_t sent = ws->cum.loss.sent, distinct = ws->cum.loss.received;
	uint64_t reflected;
	int32_t off;

	*out = (struct loss_split){ .stateful = sp->stateful };
	if (!sp->any) {
		out->unknown = sent;
		out->known = !sent;
		return;
	}
	if (sp->r_at_min > (uint32_t)sp->s_min)
		out->refl_base = sp->r_at_min - (uint32_t)sp->s_min;
	if (!sp->stateful) {
		out->unknown = sent - distinct;
		out->known = !out->unknown;
		return;
	}
	off = (int32_t)(sp->r_hi - (uint32_t)out->refl_base);
	reflected = off > 0 ? (uint64_t)off + 1 : 1;
	if (reflected > sp->s_max + 1)
		reflected = sp->s_max + 1;
	if (reflected < distinct)
		reflected = distinct;
	out->known = true;
	out->forward = sp->s_max + 1 - reflected;
	out->backward = reflected - distinct;
	out->unknown = sent - 1 - sp->s_max;
}

/**
 * winstats_quantiles() - a histogram's summary
 * @h: the histogram
 * @out: count, min, max, mean, p50, p90, p99, p99.9; zeroed when empty
 *
 * Return: 0, -ENODATA when empty, -EINVAL on a NULL pointer.
 */
int winstats_quantiles(const struct hist *h, struct ws_quantiles *out)
{
	static const double q[] = { 0.5, 0.9, 0.99, 0.999 };
	unsigned int i;
	double *v[4];

	if (!h || !out)
		return -EINVAL;
	v[0] = &out->p50;
	v[1] = &out->p90;
	v[2] = &out->p99;
	v[3] = &out->p999;
	*out = (struct ws_quantiles){ 0 };
	if (!h->count)
		return -ENODATA;
	out->count = h->count;
	out->min = h->min;
	out->max = h->max;
	out->mean = hist_mean(h);
	for (i = 0; i < 4; i++)
		if (hist_quantile(h, q[i], v[i]) == -ERANGE)
			out->approx |= 1U << i;
	return 0;
}

/**
 * winstats_roll() - close the window
 * @ws: the statistics; the window part is reset, the cumulative kept
 * @out: the window's summary, for one json-lines record
 */
void winstats_roll(struct winstats *ws, struct ws_summary *out)
{
	unsigned int m;

	out->window = ws->windows++;
	out->win = ws->win;
	out->cum = ws->cum;
	winstats_split(ws, &out->split);
	for (m = 0; m < WS_NMETRICS; m++) {
		winstats_quantiles(&ws->win_h[m], &out->q[m]);
		hist_reset(&ws->win_h[m]);
	}
	memset(&ws->win, 0, sizeof(ws->win));
}

/**
 * winstats_prom_write() - one metric's cumulative classic histogram
 * @ws: the statistics
 * @m: the metric
 * @emit: called per line, as hist_prom_write()
 * @ctx: passed to @emit
 *
 * Return: as hist_prom_write(), -EINVAL for an unknown metric.
 */
int winstats_prom_write(const struct winstats *ws, enum ws_metric m,
			hist_emit_fn emit, void *ctx)
{
	if (!ws || (unsigned int)m >= WS_NMETRICS)
		return -EINVAL;
	return hist_prom_write(&ws->prom[m], ws->le, ws->cum_t[m].count,
			       ws->cum_t[m].sum, emit, ctx);
}
