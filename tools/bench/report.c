/* SPDX-License-Identifier: MIT */
#include "report.h"

#include <string.h>

/* DESIGN.md, "Performance targets". */
#define TARGET_GRANT_X_FLOOR 1.5
#define TARGET_LINKED_NS 100.0
#define TARGET_FEEDBACK_NS 150.0 /* a 200 with two usage headers */
#define TARGET_P999_X_MUTEX 10.0
#define TARGET_X_REDIS 500.0
#define TARGET_REFUSAL_X_GRANT 2.0
#define TARGET_RESERVE_X_FLOOR 1.5
#define TARGET_RESERVE_PLUS_NS 10.0

#define COLS 11
/* Below this many CPUs' worth of work at once, the processes of a case
 * seldom ran together, so a lock was seldom contended. */
#define CONTENDED_CPUS 1.5
#define CELL 24

static const char *const heads[COLS] = {
	"case", "procs", "cpus", "ops", "refused", "median ns", "p99 ns", "p99.9 ns",
	"median / floor", "median vs rlc", "p99.9 vs rlc",
};

static const struct case_result *find(const struct case_result *rows, size_t n,
				      enum bench_family family, enum bench_shape shape,
				      unsigned procs)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].family == family && rows[i].shape == shape && rows[i].procs == procs)
			return &rows[i];
	return NULL;
}

/* "1.23x", "45.6x", "812x"; "-" when there is nothing to divide by. */
static void ratio(char *cell, double num, double den)
{
	double x = num / den;

	if (!(den > 0))
		snprintf(cell, CELL, "-");
	else if (x < 10)
		snprintf(cell, CELL, "%.2fx", x);
	else if (x < 1000)
		snprintf(cell, CELL, "%.1fx", x);
	else
		snprintf(cell, CELL, "%.0fx", x);
}

static void fill_row(char cells[COLS][CELL], const struct case_result *r,
		     const struct case_result *rows, size_t n)
{
	const struct case_result *fl = find(rows, n, FAMILY_FLOOR, SHAPE_FLOOR, r->procs);
	const struct case_result *rlc = find(rows, n, FAMILY_RLC, r->shape, r->procs);
	int baseline = r->family == FAMILY_MUTEX || r->family == FAMILY_REDIS;

	snprintf(cells[0], CELL, "%s", r->name);
	snprintf(cells[1], CELL, "%u", r->procs);
	snprintf(cells[2], CELL, "%.2f", r->cpus);
	snprintf(cells[3], CELL, "%llu", (unsigned long long)r->ops);
	snprintf(cells[4], CELL, "%llu", (unsigned long long)r->refused);
	snprintf(cells[5], CELL, "%.1f", r->median_ns);
	snprintf(cells[6], CELL, "%.0f", r->p99_ns);
	snprintf(cells[7], CELL, "%.0f", r->p999_ns);
	ratio(cells[8], r->median_ns, fl ? fl->median_ns : 0);
	ratio(cells[9], r->median_ns, baseline && rlc ? rlc->median_ns : 0);
	ratio(cells[10], r->p999_ns, baseline && rlc ? rlc->p999_ns : 0);
}

/* "| a   |   b |": the case left-aligned, figures right-aligned. */
static void print_cells(FILE *out, char cells[COLS][CELL], const int *width)
{
	int c;

	for (c = 0; c < COLS; c++)
		fprintf(out, c ? " %*s |" : "| %-*s |", width[c], cells[c]);
	fputc('\n', out);
}

/* Markdown's header rule, as wide as the cells; a trailing ':' right-aligns. */
static void print_rule(FILE *out, const int *width)
{
	int c, i;

	fputc('|', out);
	for (c = 0; c < COLS; c++) {
		for (i = 0; i < width[c] + 1; i++)
			fputc('-', out);
		fputs(c ? ":|" : "-|", out);
	}
	fputc('\n', out);
}

void report_table(FILE *out, const struct case_result *rows, size_t n)
{
	char cells[COLS][CELL];
	int width[COLS], c;
	size_t i;

	for (c = 0; c < COLS; c++)
		width[c] = (int)strlen(heads[c]);
	for (i = 0; i < n; i++) {
		fill_row(cells, &rows[i], rows, n);
		for (c = 0; c < COLS; c++)
			if ((int)strlen(cells[c]) > width[c])
				width[c] = (int)strlen(cells[c]);
	}
	for (c = 0; c < COLS; c++)
		snprintf(cells[c], CELL, "%s", heads[c]);
	print_cells(out, cells, width);
	print_rule(out, width);
	for (i = 0; i < n; i++) {
		fill_row(cells, &rows[i], rows, n);
		print_cells(out, cells, width);
	}
}

void report_method(FILE *out, unsigned batch, unsigned redis_batch, double stamp_ns)
{
	fprintf(out,
		"\nmethod: median = median over every timed batch of every process of batch time /"
		" batch size\n"
		"  (%u operations a batch, redis %u; two clock reads a batch).  p99, p99.9 ="
		" nearest-rank\n"
		"  percentiles of per-operation samples, taken in blocks that alternate with the"
		" batches:\n"
		"  the time between the clock reads after consecutive operations, less %.0f ns"
		" (the median\n"
		"  such sample with no operation: the read and the loop).  ops include one"
		" warm-up batch\n"
		"  per process; refused counts every refusal among them.  cpus = the processes'"
		" CPU time /\n"
		"  the case's wall time: how many of them ran at once (other work on the machine"
		" lowers it).\n",
		batch, redis_batch, stamp_ns);
}

static const char *processes(unsigned n)
{
	return n == 1 ? "process" : "processes";
}

static void verdict(FILE *out, const char *what, const char *measured, int met, double pct)
{
	if (met)
		fprintf(out, "target: %s: %s: met\n", what, measured);
	else
		fprintf(out, "target: %s: %s: MISSED by %.0f%%\n", what, measured, pct);
}

static void not_measured(FILE *out, const char *what)
{
	fprintf(out, "target: %s: not measured in this run\n", what);
}

/* r's median <= `limit` x base's, both at `procs`; `name`s label them. */
static void median_within(FILE *out, const struct case_result *r, const char *name,
			  const struct case_result *base, const char *base_name, double limit,
			  unsigned procs)
{
	char what[128], measured[128];
	double x;

	snprintf(what, sizeof(what), "%s median <= %.*fx %s, %u %s", r ? r->name : name,
		 limit < 2 ? 1 : 0, limit, base_name, procs, processes(procs));
	if (!base || !r || !(base->median_ns > 0)) {
		not_measured(out, what);
		return;
	}
	x = r->median_ns / base->median_ns;
	snprintf(measured, sizeof(measured), "%.2fx (%.1f vs %.1f ns)", x, r->median_ns,
		 base->median_ns);
	verdict(out, what, measured, x <= limit, (x / limit - 1) * 100);
}

/* median <= TARGET_GRANT_X_FLOOR x the floor's, both at `procs` */
static void target_x_floor(FILE *out, const struct case_result *rows, size_t n,
			   enum bench_shape shape, unsigned procs)
{
	median_within(out, find(rows, n, FAMILY_RLC, shape, procs), "rlc grant",
		      find(rows, n, FAMILY_FLOOR, SHAPE_FLOOR, procs), "floor",
		      TARGET_GRANT_X_FLOOR, procs);
}

/* An endpoint reserve: median <= 1.5 x the floor's + 10 ns, both at `procs`. */
static void target_reserve(FILE *out, const struct case_result *rows, size_t n,
			   enum bench_shape shape, unsigned procs)
{
	const struct case_result *r = find(rows, n, FAMILY_RLC, shape, procs);
	const struct case_result *fl = find(rows, n, FAMILY_FLOOR, SHAPE_FLOOR, procs);
	char what[128], measured[128];
	double limit;

	snprintf(what, sizeof(what), "%s median <= %.1fx floor + %.0f ns, %u %s",
		 r ? r->name : "rlc reserve", TARGET_RESERVE_X_FLOOR, TARGET_RESERVE_PLUS_NS,
		 procs, processes(procs));
	if (!r || !fl) {
		not_measured(out, what);
		return;
	}
	limit = TARGET_RESERVE_X_FLOOR * fl->median_ns + TARGET_RESERVE_PLUS_NS;
	snprintf(measured, sizeof(measured), "%.1f ns (limit %.1f ns, floor %.1f ns)",
		 r->median_ns, limit, fl->median_ns);
	verdict(out, what, measured, r->median_ns <= limit, (r->median_ns / limit - 1) * 100);
}

/* The rlc case of `shape` (`name` if missing): median <= `limit_ns`. */
static void target_ns(FILE *out, const struct case_result *rows, size_t n, enum bench_shape shape,
		      const char *name, double limit_ns, unsigned procs)
{
	const struct case_result *r = find(rows, n, FAMILY_RLC, shape, procs);
	char what[128], measured[64];

	snprintf(what, sizeof(what), "%s median <= %.0f ns, %u %s", r ? r->name : name, limit_ns,
		 procs, processes(procs));
	if (!r) {
		not_measured(out, what);
		return;
	}
	snprintf(measured, sizeof(measured), "%.1f ns", r->median_ns);
	verdict(out, what, measured, r->median_ns <= limit_ns,
		(r->median_ns / limit_ns - 1) * 100);
}

/* mutex p99.9 >= TARGET_P999_X_MUTEX x rlc's, both at `procs` */
static void target_x_mutex(FILE *out, const struct case_result *rows, size_t n,
			   enum bench_shape shape, unsigned procs)
{
	const struct case_result *r = find(rows, n, FAMILY_RLC, shape, procs);
	const struct case_result *m = find(rows, n, FAMILY_MUTEX, shape, procs);
	char what[128], measured[128];
	double x;

	snprintf(what, sizeof(what), "%s p99.9 >= %.0fx better than %s, %u %s",
		 r ? r->name : "rlc", TARGET_P999_X_MUTEX, m ? m->name : "mutex", procs,
		 processes(procs));
	if (!r || !m || !(r->p999_ns > 0)) {
		not_measured(out, what);
		return;
	}
	x = m->p999_ns / r->p999_ns;
	snprintf(measured, sizeof(measured), "%.1fx (%.0f vs %.0f ns)%s", x, r->p999_ns,
		 m->p999_ns,
		 m->cpus < CONTENDED_CPUS
			 ? " [the mutex case ran on ~1 CPU: its lock was seldom contended]"
			 : "");
	verdict(out, what, measured, x >= TARGET_P999_X_MUTEX,
		(1 - x / TARGET_P999_X_MUTEX) * 100);
}

static void target_x_redis(FILE *out, const struct case_result *rows, size_t n, unsigned procs)
{
	const struct case_result *r = find(rows, n, FAMILY_RLC, SHAPE_BUCKET, procs);
	const struct case_result *redis = find(rows, n, FAMILY_REDIS, SHAPE_BUCKET, procs);
	char what[128], measured[128];
	double x;

	snprintf(what, sizeof(what), "rlc bucket median >= %.0fx faster than redis gcra, %u %s",
		 TARGET_X_REDIS, procs, processes(procs));
	if (!r || !redis || !(r->median_ns > 0)) {
		not_measured(out, what);
		return;
	}
	x = redis->median_ns / r->median_ns;
	snprintf(measured, sizeof(measured), "%.0fx (%.1f vs %.0f ns)", x, r->median_ns,
		 redis->median_ns);
	verdict(out, what, measured, x >= TARGET_X_REDIS, (1 - x / TARGET_X_REDIS) * 100);
}

/* A refusal of a full S = 64 window <= TARGET_REFUSAL_X_GRANT x a grant. */
static void target_refusal(FILE *out, const struct case_result *rows, size_t n, unsigned procs)
{
	median_within(out, find(rows, n, FAMILY_RLC, SHAPE_REFUSE_S64, procs), "rlc refusal S=64",
		      find(rows, n, FAMILY_RLC, SHAPE_WINDOW, procs), "rlc window grant",
		      TARGET_REFUSAL_X_GRANT, procs);
}

void report_targets(FILE *out, const struct case_result *rows, size_t n, unsigned lo,
		    unsigned hi)
{
	fputc('\n', out);
	target_x_floor(out, rows, n, SHAPE_WINDOW, lo);
	target_x_floor(out, rows, n, SHAPE_BUCKET, lo);
	target_ns(out, rows, n, SHAPE_LINKED, "rlc 3-linked", TARGET_LINKED_NS, lo);
	target_refusal(out, rows, n, lo);
	target_reserve(out, rows, n, SHAPE_RESERVE_DEPTH, lo);
	target_reserve(out, rows, n, SHAPE_RESERVE_ORDER, lo);
	target_ns(out, rows, n, SHAPE_FEEDBACK, "rlc feedback 200", TARGET_FEEDBACK_NS, lo);
	target_x_mutex(out, rows, n, SHAPE_WINDOW, hi);
	target_x_mutex(out, rows, n, SHAPE_BUCKET, hi);
	target_x_mutex(out, rows, n, SHAPE_LINKED, hi);
	target_x_redis(out, rows, n, lo);
}
