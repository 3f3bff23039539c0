/* SPDX-License-Identifier: MIT */
/* Instants of the segment's clock (CLOCK_MONOTONIC) as people read them. */
#ifndef RLCTL_WHEN_H
#define RLCTL_WHEN_H

#include <stdint.h>

/* Room for when_utc()'s text: "2025-06-01T12:15:00Z" and its NUL. */
#define WHEN_TEXT_MAX 32

/*
 * The CLOCK_MONOTONIC instant `at`, past or future, as UTC wall-clock time
 * to the second, "2025-06-01T12:15:00Z", by one reading of both clocks:
 * `mono_now` and `wall_now` (CLOCK_REALTIME ns) taken together.  An
 * instant past representation is "never".  Returns `text`.
 */
const char *when_utc(char text[WHEN_TEXT_MAX], uint64_t at, uint64_t mono_now, uint64_t wall_now);

#endif
