// SPDX-License-Identifier: GPL-2.0
/* What `stampnl sender` prints: ping-like text, or one JSON document. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "print.h"
#include "sender.h"
#include "sender_report.h"

/* every print of the sender's goes through here: one mode per sender */
static void begin(const struct sender *s)
{
	print_start(NULL, s->o->json || s->o->json_lines);
}

void sender_print_reply(struct sender *s, uint64_t seq, const struct probe *p)
{
	begin(s);
	print_uint(PRINT_FP, NULL, "%u bytes from ", p->length);
	print_string(PRINT_FP, NULL, "%s: ", s->one->addr);
	print_u64(PRINT_FP, NULL, "seq=%" PRIu64, seq);
	print_uint(PRINT_FP, NULL, " rseq=%u", p->refl_seq);
	print_float(PRINT_FP, NULL, NULL, " rtt=%.3f ms",
		    ((p->t4 - p->t1) - (p->t3 - p->t2)) / 1e6);
	print_float(PRINT_FP, NULL, NULL, " fwd=%.3f ms", (p->t2 - p->t1) / 1e6);
	print_float(PRINT_FP, NULL, NULL, " bwd=%.3f ms", (p->t4 - p->t3) / 1e6);
	print_float(PRINT_FP, NULL, NULL, " res=%.3f ms", (p->t3 - p->t2) / 1e6);
	if (p->missing & 1U << REPLY_MISSING_SENDER_TTL)
		print_null(PRINT_FP, NULL, " sttl=%s", "?");
	else
		print_uint(PRINT_FP, NULL, " sttl=%u", p->sender_ttl);
	print_uint(PRINT_FP, NULL, " ttl=%u", p->ttl);
	print_string(PRINT_FP, NULL, "%s\n", p->missing ? " (short reply)" : "");
	fflush(stdout);
}

/*
 * Why the one-way delays cannot be taken at face value: each says the two
 * clocks may disagree by more than the delays measured. The names are
 * what -j reports, so they never change.
 */
enum {
	OWD_LOCAL_UNSYNCED,
	OWD_REFL_UNSYNCED,
	OWD_NEGATIVE,
	OWD_TAI_IN_NTP,
	OWD_NWARNINGS
};

static const char *const owd_warning_names[OWD_NWARNINGS] = {
	[OWD_LOCAL_UNSYNCED] = "local_clock_unsynchronized",
	[OWD_REFL_UNSYNCED] = "reflector_clock_unsynchronized",
	[OWD_NEGATIVE] = "negative_one_way_delays",
	[OWD_TAI_IN_NTP] = "reflector_tai_in_ntp_timestamps",
};

/* TAI - UTC since 2017-01-01, for a kernel that was never told it */
#define TAI_UTC_NS 37000000000LL
/* how close every offset must come to it: far more than any path's */
#define TAI_SLACK_NS 500000000LL

/*
 * TAI written into NTP-format fields (RFC 8762 section 4.2.1 wants UTC
 * there): every NTP-format reply puts the reflector ahead by TAI - UTC,
 * the kernel's offset or, when it has none, the 37 s of today.
 */
static bool tai_in_ntp(const struct sender *s)
{
	int64_t tai = s->clk.tai_off_ns ? s->clk.tai_off_ns : TAI_UTC_NS;

	return s->ntp_replies && s->ntp_replies == s->loss.received &&
	       s->ntp_off_min > tai - TAI_SLACK_NS &&
	       s->ntp_off_max < tai + TAI_SLACK_NS;
}

/* A bit per OWD_* that applies. */
static unsigned int owd_warnings(const struct sender *s)
{
	unsigned int w = 0;

	if (!s->clk.synced)
		w |= 1U << OWD_LOCAL_UNSYNCED;
	if (s->refl_unsynced)
		w |= 1U << OWD_REFL_UNSYNCED;
	/* named for what it is, not as clocks that merely disagree */
	if (tai_in_ntp(s))
		w |= 1U << OWD_TAI_IN_NTP;
	else if (s->one->fwd.n && (s->one->fwd.min < 0 || s->one->bwd.min < 0))
		w |= 1U << OWD_NEGATIVE;
	return w;
}

/**
 * sender_refl_tai_in_ntp() - the reflector writes TAI into NTP fields
 * @s: the sender
 *
 * Return: true when every NTP-format reply says so.
 */
bool sender_refl_tai_in_ntp(const struct sender *s)
{
	return tai_in_ntp(s);
}

/* Packets per second actually sent, 0 for fewer than two. */
static double achieved_pps(const struct sender *s)
{
	if (s->loss.sent < 2 || s->last_send == s->first_send)
		return 0;
	return (double)(s->loss.sent - 1) * 1e9 /
	       (double)(s->last_send - s->first_send);
}

/* "bpf timestamping on eth0" */
const char *sender_ts_text(struct sender *s)
{
	static char buf[64];
	char ifname[IF_NAMESIZE] = "?";

	if (s->ts.method != TS_BPF)
		return s->ts.method == TS_KERNEL ?
		       "kernel (SO_TIMESTAMPING) timestamping" :
		       "userspace timestamping";
	if_indextoname(s->ts.ifindex, ifname);
	snprintf(buf, sizeof(buf), "bpf timestamping on %s", ifname);
	return buf;
}

static void print_pct(const struct metrics_pct *p)
{
	print_s64(PRINT_JSON, "p50_ns", NULL, p->p50);
	print_s64(PRINT_JSON, "p90_ns", NULL, p->p90);
	print_s64(PRINT_JSON, "p99_ns", NULL, p->p99);
	print_s64(PRINT_JSON, "p999_ns", NULL, p->p999);
	print_s64(PRINT_JSON, "max_ns", NULL, p->max);
}

/* a delay's statistics: a line of text when measured, an object in JSON */
static void print_stat(const char *key, const char *name,
		       const struct stat_acc *a, const struct metrics_pct *pct,
		       bool mdev)
{
	open_json_object(key);
	print_u64(PRINT_JSON, "count", NULL, a->n);
	if (a->n) {
		print_s64(PRINT_JSON, "min_ns", NULL, a->min);
		print_float(PRINT_JSON, "avg_ns", "%.0f", NULL, a->mean);
		print_float(PRINT_JSON, "mdev_ns", "%.0f", NULL, stat_mdev(a));
		print_pct(pct);
		print_text("%s min/avg/max%s = %.3f/%.3f/%.3f", name,
			   mdev ? "/mdev" : "", a->min / 1e6, a->mean / 1e6,
			   a->max / 1e6);
		if (mdev)
			print_float(PRINT_FP, NULL, NULL, "/%.3f",
				    stat_mdev(a) / 1e6);
		print_text(" ms, p50/p90/p99/p99.9 = %.3f/%.3f/%.3f/%.3f ms\n",
			   pct->p50 / 1e6, pct->p90 / 1e6, pct->p99 / 1e6,
			   pct->p999 / 1e6);
	}
	close_json_object();
}

/* one direction's IPDV (RFC 3393): its members, or its figures in text */
static void print_ipdv(const struct sender_report *r, int k)
{
	const struct metrics_ipdv *v = &r->ipdv[k];

	print_u64(PRINT_JSON, "count", NULL, v->n);
	print_s64(PRINT_JSON, "min_ns", NULL, v->min);
	print_s64(PRINT_JSON, "max_ns", NULL, v->max);
	print_float(PRINT_JSON, "mean_ns", "%.0f", NULL, v->mean);
	print_float(PRINT_JSON, "jitter_ns", "%.0f", NULL, v->jitter);
	print_text("%.3f ms, %.3f/%.3f ms", v->jitter / 1e6, v->min / 1e6,
		   v->max / 1e6);
}

/* one direction's PDV (RFC 5481) */
static void print_pdv(const struct sender_report *r, int k)
{
	const struct metrics_pct *v = &r->pdv[k];

	print_u64(PRINT_JSON, "count", NULL, v->n);
	print_pct(v);
	print_text("%.3f/%.3f/%.3f ms", v->p50 / 1e6, v->p99 / 1e6,
		   v->max / 1e6);
}

/*
 * A delay variation of the RTT and both directions: an object of three in
 * JSON; in text a line, once there is something to show (@text).
 */
static void print_variation(const struct sender_report *r, const char *key,
			    const char *head, bool text,
			    void (*one)(const struct sender_report *r, int k))
{
	int k;

	if (!is_json_context() && !text)
		return;
	open_json_object(key);
	print_text("%s", head);
	for (k = REP_RTT; k <= REP_BWD; k++) {
		open_json_object(sender_report_names[k]);
		print_text("%s %s ", k ? ";" : "", sender_report_names[k]);
		one(r, k);
		close_json_object();
	}
	print_nl(PRINT_FP);
	close_json_object();
}

static void print_analysis(const struct sender *s,
			   const struct sender_report *r)
{
	const struct metrics_reorder *ro = &r->reorder;
	unsigned int i;

	print_variation(r, "ipdv", "ipdv (RFC 3393) mean |ipdv|, min/max:",
			r->ipdv[REP_RTT].n, print_ipdv);
	print_variation(r, "pdv", "pdv (RFC 5481) p50/p99/max:",
			r->pdv[REP_RTT].n, print_pdv);

	open_json_object("reordering");
	print_u64(ro->received ? PRINT_ANY : PRINT_JSON, "reordered",
		  "reordered (RFC 4737): %" PRIu64, ro->reordered);
	if (ro->received)
		print_text(" of %" PRIu64 " (%.2f%%)", ro->received,
			   100 * ro->ratio);
	print_float(PRINT_JSON, "ratio", "%.6f", NULL, ro->ratio);
	print_u64(ro->received ? PRINT_ANY : PRINT_JSON, "max_extent",
		  ", largest extent %" PRIu64 " packets\n", ro->max_extent);
	close_json_object();

	open_json_array("rtt_histogram");
	if (s->o->histogram && r->hist.total)
		print_text("rtt histogram:\n");
	for (i = 0; i < METRICS_HIST_BUCKETS; i++) {
		char label[40];
		int64_t lo, hi;

		if (!r->hist.count[i])
			continue;
		metrics_hist_bounds(i, &lo, &hi);
		open_json_object(NULL);
		print_s64(PRINT_JSON, "lo_ns", NULL, lo);
		print_s64(PRINT_JSON, "hi_ns", NULL, hi);
		print_u64(PRINT_JSON, "count", NULL, r->hist.count[i]);
		close_json_object();
		if (!s->o->histogram)
			continue;
		metrics_hist_label(i, label, sizeof(label));
		print_text("  %-18s %8" PRIu64 " %5.1f%%\n", label,
			   r->hist.count[i],
			   100.0 * r->hist.count[i] / r->hist.total);
	}
	close_json_array();
	sender_hist_print(s, r);
}

/*
 * Loss by direction. Text shows it once there is something to split, or a
 * stateful reflector to say so about; "?" where a stateless-looking
 * reflector leaves it unknown (JSON null).
 */
static void print_split(const struct loss_split *sp)
{
	bool text = sp->forward || sp->backward || sp->unknown || sp->stateful;
	enum output_type t = text ? PRINT_ANY : PRINT_JSON;

	print_bool(PRINT_JSON, "reflector_stateful", NULL, sp->stateful);
	print_u64(PRINT_JSON, "reflector_seq_base", NULL, sp->refl_base);
	if (!sp->known) {
		print_null(t, "forward_lost", "loss: forward %s", "?");
		print_null(t, "backward_lost", ", backward %s", "?");
		print_u64(t, "direction_unknown", ", unknown %" PRIu64,
			  sp->unknown);
		print_string(text ? PRINT_FP : 0, NULL, " (reflector %s)\n",
			     sp->stateful ? "stateful, but nothing answered" :
			     "looks stateless: its Seq echoes ours, so the direction is not known; --stateful-reflector if it is stateful");
		return;
	}
	print_u64(t, "forward_lost", "loss: forward %" PRIu64, sp->forward);
	print_u64(t, "backward_lost", ", backward %" PRIu64, sp->backward);
	print_u64(t, "direction_unknown", ", unknown %" PRIu64
		  " (reflector stateful", sp->unknown);
	if (text && sp->refl_base)
		print_text(", its Seq for our first packet %" PRIu64,
			   sp->refl_base);
	if (text)
		print_text(")\n");
}

/* Short replies were measured; say what they lacked, and what that costs. */
static void print_short(const struct sender *s)
{
	enum output_type t = s->short_replies ? PRINT_ANY : PRINT_JSON;
	unsigned int i;

	print_u64(t, "short_replies", "%" PRIu64, s->short_replies);
	if (s->short_replies)
		print_text(" short replies (under %d octets) measured; missing:",
			   STAMP_BASE_LEN);
	open_json_object("missing_fields");
	for (i = 0; i < REPLY_NMISSING; i++)
		print_u64(PRINT_JSON, sender_reply_missing_names[i], NULL,
			  s->missing[i]);
	close_json_object();
	if (!s->short_replies)
		return;
	if (s->missing[REPLY_MISSING_SENDER_ERREST])
		print_text(" sender_errest in %" PRIu64 " (the Error Estimate our packet had),",
			   s->missing[REPLY_MISSING_SENDER_ERREST]);
	if (s->missing[REPLY_MISSING_SENDER_TTL])
		print_text(" sender_ttl in %" PRIu64 " (no forward TTL for those replies)",
			   s->missing[REPLY_MISSING_SENDER_TTL]);
	print_nl(PRINT_FP);
}

/* The fields a short reply lacked */
static void print_missing(const char *key, unsigned int missing)
{
	int i;

	open_json_array(key);
	for (i = 0; i < REPLY_NMISSING; i++)
		if (missing & 1U << i)
			print_string(PRINT_JSON, NULL, NULL,
				     sender_reply_missing_names[i]);
	close_json_array();
}

/* a packet's members, JSON only: an event or an element of "packets" */
static void print_packet(const struct sender *s, uint64_t i,
			 const struct probe *p)
{
	print_u64(PRINT_JSON, "seq", NULL, i);
	print_uint(PRINT_JSON, "reflector_seq", NULL, p->refl_seq);
	print_uint(PRINT_JSON, "length", NULL, p->length);
	print_uint(PRINT_JSON, "ttl", NULL, p->ttl);
	if (p->missing & 1U << REPLY_MISSING_SENDER_TTL)
		print_null(PRINT_JSON, "sender_ttl", NULL, NULL);
	else
		print_uint(PRINT_JSON, "sender_ttl", NULL, p->sender_ttl);
	print_uint(PRINT_JSON, "reflector_errest", NULL, p->refl_errest);
	print_missing("missing", p->missing);
	print_s64_string(PRINT_JSON, "t1_user_ns", NULL, p->t1_user);
	print_s64_string(PRINT_JSON, "t1_ns", NULL, p->t1);
	print_s64_string(PRINT_JSON, "t2_ns", NULL, p->t2);
	print_s64_string(PRINT_JSON, "t3_ns", NULL, p->t3);
	print_s64_string(PRINT_JSON, "t4_ns", NULL, p->t4);
	print_s64(PRINT_JSON, "rtt_ns", NULL,
		  (p->t4 - p->t1) - (p->t3 - p->t2));
	print_s64(PRINT_JSON, "forward_ns", NULL, p->t2 - p->t1);
	print_s64(PRINT_JSON, "backward_ns", NULL, p->t4 - p->t3);
	print_s64(PRINT_JSON, "residence_ns", NULL, p->t3 - p->t2);
	sender_tlv_json_packet(s, p);
}

/**
 * sender_event() - one event of the test, for --json-lines
 * @s: the sender
 * @type: reply, lost, late, duplicate, malformed, auth_failure or
 *	tlv_rejected (a Micro-session ID not ours: discarded)
 * @seq: the Sender Seq concerned (not for malformed or auth_failure: a
 *	reply that failed authentication says nothing to be believed)
 * @p: the packet's record, for a reply
 */
void sender_event(struct sender *s, const char *type, uint64_t seq,
		  const struct probe *p)
{
	if (!s->o->json_lines)
		return;
	begin(s);
	open_json_object(NULL);
	print_string(PRINT_JSON, "type", NULL, type);
	if (p)
		print_packet(s, seq, p);
	else if (strcmp(type, "malformed") && strcmp(type, "auth_failure"))
		print_u64(PRINT_JSON, "seq", NULL, seq);
	close_json_object();
	print_nl(PRINT_JSON);
	fflush(stdout);
}

/**
 * sender_interval() - report the interval that just ended
 * @s: the sender
 * @now: CLOCK_MONOTONIC ns
 *
 * Text, a JSON line, and the Prometheus textfile, as the options ask.
 */
void sender_interval(struct sender *s, uint64_t now)
{
	const struct loss_acc *l = &s->loss, *b = &s->one->iv_base;
	const struct stat_acc *a = &s->one->iv_rtt;
	double t = (now - s->start_mono) / 1e9;

	/* -j prints one document, at the end */
	if (s->o->json_lines || !s->o->json) {
		begin(s);
		open_json_object(NULL);
		print_string(PRINT_JSON, "type", NULL, "interval");
		print_float(PRINT_ANY, "elapsed_s", "%.3f", "[%.1f s]", t);
		print_float(PRINT_ANY, "interval_s", "%g", " last %g s:",
			    s->o->report_s);
		print_u64(PRINT_ANY, "sent", " %" PRIu64 " sent",
			  l->sent - b->sent);
		print_u64(PRINT_ANY, "received", ", %" PRIu64 " received",
			  l->received - b->received);
		print_u64(PRINT_ANY, "lost", ", %" PRIu64 " lost",
			  l->lost - b->lost);
		open_json_object("rtt");
		print_u64(PRINT_JSON, "count", NULL, a->n);
		if (a->n) {
			print_s64(PRINT_JSON, "min_ns", NULL, a->min);
			print_float(PRINT_JSON, "avg_ns", "%.0f", NULL,
				    a->mean);
			print_s64(PRINT_JSON, "max_ns", NULL, a->max);
			print_text(", rtt min/avg/max = %.3f/%.3f/%.3f ms",
				   a->min / 1e6, a->mean / 1e6, a->max / 1e6);
		}
		close_json_object();
		close_json_object();
		print_nl(PRINT_ANY);
	}
	fflush(stdout);
	/* a pipe gets one textfile, at the end */
	if (s->o->prom_path && strcmp(s->o->prom_path, "-"))
		sender_write_prometheus(s, s->o->prom_path);
	s->one->iv_base = *l;
	stat_free(&s->one->iv_rtt);
}

/*
 * Why one-way delays are in doubt: a line of text each, and in JSON their
 * names, with one_way_valid true only with something measured and
 * nothing to doubt it by.
 */
static void print_warnings(const struct sender *s, unsigned int w)
{
	static const char *const text[OWD_NWARNINGS] = {
		[OWD_LOCAL_UNSYNCED] = "note: local clock not synchronized: one-way delays include the offset between the two clocks\n",
		[OWD_REFL_UNSYNCED] = "note: reflector clock not synchronized (S bit clear): one-way delays include the offset between the two clocks\n",
		[OWD_NEGATIVE] = "warning: negative one-way delays: the clocks disagree by more than the path delay; one-way figures are meaningless\n",
	};
	static const int order[OWD_NWARNINGS] = {
		OWD_LOCAL_UNSYNCED, OWD_REFL_UNSYNCED, OWD_TAI_IN_NTP,
		OWD_NEGATIVE,
	};
	int i;

	print_bool(PRINT_JSON, "one_way_valid", NULL, s->one->fwd.n && !w);
	open_json_array("warnings");
	/* text only says so with replies to go by */
	if (!s->one->rtt.n && !is_json_context())
		w = 0;
	for (i = 0; i < OWD_NWARNINGS; i++) {
		int k = order[i];

		if (!(w & (1U << k)))
			continue;
		print_string(PRINT_JSON, NULL, NULL, owd_warning_names[k]);
		if (k == OWD_TAI_IN_NTP)
			print_text("warning: the reflector writes TAI into NTP-format timestamps (RFC 8762 wants UTC there): its T2/T3 are %.3f to %.3f s ahead, TAI - UTC, so one-way delays are that far off; the RTT is not affected\n",
				   s->ntp_off_min / 1e9, s->ntp_off_max / 1e9);
		else
			print_string(PRINT_FP, NULL, "%s", text[k]);
	}
	close_json_array();
}

/*
 * The end of the test: ping's statistics block in text, one JSON object
 * (the last line of --json-lines, or the whole -j document with every
 * packet in it).
 */
static void print_summary(struct sender *s)
{
	const struct loss_acc *l = &s->loss;
	enum output_type t;
	struct sender_report r;
	uint64_t i;

	begin(s);
	sender_report(s, &r);
	open_json_object(NULL);
	if (s->o->json_lines)
		print_string(PRINT_JSON, "type", NULL, "summary");
	print_string(PRINT_ANY, "target", "\n--- %s stamp statistics ---\n",
		     s->o->target);
	print_string(PRINT_JSON, "address", NULL, s->one->addr);
	print_uint(PRINT_JSON, "port", NULL, s->o->port);
	print_float(PRINT_JSON, "interval_s", "%g", NULL, s->o->interval_s);
	print_uint(PRINT_JSON, "length", NULL, s->o->len);
	print_string(PRINT_JSON, "timestamp_format", NULL,
		     s->o->ptp ? "ptp" : "ntp");
	print_bool(PRINT_JSON, "clock_synced", NULL, s->clk.synced);
	print_bool(PRINT_JSON, "reflector_clock_synced", NULL,
		   sender_refl_synced(s));
	print_string(PRINT_JSON, "reflector_timestamp_format", NULL,
		     s->refl_ptp ? "ptp" : "ntp");
	print_string(PRINT_JSON, "schedule", NULL, s->o->poisson ? "poisson" :
		     s->o->random_start ? "periodic-random-start" : "periodic");
	/* a string: a seed above 2^53 would not survive a double */
	print_u64_string(PRINT_JSON, "seed", NULL, s->seed);
	print_u64(PRINT_JSON, "schedule_slips", NULL, s->slips);
	print_u64(PRINT_JSON, "send_calls", NULL, s->send_calls);
	print_u64(PRINT_JSON, "icmp_errors", NULL, s->icmp_errors);
	print_string(PRINT_JSON, "timestamping", NULL,
		     sender_ts_name(s->ts.method));
	print_u64(PRINT_JSON, "hw_stamps", NULL, s->ts.hw_stamps);
	if (s->ts.method == TS_BPF) {
		char ifname[IF_NAMESIZE] = "";

		if_indextoname(s->ts.ifindex, ifname);
		print_string(PRINT_JSON, "timestamping_device", NULL, ifname);
	}
	print_bool(PRINT_JSON, "authenticated", NULL, s->o->key_len);
	print_uint(PRINT_JSON, "ssid", NULL, s->o->ssid);
	print_bool(PRINT_JSON, "ssid_chosen", NULL, s->o->ssid_auto);
	if (s->ntp_replies) {
		open_json_object("reflector_offset_ns");
		print_s64(PRINT_JSON, "min", NULL, s->ntp_off_min);
		print_s64(PRINT_JSON, "max", NULL, s->ntp_off_max);
		close_json_object();
	}

	print_u64(PRINT_ANY, "sent", "%" PRIu64 " packets transmitted",
		  l->sent);
	print_u64(PRINT_ANY, "received", ", %" PRIu64 " received",
		  l->received);
	print_u64(PRINT_ANY, "lost", ", %" PRIu64 " lost", l->lost);
	print_float(PRINT_ANY, "loss_pct", "%.3f", " (%.1f%%)", loss_pct(l));
	print_float(PRINT_ANY, "loss_threshold_s", "%g",
		    ", loss threshold %.3f s\n", s->o->wait_s);
	print_u64(loss_in_flight(l) ? PRINT_ANY : PRINT_JSON, "in_flight",
		  "%" PRIu64 " still in flight when interrupted\n",
		  loss_in_flight(l));
	t = l->late || l->duplicates || l->malformed ? PRINT_ANY : PRINT_JSON;
	print_u64(t, "late", "%" PRIu64 " late", l->late);
	print_u64(t, "duplicates", ", %" PRIu64 " duplicates", l->duplicates);
	print_u64(t, "malformed", ", %" PRIu64 " malformed replies\n",
		  l->malformed);
	print_short(s);
	print_split(&r.split);
	print_u64(s->o->key_len ? PRINT_ANY : PRINT_JSON, "auth_failures",
		  "authenticated (HMAC-SHA-256): %" PRIu64
		  " replies failed authentication and were ignored\n",
		  l->auth_failures);
	print_float(achieved_pps(s) ? PRINT_ANY : PRINT_JSON, "achieved_pps",
		    "%.3f", "sent at %.1f packets/s", achieved_pps(s));
	if (achieved_pps(s))
		print_text(" (asked %.1f)%s\n", 1 / s->o->interval_s, s->slips ?
			   ", fell behind the schedule" : "");
	print_stat("rtt", "rtt", &s->one->rtt, &r.pct[REP_RTT], true);
	print_stat("forward", "forward one-way", &s->one->fwd, &r.pct[REP_FWD],
		   false);
	print_stat("backward", "backward one-way", &s->one->bwd, &r.pct[REP_BWD],
		   false);
	print_stat("residence", "reflector residence", &s->one->res,
		   &r.pct[REP_RES], false);
	print_analysis(s, &r);
	t = s->ts.fallbacks || s->t1_fallbacks ? PRINT_ANY : PRINT_JSON;
	print_u64(t, "t4_fallbacks", "%" PRIu64 " T4", s->ts.fallbacks);
	print_u64(t, "t1_fallbacks", " and %" PRIu64
		  " T1 stamps fell back to coarser sources\n", s->t1_fallbacks);
	print_warnings(s, owd_warnings(s));
	sender_tlv_print(s);
	if (!s->o->json_lines) {
		open_json_array("packets");
		for (i = 0; i < l->sent; i++) {
			const struct probe *p = &s->probes[i];

			if (p->state != ANSWERED)
				continue;
			open_json_object(NULL);
			print_packet(s, i, p);
			close_json_object();
		}
		close_json_array();
	}
	close_json_object();
	print_nl(PRINT_JSON);
}

/**
 * sender_print_text() - the summary, for a person
 * @s: the sender
 */
void sender_print_text(struct sender *s)
{
	print_summary(s);
}

/**
 * sender_print_json() - the summary in JSON (-j, or --json-lines' last)
 * @s: the sender
 */
void sender_print_json(struct sender *s)
{
	print_summary(s);
}
