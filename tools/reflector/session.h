/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SESSION_H
#define _STAMPNL_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "nl.h"

/* One reflector session as SESSION_GET reports it. */
struct sess {
	struct nladdr peer, local;	/* local.len 0: any address */
	unsigned int peer_port, port, ssid;
	int has_key, provisioned;
	uint32_t seq, idle_ms;
	uint64_t rx, reflected, drop_auth;
	uint64_t last_t3;		/* wire format; 0: no reply yet */
	int ar_id, ar_code;		/* -1: no Access Report yet */
};

struct sess_list {
	struct sess *v;
	size_t n, cap;
};

int session_dump(struct nlctx *c, struct sess_list *l);

#endif /* _STAMPNL_SESSION_H */
