/* SPDX-License-Identifier: MIT */
/*
 * rlc/fixed.h - `fixed`: at most C weight may reach the exchange in any of
 * its clock-aligned intervals [kW, (k + 1)W).
 *
 * Time is the exchange's clock, x = CLOCK_REALTIME + the exchange's offset,
 * in ns since the Unix epoch; the caller reads it and passes it in.  The
 * exchange counts a request in the interval k = floor(a / W) of its arrival
 * a.  A request granted at x is sent after the grant and arrives within the
 * latency bound L of it, and x is off the exchange's clock by at most the
 * offset's error e, so a lies in the grant's span [x - e, x + L + e].  The
 * span is shorter than W (the configuration guarantees L + 2e < W), so it
 * meets one interval or two neighbours: lo = floor((x - e) / W) and
 * hi = floor((x + L + e) / W), hi <= lo + 1.  A grant is counted in both
 * when the span meets both: that is the guard around each boundary.
 *
 * State: the limit's two hot words, each packing (interval:40, count:24)
 * as a window word does.  `state` counts an even interval, `sum` an odd
 * one; interval k lives in word(k) = k odd ? sum : state, so the two
 * intervals of a span never share a word.
 *
 * Take(x, w, ceiling): add w to interval lo, then to hi if hi != lo; if
 * the second refuses, subtract w from the first again (all or nothing).
 * Adding w to interval k reads word(k) = (j, c):
 *   j == k: CAS (k, c) -> (k, c + w), refused if c + w > ceiling;
 *   j <  k: interval k starts: CAS (j, c) -> (k, w), refused if w > ceiling;
 *   j >  k: refused (-EAGAIN): another process whose clock reads later (or
 *           the offset before it moved back) has begun interval j = k + 2,
 *           so k's count is gone and nothing could bound k any more.  The
 *           taker waits until its span has left k.
 * A failed CAS reloads the word and decides again.  Refund subtracts w
 * from each interval of the grant whose word still holds that interval
 * (never below 0); after the word moved on, the interval is over and the
 * refund does nothing there.
 *
 * Invariant.  For every interval k, let G(k) be the grants never refunded
 * whose span meets k.  Then the weight of G(k) is at most the ceiling of
 * the last of them to add to k, so at most the limit's effective capacity
 * in the mode in force (the ceiling a caller passes, for its priority and
 * mode, never exceeds it).  By the span argument above, every request that reaches the
 * exchange inside interval k is one of G(k).  Proof:
 *   (1) A take returns 0 only after a successful add CAS, labelled k, on
 *       word(k) for every k from lo to hi: exactly the intervals its span
 *       meets.
 *   (2) Labels never decrease: an add writes its own k over a label <= k,
 *       a subtraction keeps the label.  So the values labelled k form one
 *       run in word(k)'s modification order, begun by an add from an
 *       older label and ended, if ever, by an add of a later interval.
 *       Every add to k, and every subtraction from k, lies in it.
 *   (3) A subtraction from k undoes an add to k earlier in the run, made
 *       by the same grant: a refund (or a rollback) happens after its take
 *       (write-write coherence orders the two CASes so), each grant is
 *       refunded once, with its own weight.  By induction over the run,
 *       the count is the weight of the run's adds not yet undone, and the
 *       clamp at 0 never cuts.
 *   (4) Let g be the last add of G(k) in the run.  Its CAS left the count
 *       <= ceiling(g), and that count includes every grant of G(k): all
 *       added before or with g, none ever undone.
 * Nothing here orders the clock reads of different processes: each grant
 * is counted where its own span lies.  A taker whose x is behind another's
 * is refused at a word already moved on, never allowed to relabel it back.
 *
 * Why a process killed at any instruction can only over-count.  The only
 * stores are the add and subtraction CASes.  A process killed between the
 * two adds of a take, before its rollback, or between the two
 * subtractions of a refund leaves weight counted in an interval that no
 * request will use: an over-count of that interval, gone when the word
 * moves on (no grant counts in an interval that has ended, so it costs
 * nothing after it).  Nothing lowers a count except a subtraction of a
 * grant's own weight from its own interval.  No store is a lock or a mark
 * anyone waits on.
 *
 * Lock-free.  A take makes at most two adds and one subtraction, a refund
 * two subtractions; each loop goes round again only after a failed CAS,
 * i.e. another process's add or subtraction landed on the word since it
 * was loaded (or a weak CAS failed spuriously).  No step waits for another
 * process.
 *
 * Retry.  A take refused at interval k (by its count or by a later label)
 * fits again, with no other traffic, once its span no longer meets k: at
 * x' = (k + 1)W + e the span is [(k + 1)W, (k + 1)W + L + 2e], inside
 * interval k + 1 alone, and before that every span still meets k.  If k + 1
 * has no room for the weight either, the same holds one interval later,
 * and so on: the wait is to the first such x' whose interval has room, as
 * the two words hold it.
 *
 * Corruption.  Any process in the group can write these words.  A word
 * holding a later interval of the other parity no take writes: -EBADMSG.
 * A later interval of the right parity, however far ahead, is refused
 * (-EAGAIN) until the clock reaches it: a step back of CLOCK_REALTIME or of
 * the exchange's offset, or a process stopped between its clock read and
 * its take, produces one, so it is no proof of corruption; the refusal is
 * the safe side, and the retry walks at most three intervals at a time.
 * Every other value is merely a count: it may refuse or over-grant, never
 * crash or hang.  An x within 5W of 2^64 ns (past the year 2554; only a corrupt
 * offset gives one) is -EOVERFLOW, so that no interval arithmetic wraps.
 * Bounds the caller has checked (rlc_segment_read_limit): 1 s <= W <= 1 d,
 * L + 2e < W, so every interval of a 64-bit x is below 2^35 and fits its
 * 40 bits; a ceiling <= v->capacity <= RLC_COUNT_MAX (a mode may lower the
 * buffer, never past the capacity), so a count never reaches the label.
 *
 * Memory order: relaxed throughout.  The proof uses only each word's own
 * modification order (every CAS, relaxed or not, replaces the value
 * immediately before it in that order, so a successful CAS decided on the
 * word's latest value) and that a refund's CAS comes after its take's,
 * which coherence gives: the refund is sequenced after the take, or after
 * whatever handed the caller the grant.  Nothing else is published through
 * either word: the count is the whole message, and no interval needs the
 * two words read together.  A load before a CAS is a guess the CAS checks;
 * a refusal made on an old value refuses on a count that included weight
 * since given back, or on a label since passed: an over-count, a longer
 * wait.  The retry's and rlc_fixed_used's loads are figures for the caller.
 */
#ifndef RLC_FIXED_H
#define RLC_FIXED_H

#include <errno.h>
#include <stdint.h>

#include "segment.h"
#include "window.h" /* RLC__WORD, RLC__EPOCH, RLC__COUNT: the same packing */

/* The word that counts interval k. */
static inline rlc_word *rlc__fixed_word(const struct rlc_limit_view *v, uint64_t k)
{
	return k & 1 ? v->sum : v->state;
}

/*
 * The span of a grant at x: its first interval *lo and its last *hi
 * (lo or lo + 1; see above).  One division.  Returns 0, or -EOVERFLOW for
 * an x so late that (lo + 5)W + e, the latest time rlc__fixed_retry may
 * name, would not fit 64 bits.
 */
static inline int rlc__fixed_span(const struct rlc_limit_view *v, uint64_t x, uint64_t *lo,
				  uint64_t *hi)
{
	const uint64_t W = v->interval_ns, e = v->clock_error_ns;

	if (x > UINT64_MAX - 5 * W)
		return -EOVERFLOW;
	/* an x before e: the span's part before the Unix epoch is in no interval */
	*lo = (x > e ? x - e : 0) / W;
	*hi = *lo + (x + v->latency_ns + e - *lo * W >= W ? 1 : 0);
	return 0;
}

/* A word found at interval j > k: corrupt, since no take labels it so? */
static inline int rlc__fixed_corrupt(uint64_t j, uint64_t k)
{
	return ((j ^ k) & 1) != 0;
}

/* Add `weight` to interval k under `ceiling`. */
static inline int rlc__fixed_add(const struct rlc_limit_view *v, uint64_t k, uint32_t weight,
				 uint32_t ceiling)
{
	rlc_word *word = rlc__fixed_word(v, k);
	/* Relaxed: see "Memory order" above; the CAS checks it. */
	uint64_t w = rlc__load_relaxed(word), j, c;

	for (;;) {
		j = RLC__EPOCH(w);
		if (j > k)
			return rlc__fixed_corrupt(j, k) ? -EBADMSG : -EAGAIN;
		c = j == k ? RLC__COUNT(w) : 0;
		if (c + weight > ceiling)
			return -EAGAIN;
		/* Relaxed, failure too: the word is self-contained. */
		if (rlc__cas_relaxed(word, &w, RLC__WORD(k, c + weight)))
			return 0;
	}
}

/* Subtract `weight` from interval k while its word holds k, never below 0. */
static inline void rlc__fixed_sub(const struct rlc_limit_view *v, uint64_t k, uint32_t weight)
{
	rlc_word *word = rlc__fixed_word(v, k);
	/* Relaxed: as in rlc__fixed_add. */
	uint64_t w = rlc__load_relaxed(word), c;

	while (RLC__EPOCH(w) == k) {
		c = RLC__COUNT(w);
		if (rlc__cas_relaxed(word, &w, RLC__WORD(k, c - (c < weight ? c : weight))))
			return;
	}
}

/* Would word value w let `weight` more into interval k under `ceiling`? */
static inline int rlc__fixed_room(uint64_t w, uint64_t k, uint32_t weight, uint32_t ceiling)
{
	if (RLC__EPOCH(w) > k)
		return 0;
	return (RLC__EPOCH(w) == k ? RLC__COUNT(w) : 0) + weight <= ceiling;
}

/*
 * The wait from x after a refusal at interval k: to (j + 1)W + e for the
 * first j >= k whose next interval has room (see "Retry" above), walking
 * at most three intervals: words no later than a span's end plus two
 * leave room in interval k + 4 for a weight within the ceiling, and a take
 * that finds a word further ahead (a clock stepped back) waits three
 * intervals and is refused again, until its clock catches up.
 */
static inline uint64_t rlc__fixed_retry(const struct rlc_limit_view *v, uint64_t x, uint64_t k,
					uint32_t weight, uint32_t ceiling)
{
	uint64_t j = k;

	/* Relaxed: a figure for the caller, exact for the words as loaded. */
	while (j < k + 3 &&
	       !rlc__fixed_room(rlc__load_relaxed(rlc__fixed_word(v, j + 1)), j + 1, weight, ceiling))
		j++;
	return (j + 1) * v->interval_ns + v->clock_error_ns - x;
}

/*
 * Take `weight` from fixed limit *v at exchange-clock time x, filling no
 * interval past `ceiling` (<= v->capacity: the caller's priority and
 * mode ceiling).  Lock-free.  Returns 0 and the grant's intervals in
 * *token (lo << 1, plus 1 when it counts in lo + 1 too); -EAGAIN when an
 * interval of its span has no room, or its word has moved on to a later
 * interval (this clock is behind another process's), with the exact wait
 * from x, assuming no other traffic, in *retry_ns; -EBADMSG for a word no
 * take writes (see "Corruption"); -EOVERFLOW for an x past the year 2554.
 */
static inline int rlc_fixed_take(const struct rlc_limit_view *v, uint64_t x, uint32_t weight,
				 uint32_t ceiling, uint64_t *token, uint64_t *retry_ns)
{
	uint64_t lo, hi, k;
	int err = rlc__fixed_span(v, x, &lo, &hi);

	if (err)
		return err;
	k = lo;
	err = rlc__fixed_add(v, k, weight, ceiling);
	if (!err && hi != lo) {
		k = hi;
		if ((err = rlc__fixed_add(v, k, weight, ceiling)))
			rlc__fixed_sub(v, lo, weight); /* all or nothing */
	}
	if (!err)
		*token = lo << 1 | (hi - lo);
	else if (err == -EAGAIN)
		*retry_ns = rlc__fixed_retry(v, x, k, weight, ceiling);
	return err;
}

/*
 * Give back `weight` granted with `token`: from each of its intervals whose
 * word still holds it, never below 0; an interval that is over keeps it
 * (and costs nothing).  Lock-free.
 */
static inline void rlc_fixed_refund(const struct rlc_limit_view *v, uint64_t token,
				    uint32_t weight)
{
	rlc__fixed_sub(v, token >> 1, weight);
	if (token & 1)
		rlc__fixed_sub(v, (token >> 1) + 1, weight);
}

/*
 * The most weight counted in an interval a grant at x would count in (a
 * word already at a later interval, for a clock behind another process's,
 * gives what it holds there).  Reads only.  Returns 0 with *used; -EBADMSG
 * or -EOVERFLOW as rlc_fixed_take.
 */
static inline int rlc_fixed_used(const struct rlc_limit_view *v, uint64_t x, uint64_t *used)
{
	uint64_t lo, hi, k, w, most = 0;
	int err = rlc__fixed_span(v, x, &lo, &hi);

	if (err)
		return err;
	for (k = lo; k <= hi; k++) {
		/* Relaxed: a figure for the caller. */
		w = rlc__load_relaxed(rlc__fixed_word(v, k));
		if (RLC__EPOCH(w) > k && rlc__fixed_corrupt(RLC__EPOCH(w), k))
			return -EBADMSG;
		if (RLC__EPOCH(w) >= k && RLC__COUNT(w) > most)
			most = RLC__COUNT(w);
	}
	*used = most;
	return 0;
}

/*
 * Raise interval k's count to at least `count` (at most the capacity):
 * what the exchange reported for it (rlc/feedback.h).  A word already at
 * a later interval is left alone: k is over.  Lock-free; relaxed, as a
 * take (a raise is a CAS on the word's latest value and only ever adds).
 * Returns 1 when it raised, 0 when it did not need to or k is over;
 * -EBADMSG for a word no take writes.
 */
static inline int rlc_fixed_raise(const struct rlc_limit_view *v, uint64_t k, uint32_t count)
{
	rlc_word *word = rlc__fixed_word(v, k);
	uint64_t w = rlc__load_relaxed(word), j;

	for (;;) {
		j = RLC__EPOCH(w);
		if (j > k)
			return rlc__fixed_corrupt(j, k) ? -EBADMSG : 0;
		if (j == k && RLC__COUNT(w) >= count)
			return 0;
		if (rlc__cas_relaxed(word, &w, RLC__WORD(k, count)))
			return 1;
	}
}

#endif /* RLC_FIXED_H */
