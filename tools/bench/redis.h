/* SPDX-License-Identifier: MIT */
/*
 * redis.h - baseline (b), the usual multi-process answer: GCRA in a Lua
 * script on a Redis server on loopback, called with EVALSHA over one
 * connection per process.  Built only with hiredis (meson option
 * redis_bench); without it redis_baseline_start says why and the
 * benchmark carries on.
 */
#ifndef RLC_BENCH_REDIS_H
#define RLC_BENCH_REDIS_H

#include <stddef.h>

#include "harness.h"

/*
 * Start a private redis-server, load the script, check that it decides as
 * rlc's bucket does, and fill *op (the bench bucket's parameters).
 * Returns 0 with the check's summary in note; -errno with the reason the
 * baseline is skipped in note.
 */
int redis_baseline_start(struct bench_op *op, char *note, size_t len);

/* Stop the server, if one was started. */
void redis_baseline_stop(void);

#endif
