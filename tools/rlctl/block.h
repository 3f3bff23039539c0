/* SPDX-License-Identifier: MIT */
/* `rlctl block` and `rlctl unblock`: stop or let go one scope, for every process at once. */
#ifndef RLCTL_BLOCK_H
#define RLCTL_BLOCK_H

/*
 * On segment `segment` (as status_run() takes it), block scope `scope`
 * for `duration` (DURATION's text, checked before the segment is opened:
 * more than 0, at most RLC_BLOCK_MAX_NS), registering as a client for the
 * while, and print until when the scope is blocked: a longer block in
 * force stays, and the line says so.  Closes stdout.  Returns the exit
 * status: an enum rlctl_exit value, RLCTL_EXIT_USAGE for an argument at
 * fault (named; for a scope, with the valid ones).
 */
int block_run(const char *segment, const char *scope, const char *duration);

/* Lift any block of scope `scope` and close its breaker, and say what
 * there was; as block_run(). */
int unblock_run(const char *segment, const char *scope);

#endif
