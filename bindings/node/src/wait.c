/* SPDX-License-Identifier: MIT */
/*
 * wait.c - the steps of a wait that never blocks the event loop.  index.js
 * loops: reserve; on a waitable refusal waitStep(deadline) gives the wake
 * time (rlc_wait_step: it also marks the refusing limit for the waiter's
 * priority), a setTimeout sleeps till then, and the reserve is tried
 * again; waited() counts the wait once the loop ends (rlc_waited).  Each
 * step reads the refusal kept by the reserve just before it, in the same
 * synchronous turn, so waits of one client may interleave.
 */
#include "rlcnode.h"

/* A ms time argument: a number (Infinity allowed), else undefined → UINT64_MAX. */
static uint64_t rn_deadline(napi_env env, napi_value v)
{
	napi_valuetype t;
	double ms = 0;

	napi_typeof(env, v, &t);
	if (t != napi_number)
		return UINT64_MAX;
	napi_get_value_double(env, v, &ms);
	return ms != ms ? UINT64_MAX : rn_ns(ms);
}

/* waitStep(deadlineMs): the wake time (CLOCK_MONOTONIC ms), or the final -errno. */
static napi_value rn_wait_step(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	size_t argc = 1;
	struct rn_client *c = rn_client_of(env, info, &argc, argv, NULL);
	uint64_t wake = 0;
	int err;

	if (!c)
		return NULL;
	if (!c->open || c->last_err >= 0)
		return rn_int(env, -EINVAL);
	err = rlc_wait_step(&c->h, &c->last, c->last_err, rn_deadline(env, argv[0]), &wake);
	return err ? rn_int(env, err) : rn_num(env, rn_ms(wake));
}

/* lastNowMs(): the time of the last refusal's decision, the start of a wait. */
static napi_value rn_last_now(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct rn_client *c = rn_client_of(env, info, &argc, NULL, NULL);

	return c ? rn_num(env, rn_ms(c->last.now_ns)) : NULL;
}

/*
 * waited(grant | 0, firstMs): count a wait that slept from its first
 * refusal at firstMs to the final decision: the grant's, or (0) the last
 * refusal's.
 */
static napi_value rn_waited(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	size_t argc = 2;
	struct rn_client *c = rn_client_of(env, info, &argc, argv, NULL);
	const struct rlc_grant *g;
	struct rn_slot *s;
	int32_t handle = 0;
	double first = 0;

	if (!c)
		return NULL;
	if (!c->open)
		return rn_undefined(env);
	napi_get_value_int32(env, argv[0], &handle);
	napi_get_value_double(env, argv[1], &first);
	g = handle > 0 && (s = rn_slot_find(c, handle)) ? &s->g : &c->last;
	if (first > 0)
		rlc_waited(&c->h, g, rn_ns(first));
	return rn_undefined(env);
}

void rn_wait_register(napi_env env, napi_value obj, struct rn_client *c)
{
	rn_method(env, obj, c, "waitStep", rn_wait_step);
	rn_method(env, obj, c, "lastNowMs", rn_last_now);
	rn_method(env, obj, c, "waited", rn_waited);
}
