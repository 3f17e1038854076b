/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `stampnl monitor`: many sender sessions in one process and one epoll
 * loop, from a YAML file, exported to Prometheus. Each session is the
 * one-shot sender's engine (tools/sender/sender.c) in bounded mode: a
 * ring of probes instead of every packet's record, its events counted
 * into a struct winstats (tools/lib/winstats.h): constant size.
 */
#ifndef _STAMPNL_MONITOR_H
#define _STAMPNL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sender.h"
#include "winstats.h"

#define MON_MAX_ARGS 64

/* One session as the file describes it. */
struct mon_cfg {
	char *name;		/* the session label: unique in the file */
	int line;		/* where its block starts */
	int argc;
	char **argv;		/* the sender's command line */
	/* these strings and argv's are the set's, in its strs (config.c) */
	char *source;
	char *ifname;
	char *labels;		/* ,k="v" rendered and escaped */
	double alarm_rtt_ms;	/* window mean RTT above: alarm; <0: none */
	double alarm_loss_pct;	/* window loss above: alarm; <0: none */
	uint64_t digest;	/* of everything above, to see what changed */
	struct sender_opts o;	/* checked by the sender's own parser */
};

/* Strings of a whole file, packed into large blocks (config.c). */
struct mon_strs;

struct mon_cfgset {
	struct mon_cfg *v;
	size_t n;
	struct mon_strs *strs;	/* every session's argv, labels and name */
};

enum mon_state {
	MON_STARTING,		/* nothing answered yet, not overdue either */
	MON_UP,
	MON_DOWN,		/* sending, no reply for a while */
	MON_UNREACHABLE,	/* ICMP errors, or no route */
	MON_UNRESOLVED,		/* the name did not resolve */
	MON_ERROR,		/* any other setup error: retried */
	MON_NSTATES
};

extern const char *const mon_state_names[MON_NSTATES];

struct mon_session {
	struct mon_cfg *cfg;
	struct sender s;	/* the engine; its fd is in the epoll set */
	bool open;
	bool alarm_rtt, alarm_loss;
	enum mon_state state;
	uint64_t retry_at;	/* closed: when to try again */
	uint64_t backoff_ns;
	uint64_t deadline;	/* the heap's key */
	size_t heap_idx;
	uint64_t last_reply;	/* CLOCK_MONOTONIC ns, 0: never */
	uint64_t seen_icmp;	/* the engine's icmp_errors, last looked at */
	uint64_t last_icmp;	/* CLOCK_MONOTONIC ns of the last ICMP error */
	uint64_t restarts;	/* setup attempts that failed */
	uint64_t seq_off;	/* winstats' Seq of the engine's Seq 0 */
	struct winstats ws;	/* counters and histograms */
	char *ts_why;		/* why BPF stamps fell back to user ones */
	/* then the engine's ring of probes and MON_BATCH packets */
};

#define MON_BATCH	4	/* packets per sendmmsg() at most (1 at 1 pps) */
#define MON_RING_1PPS	5	/* the probe ring at 1 pps, 3 s threshold */

/*
 * Issue 18's constant: what one session costs at 1 packet/s with the
 * default 3 s threshold and length, sockets aside: the session (engine
 * and statistics) in one block with its ring of probes and its packet
 * to send from (monitor.c: batch_size()), its parsed block, and its two entries in the
 * monitor's arrays (sessions, timer heap). On top: its strings (argv,
 * labels and name, some 100 octets, packed with every other session's)
 * and a malloc header. README "Monitoring a fleet" states it; tests/host/monitor.sh
 * checks the RSS it adds, bench/monitor.sh measures it.
 */
#define MON_SESSION_BYTES (sizeof(struct mon_session) +			\
			   MON_RING_1PPS * sizeof(struct probe) +	\
			   44 +						\
			   sizeof(struct mon_cfg) +			\
			   2 * sizeof(struct mon_session *))
#define MON_SESSION_SIZE 4096	/* issue 18's bound, checked in monitor.c */

struct mon {
	const char *path;
	struct mon_session **sess;
	size_t nsess;
	struct mon_cfgset cfg;
	struct mon_session **heap;
	size_t nheap, heap_cap;
	int epfd;
	int sigfd;
	double window_s;
	uint64_t next_window;
	bool json_lines;
	const char *textfile;
	const char *listen;
	struct MHD_Daemon *httpd;
	int http_fd;
	uint64_t reloads, reload_failures;
	uint64_t start_mono;
};

int mon_config_load(const char *path, struct mon_cfgset *out);
void mon_config_free(struct mon_cfgset *c);
void mon_cfg_free(struct mon_cfg *c);
int mon_cfg_digest(const struct mon_cfg *c, uint64_t *digest);
bool mon_cfg_same(const struct mon_cfg *a, const struct mon_cfg *b);

bool mon_one_way_valid(const struct mon_session *ms);
enum mon_state mon_session_state(const struct mon_session *ms, uint64_t now);

int mon_render(const struct mon *m, FILE *f, uint64_t now);
int mon_http_start(struct mon *m);
void mon_http_run(struct mon *m);
void mon_http_stop(struct mon *m);
int mon_textfile_write(const struct mon *m, uint64_t now);
void mon_json_window(const struct mon *m, const struct mon_session *ms,
		     const struct ws_summary *sum, uint64_t now);


#endif /* _STAMPNL_MONITOR_H */
