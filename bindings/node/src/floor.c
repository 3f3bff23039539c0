/* SPDX-License-Identifier: MIT */
/*
 * floor.c - the benchmark's floor: `n` reserves and refunds of endpoint
 * `ep` in C, with no JS between them, so that bench/bench.js can print
 * what a call through the addon adds to the C work itself.
 */
#include "rlcnode.h"

/* floorReserveRefund(ep, n): ns per reserve+refund pair, or -errno. */
static napi_value rn_floor(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	size_t argc = 2;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, "floorReserveRefund");
	struct rlc_grant g;
	uint32_t ep = 0, n = 0, i;
	uint64_t t0;
	int err;

	if (!c)
		return NULL;
	if (napi_get_value_uint32(env, argv[0], &ep) != napi_ok ||
	    napi_get_value_uint32(env, argv[1], &n) != napi_ok || n == 0)
		return rn_throw_type(env, "floorReserveRefund(): ep and n must be numbers, n > 0");
	t0 = rlc_now_ns();
	for (i = 0; i < n; i++) {
		if ((err = rlc_reserve(&c->h, ep, NULL, 0, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT, &g)))
			return rn_int(env, err);
		if (g.count && (err = rlc_refund(&c->h, &g)))
			return rn_int(env, err);
	}
	return rn_num(env, (double)(rlc_now_ns() - t0) / n);
}

void rn_floor_register(napi_env env, napi_value obj, struct rn_client *c)
{
	rn_method(env, obj, c, "floorReserveRefund", rn_floor);
}
