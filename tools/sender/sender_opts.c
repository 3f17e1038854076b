// SPDX-License-Identifier: GPL-2.0
/* `stampnl sender` options: parsed and checked before anything is sent. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "keyfile.h"
#include "sender.h"

static void print_help(void)
{
	fprintf(stderr,
		"usage: stampnl sender TARGET [-c count] [-i interval] [-p port] [-s source-port]\n"
		"                      [-W loss-timeout] [-l length] [--ptp] [--ssid N] [-4|-6] [-j]\n"
		"                      [--timestamping auto|bpf|kernel|user] [--require-sync]\n"
		"                      [--require-ptp]\n"
		"                      [-w duration] [--rate PPS] [--poisson] [--random-start] [--seed N]\n"
		"                      [--dscp N] [--ecn N] [-q] [--histogram] [--json-lines]\n"
		"                      [--report-interval S] [--prometheus FILE|-]\n"
		"                      [--auth-key-file FILE|-] [--stateful-reflector]\n"
		"                      [--tlv-padding N] [--tlv-location] [--tlv-timestamp-info]\n"
		"                      [--tlv-cos DSCP] [--tlv-direct-measurement] [--tlv-follow-up]\n"
		"                      [--tlv-access-report ID:CODE] [--tlv-hmac] [--tlv-dest-node ADDR]\n"
		"                      [--tlv-hmac-key-file FILE|-]\n"
		"                      [--tlv-return-path no-reply|same-link|ADDR]\n"
		"                      [--tlv-micro-session ID[:REFLECTOR-ID]] [--tlv-type TYPE[:LEN]]\n"
		"                      [--tlv-malformed bad-flags|bad-length|truncated]\n"
		"       stampnl sender --targets FILE [options]\n"
		"  -c  packets to send (default: until Ctrl-C)\n"
		"  -i  seconds between packets (default 1, fractions allowed)\n"
		"  -w  stop sending after this many seconds (with or instead of -c)\n"
		"  --rate  packets per second (-i 1/PPS, not with -i); sends in batches when behind\n"
		"  --poisson       exponential gaps with mean -i (RFC 2330 11.1.1)\n"
		"  --random-start  first packet at a random point of the first period (RFC 3432)\n"
		"  --seed  seed for --poisson and --random-start (default: random)\n"
		"  --dscp, --ecn   the test packets' DSCP (0-63) and ECN (0-3)\n"
		"  -q  no line per reply, only the summary\n"
		"  --histogram  print the RTT histogram (always in -j)\n"
		"  --json-lines  a JSON object per reply, loss and interval, then a summary\n"
		"  --report-interval S  a summary of the last S seconds every S seconds\n"
		"  --prometheus FILE  write the results as a Prometheus textfile (at the end,\n"
		"        and at every report interval; with --targets, at the end; - for stdout)\n"
		"  --targets FILE  measure every reflector listed, one \"HOST [PORT]\" a line,\n"
		"        at the same time (instead of TARGET)\n"
		"  -p  reflector port (default 862)\n"
		"  -s  local source port (default: any)\n"
		"  -W  loss threshold in seconds (default 3): later replies count as lost\n"
		"  -l  UDP payload length, 44-%d (default 44; with a key, 112 and at least 112)\n"
		"  --auth-key-file FILE  authenticated mode (RFC 8762 4.4): HMAC-SHA-256 with\n"
		"        the key in FILE (hex, 16-64 octets, mode 600; \"-\": standard input);\n"
		"        replies whose HMAC is wrong count as auth failures, not answers\n"
		"  --stateful-reflector  the reflector keeps its own Seq (RFC 8762 4): split\n"
		"        loss into forward and backward even when no reply showed it\n"
		"  --ptp   T1 in PTPv2 format (TAI) instead of NTP (UTC)\n"
		"  --ssid  Session-Sender Identifier, 1-65535 (RFC 8972); default 0 without\n"
		"        TLVs, and a random non-zero one with TLVs (RFC 8972 3), printed\n"
		"  -j  print one JSON document at the end instead of text\n"
		"  --timestamping  where T1 and T4 are taken (default auto: the first that works)\n"
		"        bpf     TC programs on the egress device (root: CAP_BPF, CAP_NET_ADMIN;\n"
		"                an Ethernet or loopback device)\n"
		"        kernel  SO_TIMESTAMPING: driver or NIC stamps\n"
		"        user    the clock around send() and recv()\n"
		"  --require-sync  refuse to measure unless both clocks are synchronized:\n"
		"        the first reply with the S bit clear ends the test (exit 2)\n"
		"  --require-ptp  --require-sync, and both clocks kept by PTP: locally ptp4l\n"
		"        or phc2sys, and every reply's Timestamp Information TLV (sent with\n"
		"        it) naming PTP for T2 and T3; else the test stops (exit 2)\n"
		"  TLVs (RFC 8972, 9503, 9534), in this order in the packet; replies decoded\n"
		"  and reported (-j: \"tlv\"):\n"
		"  --tlv-padding N  Extra Padding, N pseudorandom octets (always last)\n"
		"  --tlv-location  Location: the addresses, ports and MAC the reflector saw\n"
		"  --tlv-timestamp-info  the reflector's sync source and timestamping method\n"
		"  --tlv-cos DSCP  Class of Service: DSCP/ECN remarking on the way there,\n"
		"        and DSCP asked for the reply (backward remarking)\n"
		"  --tlv-direct-measurement  forward and backward loss from packet counters\n"
		"  --tlv-follow-up  Follow-Up Telemetry: the previous reply's precise T3\n"
		"  --tlv-access-report ID:CODE  Access Report (ID 1 3GPP or 2 non-3GPP,\n"
		"        Return Code 1 network available or 2 unavailable)\n"
		"  --tlv-hmac  HMAC TLV over Seq and the TLVs (needs --auth-key-file,\n"
		"        which adds it to any TLV but Extra Padding anyway, or\n"
		"        --tlv-hmac-key-file)\n"
		"  --tlv-hmac-key-file FILE  the HMAC TLV in unauthenticated mode, keyed\n"
		"        with FILE (as --auth-key-file; RFC 8972 4.8)\n"
		"  --tlv-dest-node ADDR  Destination Node Address (needs --ssid)\n"
		"  --tlv-return-path no-reply|same-link|ADDR  Return Path (RFC 9503)\n"
		"  --tlv-micro-session ID[:REFLECTOR-ID]  Micro-session ID (RFC 9534)\n"
		"  --tlv-type TYPE[:LEN]  a TLV of any type with LEN zero octets\n"
		"  --tlv-malformed bad-flags|bad-length|truncated  a broken TLV last, to\n"
		"        test a reflector: every flag set, a Timestamp Information TLV\n"
		"        of Length 2, or a Length running past the packet's end\n",
		MAX_LEN);
}

static int parse_num(const char *what, const char *s, double min, double max,
		     double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || isnan(*out) || *out < min ||
	    *out > max) {
		fprintf(stderr, "stampnl sender: bad %s '%s' (%g to %g)\n",
			what, s, min, max);
		return -EINVAL;
	}
	return 0;
}

static int parse_int(const char *what, const char *s, double min, double max,
		     double *out)
{
	if (parse_num(what, s, min, max, out))
		return -EINVAL;
	if (*out != floor(*out)) {
		fprintf(stderr, "stampnl sender: %s must be a whole number\n",
			what);
		return -EINVAL;
	}
	return 0;
}

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
	if (stamp_keyfile_read(o->key_path, o->key, &o->key_len))
		return -EINVAL;
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

/**
 * sender_parse_opts() - the command line of `stampnl sender`
 * @argc: argument count, argv[0] is "sender"
 * @argv: arguments
 * @o: result
 *
 * Return: 0, -ECANCELED after --help, or -EINVAL with a message printed.
 */
int sender_parse_opts(int argc, char **argv, struct sender_opts *o)
{
	static const struct option longopts[] = {
		{ "ptp", no_argument, NULL, 'P' },
		{ "ssid", required_argument, NULL, 'S' },
		{ "timestamping", required_argument, NULL, 'T' },
		{ "require-sync", no_argument, NULL, 'R' },
		{ "require-ptp", no_argument, NULL, 'Q' },
		{ "rate", required_argument, NULL, 'r' },
		{ "poisson", no_argument, NULL, 'o' },
		{ "random-start", no_argument, NULL, 'a' },
		{ "seed", required_argument, NULL, 'e' },
		{ "dscp", required_argument, NULL, 'd' },
		{ "ecn", required_argument, NULL, 'E' },
		{ "duration", required_argument, NULL, 'w' },
		{ "histogram", no_argument, NULL, 'H' },
		{ "json-lines", no_argument, NULL, 'J' },
		{ "report-interval", required_argument, NULL, 'I' },
		{ "prometheus", required_argument, NULL, 'M' },
		{ "targets", required_argument, NULL, 'F' },
		{ "auth-key-file", required_argument, NULL, 'K' },
		{ "stateful-reflector", no_argument, NULL, 'L' },
		{ "tlv-padding", required_argument, NULL, OPT_TLV_PADDING },
		{ "tlv-location", no_argument, NULL, OPT_TLV_LOCATION },
		{ "tlv-timestamp-info", no_argument, NULL, OPT_TLV_TS_INFO },
		{ "tlv-cos", required_argument, NULL, OPT_TLV_COS },
		{ "tlv-direct-measurement", no_argument, NULL, OPT_TLV_DIRECT },
		{ "tlv-access-report", required_argument, NULL, OPT_TLV_ACCESS },
		{ "tlv-follow-up", no_argument, NULL, OPT_TLV_FOLLOW_UP },
		{ "tlv-hmac", no_argument, NULL, OPT_TLV_HMAC },
		{ "tlv-dest-node", required_argument, NULL, OPT_TLV_DEST },
		{ "tlv-return-path", required_argument, NULL, OPT_TLV_RETURN_PATH },
		{ "tlv-micro-session", required_argument, NULL, OPT_TLV_MICRO },
		{ "tlv-type", required_argument, NULL, OPT_TLV_RAW },
		{ "tlv-malformed", required_argument, NULL, OPT_TLV_MALFORMED },
		{ "tlv-hmac-key-file", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int dscp = -1, ecn = -1;
	bool len_given = false, interval_given = false, rate_given = false;
	double v;
	int c;

	*o = (struct sender_opts){ .interval_s = 1, .wait_s = 3,
				   .port = STAMP_PORT, .len = STAMP_BASE_LEN,
				   .family = AF_UNSPEC, .tos = -1 };
	sender_tlv_defaults(&o->tlv);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:i:p:s:W:l:w:46jqh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_int("count", optarg, 1, 1e12, &v))
				return -EINVAL;
			o->count = (uint64_t)v;
			break;
		case 'i':
			if (parse_num("interval", optarg, 0.0001, 3600, &v))
				return -EINVAL;
			o->interval_s = v;
			interval_given = true;
			break;
		case 'p':
			if (parse_int("port", optarg, 1, 65535, &v))
				return -EINVAL;
			o->port = v;
			break;
		case 's':
			if (parse_int("source port", optarg, 1, 65535, &v))
				return -EINVAL;
			o->sport = v;
			break;
		case 'W':
			if (parse_num("loss timeout", optarg, 0.001, 3600, &v))
				return -EINVAL;
			o->wait_s = v;
			break;
		case 'l':
			if (parse_int("length", optarg, STAMP_BASE_LEN, MAX_LEN,
				      &v))
				return -EINVAL;
			o->len = v;
			len_given = true;
			break;
		case 'S':
			if (parse_int("ssid", optarg, 1, 65535, &v))
				return -EINVAL;
			o->ssid = v;
			break;
		case 'P':
			o->ptp = true;
			break;
		case 'T':
			if (sender_ts_parse(optarg, &o->tsm)) {
				fprintf(stderr, "stampnl sender: --timestamping is auto, bpf, kernel or user, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'R':
			o->require_sync = true;
			break;
		case 'Q':
			/* the reflector's sync source is in this TLV's answer */
			o->require_ptp = true;
			o->require_sync = true;
			o->tlv.ts_info = true;
			o->tlv.any = true;
			break;
		case 'k':
			o->tlv_key_path = optarg;
			o->tlv.hmac = true;
			o->tlv.any = true;
			break;
		case 'r':
			if (parse_num("rate", optarg, 0.001, 1e7, &v))
				return -EINVAL;
			o->interval_s = 1 / v;
			rate_given = true;
			break;
		case 'o':
			o->poisson = true;
			break;
		case 'a':
			o->random_start = true;
			break;
		case 'e':
			if (parse_int("seed", optarg, 1, 1e18, &v))
				return -EINVAL;
			o->seed = (uint64_t)v;
			break;
		case 'd':
			if (parse_int("dscp", optarg, 0, 63, &v))
				return -EINVAL;
			dscp = v;
			break;
		case 'E':
			if (parse_int("ecn", optarg, 0, 3, &v))
				return -EINVAL;
			ecn = v;
			break;
		case 'w':
			if (parse_num("duration", optarg, 0.001, 1e9, &v))
				return -EINVAL;
			o->duration_s = v;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'H':
			o->histogram = true;
			break;
		case 'J':
			o->json_lines = true;
			break;
		case 'I':
			if (parse_num("report interval", optarg, 0.1, 86400, &v))
				return -EINVAL;
			o->report_s = v;
			break;
		case 'F':
			o->targets_path = optarg;
			break;
		case 'K':
			o->key_path = optarg;
			break;
		case 'L':
			o->stateful_refl = true;
			break;
		case 'M':
			if (!*optarg) {
				fprintf(stderr, "stampnl sender: --prometheus needs a file name\n");
				return -EINVAL;
			}
			o->prom_path = optarg;
			break;
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			print_help();
			return -ECANCELED;
		case OPT_TLV_PADDING ... OPT_TLV_MALFORMED:
			if (sender_tlv_option(&o->tlv, c, optarg))
				return -EINVAL;
			break;
		default:
			fprintf(stderr, "stampnl sender: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			print_help();
			return -EINVAL;
		}
	}
	if (o->targets_path ? optind != argc : optind != argc - 1) {
		fprintf(stderr, "stampnl sender: %s\n",
			o->targets_path ? "give TARGET or --targets, not both" :
			optind >= argc ? "which reflector? give TARGET or --targets FILE" :
			"give exactly one TARGET");
		print_help();
		return -EINVAL;
	}
	o->target = o->targets_path ? NULL : argv[optind];
	if (o->prom_path && prom_dir_unwritable(o->prom_path))
		return -EINVAL;
	if (o->prom_path && !strcmp(o->prom_path, "-") &&
	    (o->json || o->json_lines)) {
		fprintf(stderr, "stampnl sender: --prometheus - and %s both want standard output: write the textfile to a file\n",
			o->json ? "-j" : "--json-lines");
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
	if (dscp >= 0 || ecn >= 0)
		o->tos = (dscp > 0 ? dscp << 2 : 0) | (ecn > 0 ? ecn : 0);
	if (o->tlv.any && sender_tlv_check(o, len_given))
		return -EINVAL;
	if (o->tlv.any && !o->ssid)
		default_ssid(o);
	if (o->key_path)
		return auth_opts(o, len_given || o->tlv.any);
	if (o->tlv_key_path &&
	    stamp_keyfile_read(o->tlv_key_path, o->tlv_key, &o->tlv_key_len))
		return -EINVAL;
	return 0;
}
