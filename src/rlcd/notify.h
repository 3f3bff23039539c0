/* SPDX-License-Identifier: MIT */
/*
 * rlcd's messages to its service manager (sd_notify(3)): each is a no-op
 * when $NOTIFY_SOCKET is unset, so rlcd run by hand sends nothing.
 */
#ifndef RLCD_NOTIFY_H
#define RLCD_NOTIFY_H

#include <stdint.h>

/* "READY=1" with "STATUS=<status>": at start once the segment is open, and after a reload. */
void rlc_notify_ready(const char *status);

/* "RELOADING=1" with MONOTONIC_USEC (what Type=notify-reload wants), before a reload. */
void rlc_notify_reloading(void);

/* "STOPPING=1": rlcd is stopping. */
void rlc_notify_stopping(void);

/*
 * "WATCHDOG=1" when $WATCHDOG_USEC asks for it (WatchdogSec=), at most once
 * per quarter of that period: called each heartbeat, at `now_ns`.
 */
void rlc_notify_beat(uint64_t now_ns);

#endif /* RLCD_NOTIFY_H */
