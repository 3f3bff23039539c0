/* SPDX-License-Identifier: MIT */
/*
 * segment.h - the benchmark's private segment, /rlc-bench-<pid>, laid out
 * by rlcd's own layout code and opened by the workers like any client.
 *
 * Capacities are 16,000,000 per 16 to 256 ms: a unit every 1 to 16 ns,
 * beyond what two cores can take on one cache line, so that a grant is
 * never refused and every case times the grant path.  Refusals are still
 * counted and reported.  The BENCH_FULL_* limits are the opposite: capacity
 * 1, so that nearly every take is a refusal, at S = 2, 64 and 4096.
 */
#ifndef RLC_BENCH_SEGMENT_H
#define RLC_BENCH_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum bench_limit {
	BENCH_WINDOW, /* window, S = 64: the single-limit window case */
	BENCH_BUCKET, /* GCRA: the single-limit bucket case (and Redis's twin) */
	BENCH_LINK2,  /* with BENCH_WINDOW and BENCH_LINK3: the 3-linked request */
	BENCH_LINK3,
	BENCH_FULL_S2, /* capacity 1: after one grant per window, every take refuses */
	BENCH_FULL_S64,
	BENCH_FULL_S4096,
	BENCH_LIMITS
};

/* The configuration of limit `which`, as rlcd parsed it; NULL if it did not parse. */
const struct rlc_limit_config *bench_limit(enum bench_limit which);

/* Its name, for rlc_limit_id and messages. */
const char *bench_limit_name(enum bench_limit which);

/* The exchange of the reserve cases, its depth and order endpoints. */
#define BENCH_EXCHANGE "bx"

/*
 * Create, lay out and publish /rlc-bench-<pid> with the benchmark's limits and
 * `clients` client records; its name goes into `name` and to cleanup.h.
 * Returns 0, or -errno with a reason in why.
 */
int bench_segment_create(char *name, size_t name_len, uint32_t clients, char *why, size_t len);

/* Unlink it (mappings stay valid until unmapped). */
void bench_segment_remove(const char *name);

#endif
