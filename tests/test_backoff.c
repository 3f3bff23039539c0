/* SPDX-License-Identifier: MIT */
/*
 * Backoff: each curve of rlc/backoff.h stays within its floor and the cap
 * over many seeds and attempts, the fixed ones give their exact values and
 * saturate where the exact value would pass 64 bits, the jittered ones
 * have the means their distributions promise, a seed replays its sequence,
 * rlc_rng_below is unbiased, and the success rate converges.  Every
 * sampled figure comes from a fixed seed, so a run is reproducible.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include "rlc/backoff.h"

#define MS UINT64_C(1000000)
#define SAMPLES 100000

/* The references below compute exactly in 128 bits, then cap. */
__extension__ typedef unsigned __int128 u128;

static uint64_t ref_capped(u128 x, uint64_t cap)
{
	return x > cap ? cap : (uint64_t)x;
}

/* min(cap, base x 2^attempt) */
static uint64_t ref_exponential(uint32_t attempt, uint64_t base, uint64_t cap)
{
	if (base == 0)
		return 0;
	return attempt >= 64 ? cap : ref_capped((u128)base << attempt, cap);
}

static uint64_t ref_linear(uint32_t attempt, uint64_t base, uint64_t cap)
{
	return ref_capped((u128)base * ((u128)attempt + 1), cap);
}

/* min(cap, base x F(attempt + 1)); F is held at its first value past 2^64,
 * which is past any cap for base >= 1. */
static uint64_t ref_fibonacci(uint32_t attempt, uint64_t base, uint64_t cap)
{
	u128 f = 1, g = 0, top = (u128)1 << 64;
	uint32_t k;

	for (k = 0; k < attempt && f <= top; k++) {
		f += g;
		g = f - g;
	}
	return base == 0 ? 0 : ref_capped(f > top ? top : (u128)base * f, cap);
}

/* Mean of SAMPLES adaptive delays (the exponential one at success 1e6). */
static double mean_adaptive(uint32_t attempt, uint64_t base, uint64_t cap, uint32_t ppm,
			    uint64_t *max_seen)
{
	struct rlc_rng r;
	double sum = 0;
	int i;

	rlc_rng_seed(&r, 42);
	*max_seen = 0;
	for (i = 0; i < SAMPLES; i++) {
		uint64_t d = rlc_backoff_adaptive(attempt, base, cap, ppm, &r);

		sum += (double)d;
		if (d > *max_seen)
			*max_seen = d;
	}
	return sum / SAMPLES;
}

/* |got / want - 1| <= tol */
static void assert_near(double got, double want, double tol)
{
	double rel = got / want - 1;

	if (rel < -tol || rel > tol)
		fail_msg("got %.1f, want %.1f within %.1f%%", got, want, tol * 100);
}

static void test_backoff_rng_vector(void **state)
{
	struct rlc_rng r;

	(void)state;
	/* splitmix64's published outputs for these seeds */
	rlc_rng_seed(&r, 0);
	assert_true(rlc_rng_next(&r) == UINT64_C(0xe220a8397b1dcdaf));
	assert_true(rlc_rng_next(&r) == UINT64_C(0x6e789e6aa1b965f4));
	rlc_rng_seed(&r, 1234567);
	assert_true(rlc_rng_next(&r) == UINT64_C(0x599ed017fb08fc85));
	assert_true(rlc_rng_next(&r) == UINT64_C(0x2c73f08458540fa5));
	assert_true(rlc_rng_next(&r) == UINT64_C(0x883ebce5a3f27c77));
}

static void test_backoff_determinism(void **state)
{
	struct rlc_rng a, b, c;
	int i, differ = 0;

	(void)state;
	rlc_rng_seed(&a, 7);
	rlc_rng_seed(&b, 7);
	rlc_rng_seed(&c, 8);
	for (i = 0; i < 1000; i++) {
		uint32_t at = (uint32_t)(i % 20);
		uint64_t x = rlc_backoff_exponential(at, MS, 60000 * MS, &a);
		uint64_t y = rlc_backoff_exponential(at, MS, 60000 * MS, &b);
		uint64_t z = rlc_backoff_exponential(at, MS, 60000 * MS, &c);

		assert_true(x == y);
		differ += x != z;
	}
	assert_true(differ > 990); /* equal only where both draws hit one value */
	for (i = 0; i < 100; i++)
		assert_true(rlc_rng_next(&a) == rlc_rng_next(&b));
}

static void test_backoff_rng_below(void **state)
{
	static const uint64_t ns[] = { 3, 10 };
	/* chi-square, 99.9th percentile, at n - 1 = 2 and 9 degrees of freedom */
	static const double limit[] = { 13.82, 27.88 };
	struct rlc_rng r;
	uint64_t big = UINT64_C(3) << 62, below_quarter = 0;
	size_t t;
	int i;

	(void)state;
	rlc_rng_seed(&r, 1);
	assert_true(rlc_rng_below(&r, 0) == 0);
	assert_true(rlc_rng_below(&r, 1) == 0);
	for (t = 0; t < 2; t++) {
		uint64_t count[10] = { 0 };
		double chi = 0, expect = 300000.0 / (double)ns[t];
		uint64_t k;

		for (i = 0; i < 300000; i++) {
			uint64_t x = rlc_rng_below(&r, ns[t]);

			assert_true(x < ns[t]);
			count[x]++;
		}
		for (k = 0; k < ns[t]; k++)
			chi += ((double)count[k] - expect) * ((double)count[k] - expect) / expect;
		if (chi > limit[t])
			fail_msg("n = %u: chi-square %.2f > %.2f", (unsigned)ns[t], chi, limit[t]);
	}
	/* Where `% n` alone is biased by half: n = 3 x 2^62 takes a quarter of
	 * its values twice from 2^64 draws, so values below 2^62 would come a
	 * half of the time instead of a third. */
	for (i = 0; i < SAMPLES; i++) {
		uint64_t x = rlc_rng_below(&r, big);

		assert_true(x < big);
		below_quarter += x < (UINT64_C(1) << 62);
	}
	assert_near((double)below_quarter, SAMPLES / 3.0, 0.02);
	for (i = 0; i < 1000; i++)
		assert_true(rlc_rng_below(&r, UINT64_MAX) < UINT64_MAX);
}

static void test_backoff_exponential_bounds(void **state)
{
	static const uint64_t bases[] = { 1, 3, MS, 100 * MS };
	static const uint64_t caps[] = { 1, 1000, 30000 * MS, UINT64_MAX };
	uint64_t seed;
	uint32_t at;
	size_t b, c;

	(void)state;
	for (seed = 0; seed < 20; seed++)
		for (b = 0; b < 4; b++)
			for (c = 0; c < 4; c++) {
				struct rlc_rng r;

				rlc_rng_seed(&r, seed);
				for (at = 0; at < 80; at++)
					assert_true(rlc_backoff_exponential(at, bases[b], caps[c], &r) <=
						    ref_exponential(at, bases[b], caps[c]));
			}
}

static void test_backoff_exponential_mean(void **state)
{
	struct rlc_rng r;
	double sum = 0;
	uint64_t lo = UINT64_MAX, hi = 0;
	int i;

	(void)state;
	rlc_rng_seed(&r, 2024);
	for (i = 0; i < SAMPLES; i++) { /* attempt 5: uniform in [0, 32 ms] */
		uint64_t d = rlc_backoff_exponential(5, MS, 10000 * MS, &r);

		sum += (double)d;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_near(sum / SAMPLES, 16.0 * MS, 0.02);
	assert_true(hi <= 32 * MS);
	assert_true(lo < MS / 10 && hi > 32 * MS - MS / 10); /* full jitter: both ends */
	/* capped: attempt 20 would be 1048 s, the cap 10 s */
	for (sum = 0, i = 0; i < SAMPLES; i++)
		sum += (double)rlc_backoff_exponential(20, MS, 10000 * MS, &r);
	assert_near(sum / SAMPLES, 5000.0 * MS, 0.02);
}

static void test_backoff_decorrelated_bounds(void **state)
{
	uint64_t seed, base = 10 * MS, cap = 5000 * MS;
	int reached_cap = 0;

	(void)state;
	for (seed = 0; seed < 200; seed++) {
		struct rlc_rng r;
		uint64_t prev = 0;
		int i;

		rlc_rng_seed(&r, seed);
		for (i = 0; i < 50; i++) {
			uint64_t hi = prev ? 3 * prev : 3 * base;
			uint64_t d = rlc_backoff_decorrelated(prev, base, cap, &r);

			assert_true(d >= base);
			assert_true(d <= (hi < cap ? hi : cap));
			reached_cap += d == cap;
			prev = d;
		}
	}
	assert_true(reached_cap > 0);
	/* a prev below base / 3 (a base raised since): [base, base] */
	{
		struct rlc_rng r;

		rlc_rng_seed(&r, 3);
		assert_true(rlc_backoff_decorrelated(1, base, cap, &r) == base);
	}
}

static void test_backoff_decorrelated_mean(void **state)
{
	struct rlc_rng r;
	double first = 0, at_cap = 0;
	uint64_t cap = 1000 * MS;
	int i, capped = 0;

	(void)state;
	rlc_rng_seed(&r, 99);
	for (i = 0; i < SAMPLES; i++) /* [base, 3 base]: mean 2 base */
		first += (double)rlc_backoff_decorrelated(0, 10 * MS, cap, &r);
	assert_near(first / SAMPLES, 20.0 * MS, 0.02);
	for (i = 0; i < SAMPLES; i++) { /* from the cap: [base, 3 cap], then capped */
		uint64_t d = rlc_backoff_decorrelated(cap, 10 * MS, cap, &r);

		at_cap += (double)d;
		capped += d == cap;
	}
	/* P(cap) = 2 cap / (3 cap - base); below it the mean is (base + cap) / 2 */
	assert_near((double)capped, SAMPLES * 2000.0 / 2990.0, 0.02);
	assert_near(at_cap / SAMPLES,
		    (2000.0 * 1000.0 + 990.0 * 505.0) / 2990.0 * (double)MS, 0.02);
}

static void test_backoff_linear_exact(void **state)
{
	uint32_t at;

	(void)state;
	for (at = 0; at < 10; at++)
		assert_true(rlc_backoff_linear(at, 250 * MS, 60000 * MS) == (at + 1) * 250 * MS);
	assert_true(rlc_backoff_linear(3, 250 * MS, 1000 * MS) == 1000 * MS); /* exactly at */
	assert_true(rlc_backoff_linear(4, 250 * MS, 1000 * MS) == 1000 * MS); /* past */
	assert_true(rlc_backoff_linear(4, 250 * MS, 1000 * MS + 1) == 1000 * MS + 1);
	assert_true(rlc_backoff_linear(100000, 250 * MS, 1000 * MS) == 1000 * MS);
	assert_true(rlc_backoff_linear(UINT32_MAX, 1, UINT64_MAX) == UINT64_C(1) << 32);
	assert_true(rlc_backoff_linear(UINT32_MAX, UINT64_C(1) << 32, UINT64_MAX) == UINT64_MAX);
	assert_true(rlc_backoff_linear(UINT32_MAX, (UINT64_C(1) << 32) - 1, UINT64_MAX) ==
		    UINT64_MAX - UINT32_MAX);
	assert_true(rlc_backoff_linear(0, 0, 1000) == 0);
	for (at = 0; at < 200; at++)
		assert_true(rlc_backoff_linear(at, 3 * MS + 7, 500 * MS) ==
			    ref_linear(at, 3 * MS + 7, 500 * MS));
}

static void test_backoff_fibonacci_exact(void **state)
{
	static const uint64_t fib[] = { 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144 };
	uint32_t at;

	(void)state;
	for (at = 0; at < 12; at++)
		assert_true(rlc_backoff_fibonacci(at, 100 * MS, 60000 * MS) == fib[at] * 100 * MS);
	/* 100 ms x F(9) = 3.4 s: at a 3.4 s cap exactly, then capped */
	assert_true(rlc_backoff_fibonacci(8, 100 * MS, 3400 * MS) == 3400 * MS);
	assert_true(rlc_backoff_fibonacci(9, 100 * MS, 3400 * MS) == 3400 * MS);
	assert_true(rlc_backoff_fibonacci(8, 100 * MS, 3400 * MS - 1) == 3400 * MS - 1);
	/* F(93) is the last that fits 64 bits; F(94) and F(100) do not */
	assert_true(rlc_backoff_fibonacci(92, 1, UINT64_MAX) == UINT64_C(12200160415121876738));
	assert_true(rlc_backoff_fibonacci(91, 1, UINT64_MAX) == UINT64_C(7540113804746346429));
	assert_true(rlc_backoff_fibonacci(93, 1, UINT64_MAX) == UINT64_MAX);
	assert_true(rlc_backoff_fibonacci(99, 1, UINT64_MAX) == UINT64_MAX);
	assert_true(rlc_backoff_fibonacci(99, MS, 60000 * MS) == 60000 * MS);
	assert_true(rlc_backoff_fibonacci(92, 2, UINT64_MAX) == UINT64_MAX); /* 2 F(93) wraps */
	assert_true(rlc_backoff_fibonacci(0, 0, 1000) == 0);
	assert_true(rlc_backoff_fibonacci(UINT32_MAX, 0, 1000) == 0);
	for (at = 0; at < 200; at++) {
		assert_true(rlc_backoff_fibonacci(at, 3, UINT64_MAX) == ref_fibonacci(at, 3, UINT64_MAX));
		assert_true(rlc_backoff_fibonacci(at, 3 * MS + 7, 90000 * MS) ==
			    ref_fibonacci(at, 3 * MS + 7, 90000 * MS));
	}
}

static void test_backoff_adaptive_grows(void **state)
{
	static const uint32_t ppm[] = { 1000000, 500000, 0 };
	static const double factor[] = { 1.0, 2.5, 4.0 };
	double mean[3];
	uint64_t max[3], bound;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) { /* attempt 3, base 1 ms: bound 8 ms x factor */
		bound = (uint64_t)(8.0 * factor[i]) * MS;
		mean[i] = mean_adaptive(3, MS, 60000 * MS, ppm[i], &max[i]);
		assert_true(max[i] <= bound);
		assert_true(max[i] > bound - bound / 100);
		assert_near(mean[i], (double)bound / 2, 0.02);
	}
	assert_true(mean[0] < mean[1] && mean[1] < mean[2]);
	assert_true(max[0] < max[1] && max[1] < max[2]);

	/* at 100% it is the exponential backoff itself, draw for draw */
	{
		struct rlc_rng a, b;
		uint32_t at;

		rlc_rng_seed(&a, 5);
		rlc_rng_seed(&b, 5);
		for (at = 0; at < 40; at++)
			assert_true(rlc_backoff_adaptive(at, MS, 60000 * MS, 1000000, &a) ==
				    rlc_backoff_exponential(at, MS, 60000 * MS, &b));
		/* above 1e6 is clamped to it */
		for (at = 0; at < 40; at++)
			assert_true(rlc_backoff_adaptive(at, MS, 60000 * MS, UINT32_MAX, &a) ==
				    rlc_backoff_exponential(at, MS, 60000 * MS, &b));
		/* at 0% a base of 4 ms, again draw for draw; 7 ns x 2.5 floors */
		for (at = 0; at < 40; at++)
			assert_true(rlc_backoff_adaptive(at, MS, 60000 * MS, 0, &a) ==
				    rlc_backoff_exponential(at, 4 * MS, 60000 * MS, &b));
		for (at = 0; at < 40; at++)
			assert_true(rlc_backoff_adaptive(at, 7, 60000 * MS, 500000, &a) ==
				    rlc_backoff_exponential(at, 17, 60000 * MS, &b));
	}
	/* the bound grows with every step of success lost, capped */
	{
		struct rlc_rng r;
		uint32_t p;

		rlc_rng_seed(&r, 6);
		for (p = 0; p <= 1000000; p += 50000) {
			uint64_t hi = 0;
			int k;

			for (k = 0; k < 2000; k++) {
				uint64_t d = rlc_backoff_adaptive(10, MS, 3000 * MS, p, &r);

				hi = d > hi ? d : hi;
			}
			bound = 1024 * MS * (4000000 - 3 * (uint64_t)p) / 1000000;
			assert_true(hi <= (bound < 3000 * MS ? bound : 3000 * MS));
		}
	}
}

static void test_backoff_success(void **state)
{
	struct rlc_success s;
	uint32_t lo = UINT32_MAX, hi = 0;
	double sum = 0;
	int i;

	(void)state;
	rlc_success_init(&s);
	assert_int_equal(s.ppm, 1000000);
	for (i = 0; i < 1000; i++) {
		rlc_success_note(&s, 1);
		assert_int_equal(s.ppm, 1000000);
	}
	for (i = 0; i < 16; i++)
		rlc_success_note(&s, 0);
	assert_in_range(s.ppm, 340000, 380000); /* (15/16)^16 = 0.356 */
	for (i = 16; i < 400 && s.ppm; i++)
		rlc_success_note(&s, 0);
	assert_int_equal(s.ppm, 0);
	rlc_success_note(&s, 0);
	assert_int_equal(s.ppm, 0);
	for (i = 0; i < 400 && s.ppm < 1000000; i++)
		rlc_success_note(&s, 1);
	assert_int_equal(s.ppm, 1000000); /* reached exactly, not 15 ppm short */
	/* 50/50: settles between 1e6 x 15/31 and 1e6 x 16/31 */
	for (i = 0; i < 200; i++)
		rlc_success_note(&s, i & 1);
	for (i = 0; i < 1000; i++) {
		rlc_success_note(&s, i & 1);
		lo = s.ppm < lo ? s.ppm : lo;
		hi = s.ppm > hi ? s.ppm : hi;
		sum += s.ppm;
	}
	assert_in_range(lo, 480000, 490000);
	assert_in_range(hi, 510000, 520000);
	assert_near(sum / 1000, 500000, 0.01);
	/* a word past 1e6 (a corrupt or uninitialised struct) is read as 1e6 */
	s.ppm = UINT32_MAX;
	rlc_success_note(&s, 1);
	assert_int_equal(s.ppm, 1000000);
	s.ppm = UINT32_MAX;
	rlc_success_note(&s, 0);
	assert_int_equal(s.ppm, 937500);
}

static void test_backoff_overflow(void **state)
{
	static const uint32_t ats[] = { 0, 1, 63, 64, 65, 1000, UINT32_MAX - 1, UINT32_MAX };
	static const uint64_t bases[] = { 1, UINT64_MAX / 3, UINT64_MAX / 2 + 1, UINT64_MAX - 1,
					  UINT64_MAX };
	static const uint64_t caps[] = { 1, UINT64_MAX - 1, UINT64_MAX };
	struct rlc_rng r;
	size_t a, b, c;

	(void)state;
	rlc_rng_seed(&r, 11);
	for (a = 0; a < 8; a++)
		for (b = 0; b < 5; b++)
			for (c = 0; c < 3; c++) {
				uint64_t base = bases[b], cap = caps[c];
				uint32_t p;

				assert_true(rlc_backoff_exponential(ats[a], base, cap, &r) <=
					    ref_exponential(ats[a], base, cap));
				for (p = 0; p <= 1000000; p += 250000)
					assert_true(rlc_backoff_adaptive(ats[a], base, cap, p, &r) <=
						    cap);
				/* base x k past 64 bits saturates to the cap, never wraps */
				assert_true(rlc_backoff_linear(ats[a], base, cap) ==
					    ref_linear(ats[a], base, cap));
				assert_true(rlc_backoff_fibonacci(ats[a], base, cap) ==
					    ref_fibonacci(ats[a], base, cap));
				assert_true(rlc_backoff_decorrelated(base, base, cap, &r) >=
					    (base < cap ? base : cap));
				assert_true(rlc_backoff_decorrelated(UINT64_MAX, base, cap, &r) <= cap);
			}
	/* the whole 64-bit range: both halves come up */
	{
		int i, high = 0;

		for (i = 0; i < 1000; i++)
			high += rlc_backoff_exponential(UINT32_MAX, 1, UINT64_MAX, &r) >> 63 != 0;
		assert_in_range(high, 400, 600);
	}
	/* adaptive at 0%: 4 x base saturates the cap rather than wrapping */
	assert_true(rlc_backoff_adaptive(0, UINT64_MAX / 2, UINT64_MAX, 0, &r) <= UINT64_MAX);
	{
		int i, high = 0;

		for (i = 0; i < 1000; i++)
			high += rlc_backoff_adaptive(0, UINT64_MAX / 2, UINT64_MAX, 0, &r) >
				UINT64_MAX / 2;
		assert_in_range(high, 400, 600); /* uniform over [0, 2^64), not a wrapped base */
	}
}

static void test_backoff_cap_wins(void **state)
{
	struct rlc_rng r;
	uint32_t at;

	(void)state;
	rlc_rng_seed(&r, 12);
	for (at = 0; at < 100; at++) {
		/* cap 0: everything 0 */
		assert_true(rlc_backoff_exponential(at, MS, 0, &r) == 0);
		assert_true(rlc_backoff_decorrelated(at * MS, MS, 0, &r) == 0);
		assert_true(rlc_backoff_linear(at, MS, 0) == 0);
		assert_true(rlc_backoff_fibonacci(at, MS, 0) == 0);
		assert_true(rlc_backoff_adaptive(at, MS, 0, at * 10000, &r) == 0);
		/* base above the cap: the cap, or within it */
		assert_true(rlc_backoff_exponential(at, 2 * MS, MS, &r) <= MS);
		assert_true(rlc_backoff_decorrelated(at * MS, 2 * MS, MS, &r) == MS);
		assert_true(rlc_backoff_linear(at, 2 * MS, MS) == MS);
		assert_true(rlc_backoff_fibonacci(at, 2 * MS, MS) == MS);
		assert_true(rlc_backoff_adaptive(at, 2 * MS, MS, at * 10000, &r) <= MS);
		/* base 0: 0 */
		assert_true(rlc_backoff_exponential(at, 0, MS, &r) == 0);
		assert_true(rlc_backoff_decorrelated(0, 0, MS, &r) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_rng_vector),
		cmocka_unit_test(test_backoff_determinism),
		cmocka_unit_test(test_backoff_rng_below),
		cmocka_unit_test(test_backoff_exponential_bounds),
		cmocka_unit_test(test_backoff_exponential_mean),
		cmocka_unit_test(test_backoff_decorrelated_bounds),
		cmocka_unit_test(test_backoff_decorrelated_mean),
		cmocka_unit_test(test_backoff_linear_exact),
		cmocka_unit_test(test_backoff_fibonacci_exact),
		cmocka_unit_test(test_backoff_adaptive_grows),
		cmocka_unit_test(test_backoff_success),
		cmocka_unit_test(test_backoff_overflow),
		cmocka_unit_test(test_backoff_cap_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
