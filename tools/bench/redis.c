/* SPDX-License-Identifier: MIT */
#include "redis.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "layout.h"
#include "redis_server.h"
#include "rlc/clock.h"
#include "segment.h"

/*
 * GCRA exactly as rlc/bucket.h, on one key holding the theoretical arrival
 * time.  ARGV: now, cost (weight x ns per unit), burst (capacity x ns per
 * unit).  Times count from the benchmark's start, so Lua's doubles hold
 * them exactly.  Returns 0 when granted, else the ns to wait.
 */
static const char gcra_lua[] =
	"local now = tonumber(ARGV[1])\n"
	"local tat = tonumber(redis.call('GET', KEYS[1]) or 0)\n"
	"if tat < now then tat = now end\n"
	"local after = tat + tonumber(ARGV[2])\n"
	"local over = after - now - tonumber(ARGV[3])\n"
	"if over > 0 then return over end\n"
	"redis.call('SET', KEYS[1], string.format('%d', after))\n"
	"return 0\n";

/* One caller of the script: a connection and the limit's parameters. */
struct gcra_client {
	redisContext *c;
	const char *key;
	char sha[48];
	uint64_t step_ns;  /* ns per unit */
	uint64_t burst_ns; /* capacity x step_ns */
	uint64_t base_ns;  /* rlc_now_ns() at the benchmark's start */
	int port;
};

static struct redis_server server;
static struct gcra_client shared; /* set up before the fork, copied by each process */

/* One EVALSHA at time `now` (from base_ns): 0 granted, 1 refused, -errno. */
static int gcra_take(struct gcra_client *g, uint64_t now, uint32_t weight)
{
	char now_s[24], cost_s[24], burst_s[24];
	const char *argv[] = {"EVALSHA", g->sha, "1", g->key, now_s, cost_s, burst_s};
	redisReply *r;
	int rc;

	snprintf(now_s, sizeof(now_s), "%" PRIu64, now);
	snprintf(cost_s, sizeof(cost_s), "%" PRIu64, weight * g->step_ns);
	snprintf(burst_s, sizeof(burst_s), "%" PRIu64, g->burst_ns);
	r = redisCommandArgv(g->c, (int)(sizeof(argv) / sizeof(argv[0])), argv, NULL);
	if (!r)
		return -EIO; /* connection lost or timed out */
	rc = r->type == REDIS_REPLY_INTEGER ? r->integer > 0 : -EPROTO;
	freeReplyObject(r);
	return rc;
}

static int attach(void *arg, void **state, char *why, size_t len)
{
	struct gcra_client *g = malloc(sizeof(*g));

	if (!g)
		return -ENOMEM;
	*g = *(const struct gcra_client *)arg;
	g->c = redis_server_connect(g->port, why, len);
	if (!g->c) {
		free(g);
		return -ECONNREFUSED;
	}
	*state = g;
	return 0;
}

static void detach(void *state)
{
	struct gcra_client *g = state;

	redisFree(g->c);
	free(g);
}

static int run(void *state)
{
	struct gcra_client *g = state;

	return gcra_take(g, rlc_now_ns() - g->base_ns, 1);
}

/* check.h candidate: the script on its own key, with the reference's parameters. */
static int check_prepare(void *ctx, const struct rlc_limit_view *ref)
{
	struct gcra_client *g = ctx;
	redisReply *r = redisCommand(g->c, "DEL %s", g->key);

	if (!r)
		return -EIO;
	freeReplyObject(r);
	g->step_ns = ref->step_ns;
	g->burst_ns = (uint64_t)ref->effective * ref->step_ns;
	return 0;
}

static int check_take(void *ctx, uint64_t now, uint32_t weight)
{
	return gcra_take(ctx, now, weight);
}

/* SCRIPT LOAD into shared.sha.  Returns 0, or -errno with a reason. */
static int load_script(redisContext *c, char *why, size_t len)
{
	redisReply *r = redisCommand(c, "SCRIPT LOAD %s", gcra_lua);
	int err = 0;

	if (!r || r->type != REDIS_REPLY_STRING || r->len >= sizeof(shared.sha)) {
		snprintf(why, len, "SCRIPT LOAD: %s",
			 !r ? c->errstr : r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		err = -EPROTO;
	} else {
		memcpy(shared.sha, r->str, r->len + 1);
	}
	if (r)
		freeReplyObject(r);
	return err;
}

/* Load the script and hold it against rlc's bucket. */
static int prepare(redisContext *c, char *note, size_t len)
{
	struct gcra_client check = {.c = c, .key = "rlc-bench:check"};
	const struct check_candidate candidate = {"redis gcra", &check, check_prepare,
						  check_take};
	int err = load_script(c, note, len);

	if (err)
		return err;
	memcpy(check.sha, shared.sha, sizeof(check.sha));
	return check_decisions(RLC_ALGO_BUCKET, &candidate, note, len);
}

int redis_baseline_start(struct bench_op *op, char *note, size_t len)
{
	uint32_t effective;
	redisContext *c;
	int err;

	err = rlc_limit_derive(bench_limit(BENCH_BUCKET), &effective, &shared.step_ns, note,
			       len);
	if (err)
		return err;
	shared.burst_ns = (uint64_t)effective * shared.step_ns;
	shared.key = "rlc-bench:bucket";
	err = redis_server_start(&server, note, len);
	if (err)
		return err;
	shared.port = server.port;
	c = redis_server_connect(server.port, note, len);
	if (!c) {
		redis_server_stop(&server);
		return -ECONNREFUSED;
	}
	err = prepare(c, note, len);
	/* Workers open their own connections; this one must not be inherited. */
	redisFree(c);
	if (err) {
		redis_server_stop(&server);
		return err;
	}
	shared.base_ns = rlc_now_ns();
	*op = (struct bench_op){.name = "redis gcra (lua)", .family = FAMILY_REDIS,
				.shape = SHAPE_BUCKET, .arg = &shared, .attach = attach,
				.run = run, .detach = detach};
	return 0;
}

void redis_baseline_stop(void)
{
	redis_server_stop(&server);
}
