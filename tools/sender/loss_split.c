// SPDX-License-Identifier: GPL-2.0
/*
 * Forward and backward loss from a stateful reflector (RFC 8762 section
 * 4): its Seq counts the packets it reflected in this session, from 0,
 * while Sender Seq echoes ours, so between the two the sender can tell a
 * packet that never reached the reflector from a reply that never came
 * back. A pure function, unit-tested in tests/unit/test_loss_split.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loss_split.h"

static int cmp_reply(const void *a, const void *b)
{
	const struct loss_reply *x = a, *y = b;

	if (x->sender_seq != y->sender_seq)
		return (x->sender_seq > y->sender_seq) -
		       (x->sender_seq < y->sender_seq);
	return (x->refl_seq > y->refl_seq) - (x->refl_seq < y->refl_seq);
}

/**
 * loss_split() - split the unanswered packets by direction
 * @r: the replies that were believed, in any order, duplicates allowed
 * @n: how many
 * @sent: packets sent, Sender Seq 0 to @sent - 1
 * @stateful: the user says the reflector is stateful
 * @out: the result
 *
 * The reflector is known to be stateful when some reply has Seq != Sender
 * Seq, or when @stateful says so. A stateless one echoes our Seq, and so
 * does a stateful one that lost nothing on the way in: with unanswered
 * packets and no evidence either way, the split is left unknown rather
 * than guessed (@out->known false, everything in @out->unknown).
 *
 * R0, the reflector's Seq for our Seq 0, is 0 unless the reply with the
 * lowest Sender Seq S has a Seq R > S: the reflector's session existed
 * before this test, and R0 = R - S, which assumes that nothing before
 * that reply was lost on the way in.
 *
 * With S_max the highest Sender Seq answered and R_max the highest Seq of
 * any reply, the reflector reflected R_max - R0 + 1 of our packets 0 to
 * S_max: forward = S_max + 1 - that, backward = that - the distinct
 * Sender Seqs answered. R_max - R0 is taken modulo 2^32: Seq is four
 * octets, and the counter of a session older than the test may wrap
 * during it (fewer than 2^31 reflections since R0 are assumed). R_max is
 * the highest Seq, not S_max's own: when the forward path reorders S_max
 * ahead of an earlier packet, S_max's Seq is below the earlier one's,
 * and would count a packet that arrived as lost. The packets after S_max
 * are unknown: nothing reflected later tells whether they reached the
 * reflector. A reflector that counted more than we sent (duplicated on
 * the way in) is clamped to what was sent.
 * Every unanswered packet is in exactly one of the three counts.
 *
 * Return: 0, -EINVAL on a NULL pointer or a Sender Seq not below @sent,
 * -ENOMEM.
 */
int loss_split(const struct loss_reply *r, size_t n, uint64_t sent,
	       bool stateful, struct loss_split *out)
{
	uint64_t distinct = 0, s_max, reflected;
	int64_t r_max = 0;
	struct loss_reply *s;
	size_t i;

	if (!out || (n && !r))
		return -EINVAL;
	*out = (struct loss_split){ .stateful = stateful };
	for (i = 0; i < n; i++) {
		if (r[i].sender_seq >= sent)
			return -EINVAL;
		if (r[i].refl_seq != r[i].sender_seq)
			out->stateful = true;
	}
	if (!n) {
		out->unknown = sent;
		out->known = !sent;
		return 0;
	}

	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, r, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_reply);
	s_max = s[n - 1].sender_seq;
	/* sorted: the lowest Sender Seq, with its first reflection */
	if (s[0].refl_seq > s[0].sender_seq)
		out->refl_base = s[0].refl_seq - s[0].sender_seq;
	for (i = 0; i < n; i++) {
		/*
		 * From R0 modulo 2^32: a long session's Seq wraps. Below R0
		 * (reordered ahead of the lowest Sender Seq) is negative.
		 */
		int32_t off = (int32_t)(s[i].refl_seq - (uint32_t)out->refl_base);

		if (!i || s[i].sender_seq != s[i - 1].sender_seq)
			distinct++;
		if (off > r_max)
			r_max = off;
	}
	free(s);

	if (!out->stateful) {
		out->unknown = sent - distinct;
		out->known = !out->unknown;
		return 0;
	}
	/* r_max >= the lowest Sender Seq's offset >= 0 */
	reflected = r_max + 1;
	if (reflected > s_max + 1)
		reflected = s_max + 1;
	if (reflected < distinct)
		reflected = distinct;
	out->known = true;
	out->forward = s_max + 1 - reflected;
	out->backward = reflected - distinct;
	out->unknown = sent - 1 - s_max;
	return 0;
}
