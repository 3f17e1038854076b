// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl sender` options, declared once in opts[]: getopt_long's tables,
 * the usage text, completion and tests/docs_check.py are made from it.
 * Everything is parsed and checked before anything is sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "cli.h"
#include "keyfile.h"
#include "parse.h"
#include "sender.h"
#include "stampnl.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/*
 * Without CAP_NET_RAW or CAP_NET_ADMIN, no faster than this: iputils ping's
 * rule for users (ping.c, MIN_USER_INTERVAL_MS), so that an unprivileged
 * account cannot turn the sender into a flood.
 */
#define MIN_USER_INTERVAL_NS (200 * NSEC_PER_MSEC)

/* long-only options; the TLV options' codes are sender_tlv.h's */
enum {
	OPT_PTP = 256,
	OPT_SSID,
	OPT_TIMESTAMPING,
	OPT_REQUIRE_SYNC,
	OPT_REQUIRE_PTP,
	OPT_RATE,
	OPT_POISSON,
	OPT_RANDOM_START,
	OPT_SEED,
	OPT_DSCP,
	OPT_ECN,
	OPT_HISTOGRAM,
	OPT_HISTOGRAM_BINS,
	OPT_HISTOGRAM_FILE,
	OPT_JSON_LINES,
	OPT_REPORT_INTERVAL,
	OPT_PROMETHEUS,
	OPT_TARGETS,
	OPT_AUTH_KEY_FILE,
	OPT_STATEFUL_REFL,
	OPT_TLV_HMAC_KEY_FILE,
};

static const char *const ts_choices[] = { "auto", "bpf", "kernel", "user",
					  NULL };
static const char *const malformed_choices[] = { "bad-flags", "bad-length",
						 "truncated", NULL };

static const struct cli_opt opts[] = {
	{ NULL, 'c', "COUNT", "packets to send (default: until Ctrl-C)" },
	{ NULL, 'i', "INTERVAL", "time between packets (default 1 s; 10ms, 1.5s; fractions\n"
	  "of a second: below 200ms needs CAP_NET_RAW or CAP_NET_ADMIN)" },
	{ "duration", 'w', "DURATION", "stop sending after this long (with or instead of -c)" },
	{ "rate", OPT_RATE, "PPS", "packets per second (-i 1/PPS, not with -i); sends in\n"
	  "batches when behind" },
	CLI_OPT_FLAG("poisson", OPT_POISSON, "exponential gaps with mean -i (RFC 2330 11.1.1)",
		     struct sender_opts, poisson),
	CLI_OPT_FLAG("random-start", OPT_RANDOM_START,
		     "first packet at a random point of the first period (RFC 3432)",
		     struct sender_opts, random_start),
	{ "seed", OPT_SEED, "N", "seed for --poisson and --random-start, 1 to 2^64-1\n"
	  "(default: random; JSON gives it as a string)" },
	{ NULL, 'p', "PORT", "reflector port (default 862)" },
	{ NULL, 's', "PORT", "local source port (default: any)" },
	{ NULL, 'I', "ADDR|DEV", "send from this address, or through this interface" },
	{ NULL, 't', "TTL", "the test packets' IPv4 TTL or IPv6 hop limit, 1-255" },
	{ "dscp", OPT_DSCP, "DSCP", "the test packets' DSCP: 0-63 or a name (below)",
	  parse_dscp_names },
	{ "ecn", OPT_ECN, "ECN", "their ECN field: 0-3 or a name (below)",
	  parse_ecn_names },
	{ NULL, 'W', "TIMEOUT", "loss threshold (default 3 s): later replies count as lost" },
	{ NULL, 'l', "LENGTH", "UDP payload length, 44-" STR(MAX_LEN) " octets (default 44;\n"
	  "with a key, 112 and at least 112)" },
	{ NULL, '4', NULL, "IPv4 only" },
	{ NULL, '6', NULL, "IPv6 only" },
	CLI_OPT_FLAG("ptp", OPT_PTP, "T1 in PTPv2 format (TAI) instead of NTP (UTC)",
		     struct sender_opts, ptp),
	{ "ssid", OPT_SSID, "N", "Session-Sender Identifier, 1-65535 (RFC 8972); default 0\n"
	  "without TLVs, and a random non-zero one with TLVs\n"
	  "(RFC 8972 3), printed" },
	{ "timestamping", OPT_TIMESTAMPING, NULL,
	  "where T1 and T4 are taken (default auto: the first that works)\n"
	  "bpf     TC programs on the egress device (root: CAP_BPF,\n"
	  "        CAP_NET_ADMIN; an Ethernet or loopback device)\n"
	  "kernel  SO_TIMESTAMPING: driver or NIC stamps\n"
	  "user    the clock around send() and recv()", ts_choices },
	CLI_OPT_FLAG("require-sync", OPT_REQUIRE_SYNC,
		     "refuse to measure unless both clocks are synchronized:\n"
		     "the first reply with the S bit clear ends the test (exit 2)",
		     struct sender_opts, require_sync),
	{ "require-ptp", OPT_REQUIRE_PTP, NULL,
	  "--require-sync, and both clocks kept by PTP: locally ptp4l\n"
	  "or phc2sys, and every reply's Timestamp Information TLV\n"
	  "(sent with it) naming PTP for T2 and T3; else the test\n"
	  "stops (exit 2)" },
	{ "auth-key-file", OPT_AUTH_KEY_FILE, "FILE|-",
	  "authenticated mode (RFC 8762 4.4): HMAC-SHA-256 with the key\n"
	  "in FILE (hex, 16-64 octets, mode 600; \"-\": standard input);\n"
	  "replies whose HMAC is wrong count as auth failures", .comp = CLI_COMP_FILE },
	CLI_OPT_FLAG("stateful-reflector", OPT_STATEFUL_REFL,
		     "the reflector keeps its own Seq (RFC 8762 4): split loss\n"
		     "into forward and backward even when no reply showed it",
		     struct sender_opts, stateful_refl),
	CLI_OPT_FLAG(NULL, 'q', "no line per reply, only the summary",
		     struct sender_opts, quiet),
	CLI_OPT_FLAG("histogram", OPT_HISTOGRAM, "print the RTT histogram (always in -j)",
		     struct sender_opts, histogram),
	{ "histogram-bins", OPT_HISTOGRAM_BINS, "SPEC",
	  "count rtt, forward and backward delays in the bins chosen\n"
	  "(text, -j \"histogram\", --prometheus), the first and last\n"
	  "bins holding the outliers; bin i holds delays d with\n"
	  "edge[i-1] < d <= edge[i]. SPEC is bins=N,min=DUR,max=DUR\n"
	  "(N 3-256: N-2 equal bins from MIN to MAX, as stamp-bpf's\n"
	  "--hist N MIN MAX) or le=DUR,DUR,... (up to 20 edges)" },
	{ "histogram-file", OPT_HISTOGRAM_FILE, "FILE",
	  "write the --histogram-bins counts to FILE at the end, as CSV:\n"
	  "bin,lo_ns,hi_ns,rtt,forward,backward (empty: no bound)",
	  .comp = CLI_COMP_FILE },
	CLI_OPT_FLAG(NULL, 'j', "print one JSON document at the end instead of text",
		     struct sender_opts, json),
	CLI_OPT_FLAG("json-lines", OPT_JSON_LINES,
		     "a JSON object per reply, loss and interval, then a summary",
		     struct sender_opts, json_lines),
	{ "report-interval", OPT_REPORT_INTERVAL, "INTERVAL",
	  "a summary of the last INTERVAL every INTERVAL (s without a unit)" },
	{ "prometheus", OPT_PROMETHEUS, "FILE|-",
	  "write the results as a Prometheus textfile (at the end, and\n"
	  "at every report interval; with --targets, at the end; - for\n"
	  "stdout)", .comp = CLI_COMP_FILE },
	{ "targets", OPT_TARGETS, "FILE",
	  "measure every reflector listed, one \"HOST [PORT]\" a line,\n"
	  "at the same time (instead of TARGET)", .comp = CLI_COMP_FILE },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, "TLVs (RFC 8972, 9503, 9534), in this order in the packet; replies\n"
	  "decoded and reported (-j: \"tlv\"):" },
	{ "tlv-padding", OPT_TLV_PADDING, "LENGTH",
	  "Extra Padding, LENGTH pseudorandom octets (always last)" },
	{ "tlv-location", OPT_TLV_LOCATION, NULL,
	  "Location: the addresses, ports and MAC the reflector saw" },
	{ "tlv-timestamp-info", OPT_TLV_TS_INFO, NULL,
	  "the reflector's sync source and timestamping method" },
	{ "tlv-cos", OPT_TLV_COS, "DSCP",
	  "Class of Service: DSCP/ECN remarking on the way there, and\n"
	  "DSCP (as --dscp) asked for the reply (backward remarking)",
	  parse_dscp_names },
	{ "tlv-direct-measurement", OPT_TLV_DIRECT, NULL,
	  "forward and backward loss from packet counters" },
	{ "tlv-follow-up", OPT_TLV_FOLLOW_UP, NULL,
	  "Follow-Up Telemetry: the previous reply's precise T3" },
	{ "tlv-access-report", OPT_TLV_ACCESS, "ID:CODE",
	  "Access Report (ID 1 3GPP or 2 non-3GPP, Return Code 1\n"
	  "network available or 2 unavailable)" },
	{ "tlv-hmac", OPT_TLV_HMAC, NULL,
	  "HMAC TLV over Seq and the TLVs (needs --auth-key-file, which\n"
	  "adds it to any TLV but Extra Padding anyway, or\n"
	  "--tlv-hmac-key-file)" },
	{ "tlv-hmac-key-file", OPT_TLV_HMAC_KEY_FILE, "FILE|-",
	  "the HMAC TLV in unauthenticated mode, keyed with FILE (as\n"
	  "--auth-key-file; RFC 8972 4.8)", .comp = CLI_COMP_FILE },
	{ "tlv-dest-node", OPT_TLV_DEST, "ADDR",
	  "Destination Node Address (needs --ssid)" },
	{ "tlv-return-path", OPT_TLV_RETURN_PATH, "no-reply|same-link|ADDR",
	  "Return Path (RFC 9503)" },
	{ "tlv-micro-session", OPT_TLV_MICRO, "ID[:REFLECTOR-ID]",
	  "Micro-session ID (RFC 9534)" },
	{ "tlv-type", OPT_TLV_RAW, "TYPE[:LEN]", "a TLV of any type with LEN zero octets" },
	{ "tlv-malformed", OPT_TLV_MALFORMED, NULL,
	  "a broken TLV last, to test a reflector: every flag set, a\n"
	  "Timestamp Information TLV of Length 2, or a Length running\n"
	  "past the packet's end", malformed_choices },
};

CLI_COMMAND(sender, "TARGET [-c count] [-i interval] [-I addr|dev] [-t ttl] [-j] ...",
	    CLI_OPTS(opts), .args = "TARGET|--targets FILE",
	    .arg_comp = CLI_COMP_HOST,
	    .notes = "durations take a unit: ns, us, ms, s, m, h (none: seconds); "
		     "lengths k (1024)\n");

/* Found out before the test, not after it: the file's directory. */
static int prom_dir_unwritable(const char *path)
{
	char dir[4096];
	char *slash;

	if (!strcmp(path, "-"))
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	if (!access(dir, W_OK))
		return 0;
	fprintf(stderr, "stampnl sender: --prometheus %s: cannot write in %s: %s\n",
		path, dir, strerror(errno));
	return -errno;
}

/*
 * Last, once every other option is known good: reading the key may
 * consume standard input, which a usage error should leave alone.
 */
static int auth_opts(struct sender_opts *o, bool len_given)
{
	if (o->tsm == TS_BPF) {
		fprintf(stderr, "stampnl sender: --timestamping bpf cannot authenticate: the HMAC covers T1, which the BPF program would rewrite after the packet is signed; use --timestamping kernel or user\n");
		return -EINVAL;
	}
	if (!len_given) {
		o->len = STAMP_AUTH_BASE_LEN;
	} else if (o->len < STAMP_AUTH_BASE_LEN) {
		fprintf(stderr, "stampnl sender: -l %u is too short for an authenticated test packet: it is at least %d octets (RFC 8762 4.2.2)\n",
			o->len, STAMP_AUTH_BASE_LEN);
		return -EINVAL;
	}
	return 0;
}

/*
 * RFC 8972 section 3: the SSID is non-zero when used, and a reflector
 * that sees TLVs may key its session on it. Random, so that two senders
 * behind one NAT address do not share it; the process ID should the
 * kernel have no randomness to give.
 */
static void default_ssid(struct sender_opts *o)
{
	uint16_t v = 0;

	while (!v) {
		if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
			v = (uint16_t)getpid() ?: 1;
	}
	o->ssid = v;
	o->ssid_auto = true;
}

/* CAP_NET_RAW or CAP_NET_ADMIN in the effective set: ping's test */
static bool may_flood(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[0].effective & (1U << CAP_NET_RAW | 1U << CAP_NET_ADMIN);
}

/*
 * -I: an address to send from, else the name of an interface (or VRF);
 * given twice, one of each (the monitor's source and interface)
 */
static int parse_source(struct sender_opts *o, const char *arg)
{
	struct sockaddr_in *in = &o->src.in;
	struct sockaddr_in6 *in6 = &o->src.in6;
	union sender_src was = o->src;

	memset(&o->src, 0, sizeof(o->src));
	if (inet_pton(AF_INET, arg, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		return 0;
	}
	o->src = was;
	if (strlen(arg) < sizeof(o->ifname) && if_nametoindex(arg)) {
		snprintf(o->ifname, sizeof(o->ifname), "%s", arg);
		return 0;
	}
	return cli_error("sender", "-I: '%s' is neither an IP address nor an interface here",
			 arg);
}

/* a duration option into seconds */
static int seconds(const char *what, const char *s, uint64_t min_ns,
		   uint64_t max_ns, double *out)
{
	uint64_t ns;

	if (cli_duration("sender", what, s, NSEC_PER_SEC, min_ns, max_ns, &ns))
		return -EINVAL;
	*out = (double)ns / NSEC_PER_SEC;
	return 0;
}

/* ports and the SSID: 1 to 65535 */
static int u16(const char *what, const char *s, uint16_t *out)
{
	unsigned int v;

	if (cli_uint("sender", what, s, 1, 65535, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

/* one command line a process: a monitored session never has bins */
static struct sender_hist_opts user_hist;

/* the options that take no decision beyond their value */
static int value_opt(struct sender_opts *o, int c, const char *arg,
		     unsigned int *dscp, unsigned int *ecn)
{
	const char *why;
	uint64_t v;

	switch (c) {
	case 'c':
		return cli_u64("sender", "-c", arg, 1, 1000000000000ULL,
			       &o->count);
	case 'p':
		return u16("-p", arg, &o->port);
	case 's':
		return u16("-s", arg, &o->sport);
	case 't':
		return cli_uint("sender", "-t", arg, 1, 255, &o->ttl);
	case 'I':
		return parse_source(o, arg);
	case 'W':
		return seconds("-W", arg, NSEC_PER_MSEC, 3600 * NSEC_PER_SEC,
			       &o->wait_s);
	case 'w':
		return seconds("-w", arg, NSEC_PER_MSEC,
			       1000000000 * NSEC_PER_SEC, &o->duration_s);
	case 'l':
		if (cli_size("sender", "-l", arg, STAMP_BASE_LEN, MAX_LEN, &v))
			return -EINVAL;
		o->len = v;
		return 0;
	case OPT_SSID:
		return u16("--ssid", arg, &o->ssid);
	case OPT_SEED:
		return cli_u64("sender", "--seed", arg, 1, UINT64_MAX, &o->seed);
	case OPT_DSCP:
		return cli_dscp("sender", "--dscp", arg, dscp);
	case OPT_ECN:
		return cli_ecn("sender", "--ecn", arg, ecn);
	case OPT_REPORT_INTERVAL:
		return seconds("--report-interval", arg, 100 * NSEC_PER_MSEC,
			       86400 * NSEC_PER_SEC, &o->report_s);
	case OPT_TIMESTAMPING:
		if (sender_ts_parse(arg, &o->tsm))
			return cli_error("sender", "--timestamping is auto, bpf, kernel or user, not '%s'",
					 arg);
		return 0;
	case OPT_PROMETHEUS:
		if (!*arg)
			return cli_error("sender", "--prometheus needs a file name");
		o->prom_path = arg;
		return 0;
	case OPT_TARGETS:
		o->targets_path = arg;
		return 0;
	case OPT_HISTOGRAM_BINS:
		if (hist_bins_parse(arg, &user_hist.bins, &why))
			return cli_error("sender", "--histogram-bins '%s': %s",
					 arg, why);
		o->hist = &user_hist;
		return 0;
	case OPT_HISTOGRAM_FILE:
		if (!*arg)
			return cli_error("sender", "--histogram-file needs a file name");
		user_hist.path = arg;
		return 0;
	/* read at once, so that an error is the option's (a line of the monitor's file) */
	case OPT_AUTH_KEY_FILE:
		o->key_path = arg;
		return stamp_keyfile_read(arg, o->key, &o->key_len) ? -EINVAL : 0;
	case OPT_TLV_HMAC_KEY_FILE:
		o->tlv_key_path = arg;
		o->tlv.hmac = true;
		o->tlv.any = true;
		return stamp_keyfile_read(arg, o->tlv_key, &o->tlv_key_len) ?
		       -EINVAL : 0;
	case OPT_TLV_PADDING ... OPT_TLV_MALFORMED:
		return sender_tlv_option(&o->tlv, c, arg);
	}
	return -EINVAL;
}

/* the flags; -ENOENT: not a flag */
static int flag_opt(struct sender_opts *o, int c)
{
	switch (c) {
	case '4':
		o->family = AF_INET;
		return 0;
	case '6':
		o->family = AF_INET6;
		return 0;
	case OPT_REQUIRE_PTP:
		/* the reflector's sync source is in this TLV's answer */
		o->require_ptp = true;
		o->require_sync = true;
		o->tlv.ts_info = true;
		o->tlv.any = true;
		return 0;
	}
	return -ENOENT;
}

/* what no single option can say: combinations */
static int check_opts(struct sender_opts *o, bool interval_given,
		      bool rate_given)
{
	if (o->prom_path && !strcmp(o->prom_path, "-") &&
	    (o->json || o->json_lines)) {
		fprintf(stderr, "stampnl sender: --prometheus - and %s both want standard output: write the textfile to a file\n",
			o->json ? "-j" : "--json-lines");
		return -EINVAL;
	}
	if (user_hist.path && !user_hist.bins.n) {
		fprintf(stderr, "stampnl sender: --histogram-file needs --histogram-bins: which bins?\n");
		return -EINVAL;
	}
	/* --targets keeps running moments, not the samples bins are made of */
	if (o->hist && o->targets_path) {
		fprintf(stderr, "stampnl sender: --histogram-bins counts one target's samples: not with --targets\n");
		return -EINVAL;
	}
	if (o->json && o->json_lines) {
		fprintf(stderr, "stampnl sender: -j and --json-lines do not go together: pick one document or a stream\n");
		return -EINVAL;
	}
	/* whichever came last would win, unseen: the schedule is not guessed */
	if (interval_given && rate_given) {
		fprintf(stderr, "stampnl sender: -i and --rate both set the schedule: give one (--rate PPS is -i 1/PPS)\n");
		return -EINVAL;
	}
	if (o->poisson && o->random_start) {
		fprintf(stderr, "stampnl sender: --poisson and --random-start do not go together: a Poisson stream has no period\n");
		return -EINVAL;
	}
	if (o->src.sa.sa_family && o->family &&
	    o->src.sa.sa_family != o->family) {
		fprintf(stderr, "stampnl sender: -I gives an IPv%c address, but -%c asks for IPv%c\n",
			o->src.sa.sa_family == AF_INET ? '4' : '6',
			o->family == AF_INET ? '4' : '6',
			o->family == AF_INET ? '4' : '6');
		return -EINVAL;
	}
	/* an address to send from names the family, as ping -I does */
	if (o->src.sa.sa_family)
		o->family = o->src.sa.sa_family;
	if (o->interval_s * NSEC_PER_SEC < MIN_USER_INTERVAL_NS &&
	    !may_flood()) {
		fprintf(stderr, "stampnl sender: %s %s: faster than one packet per 200ms needs CAP_NET_RAW or CAP_NET_ADMIN, as ping does\n",
			rate_given ? "--rate" : "-i", o->interval_arg);
		return -EPERM;
	}
	return 0;
}

static int sender_opt(int c, const char *arg, void *ctx)
{
	struct sender_parse *a = ctx;
	struct sender_opts *o = a->o;
	uint64_t ns;
	double pps;
	int err;

	switch (c) {
	case 'i':
		err = cli_duration("sender", "-i", arg, NSEC_PER_SEC,
				   100 * NSEC_PER_USEC, 3600 * NSEC_PER_SEC,
				   &ns);
		o->interval_s = (double)ns / NSEC_PER_SEC;
		o->interval_arg = arg;
		a->interval_given = true;
		return err;
	case OPT_RATE:
		err = cli_real("sender", "--rate", arg, 0.001, 1e7, &pps);
		o->interval_s = 1 / pps;
		o->interval_arg = arg;
		a->rate_given = true;
		return err;
	}
	err = flag_opt(o, c);
	if (err != -ENOENT)
		return err;
	a->len_given |= c == 'l';
	a->dscp_given |= c == OPT_DSCP;
	a->ecn_given |= c == OPT_ECN;
	return value_opt(o, c, arg, &a->dscp, &a->ecn);
}

/**
 * sender_parse_opts() - the command line of `stampnl sender`
 * @argc: argument count, argv[0] is "sender"
 * @argv: arguments
 * @o: result
 *
 * Return: 0, -ECANCELED after --help, or -EINVAL / -EPERM with a message
 * printed.
 */
int sender_parse_opts(int argc, char **argv, struct sender_opts *o)
{
	struct sender_parse a;
	int err;

	sender_parse_begin(&a, o);
	/* `stampnl sender help`, as ip(8)'s commands take it */
	err = cli_parse_opts(&sender_cli, argc, argv, o, sender_opt, &a);
	if (err)
		return err;
	if (o->targets_path ? optind != argc : optind != argc - 1)
		return cli_error("sender", "%s",
				 o->targets_path ? "give TARGET or --targets, not both" :
				 optind >= argc ? "which reflector? give TARGET or --targets FILE" :
				 "give exactly one TARGET");
	o->target = o->targets_path ? NULL : argv[optind];
	return sender_parse_end(&a);
}

/**
 * sender_parse_begin() - the defaults, before the options one at a time
 * @a: the parse's state
 * @o: the options it fills in
 */
void sender_parse_begin(struct sender_parse *a, struct sender_opts *o)
{
	*a = (struct sender_parse){ .o = o };
	*o = (struct sender_opts){ .interval_s = 1, .wait_s = 3,
				   .port = STAMP_PORT, .len = STAMP_BASE_LEN,
				   .family = AF_UNSPEC, .tos = -1,
				   .interval_arg = "1" };
	sender_tlv_defaults(&o->tlv);
}

/**
 * sender_parse_opt() - one option, as the command line spells it
 * @a: the parse's state
 * @opt: "--rate", "-i"
 * @arg: its value; NULL for a flag
 *
 * Return: 0, or -EINVAL with a message printed.
 */
int sender_parse_opt(struct sender_parse *a, const char *opt, const char *arg)
{
	return cli_parse_opt(&sender_cli, opt, arg, a->o, sender_opt, a);
}

/**
 * sender_parse_end() - what depends on several options, once all are in
 * @a: the parse's state, o->target or o->targets_path set
 *
 * Return: 0, or -EINVAL / -EPERM with a message printed.
 */
int sender_parse_end(struct sender_parse *a)
{
	struct sender_opts *o = a->o;
	int err;

	if (o->prom_path && prom_dir_unwritable(o->prom_path))
		return -EINVAL;
	err = check_opts(o, a->interval_given, a->rate_given);
	if (err)
		return err;
	if (a->dscp_given || a->ecn_given)
		o->tos = a->dscp << 2 | a->ecn;
	if (o->tlv.any && sender_tlv_check(o, a->len_given))
		return -EINVAL;
	if (o->tlv.any && !o->ssid)
		default_ssid(o);
	if (o->key_path)
		return auth_opts(o, a->len_given || o->tlv.any);
	return 0;
}
