/* SPDX-License-Identifier: MIT */
/*
 * rlc/window.h - `window`: at most C weight in any rolling interval of W.
 *
 * Time is cut into epochs of w = ceil(W / (S - 1)) ns counted from the
 * limit's origin.  A grant made in epoch e counts while the epoch is one of
 * the last S: until the end of epoch e + S - 1, i.e. for more than
 * (S - 1) w >= W and at most S w, which is W + w plus under S ns of
 * rounding.
 *
 * State (all in the limit record and its ring of S words, each word packing
 * (epoch:40, count:24)):
 *
 *   head     (e_h, c_h): the newest epoch that took a grant, and its count.
 *            Every grant is a CAS on this word; it is the linearization
 *            point of every take.
 *   ring[i]  (e, c): the sealed count of some epoch e with e % S == i.
 *   sum      (e, s): a cache of the ring's total over epochs (e - S, e).
 *
 * Take(now, x), with e = epoch(now):
 *   1. e == e_h: s = sum(e) (cached, else computed from the ring and cached);
 *      refuse if c_h + s + x > C, else CAS head (e, c_h) -> (e, c_h + x).
 *   2. e >  e_h: the head's epoch is over.  Seal it: merge (e_h, c_h) into
 *      ring[e_h % S] (raise its count, never lower it; skip if the slot
 *      already holds a later epoch).  Sum the ring over (e - S, e); refuse if
 *      s + x > C, else CAS head (e_h, c_h) -> (e, x) and cache (e, s).
 *   3. e <  e_h: another process read the clock after us and already moved
 *      the head: return -ESTALE, and the caller reads the clock again.  This
 *      is what keeps a late adder from slipping a grant under a window that
 *      has already been summed.
 *   A failed CAS reloads head and starts over; it failed only because
 *   another take, refund or roll succeeded (lock-free).
 *
 * Why the invariant holds.  Let g be the last take, in CAS order, among the
 * grants with timestamps in some interval [a, a + W).  Every other grant in
 * it CASed head earlier with an epoch <= e_g (else g saw a later head and
 * was stale), and >= epoch(a) > e_g - S (because (S - 1) w >= W).  A grant
 * of epoch e_g is inside c_h.  A grant of an earlier epoch e' was in the head
 * until some roll CASed the head past e'; that roll sealed c(e') into
 * ring[e' % S] before its CAS (release), g loaded head (acquire) after it,
 * and the slot cannot hold a later epoch until the head reaches e' + S > e_g.
 * So the ring sum includes every such grant.  So does the cache: either it
 * was computed by a process that had acquired a head already at e_g (every
 * earlier epoch sealed), or by the roller into e_g before its CAS, after
 * sealing (e_h, c_h); that CAS succeeding proves the head still held exactly
 * (e_h, c_h), so nothing was granted in e_h after the seal.  (A slow process
 * may install a cache for an epoch the head has already left; no grant reads
 * it, since a take in that epoch is stale.)  g was granted only if the total
 * with its own weight was <= C.
 *
 * Why a process killed at any instruction can only over-count.  The only
 * stores are: the head CAS (a grant or refund exists exactly when it lands),
 * the seal (a max: a stale sealer can raise a slot to a count the head once
 * had, never lower it; an unfinished roll leaves a slot that equals the live
 * head and is ignored while the head is in that epoch), and the cache (a
 * value computed from sealed slots, installed only forward).  None of them
 * can lose a granted count; all of them expire with their epoch, so any
 * over-count heals within W + w.  No step waits for another process.
 *
 * Memory order.  The head carries the ordering: a seal is sequenced before
 * the acq_rel CAS that moves the head past its epoch, and every reader of
 * the ring first acquire-loads the head.  The ring and the cache are
 * therefore accessed relaxed.
 */
#ifndef RLC_WINDOW_H
#define RLC_WINDOW_H

#include <errno.h>
#include <stdint.h>

#include "segment.h"

#define RLC__EPOCH(word) ((word) >> RLC_COUNT_BITS)
#define RLC__COUNT(word) ((word) & RLC_COUNT_MAX)
#define RLC__WORD(epoch, count) (((uint64_t)(epoch) << RLC_COUNT_BITS) | (uint64_t)(count))

static inline uint64_t rlc__window_epoch(const struct rlc_limit *l, uint64_t now)
{
	return (now - l->origin_ns) / l->step_ns;
}

/* Sealed count of epoch `want` in the ring, or 0 if the slot holds another. */
static inline uint64_t rlc__window_slot(const struct rlc_limit *l, const rlc_word *ring,
					uint64_t want)
{
	/* Relaxed: the caller acquire-loaded a head at or past `want`. */
	uint64_t v = rlc__load_relaxed(&ring[want % l->slots]);

	return RLC__EPOCH(v) == want ? RLC__COUNT(v) : 0;
}

/* The ring's total over the completed epochs (e - S, e), saturated. */
static inline uint64_t rlc__window_completed(const struct rlc_limit *l, const rlc_word *ring,
					     uint64_t e)
{
	uint64_t k, v, sum = 0;
	uint32_t i = (uint32_t)(e % l->slots); /* one division, then walk back */

	for (k = 1; k < l->slots && k <= e; k++) {
		i = i ? i - 1 : l->slots - 1;
		/* Relaxed: the caller acquire-loaded a head at or past e - 1. */
		v = rlc__load_relaxed(&ring[i]);
		if (RLC__EPOCH(v) == e - k)
			sum += RLC__COUNT(v);
	}
	return sum < RLC_COUNT_MAX ? sum : RLC_COUNT_MAX;
}

/* sum(e), from the cache when it is for e; caches what it computes. */
static inline uint64_t rlc__window_sum(struct rlc_limit *l, const rlc_word *ring, uint64_t e)
{
	uint64_t cached = rlc__load_relaxed(&l->sum);
	uint64_t sum;

	if (RLC__EPOCH(cached) == e)
		return RLC__COUNT(cached);
	sum = rlc__window_completed(l, ring, e);
	while (RLC__EPOCH(cached) < e && !rlc__cas_relaxed(&l->sum, &cached, RLC__WORD(e, sum)))
		;
	return sum;
}

/*
 * Merge (he, hc) into its ring slot.  Returns 0 when the slot already holds
 * a later epoch (the head has moved on), 1 otherwise.
 */
static inline int rlc__window_seal(const struct rlc_limit *l, rlc_word *ring, uint64_t he,
				   uint64_t hc)
{
	rlc_word *slot = &ring[he % l->slots];
	uint64_t v = rlc__load_relaxed(slot);

	for (;;) {
		if (RLC__EPOCH(v) > he)
			return 0;
		if (RLC__EPOCH(v) == he && RLC__COUNT(v) >= hc)
			return 1;
		/* Relaxed: published by the head CAS that follows it. */
		if (rlc__cas_relaxed(slot, &v, RLC__WORD(he, hc)))
			return 1;
	}
}

/*
 * A refusal at epoch e with `current` counted in e itself: the time from
 * `now` until the first epoch boundary after which `weight` fits, counting
 * only what is in the ring (the cache is rebuilt at that boundary).
 */
static inline uint64_t rlc__window_retry(const struct rlc_limit *l, const rlc_word *ring,
					 uint64_t e, uint64_t current, uint32_t weight,
					 uint64_t now)
{
	const uint64_t S = l->slots;
	uint64_t j, need = current + weight + rlc__window_completed(l, ring, e);

	/* At epoch e + j the epochs up to e + j - S have left the window;
	 * at e + S everything counted now, `current` included, has. */
	for (j = 1; j < S; j++) {
		if (S - j <= e)
			need -= rlc__window_slot(l, ring, e - (S - j));
		if (need <= l->effective)
			break;
	}
	return l->origin_ns + (e + j) * l->step_ns - now;
}

/*
 * Take `weight` from a window limit at time `now`.  Lock-free.
 * Returns 0 and the grant's epoch in *token; -EAGAIN when it does not fit,
 * with the exact wait in *retry_ns; -ESTALE when `now` is older than the
 * limit's newest grant (read the clock again and retry); -EOVERFLOW once the
 * segment is older than 2^40 slot widths (3.5 years at the narrowest slot:
 * restart rlcd on a new segment).  The caller has checked
 * weight <= l->effective.
 */
static inline int rlc_window_take(struct rlc_limit *l, rlc_word *ring, uint64_t now,
				  uint32_t weight, uint64_t *token, uint64_t *retry_ns)
{
	/* Pairs with the release half of the CAS that stored this head: the
	 * seals of every epoch it moved past are visible below. */
	uint64_t head = rlc__load_acquire(&l->state);
	uint64_t he, hc, e, start, sum;

	if (now < l->origin_ns)
		return -ESTALE;
	for (;;) {
		he = RLC__EPOCH(head);
		hc = RLC__COUNT(head);
		start = l->origin_ns + he * l->step_ns;
		if (now < start)
			return -ESTALE;
		e = now - start < l->step_ns ? he : rlc__window_epoch(l, now);
		if (e > RLC_EPOCH_MAX)
			return -EOVERFLOW; /* the segment outlived its 40-bit epochs */
		if (e == he) {
			sum = rlc__window_sum(l, ring, e);
			if (hc + sum + weight > l->effective) {
				*retry_ns = rlc__window_retry(l, ring, e, hc, weight, now);
				return -EAGAIN;
			}
			/* acq_rel: see the acquire above; failure reloads with acquire. */
			if (rlc__cas_acq_rel(&l->state, &head, RLC__WORD(e, hc + weight))) {
				*token = e;
				return 0;
			}
			continue;
		}
		if (!rlc__window_seal(l, ring, he, hc)) {
			head = rlc__load_acquire(&l->state); /* as above */
			continue;
		}
		sum = rlc__window_completed(l, ring, e);
		if (sum + weight > l->effective) {
			*retry_ns = rlc__window_retry(l, ring, e, 0, weight, now);
			return -EAGAIN;
		}
		/* Release: publishes the seal above to every later head reader. */
		if (rlc__cas_acq_rel(&l->state, &head, RLC__WORD(e, weight))) {
			uint64_t cached = rlc__load_relaxed(&l->sum);

			while (RLC__EPOCH(cached) < e &&
			       !rlc__cas_relaxed(&l->sum, &cached, RLC__WORD(e, sum)))
				;
			*token = e;
			return 0;
		}
	}
}

/*
 * Give back `weight` granted in epoch `token`.  Lowers the head while that
 * epoch is the head's, else the epoch's sealed slot (the cached sum catches
 * up at the next epoch); after the grant has left the window it does
 * nothing.  A seal of the epoch taken before the refund (by a roll that was
 * refused or lost its CAS, or a stale sealer) keeps the weight counted until
 * the epoch leaves the window, at most W + w: never an under-count.
 * Lock-free.
 */
static inline void rlc_window_refund(struct rlc_limit *l, rlc_word *ring, uint64_t token,
				     uint32_t weight)
{
	/* Pairs with the release of the CAS that moved the head: if the head
	 * is past `token`, the slot's seal is visible. */
	uint64_t head = rlc__load_acquire(&l->state);
	rlc_word *slot;
	uint64_t v, c;

	while (RLC__EPOCH(head) == token) {
		c = RLC__COUNT(head);
		/* acq_rel: as in rlc_window_take. */
		if (rlc__cas_acq_rel(&l->state, &head,
				     RLC__WORD(token, c - (c < weight ? c : weight))))
			return;
	}
	if (RLC__EPOCH(head) < token || RLC__EPOCH(head) - token >= l->slots)
		return;
	slot = &ring[token % l->slots];
	v = rlc__load_relaxed(slot);
	while (RLC__EPOCH(v) == token) {
		c = RLC__COUNT(v);
		if (rlc__cas_relaxed(slot, &v, RLC__WORD(token, c - (c < weight ? c : weight))))
			return;
	}
}

/* Weight counted in the window that contains `now`.  Reads only. */
static inline uint64_t rlc_window_used(const struct rlc_limit *l, const rlc_word *ring,
				       uint64_t now)
{
	/* Pairs with the head CAS release, as in rlc_window_take. */
	uint64_t head = rlc__load_acquire(&l->state);
	uint64_t he = RLC__EPOCH(head), e, k, used = 0;

	e = now < l->origin_ns ? he : rlc__window_epoch(l, now);
	if (e < he)
		e = he;
	if (e - he < l->slots)
		used = RLC__COUNT(head);
	/* The head's own epoch is counted from the head, never from a seal. */
	for (k = 1; k < l->slots && k <= e; k++)
		if (e - k != he)
			used += rlc__window_slot(l, ring, e - k);
	return used;
}

#endif /* RLC_WINDOW_H */
