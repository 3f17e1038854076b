// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of bpf/stamp_tc.bpf.c through tools/bpf_stamp.c: run in the
 * sender's namespace against an echoing peer (host_bpf.sh). Checks that
 * the egress program wrote T1 after the userspace send call began and
 * before the reply came back (the UDP checksum it fixed up is checked by
 * the peer's kernel, which drops a bad one), that the ingress program
 * recorded T4 for exactly the replies seen, and that only this session's
 * packets were touched.
 *
 * usage: tc_stamp_test IFNAME TARGET-IPV4 PORT COUNT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf_stamp.h"
#include "wire.h"

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

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET }, src;
	socklen_t slen = sizeof(src);
	struct stamp_tc_cfg cfg = { 0 };
	struct bpf_stamp *b = NULL;
	char why[128] = "";
	__s64 off = tai_offset_ns();
	int fd, ifindex, count, i, err;

	if (argc != 5) {
		fprintf(stderr, "usage: %s IFNAME TARGET PORT COUNT\n", argv[0]);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	count = atoi(argv[4]);
	dst.sin_port = htons(atoi(argv[3]));
	if (!ifindex || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1 ||
	    count <= 0) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) ||
	    getsockname(fd, (struct sockaddr *)&src, &slen)) {
		perror("socket");
		return 2;
	}
	cfg.local_addr[0] = src.sin_addr.s_addr;
	cfg.remote_addr[0] = dst.sin_addr.s_addr;
	cfg.local_port = src.sin_port;
	cfg.remote_port = dst.sin_port;
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
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		__u64 before, after, t1_ns, t4;
		ssize_t n;

		stamp_test_encode(pkt, sizeof(pkt), &t, false);
		before = now_ns(CLOCK_REALTIME);
		if (send(fd, pkt, sizeof(pkt), 0) != sizeof(pkt)) {
			perror("send");
			break;
		}
		n = poll(&pfd, 1, 2000) == 1 ? recv(fd, rep, sizeof(rep), 0) : -1;
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
out:
	bpf_stamp_close(b);
	close(fd);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
