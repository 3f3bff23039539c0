/* SPDX-License-Identifier: MIT */
/*
 * rlc/block.h - what the exchange said about a whole scope: a block until
 * a time (a 429's Retry-After, a 418 or 403 ban, a rate-limit error code,
 * or an operator's rlctl block) and a circuit breaker.  The words live in
 * the scope's shared line (struct rlc_scope), which every take reads.
 *
 * Block.  blocked_until only rises (atomic max) until someone unblocks by
 * hand, so a later, shorter penalty never shortens a ban.  Its details
 * (status, error code, client, when) do not fit beside it, and no two
 * words can be raised together; so each detail word carries the block's
 * key, blocked_until >> RLC_BLOCK_KEY_SHIFT, above its 24 detail bits and
 * is raised by atomic max too.  Every word then holds the detail of the
 * latest block, whatever order the raisers ran in, and a reader whose
 * words carry its blocked_until's key knows they describe a block ending
 * within 2^20 ns of it (blocks that close together may mix their details;
 * the details are for display, the block is blocked_until alone).
 *
 * Breaker.  One word: state:2 | failures:14 | time in us:48 (8.9 years of
 * CLOCK_MONOTONIC, which counts from boot).  Closed, it
 * counts consecutive failures; at the exchange's breaker-failures it opens
 * until a cool-down ends (time).  Then the first take to CAS it from
 * "open, cool-down over" to "half-open until now + probe timeout" is the
 * probe; every other take is refused until the probe's outcome closes the
 * breaker or opens it again.  The probe's grant carries the word it
 * stored, so its outcome is told from others'.  A probe that never reports (its process
 * died) leaves the word half-open with a time that passes, and the next
 * take claims the probe as it would from an open breaker.
 *
 * Memory order: relaxed throughout.  Each word is self-contained: a take
 * decides on the word's own value, and nothing else is published through
 * it.  A CAS succeeds only on the word's latest value, so two takes that
 * saw the same expired word cannot both win the probe.
 */
#ifndef RLC_BLOCK_H
#define RLC_BLOCK_H

#include <errno.h>
#include <stdint.h>

#include "clock.h"
#include "priority.h" /* rlc__raise */
#include "segment.h"

/* No block is longer than Binance's longest ban, 3 days: a blocked_until
 * further ahead was written by no rlc call, and counts as passed. */
#define RLC_BLOCK_MAX_NS (UINT64_C(3) * 86400 * 1000000000)

#define RLC__BLOCK_DETAIL_BITS 24u
#define RLC__BLOCK_DETAIL_MASK ((UINT64_C(1) << RLC__BLOCK_DETAIL_BITS) - 1u)
/* The latest blocked_until whose key fits 40 bits: 36 years of uptime. */
#define RLC__BLOCK_UNTIL_MAX ((UINT64_C(1) << (RLC_BLOCK_KEY_SHIFT + 40u)) - 1u)
#define RLC__BLOCK_NO_CODE (UINT32_C(1) << 23) /* -2^23 in 24 bits: no code came */
#define RLC__BLOCK_SINCE_UNIT_NS UINT64_C(100000000) /* block_since counts 100 ms */
#define RLC__BLOCK_CLIENT_BITS 13u /* client index + 1; 0: none */

enum rlc_breaker_state {
	RLC_BREAKER_CLOSED = 0,
	RLC_BREAKER_OPEN = 1,
	RLC_BREAKER_HALF_OPEN = 2,
};

#define RLC__BREAKER_TIME_MASK ((UINT64_C(1) << 48) - 1u)
/* How soon a request that probes another breaker looks at this one again. */
#define RLC_BREAKER_RECHECK_NS UINT64_C(100000000)
#define RLC__BREAKER_FAILURES(w) ((uint32_t)((w) >> 48) & RLC_BREAKER_FAILURES_MAX)
#define RLC__BREAKER_STATE(w) ((uint32_t)((w) >> 62))

/* Key and detail of one block word. */
static inline uint64_t rlc__block_word(uint64_t until, uint32_t detail)
{
	return (until >> RLC_BLOCK_KEY_SHIFT) << RLC__BLOCK_DETAIL_BITS |
	       (detail & RLC__BLOCK_DETAIL_MASK);
}

/*
 * Block scope *s until `until` (CLOCK_MONOTONIC, at most
 * RLC__BLOCK_UNTIL_MAX), set at `now` by HTTP `status` (0: by hand) with
 * the exchange's error `code` (RLC__BLOCK_NO_CODE: none) from client
 * record `client` (-1: none).  Raises only.  Lock-free.
 */
static inline void rlc__block_raise(struct rlc_scope *s, uint64_t until, uint64_t now,
				    uint32_t status, uint32_t code, int client)
{
	/* rounded up: a block set is never shown as set after it was */
	uint64_t since = ((until > now ? until - now : 0) + RLC__BLOCK_SINCE_UNIT_NS - 1) /
			 RLC__BLOCK_SINCE_UNIT_NS;

	if (since > RLC__BLOCK_DETAIL_MASK)
		since = RLC__BLOCK_DETAIL_MASK;
	rlc__raise(&s->blocked_until, until);
	rlc__raise(&s->block_cause,
		   rlc__block_word(until, (status & 1023u) << RLC__BLOCK_CLIENT_BITS |
						  (uint32_t)(client + 1)));
	rlc__raise(&s->block_code, rlc__block_word(until, code));
	rlc__raise(&s->block_since, rlc__block_word(until, (uint32_t)since));
}

/* Lift the block: an operator's word against the exchange's.  Wait-free. */
static inline void rlc__block_clear(struct rlc_scope *s)
{
	rlc__store_relaxed(&s->blocked_until, 0);
	rlc__store_relaxed(&s->block_cause, 0);
	rlc__store_relaxed(&s->block_code, 0);
	rlc__store_relaxed(&s->block_since, 0);
}

/* Is `w` of the block ending at `until`? */
static inline int rlc__block_keyed(uint64_t w, uint64_t until)
{
	return w >> RLC__BLOCK_DETAIL_BITS == until >> RLC_BLOCK_KEY_SHIFT;
}

/*
 * Claim the half-open probe of breaker `word` at `now`, or say how long to
 * wait.  Returns 0 when the breaker lets the take through: closed, or this
 * take won the probe (*probe set to the word it stored; only when
 * `may_claim`); else -EHOSTDOWN with the wait in *retry_ns.  A time more
 * than RLC_BREAKER_TIME_MAX_NS ahead was written by no take (a cool-down
 * and a probe timeout are at most that): it counts as passed, so a
 * corrupt word shuts the scope no longer than one probe.  Lock-free: a CAS
 * fails only when another take changed the word.
 */
static inline int rlc__breaker_pass(rlc_word *word, uint64_t now, uint64_t probe_ns,
				    int may_claim, uint64_t *probe, uint64_t *retry_ns)
{
	uint64_t w = rlc__load_relaxed(word), t, next;

	for (;;) {
		if (RLC__BREAKER_STATE(w) == RLC_BREAKER_CLOSED)
			return 0;
		t = (w & RLC__BREAKER_TIME_MASK) * 1000u;
		if (now < t && t - now <= RLC_BREAKER_TIME_MAX_NS) {
			*retry_ns = t - now; /* cooling down, or another take probing */
			return -EHOSTDOWN;
		}
		if (!may_claim) { /* this request probes another scope already */
			*retry_ns = RLC_BREAKER_RECHECK_NS;
			return -EHOSTDOWN;
		}
		/* A fresh clock: `now` may be a preempted take's, and a timeout
		 * already past would let the next take probe too. */
		next = (uint64_t)RLC_BREAKER_HALF_OPEN << 62 |
		       (uint64_t)RLC__BREAKER_FAILURES(w) << 48 |
		       ((rlc_now_ns() + probe_ns) / 1000u & RLC__BREAKER_TIME_MASK);
		if (rlc__cas_relaxed(word, &w, next)) {
			*probe = next;
			return 0;
		}
	}
}

/*
 * A probe whose request will not report (a limit refused it, or it was
 * refunded): hand the probe on at once, by making the word "open, its
 * cool-down over" if it is still the one the probe stored.
 */
static inline void rlc__breaker_release(rlc_word *word, uint64_t probe)
{
	uint64_t expected = probe;

	/* Strong: a spurious failure would hold the probe until it times out. */
	rlc__cas_strong(word, &expected,
			(uint64_t)RLC_BREAKER_OPEN << 62 |
				(uint64_t)RLC__BREAKER_FAILURES(probe) << 48,
			relaxed, relaxed);
}

/*
 * Note a request's outcome on breaker `word` at `now`: a failure
 * (`failed`) counts, and at `threshold` consecutive ones opens the breaker
 * for `cooldown_ns`; a success clears the count.  A half-open breaker
 * waits for its probe's outcome alone (`probe`: the word the request's
 * grant stored to win it, else 0): a success closes it, a failure opens
 * it again; other requests' outcomes, from before it opened, do not count
 * then.  An open breaker counts failures and keeps its cool-down.
 * Lock-free.  Returns 1 when this call opened the breaker, else 0.
 */
static inline int rlc__breaker_note(rlc_word *word, int failed, uint64_t probe,
				    uint32_t threshold, uint64_t cooldown_ns, uint64_t now)
{
	uint64_t w = rlc__load_relaxed(word), next;
	uint32_t state, failures;

	for (;;) {
		state = RLC__BREAKER_STATE(w);
		failures = RLC__BREAKER_FAILURES(w);
		if (state == RLC_BREAKER_HALF_OPEN && w != probe)
			return 0;
		if (!failed) {
			if (state == RLC_BREAKER_OPEN || w == 0)
				return 0; /* the common case: closed, nothing counted */
			next = 0;
		} else {
			failures += failures < RLC_BREAKER_FAILURES_MAX;
			if (state == RLC_BREAKER_OPEN)
				next = (w & ~((uint64_t)RLC_BREAKER_FAILURES_MAX << 48)) |
				       (uint64_t)failures << 48;
			else if (state == RLC_BREAKER_HALF_OPEN || failures >= threshold)
				next = (uint64_t)RLC_BREAKER_OPEN << 62 | (uint64_t)failures << 48 |
				       ((now + cooldown_ns) / 1000u & RLC__BREAKER_TIME_MASK);
			else
				next = (uint64_t)failures << 48;
		}
		if (rlc__cas_relaxed(word, &w, next))
			return failed && state != RLC_BREAKER_OPEN &&
			       RLC__BREAKER_STATE(next) == RLC_BREAKER_OPEN;
	}
}

#endif /* RLC_BLOCK_H */
