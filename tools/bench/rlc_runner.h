/* SPDX-License-Identifier: MIT */
/*
 * rlc_runner.h - the cases under test: each worker rlc_open()s the bench
 * segment as a client, looks the limits up by name, and grants through the
 * public API (rlc_try, rlc_try_n, rlc_reserve) exactly as a bot would.
 */
#ifndef RLC_BENCH_RLC_RUNNER_H
#define RLC_BENCH_RLC_RUNNER_H

#include "harness.h"

#define RLC_RUNNER_OPS 9

/*
 * Fill ops[0..7] (window, bucket, 3-linked grants; refusals of a full
 * window at S = 2, 64, 4096; reserves of a depth and of an order endpoint)
 * for segment `segment`, which must outlive them.
 */
void rlc_runner_ops(struct bench_op ops[RLC_RUNNER_OPS], char *segment);

#endif
