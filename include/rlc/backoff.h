/* SPDX-License-Identifier: MIT */
/*
 * rlc/backoff.h - how long to wait before retrying a refused or failed
 * request: the backoff curves bots write by hand, as pure functions.
 *
 * Every delay is in ns, is at most cap_ns (cap_ns 0: always 0; a base above
 * the cap: the cap wins) and never wraps, whatever the attempt (counted
 * from 0, the first retry) and however near UINT64_MAX base and cap are.
 * No clock, no global state: the jittered curves draw from a caller's
 * struct rlc_rng, so a test replays a sequence from its seed.
 *
 * Seed each process (or thread) differently, from its pid and the clock,
 * say: bots that share a seed draw the same delays and retry in lockstep,
 * which is the herd jitter is there to break up.  An rlc_rng is not
 * thread-safe; keep one per thread.  It is not for secrets.
 */
#ifndef RLC_BACKOFF_H
#define RLC_BACKOFF_H

#include <stdint.h>

/* splitmix64 (Steele, Lea, Flood 2014): a 64-bit counter, each output a
 * bijective mix of it.  Period 2^64; every seed, 0 included, is good. */
struct rlc_rng {
	uint64_t state;
};

static inline void rlc_rng_seed(struct rlc_rng *r, uint64_t seed)
{
	r->state = seed;
}

/* The next 64 uniform bits: splitmix64's constants, as in Java's
 * SplittableRandom. */
static inline uint64_t rlc_rng_next(struct rlc_rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * Uniform in [0, n), exactly: draws below 2^64 mod n are rejected, so that
 * the 2^64 - (2^64 mod n) kept are a whole number of copies of [0, n) (a
 * plain `% n` favours the low values, by half again for n near 3 x 2^62).
 * Each draw is rejected with probability below 1/2, for small n about
 * n / 2^64.  n = 0: 0, drawing nothing.
 */
static inline uint64_t rlc_rng_below(struct rlc_rng *r, uint64_t n)
{
	uint64_t skip, x;

	if (n == 0)
		return 0;
	skip = (UINT64_C(0) - n) % n; /* 2^64 mod n */
	do
		x = rlc_rng_next(r);
	while (x < skip);
	return x % n;
}

/* Uniform in [0, max], max = UINT64_MAX included (where max + 1 wraps). */
static inline uint64_t rlc__rng_upto(struct rlc_rng *r, uint64_t max)
{
	return max == UINT64_MAX ? rlc_rng_next(r) : rlc_rng_below(r, max + 1);
}

/* min(cap, base x k) for k >= 1: base x k <= cap exactly when
 * base <= floor(cap / k), so the product is formed only when it fits. */
static inline uint64_t rlc__backoff_times(uint64_t base, uint64_t k, uint64_t cap)
{
	return base <= cap / k ? base * k : cap;
}

/*
 * Exponential with full jitter: uniform in [0, B], B = min(cap,
 * base x 2^attempt).  Mean B / 2; floor 0.  The first choice for retrying
 * a 429 or a 5xx: the spread keeps many clients from coming back at once.
 */
static inline uint64_t rlc_backoff_exponential(uint32_t attempt, uint64_t base_ns, uint64_t cap_ns,
					       struct rlc_rng *r)
{
	uint64_t bound;

	if (base_ns == 0)
		bound = 0;
	else if (attempt >= 64) /* 2^attempt alone is past 64 bits */
		bound = cap_ns;
	else
		bound = rlc__backoff_times(base_ns, UINT64_C(1) << attempt, cap_ns);
	return rlc__rng_upto(r, bound);
}

/*
 * Decorrelated jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015): min(cap, uniform in [base, max(base, 3 x prev)]), with
 * prev_ns the delay this last returned, or 0 on the first retry, which
 * draws from [base, 3 x base].  Floor min(base, cap).  Each delay grows
 * from the last one rather than from the attempt, so no state but prev is
 * kept; once at the cap, about two draws in three are the cap.  base 0
 * stays at 0.
 */
static inline uint64_t rlc_backoff_decorrelated(uint64_t prev_ns, uint64_t base_ns, uint64_t cap_ns,
						struct rlc_rng *r)
{
	uint64_t prev = prev_ns ? prev_ns : base_ns;
	uint64_t hi = prev > UINT64_MAX / 3 ? UINT64_MAX : 3 * prev;
	uint64_t d;

	if (hi < base_ns) /* a prev below base / 3: from a smaller base */
		hi = base_ns;
	d = base_ns + rlc__rng_upto(r, hi - base_ns);
	return d < cap_ns ? d : cap_ns;
}

/* Linear: min(cap, base x (attempt + 1)), no jitter: base, 2 base, ... */
static inline uint64_t rlc_backoff_linear(uint32_t attempt, uint64_t base_ns, uint64_t cap_ns)
{
	return rlc__backoff_times(base_ns, attempt + UINT64_C(1), cap_ns);
}

/*
 * Fibonacci: min(cap, base x F(attempt + 1)), F(1) = F(2) = 1, no jitter:
 * base, base, 2 base, 3 base, 5 base, ...  It grows by about 1.618 a step,
 * gentler than doubling.  At most 93 steps are taken: F(94) is past 64
 * bits, so any longer run has passed the cap by then.
 */
static inline uint64_t rlc_backoff_fibonacci(uint32_t attempt, uint64_t base_ns, uint64_t cap_ns)
{
	uint64_t lim, f = 1, g = 0; /* F(k + 1), F(k) */
	uint32_t k;

	if (base_ns == 0)
		return 0;
	if (base_ns > cap_ns)
		return cap_ns;
	lim = cap_ns / base_ns; /* the largest multiplier within the cap, >= 1 */
	for (k = 0; k < attempt; k++) {
		/* F(k + 2) = f + g > lim?  g <= f <= lim: lim - g cannot wrap */
		if (f > lim - g)
			return cap_ns;
		f += g;
		g = f - g;
	}
	return base_ns * f;
}

/* Success rates are in parts per million. */
#define RLC_BACKOFF_PPM UINT32_C(1000000)

/*
 * Adaptive: exponential with full jitter (above) from the base
 * base x (1 + 3 x (1 - success)), floored to the ns: x1 at 100% success,
 * x2.5 at 50%, x4 at 0%.  success_ppm is the recent success rate
 * (struct rlc_success), clamped to RLC_BACKOFF_PPM.  Uniform in [0, B],
 * B = min(cap, that base x 2^attempt); mean B / 2.  For a bot whose
 * failures cluster: a struggling exchange is left alone for longer.
 */
static inline uint64_t rlc_backoff_adaptive(uint32_t attempt, uint64_t base_ns, uint64_t cap_ns,
					    uint32_t success_ppm, struct rlc_rng *r)
{
	uint64_t ppm = success_ppm < RLC_BACKOFF_PPM ? success_ppm : RLC_BACKOFF_PPM;
	uint64_t m = 4 * RLC_BACKOFF_PPM - 3 * ppm; /* 1e6 .. 4e6 */
	/* base x m / 1e6 in two parts, each within 64 bits: the whole
	 * millionths of base times m, and the remainder's share */
	uint64_t whole = base_ns / RLC_BACKOFF_PPM;
	uint64_t part = (base_ns % RLC_BACKOFF_PPM) * m / RLC_BACKOFF_PPM;
	uint64_t base;

	if (part > cap_ns || whole > (cap_ns - part) / m)
		base = cap_ns; /* past the cap, so the cap wins */
	else
		base = whole * m + part;
	return rlc_backoff_exponential(attempt, base, cap_ns, r);
}

/*
 * The recent success rate the adaptive backoff reads: an exponentially
 * weighted average with weight 1/16 on each outcome, so that the last 16
 * or so carry most of it (16 failures from 100% leave about 36%).  Each
 * step moves ceil(|target - ppm| / 16) toward the target (RLC_BACKOFF_PPM
 * for a success, 0 for a failure), so a run of one outcome reaches it
 * exactly instead of stalling 15 ppm short.  Not thread-safe.
 */
struct rlc_success {
	uint32_t ppm; /* 0 .. RLC_BACKOFF_PPM; starts at RLC_BACKOFF_PPM */
};

static inline void rlc_success_init(struct rlc_success *s)
{
	s->ppm = RLC_BACKOFF_PPM;
}

/* Count one outcome: ok nonzero for a success. */
static inline void rlc_success_note(struct rlc_success *s, int ok)
{
	uint32_t p = s->ppm < RLC_BACKOFF_PPM ? s->ppm : RLC_BACKOFF_PPM;

	if (ok)
		s->ppm = p + (RLC_BACKOFF_PPM - p + 15) / 16;
	else
		s->ppm = p - (p + 15) / 16;
}

#endif /* RLC_BACKOFF_H */
