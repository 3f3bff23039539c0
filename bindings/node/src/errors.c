/* SPDX-License-Identifier: MIT */
/*
 * errors.c - thrown errors and small value helpers.  Bad arguments are
 * TypeError or RangeError naming the argument; rlc's own failures mostly
 * come back as negative errno numbers, which index.js turns into its error
 * classes (lib/errors.js), so that one place decides every class.
 */
#include <stdarg.h>
#include <stdio.h>

#include "rlcnode.h"

static napi_value rn_throw_v(napi_env env, int kind, int err, const char *fmt, va_list ap)
{
	char msg[512];
	napi_value m, e, code, num;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
	if (kind == 0)
		napi_create_type_error(env, NULL, m, &e);
	else if (kind == 1)
		napi_create_range_error(env, NULL, m, &e);
	else {
		napi_create_error(env, NULL, m, &e);
		napi_create_string_utf8(env, rn_errno_name(err), NAPI_AUTO_LENGTH, &code);
		napi_create_int32(env, err, &num);
		napi_set_named_property(env, e, "code", code);
		napi_set_named_property(env, e, "errno", num);
	}
	napi_throw(env, e);
	return NULL;
}

napi_value rn_throw_type(napi_env env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rn_throw_v(env, 0, 0, fmt, ap);
	va_end(ap);
	return NULL;
}

napi_value rn_throw_range(napi_env env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rn_throw_v(env, 1, 0, fmt, ap);
	va_end(ap);
	return NULL;
}

/* An Error with .code (the errno name) and .errno (negative), for index.js to classify. */
napi_value rn_throw_errno(napi_env env, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rn_throw_v(env, 2, err, fmt, ap);
	va_end(ap);
	return NULL;
}

/* The names of the codes rlc(3) returns; others by number. */
const char *rn_errno_name(int err)
{
	switch (-err) {
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EHOSTDOWN: return "EHOSTDOWN";
	case E2BIG: return "E2BIG";
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EPROTO: return "EPROTO";
	case EBADMSG: return "EBADMSG";
	case ENOSPC: return "ENOSPC";
	case EMFILE: return "EMFILE";
	case ESRCH: return "ESRCH";
	case ENOMEM: return "ENOMEM";
	case EOVERFLOW: return "EOVERFLOW";
	case ESTALE: return "ESTALE";
	default: return "EUNKNOWN";
	}
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
