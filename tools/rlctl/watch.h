/* SPDX-License-Identifier: MIT */
/* `rlctl watch`: the status report, redrawn in place every interval. */
#ifndef RLCTL_WATCH_H
#define RLCTL_WATCH_H

#include "style.h"

/* The refresh interval: its default and bounds. */
#define WATCH_INTERVAL_DEFAULT_NS UINT64_C(1000000000)
#define WATCH_INTERVAL_MIN_NS UINT64_C(100000000)
#define WATCH_INTERVAL_MAX_NS UINT64_C(3600000000000)

/*
 * Show segment `segment` (as status_open() takes it) every `interval`
 * (--interval's text, or NULL for the default) until q is typed on a
 * terminal stdin, or SIGINT, SIGTERM or SIGHUP comes.  On a terminal stdout,
 * full screen like top(1) in style `when` (the alternate screen, each frame
 * drawn from the top, its lines cut to the terminal's size), and the
 * terminal restored at the end; otherwise one plain report per interval,
 * each followed by a line holding a form feed.  Returns the exit status:
 * 0 when stopped so, 2 when the segment cannot be read, 64 for a bad
 * interval, 74 when stdout fails.
 */
int watch_run(const char *segment, const char *interval, enum style_when when);

#endif
