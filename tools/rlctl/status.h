/* SPDX-License-Identifier: MIT */
/* `rlctl status`: report a segment and judge its health; the reading that
 * `watch` and `clients` share with it. */
#ifndef RLCTL_STATUS_H
#define RLCTL_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include "health.h"
#include "rlc.h"
#include "segment.h"
#include "snapshot.h"
#include "style.h"

/* A segment mapped read-only, to be read once or again and again. */
struct status_source {
	struct rlc h;
	const char *name;
	char label[SEGMENT_LABEL_MAX];
};

/*
 * Choose segment `segment` (-s's argument, never empty; NULL: $RLC_SEGMENT,
 * else /rlc) and map it read-only.  Returns 0, or the exit status after
 * saying why.
 */
int status_open(const char *segment, struct status_source *src);

/*
 * Read the segment into *snap and judge it into *hl.  Returns 0, or
 * RLCTL_EXIT_SEGMENT after saying why (out of memory, truncated while read):
 * then *snap holds nothing to free.
 */
int status_take(struct status_source *src, struct snapshot *snap, struct health *hl);

void status_close(struct status_source *src);

/* A report of a reading, printed to `out` in style `st` (text reports only). */
typedef void status_report(FILE *out, const struct snapshot *s, const struct health *hl,
			   const struct style *st);

/*
 * Read segment `segment` once and print `report` of it to stdout, close
 * stdout, and print any problem as one line on stderr: with `judged`, the
 * health too (rlcd down, a corrupt limit), whose exit status is then the
 * command's.  Returns the exit status: an enum rlctl_exit value.
 */
int status_print(const char *segment, status_report *report, const struct style *st,
		 bool judged);

/* `rlctl status`: the report as text in style `st`, or as JSON if `json`. */
int status_run(const char *segment, bool json, const struct style *st);

#endif
