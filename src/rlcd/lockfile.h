/* SPDX-License-Identifier: MIT */
/*
 * rlcd's lock file: one rlcd per segment name.  It lives in a directory
 * that only rlcd's user can write, not on the segment itself, so that no
 * one else (a bot, or a user who may only read the segment) can hold the
 * lock and keep rlcd from restarting; and it outlives the segment's name,
 * so that removing /dev/shm/NAME does not let a second rlcd start beside
 * the first.
 */
#ifndef RLCD_LOCKFILE_H
#define RLCD_LOCKFILE_H

#include <limits.h>
#include <stddef.h>

struct rlc_lock {
	int fd; /* kept open: it carries the flock; -1 when not held */
	char path[PATH_MAX];
};

/*
 * Lock DIR/NAME.lock for segment `segment` (NAME is the segment name
 * without its '/') until rlc_lock_release() or exit, and write rlcd's pid
 * in it.  DIR is $RLC_RUNTIME_DIR if set, else /run/rlc for root, else
 * $XDG_RUNTIME_DIR/rlc, else /tmp/rlc-UID; it is created when missing
 * (mode 0755 for /run/rlc, 0700 otherwise) and must be a directory owned
 * by rlcd's effective user that neither its group nor others may write.
 * Returns 0; -EBUSY when another rlcd holds the lock (`why` names its pid);
 * -EPERM for a directory or lock file that fails those checks; or the
 * -errno of a failed system call.  `why` gets a one-line reason.
 */
int rlc_lock_take(struct rlc_lock *lock, const char *segment, char *why, size_t len);

/* Drop the lock.  The file stays: removing it would race the next rlcd. */
void rlc_lock_release(struct rlc_lock *lock);

#endif /* RLCD_LOCKFILE_H */
