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

static void bump_max(rlc_word *w, uint64_t v)
{
	if (v > atomic_load_explicit(w, memory_order_relaxed))
		atomic_store_explicit(w, v, memory_order_relaxed);
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

void workload_run(const char *segment, const struct rlc *shared, uint32_t id,
		  struct grant_log *log, struct workload_shared *ws, unsigned refund_permille)
{
	struct worker_stats *stats = &ws->stats[id];
	unsigned seed = id * 7919u + (unsigned)getpid();
	uint32_t ids[3], weights[3];
	struct rlc_grant g;
	char name[32];
	struct rlc h;

	snprintf(name, sizeof(name), "stress-%u", id);
	open_worker(&h, segment, shared, name);
	while (rlc_now_ns() < atomic_load_explicit(&ws->until_ns, memory_order_relaxed)) {
		unsigned n = pick(&seed, ids, weights);
		uint64_t t0 = rlc_now_ns();
		int err = rlc_try_n(&h, ids, weights, n, &g);
		int refund;

		bump_max(&stats->max_call_ns, rlc_now_ns() - t0);
		atomic_fetch_add_explicit(&stats->calls, 1, memory_order_relaxed);
		if (err == -EAGAIN) {
			atomic_fetch_add_explicit(&stats->refusals, 1, memory_order_relaxed);
			continue;
		}
		if (err) {
			fprintf(stderr, "worker %u: rlc_try_n: %d\n", id, err);
			exit(1);
		}
		atomic_fetch_add_explicit(&stats->grants, 1, memory_order_relaxed);
		refund = (unsigned)rand_r(&seed) % 1000 < refund_permille;
		if (refund)
			rlc_refund(&h, &g);
#ifdef STRESS_BROKEN_REFUND
		/* broken on purpose: the limiter forgets grants it still counts */
		refund = 0;
#endif
		record(log, &g, id, refund);
	}
	close_worker(&h, shared);
}
