/* SPDX-License-Identifier: MIT */
/*
 * feedback.c - a response, fed back for its grant (rlc_feedback): status,
 * headers, the exchange's error code, elapsed and server time.  Headers
 * come as an object of name: value (Node's IncomingMessage.headers, an
 * array value joined as String() joins it) or as [[name, value], ...]
 * (index.js turns a Map or a fetch Headers into that).  The arguments are
 * all checked before the grant is used, so a bad one leaves the grant
 * outstanding for a corrected call.
 */
#include "rlcnode.h"

#define RN_HEADERS_MAX 128u /* more than any exchange sends; the rest are ignored */

/* One header value as arena text, or NULL with an error thrown. */
static const char *rn_header_text(napi_env env, struct rn_client *c, napi_value v,
				  const char *name)
{
	napi_valuetype t;
	napi_value s = NULL;
	const char *p;

	napi_typeof(env, v, &t);
	if (t == napi_string)
		s = v;
	else if (t != napi_number && t != napi_boolean && t != napi_bigint && t != napi_object)
		return rn_throw_type(env, "feedback(): header '%s' must be a string, number or "
					  "Array of them", name), NULL;
	/* an array of values reads "a,b"; a toString that throws leaves its exception */
	else if (napi_coerce_to_string(env, v, &s) != napi_ok || !s)
		return NULL;
	if (!(p = rn_arena_string(c, env, s)))
		rn_throw_errno(env, -ENOMEM, "feedback(): out of memory");
	return p;
}

/* Headers of argument v into out; how many, or -1 with an error thrown. */
static int rn_headers(napi_env env, struct rn_client *c, napi_value v,
		      struct rlc_http_header *out)
{
	napi_valuetype t;
	napi_value keys, key, val, pair;
	bool is_array = false;
	uint32_t count = 0, i, len;
	unsigned n = 0;

	napi_typeof(env, v, &t);
	if (t == napi_undefined || t == napi_null)
		return 0;
	if (t != napi_object) {
		rn_throw_type(env, "feedback(): headers must be an object of name: value, an Array "
				   "of [name, value], a Map or a Headers");
		return -1;
	}
	napi_is_array(env, v, &is_array);
	if (is_array) {
		napi_get_array_length(env, v, &count);
		for (i = 0; i < count && n < RN_HEADERS_MAX; i++) {
			bool pa = false;

			napi_get_element(env, v, i, &pair);
			napi_is_array(env, pair, &pa);
			if (pa)
				napi_get_array_length(env, pair, &len);
			if (!pa || len != 2) {
				rn_throw_type(env, "feedback(): headers[%u] must be a [name, value] pair",
					      i);
				return -1;
			}
			napi_get_element(env, pair, 0, &key);
			napi_get_element(env, pair, 1, &val);
			napi_typeof(env, key, &t);
			if (t != napi_string) {
				rn_throw_type(env, "feedback(): headers[%u][0] must be a string", i);
				return -1;
			}
			if (!(out[n].name = rn_arena_string(c, env, key)) ||
			    !(out[n].value = rn_header_text(env, c, val, out[n].name)))
				return -1;
			n++;
		}
		return (int)n;
	}
	if (napi_get_all_property_names(env, v, napi_key_own_only,
					napi_key_enumerable | napi_key_skip_symbols,
					napi_key_numbers_to_strings, &keys) != napi_ok)
		return -1;
	napi_get_array_length(env, keys, &count);
	for (i = 0; i < count && n < RN_HEADERS_MAX; i++) {
		napi_get_element(env, keys, i, &key);
		if (napi_get_property(env, v, key, &val) != napi_ok)
			return -1; /* a getter threw */
		napi_typeof(env, val, &t);
		if (t == napi_undefined || t == napi_null)
			continue;
		if (!(out[n].name = rn_arena_string(c, env, key)) ||
		    !(out[n].value = rn_header_text(env, c, val, out[n].name)))
			return -1;
		n++;
	}
	return (int)n;
}

/* The code argument: a string or an integer, NULL for none; -1 with an error thrown. */
static int rn_code(napi_env env, struct rn_client *c, napi_value v, const char **out)
{
	napi_valuetype t;
	napi_value s;

	*out = NULL;
	napi_typeof(env, v, &t);
	if (t == napi_undefined || t == napi_null)
		return 0;
	if (t != napi_string && t != napi_number) {
		rn_throw_type(env, "feedback(): code must be the exchange's error code, a string or "
				   "a number");
		return -1;
	}
	if (napi_coerce_to_string(env, v, &s) != napi_ok)
		return -1;
	if (!(*out = rn_arena_string(c, env, s))) {
		rn_throw_errno(env, -ENOMEM, "feedback(): out of memory");
		return -1;
	}
	return 0;
}

/* A finite number >= 0 argument (undefined: 0); -1 with a RangeError thrown. */
static int rn_ms_arg(napi_env env, napi_value v, const char *arg, double *out)
{
	napi_valuetype t;

	*out = 0;
	napi_typeof(env, v, &t);
	if (t == napi_undefined || t == napi_null)
		return 0;
	if (t != napi_number) {
		rn_throw_type(env, "feedback(): %s must be a number", arg);
		return -1;
	}
	napi_get_value_double(env, v, out);
	if (!(*out >= 0) || *out > 1e15) {
		rn_throw_range(env, "feedback(): %s must be a finite number >= 0, not %g", arg, *out);
		return -1;
	}
	return 0;
}

/* feedback(g, status, headers, code, elapsedMs, serverTimeMs): RLC_FEEDBACK_* bits or -errno. */
static napi_value rn_feedback(napi_env env, napi_callback_info info)
{
	napi_value argv[6];
	size_t argc = 6;
	struct rn_client *c = rn_client_of(env, info, &argc, argv, NULL);
	struct rlc_http_header headers[RN_HEADERS_MAX];
	struct rlc_response r;
	struct rn_slot *s;
	napi_valuetype t;
	double status = 0, elapsed, server;
	int n, err;

	if (!c || !(s = rn_grant_arg(env, c, argc, argv, "feedback")))
		return NULL;
	napi_typeof(env, argv[1], &t);
	if (t != napi_number)
		return rn_throw_type(env, "feedback(): status must be a number (0: no response)");
	napi_get_value_double(env, argv[1], &status);
	if (status != (double)(int)status || (status != 0 && (status < 100 || status > 599)))
		return rn_throw_range(env, "feedback(): status must be 0 (no response) or an HTTP "
					   "status 100 to 599, not %g", status);
	rn_arena_reset(c);
	memset(&r, 0, sizeof(r));
	if ((n = rn_headers(env, c, argv[2], headers)) < 0 || rn_code(env, c, argv[3], &r.code) ||
	    rn_ms_arg(env, argv[4], "elapsedMs", &elapsed) ||
	    rn_ms_arg(env, argv[5], "serverTimeMs", &server))
		return NULL;
	/* a getter or toString above may have ended the grant */
	if (!(s = rn_grant_arg(env, c, argc, argv, "feedback")))
		return NULL;
	r.status = (int)status;
	r.headers = n ? headers : NULL;
	r.headers_count = (unsigned)n;
	r.elapsed_ns = rn_ns(elapsed);
	r.server_time_ms = (int64_t)server;
	err = rlc_feedback(&c->h, &s->g, &r);
	rn_slot_put(c, s);
	return rn_int(env, err);
}

void rn_feedback_register(napi_env env, napi_value obj, struct rn_client *c)
{
	rn_method(env, obj, c, "feedback", rn_feedback);
}
