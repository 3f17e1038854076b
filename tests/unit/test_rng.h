/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xorshift64* (Vigna, 2016) for the unit tests: the same samples on every
 * run and every machine, from the seed each test keeps in its own state.
 */
#ifndef _KSTAMP_TEST_RNG_H
#define _KSTAMP_TEST_RNG_H

#include <stdint.h>

static inline uint64_t xorshift64s(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

#endif /* _KSTAMP_TEST_RNG_H */
