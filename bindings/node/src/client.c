/* SPDX-License-Identifier: MIT */
/*
 * client.c - open and close a handle, and look names up: exchanges,
 * accounts, endpoints, scopes, limits, modes, and the catalog of them all.
 * Lookups return an id or a negative errno (index.js throws UnknownEndpoint
 * for -ENOENT, naming what it looked for).
 */
#include <stdio.h>

#include "rlcnode.h"

static void rn_unref(napi_env env, void *data, void *hint)
{
	struct rn_client *c = (struct rn_client *)data;

	if (--c->refs > 0)
		return;
	if (c->open)
		rlc_close(&c->h);
	rn_slots_free(c);
	rn_arena_free(c);
	free(c);
}

struct rn_client *rn_client_of(napi_env env, napi_callback_info info, size_t *argc,
			       napi_value *argv, napi_value *self)
{
	void *data = NULL;

	if (napi_get_cb_info(env, info, argc, argv, self, &data) != napi_ok || !data) {
		rn_throw_type(env, "not a method of an rlc client");
		return NULL;
	}
	/* arguments not passed read as undefined (napi fills them in) */
	return (struct rn_client *)data;
}

napi_value rn_closed(napi_env env, const char *fn)
{
	return rn_throw_errno(env, -EINVAL, "%s(): the client is closed", fn);
}

struct rn_client *rn_open_of(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv,
			     const char *fn)
{
	struct rn_client *c = rn_client_of(env, info, argc, argv, NULL);

	if (c && !c->open) {
		rn_closed(env, fn);
		return NULL;
	}
	return c;
}

napi_value rn_method(napi_env env, napi_value obj, struct rn_client *c, const char *name,
		     napi_callback cb)
{
	napi_value fn;

	napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, c, &fn);
	/* the function may outlive the object it was put on: it holds the client too */
	c->refs++;
	napi_add_finalizer(env, fn, c, rn_unref, NULL, NULL);
	napi_set_named_property(env, obj, name, fn);
	return fn;
}

/* An int32 argument that must be an id: an integer 0 .. 2^31-1; else throws. */
static int rn_id_arg(napi_env env, napi_value v, const char *fn, const char *arg, int32_t *out)
{
	napi_valuetype t;
	double d;

	napi_typeof(env, v, &t);
	if (t != napi_number) {
		rn_throw_type(env, "%s(): %s must be an id (a number)", fn, arg);
		return -1;
	}
	napi_get_value_double(env, v, &d);
	if (!(d >= 0 && d <= 2147483647.0) || d != (double)(int32_t)d) {
		rn_throw_range(env, "%s(): %s must be an integer id 0 or more, not %g", fn, arg, d);
		return -1;
	}
	*out = (int32_t)d;
	return 0;
}

static napi_value rn_close(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct rn_client *c = rn_client_of(env, info, &argc, NULL, NULL);

	if (!c)
		return NULL;
	if (c->open) /* a second close does nothing */
		rlc_close(&c->h);
	c->open = 0;
	return rn_undefined(env);
}

static napi_value rn_is_open(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct rn_client *c = rn_client_of(env, info, &argc, NULL, NULL);
	napi_value r;

	if (!c)
		return NULL;
	napi_get_boolean(env, c->open, &r);
	return r;
}

/* exchangeId(name), scopeId(name), limitId(name): id or -errno. */
#define RN_NAME_LOOKUP(fname, jsname, call)                                                      \
	static napi_value fname(napi_env env, napi_callback_info info)                           \
	{                                                                                        \
		napi_value argv[1];                                                              \
		size_t argc = 1;                                                                 \
		char name[RLC_NAME_MAX];                                                         \
		struct rn_client *c = rn_open_of(env, info, &argc, argv, jsname);                \
                                                                                                 \
		if (!c || rn_cstr(env, argv[0], name, sizeof(name), jsname, "name"))             \
			return NULL;                                                             \
		return rn_int(env, call(&c->h, name));                                           \
	}
RN_NAME_LOOKUP(rn_exchange_id, "exchange", rlc_exchange_id)
RN_NAME_LOOKUP(rn_scope_id, "scope", rlc_scope_id)
RN_NAME_LOOKUP(rn_limit_id, "limit", rlc_limit_id)

/* accountId(x, name), modeId(x, name): id or -errno. */
static napi_value rn_in_exchange(napi_env env, napi_callback_info info, const char *fn,
				 int (*call)(const struct rlc *, int, const char *))
{
	napi_value argv[2];
	size_t argc = 2;
	char name[RLC_NAME_MAX];
	int32_t x;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, fn);

	if (!c || rn_id_arg(env, argv[0], fn, "exchange", &x) ||
	    rn_cstr(env, argv[1], name, sizeof(name), fn, "name"))
		return NULL;
	if ((uint32_t)x >= c->h.cat.exchanges_count)
		return rn_int(env, -ENOENT);
	return rn_int(env, call(&c->h, x, name));
}

static napi_value rn_account_id(napi_env env, napi_callback_info info)
{
	return rn_in_exchange(env, info, "account", rlc_account_id);
}

static napi_value rn_mode_id(napi_env env, napi_callback_info info)
{
	return rn_in_exchange(env, info, "mode", rlc_mode_id);
}

/* endpointId(x, method, path): id or -errno. */
static napi_value rn_endpoint_id(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	size_t argc = 3;
	char method[16], path[512];
	int32_t x;
	struct rn_client *c = rn_open_of(env, info, &argc, argv, "endpoint");

	if (!c || rn_id_arg(env, argv[0], "endpoint", "exchange", &x) ||
	    rn_cstr(env, argv[1], method, sizeof(method), "endpoint", "method") ||
	    rn_cstr(env, argv[2], path, sizeof(path), "endpoint", "path"))
		return NULL;
	if ((uint32_t)x >= c->h.cat.exchanges_count)
		return rn_int(env, -ENOENT);
	return rn_int(env, rlc_endpoint_id(&c->h, x, method, path));
}

static napi_value rn_name_list(napi_env env, uint32_t first, uint32_t count, const char *names,
			       size_t stride)
{
	napi_value list;
	uint32_t i;

	napi_create_array_with_length(env, count, &list);
	for (i = 0; i < count; i++)
		napi_set_element(env, list, i, rn_str(env, names + (size_t)(first + i) * stride));
	return list;
}

/*
 * catalog(): { exchanges: [{ name, ipScope, accounts: [{name, id, scope}],
 * endpoints: [{name, id, priority}], modes: [names] }], limits: [names],
 * scopes: [names] }: every name the handle knows, ids as the array index
 * where not given.  Taken fresh (after a reload the names may change).
 */
static napi_value rn_catalog(napi_env env, napi_callback_info info)
{
	size_t argc = 0;
	struct rn_client *c = rn_open_of(env, info, &argc, NULL, "catalog");
	napi_value out, xs, list, o;
	uint32_t i, j;

	if (!c)
		return NULL;
	rlc_refresh(&c->h);
	napi_create_object(env, &out);
	napi_create_array_with_length(env, c->h.cat.exchanges_count, &xs);
	for (i = 0; i < c->h.cat.exchanges_count; i++) {
		const struct rlc_exchange_view *x = &c->h.cat.exchanges[i];
		napi_value xo;

		napi_create_object(env, &xo);
		rn_set(env, xo, "id", rn_int(env, (int32_t)i));
		rn_set(env, xo, "name", rn_str(env, x->name));
		rn_set(env, xo, "ipScope",
		       x->ip_scope != RLC_NONE ? rn_str(env, c->h.scopes[x->ip_scope]) : rn_null(env));
		napi_create_array_with_length(env, x->accounts_count, &list);
		for (j = 0; j < x->accounts_count; j++) {
			const struct rlc_account_view *a = &c->h.cat.accounts[x->accounts_first + j];

			napi_create_object(env, &o);
			rn_set(env, o, "id", rn_int(env, (int32_t)(x->accounts_first + j)));
			rn_set(env, o, "name", rn_str(env, a->name));
			rn_set(env, o, "scope", rn_str(env, c->h.scopes[a->scope]));
			napi_set_element(env, list, j, o);
		}
		rn_set(env, xo, "accounts", list);
		napi_create_array_with_length(env, x->endpoints_count, &list);
		for (j = 0; j < x->endpoints_count; j++) {
			const struct rlc_endpoint_view *e = &c->h.cat.endpoints[x->endpoints_first + j];

			napi_create_object(env, &o);
			rn_set(env, o, "id", rn_int(env, (int32_t)(x->endpoints_first + j)));
			rn_set(env, o, "name", rn_str(env, e->name));
			rn_set(env, o, "priority", rn_int(env, (int32_t)e->priority));
			napi_set_element(env, list, j, o);
		}
		rn_set(env, xo, "endpoints", list);
		napi_create_array_with_length(env, x->modes_count, &list);
		for (j = 0; j < x->modes_count; j++)
			napi_set_element(env, list, j, rn_str(env, x->modes[j].name));
		rn_set(env, xo, "modes", list);
		napi_set_element(env, xs, i, xo);
	}
	rn_set(env, out, "exchanges", xs);
	list = rn_name_list(env, 0, c->h.limits_count, c->h.limits[0].name, sizeof(c->h.limits[0]));
	if (c->h.limits_count == 0)
		napi_create_array(env, &list);
	rn_set(env, out, "limits", list);
	rn_set(env, out, "scopes",
	       rn_name_list(env, 0, c->h.layout.scopes_count, c->h.scopes[0], RLC_NAME_MAX));
	return out;
}

/* open(segment|null, name|null, readonly): a client object, or throws an errno Error. */
static napi_value rn_open(napi_env env, napi_callback_info info)
{
	napi_value argv[3], obj;
	size_t argc = 3;
	char seg[256], name[RLC_CLIENT_NAME_MAX + 64];
	const char *segp = NULL, *namep = NULL;
	bool readonly = false;
	napi_valuetype t;
	struct rn_client *c;
	int err;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 3)
		return rn_throw_type(env, "open(): internal: three arguments expected");
	napi_typeof(env, argv[0], &t);
	if (t != napi_null && t != napi_undefined) {
		if (rn_cstr(env, argv[0], seg, sizeof(seg), "open", "segment"))
			return NULL;
		segp = seg;
	}
	napi_typeof(env, argv[1], &t);
	if (t != napi_null && t != napi_undefined) {
		if (rn_cstr(env, argv[1], name, sizeof(name), "open", "name"))
			return NULL;
		namep = name;
	}
	napi_get_value_bool(env, argv[2], &readonly);
	c = (struct rn_client *)calloc(1, sizeof(*c));
	if (!c)
		return rn_throw_errno(env, -ENOMEM, "open(): out of memory");
	c->free_head = -1;
	c->last.refused_by = -1; /* no refusal yet */
	c->last.endpoint = c->last_endpoint = -1;
	c->last_err = -EINVAL;
	err = rlc_open(&c->h, segp, namep, readonly ? RLC_OPEN_READONLY : 0);
	if (err) {
		napi_value r = rn_throw_errno(env, err, "open(): %s", c->h.why);

		free(c);
		return r;
	}
	c->open = 1;
	napi_create_object(env, &obj);
	c->refs = 1;
	napi_add_finalizer(env, obj, c, rn_unref, NULL, NULL);
	rn_method(env, obj, c, "close", rn_close);
	rn_method(env, obj, c, "isOpen", rn_is_open);
	rn_method(env, obj, c, "exchangeId", rn_exchange_id);
	rn_method(env, obj, c, "accountId", rn_account_id);
	rn_method(env, obj, c, "endpointId", rn_endpoint_id);
	rn_method(env, obj, c, "scopeId", rn_scope_id);
	rn_method(env, obj, c, "limitId", rn_limit_id);
	rn_method(env, obj, c, "modeId", rn_mode_id);
	rn_method(env, obj, c, "catalog", rn_catalog);
	rn_grants_register(env, obj, c);
	rn_reserve_register(env, obj, c);
	rn_wait_register(env, obj, c);
	rn_feedback_register(env, obj, c);
	rn_state_register(env, obj, c);
	rn_floor_register(env, obj, c);
	return obj;
}

/* nowMs(): CLOCK_MONOTONIC in ms, the clock of every time rlc gives. */
static napi_value rn_now_ms(napi_env env, napi_callback_info info)
{
	return rn_num(env, rn_ms(rlc_now_ns()));
}

/* noop(x): an empty call, the benchmark's floor of a native call. */
static napi_value rn_noop(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	size_t argc = 1;
	int32_t v = 0;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	napi_get_value_int32(env, argv[0], &v);
	return rn_int(env, v);
}

void rn_module_register(napi_env env, napi_value exports)
{
	napi_value fn;

	napi_create_function(env, "open", NAPI_AUTO_LENGTH, rn_open, NULL, &fn);
	napi_set_named_property(env, exports, "open", fn);
	napi_create_function(env, "nowMs", NAPI_AUTO_LENGTH, rn_now_ms, NULL, &fn);
	napi_set_named_property(env, exports, "nowMs", fn);
	napi_create_function(env, "noop", NAPI_AUTO_LENGTH, rn_noop, NULL, &fn);
	napi_set_named_property(env, exports, "noop", fn);
	napi_create_function(env, "setClasses", NAPI_AUTO_LENGTH, rn_set_classes, NULL, &fn);
	napi_set_named_property(env, exports, "setClasses", fn);
}
