/* SPDX-License-Identifier: MIT */
/*
 * rlc/block.h: a scope's block words (blocked_until by atomic max, its
 * details keyed to it) and its circuit breaker word, driven by hand-set
 * time; rlc_block, rlc_block_get and rlc_unblock through a real handle;
 * and threads (standing in for processes) raising and probing at once.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ini_segment.h"

#define US UINT64_C(1000)
#define MS UINT64_C(1000000)
#define SEC (1000 * MS)
#define MINUTE (60 * SEC)
/* A CLOCK_MONOTONIC reading for the plain-memory cases: 1000 s of uptime. */
#define NOW (1000 * SEC)
#define NO_CODE RLC__BLOCK_NO_CODE

static struct rlc_scope scope;

static void clear_scope(void)
{
	memset(&scope, 0, sizeof(scope));
}

/* The detail bits of a block word keyed to `until`; fails the test if not keyed. */
static uint32_t detail(rlc_word *w, uint64_t until)
{
	uint64_t v = rlc__load_relaxed(w);

	assert_true(rlc__block_keyed(v, until));
	return (uint32_t)(v & RLC__BLOCK_DETAIL_MASK);
}

/* What block_cause holds for HTTP `status` from client record `client`. */
static uint32_t cause_of(uint32_t status, int client)
{
	return status << RLC__BLOCK_CLIENT_BITS | (uint32_t)(client + 1);
}

/* The words hold exactly this block: until, status, code, client, since. */
static void assert_block(uint64_t until, uint32_t status, uint32_t code, int client,
			 uint64_t set_at)
{
	assert_int_equal(rlc__load_relaxed(&scope.blocked_until), until);
	assert_int_equal(detail(&scope.block_cause, until), cause_of(status, client));
	assert_int_equal(detail(&scope.block_code, until), code & RLC__BLOCK_DETAIL_MASK);
	/* rounded up: never shown as set later than it was */
	assert_int_equal(detail(&scope.block_since, until),
			 (until - set_at + RLC__BLOCK_SINCE_UNIT_NS - 1) / RLC__BLOCK_SINCE_UNIT_NS);
}

static void test_block_raise_never_lowers(void **state)
{
	clear_scope();
	rlc__block_raise(&scope, NOW + 60 * SEC, NOW, 429, (uint32_t)-1003, 2);
	assert_block(NOW + 60 * SEC, 429, (uint32_t)-1003, 2, NOW);
	/* a shorter penalty later: the longer one stays, details and all */
	rlc__block_raise(&scope, NOW + 10 * SEC, NOW + 5 * SEC, 429, 7, 5);
	assert_block(NOW + 60 * SEC, 429, (uint32_t)-1003, 2, NOW);
	/* the same until again changes nothing either */
	rlc__block_raise(&scope, NOW + 60 * SEC, NOW + 1 * SEC, 418, 7, 5);
	assert_block(NOW + 60 * SEC, 429, (uint32_t)-1003, 2, NOW);
	/* a longer one replaces it */
	rlc__block_raise(&scope, NOW + 120 * SEC, NOW + 6 * SEC, 418, NO_CODE, -1);
	assert_block(NOW + 120 * SEC, 418, NO_CODE, -1, NOW + 6 * SEC);
}

/*
 * The details of the block with the larger until win whichever raise ran
 * first, though every detail of it is smaller: the key decides, not the
 * detail bits.
 */
static void test_block_details_follow_the_latest(void **state)
{
	const uint64_t a = NOW + 10 * SEC, b = NOW + 20 * SEC;
	int order;

	for (order = 0; order < 2; order++) {
		clear_scope();
		if (order == 0)
			rlc__block_raise(&scope, a, NOW, 429, (uint32_t)-1003, 7);
		rlc__block_raise(&scope, b, NOW + SEC, 403, 5, 0);
		if (order == 1)
			rlc__block_raise(&scope, a, NOW, 429, (uint32_t)-1003, 7);
		assert_block(b, 403, 5, 0, NOW + SEC);
		assert_false(rlc__block_keyed(rlc__load_relaxed(&scope.block_cause), a));
	}
}

/*
 * A raiser stopped after its first word leaves details of the block before:
 * a reader can tell, since their key is not its blocked_until's.  Then the
 * raise completes and every word agrees.
 */
static void test_block_reader_sees_keys_agree(void **state)
{
	const uint64_t a = NOW + 10 * SEC, b = NOW + 30 * SEC;

	clear_scope();
	rlc__block_raise(&scope, a, NOW, 429, 1, 1);
	rlc__raise(&scope.blocked_until, b); /* the first word of a raise to b */
	assert_false(rlc__block_keyed(rlc__load_relaxed(&scope.block_cause), b));
	assert_false(rlc__block_keyed(rlc__load_relaxed(&scope.block_code), b));
	assert_false(rlc__block_keyed(rlc__load_relaxed(&scope.block_since), b));
	rlc__block_raise(&scope, b, NOW, 418, 2, 3); /* and the rest of it */
	assert_block(b, 418, 2, 3, NOW);
	/* keys are until >> RLC_BLOCK_KEY_SHIFT: another 1.05 ms is another key */
	assert_false(rlc__block_keyed(rlc__load_relaxed(&scope.block_cause),
				      b + (UINT64_C(1) << RLC_BLOCK_KEY_SHIFT)));
}

/* How long before until it was set, in 100 ms up, saturating; 0 for an until past. */
static void test_block_since_saturates(void **state)
{
	clear_scope();
	rlc__block_raise(&scope, NOW + 150 * MS, NOW, 429, 1, 0);
	assert_int_equal(detail(&scope.block_since, NOW + 150 * MS), 2);
	clear_scope();
	rlc__block_raise(&scope, NOW + 200 * MS, NOW, 429, 1, 0);
	assert_int_equal(detail(&scope.block_since, NOW + 200 * MS), 2);
	clear_scope();
	rlc__block_raise(&scope, NOW, NOW + SEC, 429, 1, 0);
	assert_int_equal(detail(&scope.block_since, NOW), 0);
	clear_scope();
	rlc__block_raise(&scope, RLC__BLOCK_UNTIL_MAX, 0, 429, 1, 0);
	assert_int_equal(detail(&scope.block_since, RLC__BLOCK_UNTIL_MAX), RLC__BLOCK_DETAIL_MASK);
}

static void test_block_clear_lifts_everything(void **state)
{
	clear_scope();
	rlc__block_raise(&scope, NOW + 60 * SEC, NOW, 418, 9, 4);
	rlc__block_clear(&scope);
	assert_int_equal(rlc__load_relaxed(&scope.blocked_until), 0);
	assert_int_equal(rlc__load_relaxed(&scope.block_cause), 0);
	assert_int_equal(rlc__load_relaxed(&scope.block_code), 0);
	assert_int_equal(rlc__load_relaxed(&scope.block_since), 0);
	/* after a clear a shorter block holds, with its own details */
	rlc__block_raise(&scope, NOW + SEC, NOW, 429, 3, 1);
	assert_block(NOW + SEC, 429, 3, 1, NOW);
}

/* -- through a real handle ------------------------------------------------ */

static const char profile[] = "[rlcd]\n"
			      "clients = 8\n"
			      "[exchange ex]\n"
			      "[limit ex.ip.weight]\n"
			      "capacity = 100\n"
			      "interval = 1m\n";

struct fixture {
	struct ini_segment seg;
	struct rlc h;
	uint32_t ip;  /* the scope "ex.ip" */
	int self;     /* the handle's client record */
};

static int setup(void **state)
{
	static struct fixture f;
	int ip;

	memset(&f, 0, sizeof(f));
	ini_segment_open(&f.seg, profile, &f.h, "test");
	ip = rlc_scope_id(&f.h, "ex.ip");
	assert_true(ip >= 0);
	f.ip = (uint32_t)ip;
	f.self = (int)(f.h.self - f.h.clients);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rlc_close(&f->h);
	ini_segment_close(&f->seg);
	return 0;
}

/* Every code a block keeps comes back, sign and all; "no code" is has_code 0. */
static void test_block_get_sign_extends_the_code(void **state)
{
	static const int32_t codes[] = { -1003, -1015, 10018, 170222, 50061, 0,
					 1,     -1,    8388607, -8388607 };
	struct fixture *f = *state;
	struct rlc_scope *s = &f->h.scope_words[f->ip];
	struct rlc_block b;
	uint64_t now, until;
	size_t i;

	for (i = 0; i <= sizeof(codes) / sizeof(codes[0]); i++) {
		assert_int_equal(rlc_unblock(&f->h, f->ip), 0);
		now = rlc_now_ns();
		until = now + 60 * SEC;
		rlc__block_raise(s, until, now, 429,
				 i < sizeof(codes) / sizeof(codes[0]) ? (uint32_t)codes[i] : NO_CODE,
				 3);
		assert_int_equal(rlc_block_get(&f->h, f->ip, &b), 0);
		assert_int_equal(b.until_ns, until);
		assert_int_equal(b.status, 429);
		assert_int_equal(b.client, 3);
		/* to 100 ms: set 600 units of it before until */
		assert_int_equal(b.since_ns, until - 60 * SEC);
		if (i < sizeof(codes) / sizeof(codes[0])) {
			assert_int_equal(b.has_code, 1);
			assert_int_equal(b.code, codes[i]);
		} else {
			assert_int_equal(b.has_code, 0);
			assert_int_equal(b.code, 0);
		}
	}
}

/* Words that do not agree: the until alone, no details. */
static void test_block_get_torn_words(void **state)
{
	struct fixture *f = *state;
	struct rlc_scope *s = &f->h.scope_words[f->ip];
	struct rlc_block b;
	uint64_t now = rlc_now_ns();

	rlc__block_raise(s, now + 10 * SEC, now, 429, 5, 2);
	rlc__raise(&s->blocked_until, now + 20 * SEC); /* a raiser stopped here */
	assert_int_equal(rlc_block_get(&f->h, f->ip, &b), 0);
	assert_int_equal(b.until_ns, now + 20 * SEC);
	assert_int_equal(b.status, 0);
	assert_int_equal(b.has_code, 0);
	assert_int_equal(b.client, -1);
	assert_int_equal(b.since_ns, 0);
	/* a block that has ended reads as none */
	assert_int_equal(rlc_unblock(&f->h, f->ip), 0);
	rlc__block_raise(s, now - SEC, now - 2 * SEC, 429, 5, 2);
	assert_int_equal(rlc_block_get(&f->h, f->ip, &b), 0);
	assert_int_equal(b.until_ns, 0);
	assert_int_equal(b.client, -1);
}

static void test_block_by_hand(void **state)
{
	struct fixture *f = *state;
	struct rlc_breaker k;
	struct rlc_block b;
	struct rlc ro;
	uint64_t now = rlc_now_ns(), until = now + 3600 * SEC;

	assert_int_equal(rlc_block(&f->h, f->ip, until), 0);
	assert_int_equal(rlc_block_get(&f->h, f->ip, &b), 0);
	assert_int_equal(b.until_ns, until);
	assert_int_equal(b.status, 0);
	assert_int_equal(b.has_code, 0);
	assert_int_equal(b.client, f->self);
	/* set at rlc_block's own clock read, to 100 ms, rounded back */
	assert_true(b.since_ns + 100 * MS > now && b.since_ns <= rlc_now_ns());
	/* raise only: a shorter block by hand leaves the longer one */
	assert_int_equal(rlc_block(&f->h, f->ip, now + 60 * SEC), 0);
	assert_int_equal(rlc_block_get(&f->h, f->ip, &b), 0);
	assert_int_equal(b.until_ns, until);
	/* not in the future, or too far in it */
	assert_int_equal(rlc_block(&f->h, f->ip, 0), -EINVAL);
	assert_int_equal(rlc_block(&f->h, f->ip, rlc_now_ns()), -EINVAL);
	assert_int_equal(rlc_block(&f->h, f->ip, now - SEC), -EINVAL);
	assert_int_equal(rlc_block(&f->h, f->ip, rlc_now_ns() + RLC_BLOCK_MAX_NS + SEC), -EINVAL);
	assert_int_equal(rlc_block(&f->h, f->ip, rlc_now_ns() + RLC_BLOCK_MAX_NS - SEC), 0);
	assert_int_equal(rlc_block(&f->h, f->h.layout.scopes_count, until), -EINVAL);
	assert_int_equal(rlc_unblock(&f->h, f->h.layout.scopes_count), -EINVAL);
	assert_int_equal(rlc_block_get(&f->h, f->h.layout.scopes_count, &b), -EINVAL);
	assert_int_equal(rlc_block(NULL, f->ip, until), -EINVAL);
	/* a read-only handle reads blocks and sets none */
	assert_int_equal(rlc_attach(&ro, f->seg.base, f->seg.size, NULL, RLC_OPEN_READONLY), 0);
	assert_int_equal(rlc_block(&ro, f->ip, until + SEC), -EINVAL);
	assert_int_equal(rlc_unblock(&ro, f->ip), -EINVAL);
	assert_int_equal(rlc_block_get(&ro, f->ip, &b), 0);
	assert_true(b.until_ns > until);
	/* unblock lifts it for everyone, the exchange's word against the operator's,
	 * and closes the scope's breaker */
	rlc__store_relaxed(&f->h.scope_words[f->ip].breaker,
			   (uint64_t)RLC_BREAKER_OPEN << 62 | (uint64_t)3 << 48 | rlc_now_ns() / 1000u);
	assert_int_equal(rlc_breaker_get(&ro, f->ip, &k), 0);
	assert_int_equal(k.state, RLC_BREAKER_OPEN);
	assert_int_equal(rlc_unblock(&f->h, f->ip), 0);
	assert_int_equal(rlc_block_get(&ro, f->ip, &b), 0);
	assert_int_equal(b.until_ns, 0);
	assert_int_equal(b.client, -1);
	assert_int_equal(rlc_breaker_get(&ro, f->ip, &k), 0);
	assert_int_equal(k.state, RLC_BREAKER_CLOSED);
	assert_int_equal(k.failures, 0);
	rlc_close(&ro);
}

/* -- the breaker, by hand ------------------------------------------------- */

/*
 * Times are set by hand, but no later than CLOCK_MONOTONIC now: a take that
 * wins the probe times it out from a fresh clock read (rlc/block.h), so the
 * probe's timeout is known only to lie between two reads of the clock.
 */
#define FAILURES 3u
#define COOLDOWN (10 * SEC)
#define PROBE (5 * SEC)

static rlc_word breaker;

/* CLOCK_MONOTONIC now, to the breaker's microsecond. */
static uint64_t clock_us(void)
{
	return rlc_now_ns() / US * US;
}

static uint32_t state_of(void)
{
	return RLC__BREAKER_STATE(rlc__load_relaxed(&breaker));
}

static uint32_t failures_of(void)
{
	return RLC__BREAKER_FAILURES(rlc__load_relaxed(&breaker));
}

static uint64_t until_of(void)
{
	return (rlc__load_relaxed(&breaker) & RLC__BREAKER_TIME_MASK) * US;
}

/* A request's outcome at `now`; `probe`: the word its grant won the probe with, or 0. */
static int note(int failed, uint64_t probe, uint64_t now)
{
	return rlc__breaker_note(&breaker, failed, probe, FAILURES, COOLDOWN, now);
}

/* rlc__breaker_pass at `now`: 0 (with the probe word in *probe, if won) or the wait. */
static int pass_may(uint64_t now, int may_claim, uint64_t *probe, uint64_t *retry)
{
	uint64_t p = UINT64_MAX, r = UINT64_MAX;
	int err = rlc__breaker_pass(&breaker, now, PROBE, may_claim, &p, &r);

	if (probe)
		*probe = p;
	if (retry)
		*retry = r;
	if (err == 0)
		assert_int_equal(r, UINT64_MAX); /* no wait for a pass */
	else
		assert_int_equal(p, UINT64_MAX); /* no probe for a refusal */
	return err;
}

static int pass(uint64_t now, uint64_t *probe, uint64_t *retry)
{
	return pass_may(now, 1, probe, retry);
}

/* Open the breaker at `now` from closed. */
static void open_at(uint64_t now)
{
	uint32_t i;

	rlc__store_relaxed(&breaker, 0);
	for (i = 0; i + 1 < FAILURES; i++)
		assert_int_equal(note(1, 0, now), 0);
	assert_int_equal(note(1, 0, now), 1);
}

/* Open, its cool-down over at `t`, and the probe won at t: returns the probe's word. */
static uint64_t probe_at(uint64_t t)
{
	uint64_t probe, before = rlc_now_ns();

	open_at(t - COOLDOWN);
	assert_int_equal(pass(t, &probe, NULL), 0);
	assert_int_equal(probe, rlc__load_relaxed(&breaker));
	assert_int_equal(state_of(), RLC_BREAKER_HALF_OPEN);
	assert_int_equal(failures_of(), FAILURES);
	/* timed out from the clock when it won, not from t */
	assert_true(until_of() >= before / US * US + PROBE && until_of() <= rlc_now_ns() + PROBE);
	return probe;
}

static void test_block_breaker_closed_passes(void **state)
{
	const uint64_t b = clock_us();
	uint64_t probe;

	rlc__store_relaxed(&breaker, 0);
	assert_int_equal(pass(b, &probe, NULL), 0);
	assert_int_equal(probe, UINT64_MAX); /* closed: no probe to report on */
	assert_int_equal(pass_may(b, 0, NULL, NULL), 0);
	assert_int_equal(note(0, 0, b), 0);
	assert_int_equal(rlc__load_relaxed(&breaker), 0);
}

static void test_block_breaker_opens_at_the_threshold(void **state)
{
	const uint64_t b = clock_us() - 100 * SEC;
	uint64_t retry;
	uint32_t i;

	rlc__store_relaxed(&breaker, 0);
	for (i = 1; i < FAILURES; i++) {
		assert_int_equal(note(1, 0, b + i * SEC), 0);
		assert_int_equal(state_of(), RLC_BREAKER_CLOSED);
		assert_int_equal(failures_of(), i);
		assert_int_equal(pass(b + i * SEC, NULL, NULL), 0);
	}
	assert_int_equal(note(1, 0, b + 5 * SEC), 1);
	assert_int_equal(state_of(), RLC_BREAKER_OPEN);
	assert_int_equal(failures_of(), FAILURES);
	assert_int_equal(until_of(), b + 5 * SEC + COOLDOWN);
	/* open: refused with the exact wait to the end of the cool-down */
	assert_int_equal(pass(b + 5 * SEC, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, COOLDOWN);
	assert_int_equal(pass(b + 5 * SEC + COOLDOWN - US, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, US);
	/* open: a failure counts on, a success (maybe from before) changes nothing */
	assert_int_equal(note(1, 0, b + 6 * SEC), 0);
	assert_int_equal(state_of(), RLC_BREAKER_OPEN);
	assert_int_equal(failures_of(), FAILURES + 1);
	assert_int_equal(until_of(), b + 5 * SEC + COOLDOWN);
	assert_int_equal(note(0, 0, b + 7 * SEC), 0);
	assert_int_equal(state_of(), RLC_BREAKER_OPEN);
	assert_int_equal(until_of(), b + 5 * SEC + COOLDOWN);
}

static void test_block_breaker_success_resets_the_count(void **state)
{
	const uint64_t b = clock_us();
	uint32_t i;

	rlc__store_relaxed(&breaker, 0);
	for (i = 0; i + 1 < FAILURES; i++)
		assert_int_equal(note(1, 0, b), 0);
	assert_int_equal(note(0, 0, b), 0);
	assert_int_equal(rlc__load_relaxed(&breaker), 0);
	/* consecutive failures only: it takes FAILURES more to open */
	for (i = 0; i + 1 < FAILURES; i++)
		assert_int_equal(note(1, 0, b), 0);
	assert_int_equal(state_of(), RLC_BREAKER_CLOSED);
	assert_int_equal(note(1, 0, b), 1);
	assert_int_equal(state_of(), RLC_BREAKER_OPEN);
}

/*
 * After the cool-down exactly one pass wins the probe; the others wait for
 * it, and only its own outcome counts: its success closes the breaker.
 */
static void test_block_breaker_one_probe_and_its_success(void **state)
{
	const uint64_t t = clock_us() - 10 * SEC;
	uint64_t probe = probe_at(t), until = until_of(), retry, w;

	assert_int_equal(pass(t, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, until - t);
	assert_int_equal(pass(until - US, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, US);
	assert_int_equal(pass_may(t, 0, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, until - t);
	/* other requests' outcomes, from before it opened, do not count */
	w = rlc__load_relaxed(&breaker);
	assert_int_equal(note(0, 0, t + SEC), 0);
	assert_int_equal(note(1, 0, t + SEC), 0);
	assert_int_equal(note(0, probe ^ 1, t + SEC), 0);
	assert_int_equal(rlc__load_relaxed(&breaker), w);
	assert_int_equal(note(0, probe, t + SEC), 0);
	assert_int_equal(rlc__load_relaxed(&breaker), 0);
	assert_int_equal(pass(t + SEC, NULL, NULL), 0);
}

static void test_block_breaker_probe_failure_reopens(void **state)
{
	const uint64_t t = clock_us() - 10 * SEC;
	uint64_t probe = probe_at(t), retry, w;

	assert_int_equal(note(1, probe, t + 2 * SEC), 1);
	assert_int_equal(state_of(), RLC_BREAKER_OPEN);
	assert_int_equal(failures_of(), FAILURES + 1);
	assert_int_equal(until_of(), t + 2 * SEC + COOLDOWN);
	assert_int_equal(pass(t + 2 * SEC, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, COOLDOWN);
	/* at once even below the threshold (no take stores such a word: by hand) */
	w = (uint64_t)RLC_BREAKER_HALF_OPEN << 62 | (t + PROBE) / US;
	rlc__store_relaxed(&breaker, w);
	assert_int_equal(note(1, w, t + 3 * SEC), 1);
	assert_int_equal(state_of(), RLC_BREAKER_OPEN);
	assert_int_equal(failures_of(), 1);
	assert_int_equal(until_of(), t + 3 * SEC + COOLDOWN);
}

/*
 * A prober that died never reports: its probe times out and the next pass
 * wins a new one.  Its word is set by hand, its timeout a second ago.
 */
static void test_block_breaker_probe_times_out(void **state)
{
	const uint64_t b = clock_us();
	const uint64_t dead = (uint64_t)RLC_BREAKER_HALF_OPEN << 62 | (uint64_t)FAILURES << 48 |
			      (b - SEC) / US;
	uint64_t probe, retry;

	rlc__store_relaxed(&breaker, dead);
	assert_int_equal(pass(b - 2 * SEC, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, SEC);
	assert_int_equal(pass(b - SEC, &probe, NULL), 0);
	assert_true(probe != dead);
	assert_int_equal(state_of(), RLC_BREAKER_HALF_OPEN);
	assert_int_equal(failures_of(), FAILURES);
	assert_true(until_of() >= b + PROBE);
	assert_int_equal(pass(b, NULL, &retry), -EHOSTDOWN);
	assert_true(retry >= PROBE);
	/* the dead prober's late word is not the probe's: it changes nothing */
	assert_int_equal(note(0, dead, b), 0);
	assert_int_equal(rlc__load_relaxed(&breaker), probe);
	assert_int_equal(note(1, probe, b), 1);
}

/* A probe refused by a limit hands itself on at once; a stale release does nothing. */
static void test_block_breaker_release(void **state)
{
	const uint64_t t = clock_us() - 10 * SEC;
	uint64_t probe = probe_at(t), next, w;

	rlc__breaker_release(&breaker, probe);
	assert_int_equal(state_of(), RLC_BREAKER_OPEN);
	assert_int_equal(failures_of(), FAILURES);
	assert_int_equal(until_of(), 0); /* cool-down over at once */
	/* a failure while open counts, so the next probe's word is another
	 * (claimed within the same microsecond, it would be the same word) */
	assert_int_equal(note(1, 0, t), 0);
	assert_int_equal(pass(t, &next, NULL), 0);
	assert_int_equal(state_of(), RLC_BREAKER_HALF_OPEN);
	assert_int_equal(failures_of(), FAILURES + 1);
	/* the first probe's word is stale now: releasing it again changes nothing */
	w = rlc__load_relaxed(&breaker);
	rlc__breaker_release(&breaker, probe);
	assert_int_equal(rlc__load_relaxed(&breaker), w);
	/* nor does a release after the probe's outcome closed the breaker */
	assert_int_equal(note(0, next, t + SEC), 0);
	rlc__breaker_release(&breaker, next);
	assert_int_equal(rlc__load_relaxed(&breaker), 0);
}

/* A request that probes another scope waits here, however long the cool-down is over. */
static void test_block_breaker_one_probe_a_request(void **state)
{
	const uint64_t t = clock_us() - 10 * SEC;
	uint64_t retry, w;

	open_at(t - COOLDOWN);
	w = rlc__load_relaxed(&breaker);
	assert_int_equal(pass_may(t, 0, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, RLC_BREAKER_RECHECK_NS);
	assert_int_equal(rlc__load_relaxed(&breaker), w);
	/* cooling down, it gets the cool-down's wait as any take does */
	assert_int_equal(pass_may(t - SEC, 0, NULL, &retry), -EHOSTDOWN);
	assert_int_equal(retry, SEC);
}

/* A time no take wrote (beyond a day ahead) shuts the scope no longer than a probe. */
static void test_block_breaker_corrupt_time(void **state)
{
	const uint64_t b = clock_us();
	uint64_t retry, probe;

	rlc__store_relaxed(&breaker, (uint64_t)RLC_BREAKER_OPEN << 62 |
					     (b + RLC_BREAKER_TIME_MAX_NS) / US);
	assert_int_equal(pass(b, NULL, &retry), -EHOSTDOWN); /* a day: a cool-down may be */
	assert_int_equal(retry, RLC_BREAKER_TIME_MAX_NS);
	rlc__store_relaxed(&breaker, (uint64_t)RLC_BREAKER_OPEN << 62 |
					     (b + RLC_BREAKER_TIME_MAX_NS + US) / US);
	assert_int_equal(pass(b, &probe, NULL), 0);
	assert_int_equal(state_of(), RLC_BREAKER_HALF_OPEN);
	assert_true(until_of() >= b + PROBE && until_of() <= rlc_now_ns() + PROBE);
}

/* -- threads standing in for processes ------------------------------------ */

#define THREADS 8
#define RAISES 20000
#define ROUNDS 1000
#define WORDS 256

/*
 * Threads start together on a word they wait on (started one by one, each
 * would mostly be done before the next began), and report on another; what
 * the main thread set up and what the threads tallied are handed over by
 * the release and acquire on those words.
 */
static rlc_word go, arrived;

static void wait_for(rlc_word *w, uint64_t value)
{
	while (rlc__load_acquire(w) < value) /* pairs with the release of its store */
		sched_yield();
}

static void arrive(void)
{
	/* Release: this thread's tallies, to the main thread's acquire in wait_for. */
	RLC__NS atomic_fetch_add_explicit(&arrived, 1, RLC__ORDER(release));
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * A raise whose every detail is a function of its until, and whose untils
 * are whole keys apart: equal keys mean the same block, so the final words
 * can be checked against the largest until alone.
 */
static uint64_t until_for(uint64_t k)
{
	return k << RLC_BLOCK_KEY_SHIFT;
}

static void raise_for(struct rlc_scope *s, uint64_t k)
{
	uint64_t until = until_for(k);

	rlc__block_raise(s, until, until - (k % 1000) * RLC__BLOCK_SINCE_UNIT_NS,
			 400 + (uint32_t)(k % 200), (uint32_t)(k * 2654435761u),
			 (int)(k % 4096) - 1);
}

struct raiser {
	pthread_t t;
	uint64_t seed, most, falls;
};

static void *raiser_run(void *arg)
{
	struct raiser *r = arg;
	uint64_t k;
	int i;

	wait_for(&go, 1);
	for (i = 0; i < RAISES; i++) {
		/* rising in step across the threads, jittered so that they overlap:
		 * most raises write, and race with another's */
		k = (NOW >> RLC_BLOCK_KEY_SHIFT) + (uint64_t)i * THREADS +
		    rng_next(&r->seed) % (4 * THREADS);
		raise_for(&scope, k);
		/* raise only: from here on this thread sees the block at least as late */
		r->falls += rlc__load_relaxed(&scope.blocked_until) < until_for(k) ||
			    !(rlc__load_relaxed(&scope.block_code) >> RLC__BLOCK_DETAIL_BITS >=
			      until_for(k) >> RLC_BLOCK_KEY_SHIFT);
		if (k > r->most)
			r->most = k;
	}
	arrive();
	return NULL;
}

/*
 * 8 threads raising one scope's block at once: no reader ever sees a word
 * fall, and they end at the largest until with its details.
 */
static void test_block_threads_raise_to_the_max(void **state)
{
	struct raiser r[THREADS];
	uint64_t most, until, seen, last, code, last_code, falls = 0;
	int round, i;

	for (round = 0; round < 5; round++) {
		clear_scope();
		rlc__store_relaxed(&go, 0);
		rlc__store_relaxed(&arrived, 0);
		for (i = 0; i < THREADS; i++) {
			r[i].seed = (uint64_t)(round * THREADS + i + 1);
			r[i].most = r[i].falls = 0;
			assert_int_equal(pthread_create(&r[i].t, NULL, raiser_run, &r[i]), 0);
		}
		rlc__store_release(&go, 1); /* pairs with wait_for's acquire */
		/* Relaxed: each word's own modification order is what must not fall. */
		for (last = last_code = 0; rlc__load_acquire(&arrived) < THREADS; last = seen) {
			seen = rlc__load_relaxed(&scope.blocked_until);
			code = rlc__load_relaxed(&scope.block_code);
			falls += seen < last || code < last_code;
			last_code = code;
		}
		assert_int_equal(falls, 0);
		most = 0;
		for (i = 0; i < THREADS; i++) {
			assert_int_equal(pthread_join(r[i].t, NULL), 0);
			assert_int_equal(r[i].falls, 0);
			most = r[i].most > most ? r[i].most : most;
		}
		until = until_for(most);
		assert_int_equal(rlc__load_relaxed(&scope.blocked_until), until);
		assert_int_equal(detail(&scope.block_cause, until),
				 cause_of(400 + (uint32_t)(most % 200), (int)(most % 4096) - 1));
		assert_int_equal(detail(&scope.block_code, until),
				 (uint32_t)(most * 2654435761u) & RLC__BLOCK_DETAIL_MASK);
		assert_int_equal(detail(&scope.block_since, until), most % 1000);
	}
}

/*
 * Each round the threads race through the same WORDS breakers, all open
 * with the cool-down just over: the even ones from the first word up, the
 * odd ones from the last down, so that threads running at once meet on
 * words neither has taken yet.
 */
static rlc_word breakers[WORDS];
static uint64_t round_at;
static uint64_t probes[THREADS][WORDS]; /* the word a win stored; 0: lost */
static int wrong[THREADS];

static void *prober_run(void *arg)
{
	int me = (int)(intptr_t)arg, round, i, j, err;
	uint64_t probe, retry;

	for (round = 0; round < ROUNDS; round++) {
		wait_for(&go, (uint64_t)round + 1);
		for (i = 0; i < WORDS; i++) {
			j = me & 1 ? WORDS - 1 - i : i;
			probe = retry = 0;
			/* each thread's clock a little apart, all after the cool-down */
			err = rlc__breaker_pass(&breakers[j], round_at + (uint64_t)me * US, PROBE,
						1, &probe, &retry);
			probes[me][j] = err == 0 ? probe : 0;
			/* the probe timed out from its winner's clock: a while after */
			if (err != 0 && (err != -EHOSTDOWN || retry == 0 || retry > PROBE + MINUTE))
				wrong[me]++;
		}
		arrive();
	}
	return NULL;
}

/* 8 takes racing on open breakers whose cool-down is over: one probe each. */
static void test_block_threads_race_for_the_probe(void **state)
{
	pthread_t t[THREADS];
	int round, i, j, won;

	rlc__store_relaxed(&go, 0);
	rlc__store_relaxed(&arrived, 0);
	memset(wrong, 0, sizeof(wrong));
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, prober_run, (void *)(intptr_t)i), 0);
	for (round = 0; round < ROUNDS; round++) {
		round_at = clock_us(); /* no later than the clock: see the breaker above */
		open_at(round_at - COOLDOWN);
		for (j = 0; j < WORDS; j++)
			rlc__store_relaxed(&breakers[j], rlc__load_relaxed(&breaker));
		rlc__store_release(&go, (uint64_t)round + 1); /* pairs with wait_for's acquire */
		wait_for(&arrived, (uint64_t)(round + 1) * THREADS);
		for (j = 0; j < WORDS; j++) {
			for (won = 0, i = 0; i < THREADS; i++)
				if (probes[i][j]) {
					won++;
					assert_int_equal(probes[i][j], rlc__load_relaxed(&breakers[j]));
				}
			assert_int_equal(won, 1);
			assert_int_equal(RLC__BREAKER_STATE(rlc__load_relaxed(&breakers[j])),
					 RLC_BREAKER_HALF_OPEN);
		}
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(wrong[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_raise_never_lowers),
		cmocka_unit_test(test_block_details_follow_the_latest),
		cmocka_unit_test(test_block_reader_sees_keys_agree),
		cmocka_unit_test(test_block_since_saturates),
		cmocka_unit_test(test_block_clear_lifts_everything),
		cmocka_unit_test_setup_teardown(test_block_get_sign_extends_the_code, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_block_get_torn_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_by_hand, setup, teardown),
		cmocka_unit_test(test_block_breaker_closed_passes),
		cmocka_unit_test(test_block_breaker_opens_at_the_threshold),
		cmocka_unit_test(test_block_breaker_success_resets_the_count),
		cmocka_unit_test(test_block_breaker_one_probe_and_its_success),
		cmocka_unit_test(test_block_breaker_probe_failure_reopens),
		cmocka_unit_test(test_block_breaker_probe_times_out),
		cmocka_unit_test(test_block_breaker_release),
		cmocka_unit_test(test_block_breaker_one_probe_a_request),
		cmocka_unit_test(test_block_breaker_corrupt_time),
		cmocka_unit_test(test_block_threads_raise_to_the_max),
		cmocka_unit_test(test_block_threads_race_for_the_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
