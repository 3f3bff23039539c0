/* SPDX-License-Identifier: MIT */
/*
 * params.c - a reserve's Python arguments as rlc_reserve's: the endpoint
 * id, the parameters as rlc_param text, the account, the priority and a
 * timeout.  Hand-parsed from a vectorcall's arguments, so that the hot
 * path (`reserve(ep)`) parses nothing.
 *
 * Parameter values, as the exchange is sent them: str as it is; bool as
 * "true" / "false"; int and float in decimal (float as repr()); list and
 * tuple as JSON array text (what Binance's batchOrders carries, and what
 * rlc's `each` rules count the items of); None is skipped, as requests
 * leaves a None parameter out of the query.  Anything else is a TypeError
 * naming the key.
 */
#include "rlcpy.h"

static PyObject *s_params, *s_account, *s_priority, *s_timeout;
static PyObject *s_prio[RLC_PRIOS];

int rlcpy_interned_init(void)
{
	static const char *prio[RLC_PRIOS] = { "critical", "high", "normal", "low" };
	unsigned i;

	s_params = PyUnicode_InternFromString("params");
	s_account = PyUnicode_InternFromString("account");
	s_priority = PyUnicode_InternFromString("priority");
	s_timeout = PyUnicode_InternFromString("timeout");
	for (i = 0; i < RLC_PRIOS; i++)
		if (!(s_prio[i] = PyUnicode_InternFromString(prio[i])))
			return -1;
	return s_params && s_account && s_priority && s_timeout ? 0 : -1;
}

double rlcpy_seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

PyObject *rlcpy_seconds_obj(uint64_t ns)
{
	return PyFloat_FromDouble(rlcpy_seconds(ns));
}

static void params_init(struct rlcpy_params *pp)
{
	pp->p = pp->p_stack;
	pp->num = pp->num_stack;
	pp->keep = pp->keep_stack;
	pp->n = pp->nkeep = 0;
	pp->cap = RLCPY_PARAMS_STACK;
}

void rlcpy_params_release(struct rlcpy_params *pp)
{
	unsigned i;

	for (i = 0; i < pp->nkeep; i++)
		Py_DECREF(pp->keep[i]);
	if (pp->p != pp->p_stack) {
		PyMem_Free(pp->p);
		PyMem_Free(pp->num);
		PyMem_Free(pp->keep);
	}
	params_init(pp);
}

/* Room for `n` parameters (and two kept references each). */
static int params_reserve(struct rlcpy_params *pp, Py_ssize_t n)
{
	if (n <= (Py_ssize_t)pp->cap)
		return 0;
	if (n > 4096) {
		PyErr_Format(PyExc_ValueError, "params: %zd parameters, more than 4096", n);
		return -1;
	}
	pp->p = PyMem_Calloc((size_t)n, sizeof(*pp->p));
	pp->num = PyMem_Calloc((size_t)n, sizeof(*pp->num));
	pp->keep = PyMem_Calloc(2 * (size_t)n, sizeof(*pp->keep));
	pp->cap = (unsigned)n;
	if (!pp->p || !pp->num || !pp->keep) {
		PyMem_Free(pp->p);
		PyMem_Free(pp->num);
		PyMem_Free(pp->keep);
		params_init(pp);
		PyErr_NoMemory();
		return -1;
	}
	return 0;
}

/* The UTF-8 of str `s`, kept alive in pp; NULL with ValueError on a NUL. */
static const char *keep_utf8(struct rlcpy_params *pp, const char *fn, PyObject *s,
			     PyObject *key)
{
	Py_ssize_t len;
	const char *u = PyUnicode_AsUTF8AndSize(s, &len);

	if (!u)
		return NULL;
	if ((size_t)len != strlen(u)) {
		PyErr_Format(PyExc_ValueError, "%s(): params %s holds a NUL character (key %R)", fn,
			     key == s ? "key" : "value", key);
		return NULL;
	}
	Py_INCREF(s);
	pp->keep[pp->nkeep++] = s;
	return u;
}

/* One parameter `key` = `value` into pp; 1 added, 0 skipped (None), -1 error. */
static int param_add(struct rlcpy_params *pp, const char *fn, PyObject *key, PyObject *value)
{
	struct rlc_param *p = &pp->p[pp->n];
	char *num = pp->num[pp->n];
	PyObject *text = NULL;

	if (RLCPY_UNLIKELY(!PyUnicode_Check(key))) {
		PyErr_Format(PyExc_TypeError, "%s(): params keys must be str, not %.100s", fn,
			     Py_TYPE(key)->tp_name);
		return -1;
	}
	if (value == Py_None)
		return 0;
	if (!(p->name = keep_utf8(pp, fn, key, key)))
		return -1;
	if (PyUnicode_Check(value)) {
		p->value = keep_utf8(pp, fn, value, key);
		if (!p->value)
			return -1;
	} else if (PyBool_Check(value)) {
		p->value = value == Py_True ? "true" : "false";
	} else if (PyLong_Check(value)) {
		int overflow = 0;
		long long v = PyLong_AsLongLongAndOverflow(value, &overflow);

		if (v == -1 && PyErr_Occurred())
			return -1;
		if (overflow)
			text = PyObject_Str(value);
		else
			snprintf(num, RLCPY_NUM_LEN, "%lld", v);
		p->value = num;
	} else if (PyFloat_Check(value)) {
		text = PyObject_Repr(value);
	} else if (PyList_Check(value) || PyTuple_Check(value)) {
		text = PyObject_CallOneArg(rlcpy_err.json_dumps, value);
		if (!text && PyErr_ExceptionMatches(PyExc_TypeError)) {
			PyErr_Clear();
			PyErr_Format(PyExc_TypeError,
				     "%s(): params list items must be JSON values (key %R)", fn, key);
			return -1;
		}
	} else {
		PyErr_Format(PyExc_TypeError,
			     "%s(): params values must be str, int, float, bool, list, tuple or "
			     "None, not %.100s (key %R)",
			     fn, Py_TYPE(value)->tp_name, key);
		return -1;
	}
	if (text) {
		p->value = keep_utf8(pp, fn, text, key);
		Py_DECREF(text);
		if (!p->value)
			return -1;
	} else if (PyErr_Occurred()) {
		return -1;
	}
	pp->n++;
	return 1;
}

/* A dict, a mapping, or a sequence of (key, value) pairs, into pp. */
int rlcpy_params_from(struct rlcpy_params *pp, const char *fn, PyObject *params)
{
	PyObject *key, *value, *items = NULL, *pair;
	Py_ssize_t pos = 0, i, n;

	params_init(pp);
	if (params == Py_None)
		return 0;
	if (PyDict_Check(params)) {
		if (params_reserve(pp, PyDict_GET_SIZE(params)) < 0)
			return -1;
		while (PyDict_Next(params, &pos, &key, &value))
			if (param_add(pp, fn, key, value) < 0)
				goto fail;
		return 0;
	}
	if (PyMapping_Check(params) && !PyList_Check(params) && !PyTuple_Check(params) &&
	    !PyUnicode_Check(params)) {
		if (!(items = PyMapping_Items(params)))
			return -1;
	} else if (PyList_Check(params) || PyTuple_Check(params)) {
		items = PySequence_Fast(params, "params");
	} else {
		PyErr_Format(PyExc_TypeError,
			     "%s(): params must be a dict, a mapping or a list of (key, value) "
			     "pairs, not %.100s",
			     fn, Py_TYPE(params)->tp_name);
		return -1;
	}
	if (!items)
		return -1;
	n = PySequence_Fast_GET_SIZE(items);
	if (params_reserve(pp, n) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		pair = PySequence_Fast_GET_ITEM(items, i);
		if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
			PyErr_Format(PyExc_TypeError,
				     "%s(): params items must be (key, value) pairs, not %.100s", fn,
				     Py_TYPE(pair)->tp_name);
			goto fail;
		}
		if (param_add(pp, fn, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1)) < 0)
			goto fail;
	}
	Py_DECREF(items);
	return 0;
fail:
	Py_XDECREF(items);
	rlcpy_params_release(pp);
	return -1;
}

/* A non-negative id that fits 32 bits (not a bool), into *out. */
int rlcpy_uint_arg(const char *fn, const char *what, PyObject *o, uint32_t *out)
{
	long v;

	if (RLCPY_UNLIKELY(!PyLong_Check(o) || PyBool_Check(o))) {
		PyErr_Format(PyExc_TypeError, "%s(): %s must be an int id, not %.100s", fn, what,
			     Py_TYPE(o)->tp_name);
		return -1;
	}
	v = PyLong_AsLong(o);
	if (RLCPY_UNLIKELY(v < 0 || v > INT32_MAX)) {
		if (v == -1 && PyErr_Occurred())
			PyErr_Clear();
		PyErr_Format(PyExc_ValueError, "%s(): %s must be an id from 0 to %d, not %R", fn,
			     what, INT32_MAX, o);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* None: the endpoint's own; 0 to 3 (rlc.Priority); or its name. */
static int priority_arg(const char *fn, PyObject *o, int *out)
{
	unsigned i;

	if (o == Py_None) {
		*out = RLC_PRIO_ENDPOINT;
		return 0;
	}
	if (PyUnicode_Check(o)) {
		for (i = 0; i < RLC_PRIOS; i++)
			if (o == s_prio[i] || PyUnicode_Compare(o, s_prio[i]) == 0) {
				*out = (int)i;
				return 0;
			}
		if (PyErr_Occurred())
			return -1;
		PyErr_Format(PyExc_ValueError,
			     "%s(): priority must be 'critical', 'high', 'normal', 'low', 0 to 3 or "
			     "None, not %R",
			     fn, o);
		return -1;
	}
	if (PyLong_Check(o) && !PyBool_Check(o)) {
		long v = PyLong_AsLong(o);

		if (v >= 0 && v < (long)RLC_PRIOS) {
			*out = (int)v;
			return 0;
		}
		PyErr_Clear();
		PyErr_Format(PyExc_ValueError,
			     "%s(): priority must be 0 (critical) to 3 (low), not %R", fn, o);
		return -1;
	}
	PyErr_Format(PyExc_TypeError,
		     "%s(): priority must be a str, an int or None, not %.100s", fn,
		     Py_TYPE(o)->tp_name);
	return -1;
}

/* None: the exchange's only account; else an account id. */
static int account_arg(const char *fn, PyObject *o, int *out)
{
	uint32_t id;

	if (o == Py_None) {
		*out = RLC_ACCOUNT_ONLY;
		return 0;
	}
	if (rlcpy_uint_arg(fn, "account", o, &id) < 0)
		return -1;
	*out = (int)id;
	return 0;
}

/*
 * (endpoint, params=None, account=None, priority=None[, timeout=None]),
 * timeout only when `timeout` is not NULL.  On success rq->params holds
 * references: rlcpy_params_release them.
 */
int rlcpy_request_from(struct rlcpy_request *rq, const char *fn, PyObject *const *args,
		       Py_ssize_t nargs, PyObject *kwnames, PyObject **timeout)
{
	PyObject *slot[5] = { NULL, Py_None, Py_None, Py_None, Py_None };
	PyObject *const names[5] = { NULL, s_params, s_account, s_priority, s_timeout };
	Py_ssize_t max = timeout ? 5 : 4, i, k, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;

	if (RLCPY_UNLIKELY(nargs < 1 || nargs > max)) {
		PyErr_Format(PyExc_TypeError, "%s() takes an endpoint and up to %zd more arguments "
			     "(%zd given)", fn, max - 1, nargs < 1 ? nargs : nargs - 1);
		return -1;
	}
	for (i = 0; i < nargs; i++)
		slot[i] = args[i];
	for (k = 0; k < nkw; k++) {
		PyObject *name = PyTuple_GET_ITEM(kwnames, k);

		for (i = 1; i < max; i++)
			if (name == names[i] || PyUnicode_Compare(name, names[i]) == 0)
				break;
		if (i == max) {
			PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument %R", fn,
				     name);
			return -1;
		}
		if (i < nargs) {
			PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument %R", fn,
				     name);
			return -1;
		}
		slot[i] = args[nargs + k];
	}
	if (rlcpy_uint_arg(fn, "endpoint", slot[0], &rq->endpoint) < 0 ||
	    account_arg(fn, slot[2], &rq->account) < 0 || priority_arg(fn, slot[3], &rq->priority) < 0)
		return -1;
	if (timeout)
		*timeout = slot[4];
	return rlcpy_params_from(&rq->params, fn, slot[1]);
}

/* None: no deadline; else seconds >= 0 from `now`. */
int rlcpy_deadline(const char *fn, PyObject *timeout, uint64_t now, uint64_t *deadline)
{
	double s;

	if (timeout == Py_None) {
		*deadline = UINT64_MAX;
		return 0;
	}
	if (!PyFloat_Check(timeout) && !PyLong_Check(timeout)) {
		PyErr_Format(PyExc_TypeError, "%s(): timeout must be seconds (int or float) or None, "
			     "not %.100s", fn, Py_TYPE(timeout)->tp_name);
		return -1;
	}
	s = PyFloat_AsDouble(timeout);
	if (s == -1.0 && PyErr_Occurred())
		return -1;
	if (!(s >= 0)) { /* NaN too */
		PyErr_Format(PyExc_ValueError, "%s(): timeout must be >= 0 seconds, not %R", fn,
			     timeout);
		return -1;
	}
	*deadline = s >= 1e9 ? UINT64_MAX : now + (uint64_t)(s * 1e9);
	return 0;
}
