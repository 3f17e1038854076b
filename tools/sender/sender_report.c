// SPDX-License-Identifier: GPL-2.0
/*
 * The end-of-test analysis: percentiles, delay variation, reordering and
 * the RTT histogram, and loss by direction, from the per-packet records
 * (tools/sender/sender_metrics.c and tools/sender/loss_split.c do the arithmetic).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sender.h"
#include "sender_report.h"

const char *const sender_report_names[REP_NDELAYS] = {
	"rtt", "forward", "backward", "residence",
};

static int64_t delay(const struct probe *p, int which)
{
	switch (which) {
	case REP_RTT:
		return (p->t4 - p->t1) - (p->t3 - p->t2);
	case REP_FWD:
		return p->t2 - p->t1;
	case REP_BWD:
		return p->t4 - p->t3;
	default:
		return p->t3 - p->t2;
	}
}

/* The replies believed, as loss_split() takes them. */
static int split(const struct sender *s, struct loss_split *out)
{
	struct loss_reply *r = NULL;
	size_t i;
	int err;

	if (s->one->narrivals) {
		r = malloc(s->one->narrivals * sizeof(*r));
		if (!r)
			return -ENOMEM;
	}
	for (i = 0; i < s->one->narrivals; i++)
		r[i] = (struct loss_reply){
			.sender_seq = s->one->arrivals[i],
			.refl_seq = s->probes[s->one->arrivals[i]].refl_seq,
		};
	err = loss_split(r, s->one->narrivals, s->loss.sent, s->o->stateful_refl,
			 out);
	free(r);
	return err;
}

/**
 * sender_report() - analyse a finished (or interrupted) test
 * @s: the sender
 * @r: result; a part without data is left zeroed
 *
 * IPDV and PDV take the delays by sequence number, a packet without an
 * answer marking a gap; percentiles take the samples as they came.
 *
 * Return: 0, or -ENOMEM.
 */
int sender_report(const struct sender *s, struct sender_report *r)
{
	const struct stat_acc *acc[REP_NDELAYS] = { &s->one->rtt, &s->one->fwd, &s->one->bwd,
						    &s->one->res };
	uint64_t i, n = s->loss.sent;
	int64_t *d;
	int k;

	memset(r, 0, sizeof(*r));
	for (k = 0; k < REP_NDELAYS; k++)
		if (acc[k]->n)
			metrics_percentiles(acc[k]->samples, acc[k]->n,
					    &r->pct[k]);
	if (s->one->narrivals)
		metrics_reorder(s->one->arrivals, s->one->narrivals, &r->reorder);
	for (i = 0; i < acc[REP_RTT]->n; i++)
		metrics_hist_add(&r->hist, acc[REP_RTT]->samples[i]);
	for (k = REP_RTT; s->o->hist && k < REP_RES; k++) {
		for (i = 0; i < acc[k]->n; i++)
			r->bins.in[k][hist_bins_index(&s->o->hist->bins,
						      acc[k]->samples[i])]++;
		r->bins.n[k] = acc[k]->n;
	}
	if (split(s, &r->split))
		return -ENOMEM;
	if (!n)
		return 0;

	d = malloc(n * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (k = 0; k < REP_NDELAYS; k++) {
		for (i = 0; i < n; i++)
			d[i] = s->probes[i].state == ANSWERED ?
			       delay(&s->probes[i], k) : METRICS_ABSENT;
		metrics_ipdv(d, n, &r->ipdv[k]);
		metrics_pdv(d, n, &r->pdv[k]);
	}
	free(d);
	return 0;
}
