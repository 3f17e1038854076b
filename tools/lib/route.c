// SPDX-License-Identifier: GPL-2.0
/*
 * The device a connected socket's packets leave on, asked of the kernel's
 * routing table (RTM_GETROUTE) rather than guessed from the addresses: a
 * source address may sit on a loopback or dummy device while the packets
 * go out elsewhere, and policy routing may pick another table.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "route.h"

struct oif_result {
	int ifindex;
};

static int parse_route(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct oif_result *res = arg;
	struct nlattr *tb[RTA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_parse(nlh, sizeof(struct rtmsg), tb, RTA_MAX, NULL))
		return NL_SKIP;
	if (tb[RTA_OIF])
		res->ifindex = (int)nla_get_u32(tb[RTA_OIF]);
	return NL_OK;
}

/**
 * route_oif() - the device the kernel routes from @src to @dst through
 * @dst: the peer (AF_INET or AF_INET6)
 * @src: the local address the socket bound to, same family
 *
 * Return: the ifindex, or -errno (-ENETUNREACH when there is no route).
 */
int route_oif(const struct sockaddr_storage *dst,
	      const struct sockaddr_storage *src)
{
	struct rtmsg rtm = { .rtm_family = dst->ss_family };
	struct oif_result res = { 0 };
	const void *daddr, *saddr;
	struct nl_sock *sk;
	struct nl_msg *msg;
	int alen, err;

	if (dst->ss_family == AF_INET6) {
		daddr = &((const struct sockaddr_in6 *)dst)->sin6_addr;
		saddr = &((const struct sockaddr_in6 *)src)->sin6_addr;
		alen = 16;
	} else {
		daddr = &((const struct sockaddr_in *)dst)->sin_addr;
		saddr = &((const struct sockaddr_in *)src)->sin_addr;
		alen = 4;
	}
	rtm.rtm_dst_len = alen * 8;
	rtm.rtm_src_len = alen * 8;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	if (nl_connect(sk, NETLINK_ROUTE)) {
		err = -EIO;
		goto out_sock;
	}
	/* one answer, RTM_NEWROUTE or an error: no ACK to wait for */
	nl_socket_disable_auto_ack(sk);
	msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);
	if (!msg) {
		err = -ENOMEM;
		goto out_sock;
	}
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) ||
	    nla_put(msg, RTA_DST, alen, daddr) ||
	    nla_put(msg, RTA_SRC, alen, saddr)) {
		err = -EMSGSIZE;
		goto out_msg;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, parse_route, &res);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	/* the kernel's reason is lost in libnl's codes; no route it is */
	err = err >= 0 && res.ifindex > 0 ? res.ifindex : -ENETUNREACH;
out_msg:
	nlmsg_free(msg);
out_sock:
	nl_socket_free(sk);
	return err;
}
