// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl reflector show|set|clock-sync`: the reflector's configuration in
 * the current network namespace, over the "stamp" netlink family.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <net/if.h>

#include <netlink/genl/genl.h>

#include <uapi/linux/stamp.h>

#include <uapi/linux/stamp_wire.h>

#include "addr.h"
#include "cli.h"
#include "clock_source.h"
#include "keyfile.h"
#include "nl.h"
#include "parse.h"
#include "print.h"
#include "refl.h"
#include "stampnl.h"

/* How long a clock-sync report stays valid unless told otherwise. */
#define DEFAULT_VALIDITY_S 300

/* the values of the attributes, by number; NULL-terminated for cli.h */
static const char *const ts_names[] = { "ntp", "ptp", NULL };
static const char *const tlv_names[] = { "process", "copy", "strip", NULL };
static const char *const mode_names[] = { "stateless", "stateful", NULL };
static const char *const clock_names[] = { "unsynced", "synced", NULL };
/* STAMP_A_ERREST_ZERO_DISCARD's values */
static const char *const errest_zero_names[] = { "reflect", "discard",
						 NULL };
/* RFC 8972 section 4.3, indexed by code */
static const char *const sync_names[] = { "?", "ntp", "ptp", "ssu", "gnss",
					  "local", NULL };
/* clock-sync's source: a code, or 0 to find it out */
static const char *const source_names[] = { "auto", "ntp", "ptp", "ssu",
					    "gnss", "local", NULL };

static int parse_cfg(struct nlmsghdr *nlh, struct nlattr **tb, void *arg)
{
	struct refl_cfg *cfg = arg;
	struct nlattr *nla;
	int rem;

	nlmsg_for_each_attr(nla, nlh, GENL_HDRLEN, rem) {
		if (nla_type(nla) == STAMP_A_PORT &&
		    cfg->nports < STAMP_MAX_PORTS)
			cfg->ports[cfg->nports++] = nla_get_u16(nla);
		if (nla_type(nla) == STAMP_A_ALLOW &&
		    cfg->nallow < STAMP_MAX_ALLOW) {
			struct nlattr *p[STAMP_PREFIX_A_MAX + 1];
			int i = cfg->nallow;

			if (nla_parse_nested(p, STAMP_PREFIX_A_MAX, nla, NULL) ||
			    !p[STAMP_PREFIX_A_ADDR] || !p[STAMP_PREFIX_A_LEN])
				return -EPROTO;
			cfg->allow[i].len =
				nla_len(p[STAMP_PREFIX_A_ADDR]) == 4 ? 4 : 16;
			nla_memcpy(cfg->allow[i].a, p[STAMP_PREFIX_A_ADDR], 16);
			cfg->allow_len[i] = nla_get_u8(p[STAMP_PREFIX_A_LEN]);
			cfg->nallow++;
		}
		if (nla_type(nla) == STAMP_A_LINK &&
		    cfg->nlinks < STAMP_MAX_LINKS) {
			struct nlattr *l[STAMP_LINK_A_MAX + 1];

			if (nla_parse_nested(l, STAMP_LINK_A_MAX, nla, NULL) ||
			    !l[STAMP_LINK_A_IFINDEX] ||
			    !l[STAMP_LINK_A_MEMBER_ID])
				return -EPROTO;
			cfg->link_ifindex[cfg->nlinks] =
				nla_get_u32(l[STAMP_LINK_A_IFINDEX]);
			cfg->link_id[cfg->nlinks++] =
				nla_get_u16(l[STAMP_LINK_A_MEMBER_ID]);
		}
		if (nla_type(nla) == STAMP_A_FAST_PATH &&
		    cfg->nfast < (int)ARRAY_SIZE(cfg->fast_ifindex)) {
			struct nlattr *f[STAMP_FAST_PATH_A_MAX + 1];

			if (nla_parse_nested(f, STAMP_FAST_PATH_A_MAX, nla,
					     NULL) ||
			    !f[STAMP_FAST_PATH_A_IFINDEX])
				return -EPROTO;
			cfg->fast_ifindex[cfg->nfast++] =
				nla_get_u32(f[STAMP_FAST_PATH_A_IFINDEX]);
		}
	}
#define GET(field, attr, type) \
	do { if (tb[attr]) cfg->field = nla_get_##type(tb[attr]); } while (0)
	GET(mode, STAMP_A_MODE, u8);
	GET(session_create, STAMP_A_SESSION_CREATE, u8);
	GET(auth, STAMP_A_AUTH, u8);
	GET(has_default_key, STAMP_A_HAS_DEFAULT_KEY, u8);
	GET(rate_limit, STAMP_A_RATE_LIMIT, u32);
	GET(rate_burst, STAMP_A_RATE_BURST, u32);
	GET(max_sessions, STAMP_A_MAX_SESSIONS, u32);
	GET(session_idle, STAMP_A_SESSION_IDLE, u32);
	GET(tlv_mode, STAMP_A_TLV_MODE, u8);
	GET(cos_remark, STAMP_A_COS_REMARK, u8);
	GET(return_addr, STAMP_A_RETURN_ADDR, u8);
	GET(sync_source, STAMP_A_SYNC_SOURCE, u8);
	GET(member_id, STAMP_A_MEMBER_ID, u16);
	GET(errest_zero_discard, STAMP_A_ERREST_ZERO_DISCARD, u8);
	GET(t3_point, STAMP_A_T3_POINT, u8);
#undef GET
	if (tb[STAMP_A_TS_FORMAT])
		cfg->ts_format = nla_get_u8(tb[STAMP_A_TS_FORMAT]);
	if (tb[STAMP_A_CLOCK_SYNCED])
		cfg->synced = nla_get_u8(tb[STAMP_A_CLOCK_SYNCED]);
	if (tb[STAMP_A_CLOCK_ERROR])
		cfg->error_ns = nla_get_u32(tb[STAMP_A_CLOCK_ERROR]);
	if (tb[STAMP_A_CLOCK_VALIDITY])
		cfg->validity_s = nla_get_u32(tb[STAMP_A_CLOCK_VALIDITY]);
	return 0;
}

/**
 * refl_cfg_get() - the reflector's configuration, one REFL_GET
 * @c: an open context
 * @cfg: filled in
 *
 * Return: 0 or -errno (a message printed).
 */
int refl_cfg_get(struct nlctx *c, struct refl_cfg *cfg)
{
	struct nl_msg *msg = nlctx_msg(c, STAMP_CMD_REFL_GET);

	memset(cfg, 0, sizeof(*cfg));
	if (!msg)
		return -ENOMEM;
	return nlctx_call(c, msg, parse_cfg, cfg);
}

/* the links' own Micro-session IDs, after the namespace's */
static void print_links(const struct refl_cfg *cfg)
{
	char name[IF_NAMESIZE];
	int i;

	open_json_array("links");
	for (i = 0; i < cfg->nlinks; i++) {
		if (!if_indextoname(cfg->link_ifindex[i], name))
			snprintf(name, sizeof(name), "#%u",
				 cfg->link_ifindex[i]);
		open_json_object(NULL);
		print_string(PRINT_ANY, "dev", i ? ", %s" : " (links: %s", name);
		print_uint(PRINT_JSON, "ifindex", NULL, cfg->link_ifindex[i]);
		print_uint(PRINT_ANY, "member_id", " %u", cfg->link_id[i]);
		close_json_object();
	}
	close_json_array();
	print_string(PRINT_FP, NULL, "%s\n", cfg->nlinks ? ")" : "");
}

static void print_cfg(const struct refl_cfg *cfg, bool json)
{
	const char *fmt = cfg->ts_format < 2 ? ts_names[cfg->ts_format] : "?";
	const char *tlv = cfg->tlv_mode < 3 ? tlv_names[cfg->tlv_mode] : "?";
	const char *sync = cfg->sync_source < 6 ?
			   sync_names[cfg->sync_source] : "?";
	const char *ez = errest_zero_names[!!cfg->errest_zero_discard];
	bool egress;
	char buf[64];
	int i;

	print_start(NULL, json);
	open_json_object(NULL);
	open_json_array("ports");
	print_text("ports:            ");
	for (i = 0; i < cfg->nports; i++)
		print_uint(PRINT_ANY, NULL, i ? ",%u" : "%u", cfg->ports[i]);
	close_json_array();
	print_string(PRINT_ANY, "timestamp_format", "\ntimestamp format: %s",
		     fmt);
	print_string(PRINT_FP, NULL, " (%s)\n",
		     cfg->ts_format ? "PTPv2, TAI" : "NTP, UTC");
	print_flag("clock_synced", "clock:            %s", cfg->synced,
		   "synchronized", "not synchronized");
	print_uint(PRINT_JSON, "clock_error_ns", NULL, cfg->error_ns);
	print_float(PRINT_FP, NULL, NULL, ", error estimate %.6f ms",
		    cfg->error_ns / 1e6);
	print_uint(cfg->synced && cfg->validity_s ? PRINT_ANY : PRINT_JSON,
		   "clock_validity_s", ", report valid for %u s more",
		   cfg->validity_s);
	print_string(PRINT_ANY, "mode", "\nmode:             %s",
		     cfg->mode ? "stateful" : "stateless");
	print_bool(PRINT_JSON, "session_create", NULL, cfg->session_create);
	if (cfg->mode)
		print_string(PRINT_FP, NULL, ", sessions %s on first packet",
			     cfg->session_create ? "created" : "not created");
	print_uint(PRINT_ANY, "max_sessions", "\nsessions:         at most %u",
		   cfg->max_sessions);
	print_uint(PRINT_ANY, "session_idle_s",
		   ", learned ones forgotten after %u s idle\n",
		   cfg->session_idle);
	print_flag("auth", "authentication:   %s", cfg->auth,
		   "on (HMAC-SHA-256)", "off");
	print_flag("default_key", ", default key %s\n", cfg->has_default_key,
		   "set", "not set");
	if (!cfg->rate_limit)
		print_text("rate limit:       none\n");
	print_uint(cfg->rate_limit ? PRINT_ANY : PRINT_JSON, "rate_limit",
		   "rate limit:       %u requests/s per source", cfg->rate_limit);
	print_uint(cfg->rate_limit ? PRINT_ANY : PRINT_JSON, "rate_burst",
		   ", burst %u\n", cfg->rate_burst);
	open_json_array("allow");
	print_text("allowed sources:  %s", cfg->nallow ? "" : "any");
	for (i = 0; i < cfg->nallow; i++) {
		char prefix[80];

		snprintf(prefix, sizeof(prefix), "%s/%u",
			 addr_str(cfg->allow[i].a, cfg->allow[i].len, buf,
				  sizeof(buf)), cfg->allow_len[i]);
		print_string(PRINT_ANY, NULL, i ? ",%s" : "%s", prefix);
	}
	close_json_array();
	print_string(PRINT_ANY, "tlv", "\ntlv:              %s", tlv);
	print_flag("cos_remark", ", class of service remarking %s",
		   cfg->cos_remark, "on", "off");
	print_flag("return_addr", ", return address %s\n", cfg->return_addr,
		   "allowed", "refused");
	print_uint(PRINT_ANY, "member_id", "micro-session id: %u",
		   cfg->member_id);
	print_links(cfg);
	print_string(PRINT_ANY, "sync_source",
		     "sync source:      %s (while synchronized)\n", sync);
	print_string(PRINT_ANY, "errest_zero",
		     "errest zero:      %s (requests with Error Estimate multiplier 0)\n",
		     ez);
	egress = cfg->t3_point == STAMP_T3_POINT_EGRESS;
	print_string(PRINT_ANY, "t3_point", "t3 taken at:      %s",
		     egress ? "egress" : "output");
	print_string(PRINT_FP, NULL, " (%s)\n",
		     egress ? "the device's netfilter egress hook" :
			      "before the IP output path");
	open_json_array("fast_path");
	print_text("fast path:        %s", cfg->nfast ? "" : "off");
	for (i = 0; i < cfg->nfast; i++) {
		char name[IF_NAMESIZE];

		/* the kernel's list is of this namespace, so is if_indextoname */
		if (!if_indextoname(cfg->fast_ifindex[i], name))
			snprintf(name, sizeof(name), "if%u",
				 cfg->fast_ifindex[i]);
		print_string(PRINT_ANY, NULL, i ? ",%s" : "%s", name);
	}
	close_json_array();
	print_text("\n");
	close_json_object();
	print_nl(PRINT_JSON);
}

/* `fast-path DEV` and `fast-path-off DEV`: a STAMP_A_FAST_PATH each */
static int put_fast(struct nl_msg *msg, const struct cli_kw *k,
		    const char *dev, const char *cmd, void *ctx)
{
	unsigned int ifindex = if_nametoindex(dev);
	struct nlattr *nest;

	if (!ifindex)
		return cli_error(cmd, "%s: no device '%s' here", k->name, dev);
	nest = nla_nest_start(msg, STAMP_A_FAST_PATH);
	if (!nest || nla_put_u32(msg, STAMP_FAST_PATH_A_IFINDEX, ifindex) ||
	    nla_put_u8(msg, STAMP_FAST_PATH_A_ENABLE,
		       !strcmp(k->name, "fast-path")))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_allow(struct nl_msg *msg, const struct cli_kw *k,
		     const char *list, const char *cmd, void *ctx)
{
	char buf[4096], *tok, *save = NULL;
	struct nlattr *nest;
	struct nladdr a;
	unsigned int plen;

	if (!strcmp(list, "any"))
		return nla_put_flag(msg, STAMP_A_ALLOW_CLEAR);
	if (strlen(list) >= sizeof(buf))
		return cli_error(cmd, "allow: the list is too long");
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (prefix_parse(tok, &a, &plen))
			return -EINVAL;
		nest = nla_nest_start(msg, STAMP_A_ALLOW);
		if (!nest || nla_put(msg, STAMP_PREFIX_A_ADDR, a.len, a.a) ||
		    nla_put_u8(msg, STAMP_PREFIX_A_LEN, plen))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

static int put_key(struct nl_msg *msg, const struct cli_kw *k,
		   const char *path, const char *cmd, void *ctx)
{
	uint8_t key[STAMP_KEY_MAX_LEN] = { 0 };
	size_t len = 0;
	int err;

	/* an empty attribute removes the key */
	if (!strcmp(path, "none"))
		return nla_put(msg, STAMP_A_DEFAULT_KEY, 0, key);
	err = stamp_keyfile_read(path, key, &len);
	if (!err)
		err = nla_put(msg, STAMP_A_DEFAULT_KEY, len, key);
	explicit_bzero(key, sizeof(key));
	return err;
}

static int put_ports(struct nl_msg *msg, const struct cli_kw *k,
		     const char *list, const char *cmd, void *ctx)
{
	char buf[256], *tok, *save = NULL;
	unsigned int port;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (cli_uint(cmd, "port", tok, 1, 65535, &port))
			return -EINVAL;
		if (nla_put_u16(msg, STAMP_A_PORT, port))
			return -EMSGSIZE;
		n++;
	}
	if (!n)
		return cli_error(cmd, "'port' needs PORT[,PORT...]");
	return 0;
}

/*
 * member-id, and dev with it: which attribute the ID goes in is known
 * only once both are read (set_links()).
 */
struct set_ctx {
	int member_id;		/* -1: not given */
	unsigned int ifindex;	/* 0: not given */
};

static int put_member_id(struct nl_msg *msg, const struct cli_kw *k,
			 const char *val, const char *cmd, void *ctx)
{
	struct set_ctx *sc = ctx;
	unsigned int id;

	if (cli_uint(cmd, k->name, val, k->min, k->max, &id))
		return -EINVAL;
	sc->member_id = id;
	return 0;
}

static int put_dev(struct nl_msg *msg, const struct cli_kw *k,
		   const char *val, const char *cmd, void *ctx)
{
	struct set_ctx *sc = ctx;

	sc->ifindex = if_nametoindex(val);
	if (!sc->ifindex)
		return cli_error(cmd, "dev: no link '%s' here", val);
	return 0;
}

static int set_links(struct nl_msg *msg, const struct set_ctx *sc)
{
	struct nlattr *nest;

	if (sc->ifindex && sc->member_id < 0)
		return cli_error("reflector set", "dev goes with member-id");
	if (sc->member_id < 0)
		return 0;
	if (!sc->ifindex)
		return nla_put_u16(msg, STAMP_A_MEMBER_ID, sc->member_id);
	nest = nla_nest_start(msg, STAMP_A_LINK);
	if (!nest ||
	    nla_put_u32(msg, STAMP_LINK_A_IFINDEX, sc->ifindex) ||
	    nla_put_u16(msg, STAMP_LINK_A_MEMBER_ID, sc->member_id))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* `reflector set`: a keyword each, like ip(8); the usage is made from it */
static const struct cli_kw set_kw[] = {
	{ "port", "PORT[,PORT...]", "the UDP ports to reflect on (default 862)",
	  put_ports, STAMP_A_PORT, .flags = CLI_KW_REPEAT },
	CLI_KW_CHOICE("format", "the timestamp format of replies: NTP (UTC) or PTPv2 (TAI)",
		      STAMP_A_TS_FORMAT, ts_names),
	CLI_KW_CHOICE("clock", "the S bit: whether the clock is synchronized",
		      STAMP_A_CLOCK_SYNCED, clock_names),
	{ "error-ns", "DURATION", "the clock's error estimate (ns without a unit)",
	  cli_put_duration_ns, STAMP_A_CLOCK_ERROR, 1, UINT32_MAX },
	{ "validity", "DURATION", "how long the clock report holds (s without a unit)",
	  cli_put_duration_s, STAMP_A_CLOCK_VALIDITY, 0, UINT32_MAX },
	CLI_KW_CHOICE("mode", "stateful: a Seq of its own per session (RFC 8762 4)",
		      STAMP_A_MODE, mode_names),
	CLI_KW_ONOFF("session-create", "stateful: a session for an unknown sender",
		     STAMP_A_SESSION_CREATE),
	CLI_KW_ONOFF("auth", "authenticated mode (RFC 8762 4.4)", STAMP_A_AUTH),
	{ "default-key-file", "FILE|-|none", "the HMAC key of sessions without one",
	  put_key, STAMP_A_DEFAULT_KEY, .comp = CLI_COMP_FILE },
	CLI_KW_U32("rate-limit", "PPS", "requests per second per source, 0: no limit",
		   STAMP_A_RATE_LIMIT),
	CLI_KW_U32("rate-burst", "N", "requests a source may send at once", STAMP_A_RATE_BURST),
	{ "allow", "PREFIX[,...]|any", "the sources answered; any: every one",
	  put_allow, STAMP_A_ALLOW },
	CLI_KW_U32("max-sessions", "N", "sessions at most", STAMP_A_MAX_SESSIONS),
	{ "session-idle", "DURATION", "learned sessions forgotten after (s without a unit)",
	  cli_put_duration_s, STAMP_A_SESSION_IDLE, 0, UINT32_MAX },
	CLI_KW_CHOICE("tlv", "TLVs processed, copied back or stripped (RFC 8972)",
		      STAMP_A_TLV_MODE, tlv_names),
	CLI_KW_ONOFF("cos-remark", "Class of Service TLV: DSCP1 on the reply", STAMP_A_COS_REMARK),
	CLI_KW_ONOFF("return-address", "Return Path TLV: replies to another address",
		     STAMP_A_RETURN_ADDR),
	{ "member-id", "ID", "the Reflector Micro-session ID (RFC 9534)",
	  put_member_id, STAMP_A_MEMBER_ID, 0, 65535 },
	{ "dev", "DEV", "with member-id: that link's own ID (0: none)",
	  put_dev, STAMP_A_LINK },
	{ "sync-source", NULL, "Timestamp Information TLV's sync source",
	  cli_put_choice, STAMP_A_SYNC_SOURCE, .choices = sync_names,
	  .first = 1 },
	{ "errest-zero", NULL, "requests with Error Estimate multiplier 0",
	  cli_put_choice, STAMP_A_ERREST_ZERO_DISCARD,
	  .choices = errest_zero_names },
	CLI_KW_REPEATED("fast-path", "DEV", "answer at DEV's ingress, out of DEV (see README)",
			put_fast, STAMP_A_FAST_PATH),
	CLI_KW_REPEATED("fast-path-off", "DEV", "DEV's requests back to the default path",
			put_fast, STAMP_A_FAST_PATH),
};

struct clock_sync {
	unsigned int validity_s;
	unsigned int source;	/* 0: auto */
};

static int put_cs_validity(struct nl_msg *msg, const struct cli_kw *k,
			   const char *val, const char *cmd, void *ctx)
{
	struct clock_sync *cs = ctx;
	uint64_t ns;

	if (cli_duration(cmd, k->name, val, NSEC_PER_SEC, 0,
			 UINT32_MAX * NSEC_PER_SEC, &ns))
		return -EINVAL;
	if (ns % NSEC_PER_SEC)
		return cli_error(cmd, "validity: '%s' is not whole seconds",
				 val);
	cs->validity_s = ns / NSEC_PER_SEC;
	return 0;
}

static int put_cs_source(struct nl_msg *msg, const struct cli_kw *k,
			 const char *val, const char *cmd, void *ctx)
{
	struct clock_sync *cs = ctx;

	return cli_choice(cmd, k->name, val, source_names, 0, &cs->source);
}

static const struct cli_kw clock_sync_kw[] = {
	{ "validity", "DURATION", "how long the report holds (default 300 s)",
	  put_cs_validity },
	{ "source", NULL, "the sync source; auto: ptp when phc2sys or ptp4l runs,\n"
	  "ntp when chronyd, ntpd or systemd-timesyncd does, else kept",
	  put_cs_source, .choices = source_names },
};

static const char *const json_flag[] = { "-j", NULL };

static const struct cli_sub refl_subs[] = {
	{ "show", "the configuration", .flags = json_flag },
	{ "set", "change it", set_kw, ARRAY_SIZE(set_kw) },
	{ "clock-sync", "report the clock's state from adjtimex",
	  clock_sync_kw, ARRAY_SIZE(clock_sync_kw) },
};

/*
 * The sync source to report: @source's code, or with "auto" the one the
 * daemon disciplining the clock gives (clock_source.c). 0 leaves the
 * configured one; @why says where the answer came from.
 */
static int sync_source(int source, char *why, size_t len)
{
	char who[16];
	int src;

	if (source) {
		snprintf(why, len, "as given");
		return source;
	}
	src = stamp_clock_source_detect("/proc", who, sizeof(who));
	if (src > 0)
		snprintf(why, len, "%s running", who);
	else if (!src)
		snprintf(why, len, "no PTP or NTP daemon running");
	else
		snprintf(why, len, "cannot read /proc: %s", strerror(-src));
	return src > 0 ? src : 0;
}

/*
 * The module cannot see the kernel's NTP state (nothing exports it), so
 * userspace reports it: adjtimex says whether chrony/ntpd/ptp4l keep the
 * clock synchronized and how large its estimated error is, and the daemon
 * doing it which sync source that is.
 */
static int build_clock_sync(struct nl_msg *msg, int argc, char **argv)
{
	struct clock_sync cs = { .validity_s = DEFAULT_VALIDITY_S };
	unsigned long validity;
	struct timex tx = { 0 };
	int state, synced, src, err;
	unsigned long err_ns;
	char why[80];

	err = cli_kw_parse("reflector clock-sync", &refl_subs[2], argc, argv,
			   msg, &cs, NULL);
	if (err)
		return err;
	validity = cs.validity_s;
	src = sync_source(cs.source, why, sizeof(why));
	state = adjtimex(&tx);
	if (state < 0) {
		perror("stampnl: adjtimex");
		return -errno;
	}
	synced = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	err_ns = (unsigned long)tx.esterror * 1000;
	if (err_ns < 1)
		err_ns = 1;
	if (err_ns > UINT32_MAX)
		err_ns = UINT32_MAX;
	printf("clock %s, estimated error %.3f ms, reported for %lu s, sync source %s (%s)\n",
	       synced ? "synchronized" : "not synchronized", err_ns / 1e6,
	       validity, src ? sync_names[src] : "unchanged", why);
	if (nla_put_u8(msg, STAMP_A_CLOCK_SYNCED, synced) ||
	    nla_put_u32(msg, STAMP_A_CLOCK_ERROR, err_ns) ||
	    nla_put_u32(msg, STAMP_A_CLOCK_VALIDITY, validity) ||
	    (src && nla_put_u8(msg, STAMP_A_SYNC_SOURCE, src)))
		return -EMSGSIZE;
	return 0;
}

static int cmd_reflector(int argc, char **argv);

CLI_COMMAND(reflector, "show [-j] | set KEYWORD VALUE... | clock-sync",
	    CLI_SUBS(refl_subs),
	    .notes = "durations take a unit: ns, us, ms, s, m, h\n");

/* a keyword parse's end: its usage (1) or a usage error, as an exit status */
static int kw_status(int err, const struct cli_cmd *cmd)
{
	if (err > 0)
		cli_usage(stdout, cmd);
	return err > 0 ? 0 : 2;
}

/* `stampnl reflector ...`; the exit status */
static int cmd_reflector(int argc, char **argv)
{
	struct refl_cfg cfg;
	struct nl_msg *msg;
	struct nlctx c;
	bool json = false;
	int err;

	if (argc < 2)
		return cli_error("reflector", "show, set or clock-sync?"), 2;
	if (cli_is_help(argv[1])) {
		cli_usage(stdout, &reflector_cli);
		return 0;
	}
	if (!strcmp(argv[1], "show")) {
		/* no message to fill: a flag or help is all it takes */
		err = cli_kw_parse("reflector show", &refl_subs[0], argc - 2,
				   argv + 2, NULL, NULL, &json);
		if (err)
			return kw_status(err, &reflector_cli);
		if (nlctx_open(&c))
			return 1;
		err = refl_cfg_get(&c, &cfg);
		nlctx_close(&c);
		if (err)
			return 1;
		print_cfg(&cfg, json);
		return 0;
	}
	if (strcmp(argv[1], "set") && strcmp(argv[1], "clock-sync"))
		return cli_error("reflector", "unknown subcommand '%s'",
				 argv[1]), 2;
	if (!strcmp(argv[1], "set") && argc < 3)
		return cli_error("reflector set", "nothing to set: give KEYWORD VALUE"), 2;
	/*
	 * The request is built before netlink is opened, its family filled
	 * in after: usage errors and help need no module.
	 */
	msg = nlctx_msg(&(struct nlctx){ .family = 0 }, STAMP_CMD_REFL_SET);
	if (!msg)
		return 1;
	if (!strcmp(argv[1], "set")) {
		struct set_ctx sc = { .member_id = -1 };

		err = cli_kw_parse("reflector set", &refl_subs[1], argc - 2,
				   argv + 2, msg, &sc, NULL);
		if (!err)
			err = set_links(msg, &sc);
	} else {
		err = build_clock_sync(msg, argc - 2, argv + 2);
	}
	if (err) {
		nlmsg_free(msg);
		return kw_status(err, &reflector_cli);
	}
	if (nlctx_open(&c)) {
		nlmsg_free(msg);
		return 1;
	}
	nlmsg_hdr(msg)->nlmsg_type = c.family;
	err = nlctx_call(&c, msg, NULL, NULL);
	nlctx_close(&c);
	return err ? 1 : 0;
}
