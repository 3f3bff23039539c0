/* SPDX-License-Identifier: MIT */
/* Is the segment's rlcd alive?  Its pid and its heartbeat say. */
#ifndef RLCTL_HEALTH_H
#define RLCTL_HEALTH_H

#include <stdint.h>

#include "snapshot.h"

/* A heartbeat older than max(this, 10 periods) means rlcd is stuck. */
#define HEALTH_STALE_MIN_NS UINT64_C(1000000000)
#define HEALTH_STALE_PERIODS 10u

enum health_state {
	HEALTH_RUNNING,     /* rlcd's process exists and beats */
	HEALTH_NOT_RUNNING, /* pid 0 (clean exit), no such process, or not a pid */
	HEALTH_STALE,       /* its process exists, its heartbeat is too old */
};

struct health {
	enum health_state state;
	int exit_code;            /* RLCTL_EXIT_OK or RLCTL_EXIT_DOWN */
	uint64_t heartbeat_age_ns; /* 0 when the beat is newer than the snapshot */
	uint64_t stale_after_ns;  /* the age past which the beat is stale */
	char reason[384];         /* one line naming the segment (its label), raw:
				     escaped where printed; empty when running */
};

/* Judge the rlcd recorded in `s`.  Sends signal 0 only; never fails. */
void health_check(const struct snapshot *s, struct health *out);

/* "running", "not-running" or "stale": the word both reports print. */
const char *health_state_name(enum health_state state);

#endif
