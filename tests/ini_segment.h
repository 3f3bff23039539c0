/* SPDX-License-Identifier: MIT */
/*
 * Test segments from rlc.ini(5) text: parsed and laid out by rlcd's own
 * code, in shared anonymous memory that forked children share.
 */
#ifndef RLC_TEST_INI_SEGMENT_H
#define RLC_TEST_INI_SEGMENT_H

#include <stddef.h>

#include "config.h"
#include "rlc.h"

struct ini_segment {
	void *base;
	size_t size;
	struct rlc_config cfg; /* what it was laid out from */
};

/*
 * Parse `text`, lay it out published, and attach *h to it as client
 * `client`.  Fails the running cmocka test, with rlcd's message, on any
 * error.
 */
void ini_segment_open(struct ini_segment *seg, const char *text, struct rlc *h,
		      const char *client);

/* Attach another handle (in this process or a forked child) to the segment. */
int ini_segment_attach(const struct ini_segment *seg, struct rlc *h, const char *client);

/* Unmap the segment and free its configuration; close its handles first. */
void ini_segment_close(struct ini_segment *seg);

#endif
