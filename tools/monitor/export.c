// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's outputs: the Prometheus exposition (served on /metrics by
 * libmicrohttpd inside the monitor's own epoll loop, and written as a
 * textfile through prom.c's atomic writer) and a JSON line per session
 * per window. Every series carries session="NAME", unique in the file by
 * construction (the loader refuses two sessions of one name).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

#include "monitor.h"
#include "print.h"
#include "prom.h"

#define P "stampnl_monitor_"

static void labels(FILE *f, const struct mon_session *ms)
{
	fputs("{session=\"", f);
	prom_label_value(f, ms->cfg->name);
	fputs("\",target=\"", f);
	prom_label_value(f, ms->cfg->o.target);
	fprintf(f, "\"%s", ms->cfg->labels);
}

static void counter(FILE *f, const struct mon *m, const char *name,
		    const char *help, size_t off)
{
	size_t i;

	prom_family(f, P, name, "counter", help);
	for (i = 0; i < m->nsess; i++) {
		const struct ws_counts *c = &m->sess[i]->ws.cum;

		fprintf(f, P "%s", name);
		labels(f, m->sess[i]);
		fprintf(f, "} %" PRIu64 "\n",
			*(const uint64_t *)((const char *)c + off));
	}
}

struct emit_ctx {
	FILE *f;
	const char *name;
	const struct mon_session *ms;
};

static int emit(void *arg, const char *suffix, const char *le,
		const char *value)
{
	struct emit_ctx *e = arg;

	fprintf(e->f, P "%s%s", e->name, suffix);
	labels(e->f, e->ms);
	if (le)
		fprintf(e->f, ",le=\"%s\"", le);
	fprintf(e->f, "} %s\n", value);
	return 0;
}

static void hist(FILE *f, const struct mon *m, const char *name,
		 const char *help, enum ws_metric k)
{
	struct emit_ctx e = { .f = f, .name = name };
	size_t i;

	prom_family(f, P, name, "histogram", help);
	for (i = 0; i < m->nsess; i++) {
		e.ms = m->sess[i];
		winstats_prom_write(&e.ms->ws, k, emit, &e);
	}
}

/**
 * mon_render() - every metric, in the text exposition format
 * @m: the monitor
 * @f: where to
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: 0, or -EIO if the stream failed.
 */
int mon_render(const struct mon *m, FILE *f, uint64_t now)
{
	size_t i;
	int st;

	prom_family(f, P, "sessions", "gauge", "sessions in the configuration");
	fprintf(f, P "sessions %zu\n", m->nsess);
	prom_family(f, P, "reloads_total", "counter", "SIGHUP reloads tried");
	fprintf(f, P "reloads_total %" PRIu64 "\n", m->reloads);
	prom_family(f, P, "reload_failures_total", "counter",
		    "reloads refused (the file did not load; the running set was kept)");
	fprintf(f, P "reload_failures_total %" PRIu64 "\n", m->reload_failures);
	prom_family(f, P, "uptime_seconds", "gauge", "since the monitor started");
	fprintf(f, P "uptime_seconds %.3f\n", (now - m->start_mono) / 1e9);

#define C(field) offsetof(struct ws_counts, field)
	counter(f, m, "sent_total", "test packets sent", C(loss.sent));
	counter(f, m, "received_total", "replies within the loss threshold",
		C(loss.received));
	counter(f, m, "lost_total", "packets unanswered within the loss threshold",
		C(loss.lost));
	counter(f, m, "late_total", "replies after the loss threshold",
		C(loss.late));
	counter(f, m, "duplicate_total", "replies to a packet already answered",
		C(loss.duplicates));
	counter(f, m, "malformed_total",
		"replies for no packet sent, or whose TLVs were refused",
		C(loss.malformed));
	counter(f, m, "auth_failures_total", "replies whose HMAC was wrong",
		C(loss.auth_failures));
	counter(f, m, "reordered_total",
		"replies arriving after a later packet's (RFC 4737 3.3)",
		C(reordered));
	counter(f, m, "negative_delays_total",
		"one-way delays below 0 (clocks apart), left out of the histograms",
		C(negative));
#undef C
	prom_family(f, P, "lost_direction", "gauge",
		    "lost packets by direction, from a stateful reflector's Seq (RFC 8762 4); all unknown otherwise");
	for (i = 0; i < m->nsess; i++) {
		static const char *const dir[] = { "forward", "backward",
						   "unknown" };
		struct loss_split sp;
		uint64_t v[3];

		winstats_split(&m->sess[i]->ws, &sp);
		v[0] = sp.forward;
		v[1] = sp.backward;
		v[2] = sp.unknown;
		for (st = 0; st < 3; st++) {
			fprintf(f, P "lost_direction");
			labels(f, m->sess[i]);
			fprintf(f, ",direction=\"%s\"} %" PRIu64 "\n", dir[st],
				v[st]);
		}
	}

	prom_family(f, P, "icmp_errors_total", "counter",
		    "ICMP unreachable or refused reported on the session's socket (since it was last opened)");
	for (i = 0; i < m->nsess; i++) {
		fprintf(f, P "icmp_errors_total");
		labels(f, m->sess[i]);
		fprintf(f, "} %" PRIu64 "\n",
			m->sess[i]->open ? m->sess[i]->s.icmp_errors : 0);
	}
	prom_family(f, P, "state", "gauge",
		    "1 for the session's state: starting, up, down (no reply), unreachable (ICMP errors or no route), unresolved (name), error (setup failed, retried)");
	for (i = 0; i < m->nsess; i++) {
		enum mon_state s = mon_session_state(m->sess[i], now);

		for (st = 0; st < MON_NSTATES; st++) {
			fprintf(f, P "state");
			labels(f, m->sess[i]);
			fprintf(f, ",state=\"%s\"} %d\n", mon_state_names[st],
				st == (int)s);
		}
	}
	prom_family(f, P, "last_reply_age_seconds", "gauge",
		    "since the last reply within the threshold (absent before the first)");
	for (i = 0; i < m->nsess; i++) {
		if (!m->sess[i]->last_reply)
			continue;
		fprintf(f, P "last_reply_age_seconds");
		labels(f, m->sess[i]);
		fprintf(f, "} %.3f\n", (now - m->sess[i]->last_reply) / 1e9);
	}
	prom_family(f, P, "timestamping", "gauge",
		    "1 for where T1 and T4 are taken (bpf: the device's shared TC programs; user: around send() and recv()); fallback names why BPF was not used");
	for (i = 0; i < m->nsess; i++) {
		const struct mon_session *ms = m->sess[i];

		if (!ms->open)
			continue;
		fprintf(f, P "timestamping");
		labels(f, ms);
		fprintf(f, ",method=\"%s\",fallback=\"",
			sender_ts_name(ms->s.ts.method));
		prom_label_value(f, ms->ts_why && ms->s.ts.method != TS_BPF ?
				 ms->ts_why : "");
		fprintf(f, "\"} 1\n");
	}
	prom_family(f, P, "one_way_valid", "gauge",
		    "1 while forward and backward delays can be believed (both clocks synchronized, no TAI in NTP fields, none negative)");
	for (i = 0; i < m->nsess; i++) {
		fprintf(f, P "one_way_valid");
		labels(f, m->sess[i]);
		fprintf(f, "} %d\n", mon_one_way_valid(m->sess[i]));
	}
	prom_family(f, P, "reflector_tai_in_ntp", "gauge",
		    "1 when every NTP-format reply is 37 s off: the reflector writes TAI into NTP fields");
	for (i = 0; i < m->nsess; i++) {
		fprintf(f, P "reflector_tai_in_ntp");
		labels(f, m->sess[i]);
		fprintf(f, "} %d\n", sender_refl_tai_in_ntp(&m->sess[i]->s));
	}
	prom_family(f, P, "alarm", "gauge",
		    "1 when the last window crossed the session's threshold: kind rtt (mean RTT above alarm-rtt-ms) or loss (above alarm-loss-pct)");
	for (i = 0; i < m->nsess; i++) {
		const struct mon_session *ms = m->sess[i];

		if (ms->cfg->alarm_rtt_ms >= 0) {
			fprintf(f, P "alarm");
			labels(f, ms);
			fprintf(f, ",kind=\"rtt\"} %d\n", ms->alarm_rtt);
		}
		if (ms->cfg->alarm_loss_pct >= 0) {
			fprintf(f, P "alarm");
			labels(f, ms);
			fprintf(f, ",kind=\"loss\"} %d\n", ms->alarm_loss);
		}
	}
	hist(f, m, "rtt_seconds", "round-trip time less the reflector's residence",
	     WS_RTT);
	hist(f, m, "forward_seconds",
	     "one-way delay sender to reflector, while one_way_valid", WS_FWD);
	hist(f, m, "backward_seconds",
	     "one-way delay reflector to sender, while one_way_valid", WS_BWD);
	hist(f, m, "residence_seconds", "time inside the reflector, T3 - T2",
	     WS_RES);
	return ferror(f) ? -EIO : 0;
}

/**
 * mon_textfile_write() - the exposition, atomically, for node_exporter
 * @m: the monitor
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: 0 or -errno (printed).
 */
int mon_textfile_write(const struct mon *m, uint64_t now)
{
	struct prom_out p;
	int err;

	err = prom_open(&p, "stampnl monitor", m->textfile);
	if (err)
		return err;
	mon_render(m, p.f, now);
	return prom_close(&p);
}

/**
 * mon_json_window() - the window that just ended, as one JSON line
 * @m: the monitor
 * @ms: the session
 * @sum: the window, from winstats_roll()
 * @now: CLOCK_MONOTONIC ns
 */
void mon_json_window(const struct mon *m, const struct mon_session *ms,
		     const struct ws_summary *sum, uint64_t now)
{
	static const char *const qn[] = { "p50", "p90", "p99", "p999" };
	const struct loss_acc *w = &sum->win.loss;
	int k, j;

	/* the print layer's JSON: its escaping, its rule for integers */
	print_start(stdout, true);
	open_json_object(NULL);
	print_string(PRINT_JSON, "type", NULL, "window");
	print_string(PRINT_JSON, "session", NULL, ms->cfg->name);
	print_u64(PRINT_JSON, "window", NULL, sum->window);
	print_float(PRINT_JSON, "uptime_s", "%.3f", NULL,
		    (now - m->start_mono) / 1e9);
	print_float(PRINT_JSON, "window_s", "%g", NULL, m->window_s);
	print_string(PRINT_JSON, "state", NULL,
		     mon_state_names[mon_session_state(ms, now)]);
	print_u64(PRINT_JSON, "sent", NULL, w->sent);
	print_u64(PRINT_JSON, "received", NULL, w->received);
	print_u64(PRINT_JSON, "lost", NULL, w->lost);
	print_u64(PRINT_JSON, "late", NULL, w->late);
	print_u64(PRINT_JSON, "duplicate", NULL, w->duplicates);
	print_u64(PRINT_JSON, "reordered", NULL, sum->win.reordered);
	for (k = 0; k < WS_NMETRICS; k++) {
		const struct ws_quantiles *q = &sum->q[k];

		open_json_object(ws_metric_names[k]);
		print_u64(PRINT_JSON, "count", NULL, q->count);
		if (q->count) {
			print_u64(PRINT_JSON, "min_ns", NULL, q->min);
			print_float(PRINT_JSON, "mean_ns", "%.0f", NULL, q->mean);
			print_float(PRINT_JSON, "p50_ns", "%.0f", NULL, q->p50);
			print_float(PRINT_JSON, "p90_ns", "%.0f", NULL, q->p90);
			print_float(PRINT_JSON, "p99_ns", "%.0f", NULL, q->p99);
			print_u64(PRINT_JSON, "max_ns", NULL, q->max);
		}
		/* quantiles that are only upper bounds (tools/lib/hist.h) */
		if (q->approx) {
			open_json_array("upper_bound_only");
			for (j = 0; j < 4; j++)
				if (q->approx & (1U << j))
					print_string(PRINT_JSON, NULL, NULL,
						     qn[j]);
			close_json_array();
		}
		close_json_object();
	}
	print_bool(PRINT_JSON, "one_way_valid", NULL, mon_one_way_valid(ms));
	print_bool(PRINT_JSON, "alarm_rtt", NULL, ms->alarm_rtt);
	print_bool(PRINT_JSON, "alarm_loss", NULL, ms->alarm_loss);
	close_json_object();
	print_nl(PRINT_JSON);
	print_start(NULL, false);
}

/* ---- /metrics over HTTP ---- */

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	const struct mon *m = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return MHD_NO;
	if (strcmp(url, "/metrics")) {
		static const char nf[] = "see /metrics\n";

		/* MHD_RESPMEM_PERSISTENT: read, never written or freed */
		r = MHD_create_response_from_buffer(sizeof(nf) - 1, (void *)nf,
						    MHD_RESPMEM_PERSISTENT);
		ret = MHD_queue_response(c, MHD_HTTP_NOT_FOUND, r);
		MHD_destroy_response(r);
		return ret;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return MHD_NO;
	mon_render(m, f, mono_ns());
	if (fclose(f)) {
		free(buf);
		return MHD_NO;
	}
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
				"text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* "PORT", "ADDR:PORT" or "[ADDR6]:PORT" */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	char host[64] = "";
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	port = strtol(colon ? colon + 1 : s, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -EINVAL;
	if (colon) {
		size_t n = colon - s;

		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, n);
		host[n] = 0;
		if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
			memmove(host, host + 1, n - 2);
			host[n - 2] = 0;
		}
	}
	if (!host[0] || inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		if (!host[0])
			a6->sin6_addr = in6addr_any;
		return 0;
	}
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

/**
 * mon_http_start() - serve /metrics, driven by the monitor's epoll loop
 * @m: the monitor; @m->listen says where
 *
 * libmicrohttpd keeps its connections in an epoll set of its own, whose
 * descriptor goes into the monitor's: no thread, so the handler reads
 * the sessions with nothing else running.
 *
 * Return: 0 or -errno (printed).
 */
int mon_http_start(struct mon *m)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (parse_listen(m->listen, &ss)) {
		fprintf(stderr, "stampnl monitor: --listen: PORT, ADDR:PORT or [ADDR6]:PORT, not '%s'\n",
			m->listen);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_DUAL_STACK;
	m->httpd = MHD_start_daemon(flags, 0, NULL, NULL, answer, m,
				    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				    MHD_OPTION_CONNECTION_TIMEOUT, 10U,
				    MHD_OPTION_CONNECTION_LIMIT, 64U,
				    MHD_OPTION_END);
	if (!m->httpd) {
		fprintf(stderr, "stampnl monitor: --listen %s: cannot serve there (in use, or no such address)\n",
			m->listen);
		return -EADDRINUSE;
	}
	di = MHD_get_daemon_info(m->httpd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di) {
		MHD_stop_daemon(m->httpd);
		m->httpd = NULL;
		return -EOPNOTSUPP;
	}
	m->http_fd = di->epoll_fd;
	return 0;
}

/**
 * mon_http_run() - let libmicrohttpd do what its descriptors want
 * @m: the monitor
 */
void mon_http_run(struct mon *m)
{
	if (m->httpd)
		MHD_run(m->httpd);
}

/**
 * mon_http_stop() - close the listener and every connection
 * @m: the monitor
 */
void mon_http_stop(struct mon *m)
{
	if (m->httpd)
		MHD_stop_daemon(m->httpd);
	m->httpd = NULL;
}
