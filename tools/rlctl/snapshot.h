/* SPDX-License-Identifier: MIT */
/*
 * One reading of an open segment: the header, every limit's usage and every
 * registered client, taken once so that the text and JSON reports print the
 * same numbers.  The layout comes from the copy the client API made when it
 * validated the segment; from the segment itself only atomic words are read.
 */
#ifndef RLCTL_SNAPSHOT_H
#define RLCTL_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "rlc.h"

struct snapshot_limit {
	struct rlc_usage usage; /* names point into the handle's private copy */
	bool corrupt;           /* its shared state is one no interleaving produces */
};

struct snapshot_client {
	uint32_t record; /* index in the clients table */
	struct rlc_client_info info;
};

struct snapshot {
	const char *segment; /* name as opened */
	const char *label;   /* the name as messages give it: with its source */
	uint64_t now_ns;     /* when the header was read */
	uint32_t layout_major;
	uint32_t layout_minor;
	uint64_t size;
	uint64_t rlcd_pid; /* raw word: 0 after a clean exit, may be garbage */
	uint64_t rlcd_start_ns;
	uint64_t heartbeat_ns;
	uint64_t heartbeat_period_ns;
	uint64_t generation;
	uint64_t shm_dev;     /* the file rlcd serves, as it recorded it; */
	uint64_t shm_ino;     /* inode 0: not recorded */
	uint64_t detached_ns; /* when rlcd saw its name point elsewhere; 0 */
	uint64_t dev;         /* the file rlc_open mapped */
	uint64_t ino;
	uint32_t limits_count;
	uint32_t corrupt_count; /* limits whose state is corrupt */
	struct snapshot_limit *limits;
	uint32_t client_records; /* size of the clients table */
	uint32_t clients_count;  /* records in use */
	struct snapshot_client *clients;
};

/*
 * Read the segment `h` (opened, read-only is enough), called `segment`
 * (`label` in messages), into *s.  The limit names stay valid while `h` is
 * open.  Returns 0, or -ENOMEM.  If the segment was truncated meanwhile,
 * what was read came from the zero pages that replaced it: the caller asks
 * rlc_guard_tripped() afterwards.
 */
int snapshot_take(const struct rlc *h, const char *segment, const char *label,
		  struct snapshot *s);

/* Free what snapshot_take() allocated. */
void snapshot_free(struct snapshot *s);

#endif
