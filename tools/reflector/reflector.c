// SPDX-License-Identifier: GPL-2.0
/*
 * `stampnl reflector show|set|clock-sync`: the reflector's configuration in
 * the current network namespace, over the "stamp" netlink family.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include <netlink/genl/genl.h>

#include <uapi/linux/stamp.h>

#include <uapi/linux/stamp_wire.h>

#include "addr.h"
#include "clock_source.h"
#include "keyfile.h"
#include "nl.h"
#include "print.h"
#include "refl.h"
#include "stampnl.h"

/* How long a clock-sync report stays valid unless told otherwise. */
#define DEFAULT_VALIDITY_S 300

static const char *const ts_names[] = { "ntp", "ptp" };
static const char *const tlv_names[] = { "process", "copy", "strip" };
/* STAMP_A_ERREST_ZERO_DISCARD's values */
static const char *const errest_zero_names[] = { "reflect", "discard" };
/* RFC 8972 section 4.3, indexed by code */
static const char *const sync_names[] = { "?", "ntp", "ptp", "ssu", "gnss",
					  "local" };
/* clock-sync's source: a code, or 0 to find it out */
static const char *const source_names[] = { "auto", "ntp", "ptp", "ssu",
					    "gnss", "local" };

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

static void print_cfg(const struct refl_cfg *cfg, bool json)
{
	const char *fmt = cfg->ts_format < 2 ? ts_names[cfg->ts_format] : "?";
	const char *tlv = cfg->tlv_mode < 3 ? tlv_names[cfg->tlv_mode] : "?";
	const char *sync = cfg->sync_source < 6 ?
			   sync_names[cfg->sync_source] : "?";
	const char *ez = errest_zero_names[!!cfg->errest_zero_discard];
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
	print_bool(PRINT_JSON, "clock_synced", NULL, cfg->synced);
	print_string(PRINT_FP, NULL, "clock:            %s",
		     cfg->synced ? "synchronized" : "not synchronized");
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
	print_bool(PRINT_JSON, "auth", NULL, cfg->auth);
	print_string(PRINT_FP, NULL, "authentication:   %s",
		     cfg->auth ? "on (HMAC-SHA-256)" : "off");
	print_bool(PRINT_JSON, "default_key", NULL, cfg->has_default_key);
	print_string(PRINT_FP, NULL, ", default key %s\n",
		     cfg->has_default_key ? "set" : "not set");
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
	print_bool(PRINT_JSON, "cos_remark", NULL, cfg->cos_remark);
	print_string(PRINT_FP, NULL, ", class of service remarking %s",
		     cfg->cos_remark ? "on" : "off");
	print_bool(PRINT_JSON, "return_addr", NULL, cfg->return_addr);
	print_string(PRINT_FP, NULL, ", return address %s\n",
		     cfg->return_addr ? "allowed" : "refused");
	print_uint(PRINT_ANY, "member_id", "micro-session id: %u\n",
		   cfg->member_id);
	print_string(PRINT_ANY, "sync_source",
		     "sync source:      %s (while synchronized)\n", sync);
	print_string(PRINT_ANY, "errest_zero",
		     "errest zero:      %s (requests with Error Estimate multiplier 0)\n",
		     ez);
	close_json_object();
	print_nl(PRINT_JSON);
}

/* NAME to its index in @names, or -EINVAL with the choices printed. */
static int pick(const char *key, const char *val, const char *const *names,
		int n, int first)
{
	int i;

	for (i = first; i < n; i++)
		if (!strcmp(val, names[i]))
			return i;
	fprintf(stderr, "stampnl: %s is one of:", key);
	for (i = first; i < n; i++)
		fprintf(stderr, " %s", names[i]);
	fprintf(stderr, "\n");
	return -EINVAL;
}

static int parse_onoff(const char *key, const char *val, int *out)
{
	if (!strcmp(val, "on") || !strcmp(val, "off")) {
		*out = !strcmp(val, "on");
		return 0;
	}
	fprintf(stderr, "stampnl: %s is on or off\n", key);
	return -EINVAL;
}

static int add_allow(struct nl_msg *msg, const char *list)
{
	char buf[4096], *tok, *save = NULL;
	struct nlattr *nest;
	struct nladdr a;
	unsigned int plen;

	if (!strcmp(list, "any"))
		return nla_put_flag(msg, STAMP_A_ALLOW_CLEAR);
	if (strlen(list) >= sizeof(buf)) {
		fprintf(stderr, "stampnl: allow-list too long\n");
		return -EINVAL;
	}
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

static int add_key(struct nl_msg *msg, const char *path)
{
	uint8_t key[STAMP_KEY_MAX_LEN];
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

static int parse_uint(const char *what, const char *s, unsigned long max,
		      unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || *out > max) {
		fprintf(stderr, "stampnl: bad %s '%s' (0-%lu)\n", what, s, max);
		return -EINVAL;
	}
	return 0;
}

static int add_ports(struct nl_msg *msg, const char *list)
{
	char buf[256], *tok, *save = NULL;
	unsigned long port;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (parse_uint("port", tok, 65535, &port) || !port) {
			if (!port)
				fprintf(stderr, "stampnl: port 0 is not a port\n");
			return -EINVAL;
		}
		if (nla_put_u16(msg, STAMP_A_PORT, port))
			return -EMSGSIZE;
		n++;
	}
	if (!n) {
		fprintf(stderr, "stampnl: 'port' needs PORT[,PORT...]\n");
		return -EINVAL;
	}
	return 0;
}

/* `set` arguments are keyword/value pairs, like ip(8). */
static int build_set(struct nl_msg *msg, int argc, char **argv)
{
	unsigned long v;
	int i, err;

	if (argc < 2) {
		fprintf(stderr, "stampnl: reflector set needs something to set\n");
		return -EINVAL;
	}
	for (i = 1; i < argc; i += 2) {
		const char *key = argv[i], *val = argv[i + 1];

		if (i + 1 >= argc) {
			fprintf(stderr, "stampnl: '%s' needs a value\n", key);
			return -EINVAL;
		}
		if (!strcmp(key, "port")) {
			err = add_ports(msg, val);
		} else if (!strcmp(key, "format")) {
			if (strcmp(val, "ntp") && strcmp(val, "ptp")) {
				fprintf(stderr, "stampnl: format is ntp or ptp\n");
				return -EINVAL;
			}
			err = nla_put_u8(msg, STAMP_A_TS_FORMAT,
					 strcmp(val, "ntp") ? STAMP_TS_PTP :
							      STAMP_TS_NTP);
		} else if (!strcmp(key, "clock")) {
			if (strcmp(val, "synced") && strcmp(val, "unsynced")) {
				fprintf(stderr, "stampnl: clock is synced or unsynced\n");
				return -EINVAL;
			}
			err = nla_put_u8(msg, STAMP_A_CLOCK_SYNCED,
					 !strcmp(val, "synced"));
		} else if (!strcmp(key, "error-ns")) {
			err = parse_uint(key, val, UINT32_MAX, &v);
			if (!err && !v) {
				fprintf(stderr, "stampnl: error-ns must be at least 1\n");
				err = -EINVAL;
			}
			if (!err)
				err = nla_put_u32(msg, STAMP_A_CLOCK_ERROR, v);
		} else if (!strcmp(key, "validity")) {
			err = parse_uint(key, val, UINT32_MAX, &v);
			if (!err)
				err = nla_put_u32(msg, STAMP_A_CLOCK_VALIDITY, v);
		} else if (!strcmp(key, "mode")) {
			if (strcmp(val, "stateless") && strcmp(val, "stateful")) {
				fprintf(stderr, "stampnl: mode is stateless or stateful\n");
				return -EINVAL;
			}
			err = nla_put_u8(msg, STAMP_A_MODE,
					 strcmp(val, "stateless") ?
					 STAMP_MODE_STATEFUL :
					 STAMP_MODE_STATELESS);
		} else if (!strcmp(key, "tlv")) {
			int m = pick(key, val, tlv_names, 3, 0);

			if (m < 0)
				return m;
			err = nla_put_u8(msg, STAMP_A_TLV_MODE, m);
		} else if (!strcmp(key, "errest-zero")) {
			int m = pick(key, val, errest_zero_names, 2, 0);

			if (m < 0)
				return m;
			err = nla_put_u8(msg, STAMP_A_ERREST_ZERO_DISCARD, m);
		} else if (!strcmp(key, "sync-source")) {
			int m = pick(key, val, sync_names, 6, 1);

			if (m < 0)
				return m;
			err = nla_put_u8(msg, STAMP_A_SYNC_SOURCE, m);
		} else if (!strcmp(key, "cos-remark") ||
			   !strcmp(key, "return-address")) {
			int on;

			err = parse_onoff(key, val, &on);
			if (!err)
				err = nla_put_u8(msg, strcmp(key, "cos-remark") ?
						 STAMP_A_RETURN_ADDR :
						 STAMP_A_COS_REMARK, on);
		} else if (!strcmp(key, "member-id")) {
			err = parse_uint(key, val, 65535, &v);
			if (!err)
				err = nla_put_u16(msg, STAMP_A_MEMBER_ID, v);
		} else if (!strcmp(key, "session-create") ||
			   !strcmp(key, "auth")) {
			int on;

			err = parse_onoff(key, val, &on);
			if (!err)
				err = nla_put_u8(msg, strcmp(key, "auth") ?
						 STAMP_A_SESSION_CREATE :
						 STAMP_A_AUTH, on);
		} else if (!strcmp(key, "default-key-file")) {
			err = add_key(msg, val);
		} else if (!strcmp(key, "rate-limit") ||
			   !strcmp(key, "rate-burst") ||
			   !strcmp(key, "max-sessions") ||
			   !strcmp(key, "session-idle")) {
			int attr = !strcmp(key, "rate-limit") ?
				   STAMP_A_RATE_LIMIT :
				   !strcmp(key, "rate-burst") ?
				   STAMP_A_RATE_BURST :
				   !strcmp(key, "max-sessions") ?
				   STAMP_A_MAX_SESSIONS : STAMP_A_SESSION_IDLE;

			err = parse_uint(key, val, UINT32_MAX, &v);
			if (!err)
				err = nla_put_u32(msg, attr, v);
		} else if (!strcmp(key, "allow")) {
			err = add_allow(msg, val);
		} else {
			fprintf(stderr, "stampnl: unknown setting '%s' (port, format, clock, error-ns, validity, mode, session-create, auth, default-key-file, rate-limit, rate-burst, max-sessions, session-idle, allow, tlv, cos-remark, return-address, member-id, sync-source, errest-zero)\n",
				key);
			return -EINVAL;
		}
		if (err)
			return err < 0 ? err : -EMSGSIZE;
	}
	return 0;
}

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
	unsigned long validity = DEFAULT_VALIDITY_S;
	struct timex tx = { 0 };
	int state, synced, source = 0, src, i;
	unsigned long err_ns;
	char why[80];

	for (i = 1; i < argc; i += 2) {
		if (i + 1 < argc && !strcmp(argv[i], "validity")) {
			if (parse_uint("validity", argv[i + 1], UINT32_MAX,
				       &validity))
				return -EINVAL;
		} else if (i + 1 < argc && !strcmp(argv[i], "source")) {
			source = pick("source", argv[i + 1], source_names,
				      ARRAY_SIZE(source_names), 0);
			if (source < 0)
				return source;
		} else {
			fprintf(stderr, "usage: stampnl reflector clock-sync [validity SECONDS] [source auto|ntp|ptp|ssu|gnss|local]\n");
			return -EINVAL;
		}
	}
	src = sync_source(source, why, sizeof(why));
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

static void print_help(void)
{
	fprintf(stderr,
		"usage: stampnl reflector show [-j]\n"
		"       stampnl reflector set [port PORT[,PORT...]] [format ntp|ptp]\n"
		"                             [clock synced|unsynced] [error-ns NS] [validity S]\n"
		"                             [mode stateless|stateful] [session-create on|off]\n"
		"                             [auth on|off] [default-key-file FILE|-|none]\n"
		"                             [rate-limit PPS] [rate-burst N] [allow PREFIX[,...]|any]\n"
		"                             [max-sessions N] [session-idle S]\n"
		"                             [tlv process|copy|strip] [cos-remark on|off]\n"
		"                             [return-address on|off] [member-id ID]\n"
		"                             [sync-source ntp|ptp|ssu|gnss|local]\n"
		"                             [errest-zero reflect|discard]\n"
		"       stampnl reflector clock-sync [validity S]\n"
		"                             [source auto|ntp|ptp|ssu|gnss|local]\n"
		"  rate-limit 0 turns the per-source limit off; allow any empties the allow-list\n"
		"  clock-sync source auto: ptp when phc2sys or ptp4l runs, ntp when chronyd,\n"
		"  ntpd or systemd-timesyncd does, else the configured sync-source is kept\n");
}

/**
 * cmd_reflector() - `stampnl reflector ...`
 * @argc: argument count, argv[0] is "reflector"
 * @argv: arguments
 *
 * Return: process exit status.
 */
int cmd_reflector(int argc, char **argv)
{
	struct refl_cfg cfg;
	struct nl_msg *msg;
	struct nlctx c;
	bool json = false;
	int err;

	if (argc < 2) {
		print_help();
		return 2;
	}
	if (!strcmp(argv[1], "show")) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "-j"))) {
			print_help();
			return 2;
		}
		json = argc == 3;
		if (nlctx_open(&c))
			return 1;
		err = refl_cfg_get(&c, &cfg);
		nlctx_close(&c);
		if (err)
			return 1;
		print_cfg(&cfg, json);
		return 0;
	}
	if (strcmp(argv[1], "set") && strcmp(argv[1], "clock-sync")) {
		print_help();
		return 2;
	}
	if (nlctx_open(&c))
		return 1;
	msg = nlctx_msg(&c, STAMP_CMD_REFL_SET);
	if (!msg) {
		nlctx_close(&c);
		return 1;
	}
	if (!strcmp(argv[1], "set"))
		err = build_set(msg, argc - 1, argv + 1);
	else
		err = build_clock_sync(msg, argc - 1, argv + 1);
	if (err) {
		nlmsg_free(msg);
		nlctx_close(&c);
		return 2;
	}
	err = nlctx_call(&c, msg, NULL, NULL);
	nlctx_close(&c);
	return err ? 1 : 0;
}
