/* SPDX-License-Identifier: MIT */
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "segment_fixture.h"

#ifdef STRESS_BROKEN_FEW_SLOTS
#define IP_SLOTS 4 /* broken on purpose: the ring passes only (S - 1) / S */
#else
#define IP_SLOTS 128
#endif

const struct limit_spec workload_limits[LIMITS] = {
	[LIMIT_IP] = {"stress.ip.weight", "stress.ip", RLC_ALGO_WINDOW, 40000, 100 * MS, IP_SLOTS},
	[LIMIT_ORDERS] = {"stress.account.orders", "stress.account", RLC_ALGO_WINDOW, 10, 20 * MS, 64},
	[LIMIT_RATE] = {"stress.account.rate", "stress.account", RLC_ALGO_BUCKET, 200, 20 * MS, 0},
};

struct workload_shared *workload_shared_create(void)
{
	struct workload_shared *ws = mmap(NULL, sizeof(*ws), PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (ws == MAP_FAILED)
		abort();
	return ws;
}

void workload_shared_destroy(struct workload_shared *ws)
{
	munmap(ws, sizeof(*ws));
}

void workload_create_segment(const char *name)
{
	struct fixture_config fc;
	unsigned i;

	fixture_config_init(&fc, 64);
	for (i = 0; i < LIMITS; i++) {
		const struct limit_spec *s = &workload_limits[i];

		fixture_add_limit(&fc, s->name, s->scope, s->algorithm, s->capacity, s->interval_ns,
				  s->slots);
	}
	fixture_create_shm(name, &fc);
}

static void open_worker(struct rlc *h, const char *segment, const struct rlc *shared,
			const char *name)
{
	int idx;

	if (!shared) {
		if (rlc_open(h, segment, name, 0) != 0) {
			fprintf(stderr, "worker: %s\n", h->why);
			exit(1);
		}
		return;
	}
	/* A thread shares the mapping (so TSan sees one address per word) but
	 * needs a client record of its own. */
	*h = *shared;
	idx = rlc_client_claim(h->clients, h->layout.clients_count, getpid(), name);
	if (idx < 0)
		abort();
	h->self = &h->clients[idx];
}

static void close_worker(struct rlc *h, const struct rlc *shared)
{
	if (shared)
		rlc_client_release(h->self);
	else
		rlc_close(h);
}

/* One of: market data (ip 1..20), an order (ip + orders + rate), a burst. */
static unsigned pick(unsigned *seed, uint32_t *ids, uint32_t *weights)
{
	unsigned r = (unsigned)rand_r(seed) % 100;

	if (r < 55) {
		ids[0] = LIMIT_IP;
		weights[0] = 1 + (uint32_t)rand_r(seed) % 20;
		return 1;
	}
	if (r < 85) {
		ids[0] = LIMIT_RATE; /* deliberately not in id order */
		ids[1] = LIMIT_IP;
		ids[2] = LIMIT_ORDERS;
		weights[0] = weights[1] = weights[2] = 1;
		return 3;
	}
	ids[0] = LIMIT_RATE;
	weights[0] = 1 + (uint32_t)rand_r(seed) % 5;
	return 1;
}

/* Raise a worker's own maximum *w to v (only that worker writes it). */
static void bump_max(rlc_word *w, uint64_t v)
{
	if (v > atomic_load_explicit(w, memory_order_relaxed))
		atomic_store_explicit(w, v, memory_order_relaxed);
}

int workload_counted(struct worker_stats *stats, uint64_t t0, int err, uint32_t id,
		     const char *call)
{
	bump_max(&stats->max_call_ns, rlc_now_ns() - t0);
	atomic_fetch_add_explicit(&stats->calls, 1, memory_order_relaxed);
	if (err == -EAGAIN) {
		atomic_fetch_add_explicit(&stats->refusals, 1, memory_order_relaxed);
		return 0;
	}
	if (err) {
		fprintf(stderr, "worker %u: %s: %d\n", id, call, err);
		exit(1);
	}
	atomic_fetch_add_explicit(&stats->grants, 1, memory_order_relaxed);
	return 1;
}

static void record(struct grant_log *log, const struct rlc_grant *g, uint32_t worker,
		   int refunded)
{
	struct grant_record *r = grant_log_claim(log, g->count);
	uint32_t i;

	if (!r)
		return;
	for (i = 0; i < g->count; i++) {
		r[i].ts = g->now_ns;
		r[i].limit = g->id[i];
		r[i].weight = refunded ? 0 : g->weight[i];
		r[i].worker = worker;
	}
}

#define HOLD_MAX 16 /* grants one worker holds at once */

/* Grants whose requests wait, as a bot's wait for a slow order book. */
struct held {
	struct rlc_grant g[HOLD_MAX];
	uint64_t due[HOLD_MAX];
	unsigned n;
};

/* Hold *g for half to one and a half of its shortest limit's W, if there is
 * room: long enough to be refunded out of order, short enough for a bucket
 * grant's cost to be still unrefilled when it is. */
static int hold(struct held *hd, const struct rlc_grant *g, unsigned *seed)
{
	uint64_t w = UINT64_MAX;
	uint32_t i;

	for (i = 0; i < g->count; i++)
		if (workload_limits[g->id[i]].interval_ns < w)
			w = workload_limits[g->id[i]].interval_ns;
	if (hd->n == HOLD_MAX)
		return 0;
	hd->g[hd->n] = *g;
	hd->due[hd->n] = g->now_ns + w / 2 + (uint64_t)rand_r(seed) % w;
	hd->n++;
	return 1;
}

/*
 * Settle one held grant that is due (or any, when `all`), picked at random
 * so that refunds come out of order: 4 in 5 are refunded, the rest sent.
 */
static void settle_one(struct rlc *h, struct held *hd, struct grant_log *log, uint32_t worker,
		       unsigned *seed, int all)
{
	unsigned i = hd->n ? (unsigned)rand_r(seed) % hd->n : 0;
	int refund;

	if (hd->n == 0 || (!all && rlc_now_ns() < hd->due[i]))
		return;
	refund = rand_r(seed) % 5 != 0;
	/* Logged first: rlc_refund empties the grant. */
#if defined(STRESS_BROKEN_REFUND) || defined(STRESS_BROKEN_HELD_REFUND)
	record(log, &hd->g[i], worker, 0); /* broken on purpose, as in workload_run */
#else
	record(log, &hd->g[i], worker, refund);
#endif
	if (refund)
		rlc_refund(h, &hd->g[i]);
	hd->n--;
	hd->g[i] = hd->g[hd->n];
	hd->due[i] = hd->due[hd->n];
}

void workload_run(const char *segment, const struct rlc *shared, uint32_t id,
		  struct grant_log *log, struct workload_shared *ws, unsigned refund_permille)
{
	struct worker_stats *stats = &ws->stats[id];
	unsigned seed = id * 7919u + (unsigned)getpid();
	unsigned hold_permille = (unsigned)rlc__load_relaxed(&ws->hold_permille);
	struct held hd = {.n = 0};
	uint32_t ids[3], weights[3];
	struct rlc_grant g;
	char name[32];
	struct rlc h;

	snprintf(name, sizeof(name), "stress-%u", id);
	open_worker(&h, segment, shared, name);
	while (rlc_now_ns() < atomic_load_explicit(&ws->until_ns, memory_order_relaxed)) {
		unsigned n = pick(&seed, ids, weights);
		uint64_t t0;
		int err, refund;

		settle_one(&h, &hd, log, id, &seed, 0);
		t0 = rlc_now_ns();
		err = rlc_try_n(&h, ids, weights, n, &g);
		if (!workload_counted(stats, t0, err, id, "rlc_try_n"))
			continue;
		if ((unsigned)rand_r(&seed) % 1000 < hold_permille && hold(&hd, &g, &seed))
			continue;
		refund = (unsigned)rand_r(&seed) % 1000 < refund_permille;
		/* Logged first: rlc_refund empties the grant. */
#ifdef STRESS_BROKEN_REFUND
		/* broken on purpose: the log keeps grants the limiter gave back */
		record(log, &g, id, 0);
#else
		record(log, &g, id, refund);
#endif
		if (refund)
			rlc_refund(&h, &g);
	}
	while (hd.n)
		settle_one(&h, &hd, log, id, &seed, 1);
	close_worker(&h, shared);
}
