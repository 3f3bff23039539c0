/* SPDX-License-Identifier: MIT */
/*
 * rlc/priority.h - priorities: reserves, and the marks of waiting requests.
 *
 * Reserves.  A request of priority p may fill a limit only up to its
 * ceiling: the effective capacity less reserve[p] of it, so that the last
 * reserve[p] stays for higher priorities (reserve[CRITICAL] is 0).  Every
 * ceiling is computed once, at open, from private copies.
 *
 * Marks.  A request that waits (rlc_acquire, rlc_reserve_wait) leaves on the
 * limit that refused it a mark: waiting[p] = the latest time until which
 * some waiter of priority p still expects to take it, raised by atomic max.
 * A request of a lower priority yields while any higher priority's mark is
 * in the future, so traffic that arrives after a waiter cannot take the
 * room the waiter is waiting for.  The mark is a time, not a count: a
 * waiter that dies holds nobody back past min(its deadline, its wake-up +
 * RLC_WAIT_GRACE_NS), and no one has to clear it.
 *
 * Memory order: a mark publishes nothing but itself, so every access is
 * relaxed.  A yield that reads a mark late only lets one lower-priority
 * grant through, which the waiter's next try (with a fresh mark) stops.
 */
#ifndef RLC_PRIORITY_H
#define RLC_PRIORITY_H

#include <stdint.h>

#include "atomic.h"
#include "segment.h" /* RLC_PRIOS */

/* How long past its wake-up a waiter's mark holds lower priorities back:
 * room for the waiter to be scheduled and retry. */
#define RLC_WAIT_GRACE_NS UINT64_C(20000000) /* 20 ms */

/*
 * Effective capacity less a reserve of `reserve_ppm` of it, the reserve
 * scaled by `scale_ppm` (a mode's reserve setting).  Rounds the reserve
 * down: a ceiling is never below what the reserve leaves.
 */
static inline uint32_t rlc_ceiling(uint32_t effective, uint32_t reserve_ppm, uint32_t scale_ppm)
{
	uint64_t r = (uint64_t)reserve_ppm * scale_ppm / 1000000u;

	return effective - (uint32_t)((uint64_t)effective * r / 1000000u);
}

/*
 * Must a request of priority p yield on the limit whose marks are
 * waiting[0 .. RLC_PRIOS - 2], at time `now`?  1 with the mark's time in
 * *until, else 0.
 */
static inline int rlc_priority_yield(const rlc_word *waiting, uint32_t p, uint64_t now,
				     uint64_t *until)
{
	uint32_t q;

	for (q = 0; q < p; q++) {
		uint64_t mark = rlc__load_relaxed(&waiting[q]);

		if (mark > now) {
			*until = mark;
			return 1;
		}
	}
	return 0;
}

/*
 * Leave a mark of priority p until `until` (atomic max).  Lock-free: a CAS
 * fails only when another waiter raised the word.  The lowest priority
 * holds no one back and leaves none.
 */
static inline void rlc_priority_mark(rlc_word *waiting, uint32_t p, uint64_t until)
{
	uint64_t seen;

	if (p >= RLC_PRIOS - 1)
		return;
	seen = rlc__load_relaxed(&waiting[p]);
	while (seen < until && !rlc__cas_relaxed(&waiting[p], &seen, until))
		;
}

#endif /* RLC_PRIORITY_H */
