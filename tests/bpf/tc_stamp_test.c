// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of bpf/stamp_tc.bpf.c through tools/lib/bpf_stamp.c: run in the
 * sender's namespace against an echoing peer (tests/host/bpf.sh), over IPv4 or
 * IPv6. Checks that the egress program wrote T1 after the userspace send
 * call began and before the reply came back (with transmit checksum
 * offload off, the peer's kernel verifies the UDP checksum the program
 * fixed up, and drops the packet if it is wrong), that the ingress
 * program recorded T4 for exactly the replies seen, and that only this
 * session's packets were touched: two other flows through the same
 * device, one from another source port to the session's port and one
 * from the session's own source port to the next port, must arrive
 * unmodified, and their replies must leave no T4.
 *
 * usage: tc_stamp_test IFNAME TARGET PORT COUNT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf_stamp.h"
#include "wire.h"

/* Sender Seqs of the other flows: slots no session packet uses here */
#define OTHER_SEQ 1000
/* a T1 the programs would overwrite if they took the packet for ours */
#define OTHER_TS 0x1122334455667788ULL

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
		printf("ok: " __VA_ARGS__);				\
	} else {							\
		failed++;						\
		printf("FAIL: " __VA_ARGS__);				\
	}								\
	printf("\n");							\
} while (0)

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __s64 tai_offset_ns(void)
{
	__s64 d = (__s64)now_ns(CLOCK_TAI) - (__s64)now_ns(CLOCK_REALTIME);

	return (d + 500000000LL) / 1000000000LL * 1000000000LL;
}

static void set_port(struct sockaddr_storage *ss, __u16 port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static __u16 get_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/*
 * A UDP socket connected to @dst, from source port @sport (0: any). With
 * @share, SO_REUSEPORT, so that another flow can use the session's port;
 * without, a port of its own is certain (a sharing socket may be given
 * the session's).
 */
static int flow_socket(const struct sockaddr_storage *dst, __u16 sport,
		       bool share)
{
	struct sockaddr_storage src = { .ss_family = dst->ss_family };
	int fd, one = 1;

	fd = socket(dst->ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	set_port(&src, sport);
	if ((share && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
				 sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    connect(fd, (const struct sockaddr *)dst, sizeof(*dst))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send @pkt and wait for the echo; its length, or -1. */
static ssize_t exchange(int fd, const __u8 *pkt, __u8 *rep)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (send(fd, pkt, STAMP_BASE_LEN, 0) != STAMP_BASE_LEN) {
		perror("send");
		return -1;
	}
	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	return recv(fd, rep, STAMP_BASE_LEN, 0);
}

/*
 * Another flow through the device: the peer echoes the first 16 octets
 * of what arrived, so a T1 the programs wrote would come back.
 */
static void other_flow(const char *what, struct bpf_stamp *b,
		       const struct sockaddr_storage *dst, __u16 sport,
		       __u32 seq)
{
	struct stamp_test t = { .seq = seq, .ts = OTHER_TS, .errest = 1 };
	__u8 pkt[STAMP_BASE_LEN], rep[STAMP_BASE_LEN];
	ssize_t n = -1;
	__u64 t4;
	int fd;

	fd = flow_socket(dst, sport, sport != 0);
	CHECK(fd >= 0, "%s: socket", what);
	if (fd < 0)
		return;
	stamp_test_encode(pkt, sizeof(pkt), &t, false);
	n = exchange(fd, pkt, rep);
	close(fd);
	CHECK(n == STAMP_BASE_LEN, "%s: echoed", what);
	if (n != STAMP_BASE_LEN)
		return;
	CHECK(!memcmp(rep + STAMP_OFF_SENDER_SEQ, pkt, 16),
	      "%s: arrived unmodified (T1 %016llx came back as %016llx)", what,
	      OTHER_TS, (unsigned long long)stamp_get64(rep + STAMP_OFF_SENDER_TS));
	CHECK(bpf_stamp_t4(b, seq, &t4) == -ENOENT,
	      "%s: its reply left no T4", what);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst = { 0 }, src;
	socklen_t slen = sizeof(src);
	struct stamp_tc_cfg cfg = { 0 };
	struct bpf_stamp *b = NULL;
	char why[128] = "";
	__s64 off = tai_offset_ns();
	int fd, ifindex, count, port, i, err;

	if (argc != 5) {
		fprintf(stderr, "usage: %s IFNAME TARGET PORT COUNT\n", argv[0]);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	count = atoi(argv[4]);
	port = atoi(argv[3]);
	if (inet_pton(AF_INET6, argv[2],
		      &((struct sockaddr_in6 *)&dst)->sin6_addr) == 1)
		dst.ss_family = AF_INET6;
	else if (inet_pton(AF_INET, argv[2],
			   &((struct sockaddr_in *)&dst)->sin_addr) == 1)
		dst.ss_family = AF_INET;
	if (!ifindex || !dst.ss_family || count <= 0 || port <= 0 ||
	    port >= 65535) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	set_port(&dst, port);
	fd = flow_socket(&dst, 0, true);
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&src, &slen)) {
		perror("socket");
		return 2;
	}
	if (dst.ss_family == AF_INET6) {
		cfg.ipv6 = 1;
		memcpy(cfg.local_addr,
		       &((struct sockaddr_in6 *)&src)->sin6_addr, 16);
		memcpy(cfg.remote_addr,
		       &((struct sockaddr_in6 *)&dst)->sin6_addr, 16);
	} else {
		cfg.local_addr[0] =
			((struct sockaddr_in *)&src)->sin_addr.s_addr;
		cfg.remote_addr[0] =
			((struct sockaddr_in *)&dst)->sin_addr.s_addr;
	}
	cfg.local_port = htons(get_port(&src));
	cfg.remote_port = htons(port);
	cfg.tai_offset_ns = off;
	err = bpf_stamp_open(&b, ifindex, &cfg, why, sizeof(why));
	CHECK(!err, "programs loaded and attached on %s%s%s", argv[1],
	      err ? ": " : "", err ? why : "");
	if (err)
		goto out;

	for (i = 0; i < count; i++) {
		__u8 pkt[STAMP_BASE_LEN], rep[STAMP_BASE_LEN];
		struct stamp_test t = { .seq = i, .ts = 0, .errest = 1 };
		struct stamp_time t1;
		__u64 before, after, t1_ns, t4;
		ssize_t n;

		stamp_test_encode(pkt, sizeof(pkt), &t, false);
		before = now_ns(CLOCK_REALTIME);
		n = exchange(fd, pkt, rep);
		after = now_ns(CLOCK_REALTIME);
		CHECK(n == STAMP_BASE_LEN, "seq %d: reply received (the peer's kernel accepted our checksum)",
		      i);
		if (n != STAMP_BASE_LEN)
			continue;
		/* the peer echoes our packet's first 16 octets at 24 */
		stamp_ts_decode(stamp_get64(rep + STAMP_OFF_SENDER_TS), false,
				&t1);
		t1_ns = (__u64)t1.sec * 1000000000ULL + t1.nsec;
		CHECK(t1_ns >= before && t1_ns <= after,
		      "seq %d: T1 written on egress, %lld ns after send() began",
		      i, (long long)(t1_ns - before));
		err = bpf_stamp_t4(b, i, &t4);
		CHECK(!err && t4 - off >= t1_ns && t4 - off <= after,
		      "seq %d: T4 recorded on ingress between T1 and recv()", i);
	}
	{
		__u64 t4;

		CHECK(bpf_stamp_t4(b, count + 7, &t4) == -ENOENT,
		      "no T4 for a sequence number never sent");
	}
	/* each differs from the session in one port, both ways */
	other_flow("another source port", b, &dst, 0, OTHER_SEQ);
	set_port(&dst, port + 1);
	other_flow("another destination port", b, &dst, get_port(&src),
		   OTHER_SEQ + 1);
out:
	bpf_stamp_close(b);
	close(fd);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
