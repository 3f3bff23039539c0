/* SPDX-License-Identifier: MIT */
/*
 * The segment as rlcd holds it: created or adopted at start, locked for
 * rlcd's lifetime, beaten and swept while it runs, left in place at exit.
 */
#ifndef RLCD_SHM_H
#define RLCD_SHM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct rlc_shm {
	char name[256];
	int fd;    /* kept open: it carries the flock that excludes a second rlcd */
	void *base;
	size_t size;
	int adopted; /* 1: an existing segment's counts were kept; 0: laid out anew */
	uint64_t generation;
};

/*
 * Create segment `name` laid out for `cfg`, or adopt the compatible one
 * already there (every count kept, generation + 1), and lock it until
 * rlc_shm_close().  A segment that an rlcd died while creating is laid out
 * again.  Returns 0; -EBUSY when another rlcd holds it; -ESTALE (another
 * configuration), -EPROTO (another layout version), -EBADMSG (corrupt) or
 * -EPERM (another user's) with the segment left untouched; or the -errno of
 * a failed system call.  `why` gets a one-line reason, and for a refused
 * segment how to remove it without risking a ban.
 */
int rlc_shm_open(struct rlc_shm *shm, const char *name, const struct rlc_config *cfg, char *why,
		 size_t len);

/* Publish a heartbeat taken at `now_ns`.  Wait-free. */
void rlc_shm_beat(struct rlc_shm *shm, uint64_t now_ns);

/* Free the client records of processes that are gone.  Returns how many. */
unsigned rlc_shm_reap(struct rlc_shm *shm);

/* Mark rlcd stopped (pid 0), unmap and unlock.  The segment stays. */
void rlc_shm_close(struct rlc_shm *shm);

#endif /* RLCD_SHM_H */
