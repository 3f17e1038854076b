// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's results in the Prometheus text exposition format, written
 * to a file for node_exporter's textfile collector: to a temporary name,
 * then renamed, so the collector never reads half a file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "prom.h"
#include "sender.h"
#include "sender_report.h"

#define P "stamp_sender_"

static const char *const delay_metric[REP_NDELAYS] = {
	"rtt_seconds", "forward_delay_seconds", "backward_delay_seconds",
	"residence_seconds",
};

static const char *const delay_help[REP_NDELAYS] = {
	"Round-trip time without the reflector's residence time.",
	"One-way delay sender to reflector (needs synchronized clocks).",
	"One-way delay reflector to sender (needs synchronized clocks).",
	"Time between the reflector's receive and transmit stamps.",
};

static void labels(FILE *f, const struct sender *s, const char *extra)
{
	fputs("{target=\"", f);
	prom_label_value(f, s->o->target);
	fprintf(f, "\",reflector=\"%s\",port=\"%u\"%s%s}", s->one->addr, s->o->port,
		extra ? "," : "", extra ? extra : "");
}

static void prom_counter(FILE *f, const struct sender *s, const char *name,
		    const char *help, uint64_t v)
{
	prom_family(f, P, name, "counter", help);
	fprintf(f, P "%s", name);
	labels(f, s, NULL);
	fprintf(f, " %" PRIu64 "\n", v);
}

static void prom_summary(FILE *f, const struct sender *s, int k,
		    const struct stat_acc *a, const struct metrics_pct *p)
{
	static const char *const q[] = { "0.5", "0.9", "0.99", "0.999" };
	const int64_t v[] = { p->p50, p->p90, p->p99, p->p999 };
	const char *name = delay_metric[k];
	char extra[32];
	unsigned int i;

	prom_family(f, P, name, "summary", delay_help[k]);
	for (i = 0; a->n && i < 4; i++) {
		snprintf(extra, sizeof(extra), "quantile=\"%s\"", q[i]);
		fprintf(f, P "%s", name);
		labels(f, s, extra);
		fprintf(f, " %.9f\n", v[i] / 1e9);
	}
	fprintf(f, P "%s_sum", name);
	labels(f, s, NULL);
	fprintf(f, " %.9f\n", a->mean * (double)a->n / 1e9);
	fprintf(f, P "%s_count", name);
	labels(f, s, NULL);
	fprintf(f, " %" PRIu64 "\n", a->n);
}

/*
 * Gauges, not counters: the split of the same packets changes when a
 * later reply shows the reflector stateful, or answers past the tail.
 */
static void prom_split(FILE *f, const struct sender *s,
		       const struct loss_split *sp)
{
	static const char *const dir[] = { "forward", "backward", "unknown" };
	const uint64_t v[] = { sp->forward, sp->backward, sp->unknown };
	char extra[32];
	unsigned int i;

	prom_family(f, P, "loss_direction_packets", "gauge",
		    "Unanswered packets by the direction they were lost in (a stateful reflector's Seq); all unknown when the reflector looks stateless.");
	for (i = 0; i < 3; i++) {
		snprintf(extra, sizeof(extra), "direction=\"%s\"", dir[i]);
		fputs(P "loss_direction_packets", f);
		labels(f, s, extra);
		fprintf(f, " %" PRIu64 "\n", v[i]);
	}
	prom_family(f, P, "reflector_stateful", "gauge",
		    "1 when the reflector keeps its own Seq (seen in a reply, or --stateful-reflector).");
	fputs(P "reflector_stateful", f);
	labels(f, s, NULL);
	fprintf(f, " %d\n", sp->stateful);
}

/* Short replies are received and measured; this says what they lacked. */
static void prom_missing(FILE *f, const struct sender *s)
{
	char extra[48];
	int i;

	prom_family(f, P, "replies_missing_field_total", "counter",
		    "Replies measured though shorter than the base packet, by the field they lacked (sender_ttl: no forward TTL for them).");
	for (i = 0; i < REPLY_NMISSING; i++) {
		snprintf(extra, sizeof(extra), "field=\"%s\"",
			 sender_reply_missing_names[i]);
		fputs(P "replies_missing_field_total", f);
		labels(f, s, extra);
		fprintf(f, " %" PRIu64 "\n", s->missing[i]);
	}
}

static const char *const bins_metric[REP_RES] = {
	"rtt_histogram_seconds", "forward_delay_histogram_seconds",
	"backward_delay_histogram_seconds",
};

/*
 * --histogram-bins as classic histograms: the bins are upper-inclusive,
 * so their edges are the le and the cumulative counts exact. Only with
 * the option: the buckets are the user's choice, not a default.
 */
static void prom_bins(FILE *f, const struct sender *s,
		      const struct sender_report *r, int k,
		      const struct stat_acc *a)
{
	const struct hist_bins *b = &s->o->hist->bins;
	uint64_t cum = 0;
	char extra[48];
	unsigned int i;

	prom_family(f, P, bins_metric[k], "histogram", delay_help[k]);
	for (i = 0; i < b->n; i++) {
		cum += r->bins.in[k][i];
		if (i < b->n - 1)
			snprintf(extra, sizeof(extra), "le=\"%.9f\"",
				 hist_bins_edge(b, i) / 1e9);
		else
			snprintf(extra, sizeof(extra), "le=\"+Inf\"");
		fprintf(f, P "%s_bucket", bins_metric[k]);
		labels(f, s, extra);
		fprintf(f, " %" PRIu64 "\n", cum);
	}
	fprintf(f, P "%s_sum", bins_metric[k]);
	labels(f, s, NULL);
	fprintf(f, " %.9f\n", a->mean * (double)a->n / 1e9);
	fprintf(f, P "%s_count", bins_metric[k]);
	labels(f, s, NULL);
	fprintf(f, " %" PRIu64 "\n", r->bins.n[k]);
}

static void write_all(FILE *f, const struct sender *s,
		      const struct sender_report *r)
{
	const struct stat_acc *acc[REP_NDELAYS] = { &s->one->rtt, &s->one->fwd, &s->one->bwd,
						    &s->one->res };
	const struct loss_acc *l = &s->loss;
	int k;

	prom_counter(f, s, "packets_sent_total", "STAMP test packets sent.",
		l->sent);
	prom_counter(f, s, "packets_received_total",
		"Replies received within the loss threshold.", l->received);
	prom_counter(f, s, "packets_lost_total",
		"Packets unanswered within the loss threshold (RFC 7680).",
		l->lost);
	prom_counter(f, s, "packets_late_total",
		"Replies that came after the loss threshold.", l->late);
	prom_counter(f, s, "packets_duplicate_total", "Duplicate replies.",
		l->duplicates);
	prom_counter(f, s, "packets_malformed_total",
		"Replies that match no packet sent.", l->malformed);
	prom_counter(f, s, "packets_auth_failures_total",
		"Replies whose HMAC was wrong, ignored (authenticated mode).",
		l->auth_failures);
	prom_missing(f, s);
	prom_counter(f, s, "packets_reordered_total",
		"Replies reordered (RFC 4737).", r->reorder.reordered);
	prom_split(f, s, &r->split);
	for (k = 0; k < REP_NDELAYS; k++)
		prom_summary(f, s, k, acc[k], &r->pct[k]);
	for (k = REP_RTT; s->o->hist && k < REP_RES; k++)
		prom_bins(f, s, r, k, acc[k]);
	prom_family(f, P, "ipdv_jitter_seconds", "gauge",
		    "Mean absolute inter-packet delay variation (RFC 3393).");
	for (k = REP_RTT; k <= REP_BWD; k++) {
		char extra[32];

		snprintf(extra, sizeof(extra), "direction=\"%s\"",
			 sender_report_names[k]);
		fputs(P "ipdv_jitter_seconds", f);
		labels(f, s, extra);
		fprintf(f, " %.9f\n", r->ipdv[k].jitter / 1e9);
	}
	prom_family(f, P, "loss_threshold_seconds", "gauge",
		    "The loss threshold in use.");
	fputs(P "loss_threshold_seconds", f);
	labels(f, s, NULL);
	fprintf(f, " %g\n", s->o->wait_s);
	prom_family(f, P, "clock_synchronized", "gauge",
		    "1 when the clock is synchronized (local: adjtimex; reflector: its S bit).");
	fputs(P "clock_synchronized", f);
	labels(f, s, "side=\"local\"");
	fprintf(f, " %d\n" P "clock_synchronized", s->clk.synced);
	labels(f, s, "side=\"reflector\"");
	fprintf(f, " %d\n", sender_refl_synced(s));
	prom_family(f, P, "reflector_tai_in_ntp", "gauge",
		    "1 when the reflector writes TAI into NTP-format timestamps (one-way delays off by TAI - UTC).");
	fputs(P "reflector_tai_in_ntp", f);
	labels(f, s, NULL);
	fprintf(f, " %d\n", sender_refl_tai_in_ntp(s));
}

/**
 * sender_write_prometheus() - write the results so far to a textfile
 * @s: the sender
 * @path: the file; a temporary file next to it is renamed over it
 *
 * Return: 0, or -errno with a message printed.
 */
int sender_write_prometheus(const struct sender *s, const char *path)
{
	struct sender_report r;
	struct prom_out p;
	int err;

	err = sender_report(s, &r);
	if (err)
		return err;
	err = prom_open(&p, "stampnl sender", path);
	if (err)
		return err;
	write_all(p.f, s, &r);
	return prom_close(&p);
}
