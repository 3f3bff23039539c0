/* SPDX-License-Identifier: MIT */
/*
 * cleanup.h - what rlc-bench must undo however it ends: its private
 * segment and the redis-server it started.  Undone at exit() and on
 * SIGINT, SIGTERM and SIGHUP; a SIGKILL is covered by the server's own
 * parent-death signal (redis_server.c), not here.
 */
#ifndef RLC_BENCH_CLEANUP_H
#define RLC_BENCH_CLEANUP_H

#include <sys/types.h>

/* Install the exit and signal hooks.  Call once, early.  Returns 0 or -errno. */
int cleanup_install(void);

/* Unlink shm object `name` when the benchmark ends; NULL forgets it. */
void cleanup_segment(const char *name);

/* cleanup_stop() child `pid` when the benchmark ends; 0 forgets it. */
void cleanup_process(pid_t pid);

/*
 * Stop child `pid`: SIGTERM, then SIGKILL if it has not exited within 2 s;
 * reaped either way.  Async-signal-safe.
 */
void cleanup_stop(pid_t pid);

/* In a forked child: undo nothing of the parent's, and take signals by default. */
void cleanup_forget(void);

#endif
