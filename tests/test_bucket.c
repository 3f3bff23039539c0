/* SPDX-License-Identifier: MIT */
/* The GCRA bucket, driven by hand-set time: no clock, no sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stddef.h>

#include <cmocka.h>

#include "rlc/bucket.h"

#define MS UINT64_C(1000000)
#define T0 (UINT64_C(7000) * MS)

static rlc_word tat;
static struct rlc_limit_view limit; /* as rlc_open copies it */

/* Burst `cap`, refilled at `cap` per `interval_ms`. */
static void setup_bucket(uint32_t cap, uint64_t interval_ms)
{
	memset(&limit, 0, sizeof(limit));
	rlc__store_relaxed(&tat, UINT64_C(0));
	limit.state = &tat;
	limit.algorithm = RLC_ALGO_BUCKET;
	limit.capacity = cap;
	limit.effective = cap;
	limit.interval_ns = interval_ms * MS;
	limit.step_ns = (interval_ms * MS + cap - 1) / cap;
	limit.burst_ns = cap * limit.step_ns;
	limit.stale_ns = limit.burst_ns;
}

static uint64_t used(uint64_t now)
{
	uint64_t u = 0, seen = 0;

	assert_int_equal(rlc_bucket_used(&limit, now, &u, &seen), 0);
	return u;
}

static int take(uint64_t now, uint32_t weight, uint64_t *token, uint64_t *retry)
{
	uint64_t tok = 0, r = 0;
	int err = rlc_bucket_take(&limit, now, weight, &tok, &r);

	if (token)
		*token = tok;
	if (retry)
		*retry = r;
	return err;
}

static void test_bucket_burst_then_rate(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t retry;
	uint32_t i;

	setup_bucket(10, 1000);
	assert_int_equal(limit.step_ns, T);
	for (i = 0; i < 10; i++)
		assert_int_equal(take(T0, 1, NULL, NULL), 0);
	assert_int_equal(take(T0, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, T);
	assert_int_equal(take(T0 + T - 1, 1, NULL, NULL), -EAGAIN);
	assert_int_equal(take(T0 + T, 1, NULL, NULL), 0);
	assert_int_equal(take(T0 + T, 1, NULL, NULL), -EAGAIN);
}

static void test_bucket_weighted_retry_is_exact(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t retry;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 4, NULL, NULL), 0);
	assert_int_equal(take(T0, 7, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, T);
	assert_int_equal(take(T0, 6, NULL, NULL), 0);
	assert_int_equal(take(T0 + 5 * T, 6, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, T);
	assert_int_equal(take(T0 + 5 * T, 5, NULL, NULL), 0);
}

static void test_bucket_refills_to_burst_only(void **state)
{
	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, NULL, NULL), 0);
	/* Idle for 100 periods: the bucket holds its burst, not more. */
	assert_int_equal(take(T0 + 100 * limit.interval_ns, 10, NULL, NULL), 0);
	assert_int_equal(take(T0 + 100 * limit.interval_ns, 1, NULL, NULL), -EAGAIN);
	/* It refills at effective capacity per interval. */
	assert_int_equal(used(T0 + 100 * limit.interval_ns + limit.interval_ns), 0);
}

static void test_bucket_refund_immediate(void **state)
{
	uint64_t token;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, &token, NULL), 0);
	assert_int_equal(rlc_bucket_refund(&limit, token, 10), 1);
	assert_int_equal(used(T0), 0);
	assert_int_equal(take(T0, 10, NULL, NULL), 0);
}

/* The newest grant is undone whole, however late; the state is as if
 * it had never been taken. */
static void test_bucket_refund_of_newest_grant(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t token;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, &token, NULL), 0);
	assert_int_equal(rlc_bucket_refund(&limit, token, 10), 1);
	assert_int_equal(take(T0 + 4 * T, 10, NULL, NULL), 0);
	assert_int_equal(take(T0 + 4 * T, 1, NULL, NULL), -EAGAIN);
}

/* A grant that is no longer the newest change keeps its weight counted. */
static void test_bucket_refund_of_older_grant_is_kept(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t first, second;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 4, &first, NULL), 0);
	assert_int_equal(take(T0, 4, &second, NULL), 0);
	assert_int_equal(rlc_bucket_refund(&limit, first, 4), 0);
	assert_int_equal(used(T0), 8);
	/* Out of order: the newest first, then the older one is newest again. */
	assert_int_equal(rlc_bucket_refund(&limit, second, 4), 1);
	assert_int_equal(rlc_bucket_refund(&limit, first, 4), 1);
	assert_int_equal(used(T0), 0);
	/* A take that found the bucket idle restarts the word at its own clock:
	 * an older grant's refund can no longer match it. */
	assert_int_equal(take(T0 + 20 * T, 10, &first, NULL), 0);
	assert_int_equal(take(T0 + 40 * T, 10, &second, NULL), 0);
	assert_int_equal(rlc_bucket_refund(&limit, first, 10), 0);
	assert_int_equal(take(T0 + 40 * T, 1, NULL, NULL), -EAGAIN);
}

/*
 * A refunder whose clock read is old by the time it runs gives back
 * nothing it does not hold: the grant it refunds has refilled and another
 * burst was taken since.
 */
static void test_bucket_stale_refunder_frees_nothing(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t stalled;
	int i;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, &stalled, NULL), 0);
	assert_int_equal(take(T0 + 10 * T, 10, NULL, NULL), 0);
	assert_int_equal(rlc_bucket_refund(&limit, stalled, 10), 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(take(T0 + 10 * T + (uint64_t)i, 1, NULL, NULL), -EAGAIN);
}

/* xorshift64*: a fixed, well-spread sequence, the same on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(0x2545F4914F6CDD1D);
}

#define HISTORY_GRANTS 160

struct held {
	uint64_t t, token;
	uint32_t weight;
	int standing; /* 1 until a refund gives it back */
};

/* Over every span [a, b] between two grants' clock reads, the standing
 * weight is at most burst + (b - a) / T.  Sorted by clock read, a span from
 * grant i to grant j holds the standing weight of positions i..j. */
static void check_history(struct held *g, unsigned n)
{
	uint64_t prefix[HISTORY_GRANTS + 1] = {0};
	unsigned i, j;

	for (i = 1; i < n; i++) /* insertion sort by clock read */
		for (j = i; j > 0 && g[j - 1].t > g[j].t; j--) {
			struct held t = g[j];

			g[j] = g[j - 1];
			g[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		prefix[i + 1] = prefix[i] + (g[i].standing ? g[i].weight : 0);
	for (i = 0; i < n; i++)
		for (j = i; j < n; j++) {
			uint64_t units = prefix[j + 1] - prefix[i];

			if (units * limit.step_ns > limit.burst_ns + (g[j].t - g[i].t))
				fail_msg("%" PRIu64 " units granted in [%" PRIu64 ", %" PRIu64
					 "]: more than burst %u + span / T", units, g[i].t - T0,
					 g[j].t - T0, limit.effective);
		}
}

/*
 * Random histories: takes at clock reads that lag true time by up to two
 * bursts (preempted takers), refunds of any held grant in any order and
 * after any delay, and the immediate undo of rlc_try_n's rollback.
 */
static void test_bucket_random_histories(void **state)
{
	static struct held g[HISTORY_GRANTS];
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned history;

	for (history = 0; history < 3000; history++) {
		uint64_t now = T0, token, retry;
		unsigned n = 0, steps;

		setup_bucket(1 + (uint32_t)(next_random(&seed) % 12), 10 + next_random(&seed) % 200);
		for (steps = 0; steps < 4 * HISTORY_GRANTS && n < HISTORY_GRANTS; steps++) {
			uint64_t r = next_random(&seed), t, lag;
			uint32_t weight = 1 + (uint32_t)(r % limit.effective);

			now += (r >> 8) % (limit.step_ns * 2);
			switch ((r >> 40) % 4) {
			case 0: /* a refund of any held grant, out of order */
				if (n > 0) {
					struct held *h = &g[(r >> 44) % n];

					if (h->standing && rlc_bucket_refund(&limit, h->token, h->weight))
						h->standing = 0;
				}
				break;
			default: /* a take, maybe with a stale clock read */
				lag = (r >> 44) % 3 == 0 ? (r >> 20) % (2 * limit.burst_ns) : 0;
				t = now > T0 + lag ? now - lag : T0;
				if (take(t, weight, &token, &retry) != 0)
					break;
				g[n] = (struct held){ t, token, weight, 1 };
				/* rlc_try_n's rollback: the undo right after the take */
				if ((r >> 50) % 5 == 0 && rlc_bucket_refund(&limit, token, weight))
					g[n].standing = 0;
				n++;
			}
		}
		check_history(g, n);
	}
}

static void test_bucket_used_rounds_up(void **state)
{
	const uint64_t T = 100 * MS;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 3, NULL, NULL), 0);
	assert_int_equal(used(T0), 3);
	assert_int_equal(used(T0 + T - 1), 3);
	assert_int_equal(used(T0 + T), 2);
	assert_int_equal(used(T0 + 3 * T), 0);
}

/* Out-of-order clock reads never let more than burst + rate x span through. */
static void test_bucket_stale_clock_is_conservative(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t retry;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0 + 5 * T, 10, NULL, NULL), 0);
	assert_int_equal(take(T0 + 5 * T, 1, NULL, NULL), -EAGAIN);
	/* More than a burst behind the word: the caller must read the clock
	 * again (and, if still behind, the word is corrupt). */
	assert_int_equal(take(T0, 1, NULL, &retry), -ESTALE);
	assert_int_equal(retry, T0 + 5 * T);
	assert_int_equal(take(T0 + 6 * T, 1, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_burst_then_rate),
		cmocka_unit_test(test_bucket_weighted_retry_is_exact),
		cmocka_unit_test(test_bucket_refills_to_burst_only),
		cmocka_unit_test(test_bucket_refund_immediate),
		cmocka_unit_test(test_bucket_refund_of_newest_grant),
		cmocka_unit_test(test_bucket_refund_of_older_grant_is_kept),
		cmocka_unit_test(test_bucket_stale_refunder_frees_nothing),
		cmocka_unit_test(test_bucket_random_histories),
		cmocka_unit_test(test_bucket_used_rounds_up),
		cmocka_unit_test(test_bucket_stale_clock_is_conservative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
