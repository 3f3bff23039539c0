/* SPDX-License-Identifier: MIT */
#include "floor.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "rlc/clock.h"

/* Store the time read, like a bucket's TAT; under contention retry, as
 * every rlc take does, so the 8-process floor pays the same retries. */
static int floor_run(void *state)
{
	_Atomic uint64_t *word = state;
	uint64_t now = rlc_now_ns();
	uint64_t seen = atomic_load_explicit(word, memory_order_relaxed);

	/* acq_rel as rlc's head CAS: the same instruction on every target. */
	while (!atomic_compare_exchange_weak_explicit(word, &seen, now, memory_order_acq_rel,
						      memory_order_relaxed))
		;
	return 0;
}

int floor_op(struct bench_op *op, char *why, size_t len)
{
	/* A page of its own, shared across fork like the segment's lines. */
	void *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	int err = -errno;

	if (word == MAP_FAILED) {
		snprintf(why, len, "floor: mmap: %s", strerror(-err));
		return err;
	}
	*op = (struct bench_op){
		.name = "floor (clock + CAS)",
		.family = FAMILY_FLOOR,
		.shape = SHAPE_FLOOR,
		.arg = word,
		.run = floor_run,
	};
	return 0;
}
