/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_BPF_STAMP_H
#define _STAMPNL_BPF_STAMP_H

#include <stddef.h>
#include <linux/types.h>

#include "stamp_tc.h"

struct bpf_stamp;

int bpf_stamp_open(struct bpf_stamp **out, int ifindex,
		   const struct stamp_tc_cfg *cfg, char *why, size_t len);
int bpf_stamp_t4(struct bpf_stamp *b, __u32 seq, __u64 *t4_tai_ns);
void bpf_stamp_close(struct bpf_stamp *b);

#endif /* _STAMPNL_BPF_STAMP_H */
