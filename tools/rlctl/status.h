/* SPDX-License-Identifier: MIT */
/* `rlctl status`: report a segment and judge its health. */
#ifndef RLCTL_STATUS_H
#define RLCTL_STATUS_H

#include <stdbool.h>

/*
 * Map segment `segment` (-s's argument, never empty; NULL: $RLC_SEGMENT,
 * else /rlc) read-only, print its report to stdout (as JSON if `json`),
 * close stdout, and print any problem as one line on stderr.  Returns the
 * exit status: an enum rlctl_exit value.
 */
int status_run(const char *segment, bool json);

#endif
