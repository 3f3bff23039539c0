/* SPDX-License-Identifier: MIT */
#include "bot_limiter.h"

#include <stdlib.h>
#include <time.h>

#include "rlc.h"

#define MINUTE_NS (UINT64_C(60) * RLC_NS_PER_SEC)
#define BACKOFF_MAX_S 60

static void sleep_until(uint64_t when_ns)
{
	uint64_t now = rlc_now_ns();
	struct timespec ts;

	if (when_ns <= now)
		return;
	ts.tv_sec = (time_t)((when_ns - now) / RLC_NS_PER_SEC);
	ts.tv_nsec = (long)((when_ns - now) % RLC_NS_PER_SEC);
	nanosleep(&ts, NULL);
}

int own_limiter_init(struct own_limiter *l, unsigned capacity, uint64_t window_ms)
{
	*l = (struct own_limiter){ .capacity = capacity, .window_ns = window_ms * 1000000u };
	/* every logged grant weighs at least 1 */
	l->size = capacity;
	l->at = calloc(l->size, sizeof(*l->at));
	l->weight = calloc(l->size, sizeof(*l->weight));
	return l->at && l->weight ? 0 : -1;
}

void own_limiter_free(struct own_limiter *l)
{
	free(l->at);
	free(l->weight);
	l->at = NULL;
	l->weight = NULL;
}

/* Forget what left the window by `now`. */
static void expire(struct own_limiter *l, uint64_t now)
{
	while (l->count && l->at[l->head] + l->window_ns <= now) {
		l->sum -= l->weight[l->head];
		l->head = (l->head + 1) % l->size;
		l->count--;
	}
}

/* When `weight` more fits, given what the log holds. */
static uint64_t fits_at(const struct own_limiter *l, unsigned weight, uint64_t now)
{
	uint64_t over = l->sum + weight - l->capacity;
	unsigned i;

	if (l->sum + weight <= l->capacity)
		return now;
	for (i = 0; i < l->count; i++) {
		unsigned k = (l->head + i) % l->size;

		if (l->weight[k] >= over)
			return l->at[k] + l->window_ns;
		over -= l->weight[k];
	}
	return now; /* not reached: the log holds more than `over` */
}

enum own_result own_limiter_take(struct own_limiter *l, unsigned weight, uint64_t deadline_ns)
{
	uint64_t now = rlc_now_ns(), when;

	if (l->backoff_until_ns > now) {
		if (l->backoff_until_ns > deadline_ns) {
			sleep_until(deadline_ns);
			return OWN_BLOCKED;
		}
		sleep_until(l->backoff_until_ns);
		now = rlc_now_ns();
	}
	if (weight == 0)
		return OWN_GRANTED;
	if (weight > l->capacity) {
		sleep_until(deadline_ns);
		return OWN_TIMEOUT;
	}
	expire(l, now);
	when = fits_at(l, weight, now);
	if (when > deadline_ns) {
		sleep_until(deadline_ns);
		return OWN_TIMEOUT;
	}
	if (when > now) {
		sleep_until(when);
		now = rlc_now_ns();
		expire(l, now);
	}
	l->at[(l->head + l->count) % l->size] = now;
	l->weight[(l->head + l->count) % l->size] = weight;
	l->count++;
	l->sum += weight;
	return OWN_GRANTED;
}

void own_limiter_answer(struct own_limiter *l, long status, unsigned retry_after_s)
{
	uint64_t now = rlc_now_ns(), d;

	if (status == 429) {
		unsigned n = l->consecutive_429 < 6 ? ++l->consecutive_429 : 6;
		uint64_t s = (UINT64_C(1) << n) < BACKOFF_MAX_S ? UINT64_C(1) << n : BACKOFF_MAX_S;

		/* "2^n seconds", on the bot's (scaled) clock */
		d = s * RLC_NS_PER_SEC * l->window_ns / MINUTE_NS;
	} else if (status == 418) {
		d = retry_after_s ? retry_after_s * RLC_NS_PER_SEC : 2 * l->window_ns; /* 2 minutes */
	} else {
		if (status >= 200 && status < 300)
			l->consecutive_429 = 0;
		return;
	}
	if (now + d > l->backoff_until_ns)
		l->backoff_until_ns = now + d;
}
