/* SPDX-License-Identifier: MIT */
/*
 * Durations as people write them in rlc.ini(5) and read them from rlctl(1):
 * a whole number and a unit, ns us ms s m h d ("100ms", "1m"), and, for
 * output, several units largest first ("1m30s").
 */
#ifndef RLC_COMMON_DURATION_H
#define RLC_COMMON_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Longest text rlc_duration_format() writes, NUL included. */
#define RLC_DURATION_TEXT_MAX 48

/*
 * Parse `s`, a whole number followed by one unit, strictly (no sign, no
 * blanks, no trailing junk).  Returns 0 with *ns set, or -EINVAL with a
 * reason that quotes the value: no unit, not a duration, or too long for
 * 64 bits of nanoseconds.  Ranges are the caller's.
 */
int rlc_duration_parse(const char *s, uint64_t *ns, char *why, size_t len);

/*
 * Write `ns` into `buf` as units from days down to nanoseconds, largest
 * first, using at most `parts` of them (0: as many as it takes to be
 * exact); what the last unit cannot show is truncated.  Zero is "0s".
 * Returns `buf`.
 */
const char *rlc_duration_format(char *buf, size_t len, uint64_t ns, unsigned parts);

#endif
