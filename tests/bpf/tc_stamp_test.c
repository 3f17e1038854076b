// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of bpf/stamp_tc.bpf.c through tools/lib/tc_stamp.c: run in
 * the sender's namespace against an echoing peer (tests/host/bpf.sh), over IPv4
 * or IPv6, with SESSIONS sessions in this process on one device, every
 * other one with PTP T1, the rest NTP.
 *
 * For each packet: the egress program wrote T1 after the userspace send
 * call began and no later than the kernel's software transmit stamp
 * (taken by the driver, after TC egress); with transmit checksum offload
 * off, the peer's kernel verifies the UDP checksum the program fixed up,
 * and drops the packet if it is wrong. The ingress program queued T4 for
 * exactly the replies seen, with the right session id and Sender Seq, no
 * earlier than the kernel's receive stamp (taken before TC ingress) and
 * before recv() returned. Only the sessions' packets were touched: two
 * other flows through the same device, one from another source port to
 * the session's port and one from the session's own source port to the
 * next port, must arrive unmodified and queue no T4.
 *
 * With HOLD, the sessions then keep exchanging every 50 ms for HOLD
 * seconds after printing "ready" (so that the script can start a second
 * process, count the filters, or kill this one), checking every stamp.
 *
 * usage: tc_stamp_test IFNAME TARGET PORT COUNT [SESSIONS [HOLD]]
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
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include "tc_stamp.h"
#include "wire.h"

/* Sender Seqs of the other flows: ones no session packet uses here */
#define OTHER_SEQ 1000000
/* a T1 the programs would overwrite if they took the packet for ours */
#define OTHER_TS 0x1122334455667788ULL
#define MAX_SESS 256

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

struct sess {
	int fd;
	__u32 id;
	bool ptp;
	__u16 sport;
	__u32 want_seq;		/* the reply the next T4 must be for */
	__u64 t4;		/* from the ring, 0 if none */
	int t4_count;		/* T4s handed over since the last exchange */
};

/* whether one of the first @n sessions has source port @port */
static bool port_taken(const struct sess *sess, int n, __u16 port)
{
	int i;

	for (i = 0; i < n; i++)
		if (sess[i].sport == port)
			return true;
	return false;
}

static struct sess sess[MAX_SESS];
static int nsess;
static int stray;		/* T4s for no session, or a wrong seq */

static void on_t4(void *arg, __u32 id, __u32 seq, __u64 t4)
{
	struct sess *s = tc_stamp_session_data(arg, id);

	if (!s) {
		stray++;
		return;
	}
	s->t4_count++;
	if (seq == s->want_seq)
		s->t4 = t4;
	else
		stray++;
}

static __s64 ts_ns(const struct timespec *ts)
{
	return (__s64)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static int timestamping(int fd)
{
	int flags = SOF_TIMESTAMPING_TX_SOFTWARE |
		    SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
		    SOF_TIMESTAMPING_OPT_TSONLY;

	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags,
			  sizeof(flags));
}

/* The kernel's stamp in a message's control data, UTC ns; 0 if none. */
static __s64 cmsg_stamp(struct msghdr *mh)
{
	struct scm_timestamping tss;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPING) {
			memcpy(&tss, CMSG_DATA(cm), sizeof(tss));
			return ts_ns(&tss.ts[0]);
		}
	}
	return 0;
}

/*
 * Send @pkt and wait for the echo; its length, or -1. @rx_ns: the
 * kernel's receive stamp of the echo; @tx_ns: its transmit stamp of
 * @pkt (0 if the socket has no timestamping).
 */
static ssize_t exchange(int fd, const __u8 *pkt, __u8 *rep, __s64 *rx_ns,
			__s64 *tx_ns)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char ctrl[256], data[64];
	struct iovec iov = { rep, STAMP_BASE_LEN };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctrl,
			     .msg_controllen = sizeof(ctrl) };
	ssize_t n;

	*rx_ns = 0;
	*tx_ns = 0;
	if (send(fd, pkt, STAMP_BASE_LEN, 0) != STAMP_BASE_LEN) {
		perror("send");
		return -1;
	}
	/* the transmit stamp on the error queue wakes poll() too */
	do {
		if (poll(&pfd, 1, 2000) != 1)
			return -1;
	} while (!(pfd.revents & POLLIN));
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	*rx_ns = cmsg_stamp(&mh);
	/* the transmit stamp is queued by the time the echo is back */
	iov = (struct iovec){ data, sizeof(data) };
	mh = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl,
			      .msg_controllen = sizeof(ctrl) };
	if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
		*tx_ns = cmsg_stamp(&mh);
	return n;
}

/*
 * Another flow through the device: the peer echoes the first 16 octets
 * of what arrived, so a T1 the programs wrote would come back.
 */
static void other_flow(const char *what, struct tc_stamp_dev *dev,
		       const struct sockaddr_storage *dst, __u16 sport,
		       __u32 seq)
{
	struct stamp_test t = { .seq = seq, .ts = OTHER_TS, .errest = 1 };
	__u8 pkt[STAMP_BASE_LEN], rep[STAMP_BASE_LEN];
	__s64 rx, tx;
	ssize_t n = -1;
	int fd, before = stray;

	fd = flow_socket(dst, sport, sport != 0);
	CHECK(fd >= 0, "%s: socket", what);
	if (fd < 0)
		return;
	stamp_test_encode(pkt, sizeof(pkt), &t, false);
	n = exchange(fd, pkt, rep, &rx, &tx);
	close(fd);
	CHECK(n == STAMP_BASE_LEN, "%s: echoed", what);
	if (n != STAMP_BASE_LEN)
		return;
	CHECK(!memcmp(rep + STAMP_OFF_SENDER_SEQ, pkt, 16),
	      "%s: arrived unmodified (T1 %016llx came back as %016llx)", what,
	      OTHER_TS, (unsigned long long)stamp_get64(rep + STAMP_OFF_SENDER_TS));
	tc_stamp_poll(dev, on_t4, dev);
	CHECK(stray == before, "%s: its reply queued no T4", what);
}

/*
 * One exchange of session @s with Sender Seq @seq; 0 when T1 and T4 are
 * right, else -1; what was seen in @msg.
 */
static int round_trip(struct tc_stamp_dev *dev, struct sess *s, __u32 seq,
		      __s64 off, char *msg, size_t len)
{
	__u8 pkt[STAMP_BASE_LEN], rep[STAMP_BASE_LEN];
	struct stamp_test t = { .seq = seq, .ts = 0, .errest = 1 };
	__s64 before, after, t1_ns, t4_ns, rx, tx;
	struct stamp_time t1;
	ssize_t n;

	/* the kernel's TAI offset is the host's: another test may set it */
	off = tai_offset_ns();
	tc_stamp_set_tai_offset(dev, off);
	s->want_seq = seq;
	s->t4 = 0;
	s->t4_count = 0;
	stamp_test_encode(pkt, sizeof(pkt), &t, false);
	before = now_ns(CLOCK_REALTIME);
	n = exchange(s->fd, pkt, rep, &rx, &tx);
	after = now_ns(CLOCK_REALTIME);
	if (n != STAMP_BASE_LEN) {
		snprintf(msg, len, "no reply (did the peer's kernel refuse our checksum?)");
		return -1;
	}
	tc_stamp_poll(dev, on_t4, dev);
	/* the peer echoes our packet's first 16 octets at 24 */
	stamp_ts_decode(stamp_get64(rep + STAMP_OFF_SENDER_TS), s->ptp, &t1);
	t1_ns = t1.sec * 1000000000LL + t1.nsec;
	if (s->ptp)
		t1_ns -= off;	/* PTP is TAI */
	t4_ns = (__s64)s->t4 - off;
	if (!rx || !tx) {
		snprintf(msg, len, "no kernel stamps (rx %lld, tx %lld)",
			 (long long)rx, (long long)tx);
		return -1;
	}
	/* NTP's binary fraction rounds down: up to 1 ns early */
	if (t1_ns < before - 1 || t1_ns > tx) {
		snprintf(msg, len, "T1 %lld not between send() %lld and the kernel's transmit stamp %lld",
			 (long long)t1_ns, (long long)before, (long long)tx);
		return -1;
	}
	if (s->t4_count != 1 || !s->t4 || t4_ns < rx || t4_ns > after) {
		snprintf(msg, len, "%d T4s; T4 %lld not between the kernel's receive stamp %lld and recv() %lld",
			 s->t4_count, (long long)t4_ns, (long long)rx,
			 (long long)after);
		return -1;
	}
	snprintf(msg, len, "T1 %lld ns after send(), %lld ns before the driver; T4 %lld ns after the kernel's receive stamp",
		 (long long)(t1_ns - before), (long long)(tx - t1_ns),
		 (long long)(t4_ns - rx));
	return 0;
}

/*
 * A second get shares the handle; a session removed is no longer stamped
 * (its T1 field comes back as sent, no T4); added again, it gets its id
 * back and is stamped again.
 */
static void lifecycle(struct tc_stamp_dev *dev, struct sess *s, __u32 seq,
		      __s64 off)
{
	__u8 pkt[STAMP_BASE_LEN], rep[STAMP_BASE_LEN];
	struct stamp_test t = { .seq = seq, .ts = OTHER_TS, .errest = 1 };
	struct tc_stamp_dev *again = NULL;
	struct stamp_tc_key key;
	char why[160], msg[256];
	__u32 old = s->id;
	__s64 rx, tx;
	ssize_t n;

	CHECK(!tc_stamp_dev_get(tc_stamp_ifindex(dev), &again, why,
				sizeof(why)) && again == dev,
	      "a second get of the device shares the handle");
	tc_stamp_dev_put(again);
	CHECK(!tc_stamp_session_del(dev, s->id) &&
	      tc_stamp_session_del(dev, s->id) == -ENOENT,
	      "session %u removed, once", s->id);
	s->want_seq = seq;
	s->t4_count = 0;
	stamp_test_encode(pkt, sizeof(pkt), &t, false);
	n = exchange(s->fd, pkt, rep, &rx, &tx);
	tc_stamp_poll(dev, on_t4, dev);
	CHECK(n == STAMP_BASE_LEN && !memcmp(rep + STAMP_OFF_SENDER_SEQ, pkt, 16) &&
	      !s->t4_count, "removed: its packet left as sent, its reply queued no T4");
	CHECK(!tc_stamp_key_from_socket(s->fd, &key) &&
	      !tc_stamp_session_add(dev, &key, s->ptp, off, &s->id, why,
				    sizeof(why)) && s->id == old &&
	      !tc_stamp_session_data(dev, s->id) &&
	      !tc_stamp_session_set_data(dev, s->id, s),
	      "added again: id %u back", s->id);
	CHECK(!round_trip(dev, s, seq + 1, off, msg, sizeof(msg)),
	      "added again: stamped: %s", msg);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst = { 0 }, src;
	struct tc_stamp_dev *dev = NULL;
	struct tc_stamp_stats st;
	char why[160] = "", msg[256];
	__s64 off = tai_offset_ns();
	int ifindex, count, port, i, j, err, hold, bad = 0, rounds = 0;

	if (argc < 5 || argc > 7) {
		fprintf(stderr, "usage: %s IFNAME TARGET PORT COUNT [SESSIONS [HOLD]]\n",
			argv[0]);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	count = atoi(argv[4]);
	port = atoi(argv[3]);
	nsess = argc > 5 ? atoi(argv[5]) : 1;
	hold = argc > 6 ? atoi(argv[6]) : 0;
	if (inet_pton(AF_INET6, argv[2],
		      &((struct sockaddr_in6 *)&dst)->sin6_addr) == 1)
		dst.ss_family = AF_INET6;
	else if (inet_pton(AF_INET, argv[2],
			   &((struct sockaddr_in *)&dst)->sin_addr) == 1)
		dst.ss_family = AF_INET;
	if (!ifindex || !dst.ss_family || count <= 0 || port <= 0 ||
	    port >= 65535 || nsess <= 0 || nsess > MAX_SESS || hold < 0) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	set_port(&dst, port);
	err = tc_stamp_dev_get(ifindex, &dev, why, sizeof(why));
	CHECK(!err, "programs on %s%s%s", argv[1], err ? ": " : "",
	      err ? why : "");
	if (err)
		goto out;
	for (i = 0; i < nsess; i++) {
		struct stamp_tc_key key;
		socklen_t slen = sizeof(src);

		/*
		 * Port 0 with SO_REUSEPORT may be given a port an earlier
		 * session's socket already has (the kernel shares it between
		 * reuseport sockets of one user): two sessions with one key,
		 * which tc_stamp_session_add() rightly refuses. Draw again.
		 */
		for (j = 0; ; j++) {
			sess[i].fd = flow_socket(&dst, 0, true);
			if (sess[i].fd < 0 ||
			    getsockname(sess[i].fd, (struct sockaddr *)&src, &slen)) {
				perror("socket");
				err = -1;
				goto out;
			}
			sess[i].sport = get_port(&src);
			if (!port_taken(sess, i, sess[i].sport) || j == 100)
				break;
			close(sess[i].fd);
			slen = sizeof(src);
		}
		sess[i].ptp = i % 2;
		if (timestamping(sess[i].fd)) {
			perror("socket");
			err = -1;
			goto out;
		}
		err = tc_stamp_key_from_socket(sess[i].fd, &key);
		if (!err)
			err = tc_stamp_session_add(dev, &key, sess[i].ptp, off,
						   &sess[i].id, why,
						   sizeof(why));
		if (err) {
			CHECK(0, "session %d added: %s", i, why);
			goto out;
		}
		tc_stamp_session_set_data(dev, sess[i].id, &sess[i]);
	}
	CHECK(1, "%d sessions added", nsess);
	/* the kernel turns receive stamping on a moment after asking */
	nanosleep(&(struct timespec){ 0, 100000000 }, NULL);

	for (j = 0; j < count; j++) {
		for (i = 0; i < nsess; i++) {
			err = round_trip(dev, &sess[i], j, off, msg,
					 sizeof(msg));
			/* many sessions: one line per session, not per packet */
			if (nsess == 1 || err || j == count - 1)
				CHECK(!err, "session %d (%s) seq %d: %s", i,
				      sess[i].ptp ? "PTP" : "NTP", j, msg);
		}
	}
	CHECK(stray == 0, "no T4 for another session or sequence number (%d)",
	      stray);
	/* each differs from a session in one port, both ways */
	other_flow("another source port", dev, &dst, 0, OTHER_SEQ);
	set_port(&dst, port + 1);
	other_flow("another destination port", dev, &dst, sess[0].sport,
		   OTHER_SEQ + 1);
	lifecycle(dev, &sess[0], count + 1, off);
	err = tc_stamp_stats(dev, &st);
	CHECK(!err && st.sessions == (__u32)nsess && st.owners >= 1 &&
	      st.t1 >= (__u64)count * nsess && st.t4 >= (__u64)count * nsess,
	      "stats: %u sessions, %u processes, %llu T1, %llu T4, %llu lost",
	      st.sessions, st.owners, (unsigned long long)st.t1,
	      (unsigned long long)st.t4, (unsigned long long)st.t4_lost);

	if (hold) {
		__s64 end = now_ns(CLOCK_MONOTONIC) + hold * 1000000000LL;
		struct timespec gap = { 0, 50000000 };

		printf("ready\n");
		fflush(stdout);
		for (j = count; (__s64)now_ns(CLOCK_MONOTONIC) < end; j++) {
			for (i = 0; i < nsess; i++, rounds++) {
				if (round_trip(dev, &sess[i], j, off, msg,
					       sizeof(msg)) && !bad++)
					printf("hold: session %d seq %d: %s\n",
					       i, j, msg);
			}
			nanosleep(&gap, NULL);
		}
		CHECK(!bad && rounds, "hold: %d exchanges, %d with a wrong stamp",
		      rounds, bad);
	}
out:
	for (i = 0; i < nsess; i++)
		if (sess[i].fd > 0)
			close(sess[i].fd);
	tc_stamp_dev_put(dev);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
