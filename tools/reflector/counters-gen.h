/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/stamp.yaml */
/* by scripts/counters-gen.py (make regen) */

#ifndef _STAMPNL_COUNTERS_GEN_H
#define _STAMPNL_COUNTERS_GEN_H

#define STAMP_NCOUNTERS 25
#define STAMP_NTLV_COUNTERS 19

#endif /* _STAMPNL_COUNTERS_GEN_H */
