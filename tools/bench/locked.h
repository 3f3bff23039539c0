/* SPDX-License-Identifier: MIT */
/*
 * locked.h - the same window and GCRA algorithms as rlc, written the usual
 * way: plain fields under a process-shared pthread mutex.  They make the
 * same decisions as rlc's (check.c proves it on a synthetic sequence), so
 * the benchmark compares synchronization, not algorithms.
 *
 * Window: epochs of step_ns from origin_ns; a grant in epoch e counts until
 * epoch e + slots - 1 ends, as in rlc/window.h.  The ring keeps a running
 * total, so a take costs O(1) plus the slots it rolls past.  Everything
 * that needs no shared state (epoch, slot, cost) is computed before the
 * lock is taken: the baseline holds its lock no longer than it must.
 */
#ifndef RLC_BENCH_LOCKED_H
#define RLC_BENCH_LOCKED_H

#include <pthread.h>
#include <stdint.h>

#define LOCKED_SLOTS_MAX 64u
#define LOCKED_LINK_MAX 8u /* windows one locked_windows_take may hold */

struct locked_window {
	_Alignas(64) pthread_mutex_t lock;
	uint64_t origin_ns;
	uint64_t step_ns;
	uint32_t effective;
	uint32_t slots;
	uint64_t head;  /* newest epoch counted */
	uint64_t total; /* weight counted in epochs (head - slots, head] */
	uint32_t count[LOCKED_SLOTS_MAX]; /* weight of epoch e, at e % slots */
};

struct locked_bucket {
	_Alignas(64) pthread_mutex_t lock;
	uint64_t tat;      /* theoretical arrival time, ns */
	uint64_t step_ns;  /* ns per unit */
	uint64_t burst_ns; /* effective x step_ns */
};

/*
 * Set up a window of `slots` slots (2..LOCKED_SLOTS_MAX) of `step_ns`
 * granting `effective` per rolling window, with a process-shared mutex.
 * Returns 0 or -errno.
 */
int locked_window_init(struct locked_window *w, uint32_t effective, uint64_t step_ns,
		       uint32_t slots, uint64_t origin_ns);

/* Set up a GCRA bucket of burst `effective`, one unit per `step_ns`.  0 or -errno. */
int locked_bucket_init(struct locked_bucket *b, uint32_t effective, uint64_t step_ns);

/* Take `weight` at `now` under the lock.  Blocks on the mutex.  0 granted, 1 refused. */
int locked_window_take(struct locked_window *w, uint64_t now, uint32_t weight);
int locked_bucket_take(struct locked_bucket *b, uint64_t now, uint32_t weight);

/*
 * Take weight[i] from w[i] for every i, all or nothing, at `now`, holding
 * all n locks.  Every caller must pass the windows in one fixed order, the
 * lock order.  0 granted, 1 refused, -EINVAL for n > LOCKED_LINK_MAX.
 */
int locked_windows_take(struct locked_window *const *w, const uint32_t *weight, unsigned n,
			uint64_t now);

#endif
