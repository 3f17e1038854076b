// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl sender`: an RFC 8762 Session-Sender (unauthenticated, section
 * 4.2.1) over a connected UDP socket.
 *
 * One poll loop sends on absolute CLOCK_MONOTONIC deadlines (no drift) and
 * receives between sends. Each packet has the loss threshold -W (RFC 7680):
 * unanswered by then it is lost for good, and an answer after that is
 * counted as late. All four timestamps are brought to one timescale (UTC
 * nanoseconds) before any difference is taken: T1/T4 in the sender's
 * format, T2/T3 in the format the reflector's Z bit names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include "sender_clock.h"
#include "sender_sched.h"
#include "sender_stats.h"
#include "sender_ts.h"
#include "stampnl.h"
#include "wire.h"

#define MAX_LEN 9000
#define RECV_BATCH 64
#define SEND_BATCH 64

struct sender_opts {
	const char *target;
	uint64_t count;		/* 0: until interrupted */
	double interval_s;
	double wait_s;		/* loss threshold */
	uint16_t port;
	uint16_t sport;
	unsigned int len;
	uint16_t ssid;
	bool ptp;
	bool json;
	bool require_sync;
	bool poisson;
	bool random_start;
	bool quiet;
	uint64_t seed;
	double duration_s;	/* 0: by count */
	int tos;		/* DSCP << 2 | ECN, -1: leave the default */
	int family;
	enum sender_ts_method tsm;
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
};

enum { PENDING, ANSWERED, LOST };

struct sender {
	struct sender_opts o;
	struct sender_clock clk;
	struct sender_ts ts;
	int fd;
	int sigfd;		/* SIGINT/SIGTERM, read in the poll loop */
	bool interrupted;
	char addr[INET6_ADDRSTRLEN];
	struct probe *probes;
	size_t nprobes_cap;
	uint64_t next_expire;	/* oldest packet that may still be pending */
	struct loss_acc loss;
	struct stat_acc rtt, fwd, bwd, res;
	bool refl_synced;
	bool refl_ptp;
	uint64_t t1_fallbacks;	/* kernel: transmit stamp missing */
	struct sched sched;
	uint64_t first_send;	/* CLOCK_MONOTONIC ns of the first packet */
	uint64_t last_send;
	uint64_t slips;		/* times the schedule fell too far behind */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int64_t time_ns(const struct stamp_time *t)
{
	return t->sec * 1000000000LL + t->nsec;
}

static void print_help(void)
{
	fprintf(stderr,
		"usage: stampnl sender TARGET [-c count] [-i interval] [-p port] [-s source-port]\n"
		"                      [-W loss-timeout] [-l length] [--ptp] [--ssid N] [-4|-6] [-j]\n"
		"                      [--timestamping auto|bpf|kernel|user] [--require-sync]\n"
		"                      [-w duration] [--rate PPS] [--poisson] [--random-start] [--seed N]\n"
		"                      [--dscp N] [--ecn N] [-q]\n"
		"  -c  packets to send (default: until Ctrl-C)\n"
		"  -i  seconds between packets (default 1, fractions allowed)\n"
		"  -w  stop sending after this many seconds (with or instead of -c)\n"
		"  --rate  packets per second (same as -i 1/PPS); sends in batches when behind\n"
		"  --poisson       exponential gaps with mean -i (RFC 2330 11.1.1)\n"
		"  --random-start  first packet at a random point of the first period (RFC 3432)\n"
		"  --seed  seed for --poisson and --random-start (default: random)\n"
		"  --dscp, --ecn   the test packets' DSCP (0-63) and ECN (0-3)\n"
		"  -q  no line per reply, only the summary\n"
		"  -p  reflector port (default 862)\n"
		"  -s  local source port (default: any)\n"
		"  -W  loss threshold in seconds (default 3): later replies count as lost\n"
		"  -l  UDP payload length, 44-%d (default 44)\n"
		"  --ptp   T1 in PTPv2 format (TAI) instead of NTP (UTC)\n"
		"  --ssid  Session-Sender Identifier, 1-65535 (RFC 8972)\n"
		"  -j  print one JSON document at the end instead of text\n"
		"  --timestamping  where T1 and T4 are taken (default auto: the first that works)\n"
		"        bpf     TC programs on the egress device (root: CAP_BPF, CAP_NET_ADMIN)\n"
		"        kernel  SO_TIMESTAMPING: driver or NIC stamps\n"
		"        user    the clock around send() and recv()\n"
		"  --require-sync  refuse to measure unless both clocks are synchronized\n",
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

static int parse_opts(int argc, char **argv, struct sender_opts *o)
{
	static const struct option longopts[] = {
		{ "ptp", no_argument, NULL, 'P' },
		{ "ssid", required_argument, NULL, 'S' },
		{ "timestamping", required_argument, NULL, 'T' },
		{ "require-sync", no_argument, NULL, 'R' },
		{ "rate", required_argument, NULL, 'r' },
		{ "poisson", no_argument, NULL, 'o' },
		{ "random-start", no_argument, NULL, 'a' },
		{ "seed", required_argument, NULL, 'e' },
		{ "dscp", required_argument, NULL, 'd' },
		{ "ecn", required_argument, NULL, 'E' },
		{ "duration", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int dscp = -1, ecn = -1;
	double v;
	int c;

	*o = (struct sender_opts){ .interval_s = 1, .wait_s = 3,
				   .port = STAMP_PORT, .len = STAMP_BASE_LEN,
				   .family = AF_UNSPEC, .tos = -1 };
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
		case 'r':
			if (parse_num("rate", optarg, 0.001, 1e7, &v))
				return -EINVAL;
			o->interval_s = 1 / v;
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
		default:
			fprintf(stderr, "stampnl sender: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			print_help();
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "stampnl sender: %s\n", optind >= argc ?
			"which reflector? give TARGET" :
			"give exactly one TARGET");
		print_help();
		return -EINVAL;
	}
	o->target = argv[optind];
	if (o->poisson && o->random_start) {
		fprintf(stderr, "stampnl sender: --poisson and --random-start do not go together: a Poisson stream has no period\n");
		return -EINVAL;
	}
	if (dscp >= 0 || ecn >= 0)
		o->tos = (dscp > 0 ? dscp << 2 : 0) | (ecn > 0 ? ecn : 0);
	return 0;
}

static int open_socket(struct sender *s)
{
	struct addrinfo hints = { .ai_family = s->o.family,
				  .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai = NULL;
	struct sockaddr_storage local = { 0 };
	char port[8];
	int one = 1, err;

	snprintf(port, sizeof(port), "%u", s->o.port);
	err = getaddrinfo(s->o.target, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "stampnl sender: %s: %s\n", s->o.target,
			gai_strerror(err));
		return -EHOSTUNREACH;
	}
	s->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		err = -errno;
		perror("stampnl sender: socket");
		goto out;
	}
	getnameinfo(ai->ai_addr, ai->ai_addrlen, s->addr, sizeof(s->addr),
		    NULL, 0, NI_NUMERICHOST);
	setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
			   sizeof(one));
	else
		setsockopt(s->fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
	if (s->o.tos >= 0 &&
	    (ai->ai_family == AF_INET6 ?
	     setsockopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, &s->o.tos,
			sizeof(s->o.tos)) :
	     setsockopt(s->fd, IPPROTO_IP, IP_TOS, &s->o.tos,
			sizeof(s->o.tos)))) {
		err = -errno;
		perror("stampnl sender: setting DSCP/ECN");
		goto err_close;
	}
	if (s->o.sport) {
		local.ss_family = ai->ai_family;
		if (ai->ai_family == AF_INET6)
			((struct sockaddr_in6 *)&local)->sin6_port =
				htons(s->o.sport);
		else
			((struct sockaddr_in *)&local)->sin_port =
				htons(s->o.sport);
		if (bind(s->fd, (struct sockaddr *)&local, ai->ai_addrlen)) {
			err = -errno;
			fprintf(stderr, "stampnl sender: source port %u: %s\n",
				s->o.sport, strerror(errno));
			goto err_close;
		}
	}
	if (connect(s->fd, ai->ai_addr, ai->ai_addrlen)) {
		err = -errno;
		fprintf(stderr, "stampnl sender: %s: %s\n", s->addr,
			strerror(errno));
		goto err_close;
	}
	err = 0;
	goto out;

err_close:
	close(s->fd);
	s->fd = -1;
out:
	freeaddrinfo(ai);
	return err;
}

static struct probe *probe_slot(struct sender *s, uint64_t seq)
{
	if (seq >= s->nprobes_cap) {
		size_t cap = s->nprobes_cap ? s->nprobes_cap * 2 : 1024;
		struct probe *p;

		while (cap <= seq)
			cap *= 2;
		p = realloc(s->probes, cap * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + s->nprobes_cap, 0,
		       (cap - s->nprobes_cap) * sizeof(*p));
		s->probes = p;
		s->nprobes_cap = cap;
	}
	return &s->probes[seq];
}

static int send_one(struct sender *s, uint8_t *buf)
{
	uint64_t seq = s->loss.sent;
	struct probe *p = probe_slot(s, seq);
	struct stamp_test t = { .seq = (uint32_t)seq, .ssid = s->o.ssid };
	struct stamp_time t1;

	if (!p)
		return -ENOMEM;
	t.errest = s->clk.errest;
	/* as close to send() as userspace gets; BPF stamping is closer */
	sender_clock_now(&s->clk, &t1);
	t.ts = stamp_ts_encode(&t1, s->o.ptp);
	stamp_test_encode(buf, s->o.len, &t, false);
	*p = (struct probe){ .sent_mono = mono_ns(),
			     .t1_user = sender_clock_to_utc_ns(&s->clk, &t1,
							       s->o.ptp) };
	if (send(s->fd, buf, s->o.len, 0) >= 0) {
		sender_ts_sent(&s->ts, (uint32_t)seq);
	} else {
		/* an ICMP error from an earlier packet surfaces here too */
		if (errno != ECONNREFUSED && errno != EHOSTUNREACH &&
		    errno != ENETUNREACH) {
			fprintf(stderr, "stampnl sender: send: %s\n",
				strerror(errno));
			return -errno;
		}
	}
	p->state = PENDING;
	s->loss.sent++;
	return 0;
}

static void print_reply(struct sender *s, uint64_t seq, const struct probe *p)
{
	printf("%u bytes from %s: seq=%" PRIu64 " rseq=%u rtt=%.3f ms fwd=%.3f ms bwd=%.3f ms res=%.3f ms sttl=%u ttl=%u\n",
	       p->length, s->addr, seq, p->refl_seq,
	       ((p->t4 - p->t1) - (p->t3 - p->t2)) / 1e6,
	       (p->t2 - p->t1) / 1e6, (p->t4 - p->t3) / 1e6,
	       (p->t3 - p->t2) / 1e6, p->sender_ttl, p->ttl);
	fflush(stdout);
}

static void tx_stamp(void *arg, uint32_t seq, int64_t t1_utc_ns)
{
	struct sender *s = arg;

	if (seq < s->loss.sent)
		s->probes[seq].t1_tx = t1_utc_ns;
}

static void handle_reply(struct sender *s, const uint8_t *buf, ssize_t n,
			 struct msghdr *mh, int64_t now_utc_ns)
{
	struct stamp_time t1, t2, t3;
	struct stamp_reply r;
	struct cmsghdr *cm;
	struct probe *p;
	int ttl = -1;
	bool ptp;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if ((cm->cmsg_level == IPPROTO_IP &&
		     cm->cmsg_type == IP_TTL) ||
		    (cm->cmsg_level == IPPROTO_IPV6 &&
		     cm->cmsg_type == IPV6_HOPLIMIT))
			memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
	}

	if (stamp_reply_decode(buf, n, &r, false) ||
	    r.sender_seq >= s->loss.sent) {
		s->loss.malformed++;
		return;
	}
	p = &s->probes[r.sender_seq];
	if (p->state == ANSWERED) {
		s->loss.duplicates++;
		return;
	}
	if (p->state == LOST) {
		s->loss.late++;
		return;
	}

	/* T1 as it left (echoed), in our format; T2/T3 in the reflector's */
	stamp_ts_decode(r.sender_ts, s->o.ptp, &t1);
	ptp = stamp_errest_is_ptp(r.errest);
	stamp_ts_decode(r.rx_ts, ptp, &t2);
	stamp_ts_decode(r.ts, ptp, &t3);
	p->t1 = sender_clock_to_utc_ns(&s->clk, &t1, s->o.ptp);
	/* the kernel's transmit stamp beats the one the packet carries */
	if (s->ts.method == TS_KERNEL) {
		if (p->t1_tx)
			p->t1 = p->t1_tx;
		else
			s->t1_fallbacks++;
	}
	/*
	 * The T1 we wrote came back: the program never saw the packet (a
	 * filter ahead of ours ended the chain, or it left another way).
	 */
	if (s->ts.method == TS_BPF && llabs(p->t1 - p->t1_user) <= 1)
		s->t1_fallbacks++;
	p->t2 = sender_clock_to_utc_ns(&s->clk, &t2, ptp);
	p->t3 = sender_clock_to_utc_ns(&s->clk, &t3, ptp);
	p->t4 = sender_ts_rx(&s->ts, mh, r.sender_seq, now_utc_ns);
	p->refl_seq = r.seq;
	p->refl_errest = r.errest;
	p->length = n;
	p->ttl = ttl < 0 ? 0 : ttl;
	p->sender_ttl = r.sender_ttl;
	p->state = ANSWERED;
	s->loss.received++;
	s->refl_synced = stamp_errest_is_synced(r.errest);
	s->refl_ptp = ptp;

	stat_add(&s->rtt, (p->t4 - p->t1) - (p->t3 - p->t2));
	stat_add(&s->fwd, p->t2 - p->t1);
	stat_add(&s->bwd, p->t4 - p->t3);
	stat_add(&s->res, p->t3 - p->t2);
	if (!s->o.json && !s->o.quiet)
		print_reply(s, r.sender_seq, p);
}

static void receive_all(struct sender *s)
{
	uint8_t buf[MAX_LEN + 1];
	char ctrl[256];
	int i;

	/* transmit stamps first: they belong to packets being answered */
	sender_ts_tx_drain(&s->ts, tx_stamp, s);
	for (i = 0; i < RECV_BATCH; i++) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctrl,
				     .msg_controllen = sizeof(ctrl) };
		ssize_t n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
		struct stamp_time now;

		sender_clock_utc(&now);
		if (n < 0)
			return;
		handle_reply(s, buf, n, &mh, time_ns(&now));
	}
}

/* Mark packets past their threshold lost; returns the next expiry. */
static uint64_t expire(struct sender *s, uint64_t now)
{
	uint64_t wait = (uint64_t)(s->o.wait_s * 1e9);

	for (; s->next_expire < s->loss.sent; s->next_expire++) {
		struct probe *p = &s->probes[s->next_expire];

		if (p->state != PENDING)
			continue;
		if (p->sent_mono + wait > now)
			return p->sent_mono + wait;
		p->state = LOST;
		s->loss.lost++;
	}
	return UINT64_MAX;
}

/* Still sending: neither the count nor the duration reached? */
static bool sending(const struct sender *s, uint64_t next_send,
		    uint64_t stop_at)
{
	return (!s->o.count || s->loss.sent < s->o.count) &&
	       next_send < stop_at;
}

static int run(struct sender *s)
{
	uint64_t interval = (uint64_t)(s->o.interval_s * 1e9);
	uint64_t start = mono_ns(), next_send, next_exp, stop_at, slack;
	uint8_t *buf;
	int err = 0;

	buf = calloc(1, s->o.len);
	if (!buf)
		return -ENOMEM;
	sched_init(&s->sched, s->o.poisson, interval, s->o.seed);
	next_send = start;
	if (s->o.poisson || s->o.random_start)
		next_send += sched_start(&s->sched);
	stop_at = s->o.duration_s ? start + (uint64_t)(s->o.duration_s * 1e9) :
				    UINT64_MAX;
	/* behind by more than this, the schedule moves on rather than burst */
	slack = interval * SEND_BATCH > 100000000 ? interval * SEND_BATCH :
						   100000000;
	while (!s->interrupted) {
		bool more = sending(s, next_send, stop_at);
		uint64_t now = mono_ns(), until;
		struct pollfd pfd[2] = { { .fd = s->fd, .events = POLLIN },
					 { .fd = s->sigfd, .events = POLLIN } };
		int64_t ms;
		int i;

		/* at high rates, every packet that is due, in one go */
		for (i = 0; more && now >= next_send && i < SEND_BATCH; i++) {
			err = send_one(s, buf);
			if (err)
				goto out;
			if (!s->first_send)
				s->first_send = now;
			s->last_send = now;
			next_send += sched_gap(&s->sched);
			more = sending(s, next_send, stop_at);
		}
		if (more && now > next_send + slack) {
			s->slips++;
			next_send = now;
		}
		next_exp = expire(s, now);
		if (!more && !loss_in_flight(&s->loss))
			break;
		until = more ? next_send : UINT64_MAX;
		if (next_exp < until)
			until = next_exp;
		ms = until == UINT64_MAX ? 1000 :
		     (int64_t)((until > now ? until - now : 0) + 999999) / 1000000;
		if (poll(pfd, 2, ms > 1000 ? 1000 : (int)ms) > 0) {
			if (pfd[0].revents)
				receive_all(s);
			if (pfd[1].revents)
				s->interrupted = true;
		}
	}
out:
	/* Ctrl-C: what is still within its threshold is in flight, not lost */
	expire(s, mono_ns());
	free(buf);
	return err;
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
static const char *ts_method_text(struct sender *s)
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
			    bool mdev)
{
	if (!a->n)
		return;
	printf("%s min/avg/max%s = %.3f/%.3f/%.3f", name, mdev ? "/mdev" : "",
	       a->min / 1e6, a->mean / 1e6, a->max / 1e6);
	if (mdev)
		printf("/%.3f", stat_mdev(a) / 1e6);
	printf(" ms\n");
}

static void print_summary_text(struct sender *s)
{
	const struct loss_acc *l = &s->loss;

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
	if (achieved_pps(s))
		printf("sent at %.1f packets/s (asked %.1f)%s\n", achieved_pps(s),
		       1 / s->o.interval_s, s->slips ?
		       ", fell behind the schedule" : "");
	print_stat_text("rtt", &s->rtt, true);
	print_stat_text("forward one-way", &s->fwd, false);
	print_stat_text("backward one-way", &s->bwd, false);
	print_stat_text("reflector residence", &s->res, false);
	if (s->ts.fallbacks || s->t1_fallbacks)
		printf("%" PRIu64 " T4 and %" PRIu64 " T1 stamps fell back to coarser sources\n",
		       s->ts.fallbacks, s->t1_fallbacks);
	if (s->rtt.n && (!s->clk.synced || !s->refl_synced))
		printf("note: %s clock not synchronized: one-way delays include the offset between the two clocks\n",
		       !s->clk.synced ? "local" : "reflector");
	if (s->rtt.n && (s->fwd.min < 0 || s->bwd.min < 0))
		printf("warning: negative one-way delays: the clocks disagree by more than the path delay; one-way figures are meaningless\n");
}

static void json_stat(const char *name, const struct stat_acc *a)
{
	printf(",\"%s\":{\"count\":%" PRIu64, name, a->n);
	if (a->n)
		printf(",\"min_ns\":%" PRId64 ",\"avg_ns\":%.0f,\"max_ns\":%" PRId64
		       ",\"mdev_ns\":%.0f", a->min, a->mean, a->max,
		       stat_mdev(a));
	printf("}");
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

static void print_json(struct sender *s)
{
	const struct loss_acc *l = &s->loss;
	uint64_t i;
	bool first = true;

	printf("{\"target\":");
	json_string(s->o.target);
	printf(",\"address\":\"%s\",\"port\":%u,\"interval_s\":%g,\"loss_threshold_s\":%g,\"length\":%u,\"timestamp_format\":\"%s\",\"clock_synced\":%s,\"reflector_clock_synced\":%s,\"reflector_timestamp_format\":\"%s\"",
	       s->addr, s->o.port, s->o.interval_s, s->o.wait_s, s->o.len,
	       s->o.ptp ? "ptp" : "ntp", s->clk.synced ? "true" : "false",
	       s->refl_synced ? "true" : "false", s->refl_ptp ? "ptp" : "ntp");
	printf(",\"schedule\":\"%s\",\"seed\":%" PRIu64
	       ",\"achieved_pps\":%.3f,\"schedule_slips\":%" PRIu64,
	       s->o.poisson ? "poisson" : s->o.random_start ?
	       "periodic-random-start" : "periodic", s->o.seed,
	       achieved_pps(s), s->slips);
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
	json_stat("rtt", &s->rtt);
	json_stat("forward", &s->fwd);
	json_stat("backward", &s->bwd);
	json_stat("residence", &s->res);
	printf(",\"packets\":[");
	for (i = 0; i < l->sent; i++) {
		const struct probe *p = &s->probes[i];

		if (p->state != ANSWERED)
			continue;
		printf("%s{\"seq\":%" PRIu64 ",\"reflector_seq\":%u,\"length\":%u,\"ttl\":%u,\"sender_ttl\":%u,\"reflector_errest\":%u,\"t1_user_ns\":%" PRId64 ",\"t1_ns\":%" PRId64 ",\"t2_ns\":%" PRId64 ",\"t3_ns\":%" PRId64 ",\"t4_ns\":%" PRId64 ",\"rtt_ns\":%" PRId64 ",\"forward_ns\":%" PRId64 ",\"backward_ns\":%" PRId64 ",\"residence_ns\":%" PRId64 "}",
		       first ? "" : ",", i, p->refl_seq, p->length, p->ttl,
		       p->sender_ttl, p->refl_errest, p->t1_user, p->t1, p->t2,
		       p->t3,
		       p->t4, (p->t4 - p->t1) - (p->t3 - p->t2),
		       p->t2 - p->t1, p->t4 - p->t3, p->t3 - p->t2);
		first = false;
	}
	printf("]}\n");
}

/**
 * cmd_sender() - `stampnl sender TARGET [options]`
 * @argc: argument count, argv[0] is "sender"
 * @argv: arguments
 *
 * Return: 0 with at least one reply, 1 with none, 2 on usage or setup
 * errors (as ping does).
 */
int cmd_sender(int argc, char **argv)
{
	struct sender s = { .fd = -1, .sigfd = -1 };
	sigset_t mask;
	int err;

	err = parse_opts(argc, argv, &s.o);
	if (err)
		return err == -ECANCELED ? 0 : 2;
	if (!s.o.seed && getrandom(&s.o.seed, sizeof(s.o.seed), 0) < 0)
		s.o.seed = mono_ns();
	if (sender_clock_init(&s.clk, s.o.ptp))
		return 2;
	if (open_socket(&s))
		return 2;
	/* Ctrl-C is an event of the poll loop: it ends the test, not us */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s.sigfd < 0) {
		perror("stampnl sender: signalfd");
		goto err_sock;
	}
	if (s.o.require_sync && !s.clk.synced) {
		fprintf(stderr, "stampnl sender: --require-sync: the local clock is not synchronized (adjtimex); start chronyd, ntpd or ptp4l, or drop --require-sync\n");
		goto err_sig;
	}
	err = sender_ts_open(&s.ts, s.o.tsm, s.fd, s.clk.tai_off_ns, s.o.ptp);
	if (err) {
		fprintf(stderr, "stampnl sender: --timestamping %s: %s\n",
			sender_ts_name(s.o.tsm), s.ts.note[0] ? s.ts.note :
			strerror(-err));
		goto err_sig;
	}
	if (s.ts.note[0])
		fprintf(stderr, "stampnl sender: note: %s; timestamping with %s\n",
			s.ts.note, sender_ts_name(s.ts.method));
	if (!s.o.json)
		printf("STAMP %s (%s) port %u: %u-octet packets every %g s, loss threshold %g s, %s timestamps, %s\n",
		       s.o.target, s.addr, s.o.port, s.o.len, s.o.interval_s,
		       s.o.wait_s, s.o.ptp ? "PTP" : "NTP", ts_method_text(&s));

	err = run(&s);
	if (s.o.json)
		print_json(&s);
	else
		print_summary_text(&s);

	sender_ts_close(&s.ts);
	close(s.sigfd);
	close(s.fd);
	free(s.probes);
	stat_free(&s.rtt);
	stat_free(&s.fwd);
	stat_free(&s.bwd);
	stat_free(&s.res);
	if (err)
		return 2;
	if (s.o.require_sync && s.loss.received && !s.refl_synced) {
		fprintf(stderr, "stampnl sender: --require-sync: the reflector's clock is not synchronized (S bit clear): one-way delays are not valid\n");
		return 2;
	}
	return s.loss.received ? 0 : 1;

err_sig:
	close(s.sigfd);
err_sock:
	close(s.fd);
	return 2;
}
