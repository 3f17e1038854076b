/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_LOSS_SPLIT_H
#define _STAMPNL_LOSS_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one reply says: the Sender Seq it echoes, and its own Seq. */
struct loss_reply {
	uint32_t sender_seq;
	uint32_t refl_seq;
};

/* Unanswered packets by the direction they were lost in. */
struct loss_split {
	bool stateful;		/* the reflector keeps its own Seq */
	bool known;		/* forward and backward can be told apart */
	uint64_t forward;	/* lost on the way to the reflector */
	uint64_t backward;	/* reflected, lost on the way back */
	uint64_t unknown;	/* direction not known */
	uint64_t refl_base;	/* R0: the reflector's Seq for our Seq 0 */
};

int loss_split(const struct loss_reply *r, size_t n, uint64_t sent,
	       bool stateful, struct loss_split *out);

#endif /* _STAMPNL_LOSS_SPLIT_H */
