/* SPDX-License-Identifier: MIT */
/*
 * feedback.c - feedback(grant, status, headers, code, elapsed,
 * server_time_ms): a response as struct rlc_response, for rlc_feedback.
 * Headers come as the HTTP clients hand them over: a mapping (dict,
 * aiohttp's CIMultiDictProxy, requests' CaseInsensitiveDict, httpx.Headers)
 * or a list of (name, value) pairs, str or bytes.
 */
#include "rlcpy.h"

#define HEADERS_STACK 48

struct headers {
	struct rlc_http_header *h;
	unsigned n;
	PyObject *items; /* what the pointers point into */
	struct rlc_http_header stack[HEADERS_STACK];
};

/* The text of a header name or value (str or bytes), NULL with TypeError. */
static const char *header_text(PyObject *o, const char *what, PyObject *name)
{
	if (PyUnicode_Check(o))
		return PyUnicode_AsUTF8(o);
	if (PyBytes_Check(o))
		return PyBytes_AS_STRING(o);
	if (name)
		PyErr_Format(PyExc_TypeError,
			     "feedback(): headers %s must be str or bytes, not %.100s (header %R)",
			     what, Py_TYPE(o)->tp_name, name);
	else
		PyErr_Format(PyExc_TypeError, "feedback(): headers %s must be str or bytes, not %.100s",
			     what, Py_TYPE(o)->tp_name);
	return NULL;
}

static int headers_from(struct headers *hd, PyObject *headers)
{
	PyObject *pair;
	Py_ssize_t i, n;

	hd->h = hd->stack;
	hd->n = 0;
	hd->items = NULL;
	if (headers == Py_None)
		return 0;
	if (PyList_Check(headers) || PyTuple_Check(headers)) {
		Py_INCREF(headers);
		hd->items = headers;
	} else if (PyDict_Check(headers)) {
		hd->items = PyDict_Items(headers);
	} else if (PyMapping_Check(headers) && !PyUnicode_Check(headers) && !PyBytes_Check(headers)) {
		PyObject *items = PyMapping_Items(headers);

		hd->items = items ? PySequence_Fast(items, "headers") : NULL;
		Py_XDECREF(items);
	} else {
		PyErr_Format(PyExc_TypeError,
			     "feedback(): headers must be a mapping or a list of (name, value) "
			     "pairs, not %.100s",
			     Py_TYPE(headers)->tp_name);
		return -1;
	}
	if (!hd->items)
		return -1;
	n = PySequence_Fast_GET_SIZE(hd->items);
	if (n > 100000) {
		PyErr_Format(PyExc_ValueError, "feedback(): %zd headers, more than 100000", n);
		return -1;
	}
	if (n > HEADERS_STACK && !(hd->h = PyMem_Calloc((size_t)n, sizeof(*hd->h)))) {
		hd->h = hd->stack;
		PyErr_NoMemory();
		return -1;
	}
	for (i = 0; i < n; i++) {
		pair = PySequence_Fast_GET_ITEM(hd->items, i);
		if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
			PyErr_Format(PyExc_TypeError,
				     "feedback(): headers items must be (name, value) pairs, not %.100s",
				     Py_TYPE(pair)->tp_name);
			return -1;
		}
		if (!(hd->h[i].name = header_text(PyTuple_GET_ITEM(pair, 0), "names", NULL)) ||
		    !(hd->h[i].value = header_text(PyTuple_GET_ITEM(pair, 1), "values",
						   PyTuple_GET_ITEM(pair, 0))))
			return -1;
	}
	hd->n = (unsigned)n;
	return 0;
}

static void headers_release(struct headers *hd)
{
	if (hd->h != hd->stack)
		PyMem_Free(hd->h);
	Py_CLEAR(hd->items);
}

/* The exchange's error code: None, a str ("-1003") or an int. */
static int code_arg(PyObject *o, char *buf, size_t len, const char **out)
{
	*out = NULL;
	if (o == Py_None)
		return 0;
	if (PyUnicode_Check(o))
		return (*out = PyUnicode_AsUTF8(o)) ? 0 : -1;
	if (PyLong_Check(o) && !PyBool_Check(o)) {
		long long v = PyLong_AsLongLong(o);

		if (v == -1 && PyErr_Occurred()) {
			PyErr_Clear(); /* beyond any code: none */
			return 0;
		}
		snprintf(buf, len, "%lld", v);
		*out = buf;
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "feedback(): code must be a str, an int or None, not %.100s",
		     Py_TYPE(o)->tp_name);
	return -1;
}

static int status_arg(PyObject *o, int *out)
{
	long v;

	if (!PyLong_Check(o) || PyBool_Check(o)) {
		PyErr_Format(PyExc_TypeError, "feedback(): status must be an int, not %.100s",
			     Py_TYPE(o)->tp_name);
		return -1;
	}
	v = PyLong_AsLong(o);
	if (v != 0 && (v < 100 || v > 599)) {
		PyErr_Clear();
		PyErr_Format(PyExc_ValueError,
			     "feedback(): status must be 0 (no response) or 100 to 599, not %R", o);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* elapsed: seconds (None or 0: not measured). */
static int elapsed_arg(PyObject *o, uint64_t *out)
{
	double s;

	*out = 0;
	if (o == Py_None)
		return 0;
	if (!PyFloat_Check(o) && !(PyLong_Check(o) && !PyBool_Check(o))) {
		PyErr_Format(PyExc_TypeError, "feedback(): elapsed must be seconds (int or float) or "
			     "None, not %.100s", Py_TYPE(o)->tp_name);
		return -1;
	}
	s = PyFloat_AsDouble(o);
	if (s == -1.0 && PyErr_Occurred())
		return -1;
	if (!(s >= 0) || s > 1e6) {
		PyErr_Format(PyExc_ValueError, "feedback(): elapsed must be 0 to 1e6 seconds, not %R",
			     o);
		return -1;
	}
	*out = (uint64_t)(s * 1e9);
	return 0;
}

static int server_time_arg(PyObject *o, int64_t *out)
{
	long long v;

	*out = 0;
	if (o == Py_None)
		return 0;
	if (!PyLong_Check(o) || PyBool_Check(o)) {
		PyErr_Format(PyExc_TypeError, "feedback(): server_time_ms must be an int or None, "
			     "not %.100s", Py_TYPE(o)->tp_name);
		return -1;
	}
	v = PyLong_AsLongLong(o);
	if (v == -1 && PyErr_Occurred()) {
		PyErr_Clear(); /* out of range: rlc_feedback ignores such a time anyway */
		return 0;
	}
	*out = v;
	return 0;
}

static PyObject *handle_feedback(rlcpy_handle *self, PyObject *const *args, Py_ssize_t nargs,
				 PyObject *kwnames)
{
	static const char *const names[6] = { "grant", "status", "headers", "code", "elapsed",
					      "server_time_ms" };
	PyObject *slot[6] = { NULL, NULL, Py_None, Py_None, Py_None, Py_None };
	Py_ssize_t i, k, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
	struct rlc_response r;
	struct headers hd;
	char codebuf[24];
	rlcpy_grant *g;
	int err;

	if (rlcpy_check(self, "feedback", 1) < 0)
		return NULL;
	if (nargs > 6)
		return PyErr_Format(PyExc_TypeError, "feedback() takes at most 6 arguments (%zd given)",
				    nargs);
	for (i = 0; i < nargs; i++)
		slot[i] = args[i];
	for (k = 0; k < nkw; k++) {
		PyObject *name = PyTuple_GET_ITEM(kwnames, k);

		for (i = 0; i < 6; i++)
			if (PyUnicode_CompareWithASCIIString(name, names[i]) == 0)
				break;
		if (i == 6)
			return PyErr_Format(PyExc_TypeError,
					    "feedback() got an unexpected keyword argument %R", name);
		if (i < nargs)
			return PyErr_Format(PyExc_TypeError,
					    "feedback() got multiple values for argument %R", name);
		slot[i] = args[nargs + k];
	}
	if (!slot[0] || !slot[1])
		return PyErr_Format(PyExc_TypeError, "feedback() needs a grant and a status");
	if (rlcpy_grant_of(self, "feedback", slot[0], &g) < 0)
		return NULL;
	if (g->state & (RLCPY_GRANT_REFUNDED | RLCPY_GRANT_FED))
		return PyErr_Format(PyExc_ValueError,
				    g->state & RLCPY_GRANT_REFUNDED
					    ? "feedback(): the grant was refunded: its request was "
					      "not sent"
					    : "feedback(): the grant's response was fed back already");
	memset(&r, 0, sizeof(r));
	if (status_arg(slot[1], &r.status) < 0 || code_arg(slot[3], codebuf, sizeof(codebuf), &r.code) < 0 ||
	    elapsed_arg(slot[4], &r.elapsed_ns) < 0 || server_time_arg(slot[5], &r.server_time_ms) < 0)
		return NULL;
	if (headers_from(&hd, slot[2]) < 0) {
		headers_release(&hd);
		return NULL;
	}
	r.headers = hd.n ? hd.h : NULL;
	r.headers_count = hd.n;
	err = rlc_feedback(&self->h, &g->g, &r);
	headers_release(&hd);
	if (err < 0) {
		if (err == -EINVAL)
			return PyErr_Format(PyExc_ValueError, "feedback(): the grant's limits are not "
					    "this segment's any more (a reload)");
		return rlcpy_raise(self, "feedback", err);
	}
	g->state |= RLCPY_GRANT_FED;
	return PyLong_FromLong(err);
}

PyMethodDef rlcpy_handle_feedback_methods[] = {
	RLCPY_FAST("feedback", handle_feedback, METH_KEYWORDS,
		   "feedback(grant, status, headers=None, code=None, elapsed=None, "
		   "server_time_ms=None)\n--\n\n"
		   "Feed the response to a granted request back (rlc_feedback): status 0 for no "
		   "response; headers a mapping or (name, value) pairs; code the exchange's error "
		   "code from the body; elapsed the seconds from sending to the response; "
		   "server_time_ms a server time from the body.  Returns the rlc.Feedback bits of "
		   "what it did."),
	{ NULL, NULL, 0, NULL },
};
