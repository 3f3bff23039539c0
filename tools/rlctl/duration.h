/* SPDX-License-Identifier: MIT */
/* Human-readable durations: "1m", "10s", "500ms", "1m30s". */
#ifndef RLCTL_DURATION_H
#define RLCTL_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Ages are shown to the millisecond: finer is noise to a reader. */
#define DURATION_MS UINT64_C(1000000)

/* Longest text duration_format() writes, NUL included. */
#define DURATION_TEXT_MAX 48

/*
 * Write `ns` into `buf` as units from days down to nanoseconds, largest
 * first, using at most `parts` of them (0: as many as it takes to be
 * exact); what the last unit cannot show is truncated.  Zero is "0s".
 * Returns `buf`.
 */
const char *duration_format(char *buf, size_t len, uint64_t ns, unsigned parts);

#endif
