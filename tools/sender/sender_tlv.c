// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's TLVs: options, the packet template, per-packet fields, and
 * what the replies mean (RFC 8972, RFC 9503, RFC 9534). The TLV walk and
 * field layouts are the shared codec's (lib/tlv*.c).
 *
 * The TLVs are built once into a template after the base packet; per
 * packet, only the Direct Measurement S_TxC and the HMAC TLV change. The
 * HMAC TLV covers Seq and the TLVs before it, not T1, so it is computed
 * before the RFC 8762 HMAC (which covers T1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "cli.h"
#include "print.h"
#include "sender.h"
#include "stamp_auth.h"
#include "tlv.h"
#include "util.h"

static const char *const sync_names[] = { "unknown", "ntp", "ptp",
					  "ssu-bits", "gnss", "local" };
static const char *const method_names[] = { "unknown", "hw-assist",
					    "sw-local", "control-plane" };

static const char *const malformed_names[] = {
	[MAL_BAD_FLAGS] = "bad-flags", [MAL_BAD_LENGTH] = "bad-length",
	[MAL_TRUNCATED] = "truncated",
};

/* The octets --tlv-malformed adds, in the order of malformed_names */
static const unsigned int malformed_len[] = {
	[MAL_BAD_FLAGS] = 4 + 4, [MAL_BAD_LENGTH] = 4 + 2,
	[MAL_TRUNCATED] = 4 + 4,
};

/*
 * The HMAC TLV's key: the session's in authenticated mode, else the one
 * --tlv-hmac-key-file gave (RFC 8972 section 4.8 lets the HMAC TLV
 * protect the TLVs in unauthenticated mode too).
 */
static struct stamp_auth_key *tlv_key(struct sender *s)
{
	/* never keyed: no key, as before the contexts were allocated */
	static struct stamp_auth_key none;
	struct stamp_auth_key *k = s->o->key_len ? s->auth : s->tlv_auth;

	return k ? k : &none;
}

static const char *sync_name(uint8_t v)
{
	return v < 6 ? sync_names[v] : "other";
}

static const char *method_name(uint8_t v)
{
	return v < 4 ? method_names[v] : "other";
}

/**
 * sender_tlv_defaults() - no TLVs
 * @t: the options
 */
void sender_tlv_defaults(struct sender_tlv_opts *t)
{
	memset(t, 0, sizeof(*t));
	t->cos_dscp1 = -1;
	t->ar_id = -1;
	t->ms_sender = -1;
	t->raw_type = -1;
}

static int num(const char *what, const char *s, unsigned long max,
	       unsigned long *out)
{
	uint64_t v;

	if (cli_u64("sender", what, s, 0, max, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

/* "A:B" into two numbers; B optional when @b_opt */
static int pair(const char *what, const char *s, unsigned long amax,
		unsigned long bmax, bool b_opt, unsigned long *a,
		unsigned long *b)
{
	char buf[64], *colon;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (!colon && !b_opt) {
		fprintf(stderr, "stampnl sender: %s is A:B, not '%s'\n", what, s);
		return -EINVAL;
	}
	if (colon)
		*colon = 0;
	*b = 0;
	if (num(what, buf, amax, a) ||
	    (colon && num(what, colon + 1, bmax, b)))
		return -EINVAL;
	return 0;
}

static int parse_addr(const char *what, const char *s, int *family,
		      uint8_t *addr)
{
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	fprintf(stderr, "stampnl sender: %s: '%s' is not an IPv4 or IPv6 address\n",
		what, s);
	return -EINVAL;
}

/* the TLVs asked for by a flag alone */
static const struct cli_flag tlv_flags[] = {
	{ OPT_TLV_LOCATION, offsetof(struct sender_tlv_opts, location) },
	{ OPT_TLV_TS_INFO, offsetof(struct sender_tlv_opts, ts_info) },
	{ OPT_TLV_DIRECT, offsetof(struct sender_tlv_opts, direct) },
	{ OPT_TLV_FOLLOW_UP, offsetof(struct sender_tlv_opts, follow_up) },
	{ OPT_TLV_HMAC, offsetof(struct sender_tlv_opts, hmac) },
};

/**
 * sender_tlv_option() - one TLV option of the command line
 * @t: the options so far
 * @opt: its OPT_TLV_* code
 * @arg: its argument
 *
 * Return: 0, or -EINVAL with a message printed.
 */
int sender_tlv_option(struct sender_tlv_opts *t, int opt, const char *arg)
{
	unsigned long a, b;
	unsigned int u;
	uint64_t v;

	t->any = true;
	if (cli_set_flag(t, tlv_flags, ARRAY_SIZE(tlv_flags), opt))
		return 0;
	switch (opt) {
	case OPT_TLV_PADDING:
		if (cli_size("sender", "--tlv-padding", arg, 0, MAX_LEN, &v))
			return -EINVAL;
		a = v;
		t->padding = a;
		t->padding_given = true;
		return 0;
	case OPT_TLV_COS:
		if (cli_dscp("sender", "--tlv-cos", arg, &u))
			return -EINVAL;
		t->cos_dscp1 = u;
		return 0;
	case OPT_TLV_ACCESS:
		if (pair("--tlv-access-report ID:CODE", arg, 15, 255, false,
			 &a, &b))
			return -EINVAL;
		if (a != STAMP_ACCESS_3GPP && a != STAMP_ACCESS_NON_3GPP) {
			fprintf(stderr, "stampnl sender: --tlv-access-report: Access ID %lu is not 1 (3GPP) or 2 (non-3GPP), and a reflector must discard it (RFC 8972 4.6)\n",
				a);
			return -EINVAL;
		}
		/* IANA's Access Report Return Codes: 0 and 3-255 are not codes */
		if (b != 1 && b != 2) {
			fprintf(stderr, "stampnl sender: --tlv-access-report: Return Code %lu is not 1 (network available) or 2 (network unavailable), the only codes RFC 8972 4.6 and section 5 define\n",
				b);
			return -EINVAL;
		}
		t->ar_id = a;
		t->ar_code = b;
		return 0;
	case OPT_TLV_DEST:
		return parse_addr("--tlv-dest-node", arg, &t->dest_family,
				  t->dest);
	case OPT_TLV_RETURN_PATH:
		if (!strcmp(arg, "no-reply")) {
			t->rp = RP_NO_REPLY;
			return 0;
		}
		if (!strcmp(arg, "same-link")) {
			t->rp = RP_SAME_LINK;
			return 0;
		}
		t->rp = RP_ADDR;
		return parse_addr("--tlv-return-path", arg, &t->rp_family,
				  t->rp_addr);
	case OPT_TLV_MICRO:
		if (pair("--tlv-micro-session SENDER[:REFLECTOR]", arg, 65535,
			 65535, true, &a, &b))
			return -EINVAL;
		/* 0 is the reflector's "not known yet", never a sender's ID */
		if (!a) {
			fprintf(stderr, "stampnl sender: --tlv-micro-session: the Sender Micro-session ID must be non-zero (RFC 9534 3.1); 0 names no micro-session\n");
			return -EINVAL;
		}
		t->ms_sender = a;
		t->ms_reflector = b;
		return 0;
	case OPT_TLV_RAW:
		if (pair("--tlv-type TYPE[:LENGTH]", arg, 255, MAX_LEN, true,
			 &a, &b))
			return -EINVAL;
		if (a == 0) {
			fprintf(stderr, "stampnl sender: --tlv-type 0 is reserved\n");
			return -EINVAL;
		}
		t->raw_type = a;
		t->raw_len = b;
		return 0;
	case OPT_TLV_MALFORMED:
		for (a = MAL_BAD_FLAGS; a <= MAL_TRUNCATED; a++) {
			if (!strcmp(arg, malformed_names[a])) {
				t->malformed = a;
				return 0;
			}
		}
		fprintf(stderr, "stampnl sender: --tlv-malformed is bad-flags, bad-length or truncated, not '%s'\n",
			arg);
		return -EINVAL;
	}
	return -EINVAL;
}

/* The TLVs' total length, in the order sender_tlv_template() writes. */
static size_t tlv_len(const struct sender_tlv_opts *t)
{
	size_t n = 0;

	if (t->location)
		n += 4 + 4 + 3 * 4 + STAMP_SUB_MAC_LEN + 2 * STAMP_SUB_IP_LEN;
	if (t->ts_info)
		n += 4 + STAMP_TLV_TIMESTAMP_INFO_LEN;
	if (t->cos_dscp1 >= 0)
		n += 4 + STAMP_TLV_COS_LEN;
	if (t->direct)
		n += 4 + STAMP_TLV_DIRECT_MEASUREMENT_LEN;
	if (t->ar_id >= 0)
		n += 4 + STAMP_TLV_ACCESS_REPORT_LEN;
	if (t->follow_up)
		n += 4 + STAMP_TLV_FOLLOW_UP_LEN;
	if (t->dest_family)
		n += 4 + (t->dest_family == AF_INET ? 4 : 16);
	if (t->rp != RP_NONE)
		n += 4 + 4 + (t->rp == RP_ADDR ?
			      (t->rp_family == AF_INET ? 4 : 16) :
			      STAMP_RP_CONTROL_CODE_LEN);
	if (t->ms_sender >= 0)
		n += 4 + STAMP_TLV_MICRO_SESSION_LEN;
	if (t->raw_type >= 0)
		n += 4 + t->raw_len;
	if (t->hmac)
		n += 4 + STAMP_TLV_HMAC_LEN;
	if (t->padding_given)
		n += 4 + t->padding;
	if (t->malformed)
		n += malformed_len[t->malformed];
	return n;
}

/**
 * sender_tlv_check() - refuse what cannot go together, size the packet
 * @o: every option parsed; o->len is set to hold the base and the TLVs
 * @len_given: -l was given
 *
 * Return: 0, or -EINVAL with the reason printed.
 */
int sender_tlv_check(struct sender_opts *o, bool len_given)
{
	struct sender_tlv_opts *t = &o->tlv;
	size_t base = stamp_base_len(o->key_path), need;

	if (!t->any)
		return 0;
	/*
	 * Authenticated mode: TLVs other than Extra Padding alone must be
	 * covered by an HMAC TLV (RFC 8972 4.8), so there is always one.
	 */
	if (o->key_path && !t->hmac &&
	    (t->location || t->ts_info || t->cos_dscp1 >= 0 || t->direct ||
	     t->ar_id >= 0 || t->follow_up || t->dest_family ||
	     t->rp != RP_NONE || t->ms_sender >= 0 || t->raw_type >= 0))
		t->hmac = true;
	if (o->tlv_key_path && o->key_path) {
		fprintf(stderr, "stampnl sender: --tlv-hmac-key-file is for unauthenticated mode: with --auth-key-file the HMAC TLV takes the session's key\n");
		return -EINVAL;
	}
	if (t->hmac && !o->key_path && !o->tlv_key_path) {
		fprintf(stderr, "stampnl sender: --tlv-hmac needs a key: --auth-key-file (authenticated mode) or --tlv-hmac-key-file (the HMAC TLV alone, unauthenticated; RFC 8972 4.8)\n");
		return -EINVAL;
	}
	if (t->malformed && (t->hmac || o->key_path)) {
		fprintf(stderr, "stampnl sender: --tlv-malformed is for unauthenticated mode without an HMAC TLV: the HMAC TLV would cover a TLV walk that it breaks on purpose\n");
		return -EINVAL;
	}
	if (t->dest_family && !o->ssid) {
		fprintf(stderr, "stampnl sender: --tlv-dest-node needs --ssid: the reflector matches the Destination Node Address TLV to a session (RFC 9503 3)\n");
		return -EINVAL;
	}
	if (t->dest_family && o->targets_path) {
		fprintf(stderr, "stampnl sender: --tlv-dest-node and --targets do not go together: one address cannot be every target's\n");
		return -EINVAL;
	}
	if (t->rp == RP_ADDR && o->targets_path) {
		fprintf(stderr, "stampnl sender: --tlv-return-path ADDRESS and --targets do not go together\n");
		return -EINVAL;
	}
	if (o->family && ((t->dest_family && t->dest_family != o->family) ||
			  (t->rp == RP_ADDR && t->rp_family != o->family))) {
		fprintf(stderr, "stampnl sender: %s: the address family is not the test's (%s)\n",
			t->dest_family && t->dest_family != o->family ?
			"--tlv-dest-node" : "--tlv-return-path",
			o->family == AF_INET ? "-4" : "-6");
		return -EINVAL;
	}
	need = base + tlv_len(t);
	if (need > MAX_LEN) {
		fprintf(stderr, "stampnl sender: the TLVs make a %zu-octet packet, more than %d\n",
			need, MAX_LEN);
		return -EINVAL;
	}
	if (!len_given || o->len == need) {
		o->len = need;
		return 0;
	}
	if (o->len < need) {
		fprintf(stderr, "stampnl sender: -l %u is too short for the TLVs asked for: they need %zu octets\n",
			o->len, need);
		return -EINVAL;
	}
	/* the rest becomes Extra Padding (an HMAC TLV may only have that after it) */
	if (t->padding_given || o->len - need < 4) {
		fprintf(stderr, "stampnl sender: -l %u with these TLVs (%zu octets) leaves %zu octets no TLV can fill%s; use -l %zu or --tlv-padding\n",
			o->len, need, o->len - need,
			t->padding_given ? " (--tlv-padding is given)" : "",
			need);
		return -EINVAL;
	}
	t->padding = o->len - need - 4;
	t->padding_given = true;
	return 0;
}

/**
 * sender_tlv_check_family() - the addresses in TLVs against the target's
 * @o: the options
 * @family: the target's family, once resolved
 *
 * Return: 0, or -EINVAL with the reason printed (nothing was sent yet).
 */
int sender_tlv_check_family(const struct sender_opts *o, int family)
{
	const struct sender_tlv_opts *t = &o->tlv;

	if (t->dest_family && t->dest_family != family) {
		fprintf(stderr, "stampnl sender: --tlv-dest-node: an IPv%d address for an IPv%d target\n",
			t->dest_family == AF_INET ? 4 : 6,
			family == AF_INET ? 4 : 6);
		return -EINVAL;
	}
	if (t->rp == RP_ADDR && t->rp_family != family) {
		fprintf(stderr, "stampnl sender: --tlv-return-path: an IPv%d address for an IPv%d target\n",
			t->rp_family == AF_INET ? 4 : 6,
			family == AF_INET ? 4 : 6);
		return -EINVAL;
	}
	return 0;
}

static int put(struct sender *s, uint8_t *buf, size_t *off, uint8_t type,
	       uint16_t len)
{
	int end = stamp_tlv_put(buf, s->o->len, *off, type, len);

	if (end < 0)
		return end;
	*off += 4;
	return 0;
}

static void put_sub(uint8_t *p, uint8_t type, uint16_t len)
{
	p[0] = STAMP_TLV_FLAG_U;
	p[1] = type;
	stamp_put16(p + 2, len);
}

/*
 * A broken TLV at the end of the packet, as no sender should send it, to
 * see what a reflector makes of it (RFC 8972 section 4: a reflector sets
 * M on a TLV whose length is wrong or overruns the packet, and stops):
 *   bad-flags   Extra Padding with every flag set: M and I, which only a
 *               reflector sets, and the reserved bits, which must be zero
 *               on transmission
 *   bad-length  Timestamp Information with Length 2 (its value is 4)
 *   truncated   Extra Padding whose Length (8) runs 4 octets past the end
 */
static int put_malformed(struct sender *s, uint8_t *buf, size_t off)
{
	enum tlv_malformed m = s->o->tlv.malformed;

	if (off + malformed_len[m] > s->o->len)
		return -ENOSPC;
	memset(buf + off, 0, malformed_len[m]);
	buf[off] = STAMP_TLV_FLAG_U;
	switch (m) {
	case MAL_BAD_FLAGS:
		buf[off] = 0xff;
		buf[off + 1] = STAMP_TLV_EXTRA_PADDING;
		stamp_put16(buf + off + 2, 4);
		break;
	case MAL_BAD_LENGTH:
		buf[off + 1] = STAMP_TLV_TIMESTAMP_INFO;
		stamp_put16(buf + off + 2, 2);
		break;
	default:
		buf[off + 1] = STAMP_TLV_EXTRA_PADDING;
		stamp_put16(buf + off + 2, 8);
		break;
	}
	return 0;
}

/**
 * sender_tlv_template() - write the TLVs after the base packet
 * @s: the sender; s->o->len was sized by sender_tlv_check()
 * @buf: the packet buffer, s->o->len octets
 *
 * Return: 0 or -ENOSPC.
 */
int sender_tlv_template(struct sender *s, uint8_t *buf)
{
	const struct sender_tlv_opts *t = &s->o->tlv;
	size_t off = stamp_base_len(s->o->key_len);
	uint8_t *v;
	int err = 0;

	s->tlv_dm_off = 0;
	if (!t->any)
		return 0;
	if (t->location) {
		err = put(s, buf, &off, STAMP_TLV_LOCATION,
			  4 + 3 * 4 + STAMP_SUB_MAC_LEN + 2 * STAMP_SUB_IP_LEN);
		if (err)
			return err;
		v = buf + off + 4;
		put_sub(v, STAMP_SUB_SRC_MAC, STAMP_SUB_MAC_LEN);
		v += 4 + STAMP_SUB_MAC_LEN;
		put_sub(v, STAMP_SUB_DST_IP, STAMP_SUB_IP_LEN);
		v += 4 + STAMP_SUB_IP_LEN;
		put_sub(v, STAMP_SUB_SRC_IP, STAMP_SUB_IP_LEN);
		off += 4 + 3 * 4 + STAMP_SUB_MAC_LEN + 2 * STAMP_SUB_IP_LEN;
	}
	if (t->ts_info) {
		err = put(s, buf, &off, STAMP_TLV_TIMESTAMP_INFO,
			  STAMP_TLV_TIMESTAMP_INFO_LEN);
		off += STAMP_TLV_TIMESTAMP_INFO_LEN;
	}
	if (!err && t->cos_dscp1 >= 0) {
		err = put(s, buf, &off, STAMP_TLV_COS, STAMP_TLV_COS_LEN);
		stamp_put16(buf + off, t->cos_dscp1 << STAMP_COS_DSCP1_SHIFT);
		off += STAMP_TLV_COS_LEN;
	}
	if (!err && t->direct) {
		err = put(s, buf, &off, STAMP_TLV_DIRECT_MEASUREMENT,
			  STAMP_TLV_DIRECT_MEASUREMENT_LEN);
		s->tlv_dm_off = off;
		off += STAMP_TLV_DIRECT_MEASUREMENT_LEN;
	}
	if (!err && t->ar_id >= 0) {
		err = put(s, buf, &off, STAMP_TLV_ACCESS_REPORT,
			  STAMP_TLV_ACCESS_REPORT_LEN);
		buf[off] = t->ar_id << 4;
		buf[off + 1] = t->ar_code;
		off += STAMP_TLV_ACCESS_REPORT_LEN;
	}
	if (!err && t->follow_up) {
		err = put(s, buf, &off, STAMP_TLV_FOLLOW_UP,
			  STAMP_TLV_FOLLOW_UP_LEN);
		off += STAMP_TLV_FOLLOW_UP_LEN;
	}
	if (!err && t->dest_family) {
		uint16_t n = t->dest_family == AF_INET ? 4 : 16;

		err = put(s, buf, &off, STAMP_TLV_DEST_NODE_ADDR, n);
		memcpy(buf + off, t->dest, n);
		off += n;
	}
	if (!err && t->rp != RP_NONE) {
		uint16_t n = t->rp == RP_ADDR ?
			     (t->rp_family == AF_INET ? 4 : 16) :
			     STAMP_RP_CONTROL_CODE_LEN;

		err = put(s, buf, &off, STAMP_TLV_RETURN_PATH, 4 + n);
		if (t->rp == RP_ADDR) {
			put_sub(buf + off, STAMP_RP_RETURN_ADDRESS, n);
			memcpy(buf + off + 4, t->rp_addr, n);
		} else {
			put_sub(buf + off, STAMP_RP_CONTROL_CODE, n);
			stamp_put32(buf + off + 4, t->rp == RP_SAME_LINK ?
				    STAMP_RP_CC_SAME_LINK : 0);
		}
		off += 4 + n;
	}
	if (!err && t->ms_sender >= 0) {
		err = put(s, buf, &off, STAMP_TLV_MICRO_SESSION,
			  STAMP_TLV_MICRO_SESSION_LEN);
		stamp_put16(buf + off, t->ms_sender);
		stamp_put16(buf + off + 2, t->ms_reflector);
		off += STAMP_TLV_MICRO_SESSION_LEN;
	}
	if (!err && t->raw_type >= 0) {
		err = put(s, buf, &off, t->raw_type, t->raw_len);
		off += t->raw_len;
	}
	if (!err && t->hmac) {
		err = put(s, buf, &off, STAMP_TLV_HMAC, STAMP_TLV_HMAC_LEN);
		off += STAMP_TLV_HMAC_LEN;
	}
	if (!err && t->padding_given) {
		err = put(s, buf, &off, STAMP_TLV_EXTRA_PADDING, t->padding);
		/* pseudorandom, as RFC 8972 4.1 prefers */
		if (!err && t->padding &&
		    getrandom(buf + off, t->padding, 0) < 0)
			memset(buf + off, 0xa5, t->padding);
		off += t->padding;
	}
	if (!err && t->malformed)
		err = put_malformed(s, buf, off);
	return err;
}

/**
 * sender_tlv_stamp() - the per-packet TLV fields, once Seq is written
 * @s: the sender
 * @buf: the packet, base and TLVs written
 * @seq: its Seq
 */
void sender_tlv_stamp(struct sender *s, uint8_t *buf, uint64_t seq)
{
	struct stamp_auth_key *k = tlv_key(s);

	if (s->tlv_dm_off)
		/* S_TxC: packets sent in the session, this one included */
		stamp_put32(buf + s->tlv_dm_off, (uint32_t)(seq + 1));
	if (s->o->tlv.hmac)
		stamp_tlv_hmac_sign(buf, s->o->len, stamp_base_len(s->o->key_len),
				    stamp_auth_tlv_hmac, k);
}

/* The packet answered before @p whose reflector Seq is @rseq, or NULL. */
static const struct probe *by_refl_seq(const struct sender *s,
				       const struct probe *p, uint32_t rseq)
{
	const struct probe *q;
	int i;

	for (q = p, i = 0; q > s->probes && i < 1024; i++) {
		q--;
		if (q->state == ANSWERED && q->refl_seq == rseq)
			return q;
	}
	return NULL;
}

/**
 * sender_tlv_reply() - read a reply's TLVs into its packet's record
 * @s: the sender
 * @buf: the reply, its base already checked
 * @n: its length
 * @ds: the reply's DS field as received, -1 if unknown
 * @p: its packet, with T3 and the reflector's Seq already filled in
 */
void sender_tlv_reply(struct sender *s, const uint8_t *buf, size_t n, int ds,
		      struct probe *p)
{
	/* a session with hooks keeps no summary: counted, then forgotten */
	struct sender_tlv_acc none = { 0 };
	struct sender_tlv_acc *a = s->one ? &s->one->tlv : &none;
	struct probe_tlv *pt = &p->tlv;
	size_t base = stamp_base_len(s->o->key_len);
	struct stamp_auth_key *k = tlv_key(s);
	struct stamp_tlv_info in;
	const struct probe *prev;
	struct stamp_time t;
	int nt;

	memset(pt, 0, sizeof(*pt));
	pt->ds = ds < 0 ? 0xff : ds;
	if (n <= base)
		return;
	nt = stamp_tlv_decode(buf, n, base, &in);
	if (nt <= 0 && !in.walk_error)
		return;
	a->replies++;
	pt->unknown = in.unknown;
	pt->integrity = in.integrity;
	pt->malformed = in.malformed || in.walk_error;
	a->unknown |= in.unknown;
	a->integrity |= in.integrity;
	if (in.integrity)
		a->integrity_replies++;
	if (pt->malformed)
		a->malformed++;
	if (s->o->tlv.hmac) {
		if (stamp_tlv_hmac_verify(buf, n, base, NULL,
					  stamp_auth_tlv_hmac, k)) {
			pt->hmac_bad = 1;
			a->hmac_bad++;
		} else {
			a->hmac_ok++;
		}
	}
	a->present |= in.present;
	/*
	 * The reflector's HMAC check failed (I), or ours did: no TLV of this
	 * reply is believed (RFC 8972 4.8).
	 */
	if (in.integrity || pt->hmac_bad)
		return;
	if (in.present & 1 << STAMP_TLV_TIMESTAMP_INFO &&
	    !(in.unknown & 1 << STAMP_TLV_TIMESTAMP_INFO)) {
		pt->sync_in = in.sync_in;
		pt->method_in = in.method_in;
		pt->sync_out = in.sync_out;
		pt->method_out = in.method_out;
		a->ts_info = *pt;
		a->have_ts_info = true;
	}
	if (in.present & 1 << STAMP_TLV_COS &&
	    !(in.unknown & 1 << STAMP_TLV_COS)) {
		pt->cos_dscp2 = in.cos_dscp2;
		pt->cos_ecn = in.cos_ecn;
		pt->cos_rp = in.cos_rp;
		a->cos++;
		if (s->o->tos >= 0 || s->o->tlv.cos_dscp1 >= 0) {
			int sent = s->o->tos < 0 ? 0 : s->o->tos;

			if (in.cos_dscp2 != sent >> 2)
				a->fwd_dscp_changed++;
			if (in.cos_ecn != (sent & 3))
				a->fwd_ecn_changed++;
		}
		if (in.cos_rp)
			a->cos_refused++;
		/* what the reflector sent: DSCP1 if it took it, else DSCP2 */
		if (ds >= 0) {
			int want = in.cos_rp ? in.cos_dscp2 : in.cos_dscp1;

			a->bwd_checked++;
			if (ds >> 2 != want)
				a->bwd_dscp_changed++;
		}
		a->last_cos = *pt;
	}
	if (in.present & 1 << STAMP_TLV_DIRECT_MEASUREMENT &&
	    !(in.unknown & 1 << STAMP_TLV_DIRECT_MEASUREMENT)) {
		pt->dm_r_rxc = in.dm_r_rxc;
		pt->dm_r_txc = in.dm_r_txc;
		a->dm = true;
		a->dm_s_txc = in.dm_s_txc;
		a->dm_r_rxc = in.dm_r_rxc;
		a->dm_r_txc = in.dm_r_txc;
		/* this reply included: handle_reply() counted it already */
		a->dm_received = s->loss.received;
	}
	if (in.present & 1 << STAMP_TLV_FOLLOW_UP &&
	    !(in.unknown & 1 << STAMP_TLV_FOLLOW_UP)) {
		a->fu++;
		pt->fu_seq = in.fu_seq;
		pt->fu_method = in.fu_method;
		if (in.fu_ts) {
			stamp_ts_decode(in.fu_ts, s->refl_ptp, &t);
			pt->fu_t3 = sender_clock_to_utc_ns(&s->clk, &t,
							   s->refl_ptp);
			prev = by_refl_seq(s, p, in.fu_seq);
			if (prev) {
				int64_t d = pt->fu_t3 - prev->t3;

				a->fu_matched++;
				if (d < 0)
					d = -d;
				if (d > a->fu_max_diff)
					a->fu_max_diff = d;
			}
		}
	}
	if (in.present & 1 << STAMP_TLV_MICRO_SESSION &&
	    !(in.unknown & 1 << STAMP_TLV_MICRO_SESSION)) {
		pt->ms_reflector = in.ms_reflector;
		a->ms_reflector = in.ms_reflector;
		a->have_ms = true;
	}
	if (in.present & 1 << STAMP_TLV_LOCATION &&
	    !(in.unknown & 1 << STAMP_TLV_LOCATION))
		a->loc = in;
	if (in.present & 1 << STAMP_TLV_ACCESS_REPORT &&
	    !(in.unknown & 1 << STAMP_TLV_ACCESS_REPORT))
		a->ar_acked++;
}

/**
 * sender_tlv_accept() - whether a reply passes the Micro-session ID checks
 * @s: the sender
 * @buf: the reply, its base already checked
 * @n: its length
 *
 * RFC 9534 section 3.2: the reply's Sender Micro-session ID must be ours,
 * and its Reflector Micro-session ID the one we named, if we named one;
 * else the reply is discarded (counted). A TLV the reflector did not
 * answer (U), or TLVs not to be believed (M before it, I, or our HMAC TLV
 * check failed), are not checked.
 *
 * Return: false when the reply is to be discarded.
 */
bool sender_tlv_accept(struct sender *s, const uint8_t *buf, size_t n)
{
	const struct sender_tlv_opts *t = &s->o->tlv;
	size_t base = stamp_base_len(s->o->key_len);
	struct stamp_auth_key *k = tlv_key(s);
	struct stamp_tlv_info in;
	const uint16_t ms = 1 << STAMP_TLV_MICRO_SESSION;

	if (t->ms_sender < 0 || n <= base)
		return true;
	stamp_tlv_decode(buf, n, base, &in);
	if (!(in.present & ms) || in.unknown & ms || in.integrity)
		return true;
	if (t->hmac && stamp_tlv_hmac_verify(buf, n, base, NULL,
					     stamp_auth_tlv_hmac, k))
		return true;
	if (in.ms_sender == t->ms_sender &&
	    (!t->ms_reflector || in.ms_reflector == t->ms_reflector))
		return true;
	if (s->one)
		s->one->tlv.ms_rejected++;
	return false;
}

/**
 * sender_tlv_refl_ptp() - whether a reply says the reflector keeps PTP time
 * @s: the sender (--require-ptp sends a Timestamp Information TLV)
 * @buf: the reply, its base already checked
 * @n: its length
 * @why: where the reason goes when it does not
 * @len: size of @why
 *
 * The Timestamp Information TLV's Synchronization Source In and Out
 * (RFC 8972 section 4.3) must both be PTP (2), in a TLV the reflector
 * answered (U clear) and whose integrity holds. The S bit is
 * --require-sync's part.
 *
 * Return: 0, or -EINVAL with @why filled in.
 */
int sender_tlv_refl_ptp(struct sender *s, const uint8_t *buf, size_t n,
			char *why, size_t len)
{
	const uint16_t ts = 1 << STAMP_TLV_TIMESTAMP_INFO;
	size_t base = stamp_base_len(s->o->key_len);
	struct stamp_auth_key *k = tlv_key(s);
	struct stamp_tlv_info in;

	memset(&in, 0, sizeof(in));
	if (n > base)
		stamp_tlv_decode(buf, n, base, &in);
	if (!(in.present & ts)) {
		snprintf(why, len, "the reply carries no Timestamp Information TLV: the reflector's sync source is unknown");
		return -EINVAL;
	}
	if (in.unknown & ts) {
		snprintf(why, len, "the reflector did not answer the Timestamp Information TLV (U): its sync source is unknown");
		return -EINVAL;
	}
	if (in.integrity ||
	    (s->o->tlv.hmac && stamp_tlv_hmac_verify(buf, n, base, NULL,
						    stamp_auth_tlv_hmac, k))) {
		snprintf(why, len, "the reply's TLVs failed the HMAC check");
		return -EINVAL;
	}
	if (in.sync_in != STAMP_SYNC_PTP || in.sync_out != STAMP_SYNC_PTP) {
		snprintf(why, len, "the reflector's clock is not PTP-synchronized (Timestamp Information: T2 %s, T3 %s)",
			 sync_name(in.sync_in), sync_name(in.sync_out));
		return -EINVAL;
	}
	return 0;
}

/*
 * A set of TLV types: in JSON an array of the type numbers, in text (when
 * @text is given and the set is not empty) @text and the types' names.
 */
static void print_types(const char *key, uint16_t bits, const char *text)
{
	static const char *const names[] = {
		"other", "extra-padding", "location", "timestamp-info", "cos",
		"direct-measurement", "access-report", "follow-up", "hmac",
		"dest-node", "return-path", "micro-session" };
	int i, n = 0;

	open_json_array(key);
	if (text && bits)
		print_text("%s", text);
	for (i = 0; i <= STAMP_TLV_TYPE_MAX; i++) {
		if (!(bits & 1 << i))
			continue;
		print_int(PRINT_JSON, NULL, NULL, i);
		if (text)
			print_text("%s%s", n++ ? ", " : "", names[i]);
	}
	close_json_array();
}

/* forward, backward loss from the last Direct Measurement counters */
static void dm_loss(const struct sender_tlv_acc *a, int64_t *fwd, int64_t *bwd)
{
	*fwd = (int64_t)a->dm_s_txc - a->dm_r_rxc;
	*bwd = (int64_t)a->dm_r_txc - (int64_t)a->dm_received;
}

static const char *addr_text(int family, const uint8_t *a, char *buf)
{
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, INET6_ADDRSTRLEN);
	return buf;
}

static void print_cos(const struct sender *s)
{
	const struct sender_tlv_acc *a = &s->one->tlv;

	open_json_object("cos");
	print_u64(PRINT_JSON, "replies", NULL, a->cos);
	print_int(PRINT_ANY, "sent_dscp",
		  "tlv cos: forward path sent DSCP %d",
		  s->o->tos < 0 ? 0 : s->o->tos >> 2);
	print_int(PRINT_ANY, "sent_ecn", " ECN %d",
		  s->o->tos < 0 ? 0 : s->o->tos & 3);
	print_uint(PRINT_ANY, "received_dscp", " -> DSCP %u",
		   a->last_cos.cos_dscp2);
	print_uint(PRINT_ANY, "received_ecn", " ECN %u", a->last_cos.cos_ecn);
	print_string(PRINT_FP, NULL, " (%s)",
		     a->fwd_dscp_changed || a->fwd_ecn_changed ?
		     "remarked on the way" : "unchanged");
	print_u64(PRINT_JSON, "forward_dscp_changed", NULL,
		  a->fwd_dscp_changed);
	print_u64(PRINT_JSON, "forward_ecn_changed", NULL, a->fwd_ecn_changed);
	print_int(PRINT_JSON, "requested_dscp", NULL, s->o->tlv.cos_dscp1);
	print_u64(PRINT_JSON, "refused", NULL, a->cos_refused);
	if (a->cos_refused)
		print_text("; reflector refused DSCP %d (RP=%u)",
			   s->o->tlv.cos_dscp1, a->last_cos.cos_rp);
	print_u64(PRINT_JSON, "backward_checked", NULL, a->bwd_checked);
	print_u64(PRINT_JSON, "backward_dscp_changed", NULL,
		  a->bwd_dscp_changed);
	if (a->bwd_checked)
		print_text("; backward path %s (last reply arrived with DSCP %u)",
			   a->bwd_dscp_changed ? "remarked" : "unchanged",
			   a->last_cos.ds == 0xff ? 0 : a->last_cos.ds >> 2);
	print_nl(PRINT_FP);
	close_json_object();
}

static void print_location(const struct sender_tlv_acc *a)
{
	const struct stamp_tlv_info *l = &a->loc;
	char b1[INET6_ADDRSTRLEN], b2[INET6_ADDRSTRLEN];
	bool text = l->loc_src_family || l->loc_dst_family;
	char mac[3 * sizeof(l->loc_mac)] = "";
	int i;

	open_json_object("location");
	print_uint(PRINT_JSON, "source_port", NULL, l->loc_sport);
	print_uint(PRINT_JSON, "destination_port", NULL, l->loc_dport);
	if (l->loc_src_family)
		print_string(PRINT_JSON, "source", NULL,
			     addr_text(l->loc_src_family, l->loc_src, b1));
	if (l->loc_dst_family)
		print_string(PRINT_JSON, "destination", NULL,
			     addr_text(l->loc_dst_family, l->loc_dst, b2));
	/* "xx:xx:...": each octet after the first one brings its colon */
	for (i = 0; i < l->loc_mac_len; i++) {
		size_t off = i ? 3 * i - 1 : 0;

		snprintf(mac + off, sizeof(mac) - off, "%s%02x", i ? ":" : "",
			 l->loc_mac[i]);
	}
	if (l->loc_mac_len)
		print_string(PRINT_JSON, "source_mac", NULL, mac);
	close_json_object();
	if (text)
		print_text("tlv location: reflector saw %s port %u -> %s port %u\n",
			   l->loc_src_family ? b1 : "?", l->loc_sport,
			   l->loc_dst_family ? b2 : "?", l->loc_dport);
}

/**
 * sender_tlv_print() - what the TLVs said: lines of text, or the
 *	summary's "tlv" object
 * @s: the sender
 */
void sender_tlv_print(const struct sender *s)
{
	const struct sender_tlv_acc *a = &s->one->tlv;
	const struct sender_tlv_opts *t = &s->o->tlv;
	int64_t fwd, bwd;

	if (!t->any)
		return;
	open_json_object("tlv");
	print_u64(PRINT_ANY, "replies", "tlv: %" PRIu64 " replies carried TLVs",
		  a->replies);
	print_types("types_returned", a->present, NULL);
	print_types("unknown_types", a->unknown, "; not understood (U): ");
	print_types("integrity_failed_types", a->integrity, NULL);
	print_u64(a->malformed ? PRINT_ANY : PRINT_JSON, "malformed_replies",
		  "; %" PRIu64 " with malformed TLVs (M)", a->malformed);
	print_u64(a->integrity_replies ? PRINT_ANY : PRINT_JSON,
		  "integrity_failed_replies",
		  "; %" PRIu64 " failed the reflector's HMAC TLV check (I)",
		  a->integrity_replies);
	print_nl(PRINT_FP);
	if (t->hmac) {
		print_u64(PRINT_ANY, "hmac_verified",
			  "tlv hmac: %" PRIu64 " replies verified", a->hmac_ok);
		print_u64(PRINT_ANY, "hmac_failed", ", %" PRIu64 " failed\n",
			  a->hmac_bad);
	}
	if (a->cos)
		print_cos(s);
	if (a->dm) {
		dm_loss(a, &fwd, &bwd);
		open_json_object("direct_measurement");
		print_uint(PRINT_ANY, "sender_tx", "tlv direct measurement: sent %u",
			   a->dm_s_txc);
		print_uint(PRINT_ANY, "reflector_rx", ", reflector received %u",
			   a->dm_r_rxc);
		print_uint(PRINT_ANY, "reflector_tx", " and sent %u", a->dm_r_txc);
		print_u64(PRINT_ANY, "sender_rx", ", we received %" PRIu64,
			  a->dm_received);
		print_s64(PRINT_ANY, "forward_lost", ": forward loss %" PRId64,
			  fwd);
		print_s64(PRINT_ANY, "backward_lost",
			  ", backward loss %" PRId64 "\n", bwd);
		close_json_object();
	}
	if (a->fu) {
		open_json_object("follow_up");
		print_u64(PRINT_ANY, "replies", "tlv follow-up: %" PRIu64
			  " replies carried the previous reply's T3", a->fu);
		print_u64(PRINT_ANY, "matched", ", %" PRIu64
			  " matched to a reply received", a->fu_matched);
		print_s64(PRINT_ANY, "max_diff_ns",
			  ", max difference from its T3 %" PRId64 " ns\n",
			  a->fu_max_diff);
		close_json_object();
	}
	if (a->have_ts_info) {
		open_json_object("timestamp_info");
		print_string(PRINT_ANY, "t2_sync", "tlv timestamp info: T2 %s",
			     sync_name(a->ts_info.sync_in));
		print_string(PRINT_ANY, "t2_method", "/%s",
			     method_name(a->ts_info.method_in));
		print_string(PRINT_ANY, "t3_sync", ", T3 %s",
			     sync_name(a->ts_info.sync_out));
		print_string(PRINT_ANY, "t3_method",
			     "/%s (sync source/method)\n",
			     method_name(a->ts_info.method_out));
		close_json_object();
	}
	if (a->loc.loc_src_family || a->loc.loc_dst_family ||
	    a->loc.loc_mac_len)
		print_location(a);
	if (a->have_ms)
		print_uint(PRINT_JSON, "micro_session_reflector_id", NULL,
			   a->ms_reflector);
	if (t->ms_sender >= 0)
		print_u64(PRINT_JSON, "micro_session_rejected", NULL,
			  a->ms_rejected);
	if (a->have_ms || a->ms_rejected)
		print_text("tlv micro-session: reflector ID %u; %" PRIu64
			   " replies discarded, their Micro-session IDs not ours\n",
			   a->ms_reflector, a->ms_rejected);
	if (t->ar_id >= 0)
		print_u64(PRINT_JSON, "access_report_acknowledged", NULL,
			  a->ar_acked);
	close_json_object();
}

/**
 * sender_tlv_json_packet() - a packet's "tlv" object (JSON only)
 * @s: the sender
 * @p: the packet, answered
 */
void sender_tlv_json_packet(const struct sender *s, const struct probe *p)
{
	const struct probe_tlv *pt = &p->tlv;

	if (!s->o->tlv.any)
		return;
	open_json_object("tlv");
	print_bool(PRINT_JSON, "malformed", NULL, pt->malformed);
	print_types("unknown_types", pt->unknown, NULL);
	print_types("integrity_failed_types", pt->integrity, NULL);
	if (pt->ds != 0xff) {
		print_uint(PRINT_JSON, "reply_dscp", NULL, pt->ds >> 2);
		print_uint(PRINT_JSON, "reply_ecn", NULL, pt->ds & 3);
	}
	if (s->o->tlv.hmac)
		print_bool(PRINT_JSON, "hmac_ok", NULL, !pt->hmac_bad);
	if (s->o->tlv.cos_dscp1 >= 0) {
		print_uint(PRINT_JSON, "cos_dscp2", NULL, pt->cos_dscp2);
		print_uint(PRINT_JSON, "cos_ecn", NULL, pt->cos_ecn);
		print_uint(PRINT_JSON, "cos_rp", NULL, pt->cos_rp);
	}
	if (s->o->tlv.direct) {
		print_uint(PRINT_JSON, "reflector_rx", NULL, pt->dm_r_rxc);
		print_uint(PRINT_JSON, "reflector_tx", NULL, pt->dm_r_txc);
	}
	if (s->o->tlv.follow_up) {
		print_uint(PRINT_JSON, "follow_up_seq", NULL, pt->fu_seq);
		print_s64_string(PRINT_JSON, "follow_up_t3_ns", NULL, pt->fu_t3);
		print_string(PRINT_JSON, "follow_up_method", NULL,
			     method_name(pt->fu_method));
	}
	if (s->o->tlv.ts_info) {
		print_string(PRINT_JSON, "t2_sync", NULL, sync_name(pt->sync_in));
		print_string(PRINT_JSON, "t2_method", NULL,
			     method_name(pt->method_in));
		print_string(PRINT_JSON, "t3_sync", NULL,
			     sync_name(pt->sync_out));
		print_string(PRINT_JSON, "t3_method", NULL,
			     method_name(pt->method_out));
	}
	if (s->o->tlv.ms_sender >= 0)
		print_uint(PRINT_JSON, "micro_session_reflector_id", NULL,
			   pt->ms_reflector);
	close_json_object();
}
