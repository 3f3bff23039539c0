/* SPDX-License-Identifier: MIT */
/*
 * harness.h - time one kind of operation in N forked processes at once.
 *
 * Every process attaches (opens the segment, connects, ...), then all wait
 * on one start signal, run one untimed warm-up batch, then alternate:
 *
 *   - a timed batch: `batch` operations between two clock reads.  The
 *     median of batch time / batch, over every batch of every process, is
 *     the case's median: two clock reads per batch make its timer cost
 *     negligible, which per-operation timing cannot do for a 30 ns call.
 *   - a sampled block: `batch` operations, each followed by a clock read;
 *     a sample is the time between the reads after two consecutive
 *     operations, less the median such sample with no operation at all (the
 *     read itself and the loop: harness_stamp_cost).  So a sample holds what
 *     delayed that one operation (a CAS retry, a lock wait, a preemption),
 *     and p99 / p99.9 are nearest-rank percentiles over all samples.
 */
#ifndef RLC_BENCH_HARNESS_H
#define RLC_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#define HARNESS_PROCS_MAX 64u

enum bench_family { FAMILY_FLOOR, FAMILY_RLC, FAMILY_MUTEX, FAMILY_REDIS };
enum bench_shape {
	SHAPE_FLOOR,
	SHAPE_WINDOW,
	SHAPE_BUCKET,
	SHAPE_LINKED,
	SHAPE_REFUSE_S2,   /* refusals of a full window, S = 2 */
	SHAPE_REFUSE_S64,  /* ... S = 64 */
	SHAPE_REFUSE_S4096, /* ... S = 4096 */
	SHAPE_RESERVE_DEPTH, /* rlc_reserve of depth?limit=500: 3 limits, LOW */
	SHAPE_RESERVE_ORDER, /* rlc_reserve of an order: IP + 2 account limits, HIGH */
	SHAPE_FEEDBACK       /* rlc_feedback of a 200 with Binance's two usage headers */
};

/* One kind of operation, and how each process gets ready to run it. */
struct bench_op {
	const char *name; /* row label */
	enum bench_family family;
	enum bench_shape shape;
	unsigned batch; /* operations per timed batch and per sampled block */
	void *arg;      /* set up before the fork: every process inherits it */
	/* Optional, in each process before the start: its own state from arg.
	 * Returns 0, or -errno with a reason in why.  Without it, state = arg. */
	int (*attach)(void *arg, void **state, char *why, size_t len);
	/* One operation: 0 granted, 1 refused, -errno when it failed. */
	int (*run)(void *state);
	/* Optional, in each process after its last operation. */
	void (*detach)(void *state);
};

/* What harness_run measured; times in ns per operation. */
struct case_result {
	const char *name;
	enum bench_family family;
	enum bench_shape shape;
	unsigned procs;
	uint64_t ops;     /* operations run by all processes, warm-up included */
	uint64_t refused; /* of those, refused */
	double cpus;      /* CPU time of the processes / wall time: how many ran at once */
	double median_ns;
	double p99_ns;
	double p999_ns;
};

/*
 * Cost of one per-operation sample with no operation in it, in ns (the
 * median of 100,000): what harness_run subtracts from every sample.
 */
double harness_stamp_cost(void);

/*
 * Run `op` in `procs` forked processes, `ops` operations each (rounded down
 * to whole pairs of batch and block, at least one pair), all started at
 * once, and fill *out.  `stamp_ns` is harness_stamp_cost().  Returns 0, or
 * -errno with a reason in why when a process could not be started, could
 * not attach, or saw an operation fail.
 */
int harness_run(const struct bench_op *op, unsigned procs, unsigned long ops, double stamp_ns,
		struct case_result *out, char *why, size_t len);

#endif
