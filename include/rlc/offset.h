/* SPDX-License-Identifier: MIT */
/*
 * rlc/offset.h - learning an exchange's clock from its responses.
 *
 * A response says the exchange's clock read S (a Date header: S to S + 1 s;
 * a server-time field: S to S + 1 ms) at some moment between the request
 * leaving (local CLOCK_REALTIME `sent`) and the response arriving (`recv`).
 * So the offset, exchange clock minus ours, lies in
 *
 *     [S - recv, S + resolution - sent].
 *
 * Each exchange keeps the intersection of those intervals in two shared
 * words, clock_lo (atomic max) and clock_hi (atomic min), and the offset in
 * force, the middle of them, in clock_offset_ns for its fixed limits
 * (rlc/fixed.h).  Requests land at every phase of the exchange's second,
 * so a few dozen Date headers narrow a one-second interval to about a
 * round trip.  A sample that misses the interval altogether means a clock
 * moved (an NTP step, a drift past the bounds), or the sample is wrong (a
 * cached response's Date).  One such sample changes nothing: it is parked
 * in clock_parked.  A second that misses too and agrees with it (their
 * middles within the second's width) starts the bounds afresh from the
 * second; one that does not takes its place.  So a lone wrong Date never
 * moves the offset (which would move every fixed interval with it, and a
 * word labelled ahead refuses until the clock catches up), and a real step
 * is followed after two responses.
 *
 * The words hold offsets + 2^63, so that unsigned max and min order them;
 * clock_lo 0 and clock_hi UINT64_MAX mean nothing is learned yet.  Memory
 * order: relaxed.  Each word is a bound on its own; a reader that sees one
 * bound before the other's change computes an offset between the two
 * estimates, and the next sample sets it again.  A pair that is not a pair
 * of bounds (one of them still "nothing learned" while another process
 * forgets or starts them, or lo above hi) is not used: the sample's own
 * middle is stored instead.
 */
#ifndef RLC_OFFSET_H
#define RLC_OFFSET_H

#include <errno.h>
#include <stdint.h>

#include "catalog.h"
#include "clock.h"
#include "priority.h" /* rlc__raise */

#define RLC__OFFSET_BIAS (UINT64_C(1) << 63)
/* The farthest an exchange clock may be from ours (rlc_clock_offset_set). */
#define RLC_OFFSET_MAX_NS (INT64_C(86400) * 1000000000)

/* Lower *word to `bound` (atomic min). */
static inline void rlc__lower(rlc_word *word, uint64_t bound)
{
	uint64_t seen = rlc__load_relaxed(word);

	while (seen > bound && !rlc__cas_relaxed(word, &seen, bound))
		;
}

/* The middle of biased bounds lo <= hi, as an offset. */
static inline int64_t rlc__offset_middle(uint64_t lo, uint64_t hi)
{
	return (int64_t)(lo / 2 + hi / 2 + (lo & hi & 1u) - RLC__OFFSET_BIAS / 2 -
			 RLC__OFFSET_BIAS / 2);
}

/*
 * Learn from one response of exchange *x: its clock read `server_ns` (ns
 * since the Unix epoch, good to `resolution_ns`) between local
 * CLOCK_REALTIME `sent_ns` and `recv_ns`.  Returns 1 with the new offset
 * stored; 0 when the sample missed the bounds and was parked; -ERANGE for
 * a sample implying an offset beyond a day either way (a wrong Date, not a
 * clock), which changes nothing; -EINVAL when sent is after recv.
 * Lock-free.
 */
static inline int rlc_offset_learn(const struct rlc_exchange_view *x, uint64_t server_ns,
				   uint64_t resolution_ns, uint64_t sent_ns, uint64_t recv_ns)
{
	/* Two's complement differences: every time here is within 2^62 ns. */
	int64_t lo = (int64_t)(server_ns - recv_ns);
	int64_t hi = (int64_t)(server_ns + resolution_ns - sent_ns);
	uint64_t blo, bhi, seen_lo, seen_hi;

	if (sent_ns > recv_ns || server_ns > (UINT64_C(1) << 62) || recv_ns > (UINT64_C(1) << 62) ||
	    resolution_ns > RLC_NS_PER_SEC)
		return -EINVAL;
	if (lo < -RLC_OFFSET_MAX_NS || hi > RLC_OFFSET_MAX_NS)
		return -ERANGE;
	blo = (uint64_t)lo + RLC__OFFSET_BIAS;
	bhi = (uint64_t)hi + RLC__OFFSET_BIAS;
	seen_lo = rlc__load_relaxed(x->clock_lo);
	seen_hi = rlc__load_relaxed(x->clock_hi);
	if (blo > seen_hi || bhi < seen_lo) {
		/* Outside what was learned: wait for a second opinion. */
		uint64_t mid = (uint64_t)rlc__offset_middle(blo, bhi) + RLC__OFFSET_BIAS;
		uint64_t parked = rlc__load_relaxed(x->clock_parked);

		if (!parked || (mid > parked ? mid - parked : parked - mid) > bhi - blo) {
			rlc__store_relaxed(x->clock_parked, mid);
			return 0;
		}
		rlc__store_relaxed(x->clock_parked, 0);
		rlc__store_relaxed(x->clock_lo, blo);
		rlc__store_relaxed(x->clock_hi, bhi);
		rlc__store_relaxed(x->clock_samples, 0); /* counted below: this one */
	} else {
		rlc__raise(x->clock_lo, blo);
		rlc__lower(x->clock_hi, bhi);
	}
	seen_lo = rlc__load_relaxed(x->clock_lo);
	seen_hi = rlc__load_relaxed(x->clock_hi);
	if (seen_lo == 0 || seen_hi == UINT64_MAX || seen_lo > seen_hi)
		seen_lo = blo, seen_hi = bhi; /* not a pair of bounds (see above) */
	rlc__store_relaxed(x->clock_offset, (uint64_t)rlc__offset_middle(seen_lo, seen_hi));
	rlc__add_relaxed(x->clock_samples, 1);
	return 1;
}

/*
 * Forget what was learned (an operator set the offset by hand): the next
 * sample starts the bounds afresh.
 */
static inline void rlc__offset_forget(const struct rlc_exchange_view *x)
{
	rlc__store_relaxed(x->clock_lo, 0);
	rlc__store_relaxed(x->clock_hi, UINT64_MAX);
	rlc__store_relaxed(x->clock_parked, 0);
	rlc__store_relaxed(x->clock_samples, 0);
}

/*
 * The offset in force of exchange *x, as its fixed limits use it: a word
 * beyond a day either way was written by no rlc call (rlc_clock_offset_set
 * and rlc_offset_learn both keep within one), and is taken as a day, so a
 * corrupt word costs at most a day's misalignment.
 */
static inline int64_t rlc__offset_of(const struct rlc_exchange_view *x)
{
	/* Self-contained word: relaxed.  Two's complement, as stored. */
	int64_t o = (int64_t)rlc__load_relaxed(x->clock_offset);

	return o > RLC_OFFSET_MAX_NS ? RLC_OFFSET_MAX_NS : o < -RLC_OFFSET_MAX_NS ? -RLC_OFFSET_MAX_NS : o;
}

#endif /* RLC_OFFSET_H */
