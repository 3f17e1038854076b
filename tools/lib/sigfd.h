/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_SIGFD_H
#define _STAMPNL_SIGFD_H

int sigfd_open(void);

#endif /* _STAMPNL_SIGFD_H */
