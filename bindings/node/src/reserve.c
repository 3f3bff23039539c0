/* SPDX-License-Identifier: MIT */
/*
 * reserve.c - reserve a request: a grant handle (> 0), or a negative errno
 * with the refusal kept in the client for refusal() and the wait step.
 *
 * reserve(ep) is the hot path: no options, no parameters, nothing
 * allocated on the JS heap (index.js checks that ep is an id).
 * reserveWith(ep, params, account, priority) takes the rest.
 */
#include <stdio.h>

#include "rlcnode.h"

#define RN_ENOMEM (-ENOMEM) /* not even one grant slot */

/* An endpoint id argument: an integer 0 .. 2^31-1; else -1 with an error thrown. */
static int rn_ep_arg(napi_env env, napi_value v, const char *fn, uint32_t *ep)
{
	double d;

	if (napi_get_value_double(env, v, &d) != napi_ok) {
		rn_throw_type(env, "%s(): endpoint must be an endpoint id from endpoint()", fn);
		return -1;
	}
	if (!(d >= 0 && d <= 2147483647.0) || d != (double)(uint32_t)d) {
		rn_throw_range(env, "%s(): endpoint must be an integer endpoint id, not %g", fn, d);
		return -1;
	}
	*ep = (uint32_t)d;
	return 0;
}

/* A refusal: keep it for refusal() and waitStep(), free the slot. */
static int32_t rn_refused(struct rn_client *c, struct rn_slot *s, int err, uint32_t ep,
			  int account)
{
	memcpy(&c->last, &s->g, sizeof(c->last));
	c->last_err = err;
	c->last_endpoint = (int32_t)ep;
	c->last_account = account;
	rn_slot_put(c, s);
	return err;
}

static napi_value rn_reserve(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	size_t argc = 1;
	void *data;
	struct rn_client *c;
	struct rn_slot *s;
	uint32_t ep = 0;
	int32_t handle;
	int err;

	napi_get_cb_info(env, info, &argc, argv, NULL, &data);
	c = (struct rn_client *)data;
	if (rn_ep_arg(env, argv[0], "reserve", &ep))
		return NULL;
	if (!(s = rn_slot_take(c, &handle)))
		return rn_int(env, RN_ENOMEM);
	err = rlc_reserve(&c->h, ep, NULL, 0, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT, &s->g);
	return rn_int(env, err ? rn_refused(c, s, err, ep, RLC_ACCOUNT_ONLY) : handle);
}

/* reserveWith(ep, params, account, priority): as reserve, or throws on bad arguments. */
static napi_value rn_reserve_with(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	size_t argc = 4;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, "reserve");
	struct rlc_param params[RLC_ENDPOINT_PARAMS_MAX];
	struct rn_slot *s;
	unsigned n = 0;
	uint32_t ep = 0;
	int32_t handle, prio = RLC_PRIO_ENDPOINT;
	int account, err;

	if (!c)
		return NULL;
	if (rn_ep_arg(env, argv[0], "reserve", &ep))
		return NULL;
	/* index.js passes the priority's number: -1 (the endpoint's) to 3 */
	if (napi_get_value_int32(env, argv[3], &prio) != napi_ok || prio < RLC_PRIO_ENDPOINT ||
	    prio >= (int32_t)RLC_PRIOS)
		return rn_throw_range(env, "reserve(): priority must be 'critical', 'high', 'normal', "
					   "'low' or undefined");
	rn_arena_reset(c);
	if (rn_account(env, c, ep, argv[2], &account, "reserve") ||
	    rn_params(env, c, ep, argv[1], params, &n, "reserve"))
		return NULL;
	if (!(s = rn_slot_take(c, &handle)))
		return rn_int(env, RN_ENOMEM);
	err = rlc_reserve(&c->h, ep, params, n, account, prio, &s->g);
	return rn_int(env, err ? rn_refused(c, s, err, ep, account) : handle);
}

/* The scope that shut the last refusal out: blocked (-ECONNREFUSED) or breaker (-EHOSTDOWN). */
static int rn_shut_scope(struct rn_client *c, int err)
{
	const struct rlc *h = &c->h;
	const struct rlc_grant *g = &c->last;
	uint32_t cand[3], n = 0, i;
	int32_t ep = g->endpoint >= 0 ? g->endpoint : c->last_endpoint;

	if (g->refused_by >= 0 && (uint32_t)g->refused_by < h->limits_count) {
		const struct rlc_limit_view *v = &h->limits[g->refused_by];

		cand[n++] = v->scope;
		if (v->exchange != RLC_NONE && h->cat.exchanges[v->exchange].ip_scope != RLC_NONE)
			cand[n++] = h->cat.exchanges[v->exchange].ip_scope;
	} else if (ep >= 0 && (uint32_t)ep < h->cat.endpoints_count) {
		const struct rlc_exchange_view *x = &h->cat.exchanges[h->cat.endpoints[ep].exchange];

		if (x->ip_scope != RLC_NONE)
			cand[n++] = x->ip_scope;
		if (g->account >= 0 && (uint32_t)g->account < h->cat.accounts_count)
			cand[n++] = h->cat.accounts[g->account].scope;
	}
	for (i = 0; i < n; i++) {
		struct rlc_block b;
		struct rlc_breaker br;

		if (cand[i] >= h->layout.scopes_count)
			continue;
		if (err == -ECONNREFUSED && rlc_block_get(h, cand[i], &b) == 0 && b.until_ns)
			return (int)cand[i];
		if (err == -EHOSTDOWN && rlc_breaker_get(h, cand[i], &br) == 0 &&
		    br.state != RLC_BREAKER_CLOSED)
			return (int)cand[i];
	}
	return n ? (int)cand[0] : -1;
}

/* Why a reserve said -EINVAL, for a RangeError's message. */
static void rn_einval_why(struct rn_client *c, char *out, size_t len)
{
	const struct rlc *h = &c->h;
	int32_t ep = c->last_endpoint;
	const struct rlc_endpoint_view *e;
	const struct rlc_exchange_view *x;

	if (!c->open) {
		snprintf(out, len, "the client is closed");
		return;
	}
	if (ep < 0 || (uint32_t)ep >= h->cat.endpoints_count) {
		snprintf(out, len, "bad argument");
		return;
	}
	e = &h->cat.endpoints[ep];
	x = &h->cat.exchanges[e->exchange];
	if (c->last_account == RLC_ACCOUNT_ONLY)
		snprintf(out, len,
			 "endpoint '%s' counts against account limits and exchange %s has %u "
			 "accounts: pass { account }",
			 e->name, x->name, x->accounts_count);
	else if (c->last_account < 0 || (uint32_t)c->last_account >= h->cat.accounts_count ||
		 h->cat.accounts[c->last_account].exchange != e->exchange)
		snprintf(out, len, "account %d is not an account of exchange %s", c->last_account,
			 x->name);
	else if (h->flags & RLC_OPEN_READONLY)
		snprintf(out, len, "the client was opened read-only");
	else
		snprintf(out, len, "bad argument for endpoint '%s'", e->name);
}

/*
 * refusal(): the last refusal as { errno, retryAfterMs, nowMs, limitId,
 * limit, scope, endpoint, priority, why, block, breakerUntilMs }.
 */
static napi_value rn_refusal(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct rn_client *c = rn_client_of(env, info, &argc, NULL, NULL);
	const struct rlc_grant *g;
	napi_value o, bo;
	char why[384] = "";
	int err, scope = -1;

	if (!c)
		return NULL;
	g = &c->last;
	err = c->last_err;
	napi_create_object(env, &o);
	rn_set(env, o, "errno", rn_int(env, err));
	rn_set(env, o, "retryAfterMs", rn_num(env, rn_ms(g->retry_ns)));
	rn_set(env, o, "nowMs", rn_num(env, rn_ms(g->now_ns)));
	rn_set(env, o, "limitId", rn_int(env, g->refused_by));
	rn_set(env, o, "limit",
	       c->open && g->refused_by >= 0 && (uint32_t)g->refused_by < c->h.limits_count
		       ? rn_str(env, c->h.limits[g->refused_by].name)
		       : rn_null(env));
	rn_set(env, o, "endpoint", rn_int(env, c->last_endpoint));
	rn_set(env, o, "endpointName",
	       c->open && c->last_endpoint >= 0 && (uint32_t)c->last_endpoint < c->h.cat.endpoints_count
		       ? rn_str(env, c->h.cat.endpoints[c->last_endpoint].name)
		       : rn_null(env));
	rn_set(env, o, "priority", rn_int(env, (int32_t)g->priority));
	if (c->open && (err == -ECONNREFUSED || err == -EHOSTDOWN || err == -EAGAIN ||
			err == -ETIMEDOUT || err == -E2BIG))
		scope = err == -ECONNREFUSED || err == -EHOSTDOWN ? rn_shut_scope(c, err)
			: g->refused_by >= 0 && (uint32_t)g->refused_by < c->h.limits_count
				? (int)c->h.limits[g->refused_by].scope
				: -1;
	rn_set(env, o, "scope",
	       scope >= 0 && (uint32_t)scope < c->h.layout.scopes_count ? rn_str(env, c->h.scopes[scope])
									 : rn_null(env));
	if (err == -ECONNREFUSED && scope >= 0) {
		struct rlc_block b;

		if (rlc_block_get(&c->h, (uint32_t)scope, &b) == 0 && b.until_ns) {
			napi_create_object(env, &bo);
			rn_set(env, bo, "until", rn_num(env, rn_ms(b.until_ns)));
			rn_set(env, bo, "since", rn_num(env, rn_ms(b.since_ns)));
			rn_set(env, bo, "status", rn_int(env, b.status));
			rn_set(env, bo, "code", b.has_code ? rn_int(env, b.code) : rn_null(env));
			rn_set(env, bo, "client", rn_int(env, b.client));
			rn_set(env, o, "block", bo);
		}
	}
	if (err == -EINVAL)
		rn_einval_why(c, why, sizeof(why));
	else if (err == -EBADMSG || err == -EOVERFLOW)
		snprintf(why, sizeof(why), "%s", c->h.why[0] ? c->h.why : "corrupt limit state");
	rn_set(env, o, "why", rn_str(env, why));
	return o;
}

/* endpointWeights(ep, params, account): [[limitId, weight, limitName]...] or -errno. */
static napi_value rn_endpoint_weights(napi_env env, napi_callback_info info)
{
	napi_value argv[3], list, t;
	size_t argc = 3;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, "endpointWeights");
	struct rlc_param params[RLC_ENDPOINT_PARAMS_MAX];
	uint32_t ids[RLC_LINK_MAX], weights[RLC_LINK_MAX], ep = 0;
	unsigned n = 0;
	int account, k, i;

	if (!c)
		return NULL;
	if (rn_ep_arg(env, argv[0], "endpointWeights", &ep))
		return NULL;
	rn_arena_reset(c);
	if (rn_account(env, c, ep, argv[2], &account, "endpointWeights") ||
	    rn_params(env, c, ep, argv[1], params, &n, "endpointWeights"))
		return NULL;
	c->last_endpoint = (int32_t)ep;
	c->last_account = account;
	k = rlc_endpoint_weights(&c->h, ep, params, n, account, ids, weights);
	if (k < 0) {
		memset(&c->last, 0, sizeof(c->last));
		c->last.refused_by = -1;
		c->last.endpoint = (int32_t)ep;
		c->last_err = k;
		return rn_int(env, k);
	}
	napi_create_array_with_length(env, (size_t)k, &list);
	for (i = 0; i < k; i++) {
		napi_create_array_with_length(env, 3, &t);
		napi_set_element(env, t, 0, rn_int(env, (int32_t)ids[i]));
		napi_set_element(env, t, 1, rn_int(env, (int32_t)weights[i]));
		napi_set_element(env, t, 2, rn_str(env, c->h.limits[ids[i]].name));
		napi_set_element(env, list, (uint32_t)i, t);
	}
	return list;
}

void rn_reserve_register(napi_env env, napi_value obj, struct rn_client *c)
{
	rn_method(env, obj, c, "reserve", rn_reserve);
	rn_method(env, obj, c, "reserveWith", rn_reserve_with);
	rn_method(env, obj, c, "refusal", rn_refusal);
	rn_method(env, obj, c, "endpointWeights", rn_endpoint_weights);
}
