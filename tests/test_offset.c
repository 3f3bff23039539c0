/* SPDX-License-Identifier: MIT */
/*
 * rlc/offset.h: the exchange clock learned from simulated responses, time
 * driven by hand.  The exchange's clock runs at a known offset from ours;
 * each request leaves at a random moment, takes a random round trip, and
 * the exchange reads its clock somewhere inside it, to the second (a Date
 * header) or to the millisecond (a server-time field).  The bounds must
 * always hold the true offset, and the estimate close in on it.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ini_segment.h"

#define MS INT64_C(1000000)
#define SEC (1000 * MS)
#define BIAS RLC__OFFSET_BIAS
/* Round trips drawn from 5 to 50 ms. */
#define RTT_MIN (5 * MS)
#define RTT_MAX (50 * MS)
#define SEEDS 100

static rlc_word offset_w, lo_w, hi_w, samples_w, parked_w;
static struct rlc_exchange_view view; /* as rlc_open copies it, on plain words */

static void setup_view(void)
{
	memset(&view, 0, sizeof(view));
	view.clock_offset = &offset_w;
	view.clock_lo = &lo_w;
	view.clock_hi = &hi_w;
	view.clock_samples = &samples_w;
	view.clock_parked = &parked_w;
	rlc__store_relaxed(&offset_w, 0);
	rlc__store_relaxed(&samples_w, 0);
	rlc__offset_forget(&view);
}

static int64_t offset_of(const struct rlc_exchange_view *x)
{
	return (int64_t)rlc__load_relaxed(x->clock_offset);
}

static int64_t lo_of(const struct rlc_exchange_view *x)
{
	return (int64_t)(rlc__load_relaxed(x->clock_lo) - BIAS);
}

static int64_t hi_of(const struct rlc_exchange_view *x)
{
	return (int64_t)(rlc__load_relaxed(x->clock_hi) - BIAS);
}

/* Half the width of the bounds, as rlc_clock_estimate gives it. */
static uint64_t error_of(const struct rlc_exchange_view *x)
{
	uint64_t lo = rlc__load_relaxed(x->clock_lo), hi = rlc__load_relaxed(x->clock_hi);

	return lo == 0 && hi == UINT64_MAX ? UINT64_MAX : hi >= lo ? (hi - lo) / 2 : 0;
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The simulated exchange, and our requests to it. */
struct sim {
	const struct rlc_exchange_view *x;
	uint64_t seed;
	uint64_t real;     /* our CLOCK_REALTIME when the last request left */
	int64_t offset;    /* the exchange's clock minus ours: what is to be learned */
	uint64_t resolution;
};

static void sim_init(struct sim *m, const struct rlc_exchange_view *x, uint64_t seed,
		     int64_t offset, uint64_t resolution)
{
	m->x = x;
	m->seed = seed;
	m->real = UINT64_C(1700000000) * (uint64_t)SEC; /* 2023-11-14 */
	m->offset = offset;
	m->resolution = resolution;
}

/*
 * One response: sent 1 to 700 ms after the last, a round trip of 5 to 50
 * ms, the clock read at a random moment of it and cut to the resolution.
 * Returns what rlc_offset_learn did, with |estimate - true offset| in *err.
 */
static int sim_learn(struct sim *m, uint64_t *err)
{
	uint64_t rtt, at, server;
	int64_t e;
	int got;

	m->real += (uint64_t)MS + rng_next(&m->seed) % (700 * (uint64_t)MS);
	rtt = (uint64_t)RTT_MIN + rng_next(&m->seed) % (uint64_t)(RTT_MAX - RTT_MIN + 1);
	at = m->real + rng_next(&m->seed) % (rtt + 1);
	server = (uint64_t)((int64_t)at + m->offset) / m->resolution * m->resolution;
	got = rlc_offset_learn(m->x, server, m->resolution, m->real, m->real + rtt);
	e = offset_of(m->x) - m->offset;
	*err = (uint64_t)(e < 0 ? -e : e);
	return got;
}

/* A sample of a clock that has not moved: it always meets the bounds. */
static uint64_t sim_sample(struct sim *m)
{
	uint64_t err;

	assert_int_equal(sim_learn(m, &err), 1);
	return err;
}

/* The bounds hold the true offset, and the estimate is within the error they claim. */
static void assert_sound(const struct sim *m, uint64_t error)
{
	assert_true(lo_of(m->x) <= m->offset && m->offset <= hi_of(m->x));
	assert_true(error <= error_of(m->x) + 1); /* +1: the middle rounds down */
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * SEEDS runs of 200 samples at offset `offset`, resolution `resolution`: in
 * every run the bounds hold the true offset after each sample and never
 * widen; returns the errors after 10, 50 and 200 samples, sorted per mark,
 * in at[3][SEEDS], and prints the median and worst of each.
 */
static void converge(const char *what, int64_t offset, uint64_t resolution,
		     uint64_t at[3][SEEDS])
{
	static const int marks[3] = { 10, 50, 200 };
	struct sim m;
	uint64_t err, width, last;
	int seed, i, k;

	for (seed = 0; seed < SEEDS; seed++) {
		setup_view();
		sim_init(&m, &view, (uint64_t)seed + 1, offset, resolution);
		last = UINT64_MAX;
		for (i = 1, k = 0; i <= 200; i++) {
			err = sim_sample(&m);
			assert_sound(&m, err);
			width = error_of(&view);
			assert_true(width <= last); /* it only narrows */
			last = width;
			if (i == marks[k])
				at[k++][seed] = err;
		}
		assert_int_equal(rlc__load_relaxed(&samples_w), 200);
	}
	for (k = 0; k < 3; k++) {
		qsort(at[k], SEEDS, sizeof(at[k][0]), cmp_u64);
		print_message("%s: error after %3d samples: median %7.3f ms, worst %7.3f ms\n", what,
			      marks[k], (double)at[k][SEEDS / 2] / 1e6,
			      (double)at[k][SEEDS - 1] / 1e6);
	}
}

/*
 * Date headers (1 s): within the round trip (at most 50 ms) after 50
 * samples in nearly every run, after 200 in every one.  The offsets are
 * not whole milliseconds, so no rounding happens to land on them.
 */
static void test_offset_date_converges(void **state)
{
	static const int64_t offsets[] = { 1234567 * INT64_C(1000), -500 * MS - 1 };
	uint64_t at[3][SEEDS];
	size_t i;

	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		converge(offsets[i] > 0 ? "Date, +1.234567 s" : "Date, -0.500000001 s", offsets[i],
			 (uint64_t)SEC, at);
		assert_true(at[1][SEEDS * 95 / 100] <= (uint64_t)RTT_MAX);
		assert_true(at[2][SEEDS - 1] <= (uint64_t)RTT_MAX);
		assert_true(at[2][SEEDS / 2] <= (uint64_t)RTT_MAX / 2);
	}
}

/* A server time to the millisecond: within the round trip after 10 samples. */
static void test_offset_server_time_converges_faster(void **state)
{
	uint64_t date[3][SEEDS], ms[3][SEEDS];

	converge("Date, +1.234567 s", 1234567 * INT64_C(1000), (uint64_t)SEC, date);
	converge("server time, +1.234567 s", 1234567 * INT64_C(1000), (uint64_t)MS, ms);
	assert_true(ms[0][SEEDS - 1] <= (uint64_t)RTT_MAX / 2);
	assert_true(ms[1][SEEDS - 1] <= (uint64_t)RTT_MIN);
	assert_true(ms[0][SEEDS / 2] * 10 < date[0][SEEDS / 2]);
	assert_true(ms[2][SEEDS / 2] < date[2][SEEDS / 2]);
}

/* Snapshot of the learned words, to show a sample changed nothing. */
struct words {
	uint64_t offset, lo, hi, samples;
};

static struct words words_of(const struct rlc_exchange_view *x)
{
	struct words w = { rlc__load_relaxed(x->clock_offset), rlc__load_relaxed(x->clock_lo),
			   rlc__load_relaxed(x->clock_hi), rlc__load_relaxed(x->clock_samples) };

	return w;
}

static int words_equal(struct words a, struct words b)
{
	return a.offset == b.offset && a.lo == b.lo && a.hi == b.hi && a.samples == b.samples;
}

static void assert_words(struct words w)
{
	assert_true(words_equal(words_of(&view), w));
}

/*
 * The exchange's clock steps by `step` after 200 samples.  The bounds no
 * longer hold it: a sample that misses them is parked and changes nothing,
 * a second that agrees starts them afresh, and from a few dozen samples on
 * the estimate stays within the round trip.
 */
static void follow_step(int64_t step)
{
	uint64_t took[SEEDS], err;
	struct words before;
	struct sim m;
	int seed, i, holds, got, parked;

	for (seed = 0; seed < SEEDS; seed++) {
		setup_view();
		sim_init(&m, &view, (uint64_t)seed + 1000, 1234567 * INT64_C(1000), (uint64_t)SEC);
		for (i = 0; i < 200; i++)
			sim_sample(&m);
		m.offset += step;
		took[seed] = 0;
		for (i = 1, holds = parked = 0; i <= 300; i++) {
			before = words_of(&view);
			got = sim_learn(&m, &err);
			assert_true(got == 0 || got == 1);
			if (got == 0) { /* parked: nothing learned */
				assert_true(words_equal(words_of(&view), before));
				parked++;
			}
			/* sound again from the restart on */
			if (!holds && (holds = lo_of(&view) <= m.offset && m.offset <= hi_of(&view)))
				assert_true(parked > 0);
			if (holds)
				assert_sound(&m, err);
			if (err > (uint64_t)RTT_MAX)
				took[seed] = (uint64_t)i + 1;
		}
		assert_true(holds);
	}
	qsort(took, SEEDS, sizeof(took[0]), cmp_u64);
	print_message("step %+.3f s: within %.0f ms for good after median %" PRIu64
		      " samples, worst %" PRIu64 "\n",
		      (double)step / 1e9, (double)RTT_MAX / 1e6, took[SEEDS / 2], took[SEEDS - 1]);
	assert_true(took[SEEDS / 2] <= 30);
	assert_true(took[SEEDS - 1] <= 100);
}

static void test_offset_step_is_followed(void **state)
{
	follow_step(300 * MS);
	follow_step(-300 * MS);
}

/* Learn from a Date-like sample by hand: read `server` s past t, sent at t, in `rtt_ms`. */
static int learn_at(uint64_t t, int64_t server_ms, uint64_t res_ms, uint64_t rtt_ms)
{
	return rlc_offset_learn(&view, (uint64_t)((int64_t)t + server_ms * MS), res_ms * (uint64_t)MS,
				t, t + rtt_ms * (uint64_t)MS);
}

/*
 * Bounds by hand.  A sample that misses them is parked and changes
 * nothing; one that misses and disagrees with it takes its place; one that
 * misses and agrees (middles within its own width) starts the bounds
 * afresh from itself.
 */
static void test_offset_miss_parks_then_restarts(void **state)
{
	const uint64_t t = UINT64_C(1700000000) * (uint64_t)SEC;
	struct words w;

	setup_view();
	/* read 10.0 s at some moment of [t, t + 20 ms]: offset in [10 s - 20 ms, 11 s] */
	assert_int_equal(learn_at(t, 10000, 1000, 20), 1);
	assert_int_equal(lo_of(&view), 10 * SEC - 20 * MS);
	assert_int_equal(hi_of(&view), 11 * SEC);
	assert_int_equal(offset_of(&view), 10 * SEC - 20 * MS + (SEC + 20 * MS) / 2);
	/* one inside narrows: [10.5 s - 10 ms, 11 s] */
	assert_int_equal(learn_at(t, 10500, 1000, 10), 1);
	assert_int_equal(lo_of(&view), 10500 * MS - 10 * MS);
	assert_int_equal(hi_of(&view), 11 * SEC);
	w = words_of(&view);
	/* one wholly above, [12 s - 1 ms, 13 s]: parked */
	assert_int_equal(learn_at(t, 12000, 1000, 1), 0);
	assert_words(w);
	/* one wholly below, [5 s, 6 s], 7 s from it: parked in its place */
	assert_int_equal(learn_at(t, 5000, 1000, 0), 0);
	assert_words(w);
	/* one above again, agreeing with no parked sample: parked */
	assert_int_equal(learn_at(t, 12000, 1000, 1), 0);
	assert_words(w);
	/* a second opinion, [12.3 s - 1 ms, 13.3 s], 0.3 s from it: the bounds start again */
	assert_int_equal(learn_at(t, 12300, 1000, 1), 1);
	assert_int_equal(lo_of(&view), 12300 * MS - MS);
	assert_int_equal(hi_of(&view), 13300 * MS);
	assert_int_equal(rlc__load_relaxed(&samples_w), 1); /* counted afresh from it */
	/* the pair is spent: a miss that would agree with its first is parked */
	assert_int_equal(learn_at(t, 11200, 1000, 1), 0);
	assert_int_equal(lo_of(&view), 12300 * MS - MS);
}

/* The offset in force is the middle of the bounds, exact to the ns, either sign. */
static void test_offset_middle_is_exact(void **state)
{
	const uint64_t t = UINT64_C(1700000000) * (uint64_t)SEC;

	setup_view(); /* read t + 1 at t exactly, good to 2 ns: [1, 3] */
	assert_int_equal(rlc_offset_learn(&view, t + 1, 2, t, t), 1);
	assert_int_equal(offset_of(&view), 2);
	setup_view(); /* [-3, -1] */
	assert_int_equal(rlc_offset_learn(&view, t - 3, 2, t, t), 1);
	assert_int_equal(offset_of(&view), -2);
	setup_view(); /* [-1, 2]: rounds down */
	assert_int_equal(rlc_offset_learn(&view, t - 1, 3, t, t), 1);
	assert_int_equal(offset_of(&view), 0);
}

/* Beyond a day either way is a wrong Date, not a clock: -ERANGE, nothing learned. */
static void test_offset_beyond_a_day_is_erange(void **state)
{
	const uint64_t t = UINT64_C(1700000000) * (uint64_t)SEC, day = (uint64_t)RLC_OFFSET_MAX_NS;
	struct words w;
	struct sim m;
	int i;

	setup_view();
	sim_init(&m, &view, 7, 1234567 * INT64_C(1000), (uint64_t)SEC);
	for (i = 0; i < 20; i++)
		sim_sample(&m);
	w = words_of(&view);
	/* lo = server - recv below minus a day */
	assert_int_equal(rlc_offset_learn(&view, t - day - 1, (uint64_t)SEC, t - MS, t), -ERANGE);
	/* hi = server + resolution - sent above a day */
	assert_int_equal(rlc_offset_learn(&view, t + day - (uint64_t)SEC + 1, (uint64_t)SEC, t,
					  t + MS),
			 -ERANGE);
	assert_int_equal(rlc_offset_learn(&view, t + 30 * day, (uint64_t)SEC, t, t + MS), -ERANGE);
	assert_words(w);
	/* a day exactly is still a clock */
	setup_view();
	assert_int_equal(rlc_offset_learn(&view, t - day, (uint64_t)SEC, t - MS, t), 1);
	assert_int_equal(lo_of(&view), -(int64_t)day);
	setup_view();
	assert_int_equal(rlc_offset_learn(&view, t + day - (uint64_t)SEC, (uint64_t)SEC, t, t + MS),
			 1);
	assert_int_equal(hi_of(&view), (int64_t)day);
}

static void test_offset_bad_samples_are_einval(void **state)
{
	const uint64_t t = UINT64_C(1700000000) * (uint64_t)SEC;
	struct words w;

	setup_view();
	assert_int_equal(rlc_offset_learn(&view, t, (uint64_t)SEC, t, t + 10 * MS), 1);
	w = words_of(&view);
	assert_int_equal(rlc_offset_learn(&view, t, (uint64_t)SEC, t + 1, t), -EINVAL);
	assert_int_equal(rlc_offset_learn(&view, t, (uint64_t)SEC + 1, t, t + 10 * MS), -EINVAL);
	assert_int_equal(rlc_offset_learn(&view, (UINT64_C(1) << 62) + 1, (uint64_t)SEC, t, t),
			 -EINVAL);
	assert_int_equal(rlc_offset_learn(&view, t, (uint64_t)SEC, t, (UINT64_C(1) << 62) + 1),
			 -EINVAL);
	assert_words(w);
	/* sent == recv is a sample like another */
	assert_int_equal(rlc_offset_learn(&view, t, (uint64_t)SEC, t + 5 * MS, t + 5 * MS), 1);
}

/* Forgetting (an offset set by hand) drops the bounds, keeps the offset in force. */
static void test_offset_forget(void **state)
{
	const uint64_t t = UINT64_C(1700000000) * (uint64_t)SEC;
	struct sim m;
	int64_t offset;
	int i;

	setup_view();
	sim_init(&m, &view, 3, -500 * MS, (uint64_t)SEC);
	for (i = 0; i < 50; i++)
		sim_sample(&m);
	assert_int_equal(learn_at(t, 100000, 1000, 1), 0); /* a miss, parked */
	assert_true(rlc__load_relaxed(&parked_w) != 0);
	offset = offset_of(&view);
	rlc__offset_forget(&view);
	assert_int_equal(rlc__load_relaxed(&parked_w), 0);
	assert_int_equal(rlc__load_relaxed(&lo_w), 0);
	assert_int_equal(rlc__load_relaxed(&hi_w), UINT64_MAX);
	assert_int_equal(rlc__load_relaxed(&samples_w), 0);
	assert_int_equal(error_of(&view), UINT64_MAX);
	assert_int_equal(offset_of(&view), offset);
	/* the next sample starts afresh, however far from the old bounds */
	assert_int_equal(rlc_offset_learn(&view, t + 7 * (uint64_t)SEC, (uint64_t)SEC, t,
					  t + 10 * MS),
			 1);
	assert_int_equal(lo_of(&view), 7 * SEC - 10 * MS);
	assert_int_equal(hi_of(&view), 8 * SEC);
	assert_int_equal(rlc__load_relaxed(&samples_w), 1);
}

/* rlc_clock_estimate on a real handle: nothing learned, then an error that narrows. */
static void test_offset_estimate_narrows(void **state)
{
	static const char profile[] = "[rlcd]\n"
				      "clients = 8\n"
				      "[exchange ex]\n"
				      "[limit ex.ip.weight]\n"
				      "capacity = 100\n"
				      "interval = 1m\n";
	struct ini_segment seg;
	struct rlc h;
	struct sim m;
	uint64_t error = 0, samples = 0, last = UINT64_MAX;
	int64_t offset;
	int ex, i;

	ini_segment_open(&seg, profile, &h, "test");
	ex = rlc_exchange_id(&h, "ex");
	assert_true(ex >= 0);
	assert_int_equal(rlc_clock_estimate(&h, ex, &offset, &error, &samples), 0);
	assert_int_equal(error, UINT64_MAX);
	assert_int_equal(samples, 0);
	sim_init(&m, &h.cat.exchanges[ex], 11, 1234567 * INT64_C(1000), (uint64_t)SEC);
	for (i = 1; i <= 200; i++) {
		uint64_t err = sim_sample(&m);

		assert_int_equal(rlc_clock_estimate(&h, ex, &offset, &error, &samples), 0);
		assert_int_equal(samples, (uint64_t)i);
		assert_int_equal(offset, offset_of(&h.cat.exchanges[ex]));
		assert_int_equal(error, error_of(&h.cat.exchanges[ex]));
		assert_true(error <= last);
		assert_true(err <= error + 1);
		last = error;
	}
	print_message("rlc_clock_estimate after 200 Date samples: error_ns %.3f ms\n",
		      (double)error / 1e6);
	assert_true(error < (uint64_t)RTT_MAX);
	assert_int_equal(rlc_clock_estimate(&h, -1, &offset, &error, &samples), -EINVAL);
	assert_int_equal(rlc_clock_estimate(&h, ex, NULL, &error, &samples), -EINVAL);
	rlc_close(&h);
	ini_segment_close(&seg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_date_converges),
		cmocka_unit_test(test_offset_server_time_converges_faster),
		cmocka_unit_test(test_offset_step_is_followed),
		cmocka_unit_test(test_offset_miss_parks_then_restarts),
		cmocka_unit_test(test_offset_middle_is_exact),
		cmocka_unit_test(test_offset_beyond_a_day_is_erange),
		cmocka_unit_test(test_offset_bad_samples_are_einval),
		cmocka_unit_test(test_offset_forget),
		cmocka_unit_test(test_offset_estimate_narrows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
