/* SPDX-License-Identifier: MIT */
/*
 * Is the segment's rlcd alive, and does it serve this file?  Its pid, its
 * heartbeat and the file identity it recorded say.  Can every limit's
 * state be believed?  rlc_usage says.
 */
#ifndef RLCTL_HEALTH_H
#define RLCTL_HEALTH_H

#include <stdint.h>

#include "duration.h"
#include "snapshot.h"

/* A heartbeat older than max(this, 10 periods) means rlcd is stuck. */
#define HEALTH_STALE_MIN_NS UINT64_C(1000000000)
#define HEALTH_STALE_PERIODS 10u

enum health_state {
	HEALTH_RUNNING,     /* rlcd's process exists and beats */
	HEALTH_NOT_RUNNING, /* pid 0 (clean exit), no such process, or not a pid */
	HEALTH_DETACHED,    /* it runs, but the name no longer points to its file */
	HEALTH_STALE,       /* its process exists, its heartbeat is too old */
};

struct health {
	enum health_state state;
	int exit_code;            /* RLCTL_EXIT_OK, _DOWN, or _SEGMENT (corrupt limit or mode) */
	uint64_t heartbeat_age_ns; /* 0 when the beat is newer than the snapshot */
	uint64_t stale_after_ns;  /* the age past which the beat is stale */
	char reason[512];         /* one line naming the segment (its label), raw:
				     escaped where printed; empty when healthy */
};

/*
 * Judge the rlcd recorded in `s`, then the exchanges' mode words and the
 * limits: a corrupt one outweighs any state of rlcd's.  Sends signal 0 only; never fails.
 */
void health_check(const struct snapshot *s, struct health *out);

/* An age as reasons and reports show it: to the millisecond, since finer
 * is noise to a reader.  Returns `text`. */
const char *health_age_text(char text[RLC_DURATION_TEXT_MAX], uint64_t age);

/* "running", "not-running", "detached" or "stale": the word both reports
 * print. */
const char *health_state_name(enum health_state state);

#endif
