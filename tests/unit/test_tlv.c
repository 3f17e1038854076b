// SPDX-License-Identifier: GPL-2.0
/*
 * The shared TLV codec (kmod/tlv.c), as the module runs it on a reply and
 * as stampnl builds and reads TLVs. Packets are written out byte by byte
 * here from RFC 8972, RFC 9503 and RFC 9534, independently of the codec's
 * own constants; every malformed shape the walk must survive has a case.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hmac_sha256.h"
#include "stamp_auth.h"
#include "tlv.h"

#define BASE 44
#define U 0x80
#define M 0x40
#define I 0x20

static const uint8_t key[16] = "0123456789abcdef";

struct pkt {
	uint8_t b[512];
	size_t len;
};

static void pkt_init(struct pkt *p, uint32_t seq)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = seq >> 24;
	p->b[1] = seq >> 16;
	p->b[2] = seq >> 8;
	p->b[3] = seq;
	p->len = BASE;
}

/* append a TLV: flags, type, length, value */
static size_t add(struct pkt *p, uint8_t flags, uint8_t type, uint16_t len,
		  const void *val)
{
	size_t off = p->len;

	p->b[off] = flags;
	p->b[off + 1] = type;
	p->b[off + 2] = len >> 8;
	p->b[off + 3] = len;
	if (val)
		memcpy(p->b + off + 4, val, len);
	else
		memset(p->b + off + 4, 0, len);
	p->len += 4 + len;
	return off;
}

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static bool local_addr(void *priv, uint8_t family, const uint8_t *a)
{
	return family == 4 ? a[0] == 192 && a[3] == 2 : a[0] == 0x20;
}

static void env_v4(struct stamp_tlv_env *e)
{
	static const uint8_t s[4] = { 192, 0, 2, 1 }, d[4] = { 192, 0, 2, 2 };
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	memset(e, 0, sizeof(*e));
	e->family = 4;
	memcpy(e->saddr, s, 4);
	memcpy(e->daddr, d, 4);
	e->sport = 40000;
	e->dport = 862;
	memcpy(e->mac, mac, 6);
	e->mac_len = 6;
	e->dscp = 46;
	e->ecn = 1;
	e->cos_allowed = true;
	e->sync_in = 1;
	e->method_in = 2;
	e->sync_out = 5;
	e->method_out = 2;
	e->is_local = local_addr;
	e->member_id = 77;
}

static struct stamp_auth_key akey = { key, sizeof(key) };

static void env_key(struct stamp_tlv_env *e, uint32_t req_seq)
{
	e->hmac = stamp_auth_tlv_hmac;
	e->priv = &akey;
	e->req_seq = req_seq;
}

/* HMAC-SHA-256/128 over Seq || TLVs, computed here from the RFC text */
static void ref_hmac(const struct pkt *p, const uint8_t *seq, size_t hoff,
		     uint8_t *out)
{
	uint8_t text[600], mac[32];

	memcpy(text, seq, 4);
	memcpy(text + 4, p->b + BASE, hoff - BASE);
	hmac_sha256(key, sizeof(key), text, 4 + hoff - BASE, mac);
	memcpy(out, mac, 16);
}

static void reflect(struct pkt *p, const struct stamp_tlv_env *e,
		    struct stamp_tlv_result *r)
{
	assert_int_equal(stamp_tlv_reflect(p->b, p->len, BASE, e, r), 0);
}

/* --- the walk -------------------------------------------------------- */

static void test_walk(void **state)
{
	struct stamp_tlv_iter it;
	struct stamp_tlv t;
	struct pkt p;

	pkt_init(&p, 1);
	stamp_tlv_iter_init(&it, p.b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);

	/* RFC 8762 zero padding is not a TLV */
	p.len = 100;
	stamp_tlv_iter_init(&it, p.b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);

	pkt_init(&p, 1);
	add(&p, U, 1, 8, NULL);
	add(&p, U, 200, 0, NULL);
	p.len += 20;	/* zero padding after TLVs */
	stamp_tlv_iter_init(&it, p.b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), 1);
	assert_int_equal(t.off, BASE);
	assert_int_equal(t.type, 1);
	assert_int_equal(t.len, 8);
	assert_int_equal(t.flags, U);
	assert_int_equal(stamp_tlv_next(&it, &t), 1);
	assert_int_equal(t.off, BASE + 12);
	assert_int_equal(t.type, 200);
	assert_int_equal(t.len, 0);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);

	/* a header cut short */
	pkt_init(&p, 1);
	add(&p, U, 1, 0, NULL);
	p.b[p.len] = U;
	p.len += 3;
	stamp_tlv_iter_init(&it, p.b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), 1);
	assert_int_equal(stamp_tlv_next(&it, &t), -EINVAL);
	assert_int_equal(t.off, BASE + 4);

	/* a length past the end */
	pkt_init(&p, 1);
	add(&p, U, 1, 4, NULL);
	p.b[BASE + 3] = 5;
	stamp_tlv_iter_init(&it, p.b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), -EMSGSIZE);
	assert_int_equal(t.len, 5);
}

static void test_len_rules(void **state)
{
	static const struct { uint8_t type; uint16_t len; bool ok; } v[] = {
		{ 1, 0, true }, { 1, 1000, true },
		{ 2, 3, false }, { 2, 4, true }, { 2, 28, true },
		{ 3, 4, true }, { 3, 0, false }, { 3, 8, false },
		{ 4, 4, true }, { 4, 0, false }, { 4, 8, false },
		{ 5, 12, true }, { 5, 8, false }, { 5, 0, false },
		{ 6, 4, true }, { 6, 0, false },
		{ 7, 16, true }, { 7, 12, false }, { 7, 0, false },
		{ 8, 16, true }, { 8, 32, false }, { 8, 0, false },
		{ 9, 4, true }, { 9, 16, true }, { 9, 8, false }, { 9, 0, false },
		{ 10, 4, true }, { 10, 0, false }, { 10, 3, false },
		{ 11, 4, true }, { 11, 0, false }, { 11, 2, false },
		{ 99, 0, true }, { 255, 7, true },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(stamp_tlv_len_ok(v[i].type, v[i].len), v[i].ok);
}

/* --- every type, answered ------------------------------------------- */

static void test_extra_padding(void **state)
{
	uint8_t pad[37];
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	memset(pad, 0xa5, sizeof(pad));
	pkt_init(&p, 1);
	o = add(&p, U, 1, sizeof(pad), pad);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_memory_equal(p.b + o + 4, pad, sizeof(pad));
	assert_int_equal(r.count[1], 1);
	assert_int_equal(r.malformed, 0);
}

static void test_location_v4(void **state)
{
	uint8_t v[4 + 12 + 20 + 20] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;
	uint8_t *s;

	/* Source MAC, Destination IP, Source IP requests */
	v[4] = U; v[5] = 1; v[7] = 8;
	v[16] = U; v[17] = 4; v[19] = 16;
	v[36] = U; v[37] = 7; v[39] = 16;
	memset(v + 20, 0xee, 16);	/* must be overwritten, zeros kept */
	pkt_init(&p, 1);
	o = add(&p, U, 2, sizeof(v), v);
	env_v4(&e);
	reflect(&p, &e, &r);
	s = p.b + o + 4;
	assert_int_equal(p.b[o], 0);
	assert_int_equal(be16(s), 862);
	assert_int_equal(be16(s + 2), 40000);
	assert_int_equal(s[4], 0);
	assert_int_equal(s[5], 2);		/* EUI-48 */
	assert_int_equal(be16(s + 6), 8);
	assert_memory_equal(s + 8, e.mac, 6);
	assert_int_equal(s[14] | s[15], 0);
	assert_int_equal(s[16], 0);
	assert_int_equal(s[17], 5);		/* Destination IPv4 */
	assert_memory_equal(s + 20, e.daddr, 4);
	assert_int_equal(be32(s + 24) | be32(s + 28) | be32(s + 32), 0);
	assert_int_equal(s[37], 8);		/* Source IPv4 */
	assert_memory_equal(s + 40, e.saddr, 4);
	assert_int_equal(r.count[2], 1);
	assert_int_equal(r.malformed, 0);
}

static void test_location_v6_no_mac(void **state)
{
	uint8_t v[4 + 12 + 20] = { 0 };
	static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t mac8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;
	uint8_t *s;

	v[4] = U | I; v[5] = 1; v[7] = 8;
	v[16] = U; v[17] = 4; v[19] = 16;
	memset(v + 8, 0xee, 8);		/* junk where the MAC goes */
	pkt_init(&p, 1);
	o = add(&p, U, 2, sizeof(v), v);
	env_v4(&e);
	e.family = 6;
	memcpy(e.daddr, d6, 16);
	e.mac_len = 0;
	reflect(&p, &e, &r);
	s = p.b + o + 4;
	assert_int_equal(p.b[o], 0);
	/* no MAC on this link: a zeroed EUI-64 (RFC 8972 4.2.2) */
	assert_int_equal(s[4], 0);
	assert_int_equal(s[5], 3);
	assert_int_equal(be16(s + 6), 8);
	assert_int_equal(be32(s + 8) | be32(s + 12), 0);
	assert_int_equal(s[17], 6);	/* Destination IPv6 */
	assert_memory_equal(s + 20, d6, 16);

	/* an EUI-64 link */
	pkt_init(&p, 1);
	o = add(&p, U, 2, sizeof(v), v);
	memcpy(e.mac, mac8, 8);
	e.mac_len = 8;
	reflect(&p, &e, &r);
	s = p.b + o + 4;
	assert_int_equal(s[4], 0);
	assert_int_equal(s[5], 3);
	assert_memory_equal(s + 8, mac8, 8);
}

static void test_location_malformed(void **state)
{
	uint8_t v[4 + 4 + 6] = { 0 };
	uint8_t cos[4] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t o, c;

	/* a MAC sub-TLV of the wrong length */
	v[4] = U; v[5] = 1; v[7] = 6;
	pkt_init(&p, 1);
	o = add(&p, U, 2, sizeof(v), v);
	c = add(&p, U, 4, 4, cos);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o] & M, M);
	assert_int_equal(p.b[o + 4 + 4] & M, M);
	assert_int_equal(p.b[c], U);		/* not processed after M */
	assert_int_equal(be16(p.b + c + 4), 0);
	assert_false(r.set_dscp);
	assert_int_equal(r.malformed, 1);

	/* a sub-TLV running past its TLV */
	memset(v, 0, sizeof(v));
	v[4] = U; v[5] = 4; v[7] = 16;
	pkt_init(&p, 1);
	o = add(&p, U, 2, sizeof(v), v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o] & M, M);
	assert_int_equal(p.b[o + 8] & M, M);
	assert_int_equal(r.malformed, 1);

	/* a truncated sub-TLV header: 2 octets after the ports */
	pkt_init(&p, 1);
	o = add(&p, U, 2, 6, NULL);
	p.b[o + 8] = U;
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o] & M, M);
	assert_memory_equal(p.b + o + 8, orig.b + o + 8, 2);
	assert_int_equal(r.malformed, 1);
}

static void test_timestamp_info(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	pkt_init(&p, 1);
	o = add(&p, U, 3, 4, NULL);
	env_v4(&e);
	e.sync_in = 2;
	e.method_in = 1;
	e.sync_out = 1;
	e.method_out = 2;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(p.b[o + 4], 2);
	assert_int_equal(p.b[o + 5], 1);
	assert_int_equal(p.b[o + 6], 1);
	assert_int_equal(p.b[o + 7], 2);
}

static void test_cos(void **state)
{
	uint8_t v[4] = { 10 << 2, 0, 0xaa, 0xbb };	/* DSCP1 = 10 */
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;
	uint16_t w;

	pkt_init(&p, 1);
	o = add(&p, U, 4, 4, v);
	env_v4(&e);
	e.dscp = 46;
	e.ecn = 2;
	reflect(&p, &e, &r);
	w = be16(p.b + o + 4);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(w >> 10, 10);
	assert_int_equal((w >> 4) & 0x3f, 46);
	assert_int_equal((w >> 2) & 3, 2);
	assert_int_equal(w & 3, 0);
	assert_int_equal(p.b[o + 6], 0xaa);	/* reserved: as sent */
	assert_true(r.set_dscp);
	assert_int_equal(r.dscp, 10);

	/* policy says no: RP = 1, the reply's DSCP untouched */
	pkt_init(&p, 1);
	o = add(&p, U, 4, 4, v);
	e.cos_allowed = false;
	reflect(&p, &e, &r);
	w = be16(p.b + o + 4);
	assert_int_equal(w & 3, 1);
	assert_int_equal((w >> 4) & 0x3f, 46);
	assert_false(r.set_dscp);
}

static void test_direct_measurement(void **state)
{
	uint8_t v[12] = { 0, 0, 0, 9 };	/* S_TxC 9 */
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	pkt_init(&p, 1);
	o = add(&p, U, 5, 12, v);
	env_v4(&e);
	e.have_counters = true;
	e.rx_count = 8;
	e.tx_count = 7;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(be32(p.b + o + 4), 9);
	assert_int_equal(be32(p.b + o + 8), 8);
	assert_int_equal(be32(p.b + o + 12), 7);

	/* no session, no counters: U, copied */
	pkt_init(&p, 1);
	o = add(&p, U, 5, 12, v);
	e.have_counters = false;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(be32(p.b + o + 8), 0);
}

static void test_access_report(void **state)
{
	uint8_t v[4] = { 0x10, 1, 0, 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	pkt_init(&p, 1);
	o = add(&p, U, 6, 4, v);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_memory_equal(p.b + o + 4, v, 4);
	assert_true(r.access_report);
	assert_int_equal(r.ar_id, 1);
	assert_int_equal(r.ar_code, 1);

	/* non-3GPP */
	v[0] = 0x2f;	/* ID 2, Resv ignored on receipt */
	pkt_init(&p, 1);
	o = add(&p, U, 6, 4, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_true(r.access_report);
	assert_int_equal(r.ar_id, 2);

	/* Access IDs other than 1 and 2 are invalid: discarded (4.6) */
	v[0] = 0x30;
	pkt_init(&p, 1);
	o = add(&p, U, 6, 4, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_memory_equal(p.b + o + 4, v, 4);
	assert_false(r.access_report);
	v[0] = 0;
	pkt_init(&p, 1);
	o = add(&p, U, 6, 4, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_false(r.access_report);
}

static void test_follow_up(void **state)
{
	uint8_t v[16];
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	memset(v, 0x5a, sizeof(v));
	pkt_init(&p, 1);
	o = add(&p, U, 7, 16, v);
	env_v4(&e);
	e.have_prev = true;
	e.prev_seq = 41;
	e.prev_t3 = 0x0102030405060708ULL;
	e.prev_method = 2;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(be32(p.b + o + 4), 41);
	assert_int_equal(be32(p.b + o + 8), 0x01020304);
	assert_int_equal(be32(p.b + o + 12), 0x05060708);
	assert_int_equal(p.b[o + 16], 2);
	assert_int_equal(p.b[o + 17] | p.b[o + 18] | p.b[o + 19], 0);

	/* stateless: zeroed */
	pkt_init(&p, 1);
	o = add(&p, U, 7, 16, v);
	e.have_prev = false;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	memset(v, 0, sizeof(v));
	assert_memory_equal(p.b + o + 4, v, 16);
}

/*
 * A Follow-Up Telemetry TLV of the wrong length: M, and its Sequence
 * Number and Follow-Up Timestamp zeroed (RFC 8972 4.7, erratum 8339),
 * the rest as received.
 */
static void test_follow_up_bad_length(void **state)
{
	uint8_t v[20], ts[4] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o, b;

	memset(v, 0x5a, sizeof(v));
	pkt_init(&p, 1);
	o = add(&p, U, 7, 20, v);
	b = add(&p, U, 3, 4, ts);
	env_v4(&e);
	e.have_prev = true;
	e.prev_seq = 41;
	e.prev_t3 = 99;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(be32(p.b + o + 4) | be32(p.b + o + 8) |
			 be32(p.b + o + 12), 0);
	assert_memory_equal(p.b + o + 16, v + 12, 8);
	assert_int_equal(p.b[b], U);	/* stopped */
	assert_int_equal(r.malformed, 1);

	/* shorter than its fields: what is there, zeroed */
	pkt_init(&p, 1);
	o = add(&p, U, 7, 6, v);
	b = add(&p, U, 1, 4, "pppp");
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(be32(p.b + o + 4) | be16(p.b + o + 8), 0);
	assert_memory_equal(p.b + b + 4, "pppp", 4);

	/* running past the packet: up to its end */
	pkt_init(&p, 1);
	o = add(&p, U, 7, 8, v);
	p.b[o + 3] = 16;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(be32(p.b + o + 4) | be32(p.b + o + 8), 0);
	assert_int_equal(p.b[o + 12], 0);	/* past the end: untouched */
}

/* Flags a Session-Sender must not set are not echoed (RFC 8972 4). */
static void test_flags_cleared(void **state)
{
	uint8_t ts[4] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t a, b;

	pkt_init(&p, 1);
	a = add(&p, U | M | I | 0x1f, 3, 4, ts);
	b = add(&p, M | I | 0x10, 250, 4, ts);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], 0);
	assert_int_equal(p.b[b], U);
	assert_int_equal(r.malformed, 0);
}

static void test_hmac_ok(void **state)
{
	uint8_t seq_req[4] = { 0, 0, 0, 5 }, seq_rep[4] = { 0, 0, 0, 1 };
	uint8_t want[16], ms[4] = { 0, 3, 0, 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t m, h, pad;

	/* the sender's packet: Seq 5, a Micro-session ID, HMAC, padding */
	pkt_init(&p, 5);
	m = add(&p, U, 11, 4, ms);
	h = add(&p, U, 8, 16, NULL);
	pad = add(&p, U, 1, 8, "padding!");
	ref_hmac(&p, seq_req, h, want);
	memcpy(p.b + h + 4, want, 16);
	/* the reply's Seq (stateful reflector): 1 */
	memcpy(p.b, seq_rep, 4);
	env_v4(&e);
	env_key(&e, 5);
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[m], 0);
	assert_int_equal(be16(p.b + m + 6), 77);
	assert_int_equal(p.b[h], 0);
	assert_int_equal(p.b[pad], 0);
	/* the reply's HMAC: over its own Seq and its answered TLVs */
	ref_hmac(&p, seq_rep, h, want);
	assert_memory_equal(p.b + h + 4, want, 16);
	assert_int_equal(r.count[8], 1);

	/* the sender side agrees */
	assert_int_equal(stamp_tlv_hmac_verify(p.b, p.len, BASE, NULL,
					       stamp_auth_tlv_hmac, &akey), 0);
	p.b[m + 4] ^= 1;
	assert_int_equal(stamp_tlv_hmac_verify(p.b, p.len, BASE, NULL,
					       stamp_auth_tlv_hmac, &akey),
			 -EBADMSG);
}

static void test_hmac_bad(void **state)
{
	uint8_t seq[4] = { 0, 0, 0, 5 }, want[16];
	uint8_t rp[8] = { U, 1, 0, 4, 0, 0, 0, 0 };	/* no reply, please */
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t a, b, h;

	pkt_init(&p, 5);
	a = add(&p, U, 10, sizeof(rp), rp);
	b = add(&p, U, 200, 2, "xx");
	h = add(&p, U, 8, 16, NULL);
	ref_hmac(&p, seq, h, want);
	want[0] ^= 0x80;	/* a forged packet */
	memcpy(p.b + h + 4, want, 16);
	env_v4(&e);
	env_key(&e, 5);
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[a] & I, I);
	assert_int_equal(p.b[b] & I, I);
	assert_int_equal(p.b[h] & I, I);
	assert_false(r.no_reply);	/* nothing a forged TLV asks is done */
	/* still signed, so the sender can believe the I flags */
	ref_hmac(&p, seq, h, want);
	assert_memory_equal(p.b + h + 4, want, 16);
}

/*
 * An HMAC TLV followed by anything but Extra Padding: an HMAC verification
 * failure (RFC 8972 4.8), not a malformed TLV. Nothing is done, I on all.
 */
static void test_hmac_not_last(void **state)
{
	uint8_t cos[4] = { 10 << 2 }, seq[4] = { 0, 0, 0, 5 }, want[16];
	uint8_t rp[8] = { U, 1, 0, 4, 0, 0, 0, 0 };	/* no reply, please */
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t h, c, a, pad;

	/* a good digest, in the wrong place */
	pkt_init(&p, 5);
	h = add(&p, U, 8, 16, NULL);
	c = add(&p, U, 4, 4, cos);
	a = add(&p, U, 10, 8, rp);
	ref_hmac(&p, seq, h, want);
	memcpy(p.b + h + 4, want, 16);
	env_v4(&e);
	env_key(&e, 5);
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[h], I);
	assert_int_equal(p.b[c], U | I);
	assert_int_equal(p.b[a], U | I);
	assert_int_equal(be16(p.b + c + 4), 10 << 10);	/* not answered */
	assert_false(r.set_dscp);
	assert_false(r.no_reply);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(stamp_tlv_hmac_find(p.b, p.len, BASE, &h), -EINVAL);

	/* Extra Padding after it is fine */
	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	h = add(&p, U, 8, 16, NULL);
	pad = add(&p, U, 1, 3, "pad");
	ref_hmac(&p, seq, h, want);
	memcpy(p.b + h + 4, want, 16);
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[c], 0);
	assert_int_equal(p.b[h], 0);
	assert_int_equal(p.b[pad], 0);
	assert_true(r.set_dscp);

	/* a second HMAC TLV is not last either */
	pkt_init(&p, 5);
	h = add(&p, U, 8, 16, NULL);
	add(&p, U, 8, 16, NULL);
	ref_hmac(&p, seq, h, want);
	memcpy(p.b + h + 4, want, 16);
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);

	/* without a key the HMAC TLV is just not supported: U, go on */
	pkt_init(&p, 5);
	h = add(&p, U, 8, 16, NULL);
	c = add(&p, U, 4, 4, cos);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[h], U);
	assert_int_equal(p.b[c], 0);
	assert_true(r.set_dscp);
}

/* Authenticated mode: TLVs must come with an HMAC TLV (RFC 8972 4.8). */
static void test_hmac_missing_auth(void **state)
{
	uint8_t cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t c, pad;

	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	env_v4(&e);
	env_key(&e, 5);
	e.auth = true;
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[c], U | I);
	assert_false(r.set_dscp);

	/* the sole exception: Extra Padding alone */
	pkt_init(&p, 5);
	pad = add(&p, U, 1, 8, "padding!");
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[pad], 0);

	/* unauthenticated mode, a key but no HMAC TLV: nothing to check */
	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	e.auth = false;
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[c], 0);
}

static void test_hmac_no_key(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t h;

	pkt_init(&p, 5);
	h = add(&p, U, 8, 16, NULL);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[h], U);
	assert_false(r.integrity_failed);
}

static void test_dest_node(void **state)
{
	uint8_t mine[4] = { 192, 0, 2, 2 }, other[4] = { 198, 51, 100, 7 };
	uint8_t v6[16] = { 0x20, 1 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t a, b, c;

	pkt_init(&p, 1);
	a = add(&p, U, 9, 4, mine);
	b = add(&p, U, 9, 4, other);
	c = add(&p, U, 9, 16, v6);	/* an IPv6 address in an IPv4 test */
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], 0);
	assert_int_equal(p.b[b], U);
	assert_int_equal(p.b[c], U);
	assert_int_equal(r.count[9], 3);
}

static void test_return_path(void **state)
{
	uint8_t same[8] = { U, 1, 0, 4, 0, 0, 0, 1 };
	uint8_t none[8] = { U, 1, 0, 4, 0, 0, 0, 0 };
	uint8_t addr[8] = { U, 2, 0, 4, 203, 0, 113, 9 };
	uint8_t mpls[8] = { U, 3, 0, 4, 0, 1, 0x01, 0xff };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	env_v4(&e);
	pkt_init(&p, 1);
	o = add(&p, U, 10, 8, same);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(p.b[o + 4], 0);
	assert_true(r.same_link);
	assert_false(r.no_reply);

	pkt_init(&p, 1);
	o = add(&p, U, 10, 8, none);
	reflect(&p, &e, &r);
	assert_true(r.no_reply);

	/* a return address: only when the operator allows it */
	pkt_init(&p, 1);
	o = add(&p, U, 10, 8, addr);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(p.b[o + 4], U);
	assert_false(r.return_addr);
	pkt_init(&p, 1);
	o = add(&p, U, 10, 8, addr);
	e.allow_return_addr = true;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_true(r.return_addr);
	assert_int_equal(r.ret_family, 4);
	assert_memory_equal(r.ret_addr, addr + 4, 4);

	/* SR-MPLS: not supported here */
	pkt_init(&p, 1);
	o = add(&p, U, 10, 8, mpls);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(p.b[o + 4], U);

	/* a Control Code: every other sub-TLV ignored (RFC 9503 4.1.1) */
	{
		uint8_t cc_ra[16] = { U, 1, 0, 4, 0, 0, 0, 0,
				      U, 2, 0, 4, 203, 0, 113, 9 };
		uint8_t mpls_cc[16] = { U, 3, 0, 4, 0, 1, 0x01, 0xff,
					U, 1, 0, 4, 0xff, 0xff, 0xff, 0xff };

		pkt_init(&p, 1);
		o = add(&p, U, 10, 16, cc_ra);
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], 0);
		assert_int_equal(p.b[o + 4], 0);
		assert_int_equal(p.b[o + 12], U);	/* as sent */
		assert_true(r.no_reply);
		assert_false(r.return_addr);

		/* reserved Control Code bits ignored: bit 31 alone counts */
		pkt_init(&p, 1);
		o = add(&p, U, 10, 16, mpls_cc);
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], 0);
		assert_int_equal(p.b[o + 4], U);	/* ignored, as sent */
		assert_int_equal(p.b[o + 12], 0);
		assert_true(r.same_link);
		assert_false(r.no_reply);
	}

	/* a Return Address with an SR path: not half honored */
	{
		uint8_t ra_mpls[16] = { U, 2, 0, 4, 203, 0, 113, 9,
					U, 3, 0, 4, 0, 1, 0x01, 0xff };

		pkt_init(&p, 1);
		o = add(&p, U, 10, 16, ra_mpls);
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], U);
		assert_int_equal(p.b[o + 12], U);
		assert_false(r.return_addr);
	}

	/* a bad Control Code length: M */
	pkt_init(&p, 1);
	same[3] = 3;
	o = add(&p, U, 10, 8, same);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o] & M, M);
	assert_false(r.same_link);
	assert_int_equal(r.malformed, 1);
}

static void test_return_path_duplicated(void **state)
{
	uint8_t same[8] = { U, 1, 0, 4, 0, 0, 0, 1 };
	uint8_t none[8] = { U, 1, 0, 4, 0, 0, 0, 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t a, b;

	pkt_init(&p, 1);
	a = add(&p, U, 10, 8, same);
	b = add(&p, U, 10, 8, none);
	env_v4(&e);
	reflect(&p, &e, &r);
	/* only the first counts; the second is returned unanswered */
	assert_int_equal(p.b[a], 0);
	assert_int_equal(p.b[b], U);
	assert_int_equal(p.b[b + 4], U);
	assert_true(r.same_link);
	assert_false(r.no_reply);
	assert_int_equal(r.count[10], 2);
}

static void test_micro_session(void **state)
{
	uint8_t zero[4] = { 0, 9, 0, 0 }, mine[4] = { 0, 9, 0, 77 };
	uint8_t other[4] = { 0, 9, 0, 78 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	env_v4(&e);
	pkt_init(&p, 1);
	o = add(&p, U, 11, 4, zero);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(be16(p.b + o + 4), 9);
	assert_int_equal(be16(p.b + o + 6), 77);
	assert_false(r.drop);

	pkt_init(&p, 1);
	add(&p, U, 11, 4, mine);
	reflect(&p, &e, &r);
	assert_false(r.drop);

	pkt_init(&p, 1);
	add(&p, U, 11, 4, other);
	reflect(&p, &e, &r);
	assert_true(r.drop);

	/* no member-id configured: U, as sent, and nothing dropped */
	e.member_id = 0;
	pkt_init(&p, 1);
	o = add(&p, U, 11, 4, other);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_memory_equal(p.b + o + 4, other, 4);
	assert_false(r.drop);
}

/* --- the walk's failures, on the reflector -------------------------- */

static void test_unknown_copied(void **state)
{
	uint8_t v[5] = { 1, 2, 3, 4, 5 }, ts[4] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t a, b;

	pkt_init(&p, 1);
	a = add(&p, U, 240, 5, v);
	b = add(&p, U, 3, 4, ts);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], U);
	assert_memory_equal(p.b + a + 4, v, 5);
	/* processing goes on after an unknown type */
	assert_int_equal(p.b[b], 0);
	assert_int_equal(p.b[b + 4], 1);
	assert_int_equal(r.count[0], 1);
	assert_int_equal(r.count[3], 1);
}

static void test_zero_length(void **state)
{
	uint8_t ts[4] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t a, b;

	pkt_init(&p, 1);
	a = add(&p, U, 4, 0, NULL);	/* Class of Service needs 4 */
	b = add(&p, U, 3, 4, ts);
	orig = p;
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], U | M);
	/* stopped: the rest as received */
	assert_memory_equal(p.b + b, orig.b + b, 8);
	assert_false(r.set_dscp);
	assert_int_equal(r.malformed, 1);
}

static void test_overrun(void **state)
{
	uint8_t ts[4] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t a, b;

	pkt_init(&p, 1);
	a = add(&p, U, 3, 4, ts);
	b = add(&p, U, 1, 4, "pppp");
	p.b[b + 3] = 200;	/* runs past the end */
	orig = p;
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], 0);	/* before it: answered */
	assert_int_equal(p.b[b], U | M);
	assert_memory_equal(p.b + b + 1, orig.b + b + 1, p.len - b - 1);
	assert_int_equal(r.malformed, 1);
}

static void test_truncated_header(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t a;

	pkt_init(&p, 1);
	a = add(&p, U, 1, 0, NULL);
	p.b[p.len] = U;
	p.b[p.len + 1] = 3;
	p.len += 2;
	orig = p;
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], 0);
	assert_memory_equal(p.b + a + 4, orig.b + a + 4, 2);
	assert_int_equal(r.malformed, 1);
}

static void test_zero_padding_untouched(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;

	pkt_init(&p, 1);
	p.len = 200;
	orig = p;
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_memory_equal(p.b, orig.b, p.len);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(r.count[0], 0);
}

/* --- the sender's side ----------------------------------------------- */

static void test_sender_roundtrip(void **state)
{
	struct stamp_tlv_info info;
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	int off;

	pkt_init(&p, 3);
	off = stamp_tlv_put(p.b, sizeof(p.b), BASE, 3, 4);
	assert_int_equal(off, BASE + 8);
	assert_int_equal(p.b[BASE], U);
	off = stamp_tlv_put(p.b, sizeof(p.b), off, 4, 4);
	p.b[off - 4] = 12 << 2;		/* DSCP1 12 */
	off = stamp_tlv_put(p.b, sizeof(p.b), off, 5, 12);
	p.b[off - 9] = 3;		/* S_TxC 3 */
	off = stamp_tlv_put(p.b, sizeof(p.b), off, 7, 16);
	off = stamp_tlv_put(p.b, sizeof(p.b), off, 8, 16);
	p.len = off;
	assert_int_equal(stamp_tlv_hmac_sign(p.b, p.len, BASE,
					     stamp_auth_tlv_hmac, &akey), 0);
	assert_int_equal(stamp_tlv_put(p.b, off + 3, off, 1, 0), -ENOSPC);

	env_v4(&e);
	env_key(&e, 3);
	e.have_counters = true;
	e.rx_count = 2;
	e.tx_count = 1;
	e.have_prev = true;
	e.prev_seq = 2;
	e.prev_t3 = 99;
	e.prev_method = 2;
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);

	assert_int_equal(stamp_tlv_decode(p.b, p.len, BASE, &info), 5);
	assert_int_equal(info.present, 1 << 3 | 1 << 4 | 1 << 5 | 1 << 7 |
			 1 << 8);
	assert_int_equal(info.unknown, 0);
	assert_false(info.malformed);
	assert_int_equal(info.sync_in, 1);
	assert_int_equal(info.sync_out, 5);
	assert_int_equal(info.cos_dscp1, 12);
	assert_int_equal(info.cos_dscp2, 46);
	assert_int_equal(info.cos_ecn, 1);
	assert_int_equal(info.dm_s_txc, 3);
	assert_int_equal(info.dm_r_rxc, 2);
	assert_int_equal(info.dm_r_txc, 1);
	assert_int_equal(info.fu_seq, 2);
	assert_int_equal(info.fu_ts, 99);
	assert_int_equal(info.fu_method, 2);
	assert_int_equal(stamp_tlv_hmac_verify(p.b, p.len, BASE, NULL,
					       stamp_auth_tlv_hmac, &akey), 0);
}

/* the sender's side of RFC 8972 section 4: U skipped, M stops, I discards */
static void test_decode_flags(void **state)
{
	uint8_t ts[4] = { 1, 2, 5, 2 }, ms[4] = { 0, 9, 0, 7 };
	struct stamp_tlv_info info;
	struct pkt p;

	pkt_init(&p, 3);
	add(&p, U, 240, 0, NULL);
	add(&p, U, 9, 4, "abcd");
	add(&p, 0, 3, 4, ts);
	add(&p, M, 4, 0, NULL);
	add(&p, 0, 11, 4, ms);		/* after M: not read */
	assert_int_equal(stamp_tlv_decode(p.b, p.len, BASE, &info), 4);
	assert_true(info.other_unknown);
	assert_int_equal(info.unknown, 1 | 1 << 9);
	assert_true(info.malformed);
	assert_int_equal(info.present, 1 << 3 | 1 << 4 | 1 << 9);
	assert_int_equal(info.sync_in, 1);	/* before M: read */
	assert_int_equal(info.sync_out, 5);
	assert_int_equal(info.ms_reflector, 0);

	/* I on any TLV: no field of any is believed */
	pkt_init(&p, 3);
	add(&p, 0, 3, 4, ts);
	add(&p, I, 11, 4, ms);
	assert_int_equal(stamp_tlv_decode(p.b, p.len, BASE, &info), 2);
	assert_int_equal(info.integrity, 1 << 11);
	assert_int_equal(info.present, 1 << 3 | 1 << 11);
	assert_int_equal(info.sync_in, 0);
	assert_int_equal(info.ms_reflector, 0);
	assert_int_equal(info.ms_sender, 0);

	p.b[p.len++] = 1;
	assert_int_equal(stamp_tlv_decode(p.b, p.len, BASE, &info), -EINVAL);
	assert_true(info.walk_error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_len_rules),
		cmocka_unit_test(test_extra_padding),
		cmocka_unit_test(test_location_v4),
		cmocka_unit_test(test_location_v6_no_mac),
		cmocka_unit_test(test_location_malformed),
		cmocka_unit_test(test_timestamp_info),
		cmocka_unit_test(test_cos),
		cmocka_unit_test(test_direct_measurement),
		cmocka_unit_test(test_access_report),
		cmocka_unit_test(test_follow_up),
		cmocka_unit_test(test_follow_up_bad_length),
		cmocka_unit_test(test_flags_cleared),
		cmocka_unit_test(test_hmac_ok),
		cmocka_unit_test(test_hmac_bad),
		cmocka_unit_test(test_hmac_not_last),
		cmocka_unit_test(test_hmac_missing_auth),
		cmocka_unit_test(test_hmac_no_key),
		cmocka_unit_test(test_dest_node),
		cmocka_unit_test(test_return_path),
		cmocka_unit_test(test_return_path_duplicated),
		cmocka_unit_test(test_micro_session),
		cmocka_unit_test(test_unknown_copied),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_overrun),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_zero_padding_untouched),
		cmocka_unit_test(test_sender_roundtrip),
		cmocka_unit_test(test_decode_flags),
	};

	return cmocka_run_group_tests_name("tlv", tests, NULL, NULL);
}
