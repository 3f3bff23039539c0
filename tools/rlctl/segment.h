/* SPDX-License-Identifier: MIT */
/* Which segment a command reads, and how a failure to open it is told. */
#ifndef RLCTL_SEGMENT_H
#define RLCTL_SEGMENT_H

#include "rlc.h"

/* How messages give the name: with " (from $RLC_SEGMENT)" when it came from
 * there, since then the fix is in the environment, not on the command line. */
#define SEGMENT_FROM_ENV " (from $" RLC_SEGMENT_ENV ")"
#define SEGMENT_LABEL_MAX (200 + sizeof(SEGMENT_FROM_ENV)) /* rlc_open takes 200-byte names */

/*
 * The segment to use: `option` (-s's argument, never empty), else
 * $RLC_SEGMENT, else the default.  Unlike rlc_segment_name(), an empty
 * $RLC_SEGMENT is an error rather than the default, because a script that
 * sets it empty meant some segment.  Fills `label` (SEGMENT_LABEL_MAX
 * bytes); returns 0, or the usage exit status after saying why.
 */
int segment_choose(const char *option, const char **name, char *label);

/*
 * Open segment `name` (`label` in messages) as rlc_open() does with
 * `flags`, registering as client "rlctl" unless RLC_OPEN_READONLY.
 * Returns 0, or the exit status after saying why: RLCTL_EXIT_NOPERM when
 * a write access is refused (-EACCES), with what to do; else
 * RLCTL_EXIT_SEGMENT.
 */
int segment_open(struct rlc *h, const char *name, const char *label, unsigned flags);

/* The id of exchange `name` in segment `label`, or -1 after naming the valid ones. */
int segment_exchange_find(const struct rlc *h, const char *label, const char *name);

#endif
