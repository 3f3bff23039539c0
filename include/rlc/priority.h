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
 * some waiter of priority p still expects to take it, raised by atomic max,
 * and waiting[RLC_WAIT_ANY] raised the same way, so that a request finds
 * with one load that no mark holds it back.  A request of a lower priority
 * yields while any higher priority's mark is in the future, so traffic that
 * arrives after a waiter cannot take the room the waiter is waiting for.
 * The mark is a time, not a count: a waiter that dies holds nobody back
 * past min(its deadline, its wake-up + RLC_WAIT_GRACE_NS), and no one has
 * to clear it.
 *
 * Memory order: a mark publishes nothing but itself, so every access is
 * relaxed.  A yield that reads a mark late (waiting[RLC_WAIT_ANY] before
 * the waiter raised it, say) only lets one lower-priority grant through,
 * which the waiter's next try, with a fresh mark, stops.
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
 * scaled by `scale_ppm` (a mode's reserve setting):
 * E - floor(E x reserve x scale), rounded once.  The product stays below
 * 2^64: E < 2^24, and each fraction is at most 10^6 ppm.
 */
static inline uint32_t rlc_ceiling(uint32_t effective, uint32_t reserve_ppm, uint32_t scale_ppm)
{
	uint64_t held = (uint64_t)effective * reserve_ppm * scale_ppm / UINT64_C(1000000000000);

	return effective - (uint32_t)held;
}

/* The summary word: the latest mark of any priority. */
#define RLC_WAIT_ANY (RLC_PRIOS - 1)

/*
 * Must a request of priority p yield on the limit whose marks are
 * waiting[0 .. RLC_PRIOS - 1], at time `now`, to a mark at most
 * `horizon_ns` ahead (a mark further out waits for what a grant now cannot
 * take; see rlc_priority_horizon)?  1 with the mark's time in *until,
 * else 0.
 */
static inline int rlc_priority_yield(const rlc_word *waiting, uint32_t p, uint64_t now,
				     uint64_t horizon_ns, uint64_t *until)
{
	uint32_t q;

	if (p == RLC_PRIO_CRITICAL || rlc__load_relaxed(&waiting[RLC_WAIT_ANY]) <= now)
		return 0;
	for (q = 0; q < p; q++) {
		uint64_t mark = rlc__load_relaxed(&waiting[q]);

		if (mark > now && mark - now <= horizon_ns) {
			*until = mark;
			return 1;
		}
	}
	return 0;
}

/*
 * How far ahead of now a waiter's mark on a limit holds lower priorities
 * back.  On a window or a bucket, however far: what is granted now stays
 * counted when the waiter wakes.  On a fixed limit the waiter waits for a
 * later interval, which a grant now reaches only through its guard span
 * (L + 2e), so a mark holds back within that and the grace of both sides.
 */
static inline uint64_t rlc_priority_horizon(uint32_t algorithm, uint64_t latency_ns,
					    uint64_t clock_error_ns)
{
	if (algorithm != RLC_ALGO_FIXED)
		return UINT64_MAX;
	return latency_ns + 2 * clock_error_ns + 2 * RLC_WAIT_GRACE_NS;
}

/* Raise *word to `until` (atomic max).  A CAS fails only when another raised it. */
static inline void rlc__raise(rlc_word *word, uint64_t until)
{
	uint64_t seen = rlc__load_relaxed(word);

	while (seen < until && !rlc__cas_relaxed(word, &seen, until))
		;
}

/*
 * Leave a mark of priority p until `until`, and raise the summary with it.
 * Lock-free.  The lowest priority holds no one back and leaves none.
 */
static inline void rlc_priority_mark(rlc_word *waiting, uint32_t p, uint64_t until)
{
	if (p >= RLC_PRIO_LOW)
		return;
	rlc__raise(&waiting[p], until);
	rlc__raise(&waiting[RLC_WAIT_ANY], until);
}

#endif /* RLC_PRIORITY_H */
