/* SPDX-License-Identifier: MIT */
/*
 * rlcd's event loop on io_uring: a timer for the heartbeat and the client
 * sweep, a signalfd for SIGTERM, SIGINT and SIGHUP, and the metrics
 * server's requests (metrics.h) when one is configured.
 */
#ifndef RLCD_LOOP_H
#define RLCD_LOOP_H

#include <stdint.h>

#include "config.h"
#include "reload.h"
#include "shm.h"

struct rlc_metrics;

/* rlcd's own reload counters: the loop holds them, the reload code counts
 * in them, the metrics renderer shows them. */
struct rlcd_stats {
	uint64_t reloads;         /* reloads that applied */
	uint64_t reload_failures; /* reloads refused, the old configuration kept */
	uint64_t last_reload_ns;  /* CLOCK_MONOTONIC of the last reload either way; 0: none */
	int last_reload_ok;       /* whether that one applied */
};

/*
 * Block SIGTERM, SIGINT and SIGHUP, so that they wait for the loop's
 * signalfd instead of killing rlcd halfway through laying a segment out.
 * Call it before rlc_shm_open().  Returns 0 or -errno.
 */
int rlc_loop_block_signals(void);

/*
 * Every heartbeat period of *cfg (the configuration the segment holds)
 * watch the segment's file (rlc_shm_watch), beat (and ping a systemd
 * watchdog, notify.h), end the exchanges' modes whose time has passed
 * (rlc_modes_expire) and drop metrics connections past their deadlines;
 * free dead clients' records about once a second; serve `metrics` (opened
 * by rlc_metrics_open(), or NULL for none) in between; until SIGTERM or
 * SIGINT.  SIGHUP reloads the configuration from *src into the segment
 * and *cfg (rlc_reload), between RELOADING=1 and READY=1 to systemd, and
 * counts it in the loop's struct rlcd_stats.  Needs
 * rlc_loop_block_signals() first.  Returns 0 on a stop signal, -EBADMSG
 * when the segment was truncated, or the -errno of a failing io_uring or
 * signalfd call (all logged).
 */
int rlc_loop_run(struct rlc_shm *shm, const struct rlc_source *src, struct rlc_config *cfg,
		 struct rlc_metrics *metrics);

#endif /* RLCD_LOOP_H */
