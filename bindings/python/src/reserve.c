/* SPDX-License-Identifier: MIT */
/*
 * reserve.c - reserve (non-blocking), reserve_wait (sleeps with the GIL
 * released), the Waiter an asyncio loop drives one turn at a time (its
 * sleeps are the loop's), refund and endpoint_weights.
 *
 * A wait here is rlc_reserve_wait's loop written out: reserve; on a
 * refusal a wait can outlast, rlc_wait_step for the wake time; sleep;
 * again; rlc_waited once it ends.  Only the sleep lets the GIL go, so the
 * handle is never used by two threads at once.
 */
#include "rlcpy.h"

/* Why rlc_reserve said -EINVAL, for a message naming the argument. */
static PyObject *raise_invalid(rlcpy_handle *self, const char *fn, const struct rlcpy_request *rq)
{
	const struct rlc_catalog *c = &self->h.cat;
	const struct rlc_exchange_view *x;

	if (rq->endpoint >= c->endpoints_count)
		return rlcpy_raise(self, fn, -EINVAL);
	x = &c->exchanges[c->endpoints[rq->endpoint].exchange];
	if (rq->account == RLC_ACCOUNT_ONLY)
		return PyErr_Format(PyExc_ValueError,
				    "%s(): account= is needed: %s counts on account limits and "
				    "exchange %s has %u accounts",
				    fn, c->endpoints[rq->endpoint].name, x->name, x->accounts_count);
	return PyErr_Format(PyExc_ValueError, "%s(): account %d is not an account of exchange %s",
			    fn, rq->account, x->name);
}

/* The exception for a reserve that failed with err. */
static PyObject *raise_reserve(rlcpy_handle *self, const char *fn, int err,
			       const struct rlcpy_request *rq, const struct rlc_grant *g)
{
	PyObject *id;

	if (err == -EINVAL)
		return raise_invalid(self, fn, rq);
	if (err == -ENOENT) {
		if ((id = PyLong_FromUnsignedLong(rq->endpoint)))
			rlcpy_raise_unknown(fn, "endpoint id", id, NULL);
		Py_XDECREF(id);
		return NULL;
	}
	return rlcpy_raise_refusal(self, fn, err, g);
}

static PyObject *granted(rlcpy_grant *g)
{
	g->granted_ns = g->g.now_ns;
	return (PyObject *)g;
}

static PyObject *handle_reserve(rlcpy_handle *self, PyObject *const *args, Py_ssize_t nargs,
				PyObject *kwnames)
{
	struct rlcpy_request rq;
	rlcpy_grant *g;
	int err;

	if (RLCPY_UNLIKELY(rlcpy_check(self, "reserve", 1) < 0))
		return NULL;
	/* an int or an rlc.Endpoint (an int subclass), not a bool */
	if (RLCPY_LIKELY(nargs == 1 && !kwnames && PyLong_Check(args[0]) && !PyBool_Check(args[0]))) {
		/* the hot path: reserve(endpoint), nothing to parse */
		long ep = PyLong_AsLong(args[0]);

		if (RLCPY_UNLIKELY(ep < 0 || ep > INT32_MAX))
			goto parse; /* for the message */
		if (RLCPY_UNLIKELY(!(g = rlcpy_grant_new(self))))
			return NULL;
		err = rlc_reserve(&self->h, (uint32_t)ep, NULL, 0, RLC_ACCOUNT_ONLY,
				  RLC_PRIO_ENDPOINT, &g->g);
		if (RLCPY_LIKELY(!err))
			return granted(g);
		rq.endpoint = (uint32_t)ep;
		rq.account = RLC_ACCOUNT_ONLY;
		rq.priority = RLC_PRIO_ENDPOINT;
		raise_reserve(self, "reserve", err, &rq, &g->g);
		Py_DECREF(g);
		return NULL;
	}
parse:
	if (rlcpy_request_from(&rq, "reserve", args, nargs, kwnames, NULL) < 0)
		return NULL;
	if (!(g = rlcpy_grant_new(self))) {
		rlcpy_params_release(&rq.params);
		return NULL;
	}
	err = rlc_reserve(&self->h, rq.endpoint, rq.params.p, rq.params.n, rq.account, rq.priority,
			  &g->g);
	rlcpy_params_release(&rq.params);
	if (!err)
		return granted(g);
	raise_reserve(self, "reserve", err, &rq, &g->g);
	Py_DECREF(g);
	return NULL;
}

/*
 * One turn of a wait: reserve; on a refusal a wait can outlast, the time
 * to wake in *wake.  Returns 0 granted (the wait counted), 1 to sleep
 * until *wake, or the final -errno (the wait counted).
 */
static int turn(rlcpy_handle *self, const struct rlcpy_request *rq, uint64_t deadline,
		uint64_t *first, struct rlc_grant *g, uint64_t *wake)
{
	int err = rlc_reserve(&self->h, rq->endpoint, rq->params.p, rq->params.n, rq->account,
			      rq->priority, g);
	uint64_t refused_at = g->now_ns;

	if (err && !(err = rlc_wait_step(&self->h, g, err, deadline, wake))) {
		*first = *first ? *first : refused_at;
		return 1;
	}
	rlc_waited(&self->h, g, *first);
	return err;
}

/* Sleep until CLOCK_MONOTONIC `wake` without the GIL; -1 if a signal handler raised. */
static int sleep_until(uint64_t wake)
{
	struct timespec until = { (time_t)(wake / 1000000000u), (long)(wake % 1000000000u) };
	int rc;

	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
		Py_END_ALLOW_THREADS
		if (rc != EINTR)
			return 0;
		if (PyErr_CheckSignals() < 0) /* Ctrl-C ends the wait */
			return -1;
	}
}

static PyObject *handle_reserve_wait(rlcpy_handle *self, PyObject *const *args,
				     Py_ssize_t nargs, PyObject *kwnames)
{
	struct rlcpy_request rq;
	PyObject *timeout;
	uint64_t deadline, first = 0, wake = 0;
	rlcpy_grant *g;
	int rc;

	if (rlcpy_check(self, "reserve_wait", 1) < 0 ||
	    rlcpy_request_from(&rq, "reserve_wait", args, nargs, kwnames, &timeout) < 0)
		return NULL;
	if (rlcpy_deadline("reserve_wait", timeout, rlc_now_ns(), &deadline) < 0 ||
	    !(g = rlcpy_grant_new(self))) {
		rlcpy_params_release(&rq.params);
		return NULL;
	}
	while ((rc = turn(self, &rq, deadline, &first, &g->g, &wake)) == 1) {
		if (sleep_until(wake) < 0 || rlcpy_check(self, "reserve_wait", 1) < 0) {
			if (self->open)
				rlc_waited(&self->h, &g->g, first);
			rlcpy_params_release(&rq.params);
			Py_DECREF(g);
			return NULL;
		}
	}
	if (rc) {
		raise_reserve(self, "reserve_wait", rc, &rq, &g->g);
		Py_CLEAR(g);
	}
	rlcpy_params_release(&rq.params);
	return g ? granted(g) : NULL;
}

/* rlc._rlc.Waiter: a wait an event loop drives, one turn per step(). */
typedef struct {
	PyObject_HEAD
	rlcpy_handle *owner;
	struct rlcpy_request rq; /* its parameters converted once, kept for every turn */
	uint64_t deadline, first;
	int done;
} rlcpy_waiter;

static PyObject *handle_waiter(rlcpy_handle *self, PyObject *const *args, Py_ssize_t nargs,
			       PyObject *kwnames)
{
	rlcpy_waiter *w;
	PyObject *timeout;

	if (rlcpy_check(self, "reserve_async", 1) < 0 ||
	    !(w = PyObject_New(rlcpy_waiter, &rlcpy_waiter_type)))
		return NULL;
	w->owner = NULL;
	w->done = 1;
	w->first = 0;
	w->rq.params.p = w->rq.params.p_stack; /* releasable even if parsing fails */
	w->rq.params.n = w->rq.params.nkeep = 0;
	if (rlcpy_request_from(&w->rq, "reserve_async", args, nargs, kwnames, &timeout) < 0 ||
	    rlcpy_deadline("reserve_async", timeout, rlc_now_ns(), &w->deadline) < 0) {
		Py_DECREF(w);
		return NULL;
	}
	Py_INCREF(self);
	w->owner = self;
	w->done = 0;
	return (PyObject *)w;
}

static void waiter_dealloc(rlcpy_waiter *w)
{
	rlcpy_params_release(&w->rq.params);
	Py_CLEAR(w->owner);
	PyObject_Free(w);
}

/* step() -> Grant, or the seconds to sleep before the next step(); raises the final refusal. */
static PyObject *waiter_step(rlcpy_waiter *w, PyObject *unused)
{
	rlcpy_handle *self = w->owner;
	uint64_t wake = 0, now;
	rlcpy_grant *g;
	int rc;

	if (w->done)
		return PyErr_Format(PyExc_RuntimeError, "Waiter.step(): the wait has ended");
	if (rlcpy_check(self, "reserve_async", 1) < 0 || !(g = rlcpy_grant_new(self)))
		return NULL;
	rc = turn(self, &w->rq, w->deadline, &w->first, &g->g, &wake);
	if (rc == 1) {
		Py_DECREF(g);
		now = rlc_now_ns();
		return PyFloat_FromDouble(wake > now ? rlcpy_seconds(wake - now) : 0.0);
	}
	w->done = 1;
	if (rc == 0)
		return granted(g);
	raise_reserve(self, "reserve_async", rc, &w->rq, &g->g);
	Py_DECREF(g);
	return NULL;
}

/* A wait given up (a cancelled task): count what it slept, as rlc_waited would. */
static PyObject *waiter_cancel(rlcpy_waiter *w, PyObject *unused)
{
	struct rlc_grant g;

	if (!w->done && w->first && w->owner->open && !w->owner->forked) {
		memset(&g, 0, sizeof(g));
		g.now_ns = rlc_now_ns();
		g.endpoint = (int32_t)w->rq.endpoint;
		rlc_waited(&w->owner->h, &g, w->first);
	}
	w->done = 1;
	Py_RETURN_NONE;
}

static PyMethodDef waiter_methods[] = {
	{ "step", (PyCFunction)waiter_step, METH_NOARGS,
	  PyDoc_STR("step()\n--\n\nOne turn: a Grant, or the seconds to sleep before the next "
		    "step(); raises the final refusal (Refused, ReserveTimeout, Blocked, ...).") },
	{ "cancel", (PyCFunction)waiter_cancel, METH_NOARGS,
	  PyDoc_STR("cancel()\n--\n\nGive the wait up, counting the time it waited.") },
	{ NULL, NULL, 0, NULL },
};

PyTypeObject rlcpy_waiter_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "rlc._rlc.Waiter",
	.tp_basicsize = sizeof(rlcpy_waiter),
	.tp_dealloc = (destructor)waiter_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = PyDoc_STR("A reserve that waits, driven by an event loop: Client.reserve_async."),
	.tp_methods = waiter_methods,
};

static PyObject *handle_refund(rlcpy_handle *self, PyObject *o)
{
	rlcpy_grant *g;
	int err;

	if (RLCPY_UNLIKELY(rlcpy_check(self, "refund", 1) < 0 ||
			   rlcpy_grant_of(self, "refund", o, &g) < 0))
		return NULL;
	if (RLCPY_UNLIKELY(g->state & (RLCPY_GRANT_REFUNDED | RLCPY_GRANT_FED)))
		return PyErr_Format(PyExc_ValueError,
				    g->state & RLCPY_GRANT_REFUNDED
					    ? "refund(): the grant was refunded already"
					    : "refund(): the grant's response was fed back: its "
					      "request was sent");
	/* a request that weighed 0 everywhere took nothing: nothing to give back */
	if (g->g.count > 0 && RLCPY_UNLIKELY(err = rlc_refund(&self->h, &g->g))) {
		if (err == -EINVAL)
			return PyErr_Format(PyExc_ValueError,
					    "refund(): the grant's limits are not this segment's "
					    "any more (a reload)");
		return rlcpy_raise(self, "refund", err);
	}
	g->state |= RLCPY_GRANT_REFUNDED;
	Py_RETURN_NONE;
}

static PyObject *handle_endpoint_weights(rlcpy_handle *self, PyObject *const *args,
					 Py_ssize_t nargs, PyObject *kwnames)
{
	uint32_t ids[RLC_LINK_MAX], weights[RLC_LINK_MAX];
	struct rlcpy_request rq;
	struct rlc_grant g;
	PyObject *list = NULL;
	int n, i;

	if (rlcpy_check(self, "endpoint_weights", 0) < 0 ||
	    rlcpy_request_from(&rq, "endpoint_weights", args, nargs, kwnames, NULL) < 0)
		return NULL;
	n = rlc_endpoint_weights(&self->h, rq.endpoint, rq.params.p, rq.params.n, rq.account, ids,
				 weights);
	rlcpy_params_release(&rq.params);
	if (n < 0) {
		memset(&g, 0, sizeof(g));
		g.refused_by = -1;
		return raise_reserve(self, "endpoint_weights", n, &rq, &g);
	}
	if (!(list = PyList_New(0)))
		return NULL;
	for (i = 0; i < n; i++) {
		if (rlcpy_append(list, Py_BuildValue("(sI)", self->h.limits[ids[i]].name, weights[i])) <
		    0) {
			Py_DECREF(list);
			return NULL;
		}
	}
	return list;
}

/*
 * _bench_c(endpoint, n): n reserve + refund pairs in C, without Python
 * between them: the floor the benchmark sets the binding's cost beside.
 * Returns the ns per pair.
 */
static PyObject *handle_bench_c(rlcpy_handle *self, PyObject *const *args, Py_ssize_t nargs)
{
	struct rlc_grant g;
	uint32_t ep, n, i;
	uint64_t t0;
	int err;

	if (rlcpy_check(self, "_bench_c", 1) < 0)
		return NULL;
	if (nargs != 2)
		return PyErr_Format(PyExc_TypeError, "_bench_c() takes (endpoint, n)");
	if (rlcpy_uint_arg("_bench_c", "endpoint", args[0], &ep) < 0 ||
	    rlcpy_uint_arg("_bench_c", "n", args[1], &n) < 0)
		return NULL;
	t0 = rlc_now_ns();
	for (i = 0; i < n; i++) {
		if ((err = rlc_reserve(&self->h, ep, NULL, 0, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT, &g)))
			return rlcpy_raise_refusal(self, "_bench_c", err, &g);
		if (g.count && (err = rlc_refund(&self->h, &g)))
			return rlcpy_raise(self, "_bench_c", err);
	}
	return PyFloat_FromDouble(n ? (double)(rlc_now_ns() - t0) / n : 0.0);
}

PyMethodDef rlcpy_handle_reserve_methods[] = {
	RLCPY_FAST("_bench_c", handle_bench_c, 0,
		   "_bench_c(endpoint, n)\n--\n\nns per reserve + refund pair, looped in C (the "
		   "benchmark's floor)."),
	RLCPY_FAST("reserve", handle_reserve, METH_KEYWORDS,
		   "reserve(endpoint, params=None, account=None, priority=None)\n--\n\n"
		   "Reserve one request of endpoint id `endpoint` now, never waiting: a Grant, or "
		   "Refused / Blocked / BreakerOpen / TooBig / UnknownEndpoint."),
	RLCPY_FAST("reserve_wait", handle_reserve_wait, METH_KEYWORDS,
		   "reserve_wait(endpoint, params=None, account=None, priority=None, timeout=None)"
		   "\n--\n\nreserve(), sleeping (the GIL released) until it fits or `timeout` "
		   "seconds pass (None: no deadline): ReserveTimeout when it would not fit in "
		   "time; Blocked at once for a block that outlasts the timeout."),
	RLCPY_FAST("_waiter", handle_waiter, METH_KEYWORDS,
		   "_waiter(endpoint, params=None, account=None, priority=None, timeout=None)\n--\n\n"
		   "A Waiter for an event loop to drive (Client.reserve_async)."),
	{ "refund", (PyCFunction)handle_refund, METH_O,
	  PyDoc_STR("refund(grant)\n--\n\nGive back a grant whose request was never sent.") },
	RLCPY_FAST("endpoint_weights", handle_endpoint_weights, METH_KEYWORDS,
		   "endpoint_weights(endpoint, params=None, account=None)\n--\n\n"
		   "What a reserve would take: [(limit name, weight)], reading nothing shared."),
	{ NULL, NULL, 0, NULL },
};
