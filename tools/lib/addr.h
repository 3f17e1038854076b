/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_ADDR_H
#define _STAMPNL_ADDR_H

#include <stdint.h>

/* An IPv4 (4 octets) or IPv6 (16 octets) address as netlink carries it. */
struct nladdr {
	uint8_t a[16];
	int len;	/* 4 or 16 */
};

int addr_parse(const char *s, struct nladdr *out);
int prefix_parse(const char *s, struct nladdr *out, unsigned int *plen);
const char *addr_str(const void *a, int len, char *buf, unsigned int size);

#endif /* _STAMPNL_ADDR_H */
