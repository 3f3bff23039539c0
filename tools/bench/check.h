/* SPDX-License-Identifier: MIT */
/*
 * check.h - do the baselines decide like rlc?  A fresh rlc limit and a
 * candidate get the same synthetic sequence of (time, weight), with gaps
 * that fill, drain and skip whole windows; every grant or refusal must
 * agree, and both kinds must occur.
 */
#ifndef RLC_BENCH_CHECK_H
#define RLC_BENCH_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "rlc/segment.h"

/* A limiter to hold against rlc's. */
struct check_candidate {
	const char *name;
	void *ctx;
	/* Adopt the reference limit's configuration (never its state).  0 or -errno. */
	int (*prepare)(void *ctx, const struct rlc_limit_view *ref);
	/* One decision at synthetic time `now`: 0 granted, 1 refused, -errno. */
	int (*take)(void *ctx, uint64_t now, uint32_t weight);
};

/*
 * Run the sequence through a fresh rlc limit of `algorithm` and through c.
 * Returns 0 when all decisions agree, with a one-line summary in note;
 * -EPROTO at the first disagreement, or -errno when either side failed,
 * with the reason in note.
 */
int check_decisions(enum rlc_algorithm algorithm, const struct check_candidate *c, char *note,
		    size_t len);

/* check_decisions for locked.h's window and bucket, both in one note. */
int check_locked(char *note, size_t len);

#endif
