// SPDX-License-Identifier: GPL-2.0
/*
 * Authenticated mode (RFC 8762 section 4.4): HMAC-SHA-256 truncated to 16
 * octets over the first 96 octets of a packet.
 *
 * Each key is a crypto_shash transform keyed once, in process context, when
 * the key is set over netlink. A transform is reentrant once keyed: per
 * packet, softirq only needs a descriptor on the stack, so verifying and
 * signing never allocate. Keys are freed after an RCU grace period from a
 * workqueue, since freeing a transform is not for softirq; module exit
 * drains that workqueue after rcu_barrier().
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "stamp.h"

#define HMAC_SPAN STAMP_AUTH_OFF_HMAC

struct stamp_key {
	struct crypto_shash *tfm;
	struct rcu_work free;
};

static struct workqueue_struct *stamp_key_wq;

/**
 * stamp_key_new() - a key ready for softirq use
 * @key: the secret
 * @len: its length, STAMP_KEY_MIN_LEN to STAMP_KEY_MAX_LEN
 *
 * Process context only.
 *
 * Return: the key or an ERR_PTR.
 */
struct stamp_key *stamp_key_new(const u8 *key, unsigned int len)
{
	struct stamp_key *k;
	int err;

	if (len < STAMP_KEY_MIN_LEN || len > STAMP_KEY_MAX_LEN)
		return ERR_PTR(-EINVAL);
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(k->tfm)) {
		err = PTR_ERR(k->tfm);
		goto err_free;
	}
	err = crypto_shash_setkey(k->tfm, key, len);
	if (err)
		goto err_tfm;
	return k;

err_tfm:
	crypto_free_shash(k->tfm);
err_free:
	kfree(k);
	return ERR_PTR(err);
}

static void key_destroy(struct stamp_key *k)
{
	/* the transform wipes its keyed state as it is freed */
	crypto_free_shash(k->tfm);
	kfree(k);
}

static void key_free_work(struct work_struct *work)
{
	key_destroy(container_of(to_rcu_work(work), struct stamp_key, free));
}

/**
 * stamp_key_free() - free a key once no reader can hold it
 * @k: the key, unpublished, or NULL
 */
void stamp_key_free(struct stamp_key *k)
{
	if (!k)
		return;
	INIT_RCU_WORK(&k->free, key_free_work);
	queue_rcu_work(stamp_key_wq, &k->free);
}

static void hmac(struct stamp_key *k, const u8 *pkt, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, k->tfm);

	desc->tfm = k->tfm;
	/* cannot fail for a keyed synchronous hash over a flat buffer */
	crypto_shash_digest(desc, pkt, HMAC_SPAN, out);
	shash_desc_zero(desc);
}

/**
 * stamp_hmac_ok() - check an authenticated packet's HMAC
 * @k: the key
 * @pkt: at least STAMP_AUTH_BASE_LEN octets
 *
 * Constant time in the HMAC's contents.
 *
 * Return: whether it verifies.
 */
bool stamp_hmac_ok(struct stamp_key *k, const u8 *pkt)
{
	u8 mac[SHA256_DIGEST_SIZE];
	bool ok;

	hmac(k, pkt, mac);
	ok = !crypto_memneq(mac, pkt + STAMP_AUTH_OFF_HMAC, STAMP_HMAC_LEN);
	memzero_explicit(mac, sizeof(mac));
	return ok;
}

/**
 * stamp_hmac_sign() - fill in an authenticated packet's HMAC
 * @k: the key
 * @pkt: at least STAMP_AUTH_BASE_LEN octets, final in its first 96
 */
void stamp_hmac_sign(struct stamp_key *k, u8 *pkt)
{
	u8 mac[SHA256_DIGEST_SIZE];

	hmac(k, pkt, mac);
	memcpy(pkt + STAMP_AUTH_OFF_HMAC, mac, STAMP_HMAC_LEN);
	memzero_explicit(mac, sizeof(mac));
}

/**
 * stamp_hmac_tlv() - the HMAC TLV's digest (RFC 8972 section 4.8)
 * @k: the key
 * @seq: the base packet's Seq field, 4 octets
 * @tlvs: the TLVs before the HMAC TLV
 * @tlen: their length
 * @out: 16 octets: HMAC-SHA-256 truncated
 *
 * Softirq safe: the descriptor is on the stack, nothing is allocated.
 *
 * Return: 0 or the crypto layer's -errno.
 */
int stamp_hmac_tlv(struct stamp_key *k, const u8 *seq, const u8 *tlvs,
		   size_t tlen, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, k->tfm);
	u8 digest[SHA256_DIGEST_SIZE];
	int err;

	desc->tfm = k->tfm;
	err = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, seq, 4) ?:
	      crypto_shash_update(desc, tlvs, tlen) ?:
	      crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	if (!err)
		memcpy(out, digest, STAMP_TLV_HMAC_LEN);
	memzero_explicit(digest, sizeof(digest));
	return err;
}

/**
 * stamp_auth_init() - the workqueue that frees keys
 *
 * Return: 0 or -ENOMEM.
 */
int stamp_auth_init(void)
{
	stamp_key_wq = alloc_workqueue("stamp_refl_keys", WQ_UNBOUND, 0);
	return stamp_key_wq ? 0 : -ENOMEM;
}

/**
 * stamp_auth_exit() - wait for every key to be freed
 *
 * After every key was unpublished (namespaces gone).
 */
void stamp_auth_exit(void)
{
	/* queue_rcu_work() queues from an RCU callback: let them all run */
	rcu_barrier();
	destroy_workqueue(stamp_key_wq);
}

#ifdef STAMP_KUNIT
#include "auth_kunit.c"
#endif
