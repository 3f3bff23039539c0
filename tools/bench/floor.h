/* SPDX-License-Identifier: MIT */
/*
 * floor.h - the floor every grant is measured against: one clock read
 * (rlc_now_ns) plus one CAS on a 64-bit word in shared memory.  No grant
 * can cost less: it must read the clock and publish with one atomic RMW.
 */
#ifndef RLC_BENCH_FLOOR_H
#define RLC_BENCH_FLOOR_H

#include <stddef.h>

#include "harness.h"

/* Map the shared word and fill *op.  Returns 0, or -errno with a reason. */
int floor_op(struct bench_op *op, char *why, size_t len);

#endif
