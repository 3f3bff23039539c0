/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "rlc/clock.h"
#include "stats.h"

#define STAMP_SAMPLES 100000u

/*
 * What one process hands back, in memory shared with the parent; its
 * `rounds` batch times (uint64_t ns) and rounds x batch samples (uint32_t
 * ns) follow it.  The parent reads it after waitpid(), which orders it
 * after everything the child wrote.
 */
struct proc_report {
	int32_t status; /* 0 done; -errno failed; -EINPROGRESS never finished */
	uint64_t ops;
	uint64_t refused;
	char why[160];
};

struct plan {
	unsigned rounds;
	unsigned batch;
	size_t stride; /* bytes per process: report, batch times, samples */
};

static struct proc_report *report_at(void *base, const struct plan *p, unsigned i)
{
	return (struct proc_report *)(void *)((unsigned char *)base + (size_t)i * p->stride);
}

static uint64_t *batch_times(struct proc_report *r)
{
	return (uint64_t *)(void *)(r + 1);
}

static uint32_t *samples(struct proc_report *r, const struct plan *p)
{
	return (uint32_t *)(void *)(batch_times(r) + p->rounds);
}

/* n operations between two clock reads; *ns is the time they took. */
static int batch_block(const struct bench_op *op, void *state, unsigned n, uint64_t *ns,
		       uint64_t *refused)
{
	uint64_t t0 = rlc_now_ns();
	unsigned i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = op->run(state);
		if (rc < 0)
			return rc;
		*refused += (unsigned)rc;
	}
	*ns = rlc_now_ns() - t0;
	return 0;
}

/* n operations, each followed by a clock read; out[i] is the time between
 * the reads before and after operation i, saturated at 4.29 s. */
static int sample_block(const struct bench_op *op, void *state, unsigned n, uint32_t *out,
			uint64_t *refused)
{
	uint64_t prev = rlc_now_ns(), t;
	unsigned i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = op->run(state);
		t = rlc_now_ns();
		if (rc < 0)
			return rc;
		*refused += (unsigned)rc;
		out[i] = t - prev < UINT32_MAX ? (uint32_t)(t - prev) : UINT32_MAX;
		prev = t;
	}
	return 0;
}

static int measure(const struct bench_op *op, void *state, struct proc_report *r,
		   const struct plan *p)
{
	uint64_t refused = 0, warm_ns;
	unsigned k;
	/* One untimed batch first: faults in code, cache lines, connections. */
	int err = batch_block(op, state, p->batch, &warm_ns, &refused);

	for (k = 0; !err && k < p->rounds; k++) {
		err = batch_block(op, state, p->batch, &batch_times(r)[k], &refused);
		if (!err)
			err = sample_block(op, state, p->batch,
					   samples(r, p) + (size_t)k * p->batch, &refused);
	}
	r->ops = (1 + 2 * (uint64_t)p->rounds) * p->batch;
	r->refused = refused;
	return err;
}

static void child_main(const struct bench_op *op, struct proc_report *r, const struct plan *p,
		       int ready_fd, int go_fd)
{
	void *state = op->arg;
	char byte = 0;
	int err = 0, attached = 0;

	cleanup_forget();
	/* A worker must not run on after the parent is killed. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (op->attach) {
		err = op->attach(op->arg, &state, r->why, sizeof(r->why));
		attached = !err;
	}
	/* fork() does not copy the page tables of a shared mapping: without
	 * this, the first sample on each page would time a page fault (one
	 * sample in 1024, right at p99.9). */
	memset(batch_times(r), 0, p->stride - sizeof(*r));
	if (write(ready_fd, &byte, 1) != 1 && !err)
		err = -errno;
	close(ready_fd);
	if (!err) {
		/* Returns at EOF, when the parent closes its end: all start at once. */
		while (read(go_fd, &byte, 1) < 0 && errno == EINTR)
			;
		err = measure(op, state, r, p);
	}
	if (attached && op->detach)
		op->detach(state);
	r->status = err;
	_exit(err ? 1 : 0);
}

/* Wait for one ready byte per process (or for all of them to be gone). */
static void await_ready(int fd, unsigned procs)
{
	char buf[HARNESS_PROCS_MAX];
	unsigned got = 0;
	ssize_t n;

	while (got < procs) {
		n = read(fd, buf, procs - got);
		if (n == 0 || (n < 0 && errno != EINTR))
			return;
		if (n > 0)
			got += (unsigned)n;
	}
}

static void reap(const pid_t *pids, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
}

/* CPU time, user and system, of the reaped children so far, in ns. */
static double children_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

/*
 * Fork the workers and start them together; *cpus is their CPU time over
 * the wall time from the start to the last exit.  Returns 0 or -errno.
 */
static int fan_out(const struct bench_op *op, unsigned procs, void *base, const struct plan *p,
		   double *cpus, char *why, size_t len)
{
	double cpu0 = children_cpu_ns();
	uint64_t t0;
	pid_t pids[HARNESS_PROCS_MAX];
	int ready[2], go[2], err = 0;
	unsigned i, forked;

	if (pipe2(ready, O_CLOEXEC) != 0)
		return -errno;
	if (pipe2(go, O_CLOEXEC) != 0) {
		err = -errno;
		close(ready[0]);
		close(ready[1]);
		return err;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	for (forked = 0; forked < procs; forked++) {
		pids[forked] = fork();
		if (pids[forked] == 0) {
			close(ready[0]);
			close(go[1]);
			child_main(op, report_at(base, p, forked), p, ready[1], go[0]);
		}
		if (pids[forked] < 0) {
			err = -errno;
			snprintf(why, len, "fork: %s", strerror(errno));
			break;
		}
	}
	close(ready[1]);
	close(go[0]);
	if (err)
		for (i = 0; i < forked; i++)
			kill(pids[i], SIGKILL);
	else
		await_ready(ready[0], procs);
	t0 = rlc_now_ns();
	close(go[1]); /* the start signal */
	close(ready[0]);
	reap(pids, forked);
	*cpus = (children_cpu_ns() - cpu0) / (double)(rlc_now_ns() - t0);
	return err;
}

/* Turn the reports into *out; the first failed process's reason into why. */
static int summarize(void *base, const struct plan *p, unsigned procs, double stamp_ns,
		     struct case_result *out, char *why, size_t len)
{
	size_t per = (size_t)p->rounds * p->batch, k;
	double *per_op = malloc((size_t)procs * p->rounds * sizeof(*per_op));
	uint32_t *all = malloc((size_t)procs * per * sizeof(*all));
	unsigned i;

	if (!per_op || !all) {
		free(per_op);
		free(all);
		snprintf(why, len, "out of memory for %u x %zu samples", procs, per);
		return -ENOMEM;
	}
	out->procs = procs;
	out->ops = out->refused = 0;
	for (i = 0; i < procs; i++) {
		struct proc_report *r = report_at(base, p, i);

		out->ops += r->ops;
		out->refused += r->refused;
		for (k = 0; k < p->rounds; k++)
			per_op[i * p->rounds + k] = (double)batch_times(r)[k] / p->batch;
		memcpy(all + i * per, samples(r, p), per * sizeof(*all));
	}
	out->median_ns = stats_median(per_op, (size_t)procs * p->rounds);
	stats_sort_u32(all, (size_t)procs * per);
	out->p99_ns = stats_rank(all, (size_t)procs * per, 0.99) - stamp_ns;
	out->p999_ns = stats_rank(all, (size_t)procs * per, 0.999) - stamp_ns;
	/* A sample can undercut the median stamp cost by a nanosecond or two. */
	out->p99_ns = out->p99_ns > 0 ? out->p99_ns : 0;
	out->p999_ns = out->p999_ns > 0 ? out->p999_ns : 0;
	free(per_op);
	free(all);
	return 0;
}

/* 0 when every process finished; else -errno and the first reason. */
static int statuses(void *base, const struct plan *p, unsigned procs, char *why, size_t len)
{
	unsigned i;

	for (i = 0; i < procs; i++) {
		struct proc_report *r = report_at(base, p, i);

		if (r->status == 0)
			continue;
		if (r->status == -EINPROGRESS)
			snprintf(why, len, "process %u of %u died before reporting", i + 1, procs);
		else if (r->why[0])
			snprintf(why, len, "process %u of %u: %s", i + 1, procs, r->why);
		else
			snprintf(why, len, "process %u of %u: %s", i + 1, procs, strerror(-r->status));
		return r->status;
	}
	return 0;
}

int harness_run(const struct bench_op *op, unsigned procs, unsigned long ops, double stamp_ns,
		struct case_result *out, char *why, size_t len)
{
	struct plan p;
	size_t size;
	void *base;
	unsigned i;
	int err;

	if (procs == 0 || procs > HARNESS_PROCS_MAX || op->batch == 0) {
		snprintf(why, len, "%u processes (1..%u), batch %u", procs, HARNESS_PROCS_MAX,
			 op->batch);
		return -EINVAL;
	}
	p.batch = op->batch;
	p.rounds = ops / (2 * (unsigned long)op->batch) > 0
			   ? (unsigned)(ops / (2 * (unsigned long)op->batch))
			   : 1;
	p.stride = sizeof(struct proc_report) + p.rounds * sizeof(uint64_t) +
		   (size_t)p.rounds * p.batch * sizeof(uint32_t);
	p.stride = (p.stride + 63) / 64 * 64; /* each process on its own lines */
	size = p.stride * procs;
	/* Populated now, so no worker takes page faults while it is timed. */
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE,
		    -1, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		snprintf(why, len, "mmap %zu bytes: %s", size, strerror(errno));
		return err;
	}
	for (i = 0; i < procs; i++)
		report_at(base, &p, i)->status = -EINPROGRESS;
	out->name = op->name;
	out->family = op->family;
	out->shape = op->shape;
	err = fan_out(op, procs, base, &p, &out->cpus, why, len);
	if (!err)
		err = statuses(base, &p, procs, why, len);
	if (!err)
		err = summarize(base, &p, procs, stamp_ns, out, why, len);
	munmap(base, size);
	return err;
}

static int run_nothing(void *state)
{
	return 0;
}

double harness_stamp_cost(void)
{
	static const struct bench_op nothing = {.name = "nothing", .run = run_nothing};
	uint32_t *s = malloc(STAMP_SAMPLES * sizeof(*s));
	uint64_t refused = 0;
	double cost;

	if (!s)
		return 0;
	sample_block(&nothing, NULL, STAMP_SAMPLES, s, &refused);
	stats_sort_u32(s, STAMP_SAMPLES);
	cost = stats_rank(s, STAMP_SAMPLES, 0.5);
	free(s);
	return cost;
}
