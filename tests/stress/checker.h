/* SPDX-License-Identifier: MIT */
/*
 * Checkers over a grant log.  Each proves one promise of a limit over the
 * whole log and reports the worst case it found, so a run prints its margin.
 */
#ifndef RLC_STRESS_CHECKER_H
#define RLC_STRESS_CHECKER_H

#include <stddef.h>
#include <stdint.h>

#include "grant_log.h"

/* Sort records by timestamp (in place); the checkers need it. */
void checker_sort(struct grant_record *rec, size_t n);

/*
 * (a) window: the most net weight of `limit` granted in any closed interval
 * [t - interval_ns, t]; *at receives that interval's end t.  The promise
 * holds when the result is <= the limit's effective capacity.
 */
uint64_t check_window_peak(const struct grant_record *rec, size_t n, uint32_t limit,
			   uint64_t interval_ns, uint64_t *at);

/*
 * (b) bucket: the largest excess, over every span [t_i, t_j] between two
 * grants, of the weight granted in it over burst + span / step_ns, in units
 * of weight x step_ns.  The promise holds when the result is <= 0.
 */
int64_t check_bucket_excess(const struct grant_record *rec, size_t n, uint32_t limit,
			    uint64_t burst, uint64_t step_ns, uint64_t *at);

/*
 * (c) utilization: the mean, over every window [a, a + W) with a in
 * [from, to), of the net weight of `limit` granted in it, as a fraction of
 * `capacity`.  Averaging over all window positions removes the aliasing of
 * a saturated limit's lumpy grants against one fixed measuring span.
 */
double check_utilization(const struct grant_record *rec, size_t n, uint32_t limit,
			 uint64_t capacity, uint64_t interval_ns, uint64_t from, uint64_t to);

/*
 * (d) fixed: the most net weight of `limit` whose span [x - e, x + L + e]
 * (a record's ts is its x) meets one aligned interval [kW, (k + 1)W);
 * *at receives that interval's start kW, *mean the mean weight over the
 * intervals between the first and the last any span meets (those two are
 * cut short by the run's start and end; 0 when there are none), and *twice
 * how many records' spans meet two intervals.  The promise holds when the
 * result is <= the limit's effective capacity.
 */
uint64_t check_fixed_peak(const struct grant_record *rec, size_t n, uint32_t limit,
			  uint64_t interval_ns, uint64_t latency_ns, uint64_t error_ns, uint64_t *at,
			  double *mean, size_t *twice);

#endif
