/* SPDX-License-Identifier: MIT */
/*
 * The stress and crash suites' evidence: every grant, with the limiter's own
 * timestamp, appended by any process to a log in shared memory.
 */
#ifndef RLC_STRESS_GRANT_LOG_H
#define RLC_STRESS_GRANT_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "rlc/atomic.h"

struct grant_record {
	uint64_t ts;       /* rlc_grant.now_ns: the time the limiter decided at */
	uint32_t limit;    /* limit id */
	uint32_t weight;   /* net weight: 0 once refunded */
	uint32_t worker;
	uint32_t pad;
};

struct grant_log {
	rlc_word next;     /* records claimed so far */
	uint64_t capacity; /* records that fit */
	struct grant_record rec[];
};

/* A log for `capacity` records in anonymous shared memory (kept by fork). */
struct grant_log *grant_log_create(size_t capacity);
void grant_log_destroy(struct grant_log *log);

/*
 * Claim `n` consecutive records; NULL when the log is full.  A process
 * killed after its grant but before logging only makes the log show less
 * than was granted, which can hide a violation but never invent one.
 */
struct grant_record *grant_log_claim(struct grant_log *log, size_t n);

/* Records written so far. */
size_t grant_log_count(const struct grant_log *log);

#endif
