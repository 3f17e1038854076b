/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_STAMP_AUTH_H
#define _STAMPNL_STAMP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int stamp_auth_sign(uint8_t *pkt, size_t len, const uint8_t *key,
		    size_t key_len);
bool stamp_auth_verify(const uint8_t *pkt, size_t len, const uint8_t *key,
		       size_t key_len);

/* the key of the HMAC TLV callback below */
struct stamp_auth_key {
	const uint8_t *key;
	size_t len;
};

int stamp_auth_tlv_hmac(void *priv, const uint8_t *seq, const uint8_t *tlvs,
			size_t tlen, uint8_t *out);

#endif /* _STAMPNL_STAMP_AUTH_H */
