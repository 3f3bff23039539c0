/* SPDX-License-Identifier: MIT */
/*
 * rlc_runner.h - the cases under test: each worker rlc_open()s the bench
 * segment as a client, looks the limits up by name, and grants through the
 * public API (rlc_try, rlc_try_n) exactly as a bot would.
 */
#ifndef RLC_BENCH_RLC_RUNNER_H
#define RLC_BENCH_RLC_RUNNER_H

#include "harness.h"

/*
 * Fill ops[0..2] (window, bucket, 3-linked) for segment `segment`, which
 * must outlive them.
 */
void rlc_runner_ops(struct bench_op ops[3], char *segment);

#endif
