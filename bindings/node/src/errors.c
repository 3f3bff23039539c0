/* SPDX-License-Identifier: MIT */
/*
 * errors.c - thrown errors and small value helpers.  Bad arguments are
 * TypeError or RangeError naming the argument; rlc's own failures mostly
 * come back as negative errno numbers, which lib/client.js turns into its
 * error classes (lib/errors.js); the few thrown here (a closed client, an
 * unknown account name) are made of those classes too, once index.js has
 * handed them over.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rlcnode.h"

/* The error classes of lib/errors.js, once index.js handed them over (setClasses). */
struct rn_classes {
	napi_ref base, unknown;
};

static void rn_classes_free(napi_env env, void *data, void *hint)
{
	struct rn_classes *k = (struct rn_classes *)data;

	napi_delete_reference(env, k->base);
	napi_delete_reference(env, k->unknown);
	free(k);
}

/* setClasses(RlcError, UnknownEndpoint): the classes errno errors are made of. */
napi_value rn_set_classes(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	size_t argc = 2;
	struct rn_classes *k;
	napi_valuetype t0 = napi_undefined, t1 = napi_undefined;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc == 2) {
		napi_typeof(env, argv[0], &t0);
		napi_typeof(env, argv[1], &t1);
	}
	if (t0 != napi_function || t1 != napi_function)
		return rn_throw_type(env, "setClasses(): two classes expected");
	if (!(k = (struct rn_classes *)calloc(1, sizeof(*k))))
		return rn_throw_type(env, "setClasses(): out of memory");
	napi_create_reference(env, argv[0], 1, &k->base);
	napi_create_reference(env, argv[1], 1, &k->unknown);
	napi_set_instance_data(env, k, rn_classes_free, NULL);
	return rn_undefined(env);
}

/* new Cls(message, { code, errno, kind }) of the handed-over classes, or a plain Error. */
static napi_value rn_errno_error(napi_env env, napi_value m, int err, const char *kind)
{
	struct rn_classes *k = NULL;
	napi_value e = NULL, cls, props, args[2];

	napi_get_instance_data(env, (void **)&k);
	napi_create_object(env, &props);
	rn_set(env, props, "code", rn_str(env, rn_errno_name(err)));
	rn_set(env, props, "errno", rn_int(env, err));
	if (kind)
		rn_set(env, props, "kind", rn_str(env, kind));
	if (k && napi_get_reference_value(env, err == -ENOENT ? k->unknown : k->base, &cls) == napi_ok &&
	    cls) {
		args[0] = m;
		args[1] = props;
		if (napi_new_instance(env, cls, 2, args, &e) == napi_ok)
			return e;
		napi_get_and_clear_last_exception(env, &e);
	}
	napi_create_error(env, NULL, m, &e);
	rn_set(env, e, "code", rn_str(env, rn_errno_name(err)));
	rn_set(env, e, "errno", rn_int(env, err));
	return e;
}

static napi_value rn_throw_v(napi_env env, int kind, int err, const char *what, const char *fmt,
			     va_list ap)
{
	char msg[512];
	napi_value m, e;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
	if (kind == 0)
		napi_create_type_error(env, NULL, m, &e);
	else if (kind == 1)
		napi_create_range_error(env, NULL, m, &e);
	else
		e = rn_errno_error(env, m, err, what);
	napi_throw(env, e);
	return NULL;
}

napi_value rn_throw_type(napi_env env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rn_throw_v(env, 0, 0, NULL, fmt, ap);
	va_end(ap);
	return NULL;
}

napi_value rn_throw_range(napi_env env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rn_throw_v(env, 1, 0, NULL, fmt, ap);
	va_end(ap);
	return NULL;
}

/* An Error with .code (the errno name) and .errno (negative), for index.js to classify. */
napi_value rn_throw_errno(napi_env env, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rn_throw_v(env, 2, err, NULL, fmt, ap);
	va_end(ap);
	return NULL;
}

/* An UnknownEndpoint (-ENOENT) of `kind` ("account"). */
napi_value rn_throw_unknown(napi_env env, const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rn_throw_v(env, 2, -ENOENT, kind, fmt, ap);
	va_end(ap);
	return NULL;
}

/* glibc's name of the errno (binding.gyp defines _GNU_SOURCE for it), or EUNKNOWN. */
const char *rn_errno_name(int err)
{
	const char *name = strerrorname_np(-err);

	return name ? name : "EUNKNOWN";
}

napi_value rn_int(napi_env env, int32_t v)
{
	napi_value r;

	napi_create_int32(env, v, &r);
	return r;
}

napi_value rn_num(napi_env env, double v)
{
	napi_value r;

	napi_create_double(env, v, &r);
	return r;
}

napi_value rn_bool(napi_env env, int v)
{
	napi_value r;

	napi_get_boolean(env, v != 0, &r);
	return r;
}

napi_value rn_str(napi_env env, const char *s)
{
	napi_value r;

	if (!s)
		return rn_null(env);
	napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
	return r;
}

napi_value rn_undefined(napi_env env)
{
	napi_value r;

	napi_get_undefined(env, &r);
	return r;
}

napi_value rn_null(napi_env env)
{
	napi_value r;

	napi_get_null(env, &r);
	return r;
}

void rn_set(napi_env env, napi_value obj, const char *key, napi_value v)
{
	napi_set_named_property(env, obj, key, v);
}

int rn_cstr(napi_env env, napi_value v, char *buf, size_t len, const char *fn, const char *arg)
{
	size_t n = 0;
	napi_valuetype t;

	napi_typeof(env, v, &t);
	if (t != napi_string) {
		rn_throw_type(env, "%s(): %s must be a string", fn, arg);
		return -1;
	}
	napi_get_value_string_utf8(env, v, buf, len, &n);
	if (n + 1 >= len) { /* it may have been cut: no rlc name is this long */
		size_t full = 0;

		napi_get_value_string_utf8(env, v, NULL, 0, &full);
		if (full >= len) {
			rn_throw_range(env, "%s(): %s is %zu bytes long, more than %zu", fn, arg, full,
				       len - 1);
			return -1;
		}
	}
	if (strlen(buf) != n) {
		rn_throw_type(env, "%s(): %s must not contain a NUL character", fn, arg);
		return -1;
	}
	return 0;
}

double rn_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* ms (finite, >= 0) to ns, saturating. */
uint64_t rn_ns(double ms)
{
	if (!(ms > 0))
		return 0;
	if (ms >= 18446744073709.0)
		return UINT64_MAX;
	return (uint64_t)(ms * 1e6);
}
