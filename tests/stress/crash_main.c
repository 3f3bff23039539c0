/* SPDX-License-Identifier: MIT */
/*
 * rlc-crash: SIGKILL workers at random points while they reserve, hundreds
 * of times, then prove that
 *   - every surviving worker's calls returned within a bound (nobody waited
 *     on a dead process) and the survivors finish on time;
 *   - the window and bucket promises held over every logged grant;
 *   - after one quiet window a single client takes each limit's full
 *     capacity again: nothing a dead process held leaked for good.
 * With --rlcd PATH the segment comes from a real rlcd, which is SIGKILLed
 * mid-run: clients keep being granted without it, and a restarted rlcd
 * adopts the segment with every count intact.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "checker.h"
#include "workload.h"

#define WORKERS 4
#define CALL_BOUND_NS (500 * MS)
#define LOG_RECORDS (UINT64_C(1) << 22)
#define KEEP_NAME "stress.ip.kept"
#define KEEP_WEIGHT 12345u

static char segment[64];
static pid_t workers[WORKERS];
static struct grant_log *glog;
static struct workload_shared *ws;

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static pid_t spawn_worker(uint32_t slot)
{
	pid_t pid = fork();

	if (pid == 0) {
		workload_run(segment, NULL, slot, glog, ws, 50);
		_exit(0);
	}
	return pid;
}

/* Wait for `pid` until `deadline_ns`; 1 if it exited cleanly in time. */
static int reap_by(pid_t pid, uint64_t deadline_ns)
{
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (r < 0 || rlc_now_ns() > deadline_ns)
			return 0;
		sleep_ns(MS);
	}
}

static int open_client(struct rlc *h, const char *name)
{
	uint64_t deadline = rlc_now_ns() + 5000 * MS;
	int err;

	/* rlcd publishes the segment asynchronously: retry while not ready. */
	while ((err = rlc_open(h, segment, name, 0)) == -ENOENT || err == -EAGAIN) {
		if (rlc_now_ns() > deadline)
			break;
		sleep_ns(5 * MS);
	}
	if (err)
		fprintf(stderr, "rlc-crash: %s\n", h->why);
	return err;
}

static pid_t start_rlcd(const char *rlcd, const char *config)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl(rlcd, rlcd, "-c", config, "-s", segment, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void write_config(const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned i;

	if (!f)
		abort();
	fprintf(f, "[rlcd]\nclients = 64\nheartbeat = 20ms\n");
	for (i = 0; i < LIMITS; i++) {
		const struct limit_spec *s = &workload_limits[i];

		fprintf(f, "\n[limit %s]\nscope = %s\nalgorithm = %s\ncapacity = %u\ninterval = %lums\n",
			s->name, s->scope, s->algorithm == RLC_ALGO_WINDOW ? "window" : "bucket",
			s->capacity, (unsigned long)(s->interval_ns / MS));
		if (s->algorithm == RLC_ALGO_WINDOW)
			fprintf(f, "slots = %u\n", s->slots);
	}
	/* Workers never touch it: its count must survive an rlcd restart. */
	fprintf(f, "\n[limit %s]\nscope = stress.ip\ncapacity = 100000\ninterval = 1h\n", KEEP_NAME);
	fclose(f);
}

static uint64_t total_grants(void)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < WORKERS; i++)
		n += atomic_load_explicit(&ws->stats[i].grants, memory_order_relaxed);
	return n;
}

/* Kill rlcd mid-run, check clients carry on, restart it, check adoption. */
static int rlcd_crash(const char *rlcd, const char *config, pid_t *daemon)
{
	struct rlc_usage u = {0};
	struct rlc_grant g;
	uint64_t before, deadline;
	struct rlc h;
	int ok = 1, keep;

	if (open_client(&h, "rlcd-check") != 0)
		return 0;
	keep = rlc_limit_id(&h, KEEP_NAME);
	if (keep < 0 || rlc_try(&h, (uint32_t)keep, KEEP_WEIGHT, &g) != 0) {
		fprintf(stderr, "rlc-crash: cannot take from %s\n", KEEP_NAME);
		return 0;
	}
	kill(*daemon, SIGKILL);
	waitpid(*daemon, NULL, 0);
	before = total_grants();
	sleep_ns(200 * MS);
	printf("  rlcd killed: workers granted %" PRIu64 " more requests without it\n",
	       total_grants() - before);
	ok &= total_grants() > before;
	*daemon = start_rlcd(rlcd, config);
	deadline = rlc_now_ns() + 5000 * MS;
	while ((rlc__load_acquire(&h.hdr->rlcd_pid) != (uint64_t)*daemon ||
		rlc__load_acquire(&h.hdr->generation) < 2) && rlc_now_ns() < deadline)
		sleep_ns(5 * MS);
	rlc_usage(&h, (uint32_t)keep, &u);
	printf("  rlcd restarted: generation %" PRIu64 ", %s used %" PRIu64 " (taken %u before the kill)\n",
	       rlc__load_acquire(&h.hdr->generation), KEEP_NAME, u.used, KEEP_WEIGHT);
	ok &= rlc__load_acquire(&h.hdr->rlcd_pid) == (uint64_t)*daemon;
	ok &= u.used == KEEP_WEIGHT;
	rlc_close(&h);
	return ok;
}

/* After a quiet window, one client must get every limit's whole capacity. */
static int capacity_returns(void)
{
	struct rlc_grant g;
	struct rlc h;
	unsigned i;
	int ok = 1;

	if (open_client(&h, "after-storm") != 0)
		return 0;
	for (i = 0; i < LIMITS; i++) {
		const struct limit_spec *s = &workload_limits[i];
		int full = rlc_try(&h, i, s->capacity, &g);
		int more = rlc_try(&h, i, 1, &g);

		printf("  after one quiet window: %s full capacity %u %s, one more %s\n", s->name,
		       s->capacity, full == 0 ? "granted" : "REFUSED",
		       more == -EAGAIN ? "refused" : "GRANTED");
		ok &= full == 0 && more == -EAGAIN;
	}
	rlc_close(&h);
	return ok;
}

int main(int argc, char **argv)
{
	const char *rlcd = NULL;
	unsigned kills = 300, k, i, seed = (unsigned)getpid();
	uint64_t slowest = 0, quiet = 0, peak_ip, peak_orders, storm_start, storm_end;
	char config[96];
	pid_t daemon = 0;
	int64_t excess;
	size_t n;
	int ok = 1;

	for (i = 1; i < (unsigned)argc; i++) {
		if (!strcmp(argv[i], "--rlcd") && i + 1 < (unsigned)argc)
			rlcd = argv[++i];
		else if (!strcmp(argv[i], "--kills") && i + 1 < (unsigned)argc)
			kills = (unsigned)strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: rlc-crash [--kills N] [--rlcd PATH]\n");
			return 64;
		}
	}
	snprintf(segment, sizeof(segment), "/rlc-crash-%ld", (long)getpid());
	snprintf(config, sizeof(config), "/tmp/rlc-crash-%ld.ini", (long)getpid());
	glog = grant_log_create(LOG_RECORDS);
	ws = workload_shared_create();
	if (rlcd) {
		write_config(config);
		daemon = start_rlcd(rlcd, config);
	} else {
		workload_create_segment(segment);
	}
	{
		struct rlc probe;

		if (open_client(&probe, "probe") != 0)
			return 1;
		rlc_close(&probe);
	}
	storm_start = rlc_now_ns();
	atomic_store_explicit(&ws->until_ns, UINT64_MAX, memory_order_relaxed);
	for (i = 0; i < WORKERS; i++)
		workers[i] = spawn_worker(i);
	for (k = 0; k < kills; k++) {
		uint32_t slot = (uint32_t)rand_r(&seed) % WORKERS;

		sleep_ns(100000 + (uint64_t)rand_r(&seed) % (1500 * 1000));
		kill(workers[slot], SIGKILL);
		waitpid(workers[slot], NULL, 0);
		workers[slot] = spawn_worker(slot);
		if (rlcd && k == kills / 4)
			ok &= rlcd_crash(rlcd, config, &daemon);
	}
	/* Survivors stop after their current call; late means stuck. */
	storm_end = rlc_now_ns();
	atomic_store_explicit(&ws->until_ns, storm_end, memory_order_relaxed);
	for (i = 0; i < WORKERS; i++)
		if (!reap_by(workers[i], storm_end + CALL_BOUND_NS)) {
			printf("  worker %u did not finish on time: a call blocked\n", i);
			ok = 0;
		}
	for (i = 0; i < WORKERS; i++)
		if (ws->stats[i].max_call_ns > slowest)
			slowest = ws->stats[i].max_call_ns;
	n = grant_log_count(glog);
	checker_sort(glog->rec, n);
	peak_ip = check_window_peak(glog->rec, n, LIMIT_IP, workload_limits[LIMIT_IP].interval_ns,
				    NULL);
	peak_orders = check_window_peak(glog->rec, n, LIMIT_ORDERS,
					workload_limits[LIMIT_ORDERS].interval_ns, NULL);
	excess = check_bucket_excess(glog->rec, n, LIMIT_RATE, workload_limits[LIMIT_RATE].capacity,
				     workload_limits[LIMIT_RATE].interval_ns /
					     workload_limits[LIMIT_RATE].capacity,
				     NULL);
	printf("%u kills of %u workers over %.1f s: %" PRIu64 " grants logged in %zu records\n", k,
	       WORKERS, (double)(storm_end - storm_start) / 1e9, total_grants(), n);
	printf("  slowest call %.3f ms (bound %.0f ms)\n", (double)slowest / 1e6,
	       (double)CALL_BOUND_NS / 1e6);
	printf("  (a) window peaks %" PRIu64 "/%u and %" PRIu64 "/%u; (b) bucket excess %" PRId64 "\n",
	       peak_ip, workload_limits[LIMIT_IP].capacity, peak_orders,
	       workload_limits[LIMIT_ORDERS].capacity, excess);
	ok &= slowest < CALL_BOUND_NS;
	ok &= peak_ip <= workload_limits[LIMIT_IP].capacity;
	ok &= peak_orders <= workload_limits[LIMIT_ORDERS].capacity;
	ok &= excess <= 0;
	for (i = 0; i < LIMITS; i++) {
		const struct limit_spec *s = &workload_limits[i];
		uint64_t w = s->algorithm == RLC_ALGO_WINDOW ? s->interval_ns + s->interval_ns / (s->slots - 1) + 1
							  : s->interval_ns;

		if (w > quiet)
			quiet = w;
	}
	sleep_ns(quiet);
	ok &= capacity_returns();
	if (daemon) {
		kill(daemon, SIGTERM);
		ok &= reap_by(daemon, rlc_now_ns() + 5000 * MS);
		unlink(config);
	}
	shm_unlink(segment);
	printf("%s\n", ok ? "PASS: no call blocked, every promise held, nothing leaked" : "FAIL");
	return ok ? 0 : 1;
}
