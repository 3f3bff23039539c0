/* SPDX-License-Identifier: MIT */
/*
 * grant.c - rlc._rlc.Grant: one granted reservation, kept for refund() and
 * feedback().  A reserve + refund pair is the hot path, so grants come from
 * a freelist (no allocator call) and carry no GC header (a grant refers to
 * its handle only, which refers to no grant: no cycle).
 */
#include <stddef.h>

#include "rlcpy.h"

rlcpy_grant *rlcpy_grant_freelist[RLCPY_FREELIST_MAX];
unsigned rlcpy_grant_freelist_len;

/* rlcpy_grant_new's slow path: the freelist is empty. */
rlcpy_grant *rlcpy_grant_alloc(rlcpy_handle *owner)
{
	rlcpy_grant *o = PyObject_New(rlcpy_grant, &rlcpy_grant_type);

	if (!o)
		return NULL;
	Py_INCREF(owner);
	o->owner = owner;
	o->state = 0;
	return o;
}

static void grant_dealloc(rlcpy_grant *o)
{
	Py_CLEAR(o->owner);
	if (rlcpy_grant_freelist_len < RLCPY_FREELIST_MAX)
		rlcpy_grant_freelist[rlcpy_grant_freelist_len++] = o;
	else
		PyObject_Free(o);
}

/* *out = o as a grant of handle self that is still live, or a TypeError / ValueError. */
int rlcpy_grant_of(rlcpy_handle *self, const char *fn, PyObject *o, rlcpy_grant **out)
{
	rlcpy_grant *g = (rlcpy_grant *)o;

	if (RLCPY_UNLIKELY(Py_TYPE(o) != &rlcpy_grant_type)) {
		PyErr_Format(PyExc_TypeError, "%s(): grant must be an rlc.Grant, not %.100s", fn,
			     Py_TYPE(o)->tp_name);
		return -1;
	}
	if (RLCPY_UNLIKELY(g->owner != self)) {
		PyErr_Format(PyExc_ValueError, "%s(): the grant was granted by another rlc.Client", fn);
		return -1;
	}
	*out = g;
	return 0;
}

static PyObject *grant_mark_sent(rlcpy_grant *o, PyObject *unused)
{
	o->state |= RLCPY_GRANT_SENT;
	Py_RETURN_NONE;
}

/* The (limit name, weight) pairs the grant took, in id order. */
static PyObject *grant_weights(rlcpy_grant *o, void *closure)
{
	const struct rlc *h = &o->owner->h;
	PyObject *list = PyList_New(0);
	uint32_t i;

	if (!list)
		return NULL;
	for (i = 0; o->owner->open && i < o->g.count && i < RLC_LINK_MAX; i++) {
		if (o->g.id[i] >= h->limits_count)
			continue; /* a reload dropped it */
		if (rlcpy_append(list, Py_BuildValue("(sI)", h->limits[o->g.id[i]].name,
						     o->g.weight[i])) < 0) {
			Py_DECREF(list);
			return NULL;
		}
	}
	return list;
}

static PyObject *grant_now(rlcpy_grant *o, void *closure)
{
	return PyFloat_FromDouble(rlcpy_seconds(o->granted_ns));
}

static PyObject *grant_now_ns(rlcpy_grant *o, void *closure)
{
	return PyLong_FromUnsignedLongLong(o->granted_ns);
}

static PyObject *grant_endpoint(rlcpy_grant *o, void *closure)
{
	if (o->g.endpoint < 0)
		Py_RETURN_NONE;
	return PyLong_FromLong(o->g.endpoint);
}

static PyObject *grant_account(rlcpy_grant *o, void *closure)
{
	if (o->g.account < 0)
		Py_RETURN_NONE;
	return PyLong_FromLong(o->g.account);
}

static PyObject *grant_priority(rlcpy_grant *o, void *closure)
{
	return PyLong_FromUnsignedLong(o->g.priority);
}

static PyObject *grant_flag(rlcpy_grant *o, void *closure)
{
	return PyBool_FromLong((o->state & (unsigned)(uintptr_t)closure) != 0);
}

/* Sent: mark_sent() was called, or feedback given. */
static PyObject *grant_sent(rlcpy_grant *o, void *closure)
{
	return PyBool_FromLong((o->state & (RLCPY_GRANT_SENT | RLCPY_GRANT_FED)) != 0);
}

static PyObject *grant_client(rlcpy_grant *o, void *closure)
{
	Py_INCREF(o->owner);
	return (PyObject *)o->owner;
}

static PyObject *grant_repr(rlcpy_grant *o)
{
	const char *state = o->state & RLCPY_GRANT_REFUNDED ? "refunded"
			    : o->state & RLCPY_GRANT_FED    ? "fed back"
			    : o->state & RLCPY_GRANT_SENT   ? "sent"
							    : "granted";
	const struct rlc *h = &o->owner->h;

	if (o->owner->open && o->g.endpoint >= 0 && (uint32_t)o->g.endpoint < h->cat.endpoints_count)
		return PyUnicode_FromFormat("<rlc.Grant %s %s, %u limits, %s>",
					    h->cat.exchanges[h->cat.endpoints[o->g.endpoint].exchange].name,
					    h->cat.endpoints[o->g.endpoint].name, o->g.count, state);
	return PyUnicode_FromFormat("<rlc.Grant %u limits, %s>", o->g.count, state);
}

static PyMethodDef grant_methods[] = {
	{ "mark_sent", (PyCFunction)grant_mark_sent, METH_NOARGS,
	  PyDoc_STR("mark_sent()\n--\n\nSay the request has left: a reservation() whose body raises "
		    "after this keeps the grant counted instead of refunding it.") },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef grant_getset[] = {
	{ "weights", (getter)grant_weights, NULL,
	  PyDoc_STR("list of (limit name, weight) the grant took, in id order"), NULL },
	{ "now", (getter)grant_now, NULL,
	  PyDoc_STR("when it was granted, time.monotonic() seconds"), NULL },
	{ "now_ns", (getter)grant_now_ns, NULL,
	  PyDoc_STR("when it was granted, CLOCK_MONOTONIC ns"), NULL },
	{ "endpoint", (getter)grant_endpoint, NULL, PyDoc_STR("the endpoint id, or None"), NULL },
	{ "account", (getter)grant_account, NULL,
	  PyDoc_STR("the account id it counted on, or None"), NULL },
	{ "priority", (getter)grant_priority, NULL,
	  PyDoc_STR("the priority it was decided at: 0 critical .. 3 low"), NULL },
	{ "refunded", (getter)grant_flag, NULL, PyDoc_STR("refund() gave it back"),
	  (void *)(uintptr_t)RLCPY_GRANT_REFUNDED },
	{ "fed_back", (getter)grant_flag, NULL, PyDoc_STR("feedback() was given for it"),
	  (void *)(uintptr_t)RLCPY_GRANT_FED },
	{ "sent", (getter)grant_sent, NULL,
	  PyDoc_STR("the request left: mark_sent() was called or feedback() given"), NULL },
	{ "client", (getter)grant_client, NULL, PyDoc_STR("the client that granted it"), NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject rlcpy_grant_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "rlc.Grant",
	.tp_basicsize = sizeof(rlcpy_grant),
	.tp_dealloc = (destructor)grant_dealloc,
	.tp_repr = (reprfunc)grant_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("A granted reservation: refund it if its request is never sent, "
			    "else feed its response back.  Made by Client.reserve*()."),
	.tp_methods = grant_methods,
	.tp_getset = grant_getset,
};

int rlcpy_grant_types_init(void)
{
	return PyType_Ready(&rlcpy_grant_type);
}
