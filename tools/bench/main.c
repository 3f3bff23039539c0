/* SPDX-License-Identifier: MIT */
/*
 * rlc-bench: what a grant costs, against the floor (a clock read plus one
 * CAS), the same algorithms under a process-shared mutex, and Redis with a
 * GCRA script, with 1 and with 8 processes, in one run; then one line per
 * DESIGN.md target.  Exits 1 when a case failed or decided wrongly, never
 * because a figure is slow.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "floor.h"
#include "harness.h"
#include "mutex_runner.h"
#include "redis.h"
#include "report.h"
#include "rlc_runner.h"
#include "segment.h"

#define DEFAULT_OPS 1000000ul /* per process and case: about 30 s in all on 2 cores */
#define QUICK_OPS 4000ul      /* a smoke run of a few hundred ms */
#define MIN_OPS 2000ul
#define BATCH 1000u
/* A Redis call costs ~1000x a grant: fewer of them, in smaller batches. */
#define REDIS_OPS_DIVISOR 20u
#define REDIS_BATCH 50u
#define PROCS_LIST_MAX 8u
#define OPS_MAX (1 + RLC_RUNNER_OPS + 3 + 1) /* floor, rlc cases, mutex x 3, redis */

struct options {
	unsigned long ops;
	unsigned procs[PROCS_LIST_MAX];
	unsigned nprocs;
	unsigned lo, hi; /* smallest and largest of procs */
	int no_redis;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rlc-bench [--quick] [--ops N] [--procs LIST] [--no-redis]\n"
		"  --quick       smoke run: %lu operations per process and case\n"
		"  --ops N       operations per process and case (default %lu, at least %lu;\n"
		"                redis runs N/%u)\n"
		"  --procs LIST  comma-separated process counts, 1..%u (default 1,8)\n"
		"  --no-redis    skip the Redis baseline\n",
		QUICK_OPS, DEFAULT_OPS, MIN_OPS, REDIS_OPS_DIVISOR, HARNESS_PROCS_MAX);
}

/* "1,8" into o->procs.  Returns 0, or -EINVAL. */
static int parse_procs(struct options *o, const char *list)
{
	const char *p = list;
	char *end;
	unsigned long v;

	o->nprocs = 0;
	do {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || end == p || v < 1 || v > HARNESS_PROCS_MAX ||
		    o->nprocs == PROCS_LIST_MAX || (*end && *end != ','))
			return -EINVAL;
		o->procs[o->nprocs++] = (unsigned)v;
		p = end + 1;
	} while (*end);
	return 0;
}

static int parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"quick", no_argument, NULL, 'q'},   {"ops", required_argument, NULL, 'n'},
		{"procs", required_argument, NULL, 'p'}, {"no-redis", no_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0},
	};
	unsigned long quick_ops = 0, ops = 0;
	unsigned i;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->procs[0] = 1;
	o->procs[1] = 8;
	o->nprocs = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quick_ops = QUICK_OPS;
			break;
		case 'n':
			errno = 0;
			ops = strtoul(optarg, &end, 10);
			if (errno || *end || ops < MIN_OPS) {
				fprintf(stderr, "rlc-bench: --ops '%s': want a count of %lu or more\n",
					optarg, MIN_OPS);
				return 2;
			}
			break;
		case 'p':
			if (parse_procs(o, optarg)) {
				fprintf(stderr, "rlc-bench: --procs '%s': want counts 1..%u, "
					"comma-separated, at most %u\n", optarg, HARNESS_PROCS_MAX,
					PROCS_LIST_MAX);
				return 2;
			}
			break;
		case 'R':
			o->no_redis = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rlc-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	/* An explicit --ops wins over --quick, whatever their order. */
	o->ops = ops ? ops : quick_ops ? quick_ops : DEFAULT_OPS;
	o->lo = o->hi = o->procs[0];
	for (i = 1; i < o->nprocs; i++) {
		o->lo = o->procs[i] < o->lo ? o->procs[i] : o->lo;
		o->hi = o->procs[i] > o->hi ? o->procs[i] : o->hi;
	}
	return 0;
}

/* Other work on the machine moves every figure: say how much there was. */
static void print_load(void)
{
	double load;
	FILE *f = fopen("/proc/loadavg", "re");

	if (f && fscanf(f, "%lf", &load) == 1)
		printf("load average %.2f at start%s\n", load,
		       load >= 0.5 ? ": other work competes for the CPUs" : "");
	if (f)
		fclose(f);
}

/* Set up every case.  Returns how many, or -errno (reason printed). */
static int set_up_cases(struct bench_op *ops, char *segment, const struct options *o,
			int *failed)
{
	char why[512];
	int n = 0, err;

	if ((err = floor_op(&ops[n++], why, sizeof(why))) != 0) {
		fprintf(stderr, "rlc-bench: %s\n", why);
		return err;
	}
	rlc_runner_ops(&ops[n], segment);
	n += RLC_RUNNER_OPS;
	if ((err = mutex_runner_ops(&ops[n], why, sizeof(why))) != 0) {
		fprintf(stderr, "rlc-bench: %s\n", why);
		return err;
	}
	n += 3;
	if (o->no_redis) {
		printf("redis: skipped (--no-redis)\n");
	} else if ((err = redis_baseline_start(&ops[n], why, sizeof(why))) == 0) {
		printf("check: %s\n", why);
		n++;
	} else {
		printf("redis: skipped (%s)\n", why);
		/* A script that decides unlike rlc is our bug, not a missing server. */
		*failed |= err == -EPROTO;
	}
	return n;
}

static int run_cases(struct bench_op *ops, int nops, const struct options *o, double stamp_ns,
		     struct case_result *rows, size_t *nrows)
{
	int failed = 0, i;
	unsigned k;

	for (i = 0; i < nops; i++) {
		int redis = ops[i].family == FAMILY_REDIS;
		unsigned long per_proc = redis ? o->ops / REDIS_OPS_DIVISOR : o->ops;

		ops[i].batch = redis ? REDIS_BATCH : BATCH;
		for (k = 0; k < o->nprocs; k++) {
			char why[512];

			if (isatty(STDERR_FILENO))
				fprintf(stderr, "rlc-bench: %s, %u procs...\n", ops[i].name,
					o->procs[k]);
			if (harness_run(&ops[i], o->procs[k], per_proc, stamp_ns, &rows[*nrows], why,
					sizeof(why)) == 0) {
				(*nrows)++;
			} else {
				fprintf(stderr, "rlc-bench: %s, %u procs: %s\n", ops[i].name,
					o->procs[k], why);
				failed = 1;
			}
		}
	}
	return failed;
}

static int refusal_case(const struct case_result *r)
{
	return r->shape == SHAPE_REFUSE_S2 || r->shape == SHAPE_REFUSE_S64 ||
	       r->shape == SHAPE_REFUSE_S4096;
}

int main(int argc, char **argv)
{
	struct bench_op ops[OPS_MAX];
	struct case_result rows[OPS_MAX * PROCS_LIST_MAX];
	size_t nrows = 0, i;
	unsigned long long refused = 0;
	struct options o;
	char segment[64], why[512];
	int failed = 0, runaway = 0, nops, err;
	double stamp_ns;

	if ((err = parse_options(&o, argc, argv)) != 0)
		return err;
	if (cleanup_install() != 0) {
		fprintf(stderr, "rlc-bench: cannot install exit handlers\n");
		return 1;
	}
	/* A worker whose Redis server is gone gets EPIPE, not death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	printf("rlc-bench: %lu operations per process and case (redis %lu), %ld CPUs online\n",
	       o.ops, o.ops / REDIS_OPS_DIVISOR, sysconf(_SC_NPROCESSORS_ONLN));
	print_load();
	stamp_ns = harness_stamp_cost();
	err = check_locked(why, sizeof(why));
	printf("check: %s\n", why);
	failed |= err != 0;
	err = bench_segment_create(segment, sizeof(segment), o.hi + 1, why, sizeof(why));
	if (err) {
		fprintf(stderr, "rlc-bench: segment: %s\n", why);
		return 1;
	}
	nops = set_up_cases(ops, segment, &o, &failed);
	if (nops > 0)
		failed |= run_cases(ops, nops, &o, stamp_ns, rows, &nrows);
	redis_baseline_stop();
	bench_segment_remove(segment);
	if (nops < 0)
		return 1;
	putchar('\n');
	report_table(stdout, rows, nrows);
	report_method(stdout, BATCH, REDIS_BATCH, stamp_ns);
	report_targets(stdout, rows, nrows, o.lo, o.hi);
	for (i = 0; i < nrows; i++) {
		if (refusal_case(&rows[i]))
			continue; /* refusing is what these cases time */
		refused += rows[i].refused;
		/* The capacities outrun any machine: many refusals mean a limit
		 * that does not refill, a few a stale clock after a preemption. */
		runaway |= rows[i].refused * 100 > rows[i].ops;
	}
	if (refused)
		printf("\nsanity: %llu refusals; %s\n", refused,
		       runaway ? "over 1% of a case: a limit does not refill (FAILED)"
			       : "each under 1% of its case, as a stale clock read can cause");
	return failed || runaway;
}
