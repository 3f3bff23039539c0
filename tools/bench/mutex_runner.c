/* SPDX-License-Identifier: MIT */
#include "mutex_runner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "layout.h"
#include "locked.h"
#include "rlc/clock.h"
#include "segment.h"

struct mutex_arena {
	struct locked_window window;
	struct locked_bucket bucket;
	struct locked_window link2;
	struct locked_window link3;
};

static int run_window(void *state)
{
	struct mutex_arena *a = state;

	return locked_window_take(&a->window, rlc_now_ns(), 1);
}

static int run_bucket(void *state)
{
	struct mutex_arena *a = state;

	return locked_bucket_take(&a->bucket, rlc_now_ns(), 1);
}

static int run_linked(void *state)
{
	static const uint32_t weights[3] = {1, 1, 1};
	struct mutex_arena *a = state;
	/* rlc's order too: ascending limit id. */
	struct locked_window *const w[3] = {&a->window, &a->link2, &a->link3};

	return locked_windows_take(w, weights, 3, rlc_now_ns());
}

/* A locked window with the parameters rlcd derives for limit `which`. */
static int window_init(struct locked_window *w, enum bench_limit which, uint64_t origin_ns,
		       char *why, size_t len)
{
	uint32_t effective;
	uint64_t step;
	int err = rlc_limit_derive(bench_limit(which), &effective, &step, why, len);

	if (err)
		return err;
	err = locked_window_init(w, effective, step, bench_limit(which)->slots, origin_ns);
	if (err)
		snprintf(why, len, "locked %s: %s", bench_limit_name(which), strerror(-err));
	return err;
}

static int arena_init(struct mutex_arena *a, char *why, size_t len)
{
	uint64_t origin = rlc_now_ns(), step;
	uint32_t effective;
	int err;

	if ((err = window_init(&a->window, BENCH_WINDOW, origin, why, len)) ||
	    (err = window_init(&a->link2, BENCH_LINK2, origin, why, len)) ||
	    (err = window_init(&a->link3, BENCH_LINK3, origin, why, len)) ||
	    (err = rlc_limit_derive(bench_limit(BENCH_BUCKET), &effective, &step, why, len)))
		return err;
	err = locked_bucket_init(&a->bucket, effective, step);
	if (err)
		snprintf(why, len, "locked %s: %s", bench_limit_name(BENCH_BUCKET), strerror(-err));
	return err;
}

int mutex_runner_ops(struct bench_op ops[3], char *why, size_t len)
{
	struct mutex_arena *a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int err;

	if (a == MAP_FAILED) {
		err = -errno;
		snprintf(why, len, "mutex arena: mmap: %s", strerror(-err));
		return err;
	}
	err = arena_init(a, why, len);
	if (err) {
		munmap(a, sizeof(*a));
		return err;
	}
	ops[0] = (struct bench_op){.name = "mutex window", .family = FAMILY_MUTEX,
				   .shape = SHAPE_WINDOW, .arg = a, .run = run_window};
	ops[1] = (struct bench_op){.name = "mutex bucket", .family = FAMILY_MUTEX,
				   .shape = SHAPE_BUCKET, .arg = a, .run = run_bucket};
	ops[2] = (struct bench_op){.name = "mutex 3-linked", .family = FAMILY_MUTEX,
				   .shape = SHAPE_LINKED, .arg = a, .run = run_linked};
	return 0;
}
