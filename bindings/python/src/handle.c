/* SPDX-License-Identifier: MIT */
/*
 * handle.c - rlc._rlc.Handle: rlc_open on construction, rlc_close on
 * close() or when collected; the name lookups (exchange, account,
 * endpoint, scope, limit, mode) and the profile's catalog.
 */
#include "rlcpy.h"

/* rlcpy_check's slow path: say why the handle is not usable. */
int rlcpy_check_fail(rlcpy_handle *self, const char *fn, int writes)
{
	if (RLCPY_UNLIKELY(self->forked)) {
		PyErr_Format(PyExc_RuntimeError,
			     "%s(): this rlc.Client was opened by the parent of this forked process; "
			     "open a Client in the child", fn);
		return -1;
	}
	if (RLCPY_UNLIKELY(!self->open)) {
		PyErr_Format(PyExc_ValueError, "%s(): the rlc.Client is closed", fn);
		return -1;
	}
	if (RLCPY_UNLIKELY(writes && !self->h.self)) {
		PyErr_Format(PyExc_ValueError, "%s(): the rlc.Client is read-only", fn);
		return -1;
	}
	return 0;
}

PyObject *rlcpy_scope_name(rlcpy_handle *self, uint32_t scope)
{
	if (!self->open || scope >= self->h.layout.scopes_count)
		Py_RETURN_NONE;
	return PyUnicode_FromString(self->h.scopes[scope]);
}

PyObject *rlcpy_limit_name(rlcpy_handle *self, int32_t limit)
{
	if (!self->open || limit < 0 || (uint32_t)limit >= self->h.limits_count)
		Py_RETURN_NONE;
	return PyUnicode_FromString(self->h.limits[limit].name);
}

/* An exchange id argument, checked against the catalog. */
int rlcpy_exchange_arg(rlcpy_handle *self, const char *fn, PyObject *o, int *out)
{
	uint32_t id;

	if (rlcpy_uint_arg(fn, "exchange", o, &id) < 0)
		return -1;
	if (id >= self->h.cat.exchanges_count) {
		rlcpy_raise_unknown(fn, "exchange", o, NULL);
		return -1;
	}
	*out = (int)id;
	return 0;
}

/* A scope by id or by name ("binance-usdm.ip"). */
int rlcpy_scope_arg(rlcpy_handle *self, const char *fn, PyObject *o, uint32_t *out)
{
	int id;

	if (PyUnicode_Check(o)) {
		const char *s = PyUnicode_AsUTF8(o);

		if (!s)
			return -1;
		if ((id = rlc_scope_id(&self->h, s)) < 0) {
			rlcpy_raise_unknown(fn, "scope", o, NULL);
			return -1;
		}
		*out = (uint32_t)id;
		return 0;
	}
	if (PyLong_Check(o) && !PyBool_Check(o)) {
		if (rlcpy_uint_arg(fn, "scope", o, out) < 0)
			return -1;
		if (*out >= self->h.layout.scopes_count) {
			rlcpy_raise_unknown(fn, "scope", o, NULL);
			return -1;
		}
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "%s(): scope must be a name (str) or an id (int), not %.100s",
		     fn, Py_TYPE(o)->tp_name);
	return -1;
}

/* str argument `what` of `fn`, as UTF-8. */
static const char *str_arg(const char *fn, const char *what, PyObject *o)
{
	if (!PyUnicode_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s(): %s must be a str, not %.100s", fn, what,
			     Py_TYPE(o)->tp_name);
		return NULL;
	}
	return PyUnicode_AsUTF8(o);
}

static int handle_init(rlcpy_handle *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "segment", "name", "readonly", NULL };
	PyObject *segment = Py_None, *name = Py_None;
	const char *seg = NULL, *nm = NULL;
	char fallback[RLC_CLIENT_NAME_MAX];
	int readonly = 0, err;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOp:Client", kwlist, &segment, &name,
					 &readonly))
		return -1;
	if (self->open) {
		PyErr_SetString(PyExc_RuntimeError, "Client(): already open");
		return -1;
	}
	if (segment != Py_None && !(seg = str_arg("Client", "segment", segment)))
		return -1;
	if (name != Py_None && !(nm = str_arg("Client", "name", name)))
		return -1;
	if (nm && strlen(nm) >= RLC_CLIENT_NAME_MAX) {
		PyErr_Format(PyExc_ValueError, "Client(): name must be at most %u bytes, not %R",
			     RLC_CLIENT_NAME_MAX - 1, name);
		return -1;
	}
	if (!nm) { /* the program's name, as a C client would register */
		snprintf(fallback, sizeof(fallback), "python-%ld", (long)getpid());
		nm = fallback;
	}
	err = rlc_open(&self->h, seg, nm, readonly ? RLC_OPEN_READONLY : 0);
	if (err) {
		PyObject *attrs, *segname;

		if (err == -EINVAL) {
			PyErr_Format(PyExc_ValueError, "Client(): %s", self->h.why);
			return -1;
		}
		if (err != -ENOENT) {
			rlcpy_raise(self, "Client", err);
			return -1;
		}
		/* NoSegment(message, segment=, why=) */
		segname = PyUnicode_FromString(rlc_segment_name(seg));
		attrs = Py_BuildValue("{s:N,s:s,s:i,s:s}", "segment", segname, "why", self->h.why,
				      "errno", ENOENT, "errname", "ENOENT");
		if (attrs) {
			PyObject *a = Py_BuildValue("(s)", self->h.why), *e;

			if (a && (e = PyObject_Call(rlcpy_err.no_segment, a, attrs))) {
				PyErr_SetObject(rlcpy_err.no_segment, e);
				Py_DECREF(e);
			}
			Py_XDECREF(a);
			Py_DECREF(attrs);
		}
		return -1;
	}
	self->open = 1;
	Py_XSETREF(self->segment, PyUnicode_FromString(rlc_segment_name(seg)));
	Py_XSETREF(self->name, PyUnicode_FromString(nm));
	rlcpy_handle_link(self);
	return self->segment && self->name ? 0 : -1;
}

static void handle_close_now(rlcpy_handle *self)
{
	if (!self->open)
		return;
	rlc_close(&self->h); /* a forked child's handle has no record to release */
	self->open = 0;
	rlcpy_handle_unlink(self);
}

static void handle_dealloc(rlcpy_handle *self)
{
	if (self->weakrefs)
		PyObject_ClearWeakRefs((PyObject *)self);
	handle_close_now(self);
	Py_CLEAR(self->segment);
	Py_CLEAR(self->name);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *handle_close(rlcpy_handle *self, PyObject *unused)
{
	handle_close_now(self);
	Py_RETURN_NONE;
}

static PyObject *handle_refresh(rlcpy_handle *self, PyObject *unused)
{
	if (rlcpy_check(self, "refresh", 0) < 0)
		return NULL;
	return PyBool_FromLong(rlc_refresh(&self->h) == 1);
}

/* Lookup results: an id, or UnknownEndpoint naming what was asked. */
static PyObject *lookup_result(int id, const char *fn, const char *kind, PyObject *name,
			       const char *of)
{
	if (id >= 0)
		return PyLong_FromLong(id);
	if (id == -ENOENT)
		return rlcpy_raise_unknown(fn, kind, name, of);
	return PyErr_Format(PyExc_ValueError, "%s(): invalid argument", fn);
}

static PyObject *handle_exchange_id(rlcpy_handle *self, PyObject *name)
{
	const char *s;

	if (rlcpy_check(self, "exchange_id", 0) < 0 || !(s = str_arg("exchange_id", "name", name)))
		return NULL;
	return lookup_result(rlc_exchange_id(&self->h, s), "exchange_id", "exchange", name, NULL);
}

static PyObject *handle_account_id(rlcpy_handle *self, PyObject *const *args, Py_ssize_t n)
{
	const char *s;
	int x;

	if (rlcpy_check(self, "account_id", 0) < 0)
		return NULL;
	if (n != 2)
		return PyErr_Format(PyExc_TypeError, "account_id() takes (exchange, name)");
	if (rlcpy_exchange_arg(self, "account_id", args[0], &x) < 0 ||
	    !(s = str_arg("account_id", "name", args[1])))
		return NULL;
	return lookup_result(rlc_account_id(&self->h, x, s), "account_id", "account", args[1],
			     self->h.cat.exchanges[x].name);
}

static PyObject *handle_endpoint_id(rlcpy_handle *self, PyObject *const *args, Py_ssize_t n)
{
	const char *m, *p;
	PyObject *name;
	int x, id;

	if (rlcpy_check(self, "endpoint_id", 0) < 0)
		return NULL;
	if (n != 3)
		return PyErr_Format(PyExc_TypeError, "endpoint_id() takes (exchange, method, path)");
	if (rlcpy_exchange_arg(self, "endpoint_id", args[0], &x) < 0 ||
	    !(m = str_arg("endpoint_id", "method", args[1])) ||
	    !(p = str_arg("endpoint_id", "path", args[2])))
		return NULL;
	if ((id = rlc_endpoint_id(&self->h, x, m, p)) >= 0)
		return PyLong_FromLong(id);
	if (!(name = PyUnicode_FromFormat("%s %s", m, p)))
		return NULL;
	lookup_result(id, "endpoint_id", "endpoint", name, self->h.cat.exchanges[x].name);
	Py_DECREF(name);
	return NULL;
}

static PyObject *handle_scope_id(rlcpy_handle *self, PyObject *name)
{
	const char *s;

	if (rlcpy_check(self, "scope_id", 0) < 0 || !(s = str_arg("scope_id", "name", name)))
		return NULL;
	return lookup_result(rlc_scope_id(&self->h, s), "scope_id", "scope", name, NULL);
}

static PyObject *handle_limit_id(rlcpy_handle *self, PyObject *name)
{
	const char *s;

	if (rlcpy_check(self, "limit_id", 0) < 0 || !(s = str_arg("limit_id", "name", name)))
		return NULL;
	return lookup_result(rlc_limit_id(&self->h, s), "limit_id", "limit", name, NULL);
}

static PyObject *handle_mode_id(rlcpy_handle *self, PyObject *const *args, Py_ssize_t n)
{
	const char *s;
	int x;

	if (rlcpy_check(self, "mode_id", 0) < 0)
		return NULL;
	if (n != 2)
		return PyErr_Format(PyExc_TypeError, "mode_id() takes (exchange, name)");
	if (rlcpy_exchange_arg(self, "mode_id", args[0], &x) < 0 ||
	    !(s = str_arg("mode_id", "name", args[1])))
		return NULL;
	return lookup_result(rlc_mode_id(&self->h, x, s), "mode_id", "mode", args[1],
			     self->h.cat.exchanges[x].name);
}

static const char *const prio_names[RLC_PRIOS] = { "critical", "high", "normal", "low" };

/* One exchange of the catalog: a dict of its names, accounts, endpoints and modes. */
static PyObject *exchange_dict(rlcpy_handle *self, uint32_t x)
{
	const struct rlc_catalog *c = &self->h.cat;
	const struct rlc_exchange_view *v = &c->exchanges[x];
	PyObject *accounts = PyList_New(0), *endpoints = PyList_New(0), *modes = PyList_New(0);
	PyObject *params, *d = NULL;
	uint32_t i, j;

	if (!accounts || !endpoints || !modes)
		goto out;
	for (i = v->accounts_first; i < v->accounts_first + v->accounts_count; i++) {
		if (rlcpy_append(accounts, Py_BuildValue("(Iss)", i, c->accounts[i].name,
							 self->h.scopes[c->accounts[i].scope])) < 0)
			goto out;
	}
	for (i = v->endpoints_first; i < v->endpoints_first + v->endpoints_count; i++) {
		const struct rlc_endpoint_view *e = &c->endpoints[i];

		if (!(params = PyTuple_New(e->params_count)))
			goto out;
		for (j = 0; j < e->params_count; j++)
			PyTuple_SET_ITEM(params, j, PyUnicode_FromString(e->param[j]));
		if (rlcpy_append(endpoints,
				 Py_BuildValue("(IssN)", i, e->name,
					       prio_names[e->priority < RLC_PRIOS ? e->priority
										  : RLC_PRIO_LOW],
					       params)) < 0)
			goto out;
	}
	for (i = 0; i < v->modes_count; i++)
		if (rlcpy_append(modes, PyUnicode_FromString(v->modes[i].name)) < 0)
			goto out;
	d = Py_BuildValue("{s:I,s:s,s:N,s:O,s:O,s:O}", "id", x, "name", v->name, "ip_scope",
			  v->ip_scope != RLC_NONE ? PyUnicode_FromString(self->h.scopes[v->ip_scope])
						  : (Py_INCREF(Py_None), Py_None),
			  "accounts", accounts, "endpoints", endpoints, "modes", modes);
out:
	Py_XDECREF(accounts);
	Py_XDECREF(endpoints);
	Py_XDECREF(modes);
	return d;
}

static PyObject *handle_catalog(rlcpy_handle *self, PyObject *unused)
{
	PyObject *list;
	uint32_t x;

	if (rlcpy_check(self, "catalog", 0) < 0 || !(list = PyList_New(0)))
		return NULL;
	for (x = 0; x < self->h.cat.exchanges_count; x++) {
		if (rlcpy_append(list, exchange_dict(self, x)) < 0) {
			Py_DECREF(list);
			return NULL;
		}
	}
	return list;
}

static PyObject *handle_scopes(rlcpy_handle *self, PyObject *unused)
{
	PyObject *list;
	uint32_t i;

	if (rlcpy_check(self, "scopes", 0) < 0 || !(list = PyList_New(self->h.layout.scopes_count)))
		return NULL;
	for (i = 0; i < self->h.layout.scopes_count; i++)
		PyList_SET_ITEM(list, i, PyUnicode_FromString(self->h.scopes[i]));
	return list;
}

static PyObject *handle_limits(rlcpy_handle *self, PyObject *unused)
{
	PyObject *list;
	uint32_t i;

	if (rlcpy_check(self, "limits", 0) < 0 || !(list = PyList_New(self->h.limits_count)))
		return NULL;
	for (i = 0; i < self->h.limits_count; i++)
		PyList_SET_ITEM(list, i, PyUnicode_FromString(self->h.limits[i].name));
	return list;
}

static PyObject *handle_get_closed(rlcpy_handle *self, void *closure)
{
	return PyBool_FromLong(!self->open);
}

static PyObject *handle_get_segment(rlcpy_handle *self, void *closure)
{
	PyObject *o = self->segment ? self->segment : Py_None;

	Py_INCREF(o);
	return o;
}

static PyObject *handle_get_name(rlcpy_handle *self, void *closure)
{
	PyObject *o = self->name ? self->name : Py_None;

	Py_INCREF(o);
	return o;
}

static PyObject *handle_get_readonly(rlcpy_handle *self, void *closure)
{
	return PyBool_FromLong(self->open && !self->h.self);
}

static PyObject *handle_get_config_seq(rlcpy_handle *self, void *closure)
{
	return PyLong_FromUnsignedLongLong(self->open ? self->h.config_seq : 0);
}

static PyObject *handle_get_reloads(rlcpy_handle *self, void *closure)
{
	return PyLong_FromUnsignedLongLong(self->open ? rlc_reloads(&self->h) : 0);
}

static PyObject *handle_get_client_index(rlcpy_handle *self, void *closure)
{
	if (!self->open || !self->h.self)
		Py_RETURN_NONE;
	return PyLong_FromLong((long)(self->h.self - self->h.clients));
}

PyMethodDef rlcpy_handle_lookup_methods[] = {
	{ "close", (PyCFunction)handle_close, METH_NOARGS,
	  PyDoc_STR("close()\n--\n\nUnregister and unmap (rlc_close).  Safe to call twice.") },
	{ "refresh", (PyCFunction)handle_refresh, METH_NOARGS,
	  PyDoc_STR("refresh()\n--\n\nTake rlcd's reloaded configuration now, if there is one; "
		    "True if it took one.  Every reserve does this first.") },
	{ "exchange_id", (PyCFunction)handle_exchange_id, METH_O,
	  PyDoc_STR("exchange_id(name)\n--\n\nId of exchange `name`; UnknownEndpoint if none.") },
	RLCPY_FAST("account_id", handle_account_id, 0,
		   "account_id(exchange, name)\n--\n\nId of account `name` of exchange id `exchange`."),
	RLCPY_FAST("endpoint_id", handle_endpoint_id, 0,
		   "endpoint_id(exchange, method, path)\n--\n\nId of endpoint METHOD path of exchange "
		   "id `exchange`, case-insensitive, a query string ignored."),
	{ "scope_id", (PyCFunction)handle_scope_id, METH_O,
	  PyDoc_STR("scope_id(name)\n--\n\nId of scope `name` (\"binance-usdm.ip\").") },
	{ "limit_id", (PyCFunction)handle_limit_id, METH_O,
	  PyDoc_STR("limit_id(name)\n--\n\nId of limit `name` (\"binance-usdm.ip.weight\").") },
	RLCPY_FAST("mode_id", handle_mode_id, 0,
		   "mode_id(exchange, name)\n--\n\nId of mode `name` of exchange id `exchange`."),
	{ "catalog", (PyCFunction)handle_catalog, METH_NOARGS,
	  PyDoc_STR("catalog()\n--\n\nThe profile: a list of one dict per exchange (id, name, "
		    "ip_scope, accounts [(id, name, scope)], endpoints [(id, name, priority, "
		    "params)], modes [name]).") },
	{ "scopes", (PyCFunction)handle_scopes, METH_NOARGS,
	  PyDoc_STR("scopes()\n--\n\nEvery scope's name, by id.") },
	{ "limits", (PyCFunction)handle_limits, METH_NOARGS,
	  PyDoc_STR("limits()\n--\n\nEvery limit's name, by id.") },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef handle_getset[] = {
	{ "closed", (getter)handle_get_closed, NULL, PyDoc_STR("close() has run"), NULL },
	{ "segment", (getter)handle_get_segment, NULL, PyDoc_STR("the segment's name"), NULL },
	{ "name", (getter)handle_get_name, NULL, PyDoc_STR("the client name registered"), NULL },
	{ "readonly", (getter)handle_get_readonly, NULL, PyDoc_STR("opened read-only"), NULL },
	{ "config_seq", (getter)handle_get_config_seq, NULL,
	  PyDoc_STR("the configuration's sequence number this handle's copy was taken at: it "
		    "changes when the handle takes a reload (ids may change with it)"), NULL },
	{ "reloads", (getter)handle_get_reloads, NULL,
	  PyDoc_STR("how many times rlcd has reloaded the segment's configuration"), NULL },
	{ "client_index", (getter)handle_get_client_index, NULL,
	  PyDoc_STR("this handle's client record in the segment, or None (read-only)"), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject rlcpy_handle_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "rlc._rlc.Handle",
	.tp_basicsize = sizeof(rlcpy_handle),
	.tp_dealloc = (destructor)handle_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = PyDoc_STR("Handle(segment=None, name=None, readonly=False)\n--\n\n"
			    "An open rlc segment (rlc_open): the C layer of rlc.Client."),
	.tp_weaklistoffset = offsetof(rlcpy_handle, weakrefs),
	.tp_getset = handle_getset,
	.tp_init = (initproc)handle_init,
	.tp_new = PyType_GenericNew,
	/* tp_methods: module.c joins the tables of handle.c, reserve.c, feedback.c, state.c */
};
