/* SPDX-License-Identifier: MIT */
#include "fixed_workload.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "segment_fixture.h"

/*
 * The x of a fixed take is the CLOCK_REALTIME read rlc.h makes inside the
 * take and keeps to itself.  The stress binaries are linked with
 * --wrap=clock_gettime, so every clock_gettime call this program's own
 * code makes (rlc.h's included) comes here first, and a worker can log the x its grant was decided at: its last
 * CLOCK_REALTIME read.  fixed_run checks each one against the grant's
 * token, so a read the probe mistakes for the take's is a failure, not a
 * silently wrong log.
 */
int __real_clock_gettime(clockid_t clock, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clock, struct timespec *ts);

static _Thread_local uint64_t last_realtime_ns;

int __wrap_clock_gettime(clockid_t clock, struct timespec *ts)
{
	int err = __real_clock_gettime(clock, ts);

	if (err == 0 && clock == CLOCK_REALTIME)
		last_realtime_ns = (uint64_t)ts->tv_sec * RLC_NS_PER_SEC + (uint64_t)ts->tv_nsec;
	return err;
}

void fixed_create_segment(const char *name)
{
	struct fixture_config fc;
	struct rlc_limit_config *lc;

	fixture_config_init(&fc, 64);
	lc = &fc.limits[fixture_add_limit(&fc, "stress.fixed", "stress.ip", RLC_ALGO_FIXED,
					  FIXED_CAPACITY, FIXED_INTERVAL_NS, 0)];
#ifdef STRESS_BROKEN_NO_GUARD
	/* broken on purpose: a grant counts only where x itself falls */
	lc->latency_ns = 0;
	lc->clock_error_ns = 0;
#else
	lc->latency_ns = FIXED_LATENCY_NS;
	lc->clock_error_ns = FIXED_ERROR_NS;
#endif
	fixture_create_shm(name, &fc);
}

/* Is x the exchange-clock time that grant token `token` was decided at? */
static int token_matches(const struct rlc_limit_view *v, uint64_t x, uint64_t token)
{
	const uint64_t e = v->clock_error_ns, W = v->interval_ns;
	uint64_t lo = (x > e ? x - e : 0) / W;

	return token >> 1 == lo && (token & 1) == (x + v->latency_ns + e >= (lo + 1) * W);
}

/*
 * In odd intervals, pause between calls for 0 to 2 g at random, g being the
 * mean gap at which `workers` such workers ask for about the capacity per
 * interval: the interval fills only near its end, so grants land in the
 * guard before the boundary.  In even ones, go flat out: the budget goes in
 * the first moments, right after the boundary's guard.
 */
static void pace(unsigned workers, unsigned *seed)
{
	/* the mean weight is 10.5 */
	const uint64_t gap = workers * FIXED_INTERVAL_NS * 21 / (2 * FIXED_CAPACITY);
	struct timespec pause;
	uint64_t ns;

	if ((rlc_realtime_ns() / FIXED_INTERVAL_NS) % 2 == 0)
		return;
	ns = (uint64_t)rand_r(seed) % (2 * gap);
	pause.tv_sec = 0;
	pause.tv_nsec = (long)ns;
	nanosleep(&pause, NULL);
}

void fixed_run(const char *segment, uint32_t id, unsigned workers, struct grant_log *log,
	       struct workload_shared *ws, unsigned refund_permille)
{
	struct worker_stats *stats = &ws->stats[id];
	unsigned seed = id * 7919u + (unsigned)getpid();
	struct grant_record *r;
	struct rlc_grant g;
	char name[32];
	struct rlc h;

	snprintf(name, sizeof(name), "stress-fixed-%u", id);
	if (rlc_open(&h, segment, name, 0) != 0) {
		fprintf(stderr, "worker: %s\n", h.why);
		exit(1);
	}
	while (rlc_now_ns() < atomic_load_explicit(&ws->until_ns, memory_order_relaxed)) {
		uint32_t weight = 1 + (uint32_t)rand_r(&seed) % 20;
		uint64_t t0;
		int err, refund;

		pace(workers, &seed);
		t0 = rlc_now_ns();
		err = rlc_try(&h, FIXED_LIMIT, weight, &g);
		if (!workload_counted(stats, t0, err, id, "rlc_try"))
			continue;
		if (!token_matches(&h.limits[FIXED_LIMIT], last_realtime_ns, g.token[0])) {
			fprintf(stderr, "worker %u: x %" PRIu64 " is not the take's (token %" PRIu64
				")\n", id, last_realtime_ns, g.token[0]);
			exit(1);
		}
		refund = (unsigned)rand_r(&seed) % 1000 < refund_permille;
		if ((r = grant_log_claim(log, 1)) != NULL)
			*r = (struct grant_record){ last_realtime_ns, FIXED_LIMIT, refund ? 0 : weight,
						    id, 0 };
		if (refund)
			rlc_refund(&h, &g);
	}
	rlc_close(&h);
}
