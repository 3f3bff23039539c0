/* SPDX-License-Identifier: MIT */
/*
 * mutex_runner.h - baseline (a): the bench limits as locked.h structures in
 * one shared mapping inherited across fork, each behind its own
 * process-shared mutex.
 */
#ifndef RLC_BENCH_MUTEX_RUNNER_H
#define RLC_BENCH_MUTEX_RUNNER_H

#include <stddef.h>

#include "harness.h"

/*
 * Map and set up the locked limits and fill ops[0..2]: window, bucket and
 * the 3-linked request.  Returns 0, or -errno with a reason in why.
 */
int mutex_runner_ops(struct bench_op ops[3], char *why, size_t len);

#endif
