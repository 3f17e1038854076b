// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl stats --prometheus`: the reflector's counters and every
 * session's, as a node_exporter textfile. Names follow the sender's
 * (stamp_sender_packets_received_total): stamp_reflector_packets_*_total,
 * one family for every drop with a reason label, and the per-session
 * families under stamp_reflector_session_. A netns label names the
 * namespace when it is one of `ip netns`'s, so the files of several
 * namespaces can sit side by side.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <uapi/linux/stamp.h>

#include "counters.h"
#include "prom.h"
#include "stampnl.h"

#define P "stamp_reflector_"

/* The name `ip netns identify` would print, or "" */
static void netns_name(char *buf, size_t size)
{
	struct stat self, st;
	struct dirent *d;
	char path[300];
	DIR *dir;

	buf[0] = 0;
	if (stat("/proc/self/ns/net", &self))
		return;
	dir = opendir("/run/netns");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", d->d_name);
		if (!stat(path, &st) && st.st_dev == self.st_dev &&
		    st.st_ino == self.st_ino) {
			snprintf(buf, size, "%s", d->d_name);
			break;
		}
	}
	closedir(dir);
}

/* {netns="..",peer="..",...,extra} or nothing at all */
static void labels(FILE *f, const char *netns, const struct sess *s,
		   const char *extra)
{
	const char *sep = "{";
	char a[64];

	if (netns[0]) {
		fputs("{netns=\"", f);
		prom_label_value(f, netns);
		fputc('"', f);
		sep = ",";
	}
	if (s) {
		addr_str(s->peer.a, s->peer.len, a, sizeof(a));
		fprintf(f, "%speer=\"%s\",peer_port=\"%u\",local=\"", sep, a,
			s->peer_port);
		if (s->local.len)
			addr_str(s->local.a, s->local.len, a, sizeof(a));
		fprintf(f, "%s\",port=\"%u\",ssid=\"%u\"",
			s->local.len ? a : "any", s->port, s->ssid);
		sep = ",";
	}
	if (extra) {
		fprintf(f, "%s%s", sep, extra);
		sep = ",";
	}
	if (sep[0] == ',')
		fputc('}', f);
}

/* a family of one sample, labelled with the namespace only */
static void single(FILE *f, const char *netns, const char *name,
		   const char *type, const char *help, uint64_t v)
{
	prom_family(f, P, name, type, help);
	fprintf(f, P "%s", name);
	labels(f, netns, NULL, NULL);
	fprintf(f, " %" PRIu64 "\n", v);
}

enum { S_RX, S_REFLECTED, S_DROP_AUTH, S_SEQ, S_IDLE, S_PROVISIONED };

static const struct {
	const char *name, *type, *help;
} sess_metric[] = {
	[S_RX] = { "session_packets_received_total", "counter",
		   "Requests that matched the session." },
	[S_REFLECTED] = { "session_packets_reflected_total", "counter",
			  "The session's replies handed to the IP layer." },
	[S_DROP_AUTH] = { "session_packets_dropped_total", "counter",
			  "The session's requests dropped, by reason (auth: the HMAC did not verify)." },
	[S_SEQ] = { "session_next_seq", "gauge",
		    "The Seq of the session's next reply (stateful, RFC 8762 section 4.3.1)." },
	[S_IDLE] = { "session_idle_seconds", "gauge",
		     "Seconds since the session's last request (or since it was provisioned)." },
	[S_PROVISIONED] = { "session_provisioned", "gauge",
			    "1 for a provisioned session, 0 for one learned from its first request (forgotten when idle)." },
};

/* every value but the idle time is a whole number */
static uint64_t sess_value(const struct sess *s, size_t k)
{
	switch (k) {
	case S_RX:
		return s->rx;
	case S_REFLECTED:
		return s->reflected;
	case S_DROP_AUTH:
		return s->drop_auth;
	case S_SEQ:
		return s->seq;
	default:
		return !!s->provisioned;
	}
}

static void write_sessions(FILE *f, const char *netns,
			   const struct sess_list *l)
{
	size_t k, i;

	for (k = 0; k < ARRAY_SIZE(sess_metric); k++) {
		prom_family(f, P, sess_metric[k].name, sess_metric[k].type,
			    sess_metric[k].help);
		for (i = 0; i < l->n; i++) {
			const struct sess *s = &l->v[i];

			fprintf(f, P "%s", sess_metric[k].name);
			labels(f, netns, s,
			       k == S_DROP_AUTH ? "reason=\"auth\"" : NULL);
			if (k == S_IDLE)
				fprintf(f, " %.3f\n", s->idle_ms / 1e3);
			else
				fprintf(f, " %" PRIu64 "\n", sess_value(s, k));
		}
	}
}

/*
 * A table's counters as the spec names them: each metric family from its
 * first counter (the one with the HELP), then a sample per counter of the
 * family wherever it sits in the table (a drop reason added later comes
 * after other families, and the text format wants a family's samples
 * together). The TLV counters are three families, so that a sum over one
 * means something: TLVs by type, requests by what their TLVs did to the
 * answer, replies by what a TLV changed.
 */
static void write_counters(FILE *f, const char *netns,
			   const struct stamp_counter *c, size_t n,
			   const uint64_t *val)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!c[i].prom_help)
			continue;
		prom_family(f, P, c[i].prom, "counter", c[i].prom_help);
		for (j = i; j < n; j++) {
			if (strcmp(c[j].prom, c[i].prom))
				continue;
			fprintf(f, P "%s", c[j].prom);
			labels(f, netns, NULL, c[j].prom_labels);
			fprintf(f, " %" PRIu64 "\n", val[j]);
		}
	}
}

/**
 * stats_write_prometheus() - the counters and sessions as a textfile
 * @path: the file (written to a temporary name, then renamed), or "-"
 * @val: each counter of stamp_counters[], the session count, then each
 *	of stamp_tlv_counters[]
 * @l: the sessions
 *
 * Return: 0, or -errno with a message printed.
 */
int stats_write_prometheus(const char *path, const uint64_t *val,
			   const struct sess_list *l)
{
	struct prom_out p;
	char netns[256];
	int err;

	netns_name(netns, sizeof(netns));
	err = prom_open(&p, "stampnl stats", path);
	if (err)
		return err;
	write_counters(p.f, netns, stamp_counters, stamp_ncounters, val);
	single(p.f, netns, "sessions", "gauge",
	       "Sessions in the namespace now (stateful mode).",
	       val[stamp_ncounters]);
	write_counters(p.f, netns, stamp_tlv_counters, stamp_ntlv_counters,
		       val + stamp_ncounters + 1);
	write_sessions(p.f, netns, l);
	return prom_close(&p);
}
