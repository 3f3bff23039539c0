/* SPDX-License-Identifier: MIT */
/*
 * rlc/bucket.h - `bucket`: GCRA, a token bucket of burst E (the limit's
 * effective capacity) refilled at one unit per T = ceil(W / E) ns, on one
 * word.
 *
 * The word is the theoretical arrival time TAT (CLOCK_MONOTONIC ns): the
 * bucket is full when TAT <= now, and holds E - (TAT - now) / T tokens
 * otherwise.  Taking x at time t sets TAT = max(TAT, t) + x T, allowed while
 * that stays within B = E T of t.  A bucket meters a rate; it does NOT bound
 * "E per rolling W" (about 2E can pass within one W).  Use `window` for
 * those limits.
 *
 * Refund.  A grant is undone only while it is still the newest change to
 * the word: one strong CAS from the TAT the grant left (its token) to
 * token - x T.  If anything changed the word since, the refund does nothing
 * and the grant's weight stays counted until it refills (an over-count of
 * at most x T of time, never an under-count).  No clock is read: a refunder
 * stalled for any time cannot give back more than its own grant.
 *
 * Why at most E + (b - a) / T is granted over any span [a, b], refunds and
 * stale clock reads included.  (1) While grant G is not undone, the word is
 * >= token(G): takes only raise it; an undo of a later grant H needs the
 * word at token(H) and sets token(H) - x_H T = max(prev_H, t_H) >= prev_H,
 * which is >= token(G) by induction.  (2) So G's undo succeeds only when
 * every take after G has been undone, and the undos nest: G's take, the
 * takes and undos between, and G's undo form a block that raises the word
 * by max(prev_G, t_G) - prev_G >= 0 and leaves no grant standing.  (3)
 * Between the grants that stand, then, the word never falls.  Let g_1..g_k
 * be the standing grants with clock reads t_i in [a, b], in CAS order:
 * after g_1 the word is >= t_1 + x_1 T >= a + x_1 T, each later g_i adds
 * at least x_i T, and g_k was granted only with the word <= t_k + B <=
 * b + B.  So sum(x_i) T <= b - a + B.  Nothing here depends on the order in
 * which the clock reads were taken.
 *
 * Corruption.  Every writer stores at most its own clock read plus B, so a
 * word later than B past a clock read taken after loading it was written by
 * no take: rlc_bucket_take reports it as -ESTALE with the bound, and the
 * caller's fresh clock read decides whether it is merely a stale read or
 * -EBADMSG.  A reload (rlcd(8)) may change B under takes still deciding on
 * the old one, so the bound is the largest N T any configuration of the
 * limit has had (v->stale_ns, from the record's burst_max_ms), at least B.
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
 * Take `weight` from bucket limit *v at time `now`, filling it at most to
 * `ceiling` units ahead of now (the priority's and mode's, rlc/priority.h;
 * ceiling x step never exceeds v->burst_ns).  Lock-free.  Returns 0 and the
 * TAT after the grant in *token; -EAGAIN when it does not fit, with the
 * exact wait in *retry_ns; -ESTALE when the word is more than a burst ahead
 * of `now`, with the earliest clock read that could have written it in
 * *retry_ns (see "Corruption").  The caller has checked
 * 0 < weight <= ceiling.
 */
static inline int rlc_bucket_take_under(const struct rlc_limit_view *v, uint64_t now,
					uint32_t weight, uint32_t ceiling, uint64_t *token,
					uint64_t *retry_ns)
{
	const uint64_t cost = (uint64_t)weight * v->step_ns;
	const uint64_t horizon = (uint64_t)ceiling * v->step_ns;
	uint64_t tat = rlc__load_relaxed(v->state);
	uint64_t next;

	for (;;) {
		if (tat > now && tat - now > v->stale_ns) {
			*retry_ns = tat - v->stale_ns;
			return -ESTALE;
		}
		next = (tat > now ? tat : now) + cost;
		if (next - now > horizon) {
			*retry_ns = next - horizon - now;
			return -EAGAIN;
		}
		if (rlc__cas_relaxed(v->state, &tat, next)) {
			*token = next;
			return 0;
		}
	}
}

/* rlc_bucket_take_under() up to the effective capacity. */
static inline int rlc_bucket_take(const struct rlc_limit_view *v, uint64_t now, uint32_t weight,
				  uint64_t *token, uint64_t *retry_ns)
{
	return rlc_bucket_take_under(v, now, weight, v->effective, token, retry_ns);
}

/*
 * Undo a grant of `weight` that left the word at `token`, if it is still
 * the newest change (see "Refund").  Wait-free: one CAS.  Returns 1 when it
 * gave the weight back, 0 when it is kept counted until it refills.
 */
static inline int rlc_bucket_refund(const struct rlc_limit_view *v, uint64_t token,
				    uint32_t weight)
{
	uint64_t expected = token;

	/* Strong: a spurious failure would keep an over-count for nothing. */
	return rlc__cas_strong(v->state, &expected, token - (uint64_t)weight * v->step_ns,
			       relaxed, relaxed)
		       ? 1
		       : 0;
}

/*
 * Tokens in use at `now` (rounded up).  Reads only.  Returns 0 with *used;
 * -ESTALE as rlc_bucket_take, with the bound in *seen_ns.
 */
static inline int rlc_bucket_used(const struct rlc_limit_view *v, uint64_t now, uint64_t *used,
				  uint64_t *seen_ns)
{
	uint64_t tat = rlc__load_relaxed(v->state);

	if (tat > now && tat - now > v->stale_ns) {
		*seen_ns = tat - v->stale_ns;
		return -ESTALE;
	}
	*used = tat > now ? (tat - now + v->step_ns - 1) / v->step_ns : 0;
	return 0;
}

/*
 * Raise the tokens bucket *v has in use at `now` to at least `count`
 * (capped at its largest ceiling): as rlc_window_raise, the difference is
 * a grant under a ceiling of `count`.  Lock-free.  Returns 1 when it
 * raised, 0 when that many were in use already; -EAGAIN after eight tries
 * that others kept refusing; -ESTALE with *seen_ns.
 */
static inline int rlc_bucket_raise(const struct rlc_limit_view *v, uint64_t now, uint32_t count,
				   uint64_t *seen_ns)
{
	uint64_t used, token, most = v->burst_ns / v->step_ns;
	int err, tries;

	if (count > most)
		count = (uint32_t)most;
	for (tries = 0; tries < 8; tries++) {
		if ((err = rlc_bucket_used(v, now, &used, seen_ns)))
			return err;
		if (used >= count)
			return 0;
		err = rlc_bucket_take_under(v, now, (uint32_t)(count - used), count, &token,
					    seen_ns);
		if (err != -EAGAIN)
			return err ? err : 1;
	}
	return -EAGAIN; /* others kept raising it: theirs count */
}

#endif /* RLC_BUCKET_H */
