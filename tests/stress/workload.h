/* SPDX-License-Identifier: MIT */
/*
 * The stress workload: three limits with short intervals, and workers that
 * hammer them with a mix of single and linked requests, logging each grant.
 */
#ifndef RLC_STRESS_WORKLOAD_H
#define RLC_STRESS_WORKLOAD_H

#include <stdint.h>

#include "grant_log.h"
#include "rlc.h"

#define MS UINT64_C(1000000)

/* Limit ids in the stress segment. */
enum { LIMIT_IP, LIMIT_ORDERS, LIMIT_RATE, LIMITS };

struct limit_spec {
	const char *name;
	const char *scope;
	enum rlc_algorithm algorithm;
	uint32_t capacity;
	uint64_t interval_ns;
	uint32_t slots;
};

extern const struct limit_spec workload_limits[LIMITS];

/* Per-worker figures, in shared memory so they outlive a killed worker. */
struct worker_stats {
	rlc_word grants;
	rlc_word refusals;
	rlc_word calls;
	rlc_word max_call_ns; /* slowest single rlc_try_n */
	uint8_t pad[32];
};

#define WORKERS_MAX 64

/* What the driver and its workers share, in anonymous shared memory. */
struct workload_shared {
	rlc_word until_ns; /* workers stop once the clock passes it */
	rlc_word hold_permille; /* grants held for about W, then mostly refunded */
	uint8_t pad[48];
	struct worker_stats stats[WORKERS_MAX];
};

/* A zeroed workload_shared that fork()ed workers keep sharing. */
struct workload_shared *workload_shared_create(void);
void workload_shared_destroy(struct workload_shared *ws);

/*
 * Count one call of worker `id` that began at `t0` and returned `err` in
 * *stats: 1 when it was granted, 0 when refused; any other error ends
 * the worker, naming `call`.
 */
int workload_counted(struct worker_stats *stats, uint64_t t0, int err, uint32_t id,
		     const char *call);

/* Create shm segment `name` holding workload_limits. */
void workload_create_segment(const char *name);

/*
 * Run worker `id` until ws->until_ns (which the driver may move while it
 * runs): random requests as fast as they are
 * granted, refunding about `refund_permille` of grants at once, and holding
 * about ws->hold_permille of them for half to one and a half W (of their
 * shortest limit) before refunding most of them, out of order.  `shared`,
 * if not NULL, is a handle whose mapping this worker shares (a thread);
 * otherwise the worker opens `segment` itself (a process).
 */
void workload_run(const char *segment, const struct rlc *shared, uint32_t id,
		  struct grant_log *log, struct workload_shared *ws, unsigned refund_permille);

#endif
