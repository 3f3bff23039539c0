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
 * words carry its blocked_until's key knows they describe that block.
 *
 * Breaker.  One word: state:2 | failures:14 | time in us:48.  Closed, it
 * counts consecutive failures; at the exchange's breaker-failures it opens
 * until a cool-down ends (time).  Then the first take to CAS it from
 * "open, cool-down over" to "half-open until now + probe timeout" is the
 * probe; every other take is refused until the probe's outcome closes the
 * breaker or opens it again.  A probe that never reports (its process
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

#include "priority.h" /* rlc__raise */
#include "segment.h"

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
	uint64_t since = (until > now ? until - now : 0) / RLC__BLOCK_SINCE_UNIT_NS;

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
 * Claim the half-open probe of breaker word `w` seen at `now`, or say how
 * long to wait.  Returns 0 when the breaker lets the take through (closed,
 * or this take won the probe: *probe set to the word it stored); else
 * -EHOSTDOWN with the wait in *retry_ns.  Lock-free: a CAS fails only
 * when another take changed the word.
 */
static inline int rlc__breaker_pass(rlc_word *word, uint64_t now, uint64_t probe_ns,
				    uint64_t *probe, uint64_t *retry_ns)
{
	uint64_t w = rlc__load_relaxed(word), t, next;

	for (;;) {
		if (RLC__BREAKER_STATE(w) == RLC_BREAKER_CLOSED)
			return 0;
		t = (w & RLC__BREAKER_TIME_MASK) * 1000u;
		if (now < t) { /* cooling down, or another take probing */
			*retry_ns = t - now;
			return -EHOSTDOWN;
		}
		next = (uint64_t)RLC_BREAKER_HALF_OPEN << 62 |
		       (uint64_t)RLC__BREAKER_FAILURES(w) << 48 |
		       ((now + probe_ns) / 1000u & RLC__BREAKER_TIME_MASK);
		if (rlc__cas_relaxed(word, &w, next)) {
			*probe = next;
			return 0;
		}
	}
}

/*
 * A probe that won the breaker but whose request was refused by a limit
 * (so nothing will report on it): hand the probe on at once, by making the
 * word "open, cool-down over" if it is still the one the probe stored.
 */
static inline void rlc__breaker_release(rlc_word *word, uint64_t probe, uint64_t now)
{
	uint64_t expected = probe;

	/* Strong: a spurious failure would hold the probe until it times out. */
	rlc__cas_strong(word, &expected,
			(uint64_t)RLC_BREAKER_OPEN << 62 | (probe & ~(UINT64_C(3) << 62 |
								     RLC__BREAKER_TIME_MASK)) |
				(now / 1000u & RLC__BREAKER_TIME_MASK),
			relaxed, relaxed);
}

/*
 * Note a request's outcome on breaker word `word` at `now`: a failure
 * (`failed`) counts, and at `threshold` consecutive ones (or at once when
 * half-open) opens the breaker for `cooldown_ns`; a success closes a
 * half-open breaker and clears the count (an open one stays open: its
 * success may be from before it opened).  Lock-free.  Returns 1 when this
 * call opened the breaker, else 0.
 */
static inline int rlc__breaker_note(rlc_word *word, int failed, uint32_t threshold,
				    uint64_t cooldown_ns, uint64_t now)
{
	uint64_t w = rlc__load_relaxed(word), next;
	uint32_t state, failures;

	for (;;) {
		state = RLC__BREAKER_STATE(w);
		failures = RLC__BREAKER_FAILURES(w);
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
