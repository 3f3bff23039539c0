/* SPDX-License-Identifier: MIT */
/*
 * Scalar values of rlc.ini(5): whole numbers, fractions and modes
 * (durations are in src/common/duration.h).  Each parser is strict (no
 * sign, no blanks, no trailing junk), judges the shape of the text before
 * its size, and returns 0, or -EINVAL with a reason that quotes the value;
 * config.c puts the file, section and key in front of it.
 */
#ifndef RLCD_VALUE_H
#define RLCD_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Decimal whole number in min..max; the reason names that range. */
int rlc_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *why,
		   size_t len);

/*
 * A fraction as "5%" or "0.05", in parts per million, exactly (no floating
 * point).  Ranges are rlc_limit_derive()'s business: this only refuses what
 * does not fit 32 bits or is finer than one part per million.
 */
int rlc_parse_ppm(const char *s, uint32_t *ppm, char *why, size_t len);

/*
 * Octal permission bits such as 0660, at most 07777: which of them a
 * segment may have is config.c's rule.
 */
int rlc_parse_mode(const char *s, mode_t *mode, char *why, size_t len);

#endif /* RLCD_VALUE_H */
