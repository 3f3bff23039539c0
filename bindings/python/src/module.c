/* SPDX-License-Identifier: MIT */
/*
 * module.c - rlc._rlc: the types, the exception classes of rlc.errors, the
 * constants, and a fork() hook: a child must not use (or close) the
 * parent's client record, so every handle open at the fork is disowned in
 * the child.
 */
#include "rlcpy.h"

struct rlcpy_errors rlcpy_err;

/* Open handles, for the fork hook; the GIL guards the list. */
static rlcpy_handle *open_handles;

void rlcpy_handle_link(rlcpy_handle *self)
{
	self->next_open = open_handles;
	open_handles = self;
}

void rlcpy_handle_unlink(rlcpy_handle *self)
{
	rlcpy_handle **p;

	for (p = &open_handles; *p; p = &(*p)->next_open)
		if (*p == self) {
			*p = self->next_open;
			break;
		}
	self->next_open = NULL;
}

/* os.register_at_fork(after_in_child=_after_fork): the records are the parent's. */
static PyObject *after_fork(PyObject *module, PyObject *unused)
{
	rlcpy_handle *o;

	for (o = open_handles; o; o = o->next_open) {
		o->forked = 1;
		o->h.self = NULL; /* rlc_close must not release the parent's record */
	}
	Py_RETURN_NONE;
}

static PyObject *now(PyObject *module, PyObject *unused)
{
	return PyFloat_FromDouble(rlcpy_seconds(rlc_now_ns()));
}

static PyObject *now_ns(PyObject *module, PyObject *unused)
{
	return PyLong_FromUnsignedLongLong(rlc_now_ns());
}

static PyMethodDef module_methods[] = {
	{ "_after_fork", after_fork, METH_NOARGS, PyDoc_STR("the fork hook (internal)") },
	{ "now", now, METH_NOARGS,
	  PyDoc_STR("now()\n--\n\nCLOCK_MONOTONIC in seconds, as rlc reads it (time.monotonic()).") },
	{ "now_ns", now_ns, METH_NOARGS, PyDoc_STR("now_ns()\n--\n\nCLOCK_MONOTONIC in ns.") },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "rlc._rlc",
	.m_doc = PyDoc_STR("The C layer of the rlc package: rlc.h's client API."),
	.m_size = -1,
	.m_methods = module_methods,
};

/* The Handle's methods: the tables of the files that define them, joined. */
static int join_methods(void)
{
	PyMethodDef *tables[] = { rlcpy_handle_lookup_methods, rlcpy_handle_reserve_methods,
				  rlcpy_handle_feedback_methods, rlcpy_handle_state_methods };
	static PyMethodDef *all;
	size_t n = 0, t, i, k = 0;

	for (t = 0; t < 4; t++)
		for (i = 0; tables[t][i].ml_name; i++)
			n++;
	if (!(all = PyMem_Calloc(n + 1, sizeof(*all)))) {
		PyErr_NoMemory();
		return -1;
	}
	for (t = 0; t < 4; t++)
		for (i = 0; tables[t][i].ml_name; i++)
			all[k++] = tables[t][i];
	rlcpy_handle_type.tp_methods = all;
	return 0;
}

static int load_errors(void)
{
	PyObject *m = PyImport_ImportModule("rlc.errors"), *json;

	if (!m)
		return -1;
	rlcpy_err.base = PyObject_GetAttrString(m, "RlcError");
	rlcpy_err.refused = PyObject_GetAttrString(m, "Refused");
	rlcpy_err.timeout = PyObject_GetAttrString(m, "ReserveTimeout");
	rlcpy_err.blocked = PyObject_GetAttrString(m, "Blocked");
	rlcpy_err.breaker = PyObject_GetAttrString(m, "BreakerOpen");
	rlcpy_err.unknown = PyObject_GetAttrString(m, "UnknownEndpoint");
	rlcpy_err.too_big = PyObject_GetAttrString(m, "TooBig");
	rlcpy_err.corrupt = PyObject_GetAttrString(m, "CorruptSegment");
	rlcpy_err.no_segment = PyObject_GetAttrString(m, "NoSegment");
	Py_DECREF(m);
	/* list parameters as compact JSON: what an exchange is sent */
	if (!(json = PyImport_ImportModule("json")))
		return -1;
	m = PyObject_GetAttrString(json, "JSONEncoder");
	Py_DECREF(json);
	if (m) {
		PyObject *kw = Py_BuildValue("{s:(ss)}", "separators", ",", ":"), *a = PyTuple_New(0),
			 *enc = kw && a ? PyObject_Call(m, a, kw) : NULL;

		rlcpy_err.json_dumps = enc ? PyObject_GetAttrString(enc, "encode") : NULL;
		Py_XDECREF(enc);
		Py_XDECREF(a);
		Py_XDECREF(kw);
		Py_DECREF(m);
	}
	return rlcpy_err.base && rlcpy_err.refused && rlcpy_err.timeout && rlcpy_err.blocked &&
			       rlcpy_err.breaker && rlcpy_err.unknown && rlcpy_err.too_big &&
			       rlcpy_err.corrupt && rlcpy_err.no_segment && rlcpy_err.json_dumps
		       ? 0
		       : -1;
}

PyMODINIT_FUNC PyInit__rlc(void);

PyMODINIT_FUNC PyInit__rlc(void)
{
	PyObject *m;

	if (load_errors() < 0 || rlcpy_interned_init() < 0 || join_methods() < 0 ||
	    PyType_Ready(&rlcpy_handle_type) < 0 || rlcpy_grant_types_init() < 0 ||
	    PyType_Ready(&rlcpy_waiter_type) < 0 || !(m = PyModule_Create(&module_def)))
		return NULL;
	Py_INCREF(&rlcpy_handle_type);
	Py_INCREF(&rlcpy_grant_type);
	Py_INCREF(&rlcpy_waiter_type);
	if (PyModule_AddObject(m, "Handle", (PyObject *)&rlcpy_handle_type) < 0 ||
	    PyModule_AddObject(m, "Grant", (PyObject *)&rlcpy_grant_type) < 0 ||
	    PyModule_AddObject(m, "Waiter", (PyObject *)&rlcpy_waiter_type) < 0 ||
	    rlcpy_state_types_init(m) < 0 ||
	    PyModule_AddIntConstant(m, "FEEDBACK_RAISED", RLC_FEEDBACK_RAISED) < 0 ||
	    PyModule_AddIntConstant(m, "FEEDBACK_MALFORMED", RLC_FEEDBACK_MALFORMED) < 0 ||
	    PyModule_AddIntConstant(m, "FEEDBACK_UNMATCHED", RLC_FEEDBACK_UNMATCHED) < 0 ||
	    PyModule_AddIntConstant(m, "FEEDBACK_BLOCKED", RLC_FEEDBACK_BLOCKED) < 0 ||
	    PyModule_AddIntConstant(m, "FEEDBACK_CLOCK", RLC_FEEDBACK_CLOCK) < 0 ||
	    PyModule_AddIntConstant(m, "FEEDBACK_BREAKER", RLC_FEEDBACK_BREAKER) < 0 ||
	    PyModule_AddIntConstant(m, "CLIENT_NAME_MAX", RLC_CLIENT_NAME_MAX - 1) < 0 ||
	    PyModule_AddStringConstant(m, "SEGMENT_DEFAULT", RLC_SEGMENT_DEFAULT) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
