// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink context: one libnl-3 generic netlink socket with extended
 * acks, the family resolved once, and a bounded request/reply loop that
 * prints the kernel's extack message on failure.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <uapi/linux/stamp.h>

#include "nl.h"

/* A reply is a handful of messages: more means a broken peer. */
#define NLCTX_MAX_RECV 64
#define NLCTX_RECV_BUF 32768
/* about 3 s of backing off in all */
#define NLCTX_DUMP_TRIES 50

struct call_state {
	nlctx_parse_fn parse;
	void *arg;
	int err;
	int done;
	char msg[256];
};

/**
 * nlctx_connect() - a generic netlink socket, the family not resolved yet
 * @c: the context to fill
 *
 * Return: 0, or -errno with a message on stderr.
 */
int nlctx_connect(struct nlctx *c)
{
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;
	int err;

	c->family = -1;
	c->sk = nl_socket_alloc();
	if (!c->sk) {
		fprintf(stderr, "stampnl: out of memory\n");
		return -ENOMEM;
	}
	err = genl_connect(c->sk);
	if (err) {
		fprintf(stderr, "stampnl: netlink: %s\n", nl_geterror(err));
		nl_socket_free(c->sk);
		c->sk = NULL;
		return -ECONNREFUSED;
	}
	/* never wait forever for a kernel that does not answer */
	setsockopt(nl_socket_get_fd(c->sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	/*
	 * The kernel sizes each part of a dump by the largest buffer this
	 * socket received with (up to 32 KiB). Fewer, larger parts leave
	 * less time between them for the session table to change and
	 * interrupt the dump. Peeking keeps larger messages whole.
	 */
	nl_socket_set_msg_buf_size(c->sk, NLCTX_RECV_BUF);
	nl_socket_enable_msg_peek(c->sk);
	return 0;
}

/**
 * nlctx_resolve() - look the "stamp" family up again, quietly
 * @c: a connected context
 *
 * A long-running reader (the SNMP subagent) calls this before each
 * refresh: the family's id changes when the module is loaded again.
 *
 * Return: 0, or -ENOENT when the module is not loaded.
 */
int nlctx_resolve(struct nlctx *c)
{
	c->family = genl_ctrl_resolve(c->sk, STAMP_GENL_NAME);
	return c->family < 0 ? -ENOENT : 0;
}

/**
 * nlctx_open() - connect and resolve the "stamp" family
 * @c: the context to fill
 *
 * Return: 0, or -errno with a message on stderr saying what to do.
 */
int nlctx_open(struct nlctx *c)
{
	int err;

	err = nlctx_connect(c);
	if (err)
		return err;
	if (nlctx_resolve(c)) {
		fprintf(stderr,
			"stampnl: the stamp_refl module is not loaded (try: modprobe stamp_refl)\n");
		nlctx_close(c);
		return -ENOENT;
	}
	return 0;
}

/**
 * nlctx_close() - release the socket
 * @c: the context
 */
void nlctx_close(struct nlctx *c)
{
	nl_socket_free(c->sk);
	c->sk = NULL;
}

/**
 * nlctx_msg() - a new request for @cmd
 * @c: the context
 * @cmd: STAMP_CMD_*
 *
 * Return: the message, or NULL when out of memory.
 */
struct nl_msg *nlctx_msg(struct nlctx *c, int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, 0, cmd,
			 STAMP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;
	struct nlattr *tb[STAMP_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, STAMP_A_MAX, NULL);
	if (err) {
		st->err = -EPROTO;
		return NL_STOP;
	}
	if (st->parse) {
		err = st->parse(nlmsg_hdr(msg), tb, st->arg);
		if (err) {
			st->err = err;
			return NL_STOP;
		}
	}
	return NL_OK;
}

/* The end of a dump. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	st->done = 1;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct call_state *st = arg;

	st->done = 1;
	return NL_STOP;
}

/* The extack TLVs follow the error and, unless capped, the request. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct call_state *st = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	unsigned int off = sizeof(*e);
	int len;

	st->err = e->error;
	st->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	len = (int)nlh->nlmsg_len - (int)sizeof(*nlh) - (int)off;
	if (len <= 0 ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + off), len, NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(st->msg, sizeof(st->msg), "%s",
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int call(struct nlctx *c, struct nl_msg *msg, nlctx_parse_fn parse,
		void *arg, bool dump)
{
	struct call_state st = { .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int i, err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);

	err = nl_send_auto(c->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		fprintf(stderr, "stampnl: netlink send: %s\n", nl_geterror(err));
		err = -EIO;
		goto out;
	}
	/* a dump is as long as the table; the receive timeout bounds it */
	for (i = 0; (dump || i < NLCTX_MAX_RECV) && !st.done && !st.err; i++) {
		err = nl_recvmsgs(c->sk, cb);
		if (err == -NLE_DUMP_INTR && !st.err) {
			err = -EINTR;
			goto out;
		}
		if (err < 0 && !st.err) {
			fprintf(stderr, "stampnl: netlink receive: %s\n",
				nl_geterror(err));
			err = -EIO;
			goto out;
		}
	}
	err = st.err;
	if (!err && !st.done) {
		fprintf(stderr, "stampnl: no answer from the kernel\n");
		err = -ETIMEDOUT;
	}
	/* older modules refused with a bare -EPERM: say what it means */
	if ((err == -EPERM || err == -EACCES) && !st.msg[0])
		fprintf(stderr,
			"stampnl: %s: changing the reflector needs CAP_NET_ADMIN (run as root)\n",
			strerror(-err));
	else if (err)
		fprintf(stderr, "stampnl: kernel: %s\n",
			st.msg[0] ? st.msg : strerror(-err));
out:
	nl_cb_put(cb);
	return err;
}

/**
 * nlctx_call() - send a request, parse the replies, wait for the ack
 * @c: the context
 * @msg: the request; freed here
 * @parse: called for each reply message, may be NULL
 * @arg: passed to @parse
 *
 * On a kernel error its extack message (or strerror) goes to stderr.
 *
 * Return: 0 or -errno.
 */
int nlctx_call(struct nlctx *c, struct nl_msg *msg, nlctx_parse_fn parse,
	       void *arg)
{
	return call(c, msg, parse, arg, false);
}

/**
 * nlctx_dump() - dump @cmd, starting over while the kernel's table changes
 * @c: the context
 * @cmd: STAMP_CMD_*
 * @parse: called for each object's message
 * @reset: called before each attempt, to forget a partial result
 * @arg: passed to @parse and @reset
 *
 * Return: 0 or -errno (-EAGAIN when the table never held still).
 */
int nlctx_dump(struct nlctx *c, int cmd, nlctx_parse_fn parse,
	       void (*reset)(void *arg), void *arg)
{
	struct nl_msg *msg;
	int tries, err = -EAGAIN;

	for (tries = 0; tries < NLCTX_DUMP_TRIES; tries++) {
		/*
		 * Sessions learned from a flood come and go in bursts: back
		 * off (1, 2, 4 ... 64 ms) so that a later try can fall
		 * between two bursts.
		 */
		if (tries)
			usleep(1000U << (tries < 7 ? tries - 1 : 6));
		msg = nlmsg_alloc();
		if (!msg)
			return -ENOMEM;
		if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
				 NLM_F_DUMP, cmd, STAMP_GENL_VERSION)) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		reset(arg);
		err = call(c, msg, parse, arg, true);
		if (err != -EINTR)
			return err;
	}
	fprintf(stderr,
		"stampnl: the sessions kept changing during %d dumps; try again\n",
		NLCTX_DUMP_TRIES);
	return -EAGAIN;
}
