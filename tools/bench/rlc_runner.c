/* SPDX-License-Identifier: MIT */
#include "rlc.h"
#include "rlc_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"

struct rlc_worker {
	struct rlc h;
	uint32_t id[BENCH_LIMITS];
	uint32_t linked[3];
	uint32_t depth, order; /* endpoint ids */
	int account;
	struct rlc_grant sent; /* an order the feedback case answers */
};

/* Endpoint `method` `path` of the bench exchange, into *id. */
static int endpoint(struct rlc_worker *w, const char *method, const char *path, uint32_t *id,
		    char *why, size_t len)
{
	int x = rlc_exchange_id(&w->h, BENCH_EXCHANGE);
	int e = x < 0 ? x : rlc_endpoint_id(&w->h, x, method, path);

	if (e < 0) {
		snprintf(why, len, "rlc_endpoint_id(%s %s): %s", method, path, strerror(-e));
		return e;
	}
	*id = (uint32_t)e;
	return 0;
}

static int attach(void *arg, void **state, char *why, size_t len)
{
	struct rlc_worker *w = malloc(sizeof(*w));
	int err, i;

	if (!w)
		return -ENOMEM;
	err = rlc_open(&w->h, arg, "rlc-bench", 0);
	if (err) {
		snprintf(why, len, "rlc_open: %s", w->h.why);
		free(w);
		return err;
	}
	for (i = 0; i < BENCH_LIMITS; i++) {
		int id = rlc_limit_id(&w->h, bench_limit_name(i));

		if (id < 0) {
			snprintf(why, len, "rlc_limit_id(%s): %s", bench_limit_name(i),
				 strerror(-id));
			rlc_close(&w->h);
			free(w);
			return id;
		}
		w->id[i] = (uint32_t)id;
	}
	w->linked[0] = w->id[BENCH_WINDOW];
	w->linked[1] = w->id[BENCH_LINK2];
	w->linked[2] = w->id[BENCH_LINK3];
	w->account = rlc_account_id(&w->h, rlc_exchange_id(&w->h, BENCH_EXCHANGE), "main");
	if ((err = endpoint(w, "GET", "/depth", &w->depth, why, len)) ||
	    (err = endpoint(w, "POST", "/order", &w->order, why, len)))
		goto fail;
	if (w->account < 0 ||
	    (err = rlc_reserve(&w->h, w->order, NULL, 0, w->account, RLC_PRIO_HIGH, &w->sent))) {
		err = w->account < 0 ? w->account : err;
		snprintf(why, len, "an order of account main: %s", strerror(-err));
		goto fail;
	}
	*state = w;
	return 0;
fail:
	rlc_close(&w->h);
	free(w);
	return err;
}

static void detach(void *state)
{
	struct rlc_worker *w = state;

	rlc_close(&w->h);
	free(w);
}

/* rlc's result as the harness counts it: -EAGAIN is a refusal. */
static int outcome(int err)
{
	return err == -EAGAIN ? 1 : err;
}

static int run_window(void *state)
{
	struct rlc_worker *w = state;
	struct rlc_grant g;

	return outcome(rlc_try(&w->h, w->id[BENCH_WINDOW], 1, &g));
}

static int run_bucket(void *state)
{
	struct rlc_worker *w = state;
	struct rlc_grant g;

	return outcome(rlc_try(&w->h, w->id[BENCH_BUCKET], 1, &g));
}

/* A take of a full window: the refusal path, with its retry time. */
static int run_full(struct rlc_worker *w, enum bench_limit limit)
{
	struct rlc_grant g;

	return outcome(rlc_try(&w->h, w->id[limit], 1, &g));
}

static int run_full_s2(void *state)
{
	return run_full(state, BENCH_FULL_S2);
}

static int run_full_s64(void *state)
{
	return run_full(state, BENCH_FULL_S64);
}

static int run_full_s4096(void *state)
{
	return run_full(state, BENCH_FULL_S4096);
}

static int run_linked(void *state)
{
	static const uint32_t weights[3] = {1, 1, 1};
	struct rlc_worker *w = state;
	struct rlc_grant g;

	return outcome(rlc_try_n(&w->h, w->linked, weights, 3, &g));
}

/* What a market-data call passes: the rule reads `limit`, skips `symbol`. */
static int run_reserve_depth(void *state)
{
	static const struct rlc_param params[2] = { { "symbol", "BTCUSDT" }, { "limit", "500" } };
	struct rlc_worker *w = state;
	struct rlc_grant g;

	return outcome(rlc_reserve(&w->h, w->depth, params, 2, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT,
				   &g));
}

static int run_reserve_order(void *state)
{
	static const struct rlc_param params[3] = {
		{ "symbol", "BTCUSDT" }, { "side", "BUY" }, { "reduceOnly", "false" }
	};
	struct rlc_worker *w = state;
	struct rlc_grant g;

	return outcome(rlc_reserve(&w->h, w->order, params, 3, w->account, RLC_PRIO_HIGH, &g));
}

/*
 * The answer to an order as Binance gives it: its IP's weight and its
 * account's order count, both already counted here, so nothing is raised.
 */
static int run_feedback(void *state)
{
	static const struct rlc_http_header headers[2] = {
		{ "X-MBX-USED-WEIGHT-1M", "12" }, { "X-MBX-ORDER-COUNT-1M", "1" }
	};
	static const struct rlc_response r = { 200, headers, 2, NULL, 2000000, 0 };
	struct rlc_worker *w = state;
	int err = rlc_feedback(&w->h, &w->sent, &r);

	return err < 0 ? err : 0;
}

void rlc_runner_ops(struct bench_op ops[RLC_RUNNER_OPS], char *segment)
{
	void *arg = segment;

	ops[0] = (struct bench_op){.name = "rlc window", .family = FAMILY_RLC,
				   .shape = SHAPE_WINDOW, .arg = arg, .attach = attach,
				   .run = run_window, .detach = detach};
	ops[1] = (struct bench_op){.name = "rlc bucket", .family = FAMILY_RLC,
				   .shape = SHAPE_BUCKET, .arg = arg, .attach = attach,
				   .run = run_bucket, .detach = detach};
	ops[2] = (struct bench_op){.name = "rlc 3-linked", .family = FAMILY_RLC,
				   .shape = SHAPE_LINKED, .arg = arg, .attach = attach,
				   .run = run_linked, .detach = detach};
	ops[3] = (struct bench_op){.name = "rlc refusal S=2", .family = FAMILY_RLC,
				   .shape = SHAPE_REFUSE_S2, .arg = arg, .attach = attach,
				   .run = run_full_s2, .detach = detach};
	ops[4] = (struct bench_op){.name = "rlc refusal S=64", .family = FAMILY_RLC,
				   .shape = SHAPE_REFUSE_S64, .arg = arg, .attach = attach,
				   .run = run_full_s64, .detach = detach};
	ops[5] = (struct bench_op){.name = "rlc refusal S=4096", .family = FAMILY_RLC,
				   .shape = SHAPE_REFUSE_S4096, .arg = arg, .attach = attach,
				   .run = run_full_s4096, .detach = detach};
	ops[6] = (struct bench_op){.name = "rlc reserve depth", .family = FAMILY_RLC,
				   .shape = SHAPE_RESERVE_DEPTH, .arg = arg, .attach = attach,
				   .run = run_reserve_depth, .detach = detach};
	ops[7] = (struct bench_op){.name = "rlc reserve order", .family = FAMILY_RLC,
				   .shape = SHAPE_RESERVE_ORDER, .arg = arg, .attach = attach,
				   .run = run_reserve_order, .detach = detach};
	ops[8] = (struct bench_op){.name = "rlc feedback 200", .family = FAMILY_RLC,
				   .shape = SHAPE_FEEDBACK, .arg = arg, .attach = attach,
				   .run = run_feedback, .detach = detach};
}
