// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl session add|del|show|list`: the reflector's stateful sessions
 * in the current network namespace. A session is named by the sender's
 * address and port, the reflector's port (and address, if given) and the
 * SSID; keys go in from a file or stdin and never come back out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include <uapi/linux/stamp.h>
#include <uapi/linux/stamp_wire.h>

#include "addr.h"
#include "keyfile.h"
#include "nl.h"
#include "print.h"
#include "session.h"
#include "stampnl.h"

static void print_help(void)
{
	fprintf(stderr,
		"usage: stampnl session add peer ADDR peer-port PORT [local ADDR] [port PORT]\n"
		"                           [ssid N] [key-file FILE|-]\n"
		"       stampnl session del peer ADDR peer-port PORT [local ADDR] [port PORT] [ssid N]\n"
		"       stampnl session show peer ADDR peer-port PORT [local ADDR] [port PORT]\n"
		"                            [ssid N] [-j]\n"
		"       stampnl session list [-j]\n"
		"  peer, peer-port  the Session-Sender's address and UDP port\n"
		"  local  the address the sender sends to (default: any of this host's)\n"
		"  port   the reflector port (default: the first one configured)\n"
		"  ssid   the Session-Sender Identifier, RFC 8972 (default 0: none)\n"
		"  key-file  the session's HMAC key, hex, 16-64 octets; - reads stdin\n");
}

static int parse_num(const char *what, const char *s, unsigned long min,
		     unsigned long max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "stampnl: bad %s '%s' (%lu-%lu)\n", what, s,
			min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/*
 * Keyword/value pairs, like ip(8); the session nest is built from them.
 * -j and key-file are taken only where @json / @key allow them.
 */
static int parse_args(int argc, char **argv, struct nl_msg *msg, bool *json,
		      bool key_ok)
{
	struct nladdr peer = { .len = 0 }, local = { .len = 0 };
	unsigned int peer_port = 0, port = 0, ssid = 0;
	uint8_t key[STAMP_KEY_MAX_LEN];
	size_t keylen = 0;
	struct nlattr *nest;
	int i, err = 0;

	for (i = 0; i < argc && !err; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (json && !strcmp(k, "-j")) {
			*json = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "stampnl: '%s' needs a value\n", k);
			err = -EINVAL;
			break;
		}
		i++;
		if (!strcmp(k, "peer"))
			err = addr_parse(v, &peer);
		else if (!strcmp(k, "local"))
			err = addr_parse(v, &local);
		else if (!strcmp(k, "peer-port"))
			err = parse_num(k, v, 1, 65535, &peer_port);
		else if (!strcmp(k, "port"))
			err = parse_num(k, v, 1, 65535, &port);
		else if (!strcmp(k, "ssid"))
			err = parse_num(k, v, 0, 65535, &ssid);
		else if (key_ok && !strcmp(k, "key-file"))
			err = stamp_keyfile_read(v, key, &keylen);
		else {
			fprintf(stderr, "stampnl: unknown session keyword '%s'\n",
				k);
			err = -EINVAL;
		}
	}
	if (!err && (!peer.len || !peer_port)) {
		fprintf(stderr, "stampnl: a session needs peer ADDR and peer-port PORT\n");
		err = -EINVAL;
	}
	if (!err && local.len && local.len != peer.len) {
		fprintf(stderr, "stampnl: peer and local are of different address families\n");
		err = -EINVAL;
	}
	if (err)
		goto out;
	nest = nla_nest_start(msg, STAMP_A_SESSION);
	if (!nest ||
	    nla_put(msg, STAMP_SESSION_A_PEER_ADDR, peer.len, peer.a) ||
	    nla_put_u16(msg, STAMP_SESSION_A_PEER_PORT, peer_port) ||
	    (local.len &&
	     nla_put(msg, STAMP_SESSION_A_LOCAL_ADDR, local.len, local.a)) ||
	    (port && nla_put_u16(msg, STAMP_SESSION_A_LOCAL_PORT, port)) ||
	    nla_put_u16(msg, STAMP_SESSION_A_SSID, ssid) ||
	    (keylen && nla_put(msg, STAMP_SESSION_A_KEY, keylen, key)))
		err = -EMSGSIZE;
	else
		nla_nest_end(msg, nest);
out:
	explicit_bzero(key, sizeof(key));
	return err;
}

static int parse_sess(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct nlattr *a[STAMP_SESSION_A_MAX + 1];
	struct sess_list *l = arg;
	struct sess *s;

	if (!tb[STAMP_A_SESSION] ||
	    nla_parse_nested(a, STAMP_SESSION_A_MAX, tb[STAMP_A_SESSION], NULL) ||
	    !a[STAMP_SESSION_A_PEER_ADDR])
		return -EPROTO;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct sess *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->peer.len = nla_len(a[STAMP_SESSION_A_PEER_ADDR]) == 4 ? 4 : 16;
	nla_memcpy(s->peer.a, a[STAMP_SESSION_A_PEER_ADDR], sizeof(s->peer.a));
	if (a[STAMP_SESSION_A_LOCAL_ADDR]) {
		s->local.len = s->peer.len;
		nla_memcpy(s->local.a, a[STAMP_SESSION_A_LOCAL_ADDR],
			   sizeof(s->local.a));
	}
#define GET(field, attr, type) \
	do { if (a[attr]) s->field = nla_get_##type(a[attr]); } while (0)
	GET(peer_port, STAMP_SESSION_A_PEER_PORT, u16);
	GET(port, STAMP_SESSION_A_LOCAL_PORT, u16);
	GET(ssid, STAMP_SESSION_A_SSID, u16);
	GET(has_key, STAMP_SESSION_A_HAS_KEY, u8);
	GET(provisioned, STAMP_SESSION_A_PROVISIONED, u8);
	GET(seq, STAMP_SESSION_A_SEQ, u32);
	GET(idle_ms, STAMP_SESSION_A_IDLE_MS, u32);
	GET(rx, STAMP_SESSION_A_RX, u64);
	GET(reflected, STAMP_SESSION_A_REFLECTED, u64);
	GET(drop_auth, STAMP_SESSION_A_DROP_AUTH, u64);
	GET(last_t3, STAMP_SESSION_A_LAST_T3, u64);
	s->ar_id = a[STAMP_SESSION_A_ACCESS_ID] ?
		   nla_get_u8(a[STAMP_SESSION_A_ACCESS_ID]) : -1;
	s->ar_code = a[STAMP_SESSION_A_ACCESS_CODE] ?
		     nla_get_u8(a[STAMP_SESSION_A_ACCESS_CODE]) : -1;
#undef GET
	return 0;
}

static void reset_list(void *arg)
{
	((struct sess_list *)arg)->n = 0;
}

/* one session: a line (two with an access report) or an object */
static void print_sess(const struct sess *s)
{
	char p[64], l[64];

	addr_str(s->peer.a, s->peer.len, p, sizeof(p));
	if (s->local.len)
		addr_str(s->local.a, s->local.len, l, sizeof(l));
	open_json_object(NULL);
	print_string(PRINT_ANY, "peer", s->peer.len == 4 ? "%s" : "[%s]", p);
	print_uint(PRINT_ANY, "peer_port", ":%u", s->peer_port);
	if (s->local.len)
		print_string(PRINT_ANY, "local",
			     s->local.len == 4 ? " -> %s" : " -> [%s]", l);
	else
		print_null(PRINT_ANY, "local", " -> %s", "*");
	print_uint(PRINT_ANY, "port", ":%u", s->port);
	print_uint(PRINT_ANY, "ssid", " ssid %u", s->ssid);
	print_bool(PRINT_JSON, "provisioned", NULL, s->provisioned);
	print_string(PRINT_FP, NULL, "%s",
		     s->provisioned ? " provisioned" : " learned");
	print_bool(PRINT_JSON, "has_key", NULL, s->has_key);
	print_string(PRINT_FP, NULL, "%s", s->has_key ? " own-key" : "");
	print_u64(PRINT_ANY, "rx", " rx %" PRIu64, s->rx);
	print_u64(PRINT_ANY, "reflected", " reflected %" PRIu64, s->reflected);
	print_u64(PRINT_ANY, "drop_auth", " auth-fail %" PRIu64, s->drop_auth);
	print_uint(PRINT_ANY, "seq", " next-seq %u", s->seq);
	print_uint(PRINT_JSON, "idle_ms", NULL, s->idle_ms);
	print_float(PRINT_FP, NULL, NULL, " idle %.1f s", s->idle_ms / 1e3);
	if (s->ar_id >= 0) {
		print_int(PRINT_JSON, "access_id", NULL, s->ar_id);
		print_int(PRINT_JSON, "access_code", NULL, s->ar_code);
	}
	/* as sent: seconds.fraction of the NTP or PTPv2 format then in use */
	if (s->last_t3) {
		print_u64(PRINT_JSON, "last_t3", NULL, s->last_t3);
		print_text(" last-t3 %08" PRIx32 ".%08" PRIx32,
			   (uint32_t)(s->last_t3 >> 32), (uint32_t)s->last_t3);
	} else {
		print_null(PRINT_JSON, "last_t3", NULL, NULL);
	}
	print_nl(PRINT_FP);
	if (s->ar_id >= 0)
		print_text("  access report: id %d, return code %d\n", s->ar_id,
			   s->ar_code);
	close_json_object();
}

/**
 * session_dump() - every session of the namespace, with its counters
 * @c: the context
 * @l: the list, empty ({ 0 }); the caller frees l->v
 *
 * Return: 0 or -errno (a message printed).
 */
int session_dump(struct nlctx *c, struct sess_list *l)
{
	return nlctx_dump(c, STAMP_CMD_SESSION_GET, parse_sess, reset_list, l);
}

static int do_list(struct nlctx *c, bool json)
{
	struct sess_list l = { 0 };
	size_t i;
	int err;

	err = session_dump(c, &l);
	if (!err) {
		print_start(NULL, json);
		open_json_array(NULL);
		for (i = 0; i < l.n; i++)
			print_sess(&l.v[i]);
		close_json_array();
		print_nl(PRINT_JSON);
	}
	free(l.v);
	return err;
}

/**
 * cmd_session() - `stampnl session ...`
 * @argc: argument count, argv[0] is "session"
 * @argv: arguments
 *
 * Return: process exit status.
 */
int cmd_session(int argc, char **argv)
{
	static const struct { const char *name; int cmd; } ops[] = {
		{ "add", STAMP_CMD_SESSION_NEW },
		{ "del", STAMP_CMD_SESSION_DEL },
		{ "show", STAMP_CMD_SESSION_GET },
	};
	struct sess_list l = { 0 };
	struct nl_msg *msg = NULL;
	struct nlctx c;
	bool json = false;
	size_t i;
	int err;

	if (argc >= 2 && !strcmp(argv[1], "list")) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "-j"))) {
			print_help();
			return 2;
		}
		if (nlctx_open(&c))
			return 1;
		err = do_list(&c, argc == 3);
		nlctx_close(&c);
		return err ? 1 : 0;
	}
	for (i = 0; argc >= 2 && i < ARRAY_SIZE(ops); i++)
		if (!strcmp(argv[1], ops[i].name))
			break;
	if (argc < 2 || i == ARRAY_SIZE(ops)) {
		print_help();
		return 2;
	}
	if (nlctx_open(&c))
		return 1;
	msg = nlctx_msg(&c, ops[i].cmd);
	if (!msg ||
	    parse_args(argc - 2, argv + 2, msg,
		       ops[i].cmd == STAMP_CMD_SESSION_GET ? &json : NULL,
		       ops[i].cmd == STAMP_CMD_SESSION_NEW)) {
		nlmsg_free(msg);
		nlctx_close(&c);
		return 2;
	}
	err = nlctx_call(&c, msg, ops[i].cmd == STAMP_CMD_SESSION_GET ?
			 parse_sess : NULL, &l);
	nlctx_close(&c);
	if (!err && l.n) {
		print_start(NULL, json);
		print_sess(&l.v[0]);
		print_nl(PRINT_JSON);
	}
	free(l.v);
	return err ? 1 : 0;
}
