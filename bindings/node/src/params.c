/* SPDX-License-Identifier: MIT */
/*
 * params.c - a request's parameters and account, from JS to rlc.
 *
 * Only the parameters the endpoint's weight rules read are looked up and
 * turned into text (a request carries many no rule looks at); lib/client.js
 * has checked every value's type already (string, number, bigint, boolean
 * or Array; null and undefined are left out, as HTTP clients leave them
 * out), and the values read here are checked again for direct calls.  Numbers and bigints read as
 * JS's String() writes them, booleans as "true"/"false", an Array as its
 * JSON text (a batch's item count, rlc_rule_items, is its top-level
 * elements).  Names are copied too: a reload during the reserve may free
 * the catalog they came from.
 */
#include "rlcnode.h"

/* JSON.stringify(v) as arena text, or NULL with an error thrown. */
static char *rn_json(napi_env env, struct rn_client *c, napi_value v, const char *fn,
		     const char *key)
{
	napi_value global, json, stringify, text;
	napi_valuetype t;
	char *p;

	napi_get_global(env, &global);
	napi_get_named_property(env, global, "JSON", &json);
	napi_get_named_property(env, json, "stringify", &stringify);
	if (napi_call_function(env, json, stringify, 1, &v, &text) != napi_ok)
		return NULL; /* a cycle or a throwing toJSON: its exception stands */
	napi_typeof(env, text, &t);
	if (t != napi_string) {
		rn_throw_type(env, "%s(): params value of key '%s' has no JSON text", fn, key);
		return NULL;
	}
	if (!(p = rn_arena_string(c, env, text)))
		rn_throw_errno(env, -ENOMEM, "%s(): out of memory", fn);
	return p;
}

/* The text of one value, NULL when it is left out; *bad set with an error thrown. */
static char *rn_value_text(napi_env env, struct rn_client *c, napi_value v, napi_valuetype t,
			   const char *fn, const char *key, int *bad)
{
	napi_value s;
	bool b = false;
	char *p;

	switch (t) {
	case napi_string:
		s = v;
		break;
	case napi_number:
	case napi_bigint:
		if (napi_coerce_to_string(env, v, &s) != napi_ok)
			return *bad = 1, NULL;
		break;
	case napi_boolean:
		napi_get_value_bool(env, v, &b);
		return b ? "true" : "false";
	case napi_object:
		return (p = rn_json(env, c, v, fn, key)) ? p : (*bad = 1, NULL);
	default:
		return NULL;
	}
	if (!(p = rn_arena_string(c, env, s))) {
		rn_throw_errno(env, -ENOMEM, "%s(): out of memory", fn);
		*bad = 1;
	}
	return p;
}

static const char *rn_type_name(napi_valuetype t)
{
	switch (t) {
	case napi_object: return "object";
	case napi_function: return "function";
	case napi_symbol: return "symbol";
	case napi_external: return "external";
	default: return "value";
	}
}

int rn_params(napi_env env, struct rn_client *c, uint32_t endpoint, napi_value v,
	      struct rlc_param *out, unsigned *n, const char *fn)
{
	const struct rlc_endpoint_view *e;
	napi_value val;
	napi_valuetype t;
	uint32_t j;
	bool is_array = false;
	int bad = 0;

	*n = 0;
	napi_typeof(env, v, &t);
	if (t == napi_undefined || t == napi_null)
		return 0;
	if (t == napi_object)
		napi_is_array(env, v, &is_array);
	if (t != napi_object || is_array) {
		rn_throw_type(env, "%s(): params must be an object of name: value, not %s", fn,
			      is_array ? "an Array" : t == napi_string ? "a string" : rn_type_name(t));
		return -1;
	}
	rlc_refresh(&c->h); /* the endpoint's parameter names as the reserve will read them */
	if (endpoint >= c->h.cat.endpoints_count)
		return 0; /* the reserve says -ENOENT */
	e = &c->h.cat.endpoints[endpoint];
	/* only what the rules read: a handful of names, whatever the object holds */
	for (j = 0; j < e->params_count && *n < RLC_ENDPOINT_PARAMS_MAX; j++) {
		const char *name = e->param[j];
		size_t len = strlen(name);

		if (napi_get_named_property(env, v, name, &val) != napi_ok)
			return -1; /* a getter or a Proxy threw */
		napi_typeof(env, val, &t);
		if (t == napi_undefined || t == napi_null)
			continue;
		if (t != napi_string && t != napi_number && t != napi_bigint && t != napi_boolean) {
			if (t == napi_object)
				napi_is_array(env, val, &is_array);
			if (t != napi_object || !is_array) {
				rn_throw_type(env,
					      "%s(): params values must be string, number, bigint, "
					      "boolean or Array, not %s (key '%s')",
					      fn, rn_type_name(t), name);
				return -1;
			}
		}
		/* copied: the reserve may take a reload, freeing the catalog's names */
		if (!(out[*n].name = rn_arena_alloc(c, len + 1)))
			return rn_throw_errno(env, -ENOMEM, "%s(): out of memory", fn), -1;
		memcpy((char *)out[*n].name, name, len + 1);
		out[*n].value = rn_value_text(env, c, val, t, fn, out[*n].name, &bad);
		if (bad)
			return -1;
		(*n)++;
	}
	return 0;
}

/*
 * The account option: undefined or null for the exchange's only account,
 * an id, or the account's name on the endpoint's exchange.  0, or -1 with
 * an error thrown (-ENOENT's names the account).
 */
int rn_account(napi_env env, struct rn_client *c, uint32_t endpoint, napi_value v, int *out,
	       const char *fn)
{
	napi_valuetype t;
	char name[RLC_NAME_MAX];
	double d;
	int id;

	*out = RLC_ACCOUNT_ONLY;
	napi_typeof(env, v, &t);
	if (t == napi_undefined || t == napi_null)
		return 0;
	if (t == napi_number) {
		napi_get_value_double(env, v, &d);
		if (!(d >= 0 && d < 2147483647.0) || d != (double)(int)d) {
			rn_throw_range(env, "%s(): account must be an account id (an integer 0 or more) "
					    "or name, not %g", fn, d);
			return -1;
		}
		*out = (int)d;
		return 0;
	}
	if (t != napi_string) {
		rn_throw_type(env, "%s(): account must be an account id or name", fn);
		return -1;
	}
	if (rn_cstr(env, v, name, sizeof(name), fn, "account"))
		return -1;
	if (endpoint >= c->h.cat.endpoints_count) {
		rn_throw_unknown(env, "endpoint", "%s(): no endpoint id %u", fn, endpoint);
		return -1;
	}
	id = rlc_account_id(&c->h, (int)c->h.cat.endpoints[endpoint].exchange, name);
	if (id < 0) {
		rn_throw_unknown(env, "account", "%s(): exchange %s has no account '%s'", fn,
			       c->h.cat.exchanges[c->h.cat.endpoints[endpoint].exchange].name, name);
		return -1;
	}
	*out = id;
	return 0;
}
