/* SPDX-License-Identifier: MIT */
/*
 * rlc/bucket.h - `bucket`: GCRA, a token bucket of burst C refilled at one
 * unit per T = ceil(W / C) ns, on one word.
 *
 * The word is the theoretical arrival time TAT (CLOCK_MONOTONIC ns): the
 * bucket is full when TAT <= now, and holds C - (TAT - now) / T tokens
 * otherwise.  Taking x at time t sets TAT = max(TAT, t) + x T, allowed while
 * that stays within C T of t.  Over any span [a, b] the granted weight is at
 * most C + (b - a) / T: TAT only grows by x T per grant from at least a, and
 * never passes b + C T.  That argument holds whatever order the processes'
 * clock reads land in, so, unlike the window, a bucket needs no staleness
 * check.  A bucket meters a rate; it does NOT bound "C per rolling W" (about
 * C + C = 2C can pass within one W).  Use `window` for those limits.
 *
 * Memory order: the word is self-contained (no other data is published
 * through it), so every access is relaxed.
 */
#ifndef RLC_BUCKET_H
#define RLC_BUCKET_H

#include <errno.h>
#include <stdint.h>

#include "segment.h"

/*
 * Take `weight` from a bucket limit at time `now`.  Lock-free.  Returns 0
 * and the TAT after the grant in *token; -EAGAIN when it does not fit, with
 * the exact wait in *retry_ns.  The caller has checked weight <= effective.
 */
static inline int rlc_bucket_take(struct rlc_limit *l, uint64_t now, uint32_t weight,
				  uint64_t *token, uint64_t *retry_ns)
{
	const uint64_t burst = (uint64_t)l->effective * l->step_ns;
	const uint64_t cost = (uint64_t)weight * l->step_ns;
	uint64_t tat = rlc__load_relaxed(&l->state);
	uint64_t next;

	for (;;) {
		next = (tat > now ? tat : now) + cost;
		if (next - now > burst) {
			*retry_ns = next - burst - now;
			return -EAGAIN;
		}
		if (rlc__cas_relaxed(&l->state, &tat, next)) {
			*token = next;
			return 0;
		}
	}
}

/*
 * Give back `weight` taken with TAT `token`, at time `now`: only the part of
 * its cost that has not already refilled, so the bucket never holds more
 * than it would have without the grant.  Lock-free.
 */
static inline void rlc_bucket_refund(struct rlc_limit *l, uint64_t now, uint64_t token,
				     uint32_t weight)
{
	uint64_t back = (uint64_t)weight * l->step_ns;
	uint64_t tat = rlc__load_relaxed(&l->state);

	if (token <= now)
		return;
	if (token - now < back)
		back = token - now;
	while (!rlc__cas_relaxed(&l->state, &tat, tat - (tat < back ? tat : back)))
		;
}

/* Tokens in use at `now` (rounded up).  Reads only. */
static inline uint64_t rlc_bucket_used(const struct rlc_limit *l, uint64_t now)
{
	uint64_t tat = rlc__load_relaxed(&l->state);

	return tat > now ? (tat - now + l->step_ns - 1) / l->step_ns : 0;
}

#endif /* RLC_BUCKET_H */
