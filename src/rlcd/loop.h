/* SPDX-License-Identifier: MIT */
/*
 * rlcd's event loop on io_uring: a timer for the heartbeat and the client
 * sweep, and a signalfd for SIGTERM, SIGINT and SIGHUP.
 */
#ifndef RLCD_LOOP_H
#define RLCD_LOOP_H

#include <stdint.h>

#include "config.h"
#include "reload.h"
#include "shm.h"

/*
 * Block SIGTERM, SIGINT and SIGHUP, so that they wait for the loop's
 * signalfd instead of killing rlcd halfway through laying a segment out.
 * Call it before rlc_shm_open().  Returns 0 or -errno.
 */
int rlc_loop_block_signals(void);

/*
 * Every heartbeat period of *cfg (the configuration the segment holds)
 * watch the segment's file (rlc_shm_watch), beat and end the exchanges'
 * modes whose time has passed (rlc_modes_expire); free dead clients'
 * records about once a second; until SIGTERM or SIGINT.
 * SIGHUP reloads the configuration from *src into the segment and *cfg
 * (rlc_reload).  Needs rlc_loop_block_signals() first.
 * Returns 0 on a stop signal, -EBADMSG when the segment was truncated, or
 * the -errno of a failing io_uring or signalfd call (all logged).
 */
int rlc_loop_run(struct rlc_shm *shm, const struct rlc_source *src, struct rlc_config *cfg);

#endif /* RLCD_LOOP_H */
