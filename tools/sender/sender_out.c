// SPDX-License-Identifier: GPL-2.0
/* What `stampnl sender` prints: ping-like text, or one JSON document. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "sender.h"
#include "sender_report.h"

void sender_print_reply(struct sender *s, uint64_t seq, const struct probe *p)
{
	char sttl[8] = "?";

	if (!(p->missing & 1U << REPLY_MISSING_SENDER_TTL))
		snprintf(sttl, sizeof(sttl), "%u", p->sender_ttl);
	printf("%u bytes from %s: seq=%" PRIu64 " rseq=%u rtt=%.3f ms fwd=%.3f ms bwd=%.3f ms res=%.3f ms sttl=%s ttl=%u%s\n",
	       p->length, s->addr, seq, p->refl_seq,
	       ((p->t4 - p->t1) - (p->t3 - p->t2)) / 1e6,
	       (p->t2 - p->t1) / 1e6, (p->t4 - p->t3) / 1e6,
	       (p->t3 - p->t2) / 1e6, sttl, p->ttl,
	       p->missing ? " (short reply)" : "");
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
	else if (s->fwd.n && (s->fwd.min < 0 || s->bwd.min < 0))
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

static void print_stat_text(const char *name, const struct stat_acc *a,
			    const struct metrics_pct *pct, bool mdev)
{
	if (!a->n)
		return;
	printf("%s min/avg/max%s = %.3f/%.3f/%.3f", name, mdev ? "/mdev" : "",
	       a->min / 1e6, a->mean / 1e6, a->max / 1e6);
	if (mdev)
		printf("/%.3f", stat_mdev(a) / 1e6);
	printf(" ms, p50/p90/p99/p99.9 = %.3f/%.3f/%.3f/%.3f ms\n",
	       pct->p50 / 1e6, pct->p90 / 1e6, pct->p99 / 1e6, pct->p999 / 1e6);
}

static void print_analysis_text(const struct sender *s,
				const struct sender_report *r)
{
	const struct metrics_reorder *ro = &r->reorder;
	unsigned int i;
	int k;

	if (r->ipdv[REP_RTT].n) {
		printf("ipdv (RFC 3393) mean |ipdv|, min/max:");
		for (k = REP_RTT; k <= REP_BWD; k++)
			printf("%s %s %.3f ms, %.3f/%.3f ms", k ? ";" : "",
			       sender_report_names[k], r->ipdv[k].jitter / 1e6,
			       r->ipdv[k].min / 1e6, r->ipdv[k].max / 1e6);
		printf("\n");
	}
	if (r->pdv[REP_RTT].n) {
		printf("pdv (RFC 5481) p50/p99/max:");
		for (k = REP_RTT; k <= REP_BWD; k++)
			printf("%s %s %.3f/%.3f/%.3f ms", k ? ";" : "",
			       sender_report_names[k], r->pdv[k].p50 / 1e6,
			       r->pdv[k].p99 / 1e6, r->pdv[k].max / 1e6);
		printf("\n");
	}
	if (ro->received)
		printf("reordered (RFC 4737): %" PRIu64 " of %" PRIu64
		       " (%.2f%%), largest extent %" PRIu64 " packets\n",
		       ro->reordered, ro->received, 100 * ro->ratio,
		       ro->max_extent);
	if (!s->o.histogram || !r->hist.total)
		return;
	printf("rtt histogram:\n");
	for (i = 0; i < METRICS_HIST_BUCKETS; i++) {
		char label[40];

		if (!r->hist.count[i])
			continue;
		metrics_hist_label(i, label, sizeof(label));
		printf("  %-18s %8" PRIu64 " %5.1f%%\n", label, r->hist.count[i],
		       100.0 * r->hist.count[i] / r->hist.total);
	}
}

/*
 * Shown once there is something to split, or a stateful reflector to say
 * so about; "?" where a stateless-looking reflector leaves it unknown.
 */
static void print_split_text(const struct loss_split *sp)
{
	if (!sp->forward && !sp->backward && !sp->unknown && !sp->stateful)
		return;
	if (!sp->known) {
		printf("loss: forward ?, backward ?, unknown %" PRIu64
		       " (reflector %s)\n", sp->unknown, sp->stateful ?
		       "stateful, but nothing answered" :
		       "looks stateless: its Seq echoes ours, so the direction is not known; --stateful-reflector if it is stateful");
		return;
	}
	printf("loss: forward %" PRIu64 ", backward %" PRIu64 ", unknown %"
	       PRIu64 " (reflector stateful", sp->forward, sp->backward,
	       sp->unknown);
	if (sp->refl_base)
		printf(", its Seq for our first packet %" PRIu64, sp->refl_base);
	printf(")\n");
}

/* Short replies were measured; say what they lacked, and what that costs. */
static void print_short_text(const struct sender *s)
{
	if (!s->short_replies)
		return;
	printf("%" PRIu64 " short replies (under %d octets) measured; missing:",
	       s->short_replies, STAMP_BASE_LEN);
	if (s->missing[REPLY_MISSING_SENDER_ERREST])
		printf(" sender_errest in %" PRIu64 " (the Error Estimate our packet had),",
		       s->missing[REPLY_MISSING_SENDER_ERREST]);
	if (s->missing[REPLY_MISSING_SENDER_TTL])
		printf(" sender_ttl in %" PRIu64 " (no forward TTL for those replies)",
		       s->missing[REPLY_MISSING_SENDER_TTL]);
	printf("\n");
}

void sender_print_text(struct sender *s)
{
	const struct loss_acc *l = &s->loss;
	struct sender_report r;
	unsigned int w;

	sender_report(s, &r);

	printf("\n--- %s stamp statistics ---\n", s->o.target);
	printf("%" PRIu64 " packets transmitted, %" PRIu64 " received, %" PRIu64
	       " lost (%.1f%%), loss threshold %.3f s\n",
	       l->sent, l->received, l->lost, loss_pct(l), s->o.wait_s);
	if (loss_in_flight(l))
		printf("%" PRIu64 " still in flight when interrupted\n",
		       loss_in_flight(l));
	if (l->late || l->duplicates || l->malformed)
		printf("%" PRIu64 " late, %" PRIu64 " duplicates, %" PRIu64
		       " malformed replies\n",
		       l->late, l->duplicates, l->malformed);
	print_short_text(s);
	print_split_text(&r.split);
	if (s->o.key_len)
		printf("authenticated (HMAC-SHA-256): %" PRIu64
		       " replies failed authentication and were ignored\n",
		       l->auth_failures);
	if (achieved_pps(s))
		printf("sent at %.1f packets/s (asked %.1f)%s\n", achieved_pps(s),
		       1 / s->o.interval_s, s->slips ?
		       ", fell behind the schedule" : "");
	print_stat_text("rtt", &s->rtt, &r.pct[REP_RTT], true);
	print_stat_text("forward one-way", &s->fwd, &r.pct[REP_FWD], false);
	print_stat_text("backward one-way", &s->bwd, &r.pct[REP_BWD], false);
	print_stat_text("reflector residence", &s->res, &r.pct[REP_RES],
			false);
	print_analysis_text(s, &r);
	if (s->ts.fallbacks || s->t1_fallbacks)
		printf("%" PRIu64 " T4 and %" PRIu64 " T1 stamps fell back to coarser sources\n",
		       s->ts.fallbacks, s->t1_fallbacks);
	w = s->rtt.n ? owd_warnings(s) : 0;
	if (w & (1U << OWD_LOCAL_UNSYNCED))
		printf("note: local clock not synchronized: one-way delays include the offset between the two clocks\n");
	if (w & (1U << OWD_REFL_UNSYNCED))
		printf("note: reflector clock not synchronized (S bit clear): one-way delays include the offset between the two clocks\n");
	if (w & (1U << OWD_TAI_IN_NTP))
		printf("warning: the reflector writes TAI into NTP-format timestamps (RFC 8762 wants UTC there): its T2/T3 are %.3f to %.3f s ahead, TAI - UTC, so one-way delays are that far off; the RTT is not affected\n",
		       s->ntp_off_min / 1e9, s->ntp_off_max / 1e9);
	if (w & (1U << OWD_NEGATIVE))
		printf("warning: negative one-way delays: the clocks disagree by more than the path delay; one-way figures are meaningless\n");
	sender_tlv_print_text(s);
}

static void json_pct(const struct metrics_pct *p)
{
	printf("\"p50_ns\":%" PRId64 ",\"p90_ns\":%" PRId64 ",\"p99_ns\":%"
	       PRId64 ",\"p999_ns\":%" PRId64 ",\"max_ns\":%" PRId64,
	       p->p50, p->p90, p->p99, p->p999, p->max);
}

static void json_stat(const char *name, const struct stat_acc *a,
		      const struct metrics_pct *pct)
{
	printf(",\"%s\":{\"count\":%" PRIu64, name, a->n);
	if (a->n) {
		printf(",\"min_ns\":%" PRId64 ",\"avg_ns\":%.0f,\"mdev_ns\":%.0f,",
		       a->min, a->mean, stat_mdev(a));
		json_pct(pct);
	}
	printf("}");
}

static void json_analysis(const struct sender_report *r)
{
	const struct metrics_reorder *ro = &r->reorder;
	unsigned int i;
	bool first = true;
	int k;

	printf(",\"ipdv\":{");
	for (k = REP_RTT; k <= REP_BWD; k++)
		printf("%s\"%s\":{\"count\":%" PRIu64 ",\"min_ns\":%" PRId64
		       ",\"max_ns\":%" PRId64 ",\"mean_ns\":%.0f,\"jitter_ns\":%.0f}",
		       k ? "," : "", sender_report_names[k], r->ipdv[k].n,
		       r->ipdv[k].min, r->ipdv[k].max, r->ipdv[k].mean,
		       r->ipdv[k].jitter);
	printf("},\"pdv\":{");
	for (k = REP_RTT; k <= REP_BWD; k++) {
		printf("%s\"%s\":{\"count\":%zu,", k ? "," : "",
		       sender_report_names[k], r->pdv[k].n);
		json_pct(&r->pdv[k]);
		printf("}");
	}
	printf("},\"reordering\":{\"reordered\":%" PRIu64, ro->reordered);
	printf(",\"ratio\":%.6f,\"max_extent\":%" PRIu64 "}", ro->ratio,
	       ro->max_extent);
	printf(",\"rtt_histogram\":[");
	for (i = 0; i < METRICS_HIST_BUCKETS; i++) {
		int64_t lo, hi;

		if (!r->hist.count[i])
			continue;
		metrics_hist_bounds(i, &lo, &hi);
		printf("%s{\"lo_ns\":%" PRId64 ",\"hi_ns\":%" PRId64
		       ",\"count\":%" PRIu64 "}", first ? "" : ",", lo, hi,
		       r->hist.count[i]);
		first = false;
	}
	printf("]");
}

static void json_split(const struct loss_split *sp)
{
	printf(",\"reflector_stateful\":%s,\"reflector_seq_base\":%" PRIu64,
	       sp->stateful ? "true" : "false", sp->refl_base);
	if (sp->known)
		printf(",\"forward_lost\":%" PRIu64 ",\"backward_lost\":%" PRIu64,
		       sp->forward, sp->backward);
	else
		printf(",\"forward_lost\":null,\"backward_lost\":null");
	printf(",\"direction_unknown\":%" PRIu64, sp->unknown);
}

static void json_string(const char *str)
{
	putchar('"');
	for (; *str; str++) {
		if (*str == '"' || *str == '\\')
			printf("\\%c", *str);
		else if ((unsigned char)*str < 0x20)
			printf("\\u%04x", *str);
		else
			putchar(*str);
	}
	putchar('"');
}

/* The fields a short reply lacked, as a JSON array */
static void json_missing(const char *key, unsigned int missing)
{
	bool first = true;
	int i;

	printf(",\"%s\":[", key);
	for (i = 0; i < REPLY_NMISSING; i++) {
		if (!(missing & 1U << i))
			continue;
		printf("%s\"%s\"", first ? "" : ",", sender_reply_missing_names[i]);
		first = false;
	}
	printf("]");
}

static void json_packet(const struct sender *s, uint64_t i,
			const struct probe *p)
{
	printf("\"seq\":%" PRIu64 ",\"reflector_seq\":%u,\"length\":%u,\"ttl\":%u",
	       i, p->refl_seq, p->length, p->ttl);
	if (p->missing & 1U << REPLY_MISSING_SENDER_TTL)
		printf(",\"sender_ttl\":null");
	else
		printf(",\"sender_ttl\":%u", p->sender_ttl);
	printf(",\"reflector_errest\":%u", p->refl_errest);
	json_missing("missing", p->missing);
	printf(",\"t1_user_ns\":%" PRId64 ",\"t1_ns\":%" PRId64 ",\"t2_ns\":%"
	       PRId64 ",\"t3_ns\":%" PRId64 ",\"t4_ns\":%" PRId64,
	       p->t1_user, p->t1, p->t2, p->t3, p->t4);
	printf(",\"rtt_ns\":%" PRId64 ",\"forward_ns\":%" PRId64
	       ",\"backward_ns\":%" PRId64 ",\"residence_ns\":%" PRId64,
	       (p->t4 - p->t1) - (p->t3 - p->t2), p->t2 - p->t1, p->t4 - p->t3,
	       p->t3 - p->t2);
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
	if (!s->o.json_lines)
		return;
	printf("{\"type\":\"%s\"", type);
	if (p) {
		printf(",");
		json_packet(s, seq, p);
	} else if (strcmp(type, "malformed") && strcmp(type, "auth_failure")) {
		printf(",\"seq\":%" PRIu64, seq);
	}
	printf("}\n");
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
	const struct loss_acc *l = &s->loss, *b = &s->iv_base;
	const struct stat_acc *a = &s->iv_rtt;
	double t = (now - s->start_mono) / 1e9;

	if (s->o.json_lines) {
		printf("{\"type\":\"interval\",\"elapsed_s\":%.3f,\"interval_s\":%g,\"sent\":%"
		       PRIu64 ",\"received\":%" PRIu64 ",\"lost\":%" PRIu64,
		       t, s->o.report_s, l->sent - b->sent,
		       l->received - b->received, l->lost - b->lost);
		printf(",\"rtt\":{\"count\":%" PRIu64, a->n);
		if (a->n)
			printf(",\"min_ns\":%" PRId64 ",\"avg_ns\":%.0f,\"max_ns\":%"
			       PRId64, a->min, a->mean, a->max);
		printf("}}\n");
	} else if (!s->o.json) {
		printf("[%.1f s] last %g s: %" PRIu64 " sent, %" PRIu64
		       " received, %" PRIu64 " lost", t, s->o.report_s,
		       l->sent - b->sent, l->received - b->received,
		       l->lost - b->lost);
		if (a->n)
			printf(", rtt min/avg/max = %.3f/%.3f/%.3f ms",
			       a->min / 1e6, a->mean / 1e6, a->max / 1e6);
		printf("\n");
	}
	fflush(stdout);
	/* a pipe gets one textfile, at the end */
	if (s->o.prom_path && strcmp(s->o.prom_path, "-"))
		sender_write_prometheus(s, s->o.prom_path);
	s->iv_base = *l;
	stat_free(&s->iv_rtt);
}

/* valid only with something measured and nothing to doubt it by */
static void json_warnings(const struct sender *s)
{
	unsigned int w = owd_warnings(s);
	bool first = true;
	int i;

	printf(",\"one_way_valid\":%s,\"warnings\":[",
	       s->fwd.n && !w ? "true" : "false");
	for (i = 0; i < OWD_NWARNINGS; i++) {
		if (!(w & (1U << i)))
			continue;
		printf("%s\"%s\"", first ? "" : ",", owd_warning_names[i]);
		first = false;
	}
	printf("]");
}

void sender_print_json(struct sender *s)
{
	const struct loss_acc *l = &s->loss;
	struct sender_report r;
	uint64_t i;
	bool first = true;

	printf("{%s\"target\":", s->o.json_lines ? "\"type\":\"summary\"," : "");
	json_string(s->o.target);
	printf(",\"address\":\"%s\",\"port\":%u,\"interval_s\":%g,\"loss_threshold_s\":%g,\"length\":%u,\"timestamp_format\":\"%s\",\"clock_synced\":%s,\"reflector_clock_synced\":%s,\"reflector_timestamp_format\":\"%s\"",
	       s->addr, s->o.port, s->o.interval_s, s->o.wait_s, s->o.len,
	       s->o.ptp ? "ptp" : "ntp", s->clk.synced ? "true" : "false",
	       sender_refl_synced(s) ? "true" : "false",
	       s->refl_ptp ? "ptp" : "ntp");
	json_warnings(s);
	/* a string: 64 bits do not survive a reader that holds doubles */
	printf(",\"schedule\":\"%s\",\"seed\":\"%" PRIu64
	       "\",\"achieved_pps\":%.3f,\"schedule_slips\":%" PRIu64
	       ",\"send_calls\":%" PRIu64 ",\"icmp_errors\":%" PRIu64,
	       s->o.poisson ? "poisson" : s->o.random_start ?
	       "periodic-random-start" : "periodic", s->o.seed,
	       achieved_pps(s), s->slips, s->send_calls, s->icmp_errors);
	printf(",\"timestamping\":\"%s\",\"t4_fallbacks\":%" PRIu64
	       ",\"t1_fallbacks\":%" PRIu64 ",\"hw_stamps\":%" PRIu64,
	       sender_ts_name(s->ts.method), s->ts.fallbacks, s->t1_fallbacks,
	       s->ts.hw_stamps);
	if (s->ts.method == TS_BPF) {
		char ifname[IF_NAMESIZE] = "";

		if_indextoname(s->ts.ifindex, ifname);
		printf(",\"timestamping_device\":");
		json_string(ifname);
	}
	printf(",\"sent\":%" PRIu64 ",\"received\":%" PRIu64 ",\"lost\":%" PRIu64
	       ",\"loss_pct\":%.3f,\"in_flight\":%" PRIu64 ",\"late\":%" PRIu64
	       ",\"duplicates\":%" PRIu64 ",\"malformed\":%" PRIu64,
	       l->sent, l->received, l->lost, loss_pct(l), loss_in_flight(l),
	       l->late, l->duplicates, l->malformed);
	printf(",\"short_replies\":%" PRIu64 ",\"missing_fields\":{",
	       s->short_replies);
	for (i = 0; i < REPLY_NMISSING; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "",
		       sender_reply_missing_names[i], s->missing[i]);
	printf("}");
	printf(",\"authenticated\":%s,\"auth_failures\":%" PRIu64,
	       s->o.key_len ? "true" : "false", l->auth_failures);
	printf(",\"ssid\":%u,\"ssid_chosen\":%s", s->o.ssid,
	       s->o.ssid_auto ? "true" : "false");
	if (s->ntp_replies)
		printf(",\"reflector_offset_ns\":{\"min\":%" PRId64 ",\"max\":%" PRId64 "}",
		       s->ntp_off_min, s->ntp_off_max);
	sender_report(s, &r);
	json_split(&r.split);
	json_stat("rtt", &s->rtt, &r.pct[REP_RTT]);
	json_stat("forward", &s->fwd, &r.pct[REP_FWD]);
	json_stat("backward", &s->bwd, &r.pct[REP_BWD]);
	json_stat("residence", &s->res, &r.pct[REP_RES]);
	json_analysis(&r);
	sender_tlv_print_json(s);
	if (s->o.json_lines) {
		printf("}\n");
		return;
	}
	printf(",\"packets\":[");
	for (i = 0; i < l->sent; i++) {
		const struct probe *p = &s->probes[i];

		if (p->state != ANSWERED)
			continue;
		printf("%s{", first ? "" : ",");
		json_packet(s, i, p);
		printf("}");
		first = false;
	}
	printf("]}\n");
}
