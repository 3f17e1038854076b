// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-256 as FIPS 180-4 section 6.2 gives it, and HMAC as RFC 2104 does.
 * Every intermediate that depends on the key is wiped before returning:
 * the key must not outlive the test in freed stack.
 */
#include <string.h>

#include "hmac_sha256.h"

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned int n)
{
	return x >> n | x << (32 - n);
}

static void block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10) +
		       w[i - 7] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) +
		       w[i - 16];
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	f = h[5];
	g = h[6];
	hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
	/* the schedule is the message, which is the key in HMAC's pads */
	explicit_bzero(w, sizeof(w));
}

/**
 * sha256_init() - start a hash
 * @c: the state
 */
void sha256_init(struct sha256_ctx *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
	c->nbuf = 0;
}

/**
 * sha256_update() - hash more of the message
 * @c: the state
 * @data: the next octets
 * @len: how many
 */
void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->bytes += len;
	if (c->nbuf) {
		size_t n = SHA256_BLOCK_LEN - c->nbuf;

		if (n > len)
			n = len;
		memcpy(c->buf + c->nbuf, p, n);
		c->nbuf += n;
		p += n;
		len -= n;
		if (c->nbuf < SHA256_BLOCK_LEN)
			return;
		block(c->h, c->buf);
		c->nbuf = 0;
	}
	for (; len >= SHA256_BLOCK_LEN; p += SHA256_BLOCK_LEN,
	     len -= SHA256_BLOCK_LEN)
		block(c->h, p);
	memcpy(c->buf, p, len);
	c->nbuf = len;
}

/**
 * sha256_final() - pad, and write the digest
 * @c: the state, wiped afterwards
 * @out: the digest
 */
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN])
{
	uint64_t bits = c->bytes * 8;
	unsigned int i;

	c->buf[c->nbuf++] = 0x80;
	if (c->nbuf > SHA256_BLOCK_LEN - 8) {
		memset(c->buf + c->nbuf, 0, SHA256_BLOCK_LEN - c->nbuf);
		block(c->h, c->buf);
		c->nbuf = 0;
	}
	memset(c->buf + c->nbuf, 0, SHA256_BLOCK_LEN - 8 - c->nbuf);
	for (i = 0; i < 8; i++)
		c->buf[SHA256_BLOCK_LEN - 1 - i] = bits >> (8 * i);
	block(c->h, c->buf);
	for (i = 0; i < 8; i++) {
		out[4 * i] = c->h[i] >> 24;
		out[4 * i + 1] = c->h[i] >> 16;
		out[4 * i + 2] = c->h[i] >> 8;
		out[4 * i + 3] = c->h[i];
	}
	explicit_bzero(c, sizeof(*c));
}

/**
 * sha256() - the digest of a message in one piece
 * @data: the message
 * @len: its length
 * @out: the digest
 */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}

/**
 * hmac_sha256() - HMAC-SHA-256 of a message (RFC 2104)
 * @key: the key; one longer than a block is hashed first
 * @key_len: its length
 * @msg: the message
 * @msg_len: its length
 * @out: the full 32-octet MAC; STAMP keeps the first 16 (RFC 8762 4.4)
 */
void hmac_sha256(const uint8_t *key, size_t key_len, const void *msg,
		 size_t msg_len, uint8_t out[SHA256_DIGEST_LEN])
{
	uint8_t k0[SHA256_BLOCK_LEN] = { 0 }, pad[SHA256_BLOCK_LEN];
	uint8_t inner[SHA256_DIGEST_LEN];
	struct sha256_ctx c;
	unsigned int i;

	if (key_len > SHA256_BLOCK_LEN)
		sha256(key, key_len, k0);
	else
		memcpy(k0, key, key_len);

	for (i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k0[i] ^ 0x36;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof(pad));
	sha256_update(&c, msg, msg_len);
	sha256_final(&c, inner);

	for (i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k0[i] ^ 0x5c;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof(pad));
	sha256_update(&c, inner, sizeof(inner));
	sha256_final(&c, out);

	explicit_bzero(k0, sizeof(k0));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
}

/**
 * hmac_equal() - compare two MACs in constant time
 * @a: one
 * @b: the other
 * @len: octets to compare
 *
 * A comparison that stops at the first difference tells an attacker, by
 * its timing, how many leading octets of a forged MAC were right.
 *
 * Return: true when the @len octets are the same.
 */
bool hmac_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t diff = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		diff |= a[i] ^ b[i];
		/* keeps the compiler from ending the loop at diff == 0xff */
		__asm__ ("" : "+r" (diff));
	}
	return !diff;
}
