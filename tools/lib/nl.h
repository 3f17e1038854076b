/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_NL_H
#define _STAMPNL_NL_H

#include <netlink/attr.h>
#include <netlink/msg.h>

struct nl_sock;

/* A generic netlink connection to the "stamp" family. */
struct nlctx {
	struct nl_sock *sk;
	int family;
};

/*
 * Called once per reply message with its top-level attributes; @nlh is
 * there for attributes that repeat (parsing keeps only the last).
 */
typedef int (*nlctx_parse_fn)(struct nlmsghdr *nlh, struct nlattr **tb,
			      void *arg);

int nlctx_connect(struct nlctx *c);
int nlctx_resolve(struct nlctx *c);
int nlctx_open(struct nlctx *c);
void nlctx_close(struct nlctx *c);
struct nl_msg *nlctx_msg(struct nlctx *c, int cmd);
int nlctx_call(struct nlctx *c, struct nl_msg *msg, nlctx_parse_fn parse,
	       void *arg);
int nlctx_dump(struct nlctx *c, int cmd, nlctx_parse_fn parse,
	       void (*reset)(void *arg), void *arg);

#endif /* _STAMPNL_NL_H */
