/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_KEYFILE_H
#define _STAMPNL_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
int stamp_keyfile_read(const char *path, uint8_t *key, size_t *len);

#endif /* _STAMPNL_KEYFILE_H */
