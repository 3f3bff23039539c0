/* SPDX-License-Identifier: MIT */
/*
 * redis_server.h - a private redis-server for baseline (b): on a free
 * loopback port, no persistence, stopped at the end however the benchmark
 * ends (cleanup.h for exit and signals, the parent-death signal for
 * SIGKILL).
 */
#ifndef RLC_BENCH_REDIS_SERVER_H
#define RLC_BENCH_REDIS_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#include <hiredis/hiredis.h>

struct redis_server {
	pid_t pid; /* 0: not running */
	int port;
};

/*
 * Start redis-server and wait until it answers PING, 5 s at most.  Returns
 * 0, or -errno with a reason in why (-ENOENT: no redis-server to run).
 */
int redis_server_start(struct redis_server *s, char *why, size_t len);

/* Stop it: SIGTERM, SIGKILL after 2 s, and reap it.  Idempotent. */
void redis_server_stop(struct redis_server *s);

/*
 * Connect to the server on loopback `port`; every command then times out
 * after 5 s instead of hanging.  Returns the context, or NULL with a reason.
 */
redisContext *redis_server_connect(int port, char *why, size_t len);

#endif
