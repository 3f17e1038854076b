// SPDX-License-Identifier: GPL-2.0
/*
 * The shared TLV codec (lib/tlv*.c), as the module runs it on a reply and
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

#include <nettle/hmac.h>
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

static struct stamp_auth_key akey;	/* key, set up in main() */

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
	struct hmac_sha256_ctx c;

	memcpy(text, seq, 4);
	memcpy(text + 4, p->b + BASE, hoff - BASE);
	hmac_sha256_set_key(&c, sizeof(key), key);
	hmac_sha256_update(&c, 4 + hoff - BASE, text);
	hmac_sha256_digest(&c, sizeof(mac), mac);
	memcpy(out, mac, 16);
}

/*
 * The codec runs on an exact-size copy of the packet, so that a write or
 * read one octet past its end is an ASan (or valgrind) error, not a change
 * to zeros nobody looks at.
 */
static void reflect(struct pkt *p, const struct stamp_tlv_env *e,
		    struct stamp_tlv_result *r)
{
	uint8_t *b = malloc(p->len ? p->len : 1);

	assert_non_null(b);
	memcpy(b, p->b, p->len);
	memset(r, 0xa5, sizeof(*r));
	assert_int_equal(stamp_tlv_reflect(b, p->len, BASE, e, r), 0);
	memcpy(p->b, b, p->len);
	free(b);
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
		{ 3, 4, true }, { 3, 0, false }, { 3, 8, true }, { 3, 6, false },
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
	assert_int_equal(p.b[o + 6], 0);	/* reserved: zeroed (4.4) */
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

	/* without a key the HMAC TLV vouches for nothing: nothing done */
	pkt_init(&p, 5);
	h = add(&p, U, 8, 16, NULL);
	c = add(&p, U, 4, 4, cos);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[h], U | I);
	assert_int_equal(p.b[c], U | I);
	assert_false(r.set_dscp);
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

/* --- issue 21: boundaries, error paths and flags under mutation ------ */

/* The HMAC callback, failing on the calls whose bit is set in fail. */
struct flaky {
	unsigned int calls;
	unsigned int fail;
};

static int flaky_hmac(void *priv, const uint8_t *seq, const uint8_t *tlvs,
		      size_t tlen, uint8_t *out)
{
	struct flaky *f = priv;
	unsigned int n = f->calls++;

	if (f->fail & 1U << n)
		return -EIO;
	return stamp_auth_tlv_hmac(&akey, seq, tlvs, tlen, out);
}

static uint8_t *exact_copy(const struct pkt *p)
{
	uint8_t *b = malloc(p->len ? p->len : 1);

	assert_non_null(b);
	memcpy(b, p->b, p->len);
	return b;
}

static int verify_exact(const struct pkt *p, const uint8_t *seq,
			stamp_tlv_hmac_fn fn, void *priv)
{
	uint8_t *b = exact_copy(p);
	int ret = stamp_tlv_hmac_verify(b, p->len, BASE, seq, fn, priv);

	assert_memory_equal(b, p->b, p->len);	/* read only */
	free(b);
	return ret;
}

static int sign_exact(struct pkt *p, stamp_tlv_hmac_fn fn, void *priv)
{
	uint8_t *b = exact_copy(p);
	int ret = stamp_tlv_hmac_sign(b, p->len, BASE, fn, priv);

	memcpy(p->b, b, p->len);
	free(b);
	return ret;
}

static int find_exact(const struct pkt *p, size_t *off)
{
	uint8_t *b = exact_copy(p);
	int ret = stamp_tlv_hmac_find(b, p->len, BASE, off);

	free(b);
	return ret;
}

/* the sender decodes exactly @p->len octets into a struct full of junk */
static int decode_exact(const struct pkt *p, struct stamp_tlv_info *info)
{
	uint8_t *b = exact_copy(p);
	int ret;

	memset(info, 0xa5, sizeof(*info));
	ret = stamp_tlv_decode(b, p->len, BASE, info);
	free(b);
	return ret;
}

/* Seq 5, a Micro-session ID TLV, then an HMAC TLV signed by ref_hmac() */
static size_t signed_pkt(struct pkt *p, size_t *ms)
{
	static const uint8_t seq[4] = { 0, 0, 0, 5 }, v[4] = { 0, 3, 0, 0 };
	size_t h, m;

	pkt_init(p, 5);
	m = add(p, U, 11, 4, v);
	h = add(p, U, 8, 16, NULL);
	ref_hmac(p, seq, h, p->b + h + 4);
	if (ms)
		*ms = m;
	return h;
}

/* Every way the sender's HMAC TLV check can fail is an error, never 0. */
static void test_i21_hmac_verify_errors(void **state)
{
	static const uint8_t seq5[4] = { 0, 0, 0, 5 };
	struct flaky f = { 0 };
	struct pkt p, q;
	size_t h, off;
	int i;

	h = signed_pkt(&p, NULL);
	assert_int_equal(verify_exact(&p, NULL, stamp_auth_tlv_hmac, &akey), 0);
	assert_int_equal(find_exact(&p, &off), 0);
	assert_int_equal(off, h);

	/* each octet of the digest counts, the first and the last too */
	for (i = 0; i < 16; i++) {
		q = p;
		q.b[h + 4 + i] ^= 1;
		assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac,
					      &akey), -EBADMSG);
	}

	/* a reply whose HMAC TLV was stripped is not verified */
	q = p;
	q.len = h;
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -ENOENT);
	assert_int_equal(find_exact(&q, &off), -ENOENT);
	/* nor one whose HMAC TLV became Extra Padding */
	q = p;
	q.b[h + 1] = 1;
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -ENOENT);
	/* no TLVs at all */
	pkt_init(&q, 5);
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -ENOENT);

	/* the Seq it covers: the packet's own unless told otherwise */
	q = p;
	q.b[3] = 6;
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -EBADMSG);
	assert_int_equal(verify_exact(&q, seq5, stamp_auth_tlv_hmac, &akey),
			 0);
	assert_int_equal(verify_exact(&p, q.b, stamp_auth_tlv_hmac, &akey),
			 -EBADMSG);

	/* an HMAC TLV of the wrong length (the walk itself is fine) */
	pkt_init(&q, 5);
	add(&q, U, 8, 12, NULL);
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -EINVAL);
	pkt_init(&q, 5);
	add(&q, U, 8, 17, NULL);
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -EINVAL);

	/* not last: a TLV other than Extra Padding after it */
	q = p;
	add(&q, U, 3, 4, NULL);
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -EINVAL);
	assert_int_equal(find_exact(&q, &off), -EINVAL);
	q = p;
	add(&q, U, 1, 2, "pp");
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 0);
	assert_int_equal(find_exact(&q, &off), 0);
	assert_int_equal(off, h);

	/* TLVs that do not parse: a header cut short, a length overrun */
	q = p;
	q.b[q.len++] = U;
	q.b[q.len++] = 1;
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -EINVAL);
	q = p;
	q.b[h + 3] = 17;
	assert_int_equal(verify_exact(&q, NULL, stamp_auth_tlv_hmac, &akey),
			 -EINVAL);
	assert_int_equal(find_exact(&q, &off), -EINVAL);

	/* the digest's own error, passed on; never called after a bad find */
	f.fail = 1;
	assert_int_equal(verify_exact(&p, NULL, flaky_hmac, &f), -EIO);
	assert_int_equal(f.calls, 1);
	q.len = h;
	assert_int_equal(verify_exact(&q, NULL, flaky_hmac, &f), -ENOENT);
	assert_int_equal(f.calls, 1);
}

static void test_i21_hmac_sign_errors(void **state)
{
	static const uint8_t seq5[4] = { 0, 0, 0, 5 };
	struct flaky f = { 0 };
	uint8_t want[16];
	struct pkt p, q, orig;
	size_t h;

	/* signed in place: the digest and nothing else */
	h = signed_pkt(&p, NULL);
	memcpy(want, p.b + h + 4, 16);
	memset(p.b + h + 4, 0x5a, 16);
	orig = p;
	assert_int_equal(sign_exact(&p, stamp_auth_tlv_hmac, &akey), 0);
	assert_memory_equal(p.b + h + 4, want, 16);
	assert_memory_equal(p.b, orig.b, h + 4);
	ref_hmac(&p, seq5, h, want);
	assert_memory_equal(p.b + h + 4, want, 16);

	/* nothing to sign, or TLVs that do not parse: an error, untouched */
	q = orig;
	q.len = h;
	assert_int_equal(sign_exact(&q, stamp_auth_tlv_hmac, &akey), -ENOENT);
	assert_memory_equal(q.b, orig.b, q.len);
	q = orig;
	add(&q, U, 4, 4, NULL);
	assert_int_equal(sign_exact(&q, stamp_auth_tlv_hmac, &akey), -EINVAL);
	assert_memory_equal(q.b + h, orig.b + h, 20);
	q = orig;
	q.b[h + 3] = 15;
	q.len--;
	assert_int_equal(sign_exact(&q, stamp_auth_tlv_hmac, &akey), -EINVAL);

	/* the digest's failure is the caller's to see */
	f.fail = 1;
	q = orig;
	assert_int_equal(sign_exact(&q, flaky_hmac, &f), -EIO);
	assert_int_equal(f.calls, 1);
}

/* The reflector's HMAC TLV paths, each failure of the digest included. */
static void test_i21_reflect_hmac_paths(void **state)
{
	static const uint8_t seq1[4] = { 0, 0, 0, 1 };
	uint8_t want[16], cos[4] = { 10 << 2 }, bad[4] = { 0 };
	struct flaky f = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t h, m, c, b;

	env_v4(&e);
	env_key(&e, 5);
	e.hmac = flaky_hmac;
	e.priv = &f;

	/* both digests fine: verified, answered, signed over the reply */
	h = signed_pkt(&p, &m);
	p.b[3] = 1;
	reflect(&p, &e, &r);
	assert_int_equal(f.calls, 2);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[m], 0);
	assert_int_equal(p.b[h], 0);
	ref_hmac(&p, seq1, h, want);
	assert_memory_equal(p.b + h + 4, want, 16);
	assert_int_equal(r.count[8], 1);
	assert_int_equal(r.count[11], 1);

	/* the request's digest cannot be computed: not verified, I */
	f.calls = 0;
	f.fail = 1;
	h = signed_pkt(&p, &m);
	p.b[3] = 1;
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[m], U | I);
	assert_int_equal(p.b[h], I);
	assert_int_equal(be16(p.b + m + 6), 0);		/* not answered */
	ref_hmac(&p, seq1, h, want);
	assert_memory_equal(p.b + h + 4, want, 16);

	/* the reply's cannot: U on the HMAC TLV, its octets as received */
	f.calls = 0;
	f.fail = 2;
	h = signed_pkt(&p, &m);
	orig = p;
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[m], 0);
	assert_int_equal(p.b[h], U);
	assert_memory_equal(p.b + h + 1, orig.b + h + 1, 19);

	/* neither */
	f.calls = 0;
	f.fail = 3;
	h = signed_pkt(&p, &m);
	orig = p;
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[m], U | I);
	assert_int_equal(p.b[h], U);
	assert_memory_equal(p.b + h + 1, orig.b + h + 1, 19);

	/* a malformed TLV before it: the HMAC TLV is left as received */
	f.calls = 0;
	f.fail = 0;
	pkt_init(&p, 5);
	b = add(&p, U, 2, 8, "\0\0\0\0\x80\x01\0\x09");	/* sub overrun */
	h = add(&p, U, 8, 16, NULL);
	ref_hmac(&p, (const uint8_t *)"\0\0\0\5", h, p.b + h + 4);
	orig = p;
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_int_equal(f.calls, 1);
	assert_int_equal(p.b[b] & M, M);
	assert_memory_equal(p.b + h, orig.b + h, 20);

	/* no HMAC TLV, a key, unauthenticated mode: no digest computed */
	f.calls = 0;
	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	reflect(&p, &e, &r);
	assert_int_equal(f.calls, 0);
	assert_false(r.integrity_failed);
	assert_int_equal(p.b[c], 0);
	/* nor with only Extra Padding */
	pkt_init(&p, 5);
	add(&p, 0, 1, 0, NULL);
	reflect(&p, &e, &r);
	assert_int_equal(f.calls, 0);

	/* a failed check with a bad-length TLV later: M and I on it; the
	 * flags the sender set are not echoed, but U stays
	 */
	pkt_init(&p, 5);
	c = add(&p, 0, 4, 4, cos);
	m = add(&p, M, 11, 4, bad);
	b = add(&p, U, 200, 0, NULL);
	h = add(&p, U, 8, 16, NULL);
	add(&p, 0, 4, 2, bad);
	memset(p.b + h + 4, 0x33, 16);		/* forged */
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[c], I);
	assert_int_equal(p.b[m], I);
	assert_int_equal(p.b[b], U | I);
	assert_int_equal(p.b[h], I);
	assert_int_equal(p.b[h + 20], M | I);
	assert_int_equal(r.count[4], 2);
	assert_int_equal(r.malformed, 1);
	assert_false(r.set_dscp);
	assert_false(r.drop);
}

/* One Location sub-TLV request and its answer. */
struct loc_case {
	uint8_t type, len;	/* requested */
	uint8_t family, mac_len;	/* the reflector's view */
	uint8_t want_type;	/* 0: malformed; 0xff: unknown, U */
};

static void test_i21_location_table(void **state)
{
	static const struct loc_case c[] = {
		{ 1, 8, 4, 6, 2 }, { 2, 8, 4, 6, 2 }, { 3, 8, 4, 6, 2 },
		{ 1, 8, 4, 8, 3 }, { 2, 8, 6, 8, 3 }, { 3, 8, 6, 0, 3 },
		{ 4, 16, 4, 6, 5 }, { 5, 16, 4, 6, 5 }, { 6, 16, 4, 6, 5 },
		{ 4, 16, 6, 6, 6 }, { 5, 16, 6, 6, 6 }, { 6, 16, 6, 6, 6 },
		{ 7, 16, 4, 6, 8 }, { 8, 16, 4, 6, 8 }, { 9, 16, 4, 6, 8 },
		{ 7, 16, 6, 6, 9 }, { 8, 16, 6, 6, 9 }, { 9, 16, 6, 6, 9 },
		{ 1, 7, 4, 6, 0 }, { 2, 9, 4, 6, 0 }, { 3, 0, 4, 6, 0 },
		{ 4, 15, 4, 6, 0 }, { 5, 17, 4, 6, 0 }, { 6, 4, 6, 6, 0 },
		{ 7, 8, 4, 6, 0 }, { 8, 15, 6, 6, 0 }, { 9, 17, 6, 6, 0 },
		{ 0, 8, 4, 6, 0xff }, { 10, 16, 4, 6, 0xff },
		{ 255, 0, 6, 6, 0xff }, { 12, 3, 4, 6, 0xff },
	};
	static const uint8_t s6[16] = { 0x20, 1, 0xd, 0xb8, [15] = 1 };
	static const uint8_t d6[16] = { 0x20, 1, 0xd, 0xb8, [15] = 2 };
	static const uint8_t flagset[] = { 0, U, M | I, U | M | I | 0x1f };
	uint8_t v[4 + 4 + 17], cos[4] = { 10 << 2 }, z[16] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t i, k, o, n, cs;
	const uint8_t *s;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (k = 0; k < sizeof(flagset); k++) {
			n = 4 + 4 + c[i].len;
			memset(v, 0xee, sizeof(v));
			v[4] = flagset[k];
			v[5] = c[i].type;
			v[6] = 0;
			v[7] = c[i].len;
			pkt_init(&p, 1);
			o = add(&p, U, 2, n, v);
			cs = add(&p, U, 4, 4, cos);
			orig = p;
			env_v4(&e);
			e.family = c[i].family;
			if (e.family == 6) {
				memcpy(e.saddr, s6, 16);
				memcpy(e.daddr, d6, 16);
			}
			e.mac_len = c[i].mac_len;
			if (e.mac_len == 8)
				memcpy(e.mac, "\1\2\3\4\5\6\7\x08", 8);
			e.sport = 40001;
			e.dport = 863;
			reflect(&p, &e, &r);
			s = p.b + o + 4;
			if (c[i].want_type == 0) {
				/* M on both, nothing after answered */
				assert_int_equal(p.b[o], U | M);
				assert_int_equal(s[4], flagset[k] | M);
				assert_int_equal(s[5], c[i].type);
				assert_memory_equal(s + 8, orig.b + o + 12,
						    c[i].len);
				assert_int_equal(p.b[cs], U);
				assert_int_equal(be16(p.b + cs + 4), 10 << 10);
				assert_int_equal(r.malformed, 1);
				assert_false(r.set_dscp);
				continue;
			}
			assert_int_equal(p.b[o], 0);
			assert_int_equal(be16(s), 863);
			assert_int_equal(be16(s + 2), 40001);
			assert_int_equal(r.malformed, 0);
			assert_int_equal(p.b[cs], 0);
			assert_true(r.set_dscp);
			if (c[i].want_type == 0xff) {
				/* unknown: U, whatever the sender set */
				assert_int_equal(s[4], U);
				assert_memory_equal(s + 5, orig.b + o + 9,
						    3 + c[i].len);
				continue;
			}
			assert_int_equal(s[4], 0);
			assert_int_equal(s[5], c[i].want_type);
			assert_int_equal(be16(s + 6), c[i].len);
			switch (c[i].want_type) {
			case 2:
				assert_memory_equal(s + 8, e.mac, 6);
				assert_memory_equal(s + 14, z, 2);
				break;
			case 3:
				assert_memory_equal(s + 8, e.mac_len ? e.mac : z,
						    8);
				break;
			case 5:
			case 8:
				assert_memory_equal(s + 8, c[i].want_type == 5 ?
						    e.daddr : e.saddr, 4);
				assert_memory_equal(s + 12, z, 12);
				break;
			default:
				assert_memory_equal(s + 8, c[i].want_type == 6 ?
						    d6 : s6, 16);
				break;
			}
		}
	}
}

/* Sub-TLV lengths at the exact edge of their Location TLV. */
static void test_i21_location_bounds(void **state)
{
	uint8_t v[4 + 4 + 8 + 4], cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t o, cs;

	env_v4(&e);
	/* exactly filling the TLV, the last in the packet: answered */
	memset(v, 0, sizeof(v));
	v[4] = U; v[5] = 1; v[7] = 8;
	pkt_init(&p, 1);
	o = add(&p, U, 2, 16, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(p.b[o + 9], 2);
	assert_memory_equal(p.b + o + 12, e.mac, 6);

	/* one octet past it, with a TLV after: M, and that TLV untouched */
	v[7] = 9;
	pkt_init(&p, 1);
	o = add(&p, U, 2, 16, v);
	cs = add(&p, U, 4, 4, cos);
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(p.b[o + 8], U | M);
	assert_memory_equal(p.b + o + 9, orig.b + o + 9, 11);
	assert_memory_equal(p.b + cs, orig.b + cs, 8);
	assert_int_equal(r.malformed, 1);
	/* the same as the packet's last TLV */
	pkt_init(&p, 1);
	o = add(&p, U, 2, 16, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(p.b[o + 8], U | M);

	/* a four-octet remainder is a header: an empty unknown sub-TLV */
	memset(v, 0, sizeof(v));
	v[5] = 1; v[7] = 8;
	v[16] = 0; v[17] = 200;
	pkt_init(&p, 1);
	o = add(&p, U, 2, 20, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(p.b[o + 8], 0);
	assert_int_equal(p.b[o + 20], U);
	assert_int_equal(p.b[o + 21], 200);
	assert_int_equal(r.malformed, 0);
	/* a three-octet one is not: M on the TLV, the octets as sent */
	pkt_init(&p, 1);
	o = add(&p, U, 2, 19, v);
	cs = add(&p, U, 4, 4, cos);
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_memory_equal(p.b + o + 20, orig.b + o + 20, 3);
	assert_memory_equal(p.b + cs, orig.b + cs, 8);
	assert_int_equal(r.malformed, 1);

	/* ports only */
	pkt_init(&p, 1);
	o = add(&p, 0, 2, 4, NULL);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(be16(p.b + o + 4), 862);
	assert_int_equal(be16(p.b + o + 6), 40000);
}

/* Return Path (RFC 9503 section 4) shapes beyond the usual ones. */
static void test_i21_return_path_cases(void **state)
{
	static const uint8_t a6[16] = { 0x20, 1, 0xd, 0xb8, [15] = 9 };
	uint8_t v[64], cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t o, cs;

	env_v4(&e);
	e.allow_return_addr = true;

	/* a 5-octet Return Address: malformed, not an address */
	memset(v, 0, sizeof(v));
	v[0] = U; v[1] = 2; v[3] = 5;
	memcpy(v + 4, "\xcb\0\x71\x09\x01", 5);
	pkt_init(&p, 1);
	o = add(&p, U, 10, 9, v);
	cs = add(&p, U, 4, 4, cos);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(p.b[o + 4], U | M);
	assert_false(r.return_addr);
	assert_int_equal(p.b[cs], U);
	assert_int_equal(r.malformed, 1);

	/* IPv6, allowed, the sender's flags not echoed */
	v[0] = U | M | I; v[3] = 16;
	memcpy(v + 4, a6, 16);
	e.family = 6;
	pkt_init(&p, 1);
	o = add(&p, U | I, 10, 20, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(p.b[o + 4], 0);
	assert_true(r.return_addr);
	assert_int_equal(r.ret_family, 6);
	assert_memory_equal(r.ret_addr, a6, 16);
	assert_false(r.no_reply);
	assert_false(r.same_link);
	/* IPv6 in an IPv4 session, and IPv4 in an IPv6 one: U */
	e.family = 4;
	v[0] = 0;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 20, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(p.b[o + 4], U);
	assert_false(r.return_addr);
	e.family = 6;
	v[3] = 4;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 8, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(p.b[o + 4], U);
	assert_false(r.return_addr);
	e.family = 4;

	/* two addresses: the first counts */
	memset(v, 0, sizeof(v));
	v[1] = 2; v[3] = 4; memcpy(v + 4, "\xcb\0\x71\x09", 4);
	v[9] = 2; v[11] = 4; memcpy(v + 12, "\xc6\x33\x64\x01", 4);
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 16, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_true(r.return_addr);
	assert_int_equal(r.ret_family, 4);
	assert_memory_equal(r.ret_addr, "\xcb\0\x71\x09", 4);
	assert_memory_equal(r.ret_addr + 4, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);

	/* two Control Codes: the first counts, either way round */
	memset(v, 0, sizeof(v));
	v[0] = U | M | I; v[1] = 1; v[3] = 4; v[7] = 1;
	v[9] = 1; v[11] = 4;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 16, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(p.b[o + 4], 0);
	assert_true(r.same_link);
	assert_false(r.no_reply);
	v[7] = 0; v[15] = 1;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 16, v);
	reflect(&p, &e, &r);
	assert_true(r.no_reply);
	assert_false(r.same_link);
	/* a 5-octet Control Code: M */
	memset(v, 0, sizeof(v));
	v[1] = 1; v[3] = 5;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 9, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], M);
	assert_int_equal(p.b[o + 4], M);
	assert_false(r.no_reply);
	assert_false(r.same_link);

	/* an SR path alone, or with an allowed address: U, not half done */
	memset(v, 0, sizeof(v));
	v[1] = 4; v[3] = 16;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 20, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(p.b[o + 4], U);
	v[20] = U | I; v[21] = 2; v[23] = 4;
	memcpy(v + 24, "\xcb\0\x71\x09", 4);
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 28, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(p.b[o + 4], U);
	assert_int_equal(p.b[o + 24], 0);
	assert_false(r.return_addr);
	assert_int_equal(r.malformed, 0);

	/* sub-TLVs that do not parse: one overrunning by an octet (M on
	 * it), a header cut short (M on the TLV only); the rest untouched
	 */
	memset(v, 0, sizeof(v));
	v[1] = 2; v[3] = 5; memcpy(v + 4, "\xcb\0\x71\x09", 4);
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 8, v);
	cs = add(&p, U, 4, 4, cos);
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], M);
	assert_int_equal(p.b[o + 4], M);
	assert_memory_equal(p.b + o + 5, orig.b + o + 5, 7);
	assert_memory_equal(p.b + cs, orig.b + cs, 8);
	assert_false(r.return_addr);
	assert_int_equal(r.malformed, 1);
	memset(v, 0, sizeof(v));
	v[1] = 1; v[3] = 4; v[7] = 1;
	v[8] = U; v[9] = 2;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 10, v);
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], M);
	assert_memory_equal(p.b + o + 4, orig.b + o + 4, 10);
	assert_false(r.same_link);
	assert_int_equal(r.malformed, 1);
	/* the same, as the last TLV of an exact-size packet */
	v[3] = 5;
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 8, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], M);
	assert_int_equal(p.b[o + 4], M);
}

/* Class of Service: DSCP2 and ECN are the request's, whatever was sent. */
static void test_i21_cos_bits(void **state)
{
	/* DSCP1 0x2a, DSCP2 0x3f, ECN 3, RP 3 */
	uint8_t v[4] = { 0x2a << 2 | 0x3, 0xff, 0, 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;
	uint16_t w;

	env_v4(&e);
	e.dscp = 0x15;
	e.ecn = 2;
	pkt_init(&p, 1);
	o = add(&p, 0, 4, 4, v);
	reflect(&p, &e, &r);
	w = be16(p.b + o + 4);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(w, 0x2a << 10 | 0x15 << 4 | 2 << 2 | 0);
	assert_true(r.set_dscp);
	assert_int_equal(r.dscp, 0x2a);

	e.cos_allowed = false;
	e.dscp = 0x3f;
	e.ecn = 3;
	v[0] = 0x3f << 2;
	v[1] = 0;
	pkt_init(&p, 1);
	o = add(&p, U | M, 4, 4, v);
	reflect(&p, &e, &r);
	w = be16(p.b + o + 4);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(w, 0x3f << 10 | 0x3f << 4 | 3 << 2 | 1);
	assert_false(r.set_dscp);
	assert_int_equal(r.dscp, 0);
}

/* What the reflector writes in each TLV's flags, whatever the sender put. */
static void test_i21_flag_writes(void **state)
{
	static const struct {
		uint8_t type, len;
		const char *val;
		uint8_t want;
	} c[] = {
		{ 1, 3, "abc", 0 },
		{ 2, 4, "\0\0\0\0", 0 },
		{ 3, 4, "\0\0\0\0", 0 },
		{ 4, 4, "\0\0\0\0", 0 },
		{ 6, 4, "\x10\x01\0\0", 0 },
		{ 6, 4, "\x30\x01\0\0", U },
		{ 7, 16, NULL, 0 },
		{ 9, 4, "\xc0\0\2\2", 0 },
		{ 9, 4, "\xc0\0\2\3", U },
		{ 10, 8, "\0\1\0\4\0\0\0\1", 0 },
		{ 11, 4, "\0\1\0\0", 0 },
		{ 12, 4, "abcd", U },
		{ 0, 0, NULL, U },
		{ 255, 1, "x", U },
	};
	static const uint8_t flagset[] = { 0, U, M, I, U | M | I | 0x1f };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t i, k, o, t;

	env_v4(&e);
	e.is_local = local_addr;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (k = 0; k < sizeof(flagset); k++) {
			pkt_init(&p, 1);
			o = add(&p, flagset[k], c[i].type, c[i].len, c[i].val);
			t = add(&p, flagset[k], 3, 4, NULL);
			orig = p;
			reflect(&p, &e, &r);
			assert_int_equal(p.b[o], c[i].want);
			assert_int_equal(p.b[t], 0);
			assert_memory_equal(p.b + o + 1, orig.b + o + 1, 3);
			assert_int_equal(r.count[c[i].type <= 11 ?
					 c[i].type : 0], c[i].type == 3 ? 2 : 1);
			assert_int_equal(r.malformed, 0);
		}
	}

	/* Destination Node Address: IPv6, and no way to tell what is local */
	{
		uint8_t a6[16] = { 0x20, 1 };

		e.family = 6;
		pkt_init(&p, 1);
		o = add(&p, 0, 9, 16, a6);
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], 0);
		pkt_init(&p, 1);
		o = add(&p, 0, 9, 4, "\xc0\0\2\2");
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], U);
		e.family = 4;
		e.is_local = NULL;
		pkt_init(&p, 1);
		o = add(&p, 0, 9, 4, "\xc0\0\2\2");
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], U);
	}
}

/* The reflector's counts, by type, of TLVs that stop the walk too. */
static void test_i21_counts(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	env_v4(&e);
	/* a bad length: counted as its type */
	pkt_init(&p, 1);
	add(&p, U, 11, 4, NULL);
	o = add(&p, U, 11, 5, NULL);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(r.count[11], 2);
	assert_int_equal(r.count[0], 0);
	assert_int_equal(r.malformed, 1);

	/* a length past the packet: a known type, then an unknown one */
	pkt_init(&p, 1);
	o = add(&p, U, 11, 4, NULL);
	p.b[o + 3] = 5;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(r.count[11], 1);
	assert_int_equal(r.count[0], 0);
	pkt_init(&p, 1);
	o = add(&p, U, 12, 4, NULL);
	p.b[o + 3] = 5;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(r.count[0], 1);
	assert_int_equal(r.count[11], 0);
	assert_int_equal(r.malformed, 1);

	/* a header cut short: counted nowhere, but malformed */
	pkt_init(&p, 1);
	p.b[p.len++] = U;
	p.b[p.len++] = 11;
	p.b[p.len++] = 0;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[BASE], U);
	assert_int_equal(r.count[11], 0);
	assert_int_equal(r.count[0], 0);
	assert_int_equal(r.malformed, 1);
}

/* The Follow-Up zeroing stops at the packet's end and at its two fields. */
static void test_i21_follow_up_bounds(void **state)
{
	uint8_t v[20];
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t o;

	memset(v, 0x5a, sizeof(v));
	env_v4(&e);
	e.have_prev = true;
	e.prev_seq = 7;
	e.prev_t3 = 8;

	/* length 16 claimed, 8 there, the last octets of the packet */
	pkt_init(&p, 1);
	o = add(&p, U, 7, 8, v);
	p.b[o + 3] = 16;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(be32(p.b + o + 4) | be32(p.b + o + 8), 0);

	/* 13: twelve zeroed, one kept */
	pkt_init(&p, 1);
	o = add(&p, U, 7, 13, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(be32(p.b + o + 4) | be32(p.b + o + 8) |
			 be32(p.b + o + 12), 0);
	assert_int_equal(p.b[o + 16], 0x5a);
	/* 11: all zeroed, the TLV after it untouched */
	pkt_init(&p, 1);
	o = add(&p, U, 7, 11, v);
	add(&p, U, 1, 4, v);
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(be32(p.b + o + 4) | be32(p.b + o + 8), 0);
	assert_int_equal(p.b[o + 12] | p.b[o + 13] | p.b[o + 14], 0);
	assert_memory_equal(p.b + o + 15, orig.b + o + 15, 8);
	/* 0, the last TLV */
	pkt_init(&p, 1);
	o = add(&p, U, 7, 0, NULL);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);

	/* only a Follow-Up TLV is zeroed so: an unknown type overrunning */
	pkt_init(&p, 1);
	o = add(&p, U, 12, 8, v);
	p.b[o + 3] = 16;
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_memory_equal(p.b + o + 1, orig.b + o + 1, 11);

	/* a Follow-Up header cut short: not marked, nothing zeroed */
	pkt_init(&p, 1);
	p.b[p.len++] = U;
	p.b[p.len++] = 7;
	p.b[p.len++] = 0;
	orig = p;
	reflect(&p, &e, &r);
	assert_memory_equal(p.b, orig.b, p.len);
	assert_int_equal(r.count[7], 0);
}

/* The walk at the exact end of exact-size buffers. */
static void test_i21_walk_bounds(void **state)
{
	struct stamp_tlv_iter it;
	struct stamp_tlv t;
	struct pkt p;
	uint8_t *b;

	/* an empty TLV as the last four octets */
	pkt_init(&p, 1);
	add(&p, U, 200, 0, NULL);
	b = exact_copy(&p);
	stamp_tlv_iter_init(&it, b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), 1);
	assert_int_equal(t.off, BASE);
	assert_int_equal(t.len, 0);
	assert_int_equal(t.type, 200);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);
	free(b);

	/* zero padding to the very end */
	pkt_init(&p, 1);
	add(&p, U, 1, 1, "x");
	p.len += 9;
	b = exact_copy(&p);
	stamp_tlv_iter_init(&it, b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), 1);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);
	free(b);

	/* zeros but for the last octet: not padding */
	pkt_init(&p, 1);
	p.len += 8;
	p.b[p.len - 1] = 1;
	b = exact_copy(&p);
	stamp_tlv_iter_init(&it, b, p.len, BASE);
	assert_int_equal(stamp_tlv_next(&it, &t), 1);
	assert_int_equal(t.type, 0);
	assert_int_equal(t.len, 0);
	assert_int_equal(stamp_tlv_next(&it, &t), -EMSGSIZE);
	assert_int_equal(t.off, BASE + 4);
	assert_int_equal(t.len, 1);
	free(b);

	/* a header cut short: an offset, and no stale header */
	pkt_init(&p, 1);
	p.b[p.len++] = U;
	p.b[p.len++] = 3;
	p.b[p.len++] = 1;
	b = exact_copy(&p);
	stamp_tlv_iter_init(&it, b, p.len, BASE);
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(stamp_tlv_next(&it, &t), -EINVAL);
	assert_int_equal(t.off, BASE);
	assert_int_equal(t.flags, 0);
	assert_int_equal(t.type, 0);
	assert_int_equal(t.len, 0);
	free(b);

	/* a start at or past the end: nothing */
	pkt_init(&p, 1);
	add(&p, U, 3, 4, NULL);
	stamp_tlv_iter_init(&it, p.b, BASE, BASE + 8);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);
	stamp_tlv_iter_init(&it, p.b, p.len, p.len);
	assert_int_equal(stamp_tlv_next(&it, &t), 0);
	p.b[p.len - 1] = 4;
	stamp_tlv_iter_init(&it, p.b, p.len, p.len - 1);
	assert_int_equal(stamp_tlv_next(&it, &t), -EINVAL);
	assert_int_equal(t.off, p.len - 1);
}

static void test_i21_len_rules_bounds(void **state)
{
	static const struct { uint8_t type; uint16_t len; bool ok; } v[] = {
		{ 2, 3, false }, { 2, 4, true }, { 2, 5, true },
		{ 3, 3, false }, { 3, 5, false },
		{ 4, 3, false }, { 4, 5, false },
		{ 5, 11, false }, { 5, 13, false },
		{ 6, 3, false }, { 6, 5, false },
		{ 7, 15, false }, { 7, 17, false },
		{ 8, 15, false }, { 8, 17, false },
		{ 9, 3, false }, { 9, 5, false }, { 9, 15, false },
		{ 9, 17, false },
		{ 10, 3, false }, { 10, 4, true }, { 10, 5, true },
		{ 10, 65535, true },
		{ 11, 3, false }, { 11, 5, false },
		{ 0, 0, true }, { 12, 65535, true },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(stamp_tlv_len_ok(v[i].type, v[i].len),
				 v[i].ok);
}

/* stamp_tlv_put() into exact-size buffers: the edge on both sides. */
static void test_i21_put_bounds(void **state)
{
	uint8_t *b = malloc(BASE + 4 + 12);

	assert_non_null(b);
	memset(b, 0xa5, BASE + 16);
	assert_int_equal(stamp_tlv_put(b, BASE + 16, BASE, 5, 12), BASE + 16);
	assert_int_equal(b[BASE], U);
	assert_int_equal(b[BASE + 1], 5);
	assert_int_equal(be16(b + BASE + 2), 12);
	assert_int_equal(be32(b + BASE + 4) | be32(b + BASE + 8) |
			 be32(b + BASE + 12), 0);
	assert_int_equal(b[BASE - 1], 0xa5);
	memset(b, 0xa5, BASE + 16);
	assert_int_equal(stamp_tlv_put(b, BASE + 15, BASE, 5, 12), -ENOSPC);
	assert_int_equal(stamp_tlv_put(b, BASE + 16, BASE + 13, 1, 0),
			 -ENOSPC);
	assert_int_equal(stamp_tlv_put(b, BASE + 16, BASE + 12, 1, 0),
			 BASE + 16);
	assert_int_equal(b[BASE + 13], 1);
	assert_int_equal(stamp_tlv_put(b, BASE + 16, BASE + 16, 1, 0),
			 -ENOSPC);
	assert_int_equal(stamp_tlv_put(b, BASE + 16, BASE + 17, 1, 0),
			 -ENOSPC);
	assert_int_equal(stamp_tlv_put(b, BASE, BASE + 17, 1, 0xffff),
			 -ENOSPC);
	free(b);
}

/*
 * The sender's decoders, on what the reflector's code answered: every
 * field of every type, into a result full of junk.
 */
static void test_i21_decode_reflected(void **state)
{
	static const uint8_t s6[16] = { 0x20, 1, 0xd, 0xb8, [15] = 1 };
	static const uint8_t d6[16] = { 0x20, 1, 0xd, 0xb8, [15] = 2 };
	static const uint8_t mac8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t loc[4 + 12 + 20 + 20] = { 0 }, z[16] = { 0 };
	uint8_t dm[12] = { 0, 0, 1, 2 };
	uint8_t cc[8] = { U, 1, 0, 4, 0, 0, 0, 1 };
	struct stamp_tlv_info info;
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	int fam;

	loc[4] = U; loc[5] = 1; loc[7] = 8;
	loc[16] = U; loc[17] = 4; loc[19] = 16;
	loc[36] = U; loc[37] = 7; loc[39] = 16;
	for (fam = 4; fam <= 6; fam += 2) {
		pkt_init(&p, 9);
		add(&p, U, 2, sizeof(loc), loc);
		add(&p, U, 3, 4, NULL);
		add(&p, U, 4, 4, "\x30\0\0\0");			/* DSCP1 12 */
		add(&p, U, 5, 12, dm);			/* S_TxC */
		add(&p, U, 6, 4, "\x20\x0b\0\0");
		add(&p, U, 7, 16, NULL);
		if (fam == 4)
			add(&p, U, 9, 4, "\xc0\0\2\2");
		else
			add(&p, U, 9, 16, d6);
		add(&p, U, 10, 8, cc);
		add(&p, U, 11, 4, "\0\x21\0\0");
		env_v4(&e);
		e.sport = 40002;
		e.dport = 864;
		e.ecn = 3;
		e.have_counters = true;
		e.rx_count = 0x01020304;
		e.tx_count = 0x05060708;
		e.have_prev = true;
		e.prev_seq = 0x0a0b0c0d;
		e.prev_t3 = 0x1112131415161718ULL;
		e.prev_method = 3;
		if (fam == 6) {
			e.family = 6;
			memcpy(e.saddr, s6, 16);
			memcpy(e.daddr, d6, 16);
			memcpy(e.mac, mac8, 8);
			e.mac_len = 8;
		}
		reflect(&p, &e, &r);
		assert_int_equal(r.malformed, 0);
		assert_int_equal(decode_exact(&p, &info), 9);
		assert_int_equal(info.ntlv, 9);
		assert_int_equal(info.present, 0xffc & ~(1 << 8));
		assert_int_equal(info.unknown, 0);
		assert_int_equal(info.integrity, 0);
		assert_false(info.other_unknown);
		assert_false(info.malformed);
		assert_false(info.walk_error);
		assert_int_equal(info.loc_dport, 864);
		assert_int_equal(info.loc_sport, 40002);
		assert_int_equal(info.loc_src_family, fam);
		assert_int_equal(info.loc_dst_family, fam);
		if (fam == 4) {
			assert_int_equal(info.loc_mac_len, 6);
			assert_memory_equal(info.loc_mac, e.mac, 6);
			assert_memory_equal(info.loc_src, e.saddr, 4);
			assert_memory_equal(info.loc_src + 4, z, 12);
			assert_memory_equal(info.loc_dst, e.daddr, 4);
			assert_memory_equal(info.loc_dst + 4, z, 12);
			assert_int_equal(info.dest_len, 4);
			assert_memory_equal(info.dest, "\xc0\0\2\2", 4);
		} else {
			assert_int_equal(info.loc_mac_len, 8);
			assert_memory_equal(info.loc_mac, mac8, 8);
			assert_memory_equal(info.loc_src, s6, 16);
			assert_memory_equal(info.loc_dst, d6, 16);
			assert_int_equal(info.dest_len, 16);
			assert_memory_equal(info.dest, d6, 16);
		}
		assert_int_equal(info.sync_in, 1);
		assert_int_equal(info.method_in, 2);
		assert_int_equal(info.sync_out, 5);
		assert_int_equal(info.method_out, 2);
		assert_int_equal(info.cos_dscp1, 12);
		assert_int_equal(info.cos_dscp2, 46);
		assert_int_equal(info.cos_ecn, 3);
		assert_int_equal(info.cos_rp, 0);
		assert_int_equal(info.dm_s_txc, 0x0102);
		assert_int_equal(info.dm_r_rxc, 0x01020304);
		assert_int_equal(info.dm_r_txc, 0x05060708);
		assert_int_equal(info.ar_id, 2);
		assert_int_equal(info.ar_code, 0x0b);
		assert_int_equal(info.fu_seq, 0x0a0b0c0d);
		assert_int_equal(info.fu_ts, 0x1112131415161718ULL);
		assert_int_equal(info.fu_method, 3);
		assert_true(info.rp_has_cc);
		assert_int_equal(info.rp_cc, 1);
		assert_int_equal(info.ms_sender, 0x21);
		assert_int_equal(info.ms_reflector, 77);
	}

	/* CoS refused by policy: RP 1 read back */
	pkt_init(&p, 9);
	add(&p, U, 4, 4, "\x30\0\0\0");
	env_v4(&e);
	e.cos_allowed = false;
	reflect(&p, &e, &r);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_int_equal(info.cos_rp, 1);
	assert_int_equal(info.cos_ecn, 1);
}

/* The sender's Location and Return Path decoders on odd answers. */
static void test_i21_decode_subtlvs(void **state)
{
	uint8_t v[64];
	struct stamp_tlv_info info;
	struct pkt p;

	/* U sub-TLVs are skipped, M ones marked, wrong lengths ignored */
	memset(v, 0, sizeof(v));
	v[0] = 0x03; v[1] = 0x5e; v[2] = 0x9c; v[3] = 0x40;
	v[4] = U; v[5] = 2; v[7] = 8; v[8] = 0xaa;		/* U */
	v[16] = 0; v[17] = 5; v[19] = 12;			/* short */
	v[32] = M; v[33] = 8; v[35] = 16; v[36] = 10;		/* M */
	pkt_init(&p, 1);
	add(&p, 0, 2, 52, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_int_equal(info.loc_dport, 0x035e);
	assert_int_equal(info.loc_sport, 0x9c40);
	assert_int_equal(info.loc_mac_len, 0);
	assert_int_equal(info.loc_dst_family, 0);
	assert_int_equal(info.loc_src_family, 4);
	assert_int_equal(info.loc_src[0], 10);
	assert_true(info.malformed);
	assert_false(info.walk_error);

	/* each answered kind with a wrong length: nothing taken */
	memset(v, 0, sizeof(v));
	v[5] = 3; v[7] = 7;		/* 4..14 */
	v[16] = 6; v[18] = 15;		/* 15..33 */
	v[35] = 9; v[37] = 17;		/* 34..54 */
	pkt_init(&p, 1);
	add(&p, 0, 2, 55, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_int_equal(info.loc_mac_len, 0);
	assert_int_equal(info.loc_dst_family, 0);
	assert_int_equal(info.loc_src_family, 0);
	assert_false(info.malformed);
	assert_false(info.walk_error);

	/* request types left as sent: not answers */
	memset(v, 0, sizeof(v));
	v[5] = 1; v[7] = 8;
	v[17] = 4; v[19] = 16;
	v[37] = 7; v[39] = 16;
	pkt_init(&p, 1);
	add(&p, 0, 2, 56, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_int_equal(info.loc_mac_len, 0);
	assert_int_equal(info.loc_dst_family, 0);
	assert_int_equal(info.loc_src_family, 0);

	/* a sub-TLV walk that fails: walk_error, the TLV count still 1 */
	memset(v, 0, sizeof(v));
	v[5] = 2; v[7] = 9;
	pkt_init(&p, 1);
	add(&p, 0, 2, 16, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_true(info.walk_error);
	memset(v, 0, sizeof(v));
	v[1] = 1; v[3] = 4; v[7] = 1; v[8] = 1;
	pkt_init(&p, 1);
	add(&p, 0, 10, 9, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_true(info.walk_error);
	assert_true(info.rp_has_cc);

	/* Return Path: a Control Code of the wrong length is not one */
	memset(v, 0, sizeof(v));
	v[1] = 2; v[3] = 4;
	v[9] = 1; v[11] = 5; v[15] = 1; v[16] = 1;
	v[17] = 0; v[18] = 0;
	pkt_init(&p, 1);
	add(&p, 0, 10, 17, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_false(info.rp_has_cc);
	assert_int_equal(info.rp_cc, 0);
	assert_false(info.walk_error);
	memset(v, 0, sizeof(v));
	v[1] = 2; v[3] = 4;
	v[9] = 1; v[11] = 4; v[12] = 0x80; v[15] = 1;
	pkt_init(&p, 1);
	add(&p, 0, 10, 16, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_true(info.rp_has_cc);
	assert_int_equal(info.rp_cc, 0x80000001U);
}

/* The sender's flags and lengths: what is read, kept, or thrown away. */
static void test_i21_decode_flags_kept(void **state)
{
	struct stamp_tlv_info info;
	struct pkt p;

	/* type 0 and 12 with U: "other"; 11 is a known type */
	pkt_init(&p, 1);
	add(&p, U, 0, 0, NULL);
	add(&p, 0, 12, 0, NULL);
	add(&p, 0, 11, 4, "\0\1\0\2");
	assert_int_equal(decode_exact(&p, &info), 3);
	assert_true(info.other_unknown);
	assert_int_equal(info.unknown, 1);
	assert_int_equal(info.present, 1 << 11);
	assert_int_equal(info.ms_sender, 1);
	assert_int_equal(info.ms_reflector, 2);
	pkt_init(&p, 1);
	add(&p, U, 12, 0, NULL);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_true(info.other_unknown);
	assert_int_equal(info.present, 0);
	pkt_init(&p, 1);
	add(&p, U, 11, 4, "\0\1\0\2");
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_false(info.other_unknown);
	assert_int_equal(info.unknown, 1 << 11);
	assert_int_equal(info.ms_sender, 0);

	/* lengths wrong for the type: not read */
	pkt_init(&p, 1);
	add(&p, 0, 4, 8, "\xff\xff\xff\xff\xff\xff\xff\xff");
	add(&p, 0, 5, 16, "\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1");
	add(&p, 0, 6, 8, "\x10\x01\0\0\0\0\0\0");
	add(&p, 0, 7, 20, NULL);
	add(&p, 0, 9, 8, "\1\2\3\4\5\6\7\x08");
	add(&p, 0, 11, 8, "\1\1\1\1\1\1\1\1");
	add(&p, 0, 10, 2, "\1\1");
	assert_int_equal(decode_exact(&p, &info), 7);
	assert_int_equal(info.cos_dscp1 | info.cos_dscp2 | info.cos_ecn |
			 info.cos_rp, 0);
	assert_int_equal(info.dm_s_txc | info.dm_r_rxc | info.dm_r_txc, 0);
	assert_int_equal(info.ar_id | info.ar_code, 0);
	assert_int_equal(info.dest_len, 0);
	assert_int_equal(info.ms_sender | info.ms_reflector, 0);
	assert_false(info.walk_error);
	assert_false(info.malformed);

	/* I anywhere: the flags are kept, every field discarded */
	pkt_init(&p, 1);
	add(&p, U, 200, 0, NULL);
	add(&p, U, 9, 4, "abcd");
	add(&p, 0, 4, 4, "\x30\0\0\0");
	add(&p, I, 3, 4, "\1\2\3\4");
	add(&p, M, 6, 4, "\x10\x01\0\0");
	assert_int_equal(decode_exact(&p, &info), 5);
	assert_int_equal(info.ntlv, 5);
	assert_int_equal(info.present, 1 << 3 | 1 << 4 | 1 << 6 | 1 << 9);
	assert_int_equal(info.unknown, 1 | 1 << 9);
	assert_int_equal(info.integrity, 1 << 3);
	assert_true(info.other_unknown);
	assert_true(info.malformed);
	assert_false(info.walk_error);
	assert_int_equal(info.cos_dscp1, 0);
	assert_int_equal(info.sync_in, 0);
	assert_int_equal(info.ar_id, 0);

	/* and a walk error with it */
	pkt_init(&p, 1);
	add(&p, I, 3, 4, "\1\2\3\4");
	p.b[p.len++] = U;
	p.b[p.len++] = 3;
	assert_int_equal(decode_exact(&p, &info), -EINVAL);
	assert_true(info.walk_error);
	assert_true(info.malformed);
	assert_int_equal(info.integrity, 1 << 3);
	assert_int_equal(info.ntlv, 1);
	assert_int_equal(info.sync_in, 0);
	/* a walk error alone keeps what came before it */
	pkt_init(&p, 1);
	add(&p, 0, 3, 4, "\1\2\3\4");
	add(&p, 0, 3, 4, "\1\2\3\4");
	p.b[p.len - 5] = 5;
	assert_int_equal(decode_exact(&p, &info), -EINVAL);
	assert_int_equal(info.sync_in, 1);
	assert_int_equal(info.ntlv, 1);
}

/* An HMAC TLV followed by a type-0 TLV is not last either. */
static void test_i21_hmac_type0_after(void **state)
{
	struct pkt p;
	size_t off;

	signed_pkt(&p, NULL);
	add(&p, 0, 0, 1, "x");
	assert_int_equal(find_exact(&p, &off), -EINVAL);
	assert_int_equal(verify_exact(&p, NULL, stamp_auth_tlv_hmac, &akey),
			 -EINVAL);
}

/*
 * Each type decoded alone sets its own fields and no other's: a field
 * read for the wrong type (a missing break) shows as a non-zero octet.
 */
static void test_i21_decode_only_own_fields(void **state)
{
	uint8_t v[20];
	struct stamp_tlv_info info, zero;
	struct pkt p;
	unsigned int type;

	memset(v, 0xff, sizeof(v));
	for (type = 0; type <= 12; type++) {
		static const uint8_t len[13] = { 4, 4, 4, 4, 4, 12, 4, 16, 16,
						 4, 8, 4, 4 };

		pkt_init(&p, 1);
		if (type == 10) {
			/* a Control Code and nothing else */
			uint8_t w[8] = { 0, 1, 0, 4, 0xff, 0, 0, 0 };

			add(&p, 0, type, 8, w);
		} else {
			add(&p, 0, type, len[type], v);
		}
		assert_int_equal(decode_exact(&p, &info), 1);
		memset(&zero, 0, sizeof(zero));
		zero.ntlv = 1;
		zero.present = type && type <= 11 ? 1 << type : 0;
		switch (type) {
		case 2:
			zero.loc_dport = zero.loc_sport = 0xffff;
			break;
		case 3:
			zero.sync_in = zero.method_in = 0xff;
			zero.sync_out = zero.method_out = 0xff;
			break;
		case 4:
			zero.cos_dscp1 = 0x3f;
			zero.cos_dscp2 = 0x3f;
			zero.cos_ecn = 3;
			zero.cos_rp = 3;
			break;
		case 5:
			zero.dm_s_txc = zero.dm_r_rxc = zero.dm_r_txc = ~0U;
			break;
		case 6:
			zero.ar_id = 0xf;
			zero.ar_code = 0xff;
			break;
		case 7:
			zero.fu_seq = ~0U;
			zero.fu_ts = ~0ULL;
			zero.fu_method = 0xff;
			break;
		case 9:
			zero.dest_len = 4;
			memset(zero.dest, 0xff, 4);
			break;
		case 10:
			zero.rp_has_cc = true;
			zero.rp_cc = 0xff000000U;
			break;
		case 11:
			zero.ms_sender = zero.ms_reflector = 0xffff;
			break;
		}
		assert_memory_equal(&info, &zero, sizeof(info));
	}
}

/*
 * An IPv4 address is four octets: the rest of the 16-octet sub-TLV is
 * zero, whatever the reflector's view holds past the address.
 */
static void test_i21_location_v4_only_four(void **state)
{
	uint8_t v[4 + 20 + 20] = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	v[5] = 4; v[7] = 16;
	v[25] = 7; v[27] = 16;
	env_v4(&e);
	memset(e.saddr + 4, 0xee, 12);
	memset(e.daddr + 4, 0xdd, 12);
	pkt_init(&p, 1);
	o = add(&p, U, 2, sizeof(v), v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o + 9], 5);
	assert_memory_equal(p.b + o + 12, e.daddr, 4);
	assert_int_equal(be32(p.b + o + 16) | be32(p.b + o + 20) |
			 be32(p.b + o + 24), 0);
	assert_int_equal(p.b[o + 29], 8);
	assert_memory_equal(p.b + o + 32, e.saddr, 4);
	assert_int_equal(be32(p.b + o + 36) | be32(p.b + o + 40) |
			 be32(p.b + o + 44), 0);
}

/* Every octet of the address looked at, so a short one overruns (ASan). */
static bool local_addr_strict(void *priv, uint8_t family, const uint8_t *a)
{
	static const uint8_t v4[4] = { 192, 0, 2, 2 };
	static const uint8_t v6[16] = { 0x20, 1, 0xd, 0xb8, [15] = 2 };

	return family == 4 ? !memcmp(a, v4, 4) : !memcmp(a, v6, 16);
}

/* Return Path sub-TLV lengths and types at their edges. */
static void test_i21_return_path_lengths(void **state)
{
	static const uint8_t ra_bad[] = { 0, 3, 15, 17 };
	uint8_t v[64];
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t i, o;

	env_v4(&e);
	e.allow_return_addr = true;
	for (i = 0; i < sizeof(ra_bad); i++) {
		memset(v, 0, sizeof(v));
		v[1] = 2;
		v[3] = ra_bad[i];
		memset(v + 4, 0xcb, ra_bad[i]);
		pkt_init(&p, 1);
		o = add(&p, 0, 10, 4 + ra_bad[i], v);
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], M);
		assert_int_equal(p.b[o + 4], M);
		assert_false(r.return_addr);
		assert_int_equal(r.malformed, 1);
	}
	/* a Control Code of 0 or 3 octets, the exact end of its TLV */
	for (i = 0; i < 4; i += 3) {
		memset(v, 0, sizeof(v));
		v[1] = 1;
		v[3] = i;
		v[4 + i] = 0;
		v[5 + i] = 2;
		v[7 + i] = 4;
		pkt_init(&p, 1);
		o = add(&p, 0, 10, 12 + i, v);
		reflect(&p, &e, &r);
		assert_int_equal(p.b[o], M);
		assert_int_equal(p.b[o + 4], M);
		assert_false(r.no_reply);
		assert_false(r.same_link);
		assert_false(r.return_addr);
	}
	/* an unknown sub-TLV of type 0 with an address: U on it too */
	memset(v, 0, sizeof(v));
	v[1] = 2; v[3] = 4; memcpy(v + 4, "\xcb\0\x71\x09", 4);
	pkt_init(&p, 1);
	o = add(&p, 0, 10, 12, v);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U);
	assert_int_equal(p.b[o + 4], 0);
	assert_int_equal(p.b[o + 12], U);
	assert_false(r.return_addr);
}

/* The first TLV of a wrong length stops the walk; later ones do not count. */
static void test_i21_first_bad_length_stops(void **state)
{
	uint8_t cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, orig;
	size_t a, b;

	env_v4(&e);
	pkt_init(&p, 1);
	a = add(&p, 0, 4, 0, NULL);
	b = add(&p, 0, 11, 5, "\0\1\0\2\3");
	add(&p, 0, 4, 4, cos);
	orig = p;
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], M);
	assert_memory_equal(p.b + b, orig.b + b, p.len - b);
	assert_int_equal(r.count[4], 1);
	assert_int_equal(r.count[11], 0);
	assert_int_equal(r.malformed, 1);
}

/* A type-0 TLV is not Extra Padding: it needs the HMAC TLV's cover. */
static void test_i21_type0_not_padding(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t a, h;

	env_v4(&e);
	env_key(&e, 5);
	e.auth = true;
	pkt_init(&p, 5);
	a = add(&p, 0, 0, 2, "zz");
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[a], I);

	/* and after the HMAC TLV, it makes it misplaced */
	h = signed_pkt(&p, NULL);
	a = add(&p, 0, 0, 2, "zz");
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_int_equal(p.b[h], I);
	assert_int_equal(p.b[a], I);
}

/* A key, no HMAC TLV, a TLV of a wrong length: nothing signed past it. */
static void test_i21_key_no_hmac_bad_length(void **state)
{
	struct flaky f = { 0 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t a;

	env_v4(&e);
	env_key(&e, 5);
	e.hmac = flaky_hmac;
	e.priv = &f;
	pkt_init(&p, 5);
	add(&p, 0, 3, 4, NULL);
	a = add(&p, 0, 4, 2, "\1\2");
	reflect(&p, &e, &r);
	assert_int_equal(p.b[a], M);
	assert_int_equal(f.calls, 0);
	assert_false(r.integrity_failed);
}

/* The sender's answers of a wrong length, on both sides, are not read. */
static void test_i21_decode_sub_lengths(void **state)
{
	static const struct { uint8_t type, len; } c[] = {
		{ 2, 7 }, { 2, 9 }, { 3, 7 }, { 3, 9 },
		{ 5, 15 }, { 5, 17 }, { 6, 15 }, { 6, 17 },
		{ 8, 15 }, { 8, 17 }, { 9, 15 }, { 9, 17 },
	};
	uint8_t v[4 + 4 + 17];
	struct stamp_tlv_info info;
	struct pkt p;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(v, 0x11, sizeof(v));
		v[4] = 0;
		v[5] = c[i].type;
		v[6] = 0;
		v[7] = c[i].len;
		pkt_init(&p, 1);
		add(&p, 0, 2, 8 + c[i].len, v);
		assert_int_equal(decode_exact(&p, &info), 1);
		assert_int_equal(info.loc_dport, 0x1111);
		assert_int_equal(info.loc_mac_len, 0);
		assert_int_equal(info.loc_dst_family, 0);
		assert_int_equal(info.loc_src_family, 0);
		assert_false(info.walk_error);
	}
}

/* A walk that fails with no HMAC TLV seen: an error, and it ends. */
static void test_i21_hmac_find_walk_error(void **state)
{
	struct pkt p;
	size_t off;

	pkt_init(&p, 5);
	add(&p, 0, 3, 4, NULL);
	p.b[p.len++] = U;
	p.b[p.len++] = 4;
	assert_int_equal(find_exact(&p, &off), -EINVAL);
	pkt_init(&p, 5);
	add(&p, 0, 3, 4, NULL);
	p.b[p.len - 5] = 5;
	assert_int_equal(find_exact(&p, &off), -EINVAL);
}

/* A Destination answer alone says nothing of the source, and back. */
static void test_i21_decode_location_one_kind(void **state)
{
	uint8_t v[4 + 20] = { 0 };
	struct stamp_tlv_info info;
	struct pkt p;

	v[5] = 5; v[7] = 16; v[8] = 198;
	pkt_init(&p, 1);
	add(&p, 0, 2, sizeof(v), v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_int_equal(info.loc_dst_family, 4);
	assert_int_equal(info.loc_dst[0], 198);
	assert_int_equal(info.loc_src_family, 0);
	assert_int_equal(info.loc_src[0], 0);
	v[5] = 2; v[7] = 8;
	pkt_init(&p, 1);
	add(&p, 0, 2, 4 + 12, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_int_equal(info.loc_mac_len, 6);
	assert_int_equal(info.loc_dst_family, 0);
	assert_int_equal(info.loc_src_family, 0);
}

/* Only a 4-octet sub-TLV of type 1 is a Control Code to the sender. */
static void test_i21_decode_control_code_only(void **state)
{
	uint8_t v[12] = { 0, 0, 0, 4, 0, 0, 0, 1 };
	struct stamp_tlv_info info;
	struct pkt p;

	pkt_init(&p, 1);
	add(&p, 0, 10, 8, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_false(info.rp_has_cc);
	assert_int_equal(info.rp_cc, 0);
	v[1] = 1; v[3] = 3; v[7] = 0; v[8] = 0xff;
	pkt_init(&p, 1);
	add(&p, 0, 10, 7, v);
	assert_int_equal(decode_exact(&p, &info), 1);
	assert_false(info.rp_has_cc);
	assert_int_equal(info.rp_cc, 0);
}

/* --- issue 22: TWAMP-Light padding, sub-TLVs, HMAC, reserved fields --- */

/* a tiny xorshift: the same "random" paddings on every run */
static uint32_t rnd_state = 2463534242U;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * The module's path for one request (kmod/reflect.c build_reply): the MBZ
 * rule, the base reply, the TLVs when the rule says there are some.
 * Return: the SSID the request is keyed by.
 */
static uint16_t module_path(struct pkt *p, const struct stamp_tlv_env *e,
			    struct stamp_tlv_result *r, bool rule)
{
	struct stamp_refl_params rp = { .rx_ts = 1, .errest = 0x0101,
					.ttl = 64, .copy_seq = true };
	bool ext = !rule || stamp_test_mbz_clear(p->b, p->len, false);
	uint16_t ssid = ext ? be16(p->b + 14) : 0;

	assert_int_equal(stamp_reflect(p->b, p->len, sizeof(p->b), &rp,
				       false), (int)p->len);
	memset(r, 0, sizeof(*r));
	if (ext)
		reflect(p, e, r);
	return ssid;
}

/*
 * RFC 4656 4.1.2 asks TWAMP-Light senders for pseudo-random padding, and
 * RFC 8762 4.6 makes them peers: 10 000 random 84-octet requests come
 * back with every octet past the base as sent, SSID 0. Without the MBZ
 * rule (as before issue 22), many came back changed: counted, to show
 * the test can fail.
 */
static void test_i22_twamp_light_padding(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p, req;
	unsigned int i, j, changed = 0, changed_before = 0, keyed = 0;
	int pass;

	env_v4(&e);
	for (i = 0; i < 10000; i++) {
		pkt_init(&req, i);
		req.len = 84;
		for (j = 4; j < 84; j++)
			req.b[j] = rnd();
		req.b[13] |= 1;		/* a valid Error Estimate multiplier */
		for (pass = 0; pass < 2; pass++) {
			p = req;
			if (module_path(&p, &e, &r, pass) != 0)
				keyed++;
			if (memcmp(p.b + BASE, req.b + BASE, 84 - BASE)) {
				if (pass)
					changed++;
				else
					changed_before++;
			}
			if (pass)
				assert_int_equal(be16(p.b + 14), 0);
		}
	}
	print_message("      random paddings changed: %u of 10000 (%u without the MBZ rule)\n",
		      changed, changed_before);
	assert_int_equal(changed, 0);
	assert_true(changed_before > 1000);
	/* with the rule, no padding became an SSID (only pass 0 keyed) */
	assert_true(keyed >= 9900 && keyed <= 10000);
}

/* RFC 8972 senders (MBZ zero) keep their SSID and get every TLV answered */
static void test_i22_rfc8972_sender_served(void **state)
{
	uint8_t cos[4] = { 10 << 2 }, dm[12] = { 0, 0, 0, 3 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	unsigned int i;
	size_t o[6];
	struct pkt p;

	env_v4(&e);
	e.have_counters = true;
	e.rx_count = 5;
	e.tx_count = 5;
	for (i = 0; i < 1000; i++) {
		pkt_init(&p, i);
		p.b[13] = 1;
		p.b[14] = rnd() | 1;	/* a non-zero SSID */
		p.b[15] = rnd();
		o[0] = add(&p, U, 3, 4, NULL);
		o[1] = add(&p, U, 4, 4, cos);
		o[2] = add(&p, U, 5, 12, dm);
		o[3] = add(&p, U, 7, 16, NULL);
		o[4] = add(&p, U, 1, 8, NULL);
		o[5] = add(&p, U, 11, 4, NULL);
		assert_true(stamp_test_mbz_clear(p.b, p.len, false));
		assert_int_equal(module_path(&p, &e, &r, true),
				 be16(p.b + 14));
		assert_int_equal(p.b[o[0]] | p.b[o[1]] | p.b[o[2]] |
				 p.b[o[3]] | p.b[o[4]] | p.b[o[5]], 0);
		assert_int_equal(r.count[3] + r.count[4] + r.count[5] +
				 r.count[7] + r.count[1] + r.count[11], 6);
		assert_int_equal(be32(p.b + o[2] + 8), 5);
		assert_true(r.set_dscp);
	}
	/* authenticated layout: MBZ at 4-15 and 28-95 */
	memset(p.b, 0, 112);
	assert_true(stamp_test_mbz_clear(p.b, 112, true));
	p.b[95] = 1;
	assert_false(stamp_test_mbz_clear(p.b, 112, true));
	p.b[95] = 0;
	p.b[4] = 1;
	assert_false(stamp_test_mbz_clear(p.b, 112, true));
	p.b[4] = 0;
	p.b[26] = p.b[27] = 0xff;	/* the SSID is not MBZ */
	p.b[96] = 0xff;			/* nor the HMAC */
	assert_true(stamp_test_mbz_clear(p.b, 112, true));
}

/* RFC 8972 4.3: a Timestamp Information TLV may carry sub-TLVs */
static void test_i22_timestamp_info_subtlvs(void **state)
{
	uint8_t v[12] = { 0, 0, 0, 0, 0, 42, 0, 4, 1, 2, 3, 4 };
	uint8_t cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o, c;

	pkt_init(&p, 1);
	o = add(&p, U, 3, 12, v);
	c = add(&p, U, 4, 4, cos);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(p.b[o + 4], e.sync_in);
	assert_int_equal(p.b[o + 5], e.method_in);
	assert_int_equal(p.b[o + 6], e.sync_out);
	assert_int_equal(p.b[o + 7], e.method_out);
	/* the sub-TLV: not understood, copied with U */
	assert_int_equal(p.b[o + 8], U);
	assert_memory_equal(p.b + o + 9, v + 5, 7);
	/* and what follows is answered */
	assert_int_equal(p.b[c], 0);
	assert_true(r.set_dscp);

	/* a sub-TLV that overruns the TLV: M, stop */
	v[7] = 5;
	pkt_init(&p, 1);
	o = add(&p, U, 3, 12, v);
	c = add(&p, U, 4, 4, cos);
	reflect(&p, &e, &r);
	assert_true(p.b[o] & M);
	assert_int_equal(r.malformed, 1);
	assert_int_equal(p.b[c], U);
	assert_false(r.set_dscp);
}

/* an HMAC TLV nobody can verify: no DSCP, no Return Path, no drop */
static void test_i22_hmac_unverified_nothing_done(void **state)
{
	uint8_t cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t c, rp, ms, h;

	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	rp = add(&p, U, 10, 8, "\x00\x01\x00\x04\x00\x00\x00\x00");
	ms = add(&p, U, 11, 4, "\x00\x01\x00\x09");
	h = add(&p, U, 8, 16, NULL);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_false(r.set_dscp);
	assert_false(r.no_reply);
	assert_false(r.drop);
	assert_int_equal(p.b[c], U | I);
	assert_int_equal(p.b[rp], U | I);
	assert_int_equal(p.b[ms], U | I);
	assert_int_equal(p.b[h], U | I);
	/* nothing filled in either */
	assert_memory_equal(p.b + ms + 4, "\x00\x01\x00\x09", 4);
}

/* reserved fields are zeroed on transmission, the reply included */
static void test_i22_reserved_zeroed(void **state)
{
	uint8_t cos[4] = { 10 << 2, 0, 0xaa, 0xbb };
	uint8_t ar[4] = { 0x1f, 1, 0xcc, 0xdd };
	uint8_t rp[8] = { 0, 1, 0, 4, 0xff, 0xff, 0xff, 0xff };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t c, a, o;

	pkt_init(&p, 1);
	c = add(&p, U, 4, 4, cos);
	a = add(&p, U, 6, 4, ar);
	o = add(&p, U, 10, 8, rp);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[c], 0);
	assert_int_equal(p.b[c + 6] | p.b[c + 7], 0);
	assert_int_equal(p.b[a], 0);
	assert_int_equal(p.b[a + 4], 0x10);	/* ID 1, Resv zeroed */
	assert_int_equal(p.b[a + 5], 1);	/* the return code stays */
	assert_int_equal(p.b[a + 6] | p.b[a + 7], 0);
	assert_int_equal(r.ar_id, 1);
	assert_int_equal(p.b[o], 0);
	assert_true(r.same_link);		/* bit 31 */
	assert_int_equal(be32(p.b + o + 8), 1);	/* reserved bits zeroed */
}

/*
 * An HMAC TLV that processing never reaches (a malformed TLV stops it
 * first) is never verified: what the TLVs before the stop ask is not done
 * either, with a key or without (found by the fuzzer).
 */
static void test_i22_hmac_unreached(void **state)
{
	uint8_t cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t c, bad, h;
	int keyed;

	for (keyed = 0; keyed < 2; keyed++) {
		pkt_init(&p, 5);
		c = add(&p, U, 4, 4, cos);
		bad = add(&p, U, 3, 2, "ab");
		h = add(&p, U, 8, 16, NULL);
		env_v4(&e);
		if (keyed)
			env_key(&e, 5);
		reflect(&p, &e, &r);
		assert_true(r.integrity_failed);
		assert_false(r.set_dscp);
		assert_int_equal(p.b[c], U | I);
		assert_int_equal(p.b[bad], U | M | I);
		assert_int_equal(p.b[h], U);	/* past the stop: as sent */
	}
	/* no HMAC TLV anywhere: the TLVs before the stop are answered */
	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	add(&p, U, 3, 2, "ab");
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_true(r.set_dscp);
	/* an HMAC TLV of a wrong length is the stop itself */
	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	add(&p, U, 8, 12, NULL);
	reflect(&p, &e, &r);
	assert_true(r.integrity_failed);
	assert_false(r.set_dscp);
}

/* --- issue 21b: mutation survivors of issue 22's code ---------------- */

/* a Control Code sub-TLV after a Return Address one: answered in place */
static void test_i21b_control_code_not_first(void **state)
{
	static const uint8_t rp[16] = {
		0, 2, 0, 4, 192, 0, 2, 9,		/* Return Address */
		0, 1, 0, 4, 0xff, 0xff, 0xff, 0xff,	/* Control Code */
	};
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o;

	pkt_init(&p, 1);
	o = add(&p, U, 10, 16, rp);
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_true(r.same_link);
	assert_false(r.return_addr);
	assert_int_equal(p.b[o], 0);
	assert_int_equal(p.b[o + 1], 10);
	assert_int_equal(be16(p.b + o + 2), 16);
	assert_memory_equal(p.b + o + 5, rp + 1, 7);
	assert_int_equal(p.b[o + 12], 0);
	assert_memory_equal(p.b + o + 13, rp + 9, 3);
	assert_int_equal(be32(p.b + o + 16), 1);	/* reserved bits zeroed */
}

/* a Timestamp Information sub-TLV that does not parse: M on it only when
 * it has a header (a length running past the TLV), none on a cut header
 */
static void test_i21b_timestamp_info_sub_errors(void **state)
{
	static const uint8_t over[12] = { 0, 0, 0, 0, 0, 42, 0, 5, 1, 2, 3, 4 };
	static const uint8_t cut[10] = { 0, 0, 0, 0, 0, 42, 0, 0, 0, 7 };
	uint8_t cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t o, c;

	env_v4(&e);
	pkt_init(&p, 1);
	o = add(&p, U, 3, 12, over);
	c = add(&p, U, 4, 4, cos);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(p.b[o + 8], M);	/* the sub-TLV's own flags */
	assert_memory_equal(p.b + o + 9, over + 5, 7);
	assert_int_equal(r.malformed, 1);
	assert_int_equal(p.b[c], U);
	assert_false(r.set_dscp);

	pkt_init(&p, 1);
	o = add(&p, U, 3, 10, cut);
	c = add(&p, U, 4, 4, cos);
	reflect(&p, &e, &r);
	assert_int_equal(p.b[o], U | M);
	assert_int_equal(p.b[o + 8], U);	/* the whole sub-TLV: U */
	/* two octets, no header: no flags to set */
	assert_int_equal(p.b[o + 12], 0);
	assert_int_equal(p.b[o + 13], 7);
	assert_int_equal(r.malformed, 1);
	assert_int_equal(p.b[c], U);
	assert_false(r.set_dscp);
}

/*
 * An HMAC TLV of a wrong length stops processing there, even when a TLV
 * after it has a wrong length too: that one stays as received.
 */
static void test_i21b_hmac_bad_length_then_bad(void **state)
{
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t h, bad;
	int keyed;

	for (keyed = 0; keyed < 2; keyed++) {
		pkt_init(&p, 5);
		h = add(&p, U, 8, 12, NULL);
		bad = add(&p, U, 3, 2, "ab");
		env_v4(&e);
		if (keyed)
			env_key(&e, 5);
		reflect(&p, &e, &r);
		assert_true(r.integrity_failed);
		assert_int_equal(p.b[h], U | M | I);
		assert_int_equal(p.b[bad], U);
		assert_int_equal(r.malformed, 1);
		assert_int_equal(r.count[8], 1);
		assert_int_equal(r.count[3], 0);
	}
}

/* an HMAC TLV running past the packet is never verified: nothing done */
static void test_i21b_hmac_overrun(void **state)
{
	uint8_t cos[4] = { 10 << 2 };
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t c, h;
	int keyed;

	for (keyed = 0; keyed < 2; keyed++) {
		pkt_init(&p, 5);
		c = add(&p, U, 4, 4, cos);
		h = add(&p, U, 8, 16, "0123456789abcdef");
		p.len -= 8;
		env_v4(&e);
		if (keyed)
			env_key(&e, 5);
		reflect(&p, &e, &r);
		assert_true(r.integrity_failed);
		assert_false(r.set_dscp);
		assert_int_equal(p.b[c], U | I);
		assert_int_equal(p.b[h], U | M | I);
		assert_int_equal(r.malformed, 1);
	}
	/* the same with another type: answered, as far as it goes */
	pkt_init(&p, 5);
	c = add(&p, U, 4, 4, cos);
	h = add(&p, U, 9, 16, "0123456789abcdef");
	p.len -= 8;
	env_v4(&e);
	reflect(&p, &e, &r);
	assert_false(r.integrity_failed);
	assert_true(r.set_dscp);
	assert_int_equal(p.b[c], 0);
	assert_int_equal(p.b[h], U | M);
}

/*
 * No key, so the HMAC TLV cannot be verified: it alone comes back with U
 * set whatever the sender put there; every other TLV keeps its own U (here
 * clear, flags a sender may send) and gets I.
 */
/* --- one request, the flags of its TLVs as they come back ---------------
 * The cases that check nothing but each TLV's flags and a few results,
 * one row each (a cmocka test of its own, named by the row); `checks`
 * says which of the results a row compares.
 */
struct tlv_in {
	uint8_t flags, type;
	uint16_t len;
	const uint8_t *val;	/* NULL: zeros */
};

#define TLV(f, t, l, ...) { f, t, l, (const uint8_t[]){ __VA_ARGS__ } }

enum {
	C_FLAGS = 1,		/* want[]: each TLV's flags in the reply */
	C_COUNT = 2,		/* r.count[count_type] == count */
	C_MALFORMED = 4,	/* r.malformed == malformed */
	C_DROP = 8,		/* r.drop */
	C_INTEGRITY = 16,	/* r.integrity_failed == integrity */
	C_SAME_LINK = 32,	/* r.same_link == same_link */
};

#define ANY 0xff	/* in want[]: that TLV's flags not compared */

struct flag_case {
	const char *name;
	uint8_t family;		/* the session's: 4 (0) or 6 */
	bool strict_local;	/* every octet of an address looked at */
	uint32_t seq;		/* the request's Seq (0: 1) */
	bool key, auth;		/* env_key(), authenticated mode */
	struct tlv_in tlv[4];
	size_t n;
	unsigned int checks;
	uint8_t want[4];
	int count_type, count, malformed;
	bool integrity, same_link;
};

static const struct flag_case flag_cases[] = {
	/* RFC 8972 4: a reflector clears the flags it does not set itself */
	{ .name = "flags a sender must not set: cleared, only U on an unknown type",
	  .tlv = { { U | M | I | 0x1f, 3, 4, NULL }, { M | I | 0x10, 250, 4, NULL } },
	  .n = 2, .checks = C_FLAGS | C_MALFORMED, .want = { 0, U } },
	{ .name = "Destination Node Address: ours, another, an IPv6 one in IPv4",
	  .tlv = { TLV(U, 9, 4, 192, 0, 2, 2), TLV(U, 9, 4, 198, 51, 100, 7),
		   TLV(U, 9, 16, 0x20, 1, [15] = 0) },
	  .n = 3, .checks = C_FLAGS | C_COUNT, .want = { 0, U, U },
	  .count_type = 9, .count = 3 },
	/* the length must match the session's family */
	{ .name = "Destination Node Address, IPv4: the local address",
	  .strict_local = true, .tlv = { TLV(0, 9, 4, 192, 0, 2, 2) }, .n = 1,
	  .checks = C_FLAGS, .want = { 0 } },
	{ .name = "Destination Node Address, IPv4: 16 octets starting like it",
	  .strict_local = true, .tlv = { TLV(0, 9, 16, 192, 0, 2, 2, [15] = 0) },
	  .n = 1, .checks = C_FLAGS, .want = { U } },
	{ .name = "Destination Node Address, IPv6: the local address",
	  .family = 6, .strict_local = true,
	  .tlv = { TLV(0, 9, 16, 0x20, 1, 0xd, 0xb8, [15] = 2) }, .n = 1,
	  .checks = C_FLAGS, .want = { 0 } },
	{ .name = "Destination Node Address, IPv6: 4 octets of it, nothing overrun",
	  .family = 6, .strict_local = true,
	  .tlv = { TLV(0, 9, 4, 0x20, 1, 0xd, 0xb8) }, .n = 1,
	  .checks = C_FLAGS, .want = { U } },
	/* a Micro-session ID below this reflector's (77) is not its either */
	{ .name = "Micro-session ID 76, this reflector 77: dropped",
	  .tlv = { TLV(0, 11, 4, 0, 9, 0, 0x4c) }, .n = 1, .checks = C_DROP },
	/* an HMAC TLV and no key: unsupported (U), unverified (I) */
	{ .name = "HMAC TLV without a key: U and I, integrity failed",
	  .seq = 5, .tlv = { { U, 8, 16, NULL } }, .n = 1,
	  .checks = C_FLAGS | C_INTEGRITY, .want = { U | I }, .integrity = true },
	/* RFC 8972 4.8: one Extra Padding TLV needs no HMAC TLV, two do */
	{ .name = "authenticated mode, two Extra Padding TLVs: I on both",
	  .seq = 5, .key = true, .auth = true,
	  .tlv = { { U, 1, 8, (const uint8_t *)"padding!" },
		   { U, 1, 8, (const uint8_t *)"padding!" } }, .n = 2,
	  .checks = C_FLAGS | C_INTEGRITY, .want = { U | I, U | I },
	  .integrity = true },
	{ .name = "authenticated mode, two Extra Padding TLVs, no key: the same",
	  .seq = 5, .auth = true,
	  .tlv = { { U, 1, 8, (const uint8_t *)"padding!" },
		   { U, 1, 8, (const uint8_t *)"padding!" } }, .n = 2,
	  .checks = C_INTEGRITY, .integrity = true },
	{ .name = "two Extra Padding TLVs, unauthenticated: nothing to vouch for",
	  .seq = 5,
	  .tlv = { { U, 1, 8, (const uint8_t *)"padding!" },
		   { U, 1, 8, (const uint8_t *)"padding!" } }, .n = 2,
	  .checks = C_FLAGS | C_INTEGRITY, .want = { 0, ANY }, .integrity = false },
	/* an HMAC TLV nobody can check: every TLV unverified, nothing done */
	{ .name = "HMAC TLV, no key: I on each TLV, U on the HMAC and the padding",
	  .seq = 5,
	  .tlv = { { 0, 3, 4, NULL }, TLV(0, 10, 8, 0, 1, 0, 4, 0, 0, 0, 1),
		   { 0, 8, 16, NULL }, { U, 1, 4, (const uint8_t *)"pad!" } }, .n = 4,
	  .checks = C_FLAGS | C_INTEGRITY | C_SAME_LINK,
	  .want = { I, I, U | I, U | I }, .integrity = true, .same_link = false },
	{ .name = "HMAC TLV, a key, a wrong HMAC: recomputed, I, no U",
	  .seq = 5, .key = true,
	  .tlv = { { 0, 3, 4, NULL }, TLV(0, 10, 8, 0, 1, 0, 4, 0, 0, 0, 1),
		   { U, 8, 16, NULL } }, .n = 3,
	  .checks = C_FLAGS | C_INTEGRITY, .want = { I, I, I }, .integrity = true },
};

static void test_flag_case(void **state)
{
	const struct flag_case *c = *state;
	struct stamp_tlv_env e;
	struct stamp_tlv_result r;
	struct pkt p;
	size_t off[4], i;

	env_v4(&e);
	if (c->family)
		e.family = c->family;
	if (c->strict_local)
		e.is_local = local_addr_strict;
	if (c->key)
		env_key(&e, c->seq ? c->seq : 1);
	e.auth = c->auth;
	pkt_init(&p, c->seq ? c->seq : 1);
	for (i = 0; i < c->n; i++)
		off[i] = add(&p, c->tlv[i].flags, c->tlv[i].type, c->tlv[i].len,
			     c->tlv[i].val);
	reflect(&p, &e, &r);
	for (i = 0; i < c->n && (c->checks & C_FLAGS); i++)
		if (c->want[i] != ANY)
			assert_int_equal(p.b[off[i]], c->want[i]);
	if (c->checks & C_COUNT)
		assert_int_equal(r.count[c->count_type], c->count);
	if (c->checks & C_MALFORMED)
		assert_int_equal(r.malformed, c->malformed);
	if (c->checks & C_DROP)
		assert_true(r.drop);
	if (c->checks & C_INTEGRITY)
		assert_int_equal(r.integrity_failed, c->integrity);
	if (c->checks & C_SAME_LINK)
		assert_int_equal(r.same_link, c->same_link);
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
		cmocka_unit_test(test_hmac_ok),
		cmocka_unit_test(test_hmac_bad),
		cmocka_unit_test(test_hmac_not_last),
		cmocka_unit_test(test_hmac_missing_auth),
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
		cmocka_unit_test(test_i21_hmac_verify_errors),
		cmocka_unit_test(test_i21_hmac_sign_errors),
		cmocka_unit_test(test_i21_reflect_hmac_paths),
		cmocka_unit_test(test_i21_location_table),
		cmocka_unit_test(test_i21_location_bounds),
		cmocka_unit_test(test_i21_return_path_cases),
		cmocka_unit_test(test_i21_cos_bits),
		cmocka_unit_test(test_i21_flag_writes),
		cmocka_unit_test(test_i21_counts),
		cmocka_unit_test(test_i21_follow_up_bounds),
		cmocka_unit_test(test_i21_walk_bounds),
		cmocka_unit_test(test_i21_len_rules_bounds),
		cmocka_unit_test(test_i21_put_bounds),
		cmocka_unit_test(test_i21_decode_reflected),
		cmocka_unit_test(test_i21_decode_subtlvs),
		cmocka_unit_test(test_i21_decode_flags_kept),
		cmocka_unit_test(test_i21_hmac_type0_after),
		cmocka_unit_test(test_i21_decode_only_own_fields),
		cmocka_unit_test(test_i21_location_v4_only_four),
		cmocka_unit_test(test_i21_return_path_lengths),
		cmocka_unit_test(test_i21_first_bad_length_stops),
		cmocka_unit_test(test_i21_type0_not_padding),
		cmocka_unit_test(test_i21_key_no_hmac_bad_length),
		cmocka_unit_test(test_i21_decode_sub_lengths),
		cmocka_unit_test(test_i21_hmac_find_walk_error),
		cmocka_unit_test(test_i21_decode_location_one_kind),
		cmocka_unit_test(test_i21_decode_control_code_only),
		cmocka_unit_test(test_i22_twamp_light_padding),
		cmocka_unit_test(test_i22_rfc8972_sender_served),
		cmocka_unit_test(test_i22_timestamp_info_subtlvs),
		cmocka_unit_test(test_i22_hmac_unverified_nothing_done),
		cmocka_unit_test(test_i22_reserved_zeroed),
		cmocka_unit_test(test_i22_hmac_unreached),
		cmocka_unit_test(test_i21b_control_code_not_first),
		cmocka_unit_test(test_i21b_timestamp_info_sub_errors),
		cmocka_unit_test(test_i21b_hmac_bad_length_then_bad),
		cmocka_unit_test(test_i21b_hmac_overrun),
	};

	size_t nfixed = sizeof(tests) / sizeof(tests[0]);
	size_t nrows = sizeof(flag_cases) / sizeof(flag_cases[0]), i;
	struct CMUnitTest all[sizeof(tests) / sizeof(tests[0]) +
			     sizeof(flag_cases) / sizeof(flag_cases[0])];
	int failed;

	memcpy(all, tests, sizeof(tests));
	for (i = 0; i < nrows; i++)
		all[nfixed + i] = (struct CMUnitTest){
			.name = flag_cases[i].name,
			.test_func = test_flag_case,
			.initial_state = (void *)&flag_cases[i],
		};
	stamp_auth_key_init(&akey, key, sizeof(key));
	failed = _cmocka_run_group_tests("tlv", all, nfixed + nrows, NULL, NULL);
	stamp_auth_key_wipe(&akey);
	return failed;
}
