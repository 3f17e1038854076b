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
#include "cli.h"
#include "keyfile.h"
#include "nl.h"
#include "print.h"
#include "session.h"
#include "stampnl.h"

/* what the keywords gave, for the checks across them */
struct sess_args {
	uint8_t key[STAMP_KEY_MAX_LEN];
	size_t keylen;
	int peer_len, local_len;
	bool ssid;
};

static int put_addr(struct nl_msg *msg, const struct cli_kw *k,
		    const char *val, const char *cmd, void *ctx)
{
	struct sess_args *sa = ctx;
	struct nladdr a;

	if (addr_parse(val, &a))
		return cli_error(cmd, "%s: '%s' is not an IPv4 or IPv6 address",
				 k->name, val);
	*(k->attr == STAMP_SESSION_A_PEER_ADDR ? &sa->peer_len :
	  &sa->local_len) = a.len;
	return nla_put(msg, k->attr, a.len, a.a);
}

static int put_ssid(struct nl_msg *msg, const struct cli_kw *k,
		    const char *val, const char *cmd, void *ctx)
{
	((struct sess_args *)ctx)->ssid = true;
	return cli_put_u16(msg, k, val, cmd, ctx);
}

/* read now, put last: the key is wiped on every path */
static int put_keyfile(struct nl_msg *msg, const struct cli_kw *k,
		       const char *val, const char *cmd, void *ctx)
{
	struct sess_args *sa = ctx;

	return stamp_keyfile_read(val, sa->key, &sa->keylen);
}

/* which subcommands take a keyword: bits of cli_kw.flags */
#define ON_ADD	0x100
#define ON_DEL	0x200
#define ON_SHOW	0x400
#define ON_ALL	(ON_ADD | ON_DEL | ON_SHOW)

/*
 * A session is named by the sender's address and port, the reflector's
 * port (and address, if given) and the SSID.
 */
static const struct cli_kw sess_kw[] = {
	{ "peer", "ADDR", "the Session-Sender's address",
	  put_addr, STAMP_SESSION_A_PEER_ADDR,
	  .flags = ON_ALL | CLI_KW_REQUIRED },
	{ "peer-port", "PORT", "the Session-Sender's UDP port",
	  cli_put_u16, STAMP_SESSION_A_PEER_PORT, 1, 65535,
	  .flags = ON_ALL | CLI_KW_REQUIRED },
	{ "local", "ADDR", "the address the sender sends to (default: any of this host's)",
	  put_addr, STAMP_SESSION_A_LOCAL_ADDR, .flags = ON_ALL },
	{ "port", "PORT", "the reflector port (default: the first one configured)",
	  cli_put_u16, STAMP_SESSION_A_LOCAL_PORT, 1, 65535, .flags = ON_ALL },
	{ "ssid", "N", "the Session-Sender Identifier, RFC 8972 (default 0: none)",
	  put_ssid, STAMP_SESSION_A_SSID, 0, 65535, .flags = ON_ALL },
	{ "key-file", "FILE|-", "add: the session's HMAC key, hex, 16-64 octets;\n- reads stdin",
	  put_keyfile, STAMP_SESSION_A_KEY, .comp = CLI_COMP_FILE,
	  .flags = ON_ADD },
};

static const char *const json_flag[] = { "-j", NULL };

static const struct cli_sub sess_subs[] = {
	{ "add", "provision a session", sess_kw, ARRAY_SIZE(sess_kw), ON_ADD },
	{ "del", "delete one", sess_kw, ARRAY_SIZE(sess_kw), ON_DEL },
	{ "show", "one session and its counters", sess_kw,
	  ARRAY_SIZE(sess_kw), ON_SHOW, json_flag },
	{ "list", "every session", .flags = json_flag },
};

/* The session nest from @sub's keyword/value pairs. */
static int parse_args(const struct cli_sub *sub, int argc, char **argv,
		      struct nl_msg *msg, bool *json)
{
	struct sess_args sa = { .keylen = 0 };
	struct nlattr *nest;
	char cmd[32];
	int err;

	snprintf(cmd, sizeof(cmd), "session %s", sub->name);
	nest = nla_nest_start(msg, STAMP_A_SESSION);
	if (!nest)
		return -EMSGSIZE;
	err = cli_kw_parse(cmd, sub, argc, argv, msg, &sa, json);
	if (!err && sa.local_len && sa.local_len != sa.peer_len)
		err = cli_error(cmd, "peer and local are of different address families");
	if (!err && ((!sa.ssid && nla_put_u16(msg, STAMP_SESSION_A_SSID, 0)) ||
		     (sa.keylen && nla_put(msg, STAMP_SESSION_A_KEY,
					   sa.keylen, sa.key))))
		err = -EMSGSIZE;
	if (!err)
		nla_nest_end(msg, nest);
	explicit_bzero(sa.key, sizeof(sa.key));
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
	print_flag("provisioned", "%s", s->provisioned, " provisioned",
		   " learned");
	print_flag("has_key", "%s", s->has_key, " own-key", "");
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
		print_u64_string(PRINT_JSON, "last_t3", NULL, s->last_t3);
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

static int cmd_session(int argc, char **argv);

CLI_COMMAND(session, "add|del|show peer ADDR peer-port PORT [local ADDR] [port PORT] [ssid N] ... | list [-j]",
	    CLI_SUBS(sess_subs));

/* `stampnl session ...`; the exit status */
static int cmd_session(int argc, char **argv)
{
	static const int ops[] = { STAMP_CMD_SESSION_NEW, STAMP_CMD_SESSION_DEL,
				   STAMP_CMD_SESSION_GET };
	const struct cli_sub *sub = NULL;
	struct sess_list l = { 0 };
	struct nl_msg *msg = NULL;
	struct nlctx c;
	bool json = false;
	size_t i;
	int err;

	if (argc < 2)
		return cli_error("session", "add, del, show or list?"), 2;
	for (i = 0; i < ARRAY_SIZE(sess_subs); i++)
		if (!strcmp(argv[1], sess_subs[i].name))
			sub = &sess_subs[i];
	if (cli_is_help(argv[1])) {
		cli_usage(stdout, &session_cli);
		return 0;
	}
	if (!sub)
		return cli_error("session", "unknown subcommand '%s'", argv[1]), 2;
	if (!sub->nkw) {
		err = cli_kw_parse("session list", sub, argc - 2, argv + 2,
				   NULL, NULL, &json);
		if (err) {
			if (err > 0)
				cli_usage(stdout, &session_cli);
			return err > 0 ? 0 : 2;
		}
		if (nlctx_open(&c))
			return 1;
		err = do_list(&c, json);
		nlctx_close(&c);
		return err ? 1 : 0;
	}
	i = sub - sess_subs;
	/* built first, its family filled in after: usage errors need no module */
	msg = nlctx_msg(&(struct nlctx){ .family = 0 }, ops[i]);
	err = msg ? parse_args(sub, argc - 2, argv + 2, msg, &json) : -ENOMEM;
	if (err) {
		nlmsg_free(msg);
		if (err > 0)
			cli_usage(stdout, &session_cli);
		return err > 0 ? 0 : err == -ENOMEM ? 1 : 2;
	}
	if (nlctx_open(&c)) {
		nlmsg_free(msg);
		return 1;
	}
	nlmsg_hdr(msg)->nlmsg_type = c.family;
	err = nlctx_call(&c, msg, ops[i] == STAMP_CMD_SESSION_GET ?
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
