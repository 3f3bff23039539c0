/* SPDX-License-Identifier: MIT */
/*
 * errors.c - the C API's -errno codes as the rlc.errors exceptions, with
 * the refusal's details (retry time, limit, blocked scope and why) as
 * attributes.  Only refusal and error paths run here.
 */
#include "rlcpy.h"

/* glibc's name of the errno (Python.h sets _GNU_SOURCE), or "E?". */
const char *rlcpy_errname(int err)
{
	const char *name = strerrorname_np(-err);

	return name ? name : "E?";
}

/* cls(message, errno=, errname=, **attrs); steals `attrs` (a dict or NULL). */
static PyObject *raise_with(PyObject *cls, int err, PyObject *message, PyObject *attrs)
{
	PyObject *args = NULL, *e = NULL, *v;

	if (!message || (!attrs && !(attrs = PyDict_New())))
		goto out;
	if (!(v = PyLong_FromLong(-err)) || PyDict_SetItemString(attrs, "errno", v) < 0) {
		Py_XDECREF(v);
		goto out;
	}
	Py_DECREF(v);
	if (!(v = PyUnicode_FromString(rlcpy_errname(err))) ||
	    PyDict_SetItemString(attrs, "errname", v) < 0) {
		Py_XDECREF(v);
		goto out;
	}
	Py_DECREF(v);
	if ((args = PyTuple_Pack(1, message)) && (e = PyObject_Call(cls, args, attrs)))
		PyErr_SetObject(cls, e);
out:
	Py_XDECREF(args);
	Py_XDECREF(e);
	Py_XDECREF(attrs);
	Py_XDECREF(message);
	return NULL;
}

/* Set attrs[key] = value, stealing value; -1 on failure (value NULL too). */
static int put(PyObject *attrs, const char *key, PyObject *value)
{
	int rc = value ? PyDict_SetItemString(attrs, key, value) : -1;

	Py_XDECREF(value);
	return rc;
}

/* The handle's reason for the last failure, or None. */
static PyObject *why_of(rlcpy_handle *self)
{
	if (self && self->h.why[0])
		return PyUnicode_DecodeUTF8(self->h.why, (Py_ssize_t)strlen(self->h.why), "replace");
	Py_RETURN_NONE;
}

PyObject *rlcpy_raise(rlcpy_handle *self, const char *fn, int err)
{
	PyObject *attrs;

	switch (-err) {
	case ENOMEM:
		return PyErr_NoMemory();
	case EINVAL:
		return PyErr_Format(PyExc_ValueError, "%s(): invalid argument%s%s", fn,
				    self && self->h.why[0] ? ": " : "", self ? self->h.why : "");
	case EBADMSG:
	case EPROTO:
	case EOVERFLOW:
		if (!(attrs = PyDict_New()) || put(attrs, "why", why_of(self)) < 0) {
			Py_XDECREF(attrs);
			return NULL;
		}
		return raise_with(rlcpy_err.corrupt, err,
				  PyUnicode_FromFormat("%s(): %s", fn,
						       self && self->h.why[0]
							       ? self->h.why
							       : err == -EOVERFLOW ? "a counter overflowed"
										   : "corrupt segment"),
				  attrs);
	default:
		if (!(attrs = PyDict_New()) || put(attrs, "why", why_of(self)) < 0) {
			Py_XDECREF(attrs);
			return NULL;
		}
		return raise_with(rlcpy_err.base, err,
				  PyUnicode_FromFormat("%s(): %s", fn, strerror(-err)), attrs);
	}
}

PyObject *rlcpy_raise_unknown(const char *fn, const char *kind, PyObject *name, const char *of)
{
	PyObject *attrs = PyDict_New();

	if (!attrs || put(attrs, "kind", PyUnicode_FromString(kind)) < 0 ||
	    PyDict_SetItemString(attrs, "name", name) < 0) {
		Py_XDECREF(attrs);
		return NULL;
	}
	return raise_with(rlcpy_err.unknown, -ENOENT,
			  of ? PyUnicode_FromFormat("%s(): no %s %R in %s", fn, kind, name, of)
			     : PyUnicode_FromFormat("%s(): no %s %R in this segment's profile", fn,
						    kind, name),
			  attrs);
}

/* The scopes a refusal of *g may have come from: its limit's, its
 * exchange's IP scope and its account's.  Returns how many (up to 3). */
static unsigned scopes_of(const struct rlc *h, const struct rlc_grant *g, uint32_t *out)
{
	unsigned n = 0;
	int x = -1;

	if (g->refused_by >= 0 && (uint32_t)g->refused_by < h->limits_count) {
		out[n++] = h->limits[g->refused_by].scope;
		if (h->limits[g->refused_by].exchange != RLC_NONE)
			x = (int)h->limits[g->refused_by].exchange;
	}
	if (g->endpoint >= 0 && (uint32_t)g->endpoint < h->cat.endpoints_count)
		x = (int)h->cat.endpoints[g->endpoint].exchange;
	if (x >= 0 && h->cat.exchanges[x].ip_scope != RLC_NONE)
		out[n++] = h->cat.exchanges[x].ip_scope;
	if (g->account >= 0 && (uint32_t)g->account < h->cat.accounts_count)
		out[n++] = h->cat.accounts[g->account].scope;
	return n;
}

/* Blocked's attributes: the first of the refusal's scopes that is blocked. */
static PyObject *blocked_attrs(rlcpy_handle *self, const struct rlc_grant *g, char *reason,
			       size_t len, uint32_t *scope_out)
{
	struct rlc_block b = { 0 };
	uint32_t scopes[3];
	unsigned n = scopes_of(&self->h, g, scopes), i;
	uint64_t until = g->now_ns + g->retry_ns;
	PyObject *attrs = PyDict_New(), *scope;
	int found = 0, off;

	if (!attrs)
		return NULL;
	b.client = -1;
	for (i = 0; i < n && !found; i++)
		if (rlc_block_get(&self->h, scopes[i], &b) == 0 && b.until_ns)
			found = 1;
	i = found ? i - 1 : 0;
	scope = n ? rlcpy_scope_name(self, scopes[i]) : (Py_INCREF(Py_None), Py_None);
	*scope_out = n ? scopes[i] : RLC_NONE;
	if (!found) { /* it ended since: what the refusal said */
		memset(&b, 0, sizeof(b));
		b.client = -1;
	}
	off = snprintf(reason, len, "%s", b.status ? "" : "set by hand");
	if (b.status)
		off = snprintf(reason, len, "HTTP %d", b.status);
	if (b.has_code && off >= 0 && (size_t)off < len)
		off += snprintf(reason + off, len - (size_t)off, ", code %d", (int)b.code);
	if (b.client >= 0 && off >= 0 && (size_t)off < len)
		snprintf(reason + off, len - (size_t)off, ", reported by client %d", b.client);
	if (put(attrs, "scope", scope) < 0 ||
	    put(attrs, "retry_after", rlcpy_seconds_obj(g->retry_ns)) < 0 ||
	    put(attrs, "until", rlcpy_seconds_obj(until)) < 0 ||
	    put(attrs, "status", PyLong_FromLong(b.status)) < 0 ||
	    put(attrs, "code", b.has_code ? PyLong_FromLong(b.code) : (Py_INCREF(Py_None), Py_None)) < 0 ||
	    put(attrs, "client", PyLong_FromLong(b.client)) < 0 ||
	    put(attrs, "since", b.since_ns ? rlcpy_seconds_obj(b.since_ns) : (Py_INCREF(Py_None), Py_None)) < 0 ||
	    put(attrs, "reason", PyUnicode_FromString(reason)) < 0) {
		Py_DECREF(attrs);
		return NULL;
	}
	return attrs;
}

/* BreakerOpen's scope: the first of the refusal's scopes whose breaker is shut. */
static uint32_t breaker_scope(rlcpy_handle *self, const struct rlc_grant *g)
{
	struct rlc_breaker b;
	uint32_t scopes[3];
	unsigned n = scopes_of(&self->h, g, scopes), i;

	for (i = 0; i < n; i++)
		if (rlc_breaker_get(&self->h, scopes[i], &b) == 0 && b.state != RLC_BREAKER_CLOSED)
			return scopes[i];
	return n ? scopes[n > 1 ? 1 : 0] : RLC_NONE; /* the IP's, where the breaker counts */
}

/* "%.3f" of ns as seconds: PyUnicode_FromFormat has no %f. */
static const char *secs(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%.3f", rlcpy_seconds(ns));
	return buf;
}

PyObject *rlcpy_raise_refusal(rlcpy_handle *self, const char *fn, int err,
			      const struct rlc_grant *g)
{
	PyObject *attrs, *name, *msg;
	char reason[160], s[32];
	uint32_t scope;

	switch (-err) {
	case EAGAIN:
	case ETIMEDOUT:
	case E2BIG:
		if (!(attrs = PyDict_New()))
			return NULL;
		if (!(name = rlcpy_limit_name(self, g->refused_by)) ||
		    PyDict_SetItemString(attrs, "limit", name) < 0 ||
		    (err != -E2BIG && put(attrs, "retry_after", rlcpy_seconds_obj(g->retry_ns)) < 0)) {
			Py_XDECREF(name);
			Py_DECREF(attrs);
			return NULL;
		}
		secs(s, sizeof(s), g->retry_ns);
		if (err == -EAGAIN)
			msg = PyUnicode_FromFormat("%s(): refused by %S: it fits in %s s", fn, name, s);
		else if (err == -ETIMEDOUT)
			msg = PyUnicode_FromFormat("%s(): does not fit before the timeout: %S is "
						   "full for %s s more", fn, name, s);
		else
			msg = PyUnicode_FromFormat("%s(): the request's weight on %S is more than "
						   "its priority may ever fill", fn, name);
		Py_DECREF(name);
		return raise_with(err == -EAGAIN	    ? rlcpy_err.refused
				  : err == -ETIMEDOUT ? rlcpy_err.timeout
						      : rlcpy_err.too_big,
				  err, msg, attrs);
	case ECONNREFUSED:
		if (!(attrs = blocked_attrs(self, g, reason, sizeof(reason), &scope)))
			return NULL;
		msg = PyUnicode_FromFormat("%s(): %S is blocked for %s s more (%s)", fn,
					   PyDict_GetItemString(attrs, "scope"),
					   secs(s, sizeof(s), g->retry_ns), reason);
		return raise_with(rlcpy_err.blocked, err, msg, attrs);
	case EHOSTDOWN:
		scope = breaker_scope(self, g);
		if (!(attrs = PyDict_New()) ||
		    put(attrs, "retry_after", rlcpy_seconds_obj(g->retry_ns)) < 0 ||
		    put(attrs, "scope", scope == RLC_NONE ? (Py_INCREF(Py_None), Py_None)
							  : rlcpy_scope_name(self, scope)) < 0) {
			Py_XDECREF(attrs);
			return NULL;
		}
		msg = PyUnicode_FromFormat("%s(): the circuit breaker of %S is open: look again "
					   "in %s s", fn, PyDict_GetItemString(attrs, "scope"),
					   secs(s, sizeof(s), g->retry_ns));
		return raise_with(rlcpy_err.breaker, err, msg, attrs);
	default:
		return rlcpy_raise(self, fn, err);
	}
}
