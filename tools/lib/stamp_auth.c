// SPDX-License-Identifier: GPL-2.0
/*
 * The HMAC of an authenticated STAMP packet (RFC 8762 section 4.4):
 * HMAC-SHA-256 truncated to 16 octets, over the first 96 octets, in the
 * 16 octets that follow them. The same rule for both directions, since
 * the test and reply layouts put the HMAC at the same offset.
 *
 * HMAC-SHA-256 itself is nettle's: a maintained, reviewed implementation
 * instead of one of our own.
 */
#include <errno.h>
#include <string.h>
#include <nettle/memops.h>
#include <uapi/linux/stamp_wire.h>

#include "stamp_auth.h"

/**
 * stamp_auth_key_init() - expand a key into a keyed context
 * @k: the context
 * @key: the key, which the caller may wipe afterwards
 * @key_len: its length; 0 leaves @k unset (no authentication)
 */
void stamp_auth_key_init(struct stamp_auth_key *k, const uint8_t *key,
			 size_t key_len)
{
	explicit_bzero(k, sizeof(*k));
	if (!key_len)
		return;
	hmac_sha256_set_key(&k->ctx, key_len, key);
	k->set = true;
}

/**
 * stamp_auth_key_wipe() - forget a key
 * @k: the context; it holds the key's inner and outer pads, as secret as
 *     the key itself
 */
void stamp_auth_key_wipe(struct stamp_auth_key *k)
{
	explicit_bzero(k, sizeof(*k));
}

/**
 * stamp_auth_mac() - HMAC-SHA-256 of a message
 * @k: a keyed context, left as it is
 * @msg: the message
 * @len: its length
 * @out: the 32-octet MAC
 */
void stamp_auth_mac(const struct stamp_auth_key *k, const void *msg,
		    size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx c = k->ctx;

	hmac_sha256_update(&c, len, msg);
	hmac_sha256_digest(&c, SHA256_DIGEST_SIZE, out);
	explicit_bzero(&c, sizeof(c));
}

/**
 * stamp_auth_sign() - write the HMAC of a packet
 * @pkt: the packet, every field the HMAC covers already written
 * @len: its length
 * @k: the session key
 *
 * Return: 0, or -EINVAL when @len is shorter than the authenticated base.
 */
int stamp_auth_sign(uint8_t *pkt, size_t len, const struct stamp_auth_key *k)
{
	uint8_t mac[SHA256_DIGEST_SIZE];

	if (len < STAMP_AUTH_BASE_LEN)
		return -EINVAL;
	stamp_auth_mac(k, pkt, STAMP_AUTH_OFF_HMAC, mac);
	memcpy(pkt + STAMP_AUTH_OFF_HMAC, mac, STAMP_HMAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	return 0;
}

/**
 * stamp_auth_verify() - check the HMAC of a packet
 * @pkt: the packet
 * @len: its length
 * @k: the session key
 *
 * The comparison takes the same time wherever the MACs differ.
 *
 * Return: true when the packet is long enough and its HMAC is right.
 */
bool stamp_auth_verify(const uint8_t *pkt, size_t len,
		       const struct stamp_auth_key *k)
{
	uint8_t mac[SHA256_DIGEST_SIZE];
	bool ok;

	if (len < STAMP_AUTH_BASE_LEN)
		return false;
	stamp_auth_mac(k, pkt, STAMP_AUTH_OFF_HMAC, mac);
	ok = memeql_sec(mac, pkt + STAMP_AUTH_OFF_HMAC, STAMP_HMAC_LEN);
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
 * A stamp_tlv_hmac_fn for the shared TLV codec. The text is Seq || TLVs,
 * fed in two updates rather than copied together.
 *
 * Return: 0.
 */
int stamp_auth_tlv_hmac(void *priv, const uint8_t *seq, const uint8_t *tlvs,
			size_t tlen, uint8_t *out)
{
	const struct stamp_auth_key *k = priv;
	struct hmac_sha256_ctx c = k->ctx;
	uint8_t mac[SHA256_DIGEST_SIZE];

	hmac_sha256_update(&c, 4, seq);
	hmac_sha256_update(&c, tlen, tlvs);
	hmac_sha256_digest(&c, SHA256_DIGEST_SIZE, mac);
	memcpy(out, mac, STAMP_TLV_HMAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(&c, sizeof(c));
	return 0;
}
