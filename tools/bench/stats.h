/* SPDX-License-Identifier: MIT */
/* stats.h - medians and percentiles of timing samples. */
#ifndef RLC_BENCH_STATS_H
#define RLC_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Median of v[0..n), n > 0 (the mean of the middle two when n is even).  Sorts v. */
double stats_median(double *v, size_t n);

/* Sort v[0..n) ascending. */
void stats_sort_u32(uint32_t *v, size_t n);

/*
 * Nearest-rank p-quantile (0 < p <= 1) of sorted[0..n), n > 0: the smallest
 * value that at least p x n of the values do not exceed.
 */
uint32_t stats_rank(const uint32_t *sorted, size_t n, double p);

#endif
