/* SPDX-License-Identifier: MIT */
/*
 * bot_limiter: the in-process limiter a bot author writes today (the
 * seeds in the design's references): a sliding window of W weight per
 * window, kept as a log of (time, weight), that believes it owns the
 * budget; and the backoff those bots do on their own: 2^n seconds after
 * the n-th 429 in a row (time-scaled like the window, whatever
 * Retry-After says), and a 418's Retry-After.  Nothing is shared with
 * any other process.  Times are CLOCK_MONOTONIC ns.
 */
#ifndef RLC_DEMO_BOT_LIMITER_H
#define RLC_DEMO_BOT_LIMITER_H

#include <stdint.h>

enum own_result { OWN_GRANTED, OWN_TIMEOUT, OWN_BLOCKED };

struct own_limiter {
	unsigned capacity;  /* W: weight per window */
	uint64_t window_ns; /* the (scaled) minute */
	uint64_t *at;       /* ring of grant times ... */
	unsigned *weight;   /* ... and their weights, oldest at head */
	unsigned head, count, size;
	uint64_t sum;              /* weight in the ring */
	uint64_t backoff_until_ns; /* no request before then */
	unsigned consecutive_429;
};

/* W = `capacity` per `window_ms`; 0, or -1 when out of memory. */
int own_limiter_init(struct own_limiter *l, unsigned capacity, uint64_t window_ms);

/*
 * Take `weight` now, sleeping while the window is full or a backoff runs
 * and both end by `deadline_ns`; else sleep to the deadline and give up.
 */
enum own_result own_limiter_take(struct own_limiter *l, unsigned weight, uint64_t deadline_ns);

/* The answer to a request: a 429 or 418 starts a backoff, any 2xx ends the 429 streak. */
void own_limiter_answer(struct own_limiter *l, long status, unsigned retry_after_s);

void own_limiter_free(struct own_limiter *l);

#endif
