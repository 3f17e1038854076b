/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_ROUTE_H
#define _STAMPNL_ROUTE_H

#include <sys/socket.h>

int route_oif(const struct sockaddr_storage *dst,
	      const struct sockaddr_storage *src);

#endif /* _STAMPNL_ROUTE_H */
