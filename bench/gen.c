// SPDX-License-Identifier: GPL-2.0
/*
 * benchgen: the benchmark's load generator. It writes prebuilt Ethernet
 * frames (STAMP test packets, or ICMP echo requests of the same size) to
 * a device through a packet socket, with one sendmmsg() per batch, at a
 * fixed rate or as fast as it can, and prints what it achieved as one
 * JSON object. Prebuilt frames keep its cost per packet low and the same
 * whatever the reflector does: no socket lookup, no routing, no checksum
 * or HMAC at send time. Replies are not read here: benchobs --sink counts
 * and drops them on the same device, and --count-map reads its counters
 * before and after the run. The CPU time it reports (its own, and every
 * CPU's busy ticks from /proc/stat) covers the sending and 100 ms after
 * it, not the start of the process, which is slow under emulation.
 *
 *   benchgen -i DEV --dst-mac MAC --src IP[,IP...] --dst IP [-p PORT]
 *            [--icmp] [-l LEN] [--auth-key-file FILE] [--flows N]
 *            [--tlvs TLV[,TLV...]] [--rate PPS] [-w SECONDS] [-c COUNT]
 *            [--cpu N] [--count-map PINNED] [--linger MS]
 *
 * Flow f (of --flows) comes from the f-th source address (round robin)
 * and source port 10000 + f / (number of addresses), so a stateful
 * reflector learns one session per flow.
 *
 * --tlvs appends RFC 8972 TLVs after the base packet, in the order given,
 * each as a Session-Sender sends it (U set, value zero): location (with
 * source MAC, destination and source address requests), timestamp-info,
 * cos, direct-measurement, access-report, follow-up, padding:N (Extra
 * Padding of N octets). The length grows by their size unless -l says
 * more. They are built here, not with a TLV codec, so that the generator
 * builds with or without one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_obs.h"
#include "keyfile.h"
#include "stamp_auth.h"
#include "wire.h"

#define BATCH 64
#define MAX_SRCS 16
#define RING_MIN 4096
#define SPORT_BASE 10000
#define MAX_PAYLOAD 1400
#define MAX_CPUS 64
#define MAX_TLV_OCTETS 1024
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* RFC 8972 section 4: Flags(1) Type(1) Length(2), then the value */
#define TLV_HDR 4
#define TLV_FLAG_U 0x80
/* after the last send, before the CPU time is read again */
#define SETTLE_MS 100

struct gen {
	const char *dev;
	uint8_t src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	struct in_addr srcs[MAX_SRCS];
	unsigned int nsrcs;
	struct in_addr dst;
	uint16_t port;
	bool icmp;
	unsigned int len;	/* L4 payload */
	uint8_t key[STAMP_KEY_MAX_LEN];
	size_t key_len;
	struct stamp_auth_key auth;	/* key, while the frames are built */
	unsigned int flows;
	uint8_t tlv[MAX_TLV_OCTETS];	/* the TLVs, as sent */
	unsigned int tlv_len;
	unsigned int ntlv;
	double rate;		/* 0: as fast as possible */
	double seconds;
	uint64_t count;
	int cpu;
	const char *count_map;
	unsigned int linger_ms;
	uint8_t *ring;
	size_t frame_len;
	size_t nframes;
};

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static void build_frame(struct gen *g, uint8_t *f, uint64_t i,
			uint64_t t1_wire)
{
	unsigned int flow = i % g->flows;
	uint16_t sport = SPORT_BASE + flow / g->nsrcs;
	struct in_addr src = g->srcs[flow % g->nsrcs];
	uint8_t *ip = f + ETH_HLEN, *l4 = ip + 20, *pl = l4 + 8;
	unsigned int l4len = 8 + g->len;
	uint32_t sum;
	uint16_t c;

	memset(f, 0, g->frame_len);
	memcpy(f, g->dst_mac, ETH_ALEN);
	memcpy(f + ETH_ALEN, g->src_mac, ETH_ALEN);
	f[12] = ETH_P_IP >> 8;
	f[13] = ETH_P_IP & 0xff;
	ip[0] = 0x45;
	ip[2] = (20 + l4len) >> 8;
	ip[3] = (20 + l4len) & 0xff;
	ip[4] = i >> 8;
	ip[5] = i & 0xff;
	ip[6] = 0x40;		/* DF */
	ip[8] = 64;
	ip[9] = g->icmp ? IPPROTO_ICMP : IPPROTO_UDP;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &g->dst, 4);
	c = csum_fold(csum_add(0, ip, 20));
	ip[10] = c >> 8;
	ip[11] = c & 0xff;

	if (g->icmp) {
		l4[0] = 8;	/* echo request */
		l4[4] = sport >> 8;
		l4[5] = sport & 0xff;
		l4[6] = i >> 8;
		l4[7] = i & 0xff;
		memset(pl, 0xa5, g->len);
		c = csum_fold(csum_add(0, l4, l4len));
		l4[2] = c >> 8;
		l4[3] = c & 0xff;
		return;
	}
	l4[0] = sport >> 8;
	l4[1] = sport & 0xff;
	l4[2] = g->port >> 8;
	l4[3] = g->port & 0xff;
	l4[4] = l4len >> 8;
	l4[5] = l4len & 0xff;
	{
		struct stamp_test t = {
			.seq = (uint32_t)i, .ts = t1_wire,
			.errest = stamp_errest_encode(false, false, 1000000),
		};

		stamp_test_encode(pl, g->len, &t, g->key_len);
		memcpy(pl + stamp_base_len(g->key_len), g->tlv, g->tlv_len);
		if (g->key_len)
			stamp_auth_sign(pl, g->len, &g->auth);
	}
	sum = csum_add(0, ip + 12, 8);
	sum += IPPROTO_UDP + l4len;
	c = csum_fold(csum_add(sum, l4, l4len));
	if (!c)
		c = 0xffff;
	l4[6] = c >> 8;
	l4[7] = c & 0xff;
}

static int build_ring(struct gen *g)
{
	struct stamp_time now;
	struct timespec ts;
	uint64_t t1, i;

	g->frame_len = ETH_HLEN + 20 + 8 + g->len;
	g->nframes = (size_t)g->flows * ((RING_MIN + g->flows - 1) / g->flows);
	g->ring = malloc(g->nframes * g->frame_len);
	if (!g->ring)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (struct stamp_time){ .sec = ts.tv_sec, .nsec = ts.tv_nsec };
	t1 = stamp_ts_encode(&now, false);
	/* the frames are signed here once: the key is needed for no more */
	stamp_auth_key_init(&g->auth, g->key, g->key_len);
	for (i = 0; i < g->nframes; i++)
		build_frame(g, g->ring + i * g->frame_len, i, t1);
	stamp_auth_key_wipe(&g->auth);
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The replies the sink counted so far, or -1 without a map. */
static long long replies(struct gen *g, int map_fd)
{
	__u32 k = g->icmp ? OBS_ECHOREP_IN : OBS_REP_IN;
	int ncpu = libbpf_num_possible_cpus(), c;
	__u64 v[ncpu > 0 ? ncpu : 1];
	long long sum = 0;

	if (map_fd < 0 || ncpu <= 0 || bpf_map_lookup_elem(map_fd, &k, v))
		return -1;
	for (c = 0; c < ncpu; c++)
		sum += v[c];
	return sum;
}

/* Busy and total USER_HZ ticks of each CPU, from /proc/stat. */
struct cpu_ticks {
	unsigned long long busy[MAX_CPUS];
	unsigned long long total[MAX_CPUS];
	int n;
};

static void cpu_ticks(struct cpu_ticks *t)
{
	unsigned long long v[8];
	char line[512];
	FILE *f = fopen("/proc/stat", "r");

	t->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && t->n < MAX_CPUS) {
		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line, "%*s %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) != 8)
			continue;
		/* user nice system idle iowait irq softirq steal */
		t->busy[t->n] = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		t->total[t->n] = t->busy[t->n] + v[3] + v[4];
		t->n++;
	}
	fclose(f);
}

static void print_ticks(const struct cpu_ticks *a, const struct cpu_ticks *b)
{
	int i;

	printf("{\"busy\":[");
	for (i = 0; i < a->n && i < b->n; i++)
		printf("%s%llu", i ? "," : "", b->busy[i] - a->busy[i]);
	printf("],\"total\":[");
	for (i = 0; i < a->n && i < b->n; i++)
		printf("%s%llu", i ? "," : "", b->total[i] - a->total[i]);
	printf("]}");
}

static double cpu_s(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_stime.tv_sec +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

static int open_socket(struct gen *g)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = {};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	int sndbuf = 4 << 20;

	if (fd < 0) {
		perror("benchgen: packet socket");
		return -errno;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", g->dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) || ioctl(fd, SIOCGIFINDEX, &ifr)) {
		fprintf(stderr, "benchgen: %s: %s\n", g->dev, strerror(errno));
		goto err;
	}
	/* SIOCGIFINDEX overwrote the union: ask for the address again */
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		fprintf(stderr, "benchgen: %s: %s\n", g->dev, strerror(errno));
		goto err;
	}
	memcpy(g->src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	/* protocol 0: this socket sends only, it receives nothing */
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("benchgen: bind");
		goto err;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
err:
	close(fd);
	return -EINVAL;
}

static int run(struct gen *g, int fd, uint64_t *sent, uint64_t *calls,
	       uint64_t *errors, double *secs)
{
	struct mmsghdr mm[BATCH] = {};
	struct iovec iov[BATCH];
	uint64_t start = mono_ns(), end, now, n, pos = 0;
	int i, r;

	end = g->seconds ? start + (uint64_t)(g->seconds * 1e9) : UINT64_MAX;
	for (i = 0; i < BATCH; i++) {
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		now = mono_ns();
		if (now >= end || (g->count && *sent >= g->count))
			break;
		n = BATCH;
		if (g->rate) {
			double due = (now - start) * g->rate / 1e9 - *sent;

			if (due < 1) {
				uint64_t next = start + (uint64_t)((*sent + 1) *
							1e9 / g->rate);
				struct timespec ts = {
					.tv_sec = next / 1000000000ULL,
					.tv_nsec = next % 1000000000ULL,
				};

				clock_nanosleep(CLOCK_MONOTONIC,
						TIMER_ABSTIME, &ts, NULL);
				continue;
			}
			if (due < n)
				n = (uint64_t)due;
		}
		if (g->count && g->count - *sent < n)
			n = g->count - *sent;
		for (i = 0; i < (int)n; i++) {
			iov[i].iov_base = g->ring + pos * g->frame_len;
			iov[i].iov_len = g->frame_len;
			pos = pos + 1 == g->nframes ? 0 : pos + 1;
		}
		r = sendmmsg(fd, mm, n, 0);
		if (r < 0) {
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != EINTR) {
				perror("benchgen: sendmmsg");
				return -errno;
			}
			(*errors)++;
			/* the frames not sent go again */
			pos = (pos + g->nframes - n) % g->nframes;
			continue;
		}
		if ((uint64_t)r < n)
			pos = (pos + g->nframes - (n - r)) % g->nframes;
		*sent += r;
		(*calls)++;
	}
	*secs = (mono_ns() - start) / 1e9;
	return 0;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -EINVAL;
}

static int parse_srcs(struct gen *g, char *list)
{
	char *tok, *save;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (g->nsrcs == MAX_SRCS ||
		    inet_pton(AF_INET, tok, &g->srcs[g->nsrcs]) != 1)
			return -EINVAL;
		g->nsrcs++;
	}
	return g->nsrcs ? 0 : -EINVAL;
}

/* tlv_put: a TLV header at the end of g->tlv, its value zeroed */
static uint8_t *tlv_put(struct gen *g, uint8_t *at, uint8_t type,
			unsigned int len)
{
	if (at + TLV_HDR + len > g->tlv + sizeof(g->tlv))
		return NULL;
	at[0] = TLV_FLAG_U;
	at[1] = type;
	at[2] = len >> 8;
	at[3] = len & 0xff;
	memset(at + TLV_HDR, 0, len);
	return at + TLV_HDR + len;
}

/*
 * The TLVs of --tlvs, by name, with the type and value length of RFC
 * 8972 section 4; a Location TLV carries the three request sub-TLVs of
 * section 4.2 (source MAC: 8 octets, addresses: 16 octets each).
 */
static int parse_tlvs(struct gen *g, char *list)
{
	static const struct {
		const char *name;
		uint8_t type;
		unsigned int len;
	} fixed[] = {
		{ "timestamp-info", 3, 4 },
		{ "cos", 4, 4 },
		{ "direct-measurement", 5, 12 },
		{ "access-report", 6, 4 },
		{ "follow-up", 7, 16 },
	};
	uint8_t *at = g->tlv, *v;
	char *tok, *save;
	unsigned int i;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = at;
		if (!strcmp(tok, "location")) {
			at = tlv_put(g, at, 2, 4 + (TLV_HDR + 8) +
				     2 * (TLV_HDR + 16));
			if (at) {
				tlv_put(g, v + TLV_HDR + 4, 1, 8);
				tlv_put(g, v + TLV_HDR + 4 + TLV_HDR + 8, 4, 16);
				tlv_put(g, v + TLV_HDR + 4 + 2 * TLV_HDR + 8 + 16,
					7, 16);
			}
		} else if (!strncmp(tok, "padding:", 8)) {
			at = tlv_put(g, at, 1, atoi(tok + 8));
			/* pseudorandom padding (RFC 8972 section 4.1) */
			for (i = 0; at && v + TLV_HDR + i < at; i++)
				v[TLV_HDR + i] = (i * 131 + 17) | 1;
		} else {
			for (i = 0; i < ARRAY_SIZE(fixed); i++)
				if (!strcmp(tok, fixed[i].name))
					break;
			if (i == ARRAY_SIZE(fixed)) {
				fprintf(stderr, "benchgen: unknown TLV %s\n", tok);
				return -EINVAL;
			}
			at = tlv_put(g, at, fixed[i].type, fixed[i].len);
		}
		if (!at) {
			fprintf(stderr, "benchgen: more than %d octets of TLVs\n",
				MAX_TLV_OCTETS);
			return -EINVAL;
		}
		g->ntlv++;
	}
	g->tlv_len = at - g->tlv;
	return g->ntlv ? 0 : -EINVAL;
}

static int bad_usage(void)
{
	fprintf(stderr, "usage: benchgen -i DEV --dst-mac MAC --src IP[,IP...] --dst IP [-p PORT]\n"
		"                [--icmp] [-l LEN] [--auth-key-file FILE] [--flows N]\n"
		"                [--tlvs TLV[,TLV...]] [--rate PPS] [-w SECONDS] [-c COUNT]\n"
		"                [--cpu N] [--count-map PINNED] [--linger MS]\n"
		"  TLV: location timestamp-info cos direct-measurement access-report\n"
		"       follow-up padding:N\n");
	return 2;
}

static int parse(struct gen *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dst-mac", required_argument, NULL, 'M' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "icmp", no_argument, NULL, 'I' },
		{ "auth-key-file", required_argument, NULL, 'K' },
		{ "flows", required_argument, NULL, 'F' },
		{ "rate", required_argument, NULL, 'r' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "count-map", required_argument, NULL, 'm' },
		{ "linger", required_argument, NULL, 'L' },
		{ "tlvs", required_argument, NULL, 'T' },
		{ 0 }
	};
	const char *key_path = NULL;
	bool len_given = false, mac = false;
	int c;

	*g = (struct gen){ .port = STAMP_PORT, .len = STAMP_BASE_LEN,
			   .flows = 1, .cpu = -1, .linger_ms = 300 };
	while ((c = getopt_long(argc, argv, "i:p:l:w:c:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'i':
			g->dev = optarg;
			break;
		case 'p':
			g->port = atoi(optarg);
			break;
		case 'l':
			g->len = atoi(optarg);
			len_given = true;
			break;
		case 'w':
			g->seconds = atof(optarg);
			break;
		case 'c':
			g->count = strtoull(optarg, NULL, 0);
			break;
		case 'M':
			if (parse_mac(optarg, g->dst_mac))
				return bad_usage();
			mac = true;
			break;
		case 'S':
			if (parse_srcs(g, optarg))
				return bad_usage();
			break;
		case 'D':
			if (inet_pton(AF_INET, optarg, &g->dst) != 1)
				return bad_usage();
			break;
		case 'I':
			g->icmp = true;
			break;
		case 'K':
			key_path = optarg;
			break;
		case 'F':
			g->flows = atoi(optarg);
			break;
		case 'r':
			g->rate = atof(optarg);
			break;
		case 'C':
			g->cpu = atoi(optarg);
			break;
		case 'm':
			g->count_map = optarg;
			break;
		case 'L':
			g->linger_ms = atoi(optarg);
			break;
		case 'T':
			if (parse_tlvs(g, optarg))
				return bad_usage();
			break;
		default:
			return bad_usage();
		}
	}
	if (optind != argc || !g->dev || !mac || !g->nsrcs || !g->dst.s_addr ||
	    !g->flows || g->flows > g->nsrcs * (65536 - SPORT_BASE) ||
	    (!g->seconds && !g->count) || g->rate < 0)
		return bad_usage();
	if (key_path) {
		if (stamp_keyfile_read(key_path, g->key, &g->key_len))
			return 2;
	}
	if (!len_given)
		g->len = stamp_base_len(g->key_len) + g->tlv_len;
	if (g->len < stamp_base_len(g->key_len) + g->tlv_len ||
	    g->len > MAX_PAYLOAD || (g->icmp && (g->key_len || g->ntlv))) {
		fprintf(stderr, "benchgen: bad length %u (shorter than the base and the TLVs, or --icmp with a key or TLVs)\n",
			g->len);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t sent = 0, calls = 0, errors = 0;
	long long before, after = -1;
	struct cpu_ticks t0, t1;
	struct rusage ru0, ru1;
	double secs = 0;
	struct gen g;
	int fd, map_fd = -1, err;

	err = parse(&g, argc, argv);
	if (err)
		return err;
	if (g.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(g.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("benchgen: pinning to a CPU");
	}
	if (g.count_map) {
		map_fd = bpf_obj_get(g.count_map);
		if (map_fd < 0) {
			fprintf(stderr, "benchgen: %s: %s\n", g.count_map,
				strerror(errno));
			return 2;
		}
	}
	fd = open_socket(&g);
	if (fd < 0)
		return 2;
	if (build_ring(&g)) {
		fprintf(stderr, "benchgen: no memory for %u flows\n", g.flows);
		return 2;
	}
	/* the CPU time of the sending only, not of starting a process */
	before = replies(&g, map_fd);
	getrusage(RUSAGE_SELF, &ru0);
	cpu_ticks(&t0);
	err = run(&g, fd, &sent, &calls, &errors, &secs);
	getrusage(RUSAGE_SELF, &ru1);
	usleep(SETTLE_MS * 1000);
	cpu_ticks(&t1);
	if (map_fd >= 0) {
		usleep(g.linger_ms * 1000);
		after = replies(&g, map_fd);
	}
	printf("{\"kind\":\"%s\",\"flows\":%u,\"length\":%u,\"frame\":%zu,\"auth\":%s,\"tlvs\":%u,\"tlv_octets\":%u,\"offered_pps\":%.0f,\"sent\":%llu,\"seconds\":%.3f,\"achieved_pps\":%.1f,\"send_calls\":%llu,\"send_errors\":%llu,\"cpu\":%d,\"gen_cpu_s\":%.3f,\"replies\":",
	       g.icmp ? "icmp" : "stamp", g.flows, g.len, g.frame_len,
	       g.key_len ? "true" : "false", g.ntlv, g.tlv_len, g.rate,
	       (unsigned long long)sent, secs, secs > 0 ? sent / secs : 0,
	       (unsigned long long)calls, (unsigned long long)errors, g.cpu,
	       cpu_s(&ru1) - cpu_s(&ru0));
	if (before >= 0 && after >= 0)
		printf("%lld", after - before);
	else
		printf("null");
	printf(",\"settle_ms\":%d,\"cpu_ticks\":", SETTLE_MS);
	print_ticks(&t0, &t1);
	printf("}\n");
	explicit_bzero(g.key, sizeof(g.key));
	free(g.ring);
	close(fd);
	if (map_fd >= 0)
		close(map_fd);
	return err ? 2 : 0;
}
