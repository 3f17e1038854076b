// SPDX-License-Identifier: GPL-2.0
/* Addresses and prefixes on the command line and in netlink attributes. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "parse.h"

/**
 * addr_parse() - a numeric IPv4 or IPv6 address
 * @s: the text
 * @out: the address
 *
 * Return: 0, or -EINVAL with a message printed.
 */
int addr_parse(const char *s, struct nladdr *out)
{
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->len = 16;
		return 0;
	}
	fprintf(stderr, "stampnl: '%s' is not an IPv4 or IPv6 address\n", s);
	return -EINVAL;
}

/**
 * prefix_parse() - ADDR/LEN, or ADDR alone for a host
 * @s: the text
 * @out: the address
 * @plen: the prefix length
 *
 * Host bits are left for the kernel to refuse, so the message names them.
 *
 * Return: 0, or -EINVAL with a message printed.
 */
int prefix_parse(const char *s, struct nladdr *out, unsigned int *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned int n;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (addr_parse(buf, out))
		return -EINVAL;
	*plen = out->len * 8;
	if (!slash)
		return 0;
	if (parse_uint(slash + 1, 0, *plen, &n)) {
		fprintf(stderr, "stampnl: bad prefix length in '%s' (0-%u)\n",
			s, *plen);
		return -EINVAL;
	}
	*plen = n;
	return 0;
}

/**
 * addr_str() - an address as text
 * @a: 4 or 16 octets
 * @len: 4 or 16
 * @buf: where to write
 * @size: its size
 *
 * Return: @buf.
 */
const char *addr_str(const void *a, int len, char *buf, unsigned int size)
{
	if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, a, buf, size))
		snprintf(buf, size, "?");
	return buf;
}
