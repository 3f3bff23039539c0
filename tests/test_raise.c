/* SPDX-License-Identifier: MIT */
/*
 * Raising a limit's count to what the exchange reported: rlc_window_raise
 * and rlc_bucket_raise on limits of a real segment, rlc_fixed_raise on
 * words in plain memory, all at hand-set times; never lowering, adding only
 * the difference, capped, expiring like a grant; and threads (standing in
 * for processes) raising one limit to the same count, which must count it
 * once.
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

#define MS UINT64_C(1000000)
#define SEC (1000 * MS)
#define MINUTE (60 * SEC)

/*
 * Capacity 100 each, 10% buffer (90 may be granted), and a mode that lifts
 * the buffer: the largest ceiling is the capacity.
 */
static const char profile[] = "[rlcd]\n"
			      "clients = 8\n"
			      "[exchange ex]\n"
			      "[limit ex.ip.weight]\n"
			      "capacity = 100\n"
			      "interval = 1m\n"
			      "buffer = 10%\n"
			      "[limit ex.ip.tokens]\n"
			      "algorithm = bucket\n"
			      "capacity = 100\n"
			      "interval = 1m\n"
			      "buffer = 10%\n"
			      "[mode ex burst]\n"
			      "buffer = 0%\n"
			      "[exchange plain]\n"
			      "[limit plain.ip.tokens]\n"
			      "algorithm = bucket\n"
			      "capacity = 100\n"
			      "interval = 1m\n"
			      "buffer = 10%\n";

struct fixture {
	struct ini_segment seg;
	struct rlc h;
	const struct rlc_limit_view *window, *bucket, *plain;
	uint64_t t0; /* a time inside the window's first epoch */
};

static const struct rlc_limit_view *limit(struct rlc *h, const char *name)
{
	int id = rlc_limit_id(h, name);

	assert_true(id >= 0);
	return &h->limits[id];
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	ini_segment_open(&f.seg, profile, &f.h, "test");
	f.window = limit(&f.h, "ex.ip.weight");
	f.bucket = limit(&f.h, "ex.ip.tokens");
	f.plain = limit(&f.h, "plain.ip.tokens");
	assert_int_equal(f.window->algorithm, RLC_ALGO_WINDOW);
	assert_int_equal(f.bucket->algorithm, RLC_ALGO_BUCKET);
	assert_int_equal(f.window->effective, 90);
	f.t0 = f.window->origin_ns + f.window->step_ns / 2;
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

/*
 * Raise limit *v to `count` at t (for a fixed limit, in interval t) as its
 * algorithm does.  Fails no test: the racing threads call it too.
 */
static int raise_to(const struct rlc_limit_view *v, uint64_t t, uint32_t count)
{
	uint64_t seen = 0;

	if (v->algorithm == RLC_ALGO_WINDOW)
		return rlc_window_raise(v, t, count, &seen);
	if (v->algorithm == RLC_ALGO_BUCKET)
		return rlc_bucket_raise(v, t, count, &seen);
	return rlc_fixed_raise(v, t, count);
}

/* What limit *v counts at t (for fixed, interval t), or UINT64_MAX if it cannot tell. */
static uint64_t counted(const struct rlc_limit_view *v, uint64_t t)
{
	uint64_t used = UINT64_MAX, seen, w;

	if (v->algorithm == RLC_ALGO_WINDOW)
		return rlc_window_used(v, t, &used, &seen) ? UINT64_MAX : used;
	if (v->algorithm == RLC_ALGO_BUCKET)
		return rlc_bucket_used(v, t, &used, &seen) ? UINT64_MAX : used;
	w = rlc__load_relaxed(rlc__fixed_word(v, t));
	return RLC__EPOCH(w) == t ? RLC__COUNT(w) : UINT64_MAX;
}

static uint64_t used(const struct rlc_limit_view *v, uint64_t t)
{
	uint64_t c = counted(v, t);

	assert_true(c != UINT64_MAX);
	return c;
}

static int window_take(const struct rlc_limit_view *v, uint64_t now, uint32_t weight)
{
	uint64_t token, retry;

	return rlc_window_take(v, now, weight, &token, &retry);
}

/* Start of the window's epoch e. */
static uint64_t epoch_at(const struct rlc_limit_view *v, uint64_t e)
{
	return v->origin_ns + e * v->step_ns;
}

/* The difference is added, once; a lower or equal report changes nothing. */
static void test_raise_window_to_the_report(void **state)
{
	struct fixture *f = *state;
	const struct rlc_limit_view *v = f->window;

	assert_int_equal(raise_to(v, f->t0, 30), 1);
	assert_int_equal(used(v, f->t0), 30);
	assert_int_equal(window_take(v, f->t0, 5), 0);
	assert_int_equal(used(v, f->t0), 35);
	assert_int_equal(raise_to(v, f->t0, 50), 1);
	assert_int_equal(used(v, f->t0), 50);
	assert_int_equal(raise_to(v, f->t0, 40), 0);
	assert_int_equal(raise_to(v, f->t0, 50), 0);
	assert_int_equal(raise_to(v, f->t0, 0), 0);
	assert_int_equal(used(v, f->t0), 50);
	/* an epoch later, weight counted before is part of what is in use */
	assert_int_equal(raise_to(v, epoch_at(v, 5), 60), 1);
	assert_int_equal(used(v, epoch_at(v, 5)), 60);
	/* the report raises to the capacity, past the buffer: nothing more fits */
	assert_int_equal(raise_to(v, epoch_at(v, 5), 100), 1);
	assert_int_equal(used(v, epoch_at(v, 5)), 100);
	assert_int_equal(window_take(v, epoch_at(v, 5), 1), -EAGAIN);
}

/* What was raised leaves the window when a grant of its epoch would. */
static void test_raise_window_expires_like_a_grant(void **state)
{
	struct fixture *f = *state;
	const struct rlc_limit_view *v = f->window;
	const uint64_t e = 3, end = epoch_at(v, e + v->slots);

	assert_int_equal(window_take(v, epoch_at(v, 0), 20), 0);
	assert_int_equal(raise_to(v, epoch_at(v, e), 50), 1); /* adds 30 at epoch e */
	assert_int_equal(used(v, epoch_at(v, v->slots) - 1), 50);
	assert_int_equal(used(v, epoch_at(v, v->slots)), 30); /* epoch 0's 20 gone */
	assert_true(end - epoch_at(v, e) >= v->interval_ns);         /* counted a whole W */
	assert_int_equal(used(v, end - 1), 30);
	assert_int_equal(used(v, end), 0);
	assert_int_equal(raise_to(v, end, 50), 1);
	assert_int_equal(used(v, end), 50);
}

/* The caller caps a report at the capacity; a clock read behind the head is -ESTALE. */
static void test_raise_window_capped_and_stale(void **state)
{
	struct fixture *f = *state;
	const struct rlc_limit_view *v = f->window;
	uint32_t id = (uint32_t)(v - f->h.limits);
	struct rlc__heard k;
	uint64_t seen = 0;

	memset(&k, 0, sizeof(k));
	k.now = k.sent = f->t0;
	k.exchange = -1;
	assert_int_equal(rlc__raise_limit(&f->h, id, 150, &k), 1);
	assert_int_equal(used(v, f->t0), 100);
	assert_int_equal(rlc__raise_limit(&f->h, id, UINT64_MAX, &k), 0);
	assert_int_equal(used(v, f->t0), 100);
	/* a raise decided at a clock read before the head's epoch */
	assert_int_equal(window_take(v, epoch_at(v, 7), 1), -EAGAIN); /* moves the head */
	assert_int_equal(rlc_window_raise(v, epoch_at(v, 6), 100, &seen), -ESTALE);
	assert_int_equal(seen, epoch_at(v, 7));
}

static void test_raise_bucket_to_the_report(void **state)
{
	struct fixture *f = *state;
	const struct rlc_limit_view *v = f->bucket;
	const uint64_t t = rlc_now_ns();
	uint64_t token, retry;

	assert_int_equal(raise_to(v, t, 30), 1);
	assert_int_equal(used(v, t), 30);
	assert_int_equal(rlc_bucket_take(v, t, 5, &token, &retry), 0);
	assert_int_equal(raise_to(v, t, 50), 1);
	assert_int_equal(used(v, t), 50);
	assert_int_equal(raise_to(v, t, 40), 0);
	assert_int_equal(raise_to(v, t, 50), 0);
	assert_int_equal(used(v, t), 50);
	/* what was raised refills like any grant: one token a step */
	assert_int_equal(used(v, t + 20 * v->step_ns), 30);
	assert_int_equal(used(v, t + 50 * v->step_ns), 0);
}

/* Capped at the largest ceiling: the capacity where a mode lifts the buffer, else the buffer's. */
static void test_raise_bucket_capped_at_the_largest_ceiling(void **state)
{
	struct fixture *f = *state;
	const uint64_t t = rlc_now_ns();
	uint64_t token, retry;

	assert_int_equal(raise_to(f->bucket, t, 150), 1);
	assert_int_equal(used(f->bucket, t), 100);
	assert_int_equal(raise_to(f->bucket, t, 100), 0);
	assert_int_equal(rlc_bucket_take(f->bucket, t, 1, &token, &retry), -EAGAIN);
	assert_int_equal(raise_to(f->plain, t, 100), 1);
	assert_int_equal(used(f->plain, t), f->plain->effective);
	assert_int_equal(raise_to(f->plain, t, 100), 0);
}

/* -- fixed, in plain memory ------------------------------------------------ */

static rlc_word even_w, odd_w;
static struct rlc_limit_view fixed; /* as rlc_open copies it */

static void setup_fixed(void)
{
	memset(&fixed, 0, sizeof(fixed));
	rlc__store_relaxed(&even_w, 0);
	rlc__store_relaxed(&odd_w, 0);
	fixed.state = &even_w;
	fixed.sum = &odd_w;
	fixed.algorithm = RLC_ALGO_FIXED;
	fixed.capacity = 100;
	fixed.effective = 90;
	fixed.interval_ns = MINUTE;
	fixed.latency_ns = 250 * MS;
	fixed.clock_error_ns = 50 * MS;
}

/* A whole minute of the exchange's clock, interval K = 28333334 (even). */
#define K UINT64_C(28333334)

static void test_raise_fixed_interval(void **state)
{
	uint64_t token, retry, used;

	setup_fixed();
	assert_int_equal(rlc_fixed_raise(&fixed, K, 30), 1);
	assert_int_equal(rlc__load_relaxed(&even_w), RLC__WORD(K, 30));
	assert_int_equal(rlc__load_relaxed(&odd_w), 0); /* its neighbour's word untouched */
	assert_int_equal(rlc_fixed_raise(&fixed, K, 20), 0);
	assert_int_equal(rlc_fixed_raise(&fixed, K, 30), 0);
	assert_int_equal(rlc__load_relaxed(&even_w), RLC__WORD(K, 30));
	/* a take counts on top; a later report replaces the sum, never adds to it */
	assert_int_equal(rlc_fixed_take(&fixed, K * MINUTE + 10 * SEC, 5, 90, &token, &retry), 0);
	assert_int_equal(rlc_fixed_raise(&fixed, K, 40), 1);
	assert_int_equal(rlc_fixed_used(&fixed, K * MINUTE + 10 * SEC, &used), 0);
	assert_int_equal(used, 40);
	/* the odd neighbour in its own word */
	assert_int_equal(rlc_fixed_raise(&fixed, K + 1, 7), 1);
	assert_int_equal(rlc__load_relaxed(&odd_w), RLC__WORD(K + 1, 7));
	assert_int_equal(rlc__load_relaxed(&even_w), RLC__WORD(K, 40));
	/* a report for K + 2 starts that interval in the even word: K is over */
	assert_int_equal(rlc_fixed_raise(&fixed, K + 2, 3), 1);
	assert_int_equal(rlc__load_relaxed(&even_w), RLC__WORD(K + 2, 3));
	/* a late report for K now finds a later interval: left alone */
	assert_int_equal(rlc_fixed_raise(&fixed, K, 90), 0);
	assert_int_equal(rlc__load_relaxed(&even_w), RLC__WORD(K + 2, 3));
	assert_int_equal(rlc_fixed_raise(&fixed, K - 1, 90), 0);
	assert_int_equal(rlc__load_relaxed(&odd_w), RLC__WORD(K + 1, 7));
}

/* A word at a later interval of the other parity no take writes: corrupt. */
static void test_raise_fixed_wrong_parity_is_ebadmsg(void **state)
{
	setup_fixed();
	rlc__store_relaxed(&even_w, RLC__WORD(K + 3, 5));
	assert_int_equal(rlc_fixed_raise(&fixed, K, 10), -EBADMSG);
	assert_int_equal(rlc__load_relaxed(&even_w), RLC__WORD(K + 3, 5));
	rlc__store_relaxed(&odd_w, RLC__WORD(K + 4, 5));
	assert_int_equal(rlc_fixed_raise(&fixed, K + 1, 10), -EBADMSG);
	/* an earlier interval of either parity is merely over: relabelled */
	rlc__store_relaxed(&even_w, RLC__WORD(K - 3, 5));
	assert_int_equal(rlc_fixed_raise(&fixed, K, 10), 1);
	assert_int_equal(rlc__load_relaxed(&even_w), RLC__WORD(K, 10));
}

/* -- threads standing in for processes -------------------------------------- */

#define THREADS 4
#define ROUNDS 1000

/*
 * Threads start each round together on a word they spin on; the main
 * thread's round setup and the threads' results are handed over by the
 * release and acquire on `go` and `arrived`.
 */
static rlc_word go, arrived;
static const struct rlc_limit_view *racing;
static uint64_t race_at[ROUNDS];
static int race_err[THREADS];
static uint32_t race_count[THREADS];
static int raced; /* rounds run so far: each round's time is later than the last's */

static void wait_for(rlc_word *w, uint64_t value)
{
	unsigned spins = 0;

	/* Acquire: pairs with the release of its store.  Spin a while first, so
	 * that threads on cores of their own leave together; then yield, so
	 * that on fewer cores the others get to run. */
	while (rlc__load_acquire(w) < value)
		if (++spins > 4096)
			sched_yield();
}

static void *racer(void *arg)
{
	int me = (int)(intptr_t)arg, round, err;
	uint64_t t, c;

	for (round = 0; round < ROUNDS; round++) {
		wait_for(&go, (uint64_t)round + 1);
		t = race_at[round];
		err = raise_to(racing, t, race_count[me]);
		/* once a raise returns, the limit counts at least that much */
		c = counted(racing, t);
		if (err < 0)
			race_err[me] = err;
		else if (c == UINT64_MAX || c < race_count[me])
			race_err[me] = -ERANGE;
		/* Release: race_err, to the main thread's acquire in wait_for. */
		RLC__NS atomic_fetch_add_explicit(&arrived, 1, RLC__ORDER(release));
	}
	return NULL;
}

/*
 * THREADS threads raise limit *v to counts[] at once, ROUNDS times, each
 * round at its own time (`at` of the round's number, counted across
 * races: an empty window, bucket or interval); after
 * each, the limit must count the largest of counts[], once.
 */
static void race(const struct rlc_limit_view *v, const uint32_t *counts,
		 uint64_t (*at)(const struct rlc_limit_view *, int))
{
	pthread_t t[THREADS];
	uint32_t most = 0;
	int round, i;

	racing = v;
	rlc__store_relaxed(&go, 0);
	rlc__store_relaxed(&arrived, 0);
	for (i = 0; i < THREADS; i++) {
		race_count[i] = counts[i];
		race_err[i] = 0;
		most = counts[i] > most ? counts[i] : most;
	}
	for (round = 0; round < ROUNDS; round++)
		race_at[round] = at(v, raced + round);
	raced += ROUNDS;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, racer, (void *)(intptr_t)i), 0);
	for (round = 0; round < ROUNDS; round++) {
		rlc__store_release(&go, (uint64_t)round + 1); /* pairs with wait_for's acquire */
		wait_for(&arrived, (uint64_t)(round + 1) * THREADS);
		assert_int_equal(used(v, race_at[round]), most);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(race_err[i], 0);
	}
}

/* Two windows apart: nothing of the round before is counted. */
static uint64_t window_round(const struct rlc_limit_view *v, int round)
{
	return epoch_at(v, (uint64_t)round * 2 * v->slots);
}

static uint64_t bucket_round(const struct rlc_limit_view *v, int round)
{
	return rlc_now_ns() + (uint64_t)round * 2 * v->interval_ns;
}

/* The interval itself, for rlc_fixed_raise. */
static uint64_t fixed_round(const struct rlc_limit_view *v, int round)
{
	return K + 2 * (uint64_t)round;
}

static void test_raise_threads_count_once(void **state)
{
	static const uint32_t same[THREADS] = { 50, 50, 50, 50 };
	static const uint32_t mixed[THREADS] = { 20, 50, 35, 45 };
	struct fixture *f = *state;

	race(f->window, same, window_round);
	race(f->window, mixed, window_round);
	race(f->bucket, same, bucket_round);
	race(f->bucket, mixed, bucket_round);
	setup_fixed();
	race(&fixed, same, fixed_round);
	race(&fixed, mixed, fixed_round);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raise_window_to_the_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raise_window_expires_like_a_grant, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_raise_window_capped_and_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raise_bucket_to_the_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raise_bucket_capped_at_the_largest_ceiling,
						setup, teardown),
		cmocka_unit_test(test_raise_fixed_interval),
		cmocka_unit_test(test_raise_fixed_wrong_parity_is_ebadmsg),
		cmocka_unit_test_setup_teardown(test_raise_threads_count_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
