/* SPDX-License-Identifier: MIT */
/*
 * The segment as rlcd holds it: created or adopted at start under the lock
 * file, watched, beaten and swept while it runs, left in place at exit.
 */
#ifndef RLCD_SHM_H
#define RLCD_SHM_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "rlc/segment.h"

#include "config.h"
#include "lockfile.h"

struct rlc_shm {
	char name[256];
	char path[PATH_MAX]; /* /dev/shm/NAME, where the clients' shm_open finds it */
	struct rlc_lock lock;
	int fd;
	void *base;
	size_t size;
	int adopted; /* 1: an existing segment's counts were kept; 0: laid out anew */
	uint32_t retuned; /* adopted: limits whose configuration it changed in place */
	uint64_t generation;
	/* Copied when the segment was laid out or validated: every process in
	 * the group can rewrite the header, so rlcd never reads it back. */
	struct rlc_layout layout;
	uint64_t dev, ino;           /* the file rlcd serves */
	uint64_t seen_dev, seen_ino; /* what the name named at the last look; 0, 0: nothing */
	uint64_t detached_ns;        /* when the name stopped naming it; 0 while it does */
	int truncated;               /* the file shrank under the mapping: touch it no more */
	struct rlc__guard_slot *guard; /* rlc/guard.h slot of the mapping; NULL: none */
};

/*
 * Take segment `name`'s lock file (see lockfile.h), then adopt the
 * compatible segment found under the name (every count kept, generation
 * + 1), or create one laid out for `cfg` when the name is free or holds an
 * empty file of rlcd's user.  A new segment is laid out and published under
 * a temporary name and then renamed into place, so a file under the name is
 * always published: one that is not is refused, never laid out again.
 * Either way the segment's space is reserved, so that no one dies by SIGBUS
 * when /dev/shm fills up.  Returns 0; -EBUSY when another rlcd holds the
 * lock; -ESTALE (another configuration), -EPROTO (another layout version),
 * -EBADMSG (corrupt or never published), -EPERM (another user's) or
 * -EINVAL (not a regular file) with what is there left untouched; -ENOSPC
 * when /dev/shm cannot hold it; or the -errno of a failed system call.
 * `why` gets a one-line reason naming the segment, and for a refused
 * segment how to remove it without risking a ban.
 */
int rlc_shm_open(struct rlc_shm *shm, const char *name, const struct rlc_config *cfg, char *why,
		 size_t len);

/*
 * Look at the segment's file before a beat.  When it has shrunk below
 * rlcd's mapping, say so and return -EBADMSG: every later access could
 * SIGBUS, so the caller must stop, and rlc_shm_close() no longer touches
 * the mapping.  When /dev/shm/NAME stops naming the served file, or names
 * it again, say so once and set detached_ns in the header (the time, or 0).
 * Returns 0 otherwise.  Logs what it finds.
 */
int rlc_shm_watch(struct rlc_shm *shm, uint64_t now_ns);

/* Publish a heartbeat taken at `now_ns`.  Wait-free. */
void rlc_shm_beat(struct rlc_shm *shm, uint64_t now_ns);

/* Free the client records of processes that are gone.  Returns how many. */
unsigned rlc_shm_reap(struct rlc_shm *shm);

/*
 * Give the segment the mode and group of `cfg`.  Returns 0, or -errno
 * with a reason naming the segment and the group.
 */
int rlc_shm_set_owner(const struct rlc_shm *shm, const struct rlc_config *cfg, char *why,
		      size_t len);

/* Mark rlcd stopped (pid 0) unless truncated, unmap, unlock.  The segment stays. */
void rlc_shm_close(struct rlc_shm *shm);

#endif /* RLCD_SHM_H */
