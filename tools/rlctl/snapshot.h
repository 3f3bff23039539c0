/* SPDX-License-Identifier: MIT */
/*
 * One reading of an open segment: the header, every exchange's mode and
 * clock, every limit's usage, every scope's block and breaker, every
 * registered client and every endpoint's outcomes, taken once so that the
 * text and JSON reports print the same numbers.  The layout comes from the copy the client API made when it
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
	uint32_t exchange;      /* index into the catalog's exchanges, or RLC_NONE */
	uint32_t account;       /* index into the catalog's accounts, or RLC_NONE */
	uint32_t scope;         /* its scope's id: index into snapshot.scope_states */
	enum rlc_scope_kind kind; /* of its scope */
};

struct snapshot_exchange {
	const struct rlc_exchange_view *view; /* the handle's private copy */
	uint64_t word;     /* its mode word (rlc/mode.h) as read */
	int mode;          /* the mode in force: its index, or -EBADMSG */
	uint64_t until_ns; /* when it ends (CLOCK_MONOTONIC); 0 for normal */
	int64_t clock_offset_ns; /* rlc_clock_estimate(): the offset in force, */
	uint64_t clock_error_ns; /* what it is learned to (UINT64_MAX: nothing yet), */
	uint64_t clock_samples;  /* from how many responses */
};

/* A struct rlc_outcomes as read, and what the reports derive from it. */
struct snapshot_outcomes {
	uint64_t ok, client_error, limited, server_error, transport;
	uint64_t elapsed_ns;                   /* sum of the response times measured */
	uint64_t elapsed[RLC_ELAPSED_BUCKETS]; /* by RLC_ELAPSED_BOUNDS_MS */
	uint64_t timed; /* responses with a time: the buckets' sum (wraps, never traps) */
};

struct snapshot_client {
	uint32_t record; /* index in the clients table */
	struct rlc_client_info info;
	uint64_t claim_ms; /* when it claimed the record (rlc/client.h's 40-bit clock) */
	struct snapshot_outcomes outcomes;
};

struct snapshot_scope {
	uint32_t exchange;      /* whose heading shows it (its IP, an account, a limit's), or RLC_NONE */
	struct rlc_block block; /* rlc_block_get(); until_ns 0: not blocked */
	int setter;             /* index into snapshot.clients of the client that set
				   it, or -1: none known, or one no longer running */
	struct rlc_breaker breaker;
};

struct snapshot {
	const char *segment; /* name as opened */
	const char *label;   /* the name as messages give it: with its source */
	uint64_t now_ns;     /* when the header was read */
	uint64_t wall_ns;    /* the same instant in CLOCK_REALTIME */
	uint32_t layout_major;
	uint32_t layout_minor;
	uint64_t size;
	uint64_t rlcd_pid; /* raw word: 0 after a clean exit, may be garbage */
	uint64_t rlcd_start_ns;
	uint64_t heartbeat_ns;
	uint64_t heartbeat_period_ns;
	uint64_t generation;
	uint64_t reloads;     /* rlc_reloads(): configurations rlcd reloaded in place */
	uint64_t config_seq;  /* the header's seqlock word: odd while rlcd rewrites */
	uint64_t shm_dev;     /* the file rlcd serves, as it recorded it; */
	uint64_t shm_ino;     /* inode 0: not recorded */
	uint64_t detached_ns; /* when rlcd saw its name point elsewhere; 0 */
	uint64_t dev;         /* the file rlc_open mapped */
	uint64_t ino;
	uint32_t limits_count;
	uint32_t corrupt_count; /* limits whose state is corrupt */
	struct snapshot_limit *limits;
	const struct rlc_catalog *cat; /* the handle's: names of accounts and modes */
	char (*scopes)[RLC_NAME_MAX];  /* the handle's scope names */
	uint32_t exchanges_count;
	uint32_t mode_corrupt_count; /* exchanges whose mode word names no mode */
	struct snapshot_exchange *exchanges;
	uint32_t *order;    /* every limit id, in the text report's order (group.h) */
	uint32_t *accounts; /* every account index, each exchange's by name */
	uint32_t client_records; /* size of the clients table */
	uint32_t clients_count;  /* records in use */
	struct snapshot_client *clients;
	uint32_t scopes_count;
	struct snapshot_scope *scope_states; /* by scope id, beside `scopes`' names */
	uint32_t endpoints_count;
	struct snapshot_outcomes *endpoint_outcomes; /* by endpoint id (s->cat->endpoints) */
	struct rlc_endpoint_counts *endpoint_counts; /* the same: grants, refusals, waits */
};

/*
 * Read the segment `h` (opened, read-only is enough), called `segment`
 * (`label` in messages), into *s.  The limit names stay valid while `h` is
 * open, and so do the catalog's.  Returns 0, or -ENOMEM.  If the segment was truncated meanwhile,
 * what was read came from the zero pages that replaced it: the caller asks
 * rlc_guard_tripped() afterwards.
 */
int snapshot_take(const struct rlc *h, const char *segment, const char *label,
		  struct snapshot *s);

/* Free what snapshot_take() allocated. */
void snapshot_free(struct snapshot *s);

#endif
