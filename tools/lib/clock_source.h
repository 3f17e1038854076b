/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_CLOCK_SOURCE_H
#define _STAMPNL_CLOCK_SOURCE_H

#include <stddef.h>

int stamp_clock_source_detect(const char *proc, char *who, size_t len);

#endif /* _STAMPNL_CLOCK_SOURCE_H */
