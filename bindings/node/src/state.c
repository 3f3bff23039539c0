/* SPDX-License-Identifier: MIT */
/*
 * state.c - what every process sees and may set: blocks and breakers of
 * scopes, the exchanges' modes, the limits' usage and the client records.
 * Scopes are taken by name ("binance-usdm.ip") or id; exchanges by id.
 * Failures return a negative errno (index.js throws by class); bad
 * arguments throw here, naming the argument.
 */
#include "rlcnode.h"

#define RN_SCOPE_UNKNOWN (-2) /* rn_scope_arg: a name no scope has */

/* A scope argument (name or id) as its id; RN_SCOPE_UNKNOWN for an unknown name; -1 with an error thrown. */
static int rn_scope_arg(napi_env env, struct rn_client *c, napi_value v, const char *fn)
{
	napi_valuetype t;
	char name[RLC_NAME_MAX];
	double d;

	napi_typeof(env, v, &t);
	if (t == napi_number) {
		napi_get_value_double(env, v, &d);
		if (!(d >= 0 && d < (double)c->h.layout.scopes_count) || d != (double)(int)d) {
			rn_throw_range(env, "%s(): scope must be a scope name or id 0 to %u, not %g", fn,
				       c->h.layout.scopes_count ? c->h.layout.scopes_count - 1 : 0, d);
			return -1;
		}
		return (int)d;
	}
	if (t != napi_string) {
		rn_throw_type(env, "%s(): scope must be a scope name ('binance-usdm.ip') or id", fn);
		return -1;
	}
	if (rn_cstr(env, v, name, sizeof(name), fn, "scope"))
		return -1;
	d = rlc_scope_id(&c->h, name);
	return d < 0 ? RN_SCOPE_UNKNOWN : (int)d;
}

/* An exchange id argument; -1 with an error thrown. */
static int rn_exchange_arg(napi_env env, struct rn_client *c, napi_value v, const char *fn)
{
	napi_valuetype t;
	double d = -1;

	napi_typeof(env, v, &t);
	if (t == napi_number)
		napi_get_value_double(env, v, &d);
	if (t != napi_number) {
		rn_throw_type(env, "%s(): exchange must be an exchange from exchange() or its id", fn);
		return -1;
	}
	if (!(d >= 0 && d < (double)c->h.cat.exchanges_count) || d != (double)(int)d) {
		rn_throw_range(env, "%s(): exchange must be an exchange id 0 to %u, not %g", fn,
			       c->h.cat.exchanges_count ? c->h.cat.exchanges_count - 1 : 0, d);
		return -1;
	}
	return (int)d;
}

/* Common start: the open client and the scope of argv[0]; NULL with a throw, or *ret set. */
static struct rn_client *rn_scoped(napi_env env, napi_callback_info info, napi_value *argv,
				   size_t *argc, const char *fn, int *scope, napi_value *ret)
{
	struct rn_client *c = rn_open_of(env, info, argc, argv, fn);

	*ret = NULL;
	if (!c)
		return NULL;
	*scope = rn_scope_arg(env, c, argv[0], fn);
	if (*scope == -1)
		return NULL;
	if (*scope == RN_SCOPE_UNKNOWN) {
		*ret = rn_int(env, -ENOENT);
		return NULL;
	}
	return c;
}

/* block(scope, untilMs): 0 or -errno. */
static napi_value rn_block(napi_env env, napi_callback_info info)
{
	napi_value argv[2], ret;
	size_t argc = 2;
	int scope;
	double until = 0;
	napi_valuetype t;
	struct rn_client *c = rn_scoped(env, info, argv, &argc, "block", &scope, &ret);

	if (!c)
		return ret;
	napi_typeof(env, argv[1], &t);
	if (t == napi_number)
		napi_get_value_double(env, argv[1], &until);
	if (t != napi_number || !(until > rn_ms(rlc_now_ns())) ||
	    until - rn_ms(rlc_now_ns()) > rn_ms(RLC_BLOCK_MAX_NS))
		return rn_throw_range(env, "block(): the block must end in the future and within "
					   "3 days");
	return rn_int(env, rlc_block(&c->h, (uint32_t)scope, rn_ns(until)));
}

static napi_value rn_unblock(napi_env env, napi_callback_info info)
{
	napi_value argv[1], ret;
	size_t argc = 1;
	int scope;
	struct rn_client *c = rn_scoped(env, info, argv, &argc, "unblock", &scope, &ret);

	return c ? rn_int(env, rlc_unblock(&c->h, (uint32_t)scope)) : ret;
}

/* blockState(scope): { scope, until, retryAfterMs, since, status, code, client } | null | -errno. */
static napi_value rn_block_state(napi_env env, napi_callback_info info)
{
	napi_value argv[1], ret, o;
	size_t argc = 1;
	int scope, err;
	struct rlc_block b;
	struct rn_client *c = rn_scoped(env, info, argv, &argc, "blockState", &scope, &ret);
	uint64_t now;

	if (!c)
		return ret;
	if ((err = rlc_block_get(&c->h, (uint32_t)scope, &b)))
		return rn_int(env, err);
	if (!b.until_ns)
		return rn_null(env);
	now = rlc_now_ns();
	napi_create_object(env, &o);
	rn_set(env, o, "scope", rn_str(env, c->h.scopes[scope]));
	rn_set(env, o, "until", rn_num(env, rn_ms(b.until_ns)));
	rn_set(env, o, "retryAfterMs", rn_num(env, b.until_ns > now ? rn_ms(b.until_ns - now) : 0));
	rn_set(env, o, "since", b.since_ns ? rn_num(env, rn_ms(b.since_ns)) : rn_null(env));
	rn_set(env, o, "status", rn_int(env, b.status));
	rn_set(env, o, "code", b.has_code ? rn_int(env, b.code) : rn_null(env));
	rn_set(env, o, "client", rn_int(env, b.client));
	return o;
}

/* breaker(scope): { scope, state, failures, until } | -errno. */
static napi_value rn_breaker(napi_env env, napi_callback_info info)
{
	static const char *const states[] = { "closed", "open", "half-open" };
	napi_value argv[1], ret, o;
	size_t argc = 1;
	int scope, err;
	struct rlc_breaker b;
	struct rn_client *c = rn_scoped(env, info, argv, &argc, "breaker", &scope, &ret);

	if (!c)
		return ret;
	if ((err = rlc_breaker_get(&c->h, (uint32_t)scope, &b)))
		return rn_int(env, err);
	napi_create_object(env, &o);
	rn_set(env, o, "scope", rn_str(env, c->h.scopes[scope]));
	rn_set(env, o, "state", rn_str(env, b.state < 3 ? states[b.state] : "open"));
	rn_set(env, o, "failures", rn_int(env, (int32_t)b.failures));
	rn_set(env, o, "until", b.until_ns ? rn_num(env, rn_ms(b.until_ns)) : rn_null(env));
	return o;
}

/* mode(x): { mode, id, until } | -errno. */
static napi_value rn_mode_get(napi_env env, napi_callback_info info)
{
	napi_value argv[1], o;
	size_t argc = 1;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, "mode");
	uint32_t mode = 0;
	uint64_t until = 0;
	int x, err;

	if (!c)
		return NULL;
	if ((x = rn_exchange_arg(env, c, argv[0], "mode")) < 0)
		return NULL;
	if ((err = rlc_mode_get(&c->h, x, &mode, &until)))
		return rn_int(env, err);
	napi_create_object(env, &o);
	rn_set(env, o, "mode", rn_str(env, rlc_mode_name(&c->h, x, mode)));
	rn_set(env, o, "id", rn_int(env, (int32_t)mode));
	rn_set(env, o, "until", until ? rn_num(env, rn_ms(until)) : rn_null(env));
	return o;
}

/* setMode(x, modeName | id, untilMs): 0 or -errno (-ENOENT: no such mode). */
static napi_value rn_mode_set(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	size_t argc = 3;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, "setMode");
	char name[RLC_NAME_MAX];
	napi_valuetype t;
	double until = 0, d = -1;
	int x, mode;

	if (!c)
		return NULL;
	if ((x = rn_exchange_arg(env, c, argv[0], "setMode")) < 0)
		return NULL;
	napi_typeof(env, argv[1], &t);
	if (t == napi_string) {
		if (rn_cstr(env, argv[1], name, sizeof(name), "setMode", "mode"))
			return NULL;
		if ((mode = rlc_mode_id(&c->h, x, name)) < 0)
			return rn_int(env, mode);
	} else if (t == napi_number) {
		napi_get_value_double(env, argv[1], &d);
		if (!(d >= 0 && d < RLC_MODES_MAX) || d != (double)(int)d)
			return rn_throw_range(env, "setMode(): mode must be a mode name or id, not %g", d);
		mode = (int)d;
	} else {
		return rn_throw_type(env, "setMode(): mode must be a mode name ('normal') or id");
	}
	napi_typeof(env, argv[2], &t);
	if (t == napi_number)
		napi_get_value_double(env, argv[2], &until);
	if (mode != 0 && !(until > rn_ms(rlc_now_ns())))
		return rn_throw_range(env, "setMode(): a mode other than normal must end in the future");
	return rn_int(env, rlc_mode_set(&c->h, x, (uint32_t)mode, rn_ns(until)));
}

static const char *rn_algorithm(uint32_t a)
{
	return a == RLC_ALGO_WINDOW ? "window" : a == RLC_ALGO_BUCKET ? "bucket" : "fixed";
}

/* One limit's usage as an object. */
static napi_value rn_usage_of(napi_env env, const struct rlc_usage *u)
{
	static const char *const prios[RLC_PRIOS] = { "critical", "high", "normal", "low" };
	napi_value o, ceil;
	unsigned p;

	napi_create_object(env, &o);
	rn_set(env, o, "name", rn_str(env, u->name));
	rn_set(env, o, "scope", rn_str(env, u->scope));
	rn_set(env, o, "algorithm", rn_str(env, rn_algorithm(u->algorithm)));
	rn_set(env, o, "capacity", rn_num(env, u->capacity));
	rn_set(env, o, "effective", rn_num(env, u->effective));
	rn_set(env, o, "used", rn_num(env, (double)u->used));
	rn_set(env, o, "intervalMs", rn_num(env, rn_ms(u->interval_ns)));
	rn_set(env, o, "slots", rn_num(env, u->slots));
	rn_set(env, o, "buffer", rn_num(env, u->buffer_ppm / 1e6));
	rn_set(env, o, "grants", rn_num(env, (double)u->grants));
	rn_set(env, o, "refusals", rn_num(env, (double)u->refusals));
	rn_set(env, o, "refunds", rn_num(env, (double)u->refunds));
	rn_set(env, o, "observed", rn_num(env, (double)u->observed));
	rn_set(env, o, "exchange", rn_str(env, u->exchange));
	rn_set(env, o, "mode", rn_str(env, u->mode));
	rn_set(env, o, "modeUntil", u->mode_until_ns ? rn_num(env, rn_ms(u->mode_until_ns))
						       : rn_null(env));
	napi_create_object(env, &ceil);
	for (p = 0; p < RLC_PRIOS; p++)
		rn_set(env, ceil, prios[p], rn_num(env, u->ceiling[p]));
	rn_set(env, o, "ceiling", ceil);
	return o;
}

/* usage(limitId | -1): one limit's usage, or every limit's (-1); or -errno. */
static napi_value rn_usage(napi_env env, napi_callback_info info)
{
	napi_value argv[1], list;
	size_t argc = 1;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, "usage");
	struct rlc_usage u;
	int32_t id = -1;
	uint32_t i;
	int err;

	if (!c)
		return NULL;
	napi_get_value_int32(env, argv[0], &id);
	rlc_refresh(&c->h);
	if (id >= 0) {
		err = rlc_usage(&c->h, (uint32_t)id, &u);
		return err && err != -EOVERFLOW ? rn_int(env, err) : rn_usage_of(env, &u);
	}
	napi_create_array_with_length(env, c->h.limits_count, &list);
	for (i = 0; i < c->h.limits_count; i++) {
		err = rlc_usage(&c->h, i, &u);
		if (err && err != -EOVERFLOW)
			return rn_int(env, err);
		napi_set_element(env, list, i, rn_usage_of(env, &u));
	}
	return list;
}

/* clients(): [{ index, pid, alive, name, grants, refusals, weight, refunded, waits, waitMs }]. */
static napi_value rn_clients(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct rn_client *c = rn_open_of(env, info, &argc, NULL, "clients");
	struct rlc_client_info ci;
	napi_value list, o;
	uint32_t i, n = 0;
	int err;

	if (!c)
		return NULL;
	napi_create_array(env, &list);
	for (i = 0; i < c->h.layout.clients_count; i++) {
		if ((err = rlc_client_info(&c->h, i, &ci)) == -ENOENT)
			continue;
		if (err)
			return rn_int(env, err);
		napi_create_object(env, &o);
		rn_set(env, o, "index", rn_int(env, (int32_t)i));
		rn_set(env, o, "pid", rn_int(env, (int32_t)ci.pid));
		rn_set(env, o, "alive", rn_bool(env, ci.alive));
		rn_set(env, o, "self", rn_bool(env, c->h.self == &c->h.clients[i]));
		rn_set(env, o, "name", rn_str(env, ci.name));
		rn_set(env, o, "grants", rn_num(env, (double)ci.grants));
		rn_set(env, o, "refusals", rn_num(env, (double)ci.refusals));
		rn_set(env, o, "weight", rn_num(env, (double)ci.weight));
		rn_set(env, o, "refunded", rn_num(env, (double)ci.refunded));
		rn_set(env, o, "waits", rn_num(env, (double)ci.waits));
		rn_set(env, o, "waitMs", rn_num(env, rn_ms(ci.wait_ns)));
		napi_set_element(env, list, n++, o);
	}
	return list;
}

void rn_state_register(napi_env env, napi_value obj, struct rn_client *c)
{
	rn_method(env, obj, c, "block", rn_block);
	rn_method(env, obj, c, "unblock", rn_unblock);
	rn_method(env, obj, c, "blockState", rn_block_state);
	rn_method(env, obj, c, "breaker", rn_breaker);
	rn_method(env, obj, c, "mode", rn_mode_get);
	rn_method(env, obj, c, "setMode", rn_mode_set);
	rn_method(env, obj, c, "usage", rn_usage);
	rn_method(env, obj, c, "clients", rn_clients);
}
