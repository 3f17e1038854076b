/* SPDX-License-Identifier: GPL-2.0 */
/* The sender's state, shared by its option parser, loop and outputs. */
#ifndef _STAMPNL_SENDER_H
#define _STAMPNL_SENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "hist_bins.h"
#include "sender_clock.h"
#include "sender_sched.h"
#include "sender_stats.h"
#include "sender_reply.h"
#include "sender_ts.h"
#include "sender_tlv.h"
#include "stamp_auth.h"
#include "wire.h"

#define MAX_LEN 9000
#define SENDER_WHY_LEN 128

/* -I ADDR: an address and no more (sockaddr_storage would be 128 octets) */
union sender_src {
	struct sockaddr sa;	/* sa_family 0: none */
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* --histogram-bins and --histogram-file */
struct sender_hist_opts {
	struct hist_bins bins;
	const char *path;	/* CSV; NULL: none */
};

struct sender_opts {
	const char *target;
	uint64_t count;		/* 0: until interrupted */
	double interval_s;
	double wait_s;		/* loss threshold */
	uint16_t port;
	uint16_t sport;
	unsigned int len;
	uint16_t ssid;
	bool ssid_auto;		/* chosen here: TLVs want a non-zero SSID */
	bool ptp;
	bool json;
	bool require_sync;
	bool require_ptp;	/* both clocks PTP-synchronized, or stop */
	bool poisson;
	bool random_start;
	bool quiet;
	bool histogram;
	/* --histogram-bins (NULL: none), out of line: the monitor's budget */
	const struct sender_hist_opts *hist;
	bool json_lines;	/* a JSON object per event, then a summary */
	double report_s;	/* interval reports every this many s, 0: none */
	const char *prom_path;	/* Prometheus textfile */
	const char *targets_path;	/* many targets, from a file */
	uint64_t seed;
	double duration_s;	/* 0: by count */
	int tos;		/* DSCP << 2 | ECN, -1: leave the default */
	unsigned int ttl;	/* -t: TTL or hop limit, 0: the default */
	union sender_src src;	/* -I ADDR */
	char ifname[16];	/* -I DEV (IFNAMSIZ); "": none */
	const char *interval_arg;	/* -i or --rate as given */
	int family;
	enum sender_ts_method tsm;
	const char *key_path;	/* --auth-key-file: authenticated mode */
	uint8_t key[STAMP_KEY_MAX_LEN];
	size_t key_len;		/* 0: unauthenticated */
	const char *tlv_key_path;	/* --tlv-hmac-key-file: HMAC TLV only */
	uint8_t tlv_key[STAMP_KEY_MAX_LEN];
	size_t tlv_key_len;
	bool stateful_refl;	/* the reflector keeps its own Seq */
	struct sender_tlv_opts tlv;	/* TLVs to send (RFC 8972) */
};

/* What is known about one packet sent. */
struct probe {
	uint64_t sent_mono;
	int64_t t1_user;	/* the clock just before send(), UTC ns */
	int64_t t1_tx;		/* the kernel's transmit stamp, 0 if none */
	int64_t t1, t2, t3, t4;	/* UTC ns */
	uint32_t refl_seq;
	uint16_t refl_errest;
	uint16_t length;
	uint8_t ttl;
	uint8_t sender_ttl;
	uint8_t state;
	uint8_t missing;	/* REPLY_MISSING_* bits: a short reply */
	struct probe_tlv tlv;	/* what the reply's TLVs said */
};

enum { PENDING, ANSWERED, LOST };

/* What the engine tells a caller that keeps its own statistics. */
enum sender_ev {
	SENDER_EV_SENT,		/* prepared and counted: @p */
	SENDER_EV_REPLY,	/* answered within the threshold: @p */
	SENDER_EV_LOST,
	SENDER_EV_LATE,
	SENDER_EV_DUP,
	SENDER_EV_MALFORMED,
	SENDER_EV_AUTH_FAILURE,
	SENDER_EV_TLV_REJECTED,
};

/*
 * What only the one-shot sender keeps: every sample, for its exact
 * quantiles and reordering metrics, and its interval reports. A session
 * with hooks (the monitor's) has none of it, so it is not in struct
 * sender but the one-shot's own (sender_main()).
 */
struct sender_oneshot {
	struct stat_acc rtt, fwd, bwd, res;
	struct loss_acc iv_base;	/* the counters when the interval began */
	struct stat_acc iv_rtt;		/* RTTs of this interval */
	uint32_t *arrivals;	/* Sender Seqs in the order answers came */
	size_t narrivals;
	size_t arrivals_cap;
	struct sender_tlv_acc tlv;
	char ptp_refused_why[96];
	char addr[INET6_ADDRSTRLEN];	/* the reflector's, as text */
};

struct sender;

/*
 * Set, the engine keeps no per-packet history beyond its ring and calls
 * this instead of printing: the monitor's histograms are its statistics.
 */
struct sender_hooks {
	void (*event)(void *arg, struct sender *s, enum sender_ev ev,
		      uint64_t seq, const struct probe *p);
};

/*
 * The engine's state. The options are the caller's, by pointer: the
 * monitor's sessions point into their parsed configuration, which outlives
 * them, instead of holding a 528-octet copy each (issue 18's memory
 * budget, SENDER_SIZE below). What the engine chooses at open time (seed,
 * timestamping) is kept here, so the options stay as parsed.
 */
struct sender {
	struct sender_opts *o;
	/* o->key / o->tlv_key keyed, allocated only when set: NULL: none */
	struct stamp_auth_key *auth;
	struct stamp_auth_key *tlv_auth;
	uint64_t seed;		/* o->seed, or a random one if 0 */
	enum sender_ts_method tsm;	/* asked for: o->tsm, or the caller's */
	int icmp_errno;		/* the last ICMP error (icmp_errors) */
	struct sender_clock clk;
	struct sender_ts ts;
	int fd;
	int sigfd;		/* SIGINT, TERM, HUP, PIPE: read in the loop */
	struct probe *probes;
	size_t nprobes_cap;
	uint64_t next_expire;	/* oldest packet that may still be pending */
	struct loss_acc loss;
	struct sender_oneshot *one;	/* NULL with hooks, else required */
	uint64_t unsynced_seq;	/* the Sender Seq of the first such reply */
	uint64_t ptp_refused_seq;
	uint64_t short_replies;	/* measured, but shorter than the base */
	uint64_t missing[REPLY_NMISSING];	/* replies lacking each field */
	uint64_t ntp_replies;	/* in NTP format (Z clear), measured */
	int64_t ntp_off_min;	/* their clock offsets, ((T2-T1)-(T4-T3))/2 */
	int64_t ntp_off_max;
	uint64_t t1_fallbacks;	/* kernel: transmit stamp missing */
	struct sched sched;
	uint64_t first_send;	/* CLOCK_MONOTONIC ns of the first packet */
	uint64_t last_send;
	uint64_t slips;		/* times the schedule fell too far behind */
	uint64_t send_calls;	/* sendmmsg() calls that sent something */
	uint64_t icmp_errors;	/* unreachable/refused reported on the socket */
	uint64_t start_mono;
	uint64_t next_report;	/* CLOCK_MONOTONIC ns of the next interval */
	size_t tlv_dm_off;	/* Direct Measurement S_TxC, 0: none */

	/* the session engine between its calls (sender_session_*()) */
	const struct sender_hooks *hooks;	/* NULL: the one-shot outputs */
	void *hook_arg;
	unsigned int ring;	/* >0: probes kept in a ring of this power of 2 */
	unsigned int batch;	/* packets per sendmmsg() at most */
	uint8_t *txbuf;
	uint64_t interval_ns;
	uint64_t next_send;
	uint64_t next_exp;
	uint64_t stop_at;
	uint64_t slack;
	uint64_t deadline;	/* when on_timer wants to run next */
	/*
	 * The last setup error, SENDER_WHY_LEN octets of the caller's: the
	 * monitor opens one session at a time and reads it at once, so its
	 * sessions share one buffer. NULL: printed only.
	 */
	char *why;
	/* together, not one padded to 8 octets each */
	bool interrupted;
	bool refl_unsynced;	/* some reply had the S bit clear */
	bool sync_refused;	/* --require-sync: that ended the test */
	bool refl_ptp;
	bool ptp_refused;	/* --require-ptp: that ended the test */
	bool more;		/* still sending */
	bool silent;		/* setup errors into why, not stderr */
	/*
	 * probes (ring slots) and txbuf (batch * o->len) are the caller's,
	 * allocated with its own state: not allocated or freed here
	 */
	bool caller_bufs;
};

#define SENDER_SIZE	2048	/* upper bound on sizeof(struct sender) */
_Static_assert(sizeof(struct sender) <= SENDER_SIZE,
	       "struct sender over its budget (README: Monitoring a fleet)");

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline int64_t time_ns(const struct stamp_time *t)
{
	return t->sec * 1000000000LL + t->nsec;
}

/*
 * One reply with the S bit clear is enough to put every one-way figure in
 * doubt, since nothing says which replies came from a good clock.
 */
static inline bool sender_refl_synced(const struct sender *s)
{
	return s->loss.received && !s->refl_unsynced;
}

int sender_session_open(struct sender *s);
int sender_session_start(struct sender *s);
int sender_session_on_timer(struct sender *s, uint64_t now);
void sender_session_on_readable(struct sender *s);
bool sender_session_done(const struct sender *s);
void sender_session_close(struct sender *s);

int sender_parse_opts(int argc, char **argv, struct sender_opts *o);

/*
 * The same parse in steps, for options that come one at a time (the
 * monitor's file): begin, an option each, end with the target.
 */
struct sender_parse {
	struct sender_opts *o;
	unsigned int dscp, ecn;
	bool dscp_given, ecn_given, len_given;
	bool interval_given, rate_given;
};

void sender_parse_begin(struct sender_parse *a, struct sender_opts *o);
int sender_parse_opt(struct sender_parse *a, const char *opt,
		     const char *arg);
int sender_parse_end(struct sender_parse *a);
int sender_main(struct sender_opts *o);
int sender_multi(struct sender_opts *o);
void sender_print_reply(struct sender *s, uint64_t seq, const struct probe *p);
const char *sender_ts_text(struct sender *s);
void sender_print_text(struct sender *s);
void sender_print_json(struct sender *s);
void sender_event(struct sender *s, const char *type, uint64_t seq,
		  const struct probe *p);
void sender_interval(struct sender *s, uint64_t now);
int sender_write_prometheus(const struct sender *s, const char *path);
int sender_hist_write(const struct sender *s, const char *path);
bool sender_refl_tai_in_ntp(const struct sender *s);

#endif /* _STAMPNL_SENDER_H */
