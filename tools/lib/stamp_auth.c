// SPDX-License-Identifier: GPL-2.0
/*
 * The HMAC of an authenticated STAMP packet (RFC 8762 section 4.4):
 * HMAC-SHA-256 truncated to 16 octets, over the first 96 octets, in the
 * 16 octets that follow them. The same rule for both directions, since
 * the test and reply layouts put the HMAC at the same offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/linux/stamp_wire.h>

#include "hmac_sha256.h"
#include "stamp_auth.h"

/**
 * stamp_auth_sign() - write the HMAC of a packet
 * @pkt: the packet, every field the HMAC covers already written
 * @len: its length
 * @key: the session key
 * @key_len: its length
 *
 * Return: 0, or -EINVAL when @len is shorter than the authenticated base.
 */
int stamp_auth_sign(uint8_t *pkt, size_t len, const uint8_t *key,
		    size_t key_len)
{
	uint8_t mac[SHA256_DIGEST_LEN];

	if (len < STAMP_AUTH_BASE_LEN)
		return -EINVAL;
	hmac_sha256(key, key_len, pkt, STAMP_AUTH_OFF_HMAC, mac);
	memcpy(pkt + STAMP_AUTH_OFF_HMAC, mac, STAMP_HMAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	return 0;
}

/**
 * stamp_auth_verify() - check the HMAC of a packet
 * @pkt: the packet
 * @len: its length
 * @key: the session key
 * @key_len: its length
 *
 * Return: true when the packet is long enough and its HMAC is right.
 */
bool stamp_auth_verify(const uint8_t *pkt, size_t len, const uint8_t *key,
		       size_t key_len)
{
	uint8_t mac[SHA256_DIGEST_LEN];
	bool ok;

	if (len < STAMP_AUTH_BASE_LEN)
		return false;
	hmac_sha256(key, key_len, pkt, STAMP_AUTH_OFF_HMAC, mac);
	ok = hmac_equal(mac, pkt + STAMP_AUTH_OFF_HMAC, STAMP_HMAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	return ok;
}

/**
 * stamp_auth_tlv_hmac() - the HMAC TLV's digest (RFC 8972 section 4.8)
 * @priv: a struct stamp_auth_key
 * @seq: the base packet's Seq field, 4 octets
 * @tlvs: the TLVs before the HMAC TLV
 * @tlen: their length
 * @out: 16 octets
 *
 * A stamp_tlv_hmac_fn for the shared TLV codec.
 *
 * Return: 0, or -ENOMEM.
 */
int stamp_auth_tlv_hmac(void *priv, const uint8_t *seq, const uint8_t *tlvs,
			size_t tlen, uint8_t *out)
{
	const struct stamp_auth_key *k = priv;
	uint8_t mac[SHA256_DIGEST_LEN];
	uint8_t *text = malloc(4 + tlen);

	if (!text)
		return -ENOMEM;
	memcpy(text, seq, 4);
	memcpy(text + 4, tlvs, tlen);
	hmac_sha256(k->key, k->len, text, 4 + tlen, mac);
	memcpy(out, mac, STAMP_TLV_HMAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	free(text);
	return 0;
}
