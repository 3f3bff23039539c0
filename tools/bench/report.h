/* SPDX-License-Identifier: MIT */
/*
 * report.h - the results as a table (aligned plain text that is also a
 * Markdown table), the method, and one line per DESIGN.md target.
 */
#ifndef RLC_BENCH_REPORT_H
#define RLC_BENCH_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "harness.h"

/* One row per case and process count, in the order given. */
void report_table(FILE *out, const struct case_result *rows, size_t n);

/* How the figures were taken: batch sizes and the timestamp cost subtracted. */
void report_method(FILE *out, unsigned batch, unsigned redis_batch, double stamp_ns);

/*
 * One line per target: the single-grant and 3-linked medians at `lo`
 * processes, the p99.9 against the mutex at `hi`, Redis at `lo`; each
 * met, missed by how much, or not measured.
 */
void report_targets(FILE *out, const struct case_result *rows, size_t n, unsigned lo,
		    unsigned hi);

#endif
