/* SPDX-License-Identifier: MIT */
/*
 * The stress suite's fixed mode: one `fixed` limit of 1 s intervals aligned
 * to CLOCK_REALTIME (it belongs to no exchange, so the offset is 0), and
 * workers that saturate it, logging each grant at the exchange-clock time x
 * the limiter decided at.
 */
#ifndef RLC_STRESS_FIXED_WORKLOAD_H
#define RLC_STRESS_FIXED_WORKLOAD_H

#include <stdint.h>

#include "grant_log.h"
#include "workload.h"

/* The limit the checker holds the log to (rlc/fixed.h's W, L and e). */
#define FIXED_LIMIT 0u
#define FIXED_CAPACITY 2000u
#define FIXED_INTERVAL_NS (1000 * MS)
#define FIXED_LATENCY_NS (50 * MS)
#define FIXED_ERROR_NS (10 * MS)

/*
 * Create shm segment `name` holding the fixed limit.  Built with
 * STRESS_BROKEN_NO_GUARD, the segment says L = e = 0 (no guard), while the
 * checker still holds the log to the L and e above.
 */
void fixed_create_segment(const char *name);

/*
 * Run worker `id` of `workers` until ws->until_ns: weights of 1..20 on the
 * fixed limit, in even intervals as fast as they are granted, in odd ones
 * paced so that all the workers together ask for about the capacity;
 * refunding about `refund_permille` of grants at once.  Each record's ts is
 * the grant's x, checked against its token.
 */
void fixed_run(const char *segment, uint32_t id, unsigned workers, struct grant_log *log,
	       struct workload_shared *ws, unsigned refund_permille);

#endif
