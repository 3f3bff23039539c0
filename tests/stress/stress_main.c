/* SPDX-License-Identifier: MIT */
/*
 * rlc-stress: 2, 4 and 8 workers (processes, or threads for TSan) on one
 * segment, then three checkers over every logged grant:
 *   (a) window: no closed interval of W holds more than the capacity;
 *   (b) bucket: no span t holds more than burst + rate x t;
 *   (c) utilization: saturated limits pass at least 98% of their budget,
 *       measured after the first two windows (whose phase flatters).
 * --hold holds a tenth of the grants for about W and refunds most of them
 * out of order (bots waiting on a slow request); (c) is not measured then,
 * since a held grant's weight is unused budget by design.
 * --fixed runs processes on one `fixed` limit instead (W = 1 s, L = 50 ms,
 * e = 10 ms) with one checker:
 *   (d) fixed: no interval aligned to the exchange clock is met by the
 *       spans [x - e, x + L + e] of more than the effective capacity.
 * --expect-violation NAME inverts the verdict for one checker: the broken
 * builds use it to show that the checker catches what it should.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "checker.h"
#include "fixed_workload.h"
#include "workload.h"

#define LOG_RECORDS (UINT64_C(1) << 22)
#define UTILIZATION_MIN 98.0 /* percent; RLC_STRESS_MIN_USE overrides */

struct run {
	const char *segment;
	const struct rlc *shared;
	struct grant_log *log;
	struct workload_shared *ws;
	uint32_t id;
	unsigned workers;
	int fixed; /* fixed_run, not workload_run */
};

static void *thread_main(void *arg)
{
	struct run *r = arg;

	if (r->fixed)
		fixed_run(r->segment, r->id, r->workers, r->log, r->ws, 50);
	else
		workload_run(r->segment, r->shared, r->id, r->log, r->ws, 50);
	return NULL;
}

static void run_workers(const char *segment, unsigned n, int threads, int fixed,
			struct grant_log *log, struct workload_shared *ws)
{
	struct run runs[WORKERS_MAX];
	pthread_t tids[WORKERS_MAX];
	struct rlc shared;
	unsigned i;

	if (threads && rlc_open(&shared, segment, "stress-main", 0) != 0) {
		fprintf(stderr, "rlc-stress: %s\n", shared.why);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		runs[i] = (struct run){segment, threads ? &shared : NULL, log, ws, i, n, fixed};
		if (threads) {
			if (pthread_create(&tids[i], NULL, thread_main, &runs[i]) != 0)
				abort();
		} else if (fork() == 0) {
			thread_main(&runs[i]);
			_exit(0);
		}
	}
	for (i = 0; i < n; i++) {
		int status = 0;

		if (threads)
			pthread_join(tids[i], NULL);
		else if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "rlc-stress: a worker failed\n");
			exit(1);
		}
	}
	if (threads)
		rlc_close(&shared);
}

struct verdict {
	int window, bucket, utilization, fixed; /* 1 = the promise held */
};

/* The (c) threshold: sanitized builds react slower, not less correctly. */
static double min_use(void)
{
	const char *env = getenv("RLC_STRESS_MIN_USE");

	return env && *env ? strtod(env, NULL) : UTILIZATION_MIN;
}

#define HOLD_PERMILLE 100

static struct verdict check_run(struct grant_log *log, uint64_t start, uint64_t until, int held)
{
	const struct limit_spec *ip = &workload_limits[LIMIT_IP];
	const struct limit_spec *orders = &workload_limits[LIMIT_ORDERS];
	const struct limit_spec *rate = &workload_limits[LIMIT_RATE];
	uint64_t rate_step = (rate->interval_ns + rate->capacity - 1) / rate->capacity;
	uint64_t from = start + 2 * ip->interval_ns, to = until - 2 * ip->interval_ns;
	size_t n = grant_log_count(log);
	uint64_t ip_peak, orders_peak, at_ip = 0, at_orders = 0, at_rate = 0;
	double ip_use, rate_use;
	struct verdict v;
	int64_t excess;

	checker_sort(log->rec, n);
	ip_peak = check_window_peak(log->rec, n, LIMIT_IP, ip->interval_ns, &at_ip);
	orders_peak = check_window_peak(log->rec, n, LIMIT_ORDERS, orders->interval_ns, &at_orders);
	excess = check_bucket_excess(log->rec, n, LIMIT_RATE, rate->capacity, rate_step, &at_rate);
	ip_use = check_utilization(log->rec, n, LIMIT_IP, ip->capacity, ip->interval_ns, from, to);
	rate_use = check_utilization(log->rec, n, LIMIT_RATE, rate->capacity, rate->interval_ns, from,
				     to);
	printf("  (a) window  %s peak %" PRIu64 "/%" PRIu32 ", %s peak %" PRIu64 "/%" PRIu32 "\n",
	       ip->name, ip_peak, ip->capacity, orders->name, orders_peak, orders->capacity);
	printf("  (b) bucket  %s worst excess %.2f units over burst + rate x span\n", rate->name,
	       (double)excess / (double)rate_step);
	printf("  (c) use     %s %.2f%% (ring bound %.2f%%), %s %.2f%% of the budget, "
	       "mean over windows starting in %.0f windows\n",
	       ip->name, 100 * ip_use, 100.0 * (ip->slots - 1) / ip->slots, rate->name,
	       100 * rate_use, (double)(to - from) / (double)ip->interval_ns);
	v.fixed = 1;
	v.window = ip_peak <= ip->capacity && orders_peak <= orders->capacity;
	v.bucket = excess <= 0;
	v.utilization = held || (100 * ip_use >= min_use() && 100 * rate_use >= min_use());
	if (held)
		printf("  (c) not a promise here: held grants leave budget unused by design\n");
	if (!v.window)
		printf("  VIOLATION (a): interval ending at %" PRIu64 " ns (ip) / %" PRIu64
		       " ns (orders)\n", at_ip, at_orders);
	if (!v.bucket)
		printf("  VIOLATION (b): span ending at %" PRIu64 " ns\n", at_rate);
	if (!v.utilization)
		printf("  VIOLATION (c): below %.1f%%\n", min_use());
	return v;
}

/* (d) over a fixed run's log, against the L and e of fixed_workload.h. */
static struct verdict check_fixed_run(struct grant_log *log)
{
	struct verdict v = { 1, 1, 1, 1 };
	uint64_t peak, at = 0;
	size_t twice;
	double mean;

	peak = check_fixed_peak(log->rec, grant_log_count(log), FIXED_LIMIT, FIXED_INTERVAL_NS,
				FIXED_LATENCY_NS, FIXED_ERROR_NS, &at, &mean, &twice);
	printf("  (d) fixed   stress.fixed peak %" PRIu64 "/%u in an aligned interval, "
	       "%.2f%% of it in each whole interval on average; %zu grants met two\n",
	       peak, FIXED_CAPACITY, 100 * mean / FIXED_CAPACITY, twice);
	v.fixed = peak <= FIXED_CAPACITY; /* no buffer: effective is the capacity */
	if (!v.fixed)
		printf("  VIOLATION (d): the interval starting at %" PRIu64 " ns (exchange clock)\n",
		       at);
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: rlc-stress [--threads | --fixed] [--hold] [--procs N[,N...]]\n"
			"                  [--ms DURATION]\n"
			"                  [--expect-violation window|bucket|utilization|fixed]\n");
	exit(64);
}

int main(int argc, char **argv)
{
	const char *procs = "2,4,8", *expect = NULL;
	uint64_t duration = 3000 * MS;
	int threads = 0, held = 0, fixed = 0, ok = 1, caught = 0, i;
	char segment[64], *list, *tok, *save = NULL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--threads") == 0)
			threads = 1;
		else if (strcmp(argv[i], "--hold") == 0)
			held = 1;
		else if (strcmp(argv[i], "--fixed") == 0)
			fixed = 1;
		else if (strcmp(argv[i], "--procs") == 0 && i + 1 < argc)
			procs = argv[++i];
		else if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc)
			duration = strtoull(argv[++i], NULL, 10) * MS;
		else if (strcmp(argv[i], "--expect-violation") == 0 && i + 1 < argc)
			expect = argv[++i];
		else
			usage();
	}
	if (duration < 20 * workload_limits[LIMIT_IP].interval_ns / 2)
		usage(); /* fewer than ten measured windows */
	if (fixed && (threads || held))
		usage(); /* fixed workers are processes that refund at once */
	list = strdup(procs);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned n = (unsigned)strtoul(tok, NULL, 10), w;
		struct grant_log *log = grant_log_create(LOG_RECORDS);
		struct workload_shared *ws = workload_shared_create();
		uint64_t start, grants = 0, refusals = 0, calls = 0, slowest = 0;
		struct verdict v;

		if (n == 0 || n > WORKERS_MAX)
			usage();
		snprintf(segment, sizeof(segment), "/rlc-stress-%ld", (long)getpid());
		if (fixed)
			fixed_create_segment(segment);
		else
			workload_create_segment(segment);
		start = rlc_now_ns();
		atomic_store_explicit(&ws->until_ns, start + duration, memory_order_relaxed);
		atomic_store_explicit(&ws->hold_permille, held ? HOLD_PERMILLE : 0,
				      memory_order_relaxed);
		run_workers(segment, n, threads, fixed, log, ws);
		for (w = 0; w < n; w++) {
			grants += ws->stats[w].grants;
			refusals += ws->stats[w].refusals;
			calls += ws->stats[w].calls;
			if (ws->stats[w].max_call_ns > slowest)
				slowest = ws->stats[w].max_call_ns;
		}
		printf("%u %s, %.1f s: %" PRIu64 " calls, %" PRIu64 " grants, %" PRIu64
		       " refusals, slowest call %.3f ms, %zu log records\n",
		       n, threads ? "threads" : "processes", (double)duration / 1e9, calls, grants,
		       refusals, (double)slowest / 1e6, grant_log_count(log));
		v = fixed ? check_fixed_run(log) : check_run(log, start, start + duration, held);
		ok = ok && v.window && v.bucket && v.utilization && v.fixed;
		if (expect)
			caught += (!strcmp(expect, "window") && !v.window) ||
				  (!strcmp(expect, "bucket") && !v.bucket) ||
				  (!strcmp(expect, "utilization") && !v.utilization) ||
				  (!strcmp(expect, "fixed") && !v.fixed);
		shm_unlink(segment);
		grant_log_destroy(log);
		workload_shared_destroy(ws);
	}
	free(list);
	if (expect) {
		printf("%s: checker (%s) %s the broken build\n", caught ? "PASS" : "FAIL", expect,
		       caught ? "caught" : "did not catch");
		return caught ? 0 : 1;
	}
	printf("%s\n", ok ? "PASS: every promise held" : "FAIL");
	return ok ? 0 : 1;
}
