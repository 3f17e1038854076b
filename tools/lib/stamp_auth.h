/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HMAC of authenticated STAMP packets and of the HMAC TLV, over
 * nettle's HMAC-SHA-256. A key is expanded once into a keyed context;
 * each MAC works on a copy of it, so a key serves any number of packets
 * (and threads) without hashing the key again.
 */
#ifndef _STAMPNL_STAMP_AUTH_H
#define _STAMPNL_STAMP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nettle/hmac.h>

/* a keyed HMAC-SHA-256 context; wipe it with stamp_auth_key_wipe() */
struct stamp_auth_key {
	struct hmac_sha256_ctx ctx;
	bool set;
};

void stamp_auth_key_init(struct stamp_auth_key *k, const uint8_t *key,
			 size_t key_len);
void stamp_auth_key_wipe(struct stamp_auth_key *k);
void stamp_auth_mac(const struct stamp_auth_key *k, const void *msg,
		    size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

int stamp_auth_sign(uint8_t *pkt, size_t len, const struct stamp_auth_key *k);
bool stamp_auth_verify(const uint8_t *pkt, size_t len,
		       const struct stamp_auth_key *k);

/* a stamp_tlv_hmac_fn: @priv is a const struct stamp_auth_key */
int stamp_auth_tlv_hmac(void *priv, const uint8_t *seq, const uint8_t *tlvs,
			size_t tlen, uint8_t *out);

#endif /* _STAMPNL_STAMP_AUTH_H */
