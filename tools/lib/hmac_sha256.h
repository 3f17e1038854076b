/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), freestanding: the
 * sender signs a test packet per send, and linking OpenSSL for 96 octets
 * would be a dependency out of all proportion.
 */
#ifndef _STAMPNL_HMAC_SHA256_H
#define _STAMPNL_HMAC_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_BLOCK_LEN 64

struct sha256_ctx {
	uint32_t h[8];
	uint64_t bytes;			/* hashed so far */
	uint8_t buf[SHA256_BLOCK_LEN];	/* a partial block */
	size_t nbuf;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

void hmac_sha256(const uint8_t *key, size_t key_len, const void *msg,
		 size_t msg_len, uint8_t out[SHA256_DIGEST_LEN]);
bool hmac_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif /* _STAMPNL_HMAC_SHA256_H */
