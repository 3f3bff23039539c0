/* SPDX-License-Identifier: MIT */
/* The fixed algorithm, driven by hand-set exchange-clock time: no clock, no sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stddef.h>

#include <cmocka.h>

#include "rlc/fixed.h"

#define MS UINT64_C(1000000)
#define SEC (1000 * MS)
#define MINUTE (60 * SEC)
/* 2023-11-14 22:14:00 UTC: a whole minute of the exchange's clock */
#define T0 (UINT64_C(28333334) * MINUTE)

static rlc_word state, sum;
static struct rlc_limit_view limit; /* as rlc_open copies it */

/* `cap` per aligned interval of `interval`, latency L, clock error e. */
static void setup_fixed(uint32_t cap, uint64_t interval, uint64_t latency, uint64_t error)
{
	memset(&limit, 0, sizeof(limit));
	rlc__store_relaxed(&state, UINT64_C(0));
	rlc__store_relaxed(&sum, UINT64_C(0));
	limit.state = &state;
	limit.sum = &sum;
	limit.algorithm = RLC_ALGO_FIXED;
	limit.capacity = cap;
	limit.effective = cap;
	limit.interval_ns = interval;
	limit.latency_ns = latency;
	limit.clock_error_ns = error;
}

/* The usual exchange minute: 10 per minute, 250 ms latency, 50 ms error. */
static void setup_minute(void)
{
	setup_fixed(10, MINUTE, 250 * MS, 50 * MS);
}

static int take_c(uint64_t x, uint32_t weight, uint32_t ceiling, uint64_t *token, uint64_t *retry)
{
	uint64_t tok = UINT64_MAX, r = 0;
	int err = rlc_fixed_take(&limit, x, weight, ceiling, &tok, &r);

	if (token)
		*token = tok;
	if (retry)
		*retry = r;
	return err;
}

static int take(uint64_t x, uint32_t weight, uint64_t *token, uint64_t *retry)
{
	return take_c(x, weight, limit.effective, token, retry);
}

static uint64_t used(uint64_t x)
{
	uint64_t u = UINT64_MAX;

	assert_int_equal(rlc_fixed_used(&limit, x, &u), 0);
	return u;
}

/* Does the grant with `token` count in two intervals? */
static int counts_twice(uint64_t token)
{
	return (int)(token & 1);
}

/* A grant at :59.9, whose request may reach the exchange after :00, counts
 * in both minutes; a grant at :30 counts in its own minute only. */
static void test_fixed_aligned_boundaries(void **st)
{
	uint64_t token;

	(void)st;
	setup_minute();
	assert_int_equal(take(T0 + 30 * SEC, 3, &token, NULL), 0);
	assert_int_equal(token, (T0 / MINUTE) << 1);
	assert_int_equal(take(T0 + 59900 * MS, 4, &token, NULL), 0);
	assert_true(counts_twice(token));
	assert_int_equal(token >> 1, T0 / MINUTE);
	assert_int_equal(used(T0 + 30 * SEC), 7);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 4);
	/* the next minute has 6 left, this one 3 */
	assert_int_equal(take(T0 + MINUTE + 30 * SEC, 7, NULL, NULL), -EAGAIN);
	assert_int_equal(take(T0 + MINUTE + 30 * SEC, 6, NULL, NULL), 0);
	assert_int_equal(take(T0 + 40 * SEC, 4, NULL, NULL), -EAGAIN);
	assert_int_equal(take(T0 + 40 * SEC, 3, NULL, NULL), 0);
}

/* The guard on both sides of a boundary B: a span [x - e, x + L + e] that
 * reaches B (closed at both ends) counts in both intervals. */
static void test_fixed_guard_both_sides(void **st)
{
	const uint64_t B = T0 + MINUTE, L = 250 * MS, e = 50 * MS;
	uint64_t token;

	(void)st;
	setup_minute();
	/* before B: the span ends at B exactly, or 1 ns short of it */
	assert_int_equal(take(B - L - e, 1, &token, NULL), 0);
	assert_true(counts_twice(token));
	assert_int_equal(take(B - L - e - 1, 1, &token, NULL), 0);
	assert_false(counts_twice(token));
	assert_int_equal(token >> 1, T0 / MINUTE);
	/* after B: the clock may be e fast, so the request may arrive before B */
	assert_int_equal(take(B + e - 1, 1, &token, NULL), 0);
	assert_true(counts_twice(token));
	assert_int_equal(token >> 1, T0 / MINUTE);
	assert_int_equal(take(B + e, 1, &token, NULL), 0);
	assert_false(counts_twice(token));
	assert_int_equal(token >> 1, B / MINUTE);
	assert_int_equal(used(T0 + 30 * SEC), 3);
	assert_int_equal(used(B + 30 * SEC), 3);
}

/* A full interval refuses until the span's start has left it: exactly
 * (k + 1)W + e - x; 1 ns earlier is still refused. */
static void test_fixed_refusal_and_exact_retry(void **st)
{
	uint64_t retry, x = T0 + 40 * SEC;

	(void)st;
	setup_minute();
	assert_int_equal(take(T0 + 30 * SEC, 10, NULL, NULL), 0);
	assert_int_equal(take(x, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, MINUTE + 50 * MS - 40 * SEC);
	assert_int_equal(take(x + retry - 1, 1, NULL, NULL), -EAGAIN);
	assert_int_equal(take(x + retry, 1, NULL, NULL), 0);
	/* a weight that fits only partly is refused whole */
	assert_int_equal(take(x + retry, 10, NULL, &retry), -EAGAIN);
	assert_int_equal(used(x + MINUTE), 1);
}

/* A boundary grant filled both minutes: the wait skips the second as well. */
static void test_fixed_retry_skips_a_full_next_interval(void **st)
{
	uint64_t retry, x = T0 + 59950 * MS;

	(void)st;
	setup_minute();
	assert_int_equal(take(T0 + 59900 * MS, 10, NULL, NULL), 0);
	assert_int_equal(take(x, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, 2 * MINUTE + 50 * MS - 59950 * MS);
	assert_int_equal(take(T0 + MINUTE + 50 * MS, 1, NULL, NULL), -EAGAIN);
	assert_int_equal(take(x + retry - 1, 1, NULL, NULL), -EAGAIN);
	assert_int_equal(take(x + retry, 1, NULL, NULL), 0);
}

/* The second interval refuses: the first gets its weight back. */
static void test_fixed_rollback_of_first_interval(void **st)
{
	uint64_t retry, x = T0 + 59900 * MS;

	(void)st;
	setup_minute();
	assert_int_equal(take(T0 + 30 * SEC, 2, NULL, NULL), 0);
	assert_int_equal(take(T0 + MINUTE + 30 * SEC, 8, NULL, NULL), 0);
	assert_int_equal(take(x, 3, NULL, &retry), -EAGAIN);
	/* the next minute refused: wait until the span has left it */
	assert_int_equal(retry, 2 * MINUTE + 50 * MS - 59900 * MS);
	assert_int_equal(used(T0 + 30 * SEC), 2);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 8);
	/* this minute still has its 8 */
	assert_int_equal(take(T0 + 40 * SEC, 8, NULL, NULL), 0);
	assert_int_equal(take(x, 2, NULL, NULL), -EAGAIN);
	assert_int_equal(used(T0 + 30 * SEC), 10);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 8);
}

static void test_fixed_refund_one_and_two_intervals(void **st)
{
	uint64_t once, twice;

	(void)st;
	setup_minute();
	assert_int_equal(take(T0 + 30 * SEC, 4, &once, NULL), 0);
	assert_int_equal(take(T0 + 59900 * MS, 6, &twice, NULL), 0);
	assert_int_equal(used(T0 + 30 * SEC), 10);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 6);
	rlc_fixed_refund(&limit, twice, 6);
	assert_int_equal(used(T0 + 30 * SEC), 4);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 0);
	rlc_fixed_refund(&limit, once, 4);
	assert_int_equal(used(T0 + 30 * SEC), 0);
	assert_int_equal(take(T0 + 59900 * MS, 10, NULL, NULL), 0);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 10);
}

/* Once a word has moved to a later interval, a refund of an older grant
 * there does nothing: never below what the later interval holds. */
static void test_fixed_refund_after_word_moved_on(void **st)
{
	uint64_t old, twice;

	(void)st;
	setup_minute();
	assert_int_equal(take(T0 + 30 * SEC, 5, &old, NULL), 0);
	assert_int_equal(take(T0 + 59900 * MS, 3, &twice, NULL), 0);
	assert_int_equal(take(T0 + 2 * MINUTE + 30 * SEC, 7, NULL, NULL), 0); /* state: minute 2 */
	rlc_fixed_refund(&limit, old, 5);
	assert_int_equal(used(T0 + 2 * MINUTE + 30 * SEC), 7);
	/* minute 1 (the other word) still holds the boundary grant: it is
	 * given back there and kept in the minute that is over */
	rlc_fixed_refund(&limit, twice, 3);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 0);
	assert_int_equal(used(T0 + 2 * MINUTE + 30 * SEC), 7);
	/* a refund never takes a count below 0 */
	rlc_fixed_refund(&limit, twice, 3);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 0);
}

/* A taker whose clock is behind another process's finds its word moved
 * on: refused until its span has left the interval that is gone. */
static void test_fixed_behind_clock_is_refused(void **st)
{
	uint64_t retry, x = T0 + 30 * SEC;

	(void)st;
	setup_minute();
	assert_int_equal(take(T0 + 2 * MINUTE + 10 * SEC, 2, NULL, NULL), 0);
	assert_int_equal(take(x, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, MINUTE + 50 * MS - 30 * SEC);
	assert_int_equal(used(x), 2); /* what it will find there */
	/* minute 1 lives in the other word, which has not moved on */
	assert_int_equal(take(x + retry, 1, NULL, NULL), 0);
	/* a boundary grant behind: refused at its first minute, which is gone,
	 * and counted in neither */
	assert_int_equal(take(T0 + 59900 * MS, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, MINUTE + 50 * MS - 59900 * MS);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 1);
	assert_int_equal(used(T0 + 2 * MINUTE + 30 * SEC), 2);
}

static void set_word(rlc_word *w, uint64_t interval, uint64_t count)
{
	rlc__store_relaxed(w, RLC__WORD(interval, count));
}

/*
 * A word of a later interval of the right parity, however far ahead, is a
 * clock behind (stepped back, or an offset moved back): refused until the
 * clock reaches it.  Words no take writes are -EBADMSG.
 */
static void test_fixed_corrupt_word(void **st)
{
	const uint64_t k = T0 / MINUTE; /* even */
	uint64_t u, token, retry;

	(void)st;
	setup_minute();
	/* two intervals past a one-interval span: -EAGAIN */
	set_word(&state, k + 2, 1);
	assert_int_equal(take(T0 + 30 * SEC, 1, NULL, NULL), -EAGAIN);
	/* an hour ahead: still -EAGAIN, and the span fits the odd interval
	 * next, whose word is free */
	set_word(&state, k + 60, 1);
	assert_int_equal(take(T0 + 30 * SEC, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, 30 * SEC + 50 * MS);
	assert_int_equal(take(T0 + 30 * SEC + retry, 1, NULL, NULL), 0);
	assert_int_equal(rlc_fixed_used(&limit, T0 + 30 * SEC, &u), 0);
	assert_int_equal(u, 1);
	/* the odd word two past that span's end: plausible */
	set_word(&state, k, 0);
	set_word(&sum, k + 3, 1);
	assert_int_equal(take(T0 + 59900 * MS, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(used(T0 + 30 * SEC), 0); /* rolled back */
	/* an interval of the other parity: no take writes one */
	set_word(&state, k + 1, 1);
	assert_int_equal(take(T0 + 30 * SEC, 1, NULL, NULL), -EBADMSG);
	assert_int_equal(rlc_fixed_used(&limit, T0 + 30 * SEC, &u), -EBADMSG);
	/* the last even interval a label holds: refused, its retry bounded */
	set_word(&state, RLC_EPOCH_MAX - 1, RLC_COUNT_MAX);
	assert_int_equal(take(T0 + 30 * SEC, 1, NULL, &retry), -EAGAIN);
	assert_true(retry <= 4 * MINUTE);
	/* a corrupt count is only a count */
	set_word(&state, k, RLC_COUNT_MAX);
	assert_int_equal(take(T0 + 30 * SEC, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(used(T0 + 30 * SEC), RLC_COUNT_MAX);
	assert_int_equal(take(T0 + 2 * MINUTE + 30 * SEC, 1, &token, NULL), 0);
	rlc_fixed_refund(&limit, token, 1);
	/* an exchange clock past 2^64 - 5W: only a corrupt offset gives it */
	assert_int_equal(take(UINT64_MAX - 5 * MINUTE, 1, NULL, NULL), 0);
	assert_int_equal(take(UINT64_MAX - 5 * MINUTE + 1, 1, NULL, NULL), -EOVERFLOW);
	assert_int_equal(rlc_fixed_used(&limit, UINT64_MAX, &u), -EOVERFLOW);
}

/* A clock read before the Unix epoch plus e: the span starts at 0. */
static void test_fixed_clock_near_zero(void **st)
{
	uint64_t token, retry;

	(void)st;
	setup_fixed(2, SEC, 100 * MS, 50 * MS);
	assert_int_equal(take(10 * MS, 2, &token, NULL), 0);
	assert_int_equal(token, 0);
	assert_int_equal(take(20 * MS, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, SEC + 50 * MS - 20 * MS);
}

/* A lower priority's ceiling stops it short of effective; a higher one
 * may take the rest. */
static void test_fixed_ceiling_below_effective(void **st)
{
	uint64_t retry;

	(void)st;
	setup_minute();
	limit.effective = 8; /* a 20% buffer */
	assert_int_equal(take_c(T0 + 30 * SEC, 6, 6, NULL, NULL), 0);
	assert_int_equal(take_c(T0 + 30 * SEC, 1, 6, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, MINUTE + 50 * MS - 30 * SEC);
	assert_int_equal(take_c(T0 + 30 * SEC, 2, 8, NULL, NULL), 0);
	assert_int_equal(take_c(T0 + 30 * SEC, 1, 8, NULL, NULL), -EAGAIN);
	/* a new interval starts under the ceiling too */
	assert_int_equal(take_c(T0 + MINUTE + 30 * SEC, 7, 6, NULL, NULL), -EAGAIN);
	assert_int_equal(take_c(T0 + MINUTE + 30 * SEC, 6, 6, NULL, NULL), 0);
	assert_int_equal(used(T0 + MINUTE + 30 * SEC), 6);
}

/* xorshift64*: a fixed, well-spread sequence, the same on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(0x2545F4914F6CDD1D);
}

#define HISTORY_GRANTS 200
#define CLOCKS 3

struct held {
	uint64_t x, token;
	uint32_t weight, ceiling;
	int standing; /* 1 until a refund gives it back */
};

/*
 * For every aligned interval k, the standing weight of every grant whose
 * span [x - e, x + L + e] meets k is at most the largest ceiling among
 * them, which is at most effective.  Computed from the span's definition,
 * not from the header's.
 */
static void check_history(const struct held *g, unsigned n, uint64_t first, uint64_t last)
{
	const uint64_t W = limit.interval_ns, e = limit.clock_error_ns, L = limit.latency_ns;
	uint64_t k;
	unsigned i;

	for (k = first; k <= last; k++) {
		uint64_t weight = 0, ceiling = 0;

		for (i = 0; i < n; i++) {
			if (!g[i].standing || g[i].x + L + e < k * W || g[i].x - e >= (k + 1) * W)
				continue;
			weight += g[i].weight;
			if (g[i].ceiling > ceiling)
				ceiling = g[i].ceiling;
		}
		if (weight > ceiling || weight > limit.effective)
			fail_msg("interval %" PRIu64 ": standing weight %" PRIu64
				 " over ceiling %" PRIu64 " (effective %u)",
				 k - first, weight, ceiling, limit.effective);
	}
}

/* Has a word of the span of a grant at x moved on to a later interval? */
static int moved_on(uint64_t x)
{
	uint64_t lo = 0, hi = 0, k;

	assert_int_equal(rlc__fixed_span(&limit, x, &lo, &hi), 0);
	for (k = lo; k <= hi; k++)
		if (RLC__EPOCH(rlc__load_relaxed(rlc__fixed_word(&limit, k))) > k)
			return 1;
	return 0;
}

/*
 * On a refusal with a weight within the ceiling, the retry is exact: with
 * no other traffic, 1 ns earlier is refused and the retry itself granted.
 * Tried on a copy of the words, which are put back.
 */
static void check_retry(uint64_t x, uint32_t weight, uint32_t ceiling, uint64_t retry)
{
	uint64_t s = rlc__load_relaxed(&state), o = rlc__load_relaxed(&sum), token, r;

	assert_true(retry > 0 && retry <= 5 * limit.interval_ns);
	assert_int_equal(rlc_fixed_take(&limit, x + retry - 1, weight, ceiling, &token, &r),
			 -EAGAIN);
	assert_int_equal(rlc_fixed_take(&limit, x + retry, weight, ceiling, &token, &r), 0);
	rlc__store_relaxed(&state, s);
	rlc__store_relaxed(&sum, o);
}

/*
 * Random histories across many boundaries: takes by three processes whose
 * exchange clocks disagree by up to an interval (the behind ones find
 * words moved on), under random ceilings; refunds of any held grant, in
 * any order, after any delay; the rollback of rlc_try_n right after a take.
 */
static void test_fixed_random_histories(void **st)
{
	static struct held g[HISTORY_GRANTS];
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned history, refusals = 0, behind = 0, exact = 0, twice = 0;

	(void)st;
	for (history = 0; history < 2000; history++) {
		uint64_t r = next_random(&seed), now = T0, skew[CLOCKS], token, retry;
		uint64_t latency = (r % 400) * MS, error = ((r >> 10) % 250) * MS;
		uint32_t cap = 1 + (uint32_t)((r >> 20) % 12);
		unsigned n = 0, steps, c;

		setup_fixed(cap, SEC, latency, error);
		limit.effective = cap - (uint32_t)((r >> 30) % (cap < 4 ? 1 : 3));
		for (c = 0; c < CLOCKS; c++)
			skew[c] = next_random(&seed) % SEC;
		for (steps = 0; steps < 3 * HISTORY_GRANTS && n < HISTORY_GRANTS; steps++) {
			uint64_t q = next_random(&seed), x;
			uint32_t weight = 1 + (uint32_t)(q % limit.effective);
			uint32_t ceiling = limit.effective - (uint32_t)((q >> 8) % limit.effective);
			int err;

			now += (q >> 16) % (SEC / 6);
			if ((q >> 40) % 4 == 0) { /* a refund of any held grant */
				if (n > 0) {
					struct held *h = &g[(q >> 44) % n];

					if (h->standing) {
						rlc_fixed_refund(&limit, h->token, h->weight);
						h->standing = 0;
					}
				}
				continue;
			}
			x = now + skew[(q >> 44) % CLOCKS];
			err = rlc_fixed_take(&limit, x, weight, ceiling, &token, &retry);
			if (err == -EAGAIN) {
				refusals++;
				behind += moved_on(x);
				if (weight <= ceiling) {
					check_retry(x, weight, ceiling, retry);
					exact++;
				}
				continue;
			}
			assert_int_equal(err, 0);
			twice += counts_twice(token);
			g[n] = (struct held){x, token, weight, ceiling, 1};
			/* rlc_try_n's rollback: the undo right after the take */
			if ((q >> 50) % 5 == 0) {
				rlc_fixed_refund(&limit, token, weight);
				g[n].standing = 0;
			}
			n++;
		}
		check_history(g, n, T0 / SEC - 1, (now + SEC) / SEC + 1);
	}
	/* the histories did exercise refusals (most with a retry checked),
	 * clocks behind a moved-on word, and the guard */
	assert_true(refusals > 100000 && exact > 100000 && behind > 1000 && twice > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_aligned_boundaries),
		cmocka_unit_test(test_fixed_guard_both_sides),
		cmocka_unit_test(test_fixed_refusal_and_exact_retry),
		cmocka_unit_test(test_fixed_retry_skips_a_full_next_interval),
		cmocka_unit_test(test_fixed_rollback_of_first_interval),
		cmocka_unit_test(test_fixed_refund_one_and_two_intervals),
		cmocka_unit_test(test_fixed_refund_after_word_moved_on),
		cmocka_unit_test(test_fixed_behind_clock_is_refused),
		cmocka_unit_test(test_fixed_corrupt_word),
		cmocka_unit_test(test_fixed_clock_near_zero),
		cmocka_unit_test(test_fixed_ceiling_below_effective),
		cmocka_unit_test(test_fixed_random_histories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
