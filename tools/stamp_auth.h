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

#endif /* _STAMPNL_STAMP_AUTH_H */
