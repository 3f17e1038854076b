// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl sender`: an RFC 8762 Session-Sender over a connected UDP socket,
 * unauthenticated (section 4.2.1) or, with a key, authenticated (4.2.2).
 *
 * One poll loop sends on absolute CLOCK_MONOTONIC deadlines (no drift) and
 * receives between sends. Each packet has the loss threshold -W (RFC 7680):
 * unanswered by then it is lost for good, and an answer after that is
 * counted as late. All four timestamps are brought to one timescale (UTC
 * nanoseconds) before any difference is taken: T1/T4 in the sender's
 * format, T2/T3 in the format the reflector's Z bit names.
 *
 * Authenticated, the HMAC is computed once T1 is in the packet, and every
 * reply's HMAC is checked before anything in it is believed: one that
 * fails counts as an auth failure and nothing else, so its packet stays
 * unanswered (and is lost when its threshold passes).
 */
/* sendmmsg() */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
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
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include "clock_source.h"
#include "prom.h"
#include "sender.h"
#include "sigfd.h"
#include "stamp_auth.h"
#include "stampnl.h"
#include "util.h"

#define RECV_BATCH 64
#define SEND_BATCH 64


/* A setup error: printed for the one-shot sender, kept for the monitor. */
static __printf(2, 3) void setup_error(struct sender *s, const char *fmt,
					...)
{
	char buf[SENDER_WHY_LEN];
	char *why = s->why ? s->why : buf;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, SENDER_WHY_LEN, fmt, ap);
	va_end(ap);
	if (!s->silent)
		fprintf(stderr, "stampnl sender: %s\n", why);
}

/* -t, and -I (an address, an interface or VRF) and -s: where packets leave from */
static int bind_local(struct sender *s, int family, socklen_t len)
{
	const struct sender_opts *o = s->o;
	struct sockaddr_storage local = { 0 };
	char a[INET6_ADDRSTRLEN] = "any";
	int ttl = o->ttl, err;

	if (ttl && (family == AF_INET6 ?
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
			       sizeof(ttl)) :
		    setsockopt(s->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)))) {
		err = -errno;
		setup_error(s, "-t %d: %s", ttl, strerror(errno));
		return err;
	}
	if (o->ifname[0] &&
	    setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
		       strlen(o->ifname) + 1)) {
		err = -errno;
		setup_error(s, "-I %s: %s", o->ifname, strerror(errno));
		return err;
	}
	if (!o->src.sa.sa_family && !o->sport)
		return 0;
	memcpy(&local, &o->src, sizeof(o->src));
	if (o->src.sa.sa_family && o->src.sa.sa_family != family) {
		setup_error(s, "-I: the source is IPv%c, the target IPv%c",
			    o->src.sa.sa_family == AF_INET ? '4' : '6',
			    family == AF_INET ? '4' : '6');
		return -EAFNOSUPPORT;
	}
	local.ss_family = family;
	if (family == AF_INET6)
		((struct sockaddr_in6 *)&local)->sin6_port = htons(o->sport);
	else
		((struct sockaddr_in *)&local)->sin_port = htons(o->sport);
	if (bind(s->fd, (struct sockaddr *)&local, len)) {
		err = -errno;
		if (o->src.sa.sa_family)
			inet_ntop(family, family == AF_INET6 ?
				  (void *)&((struct sockaddr_in6 *)&local)->sin6_addr :
				  (void *)&((struct sockaddr_in *)&local)->sin_addr,
				  a, sizeof(a));
		setup_error(s, "binding to %s port %u: %s", a, o->sport,
			    strerror(-err));
		return err;
	}
	return 0;
}

static int open_socket(struct sender *s)
{
	struct addrinfo hints = { .ai_family = s->o->family,
				  .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai = NULL;
	char addr[INET6_ADDRSTRLEN] = "";
	char port[8];
	int one = 1, err;

	snprintf(port, sizeof(port), "%u", s->o->port);
	err = getaddrinfo(s->o->target, port, &hints, &ai);
	if (err) {
		setup_error(s, "%s: %s", s->o->target, gai_strerror(err));
		return -EHOSTUNREACH;
	}
	s->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		err = -errno;
		setup_error(s, "socket: %s", strerror(errno));
		goto out;
	}
	getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr),
		    NULL, 0, NI_NUMERICHOST);
	if (s->one)
		memcpy(s->one->addr, addr, sizeof(addr));
	setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (sender_tlv_check_family(s->o, ai->ai_family)) {
		err = -EINVAL;
		goto err_close;
	}
	/* the reply's TTL, and its DS field (backward DSCP remarking) */
	if (ai->ai_family == AF_INET6) {
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
			   sizeof(one));
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one,
			   sizeof(one));
	} else {
		setsockopt(s->fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
		setsockopt(s->fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one));
	}
	if (s->o->tos >= 0 &&
	    (ai->ai_family == AF_INET6 ?
	     setsockopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, &s->o->tos,
			sizeof(s->o->tos)) :
	     setsockopt(s->fd, IPPROTO_IP, IP_TOS, &s->o->tos,
			sizeof(s->o->tos)))) {
		err = -errno;
		setup_error(s, "setting DSCP/ECN: %s", strerror(errno));
		goto err_close;
	}
	err = bind_local(s, ai->ai_family, ai->ai_addrlen);
	if (err)
		goto err_close;
	if (connect(s->fd, ai->ai_addr, ai->ai_addrlen)) {
		err = -errno;
		setup_error(s, "%s: %s", addr, strerror(errno));
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

/* The record of packet @seq: the ring's slot, or the whole test's. */
static struct probe *probe_at(const struct sender *s, uint64_t seq)
{
	return s->ring ? &s->probes[seq % s->ring] : &s->probes[seq];
}

/* Bounded: was @seq's record overwritten since it was sent? */
static bool probe_gone(const struct sender *s, uint64_t seq)
{
	return s->ring && seq + s->ring < s->loss.sent;
}

static void emit(struct sender *s, enum sender_ev ev, const char *name,
		 uint64_t seq, const struct probe *p)
{
	if (s->hooks)
		s->hooks->event(s->hook_arg, s, ev, seq, p);
	else
		sender_event(s, name, seq, p);
}

static void mark_lost(struct sender *s, uint64_t seq, struct probe *p)
{
	p->state = LOST;
	s->loss.lost++;
	emit(s, SENDER_EV_LOST, "lost", seq, NULL);
}

static struct probe *probe_slot(struct sender *s, uint64_t seq)
{
	if (s->ring) {
		/*
		 * The ring holds more than the threshold's worth of packets;
		 * one still pending when its slot comes round (the schedule
		 * ran ahead of the expiry) is lost now rather than forgotten.
		 */
		for (; s->next_expire + s->ring <= seq; s->next_expire++) {
			struct probe *old = probe_at(s, s->next_expire);

			if (old->state == PENDING)
				mark_lost(s, s->next_expire, old);
		}
		return probe_at(s, seq);
	}
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

/* The next test packet, stamped and signed, into buf; counted as sent. */
static int prepare_one(struct sender *s, uint8_t *buf)
{
	uint64_t seq = s->loss.sent;
	struct probe *p = probe_slot(s, seq);
	struct stamp_test t = { .seq = (uint32_t)seq, .ssid = s->o->ssid };
	struct stamp_time t1;

	if (!p)
		return -ENOMEM;
	t.errest = s->clk.errest;
	/* as close to send() as userspace gets; BPF stamping is closer */
	sender_clock_now(&s->clk, &t1);
	t.ts = stamp_ts_encode(&t1, s->o->ptp);
	stamp_test_encode(buf, s->o->len, &t, s->o->key_len);
	sender_tlv_stamp(s, buf, seq);
	if (s->o->key_len)
		stamp_auth_sign(buf, s->o->len, s->auth);
	*p = (struct probe){ .sent_mono = mono_ns(),
			     .t1_user = sender_clock_to_utc_ns(&s->clk, &t1,
							       s->o->ptp),
			     .state = PENDING };
	s->loss.sent++;
	if (s->hooks)
		s->hooks->event(s->hook_arg, s, SENDER_EV_SENT, seq, p);
	return 0;
}

/*
 * Send n prepared packets, the first being Seq first, with as few system
 * calls as the kernel allows: one sendmmsg() for a whole batch when the
 * sender is behind (rate mode), which is what lets it load a reflector.
 */
/*
 * The @n packets at the start of txbuf. The headers are built here, on
 * the stack, rather than kept per session: 80 octets a packet of the
 * batch that a monitored session would otherwise hold for good.
 */
static int send_batch(struct sender *s, unsigned int n, uint64_t first)
{
	struct iovec iov[SEND_BATCH];
	struct mmsghdr mm[SEND_BATCH];
	unsigned int off = 0, i;
	int r;

	for (i = 0; i < n; i++) {
		iov[i] = (struct iovec){ s->txbuf + i * s->o->len, s->o->len };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
						       .msg_iovlen = 1 } };
	}

	while (off < n) {
		r = sendmmsg(s->fd, mm + off, n - off, 0);
		if (r > 0) {
			for (i = 0; i < (unsigned int)r; i++)
				sender_ts_sent(&s->ts,
					       (uint32_t)(first + off + i));
			off += r;
			s->send_calls++;
			continue;
		}
		/*
		 * An ICMP error from an earlier packet surfaces here too: this
		 * one was not sent, and counts as lost.
		 */
		if (errno != ECONNREFUSED && errno != EHOSTUNREACH &&
		    errno != ENETUNREACH) {
			fprintf(stderr, "stampnl sender: send: %s\n",
				strerror(errno));
			return -errno;
		}
		s->icmp_errors++;
		s->icmp_errno = errno;
		off++;
	}
	return 0;
}


static void tx_stamp(void *arg, uint32_t seq, int64_t t1_utc_ns)
{
	struct sender *s = arg;

	if (seq < s->loss.sent && !probe_gone(s, seq))
		probe_at(s, seq)->t1_tx = t1_utc_ns;
}

/* The order answers came in, for reordering (RFC 4737). */
static void note_arrival(struct sender *s, uint32_t seq)
{
	struct sender_oneshot *one = s->one;

	if (s->ring || !one)
		return;	/* the caller's hook counts reordering, in O(1) */
	if (one->narrivals == one->arrivals_cap) {
		size_t cap = one->arrivals_cap ? one->arrivals_cap * 2 : 1024;
		uint32_t *p = realloc(one->arrivals, cap * sizeof(*p));

		if (!p)
			return;	/* reordering undercounted, nothing worse */
		one->arrivals = p;
		one->arrivals_cap = cap;
	}
	one->arrivals[one->narrivals++] = seq;
}

/*
 * The reflector's clock offset from ours as each NTP-format reply shows
 * it, for telling a reflector that writes TAI into NTP fields (every
 * offset near TAI - UTC) from clocks that merely disagree.
 */
static void ntp_offset(struct sender *s, const struct probe *p)
{
	int64_t off = ((p->t2 - p->t1) - (p->t4 - p->t3)) / 2;

	if (!s->ntp_replies || off < s->ntp_off_min)
		s->ntp_off_min = off;
	if (!s->ntp_replies || off > s->ntp_off_max)
		s->ntp_off_max = off;
	s->ntp_replies++;
}

static void handle_reply(struct sender *s, const uint8_t *buf, ssize_t n,
			 struct msghdr *mh, int64_t now_utc_ns)
{
	struct stamp_time t1, t2, t3;
	struct stamp_reply r;
	struct cmsghdr *cm;
	struct probe *p;
	int ttl = -1, ds = -1;
	unsigned int missing, i;
	bool ptp;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if ((cm->cmsg_level == IPPROTO_IP &&
		     cm->cmsg_type == IP_TTL) ||
		    (cm->cmsg_level == IPPROTO_IPV6 &&
		     cm->cmsg_type == IPV6_HOPLIMIT))
			memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
		/* IPv4 hands the TOS over as one octet, IPv6 as an int */
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TOS)
			ds = *(uint8_t *)CMSG_DATA(cm);
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_TCLASS)
			memcpy(&ds, CMSG_DATA(cm), sizeof(ds));
	}

	if (s->o->key_len && n >= STAMP_AUTH_BASE_LEN &&
	    !stamp_auth_verify(buf, n, s->auth)) {
		s->loss.auth_failures++;
		emit(s, SENDER_EV_AUTH_FAILURE, "auth_failure", 0, NULL);
		return;
	}
	if (sender_reply_decode(buf, n, s->o->key_len, &r, &missing) ||
	    r.sender_seq >= s->loss.sent) {
		s->loss.malformed++;
		emit(s, SENDER_EV_MALFORMED, "malformed", 0, NULL);
		return;
	}
	if (!sender_tlv_accept(s, buf, n)) {
		emit(s, SENDER_EV_TLV_REJECTED, "tlv_rejected", r.sender_seq,
		     NULL);
		return;
	}
	/* bounded: so old that its record is gone, it can only be late */
	if (probe_gone(s, r.sender_seq)) {
		s->loss.late++;
		emit(s, SENDER_EV_LATE, "late", r.sender_seq, NULL);
		return;
	}
	if (!stamp_errest_is_synced(r.errest) && !s->refl_unsynced) {
		s->refl_unsynced = true;
		s->unsynced_seq = r.sender_seq;
		/* refused means not one more packet, nor a delay reported */
		if (s->o->require_sync) {
			s->sync_refused = true;
			return;
		}
	}
	if (s->o->require_ptp && s->one &&
	    sender_tlv_refl_ptp(s, buf, n, s->one->ptp_refused_why,
				sizeof(s->one->ptp_refused_why))) {
		s->ptp_refused = true;
		s->ptp_refused_seq = r.sender_seq;
		s->sync_refused = true;
		return;
	}
	p = probe_at(s, r.sender_seq);
	if (p->state == ANSWERED) {
		s->loss.duplicates++;
		emit(s, SENDER_EV_DUP, "duplicate", r.sender_seq, NULL);
		return;
	}
	if (p->state == LOST) {
		s->loss.late++;
		emit(s, SENDER_EV_LATE, "late", r.sender_seq, NULL);
		return;
	}

	/* T1 as it left (echoed), in our format; T2/T3 in the reflector's */
	stamp_ts_decode(r.sender_ts, s->o->ptp, &t1);
	ptp = stamp_errest_is_ptp(r.errest);
	stamp_ts_decode(r.rx_ts, ptp, &t2);
	stamp_ts_decode(r.ts, ptp, &t3);
	p->t1 = sender_clock_to_utc_ns(&s->clk, &t1, s->o->ptp);
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
	p->missing = missing;
	p->state = ANSWERED;
	if (missing)
		s->short_replies++;
	for (i = 0; i < REPLY_NMISSING; i++)
		if (missing & 1U << i)
			s->missing[i]++;
	if (!ptp)
		ntp_offset(s, p);
	s->loss.received++;
	note_arrival(s, r.sender_seq);
	s->refl_ptp = ptp;
	sender_tlv_reply(s, buf, n, ds, p);

	if (s->hooks) {
		/* every sample kept would grow without bound */
		s->hooks->event(s->hook_arg, s, SENDER_EV_REPLY, r.sender_seq, p);
		return;
	}
	stat_add(&s->one->rtt, (p->t4 - p->t1) - (p->t3 - p->t2));
	stat_add(&s->one->fwd, p->t2 - p->t1);
	stat_add(&s->one->bwd, p->t4 - p->t3);
	stat_add(&s->one->res, p->t3 - p->t2);
	stat_add(&s->one->iv_rtt, (p->t4 - p->t1) - (p->t3 - p->t2));
	if (s->o->json_lines)
		sender_event(s, "reply", r.sender_seq, p);
	else if (!s->o->json && !s->o->quiet)
		sender_print_reply(s, r.sender_seq, p);
}

static void receive_all(struct sender *s)
{
	uint8_t buf[MAX_LEN + 1];
	char ctrl[256];
	int i;

	/* transmit stamps first: they belong to packets being answered */
	sender_ts_tx_drain(&s->ts, tx_stamp, s);
	for (i = 0; i < RECV_BATCH && !s->sync_refused; i++) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctrl,
				     .msg_controllen = sizeof(ctrl) };
		ssize_t n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
		struct stamp_time now;

		sender_clock_utc(&now);
		/* an ICMP error for an earlier request: why nothing answers */
		if (n < 0 && (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			      errno == ENETUNREACH)) {
			s->icmp_errors++;
			s->icmp_errno = errno;
			continue;
		}
		if (n < 0)
			return;
		handle_reply(s, buf, n, &mh, time_ns(&now));
	}
}

/* Mark packets past their threshold lost; returns the next expiry. */
static uint64_t expire(struct sender *s, uint64_t now)
{
	uint64_t wait = (uint64_t)(s->o->wait_s * 1e9);

	for (; s->next_expire < s->loss.sent; s->next_expire++) {
		struct probe *p = probe_at(s, s->next_expire);

		if (p->state != PENDING)
			continue;
		if (p->sent_mono + wait > now)
			return p->sent_mono + wait;
		mark_lost(s, s->next_expire, p);
	}
	return UINT64_MAX;
}

/* Still sending: neither the count nor the duration reached? */
static bool sending(const struct sender *s, uint64_t next_send,
		    uint64_t stop_at)
{
	return (!s->o->count || s->loss.sent < s->o->count) &&
	       next_send < stop_at;
}

static int open_ts(struct sender *s);

/**
 * sender_session_start() - buffers and schedule, the first packet due now
 * @s: a sender whose socket and timestamping are open
 *
 * Return: 0 or -errno.
 */
int sender_session_start(struct sender *s)
{
	uint64_t start = mono_ns();
	unsigned int i;
	int err;

	if (!s->batch || s->batch > SEND_BATCH)
		s->batch = SEND_BATCH;
	s->interval_ns = (uint64_t)(s->o->interval_s * 1e9);
	if (s->caller_bufs && s->ring && s->probes && s->txbuf) {
		memset(s->txbuf, 0, (size_t)s->batch * s->o->len);
		memset(s->probes, 0, s->ring * sizeof(*s->probes));
		s->nprobes_cap = s->ring;
	} else if (s->caller_bufs) {
		return -EINVAL;
	}
	if (!s->caller_bufs)
		s->txbuf = calloc(s->batch, s->o->len);
	if (!s->txbuf)
		return -ENOMEM;
	if (s->ring && !s->caller_bufs) {
		s->probes = calloc(s->ring, sizeof(*s->probes));
		if (!s->probes)
			return -ENOMEM;
		s->nprobes_cap = s->ring;
	}
	/* every slot of the batch gets the TLV template */
	for (i = 0; i < s->batch; i++) {
		err = sender_tlv_template(s, s->txbuf + i * s->o->len);
		if (err)
			return err;
	}
	sched_init(&s->sched, s->o->poisson, s->interval_ns, s->seed);
	s->next_send = start;
	if (s->o->poisson || s->o->random_start)
		s->next_send += sched_start(&s->sched);
	s->start_mono = start;
	if (s->o->report_s && s->one)
		s->next_report = start + (uint64_t)(s->o->report_s * 1e9);
	s->stop_at = s->o->duration_s ?
		     start + (uint64_t)(s->o->duration_s * 1e9) : UINT64_MAX;
	/* behind by more than this, the schedule moves on rather than burst */
	s->slack = s->interval_ns * s->batch > 100000000 ?
		   s->interval_ns * s->batch : 100000000;
	s->more = sending(s, s->next_send, s->stop_at);
	s->deadline = s->next_send;
	return 0;
}

/**
 * sender_session_on_timer() - send what is due, expire, report
 * @s: the session
 * @now: CLOCK_MONOTONIC ns
 *
 * Sets @s->deadline to when it wants to run again (UINT64_MAX: only when
 * a reply comes, or never once sender_session_done()).
 *
 * Return: 0, or -errno when sending failed for a reason other than an
 * ICMP error (those are counted: an unreachable target is measured).
 */
int sender_session_on_timer(struct sender *s, uint64_t now)
{
	uint64_t first = s->loss.sent, until;
	unsigned int i;
	int err = 0;

	s->more = sending(s, s->next_send, s->stop_at);
	/* at high rates, every packet that is due, in one go */
	for (i = 0; s->more && now >= s->next_send && i < s->batch; i++) {
		err = prepare_one(s, s->txbuf + i * s->o->len);
		if (err)
			break;
		if (!s->first_send)
			s->first_send = now;
		s->last_send = now;
		s->next_send += sched_gap(&s->sched);
		s->more = sending(s, s->next_send, s->stop_at);
	}
	/* what was prepared goes out even if the next one failed */
	if (i) {
		int e = send_batch(s, i, first);

		err = err ?: e;
	}
	if (err)
		return err;
	if (s->more && now > s->next_send + s->slack) {
		s->slips++;
		s->next_send = now;
	}
	s->next_exp = expire(s, now);
	if (s->next_report && now >= s->next_report) {
		sender_interval(s, now);
		s->next_report += (uint64_t)(s->o->report_s * 1e9);
	}
	until = s->more ? s->next_send : UINT64_MAX;
	if (s->next_report && s->next_report < until)
		until = s->next_report;
	if (s->next_exp < until)
		until = s->next_exp;
	s->deadline = until;
	return 0;
}

/**
 * sender_session_on_readable() - take every reply waiting on the socket
 * @s: the session
 */
void sender_session_on_readable(struct sender *s)
{
	receive_all(s);
}

/**
 * sender_session_done() - nothing more to send and nothing in flight
 * @s: the session
 *
 * Return: true once the test is over (or a reply refused it).
 */
bool sender_session_done(const struct sender *s)
{
	return s->sync_refused || (!s->more && !loss_in_flight(&s->loss));
}

/* o->seed, or a random one: schedules that do not march in step */
static void pick_seed(struct sender *s)
{
	s->seed = s->o->seed;
	if (!s->seed && getrandom(&s->seed, sizeof(s->seed), 0) < 0)
		s->seed = mono_ns();
}

static struct stamp_auth_key *auth_new(const uint8_t *key, size_t len)
{
	struct stamp_auth_key *k;

	if (!len)
		return NULL;
	k = malloc(sizeof(*k));
	if (k)
		stamp_auth_key_init(k, key, len);
	return k;
}

/*
 * HMAC contexts (344 octets each) only for the keys given: most monitored
 * sessions have none.
 */
static int auth_open(struct sender *s)
{
	s->auth = auth_new(s->o->key, s->o->key_len);
	s->tlv_auth = auth_new(s->o->tlv_key, s->o->tlv_key_len);
	if ((s->o->key_len && !s->auth) ||
	    (s->o->tlv_key_len && !s->tlv_auth))
		return -ENOMEM;
	return 0;
}

static void auth_close(struct sender *s)
{
	if (s->auth)
		stamp_auth_key_wipe(s->auth);
	if (s->tlv_auth)
		stamp_auth_key_wipe(s->tlv_auth);
	free(s->auth);
	free(s->tlv_auth);
	s->auth = NULL;
	s->tlv_auth = NULL;
}

/**
 * sender_session_open() - everything a session needs, for a caller with
 *	its own loop
 * @s: zeroed but for o, ring, batch, hooks, silent; fd -1
 *
 * Return: 0, or -errno with the reason in @s->why.
 */
int sender_session_open(struct sender *s)
{
	int err;

	pick_seed(s);
	err = auth_open(s);
	if (err) {
		setup_error(s, "the HMAC keys: %s", strerror(-err));
		return err;
	}
	err = sender_clock_init(&s->clk, s->o->ptp);
	if (err) {
		setup_error(s, "the local clock: %s", strerror(-err));
		return err;
	}
	err = open_socket(s);
	if (err)
		return err;
	err = open_ts(s);
	if (err) {
		setup_error(s, "timestamping %s: %s", sender_ts_name(s->tsm),
			    s->ts.note[0] ? s->ts.note : strerror(-err));
		return err;
	}
	return sender_session_start(s);
}

/**
 * sender_session_close() - release what sender_session_open() took
 * @s: the session; its counters stay readable
 */
void sender_session_close(struct sender *s)
{
	struct sender_oneshot *one = s->one;

	auth_close(s);
	sender_ts_close(&s->ts);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (!s->caller_bufs) {
		free(s->probes);
		free(s->txbuf);
		s->probes = NULL;
		s->txbuf = NULL;
	}
	s->nprobes_cap = 0;
	if (!one)
		return;
	free(one->arrivals);
	one->arrivals = NULL;
	one->narrivals = 0;
	one->arrivals_cap = 0;
	stat_free(&one->rtt);
	stat_free(&one->fwd);
	stat_free(&one->bwd);
	stat_free(&one->res);
	stat_free(&one->iv_rtt);
}

static int run(struct sender *s)
{
	int err;

	err = sender_session_start(s);
	if (err)
		goto out;
	while (!s->interrupted && !s->sync_refused) {
		uint64_t now = mono_ns();
		struct pollfd pfd[2] = { { .fd = s->fd, .events = POLLIN },
					 { .fd = s->sigfd, .events = POLLIN } };
		int64_t ms;

		err = sender_session_on_timer(s, now);
		if (err)
			goto out;
		if (sender_session_done(s))
			break;
		ms = s->deadline == UINT64_MAX ? 1000 :
		     (int64_t)((s->deadline > now ? s->deadline - now : 0) +
			       999999) / 1000000;
		if (poll(pfd, 2, ms > 1000 ? 1000 : (int)ms) > 0) {
			if (pfd[0].revents)
				sender_session_on_readable(s);
			if (pfd[1].revents)
				s->interrupted = true;
		}
	}
out:
	/* Ctrl-C: what is still within its threshold is in flight, not lost */
	expire(s, mono_ns());
	return err;
}

/*
 * --require-ptp, this side: the daemon that keeps the system clock must
 * be a PTP one (phc2sys or ptp4l), as the Timestamp Information TLV
 * would report it (tools/lib/clock_source.c).
 */
static bool local_ptp_refused(void)
{
	char who[32];
	int src = stamp_clock_source_detect("/proc", who, sizeof(who));

	if (src == STAMP_SYNC_PTP)
		return false;
	if (src < 0)
		fprintf(stderr, "stampnl sender: --require-ptp: cannot tell what synchronizes the local clock: /proc: %s\n",
			strerror(-src));
	else
		fprintf(stderr, "stampnl sender: --require-ptp: the local clock is not PTP-synchronized (%s%s, no ptp4l or phc2sys); run ptp4l, or use --require-sync\n",
			who[0] ? who : "no time daemon",
			who[0] ? " keeps it" : " runs");
	return true;
}

/*
 * BPF writes T1 into the packet after it was signed, which would break
 * every HMAC: authenticated, "auto" starts at the kernel's stamps.
 */
static int open_ts(struct sender *s)
{
	enum sender_ts_method want = s->tsm;
	int err;

	if (!s->o->key_len || want != TS_AUTO)
		return sender_ts_open(&s->ts, want, s->fd, s->clk.tai_off_ns,
				      s->o->ptp);
	err = sender_ts_open(&s->ts, TS_KERNEL, s->fd, s->clk.tai_off_ns,
			     s->o->ptp);
	if (err)
		sender_ts_open(&s->ts, TS_USER, s->fd, s->clk.tai_off_ns,
			       s->o->ptp);
	snprintf(s->ts.note, SENDER_TS_NOTE_LEN,
		 "bpf: not with --auth-key-file (the HMAC covers T1, which BPF would rewrite after signing)");
	return 0;
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
	struct sender_opts o;
	int err;

	err = sender_parse_opts(argc, argv, &o);
	if (err)
		return err == -ECANCELED ? 0 : 2;
	if (o.prom_path && !strcmp(o.prom_path, "-") && prom_claim_stdout()) {
		explicit_bzero(o.key, sizeof(o.key));
		explicit_bzero(o.tlv_key, sizeof(o.tlv_key));
		return 2;
	}
	err = o.targets_path ? sender_multi(&o) : sender_main(&o);
	explicit_bzero(o.key, sizeof(o.key));
	explicit_bzero(o.tlv_key, sizeof(o.tlv_key));
	return err;
}

/**
 * sender_main() - one test against one reflector
 * @o: the options, checked
 *
 * Return: the exit status, as for cmd_sender().
 */
int sender_main(struct sender_opts *o)
{
	struct sender_oneshot one = { 0 };
	struct sender s = { .o = o, .tsm = o->tsm, .one = &one,
			    .fd = -1, .sigfd = -1 };
	int err;

	pick_seed(&s);
	if (sender_clock_init(&s.clk, s.o->ptp))
		return 2;
	if (open_socket(&s))
		return 2;
	/*
	 * Ctrl-C is an event of the poll loop: it ends the test, not us.
	 * So are a hangup and a reader gone (`| head`): dying of them
	 * would leave the BPF filters attached to the device.
	 */
	s.sigfd = sigfd_open();
	if (s.sigfd < 0) {
		perror("stampnl sender: signalfd");
		goto err_sock;
	}
	if (s.o->require_sync && !s.clk.synced) {
		fprintf(stderr, "stampnl sender: %s: the local clock is not synchronized (adjtimex); start %s, or drop %s\n",
			s.o->require_ptp ? "--require-ptp" : "--require-sync",
			s.o->require_ptp ? "ptp4l (and phc2sys)" :
			"chronyd, ntpd or ptp4l",
			s.o->require_ptp ? "--require-ptp" : "--require-sync");
		goto err_sig;
	}
	if (s.o->require_ptp && local_ptp_refused())
		goto err_sig;
	err = open_ts(&s);
	if (err) {
		fprintf(stderr, "stampnl sender: --timestamping %s: %s\n",
			sender_ts_name(s.tsm), s.ts.note[0] ? s.ts.note :
			strerror(-err));
		goto err_sig;
	}
	if (s.ts.note[0])
		fprintf(stderr, "stampnl sender: note: %s; timestamping with %s\n",
			s.ts.note, sender_ts_name(s.ts.method));
	if (!s.o->json && !s.o->json_lines) {
		printf("STAMP %s (%s) port %u: %u-octet %spackets every %g s, loss threshold %g s, %s timestamps, %s",
		       s.o->target, s.one->addr, s.o->port, s.o->len,
		       s.o->key_len ? "authenticated " : "", s.o->interval_s,
		       s.o->wait_s, s.o->ptp ? "PTP" : "NTP", sender_ts_text(&s));
		if (s.o->ssid)
			printf(", SSID %u%s", s.o->ssid, s.o->ssid_auto ?
			       " (random: TLVs want a non-zero SSID, RFC 8972 3; --ssid to choose)" :
			       "");
		printf("\n");
	}

	err = auth_open(&s);
	if (err)
		fprintf(stderr, "stampnl sender: the HMAC keys: %s\n",
			strerror(-err));
	else
		err = run(&s);
	auth_close(&s);
	if (s.ptp_refused)
		fprintf(stderr, "stampnl sender: --require-ptp: %s (reply to seq %" PRIu64 "): the test stopped; synchronize both clocks with PTP or drop --require-ptp\n",
			s.one->ptp_refused_why, s.ptp_refused_seq);
	else if (s.sync_refused)
		fprintf(stderr, "stampnl sender: --require-sync: the reflector's clock is not synchronized (S bit clear in its Error Estimate, reply to seq %" PRIu64 "): one-way delays would not be valid, so the test stopped; synchronize the reflector's clock or drop --require-sync\n",
			s.unsynced_seq);
	else if (s.o->json || s.o->json_lines)
		sender_print_json(&s);
	else
		sender_print_text(&s);
	if (s.o->prom_path && !s.sync_refused &&
	    sender_write_prometheus(&s, s.o->prom_path) && !err)
		err = -EIO;
	if (s.o->hist && s.o->hist->path && !s.sync_refused &&
	    sender_hist_write(&s, s.o->hist->path) && !err)
		err = -EIO;

	close(s.sigfd);
	sender_session_close(&s);
	explicit_bzero(s.o->key, sizeof(s.o->key));
	explicit_bzero(s.o->tlv_key, sizeof(s.o->tlv_key));
	if (err || s.sync_refused)
		return 2;
	if (!s.loss.received && s.icmp_errors)
		fprintf(stderr, "stampnl sender: no reply from %s port %u: %s (reported %" PRIu64 " times)\n",
			s.one->addr, s.o->port, strerror(s.icmp_errno),
			s.icmp_errors);
	return s.loss.received ? 0 : 1;

err_sig:
	close(s.sigfd);
err_sock:
	close(s.fd);
	explicit_bzero(s.o->key, sizeof(s.o->key));
	explicit_bzero(s.o->tlv_key, sizeof(s.o->tlv_key));
	return 2;
}
