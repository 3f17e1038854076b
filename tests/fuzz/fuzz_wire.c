// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the shared wire codec (kmod/wire.c): the
 * reflector's parse-and-build, exactly as the module runs it in softirq,
 * and the sender's reply decoder. The buffer handed to stamp_reflect() is
 * allocated to exactly the capacity claimed, so ASan sees any write past
 * it. The first input octet picks the mode; the rest is the packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

	if (!buf)
		return;
	memcpy(buf, data, len < cap ? len : cap);
	ret = stamp_reflect(buf, len < cap ? len : cap, cap, &p, auth);
	if (ret >= 0) {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (!len)
		return 0;
	if (data[0] & 0x80)
		fuzz_decode(data + 1, len - 1, data[0]);
	else
		fuzz_reflect(data + 1, len - 1, data[0]);
	return 0;
}
