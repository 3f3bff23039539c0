/* SPDX-License-Identifier: MIT */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "locked.h"
#include "rlc/bucket.h"
#include "rlc/window.h"

#define CHECK_STEPS 4000u
#define CHECK_CAPACITY 20u
#define CHECK_STEP_NS RLC_STEP_MIN_NS  /* slot width, and bucket ns per unit */
#define CHECK_SLOTS LOCKED_SLOTS_MAX
#define CHECK_T0 (UINT64_C(1) << 30) /* synthetic clock at layout */

/* A one-limit segment in private memory, driven directly by its algorithm. */
struct reference {
	void *base;
	struct rlc_limit_view limit; /* as rlc_open would copy it */
};

static int reference_init(struct reference *r, enum rlc_algorithm algorithm, char *why,
			  size_t len)
{
	struct rlc_limit_config lc = {.name = "check", .scope = "check", .algorithm = algorithm,
				      .capacity = CHECK_CAPACITY, .exchange = RLC_NONE,
				      .account = RLC_NONE};
	struct rlc_config cfg = {.limits_count = 1, .limits = &lc};
	struct rlc_layout lay;
	uint32_t ring_end = 0;
	size_t size;
	int err;

	/* The window's (S - 1) slots of exactly one step cover W; the bucket
	 * refills one unit per step. */
	if (algorithm == RLC_ALGO_WINDOW) {
		lc.slots = CHECK_SLOTS;
		lc.interval_ns = (CHECK_SLOTS - 1) * CHECK_STEP_NS;
	} else {
		lc.interval_ns = CHECK_CAPACITY * CHECK_STEP_NS;
	}
	size = rlc_layout_size(&cfg);
	/* aligned_alloc wants a multiple of the alignment */
	r->base = aligned_alloc(RLC_CACHELINE, (size + RLC_CACHELINE - 1) / RLC_CACHELINE *
						       RLC_CACHELINE);
	if (!r->base)
		return -ENOMEM;
	memset(r->base, 0, size);
	err = rlc_layout_init(r->base, size, &cfg, CHECK_T0, why, len);
	if (!err) {
		rlc_layout_publish(r->base);
		err = rlc_segment_read_header(r->base, size, &lay, why, len);
	}
	if (!err)
		err = rlc_segment_read_limit(r->base, &lay, 0, &ring_end, &r->limit, why, len);
	if (err)
		free(r->base);
	return err;
}

static int reference_take(const struct reference *r, uint64_t now, uint32_t weight)
{
	uint64_t token, retry;
	int err = r->limit.algorithm == RLC_ALGO_WINDOW
			  ? rlc_window_take(&r->limit, now, weight, &token, &retry)
			  : rlc_bucket_take(&r->limit, now, weight, &token, &retry);

	return err == -EAGAIN ? 1 : err;
}

/* xorshift64*: a fixed, well-spread sequence, the same on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(0x2545F4914F6CDD1D);
}

/* Mostly short gaps that fill the limit, some that drain part of it, a few
 * that skip past a whole window. */
static uint64_t next_gap(uint64_t *s)
{
	uint64_t kind = next_random(s) % 100, r = next_random(s);

	if (kind < 3)
		return r % (2 * CHECK_SLOTS * CHECK_STEP_NS);
	if (kind < 30)
		return r % (8 * CHECK_STEP_NS);
	return r % CHECK_STEP_NS;
}

static int drive(const struct reference *r, const struct check_candidate *c, char *note,
		 size_t len)
{
	uint64_t seed = UINT64_C(0x9E3779B97F4A7C15), now = CHECK_T0;
	unsigned i, granted = 0;
	int want, got;

	for (i = 0; i < CHECK_STEPS; i++) {
		uint32_t weight;

		now += next_gap(&seed);
		weight = 1 + (uint32_t)(next_random(&seed) % 4);
		want = reference_take(r, now, weight);
		got = c->take(c->ctx, now, weight);
		if (want < 0 || got < 0) {
			snprintf(note, len, "%s: decision %u failed: %s", c->name, i,
				 strerror(want < 0 ? -want : -got));
			return want < 0 ? want : got;
		}
		if (want != got) {
			snprintf(note, len,
				 "%s: decision %u (t = %llu ns, weight %u): rlc %s, %s %s", c->name, i,
				 (unsigned long long)(now - CHECK_T0), weight,
				 want ? "refused" : "granted", c->name, got ? "refused" : "granted");
			return -EPROTO;
		}
		granted += !want;
	}
	if (granted == 0 || granted == CHECK_STEPS) {
		snprintf(note, len, "%s: the sequence never %s, so it proves nothing", c->name,
			 granted ? "refused" : "granted");
		return -EPROTO;
	}
	snprintf(note, len, "%s decides as rlc %u of %u times (%u granted, %u refused)", c->name,
		 CHECK_STEPS, CHECK_STEPS, granted, CHECK_STEPS - granted);
	return 0;
}

int check_decisions(enum rlc_algorithm algorithm, const struct check_candidate *c, char *note,
		    size_t len)
{
	struct reference r;
	int err = reference_init(&r, algorithm, note, len);

	if (err)
		return err;
	err = c->prepare(c->ctx, &r.limit);
	if (err)
		snprintf(note, len, "%s: %s", c->name, strerror(-err));
	else
		err = drive(&r, c, note, len);
	free(r.base);
	return err;
}

static int prepare_window(void *ctx, const struct rlc_limit_view *ref)
{
	return locked_window_init(ctx, ref->effective, ref->step_ns, ref->slots, ref->origin_ns);
}

static int take_window(void *ctx, uint64_t now, uint32_t weight)
{
	return locked_window_take(ctx, now, weight);
}

static int prepare_bucket(void *ctx, const struct rlc_limit_view *ref)
{
	return locked_bucket_init(ctx, ref->effective, ref->step_ns);
}

static int take_bucket(void *ctx, uint64_t now, uint32_t weight)
{
	return locked_bucket_take(ctx, now, weight);
}

int check_locked(char *note, size_t len)
{
	struct locked_window w;
	struct locked_bucket b;
	const struct check_candidate window = {"locked window", &w, prepare_window, take_window};
	const struct check_candidate bucket = {"locked bucket", &b, prepare_bucket, take_bucket};
	char first[256];
	int err = check_decisions(RLC_ALGO_WINDOW, &window, first, sizeof(first));

	if (err) {
		snprintf(note, len, "%s", first);
		return err;
	}
	err = check_decisions(RLC_ALGO_BUCKET, &bucket, note, len);
	if (!err) {
		char second[256];

		snprintf(second, sizeof(second), "%s", note);
		snprintf(note, len, "%s; %s", first, second);
	}
	return err;
}
