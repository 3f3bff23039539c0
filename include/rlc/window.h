/* SPDX-License-Identifier: MIT */
/*
 * rlc/window.h - `window`: at most C weight in any rolling interval of W.
 *
 * Time is cut into epochs of w = ceil(W / (S - 1)) ns counted from the
 * limit's origin.  A grant made in epoch e counts while the epoch is one of
 * the last S: until the end of epoch e + S - 1, i.e. for more than
 * (S - 1) w >= W and at most S w, which is W + w plus under S ns of
 * rounding.  So a grant counts for at least W and at most W plus one slot.
 *
 * State (the limit's two hot words and its ring of S words, each packing
 * (epoch:40, count:24)):
 *
 *   head     (e_h, c_h): the newest epoch any take reached, and its count.
 *            Every grant is a CAS on this word; it is the linearization
 *            point of every take.
 *   ring[i]  (e, c): the sealed count of some epoch e with e % S == i.
 *   sum      (e, s): a cache of the ring's total over epochs (e - S, e).
 *
 * Take(now, x), with e = epoch(now):
 *   1. e == e_h: s = sum(e) (cached, else computed from the ring and cached);
 *      refuse if c_h + s + x > C, else CAS head (e, c_h) -> (e, c_h + x).
 *   2. e >  e_h: the head's epoch is over.  Seal it: merge (e_h, c_h) into
 *      ring[e_h % S] (raise its count, never lower it).  Sum the ring over
 *      (e - S, e), then CAS head (e_h, c_h) -> (e, x) if s + x <= C, else
 *      (e, 0): a refusal moves the head as well, so that the sealed epoch's
 *      count lives in its slot alone and a refund of it lands there.  After
 *      the CAS, cache (e, s).
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
 * with its own weight was <= C.  A refused roll is a roll of weight 0: the
 * argument covers it unchanged.
 *
 * Why a process killed at any instruction can only over-count.  The only
 * stores are: the head CAS (a grant or refund exists exactly when it lands),
 * the seal (a max: a stale sealer can raise a slot to a count the head once
 * had, never lower it; an unfinished roll leaves a slot that equals the live
 * head and is ignored while the head is in that epoch), a refund's CAS of a
 * sealed slot (it lowers the slot only while the slot holds the grant's own
 * epoch, by at most the grant's weight), and the cache (a value computed
 * from sealed slots, installed only forward; a refund relabels it one epoch
 * back, with sum 0, to an epoch no take reads, which only makes the next
 * take recompute it).  None of them can lose a granted count: a refunder
 * killed between its slot CAS and the relabel leaves a cache that still
 * counts the refunded weight.  All of them expire with their epoch, so any
 * over-count heals within W + w.  No step waits for another process.
 *
 * Corruption.  Any process in the group can write these words.  Two states
 * no interleaving produces are reported as -EBADMSG, so that no loop spins
 * on them: a head whose epoch start is later than a clock read taken after
 * loading it (the caller's fresh read after -ESTALE decides that), and a
 * slot holding a later epoch than an unchanged head (only a roll past that
 * epoch can seal it, and rolls move the head forward).  A head epoch so far
 * out that its start would not fit 64 bits is corrupt at once.  Every other
 * value is merely a count: it may refuse or over-grant, never crash or hang.
 *
 * Memory order.  The head carries the ordering: a seal is sequenced before
 * the acq_rel CAS that moves the head past its epoch, and every reader of
 * the ring first acquire-loads the head, so the ring is read and written
 * relaxed.  A seal that writes nothing (the slot already holds the count)
 * needs nothing more: the roller's load of the other process's seal happens
 * before any reader that acquires the roller's head CAS, so by read-read
 * coherence that reader sees the seal or a later value.  The cache needs no
 * ordering at all: a reader uses only the number it holds, never the slots
 * it was computed from.  The number was right when computed: its installer
 * had acquire-loaded a head at e (every earlier epoch sealed and visible to
 * it), or was the roller into e, which sealed e_h itself before its head
 * CAS.  A reader that sees an older value sees another epoch's label (and
 * recomputes) or a count from before a refund (an over-count).
 */
#ifndef RLC_WINDOW_H
#define RLC_WINDOW_H

#include <errno.h>
#include <stdint.h>

#include "segment.h"

#define RLC__EPOCH(word) ((word) >> RLC_COUNT_BITS)
#define RLC__COUNT(word) ((word) & RLC_COUNT_MAX)
#define RLC__WORD(epoch, count) (((uint64_t)(epoch) << RLC_COUNT_BITS) | (uint64_t)(count))

/* The epoch of `now`; the caller has checked now >= v->origin_ns. */
static inline uint64_t rlc__window_epoch(const struct rlc_limit_view *v, uint64_t now)
{
	return (now - v->origin_ns) / v->step_ns;
}

/*
 * The ring's total over the completed epochs (e - S, e), saturated, with
 * epoch `he` counted as at least `hc` (the head's epoch as its seal leaves
 * it; one load per slot, so a seal landing meanwhile is counted once), and
 * in *frees the first j >= 1 such that weight leaves the ring at epoch
 * e + j (S when the ring holds none).
 */
static inline uint64_t rlc__window_completed(const struct rlc_limit_view *v, uint64_t e,
					     uint64_t he, uint64_t hc, uint64_t *frees)
{
	uint64_t k, w, c, sum = 0, oldest = 0;
	uint32_t i = (uint32_t)(e % v->slots); /* one division, then walk back */

	for (k = 1; k < v->slots && k <= e; k++) {
		i = i ? i - 1 : v->slots - 1;
		/* Relaxed: the caller acquire-loaded a head (e_h, c_h); the seals
		 * of the epochs before e_h happen before that head's CAS, and the
		 * epochs between e_h and e took no grants.  The slot of e_h itself
		 * no head has published: on the roll path this thread sealed it,
		 * or read it sealed, just before (program order, then read-read
		 * coherence); rlc_window_used takes hc for it when it is not. */
		w = rlc__load_relaxed(&v->ring[i]);
		c = RLC__EPOCH(w) == e - k ? RLC__COUNT(w) : 0;
		if (e - k == he && hc > c)
			c = hc;
		if (c != 0) {
			sum += c;
			oldest = k;
		}
	}
	*frees = v->slots - oldest; /* epoch e - k leaves at e + S - k */
	return sum < RLC_COUNT_MAX ? sum : RLC_COUNT_MAX;
}

/* Install `value` for epoch e in cache word `word` unless it holds e or later. */
static inline void rlc__window_install(rlc_word *word, uint64_t e, uint64_t value)
{
	uint64_t cached = rlc__load_relaxed(word);

	/* Relaxed: see "Memory order" above.  Ends once the word holds e or a
	 * later epoch: each failure means another process's CAS landed, an
	 * install (which moves it forward) or a refund's relabel (one per
	 * refund). */
	while (RLC__EPOCH(cached) < e && !rlc__cas_relaxed(word, &cached, RLC__WORD(e, value)))
		;
}

/* Cache what rlc__window_completed found for epoch e. */
static inline void rlc__window_cache(const struct rlc_limit_view *v, uint64_t e, uint64_t sum,
				     uint64_t frees)
{
	rlc__window_install(v->frees, e, frees);
	rlc__window_install(v->sum, e, sum);
}

/* sum(e), from the cache when it is for e; caches what it computes. */
static inline uint64_t rlc__window_sum(const struct rlc_limit_view *v, uint64_t e)
{
	uint64_t cached = rlc__load_relaxed(v->sum), sum, frees;

	if (RLC__EPOCH(cached) == e)
		return RLC__COUNT(cached);
	sum = rlc__window_completed(v, e, e, 0, &frees);
	rlc__window_cache(v, e, sum, frees);
	return sum;
}

/* Where a refusal's walk may start: the cached `frees` of epoch e, else 1. */
static inline uint64_t rlc__window_frees(const struct rlc_limit_view *v, uint64_t e)
{
	uint64_t cached = rlc__load_relaxed(v->frees); /* relaxed: a hint */

	return RLC__EPOCH(cached) == e && RLC__COUNT(cached) >= 1 &&
			       RLC__COUNT(cached) <= v->slots
		       ? RLC__COUNT(cached)
		       : 1;
}

/*
 * Merge (he, hc) into its ring slot.  Returns 0 when sealed (or already
 * sealed at least as high), 1 when the slot holds a later epoch: the head
 * has moved on since it was loaded, or the slot is corrupt.
 */
static inline int rlc__window_seal(const struct rlc_limit_view *v, uint64_t he, uint64_t hc)
{
	rlc_word *slot = &v->ring[he % v->slots];
	/* Relaxed: the head CAS that follows publishes the seal; a seal that
	 * writes nothing relies on read-read coherence (see "Memory order"). */
	uint64_t w = rlc__load_relaxed(slot);

	for (;;) {
		if (RLC__EPOCH(w) > he)
			return 1;
		if (RLC__EPOCH(w) == he && RLC__COUNT(w) >= hc)
			return 0; /* already sealed: a seal that writes nothing */
		if (rlc__cas_relaxed(slot, &w, RLC__WORD(he, hc)))
			return 0;
	}
}

/*
 * A refusal at epoch e, with `current` counted in e itself and `completed`
 * in the epochs before it: the time from `now` until the first epoch
 * boundary after which `weight` fits.  The walk starts at `from`, the
 * first epoch at which anything leaves the ring (rlc__window_completed's
 * `frees`, cached per epoch), so it costs one step per epoch that frees
 * weight before the answer: one at saturation, one after a burst that
 * filled the window in one slot, none when only the end of epoch e helps.
 * Exact when `completed` is the ring's sum, as the cache is except while a
 * refund races with its computation (see rlc__window_uncache); then the
 * wait it gives is longer, never shorter.
 */
static inline uint64_t rlc__window_retry(const struct rlc_limit_view *v, uint64_t e,
					 uint64_t current, uint64_t completed, uint32_t weight,
					 uint32_t ceiling, uint64_t from, uint64_t now)
{
	const uint64_t S = v->slots;
	const uint64_t into = now - (v->origin_ns + e * v->step_ns);
	uint64_t j, need = current + completed + weight, w;
	uint32_t i = (uint32_t)((e + from) % S); /* the slot of epoch e + from - S */

	/* At epoch e + j the epochs up to e + j - S have left the window;
	 * at e + S everything counted now, `current` included, has.  Before
	 * that `current` stays: if it alone leaves no room, wait for e + S. */
	if (current + weight > ceiling)
		return S * v->step_ns - into;
	for (j = from; j < S; j++, i = i + 1 == S ? 0 : i + 1) {
		if (e + j >= S) {
			/* Relaxed: as in rlc__window_completed. */
			w = rlc__load_relaxed(&v->ring[i]);
			if (RLC__EPOCH(w) == e + j - S)
				need -= RLC__COUNT(w) < need ? RLC__COUNT(w) : need;
		}
		if (need <= ceiling)
			break;
	}
	return j * v->step_ns - into;
}

/*
 * Take `weight` from window limit *v at time `now`.  Lock-free.  Returns 0
 * and the grant's epoch in *token; -EAGAIN when it does not fit, with the
 * wait in *retry_ns; -ESTALE when the head's epoch starts after `now`, with
 * that start in *retry_ns: read the clock again, and if the fresh read is
 * still earlier the head is corrupt (no process wrote an epoch it had not
 * reached); -EBADMSG for a state no interleaving produces (see above);
 * -EOVERFLOW once the segment is older than 2^40 slot widths (3.5 years at
 * the narrowest slot: restart rlcd on a new segment).  The window is
 * full at `ceiling` (the priority's and mode's, rlc/priority.h), which the
 * caller keeps at most the capacity; it has checked 0 < weight <= ceiling.
 */
static inline int rlc_window_take_under(const struct rlc_limit_view *v, uint64_t now,
					uint32_t weight, uint32_t ceiling, uint64_t *token,
					uint64_t *retry_ns)
{
	/* Pairs with the release half of the CAS that stored this head: the
	 * seals of every epoch it moved past are visible below. */
	uint64_t head = rlc__load_acquire(v->state);
	uint64_t he, hc, e, start, sum, frees, again;
	int fits;

	if (now < v->origin_ns) {
		*retry_ns = v->origin_ns;
		return -ESTALE;
	}
	for (;;) {
		he = RLC__EPOCH(head);
		hc = RLC__COUNT(head);
		if (he > v->epoch_max)
			return -EBADMSG;
		start = v->origin_ns + he * v->step_ns;
		if (now < start) {
			*retry_ns = start;
			return -ESTALE;
		}
		e = now - start < v->step_ns ? he : rlc__window_epoch(v, now);
		if (e > RLC_EPOCH_MAX)
			return -EOVERFLOW; /* the segment outlived its 40-bit epochs */
		if (e == he) {
			sum = rlc__window_sum(v, e);
			if (hc + sum + weight > ceiling) {
				*retry_ns = rlc__window_retry(v, e, hc, sum, weight, ceiling,
							      rlc__window_frees(v, e), now);
				return -EAGAIN;
			}
			/* acq_rel: see the acquire above; failure reloads with acquire. */
			if (rlc__cas_acq_rel(v->state, &head, RLC__WORD(e, hc + weight))) {
				*token = e;
				return 0;
			}
			continue;
		}
		if (rlc__window_seal(v, he, hc)) {
			/* Acquire, as above.  Only a roll past `he` seals a later
			 * epoch in its slot; if the head has not moved, none did. */
			again = rlc__load_acquire(v->state);
			if (RLC__EPOCH(again) == he)
				return -EBADMSG;
			head = again;
			continue;
		}
		sum = rlc__window_completed(v, e, he, hc, &frees);
		fits = sum + weight <= ceiling;
		/* Release: publishes the seal above to every later head reader. */
		if (!rlc__cas_acq_rel(v->state, &head, RLC__WORD(e, fits ? weight : 0)))
			continue;
		rlc__window_cache(v, e, sum, frees);
		if (fits) {
			*token = e;
			return 0;
		}
		*retry_ns = rlc__window_retry(v, e, 0, sum, weight, ceiling, frees, now);
		return -EAGAIN;
	}
}

/* rlc_window_take_under() up to the effective capacity. */
static inline int rlc_window_take(const struct rlc_limit_view *v, uint64_t now, uint32_t weight,
				  uint64_t *token, uint64_t *retry_ns)
{
	return rlc_window_take_under(v, now, weight, v->effective, token, retry_ns);
}

/*
 * After a refund lowered the sealed slot of epoch `token`: a cached sum for
 * a later epoch that counts that slot is now too high.  Label it with the
 * epoch before its own, which no take reads (the head is past it), so the
 * next take recomputes it from the ring.  A sum computed concurrently from
 * the slot before the refund may still be installed: an over-count until
 * the next epoch, never an under-count, since every sum the ring gives
 * covers every grant not refunded.
 */
static inline void rlc__window_uncache(const struct rlc_limit_view *v, uint64_t token)
{
	/* Relaxed: see "Memory order" above. */
	uint64_t cached = rlc__load_relaxed(v->sum), ce;

	for (;;) {
		ce = RLC__EPOCH(cached);
		if (ce <= token || ce - token >= v->slots)
			return;
		if (rlc__cas_relaxed(v->sum, &cached, RLC__WORD(ce - 1, 0)))
			return;
	}
}

/*
 * Give back `weight` granted in epoch `token`.  Lowers the head while that
 * epoch is the head's, else the epoch's sealed slot (and drops the cached
 * sum that counted it); after the grant has left the window it does
 * nothing.  A seal of the epoch made before the refund lowered the head (by
 * a roll that then lost its CAS, or a stale sealer) keeps the weight
 * counted until the epoch leaves the window, at most W + w: never an
 * under-count.  Lock-free.
 */
static inline void rlc_window_refund(const struct rlc_limit_view *v, uint64_t token,
				     uint32_t weight)
{
	/* Pairs with the release of the CAS that moved the head: if the head
	 * is past `token`, the slot's seal is visible. */
	uint64_t head = rlc__load_acquire(v->state);
	rlc_word *slot;
	uint64_t w, c;

	while (RLC__EPOCH(head) == token) {
		c = RLC__COUNT(head);
		/* acq_rel: as in rlc_window_take. */
		if (rlc__cas_acq_rel(v->state, &head,
				     RLC__WORD(token, c - (c < weight ? c : weight))))
			return;
	}
	if (RLC__EPOCH(head) < token || RLC__EPOCH(head) - token >= v->slots)
		return;
	slot = &v->ring[token % v->slots];
	/* Relaxed: the acquire of the head above made the seal visible. */
	w = rlc__load_relaxed(slot);
	while (RLC__EPOCH(w) == token) {
		c = RLC__COUNT(w);
		if (rlc__cas_relaxed(slot, &w, RLC__WORD(token, c - (c < weight ? c : weight)))) {
			rlc__window_uncache(v, token);
			return;
		}
	}
}

/*
 * Weight a grant at `now` would find counted: the head's count and the
 * cached sum while the head is in now's epoch, else the ring with the
 * head's epoch as its seal would leave it.  Reads only.  Returns 0 with
 * *used; -ESTALE with the head's epoch start in *seen_ns when it is later
 * than `now` (as rlc_window_take); -EBADMSG for a corrupt head.
 */
static inline int rlc_window_used(const struct rlc_limit_view *v, uint64_t now, uint64_t *used,
				  uint64_t *seen_ns)
{
	/* Pairs with the head CAS release, as in rlc_window_take. */
	uint64_t head = rlc__load_acquire(v->state);
	uint64_t he = RLC__EPOCH(head), hc = RLC__COUNT(head), e, cached, frees;

	if (he > v->epoch_max)
		return -EBADMSG;
	if (now < v->origin_ns + he * v->step_ns) {
		*seen_ns = v->origin_ns + he * v->step_ns;
		return -ESTALE;
	}
	e = rlc__window_epoch(v, now);
	if (e == he) {
		cached = rlc__load_relaxed(v->sum); /* relaxed: see "Memory order" */
		*used = hc + (RLC__EPOCH(cached) == e ? RLC__COUNT(cached)
						      : rlc__window_completed(v, e, e, 0, &frees));
		return 0;
	}
	*used = rlc__window_completed(v, e, he, hc, &frees);
	return 0;
}

/*
 * Raise the weight window *v counts at `now` to at least `count` (at most
 * the capacity): what the exchange reported (rlc/feedback.h).  The
 * difference is taken as a grant of now that is never refunded, under a
 * ceiling of `count`, so a concurrent grant or raise makes the take refuse
 * and this one look again rather than add twice.  Lock-free.  Returns 1
 * when it raised, 0 when the window counted that much already; -EAGAIN
 * after eight tries that other processes' takes kept refusing; -ESTALE
 * (with *seen_ns), -EBADMSG or -EOVERFLOW as rlc_window_take.
 */
static inline int rlc_window_raise(const struct rlc_limit_view *v, uint64_t now, uint32_t count,
				   uint64_t *seen_ns)
{
	uint64_t used, token;
	int err, tries;

	/* Each refusal means another process added weight: a few suffice. */
	for (tries = 0; tries < 8; tries++) {
		if ((err = rlc_window_used(v, now, &used, seen_ns)))
			return err;
		if (used >= count)
			return 0;
		err = rlc_window_take_under(v, now, (uint32_t)(count - used), count, &token,
					    seen_ns);
		if (err != -EAGAIN)
			return err ? err : 1;
	}
	return -EAGAIN; /* others kept raising it: theirs count */
}

#endif /* RLC_WINDOW_H */
