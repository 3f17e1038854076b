/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every userspace program of kstamp shares. */
#ifndef _KSTAMP_UTIL_H
#define _KSTAMP_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* _KSTAMP_UTIL_H */
