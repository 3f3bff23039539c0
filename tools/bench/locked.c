/* SPDX-License-Identifier: MIT */
#include "locked.h"

#include <errno.h>
#include <string.h>

static int shared_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;
	int err = pthread_mutexattr_init(&attr);

	if (err)
		return -err;
	err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (!err)
		err = pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
	return -err;
}

int locked_window_init(struct locked_window *w, uint32_t effective, uint64_t step_ns,
		       uint32_t slots, uint64_t origin_ns)
{
	if (slots < 2 || slots > LOCKED_SLOTS_MAX || step_ns == 0)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->origin_ns = origin_ns;
	w->step_ns = step_ns;
	w->effective = effective;
	w->slots = slots;
	return shared_mutex_init(&w->lock);
}

int locked_bucket_init(struct locked_bucket *b, uint32_t effective, uint64_t step_ns)
{
	memset(b, 0, sizeof(*b));
	b->step_ns = step_ns;
	b->burst_ns = (uint64_t)effective * step_ns;
	return shared_mutex_init(&b->lock);
}

/* Epoch of `now`: configuration only, so computed before taking the lock. */
static uint64_t window_epoch(const struct locked_window *w, uint64_t now)
{
	return now > w->origin_ns ? (now - w->origin_ns) / w->step_ns : 0;
}

/*
 * Under the lock: move the ring to epoch e, dropping the epochs that leave
 * it.  An epoch older than the newest (another process took the lock first
 * with a later clock read) counts in the newest: as long or longer than its
 * own, never shorter.  rlc re-reads the clock instead.
 */
static void window_roll(struct locked_window *w, uint64_t e)
{
	uint64_t k, last;

	if (e <= w->head)
		return;
	last = e - w->head < w->slots ? e : w->head + w->slots;
	for (k = w->head + 1; k <= last; k++) {
		w->total -= w->count[k % w->slots];
		w->count[k % w->slots] = 0;
	}
	w->head = e;
}

/* Under the lock, after window_roll(w, e): count `weight` in the newest
 * epoch, at slot `slot` = e % slots unless e was older than the newest. */
static void window_add(struct locked_window *w, uint64_t e, uint32_t slot, uint32_t weight)
{
	w->count[e == w->head ? slot : w->head % w->slots] += weight;
	w->total += weight;
}

int locked_window_take(struct locked_window *w, uint64_t now, uint32_t weight)
{
	uint64_t e = window_epoch(w, now);
	uint32_t slot = (uint32_t)(e % w->slots);
	int fits;

	pthread_mutex_lock(&w->lock);
	window_roll(w, e);
	fits = w->total + weight <= w->effective;
	if (fits)
		window_add(w, e, slot, weight);
	pthread_mutex_unlock(&w->lock);
	return fits ? 0 : 1;
}

int locked_windows_take(struct locked_window *const *w, const uint32_t *weight, unsigned n,
			uint64_t now)
{
	uint64_t e[LOCKED_LINK_MAX];
	uint32_t slot[LOCKED_LINK_MAX];
	unsigned i;
	int fits = 1;

	if (n > LOCKED_LINK_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		e[i] = window_epoch(w[i], now);
		slot[i] = (uint32_t)(e[i] % w[i]->slots);
	}
	for (i = 0; i < n; i++)
		pthread_mutex_lock(&w[i]->lock);
	for (i = 0; i < n; i++) {
		window_roll(w[i], e[i]);
		fits = fits && w[i]->total + weight[i] <= w[i]->effective;
	}
	for (i = 0; fits && i < n; i++)
		window_add(w[i], e[i], slot[i], weight[i]);
	for (i = n; i-- > 0;)
		pthread_mutex_unlock(&w[i]->lock);
	return fits ? 0 : 1;
}

int locked_bucket_take(struct locked_bucket *b, uint64_t now, uint32_t weight)
{
	uint64_t cost = (uint64_t)weight * b->step_ns, next;
	int fits;

	pthread_mutex_lock(&b->lock);
	next = (b->tat > now ? b->tat : now) + cost;
	fits = next - now <= b->burst_ns;
	if (fits)
		b->tat = next;
	pthread_mutex_unlock(&b->lock);
	return fits ? 0 : 1;
}
