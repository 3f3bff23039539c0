/* SPDX-License-Identifier: MIT */
/* `rlctl mode`: show or switch the mode of one exchange, for every process at once. */
#ifndef RLCTL_MODE_H
#define RLCTL_MODE_H

#include <stdint.h>

#include "rlc/clock.h"

/* What --for accepts. */
#define MODE_FOR_MIN_NS RLC_NS_PER_SEC
#define MODE_FOR_MAX_NS (UINT64_C(7) * 86400 * RLC_NS_PER_SEC)

/*
 * On segment `segment` (as status_run() takes it): with `mode` NULL, print
 * the mode exchange `exchange` is in and how long it has left, reading
 * the segment only.  Else switch the exchange to mode `mode` ("normal"
 * ends any other) for `duration` (--for's text; NULL: the mode's
 * configured duration), registering as a client for the while, and print
 * what was done.  Closes stdout.  Returns the exit status: an enum
 * rlctl_exit value, RLCTL_EXIT_USAGE for an argument at fault (named,
 * with the valid values).
 */
int mode_run(const char *segment, const char *exchange, const char *mode,
	     const char *duration);

#endif
