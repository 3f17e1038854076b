// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the shared wire codec (lib/wire*.c): the
 * reflector's parse-and-build, exactly as the module runs it in softirq,
 * and the sender's reply decoder. The buffer handed to stamp_reflect() is
 * allocated to exactly the capacity claimed, so ASan sees any write past
 * it. The first input octet picks the mode; the rest is the packet.
 * Mode 0x40 runs the TLV walk (lib/tlv*.c) the way the module runs it on
 * a reply, then the sender's decoder and HMAC TLV check on the result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlv.h"
#include "wire.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void fuzz_reflect(const uint8_t *data, size_t len, uint8_t mode)
{
	bool auth = mode & 1;
	size_t base = stamp_base_len(auth);
	size_t want = len > base ? len : base;
	/* sometimes a capacity one short: must fail cleanly, not overrun */
	size_t cap = (mode & 2) && want > 0 ? want - 1 : want;
	struct stamp_refl_params p = { .seq = 7, .rx_ts = 0x0102030405060708ULL,
				       .errest = 1, .ttl = 64,
				       .copy_seq = mode & 4 };
	struct stamp_reply r;
	uint8_t *buf = malloc(cap ? cap : 1);
	int ret;
	size_t n = len < cap ? len : cap;
	bool ext = stamp_test_mbz_clear(data, n, auth);

	if (!buf)
		return;
	memcpy(buf, data, n);
	ret = stamp_reflect(buf, n, cap, &p, auth);
	if (ret >= 0) {
		/* an SSID only from a request with its MBZ octets zero, and
		 * both of its octets
		 */
		if (!ext || n < (auth ? STAMP_AUTH_OFF_SSID : STAMP_OFF_SSID) + 2U)
			CHECK(stamp_get16(buf + (auth ? STAMP_AUTH_OFF_SSID :
						 STAMP_OFF_SSID)) == 0);
		/* never larger than the request or the base: no amplification */
		CHECK((size_t)ret == (len < cap ? (len > base ? len : base) :
				      (cap > base ? cap : base)));
		CHECK((size_t)ret <= cap);
		stamp_reflect_set_tx_ts(buf, 0x1111, auth);
		CHECK(stamp_reply_decode(buf, ret, &r, auth) == 0);
		CHECK(r.sender_ttl == 64 && r.rx_ts == p.rx_ts && r.ts == 0x1111);
	}
	free(buf);
}

static void fuzz_decode(const uint8_t *data, size_t len, uint8_t mode)
{
	bool auth = mode & 1;
	struct stamp_reply r;
	struct stamp_test t;
	struct stamp_time tm;
	uint64_t w;

	if (stamp_reply_decode(data, len, &r, auth) == 0) {
		stamp_ts_decode(r.ts, stamp_errest_is_ptp(r.errest), &tm);
		CHECK(tm.nsec < 1000000000U);
		stamp_ts_decode(r.rx_ts, stamp_errest_is_ptp(r.errest), &tm);
		CHECK(tm.nsec < 1000000000U);
		(void)stamp_errest_ns(r.errest);
	}
	if (stamp_test_decode(data, len, &t, auth) == 0) {
		/* a decoded time re-encodes to the same wire value (NTP) */
		stamp_ts_decode(t.ts, false, &tm);
		w = stamp_ts_encode(&tm, false);
		CHECK((w >> 32) == (t.ts >> 32));
	}
	if (len >= 2)
		CHECK(stamp_errest_encode(false, false,
					  stamp_errest_ns(stamp_get16(data))) &
		      STAMP_ERREST_MULT_MASK);
}

/* a stand-in digest: the codec's use of it is what is under test */
static int fake_hmac(void *priv, const uint8_t *seq, const uint8_t *tlvs,
		     size_t tlen, uint8_t *out)
{
	size_t i;

	memset(out, 0, STAMP_TLV_HMAC_LEN);
	for (i = 0; i < 4; i++)
		out[i] ^= seq[i];
	for (i = 0; i < tlen; i++)
		out[i % STAMP_TLV_HMAC_LEN] += tlvs[i];
	return 0;
}

static bool fake_local(void *priv, uint8_t family, const uint8_t *addr)
{
	return addr[0] & 1;
}

static void fuzz_tlv(const uint8_t *data, size_t len, uint8_t mode)
{
	bool auth = mode & 1;
	size_t base = stamp_base_len(auth);
	struct stamp_tlv_env env = {
		.family = mode & 2 ? 6 : 4, .sport = 1, .dport = 862,
		.mac = { 2, 0, 0, 0, 0, 1 }, .mac_len = mode & 4 ? 6 : 0,
		.dscp = 46, .ecn = 1, .cos_allowed = mode & 8,
		.have_counters = mode & 16, .rx_count = 3, .tx_count = 2,
		.have_prev = mode & 16, .prev_seq = 1, .prev_t3 = 5,
		.member_id = 7, .allow_return_addr = mode & 8,
		.req_seq = 9, .auth = auth,
		.hmac = mode & 32 ? fake_hmac : NULL,
		.is_local = fake_local,
	};
	struct stamp_tlv_result res;
	struct stamp_tlv_info info;
	uint8_t *buf, *orig;
	size_t i, hoff;

	if (len < base)
		return;
	buf = malloc(len);
	orig = malloc(len);
	if (!buf || !orig)
		goto out;
	memcpy(buf, data, len);
	memcpy(orig, data, len);
	CHECK(stamp_tlv_reflect(buf, len, base, &env, &res) == 0);
	/* the base packet is not the TLV codec's to touch */
	CHECK(!memcmp(buf, orig, base));
	/* only flags and values change: every TLV header keeps its type and
	 * length, so a second pass walks the same TLVs */
	for (i = 0; i < STAMP_TLV_NCOUNT; i++)
		CHECK(res.count[i] <= len / STAMP_TLV_HDR_LEN);
	if (res.integrity_failed)
		CHECK(!res.drop && !res.no_reply && !res.return_addr);
	/* an HMAC TLV nobody can verify vouches for nothing */
	if (!env.hmac && !stamp_tlv_hmac_find(orig, len, base, &hoff))
		CHECK(res.integrity_failed && !res.set_dscp);
	(void)stamp_tlv_decode(buf, len, base, &info);
	CHECK(info.ntlv <= len / STAMP_TLV_HDR_LEN);
	if (env.hmac && !stamp_tlv_hmac_find(buf, len, base, &hoff) &&
	    (orig[hoff] & STAMP_TLV_FLAG_U) && !(buf[hoff] & STAMP_TLV_FLAG_U))
		/* a reply HMAC TLV that was answered verifies */
		CHECK(stamp_tlv_hmac_verify(buf, len, base, NULL, fake_hmac,
					    NULL) == 0);
	CHECK(stamp_tlv_reflect(buf, len, base, &env, &res) == 0);
out:
	free(buf);
	free(orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (!len)
		return 0;
	if ((data[0] & 0xc0) == 0x40)
		fuzz_tlv(data + 1, len - 1, data[0]);
	else if (data[0] & 0x80)
		fuzz_decode(data + 1, len - 1, data[0]);
	else
		fuzz_reflect(data + 1, len - 1, data[0]);
	return 0;
}
