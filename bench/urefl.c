// SPDX-License-Identifier: GPL-2.0
/*
 * benchrefl: the userspace reference reflector of the benchmark, the
 * best a userspace STAMP reflector can do on a plain UDP socket: batches
 * of requests in with recvmmsg(), replies out with sendmmsg(), T2 from
 * the kernel's receive stamp (SO_TIMESTAMPNS, the same skb stamp
 * stamp_refl uses), T3 read just before the batch is handed to
 * sendmmsg(). Stateless and unauthenticated, NTP timestamps, IPv4; the
 * reply is built with the project's wire codec (lib/wire*.c), as in the
 * kernel. A reply leaves from the address its request was sent to
 * (IP_PKTINFO), so one reflector answers for every address routed to it
 * (the monitoring bench's thousands of targets on one local route).
 * Runs until SIGINT or SIGTERM, then prints its counters as JSON.
 *
 *   benchrefl [-p PORT] [--cpu N] [--ready FILE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "wire.h"

#define BATCH 64
#define BUF 2048

static atomic_int stop;	/* set by the signal handler */

static void on_signal(int sig)
{
	stop = 1;
}

struct slot {
	uint8_t buf[BUF];
	char ctrl[128];
	char octrl[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct sockaddr_in peer;
	struct in_addr dst;	/* the request's destination, 0 if unknown */
};

static void now_wire(__u64 *wire)
{
	struct timespec ts;
	struct stamp_time t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = (struct stamp_time){ .sec = ts.tv_sec, .nsec = ts.tv_nsec };
	*wire = stamp_ts_encode(&t, false);
}

/* T2, the TTL and the destination of one request, from its control messages. */
static void rx_meta(struct msghdr *mh, __u64 *t2, __u8 *ttl,
		    struct in_addr *dst)
{
	struct cmsghdr *cm;

	*t2 = 0;
	*ttl = 0;
	dst->s_addr = 0;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			struct stamp_time t;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			t = (struct stamp_time){ .sec = ts.tv_sec,
						 .nsec = ts.tv_nsec };
			*t2 = stamp_ts_encode(&t, false);
		} else if (cm->cmsg_level == IPPROTO_IP &&
			   cm->cmsg_type == IP_TTL) {
			int v;

			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			*ttl = v;
		} else if (cm->cmsg_level == IPPROTO_IP &&
			   cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			*dst = pi.ipi_addr;
		}
	}
	if (!*t2)
		now_wire(t2);
}

static int serve(int fd, struct slot *s, uint64_t *rx, uint64_t *tx,
		 uint64_t *bad, uint64_t *calls)
{
	struct mmsghdr in[BATCH], out[BATCH];
	struct iovec iin[BATCH], iout[BATCH];
	__u16 errest = stamp_errest_encode(false, false, 1000000000);
	int i, n, m, r;

	while (!stop) {
		for (i = 0; i < BATCH; i++) {
			iin[i] = (struct iovec){ s[i].buf, BUF };
			in[i].msg_hdr = (struct msghdr){
				.msg_name = &s[i].peer,
				.msg_namelen = sizeof(s[i].peer),
				.msg_iov = &iin[i], .msg_iovlen = 1,
				.msg_control = s[i].ctrl,
				.msg_controllen = sizeof(s[i].ctrl),
			};
		}
		n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("benchrefl: recvmmsg");
			return -errno;
		}
		*rx += n;
		for (i = 0, m = 0; i < n; i++) {
			struct stamp_refl_params p = { .errest = errest,
						       .copy_seq = true };

			rx_meta(&in[i].msg_hdr, &p.rx_ts, &p.ttl, &s[i].dst);
			r = stamp_reflect(s[i].buf, in[i].msg_len, BUF, &p,
					  false);
			if (r < 0) {
				(*bad)++;
				continue;
			}
			iout[m] = (struct iovec){ s[i].buf, r };
			out[m].msg_hdr = (struct msghdr){
				.msg_name = &s[i].peer,
				.msg_namelen = sizeof(s[i].peer),
				.msg_iov = &iout[m], .msg_iovlen = 1,
			};
			if (s[i].dst.s_addr) {
				struct msghdr *h = &out[m].msg_hdr;
				struct in_pktinfo pi = { .ipi_spec_dst = s[i].dst };
				struct cmsghdr *cm;

				h->msg_control = s[i].octrl;
				h->msg_controllen = sizeof(s[i].octrl);
				cm = CMSG_FIRSTHDR(h);
				cm->cmsg_level = IPPROTO_IP;
				cm->cmsg_type = IP_PKTINFO;
				cm->cmsg_len = CMSG_LEN(sizeof(pi));
				memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
			}
			m++;
		}
		/* T3 as late as userspace can: just before the system call */
		for (i = 0; i < m; i++) {
			__u64 t3;

			now_wire(&t3);
			stamp_reflect_set_tx_ts(iout[i].iov_base, t3, false);
		}
		for (i = 0; i < m; i += r) {
			r = sendmmsg(fd, out + i, m - i, 0);
			if (r <= 0)
				break;
			*tx += r;
			(*calls)++;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cpu", required_argument, NULL, 'C' },
		{ "ready", required_argument, NULL, 'r' },
		{ 0 }
	};
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_port = htons(STAMP_PORT) };
	uint64_t rx = 0, tx = 0, bad = 0, calls = 0;
	int fd, c, one = 1, rcvbuf = 4 << 20, cpu = -1, err;
	const char *ready = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct slot *s;
	struct rusage ru;

	while ((c = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			addr.sin_port = htons(atoi(optarg));
			break;
		case 'C':
			cpu = atoi(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			fprintf(stderr, "usage: benchrefl [-p PORT] [--cpu N] [--ready FILE]\n");
			return 2;
		}
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("benchrefl: pinning to a CPU");
	}
	/* no SA_RESTART: the signal must end a blocked recvmmsg() */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	s = calloc(BATCH, sizeof(*s));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!s || fd < 0) {
		perror("benchrefl: socket");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("benchrefl: bind");
		return 2;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	err = serve(fd, s, &rx, &tx, &bad, &calls);
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"rx\":%llu,\"reflected\":%llu,\"bad\":%llu,\"send_calls\":%llu,\"cpu_s\":%.3f}\n",
	       (unsigned long long)rx, (unsigned long long)tx,
	       (unsigned long long)bad, (unsigned long long)calls,
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	close(fd);
	free(s);
	return err ? 2 : 0;
}
