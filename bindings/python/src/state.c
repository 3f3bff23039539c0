/* SPDX-License-Identifier: MIT */
/*
 * state.c - what the segment says now: usage per limit, blocks and
 * breakers per scope (and setting them), exchange modes, client records and
 * endpoint counters, as struct sequences (named tuples).  Times are
 * time.monotonic() seconds, durations seconds.
 */
#include "rlcpy.h"

PyTypeObject *rlcpy_usage_type, *rlcpy_block_type, *rlcpy_breaker_type, *rlcpy_client_type,
	*rlcpy_outcomes_type, *rlcpy_counters_type;

static PyStructSequence_Field usage_fields[] = {
	{ "name", "the limit's name" },
	{ "scope", "its scope's name" },
	{ "algorithm", "'window', 'bucket' or 'fixed'" },
	{ "capacity", "N as configured" },
	{ "effective", "what may be granted: N x (1 - buffer)" },
	{ "used", "weight counted now" },
	{ "interval", "W, seconds" },
	{ "slots", "window ring slots, else 0" },
	{ "buffer", "the safety buffer, a fraction" },
	{ "grants", "grants that took weight from it, every process" },
	{ "refusals", "requests it refused" },
	{ "refunds", "grants refunded on it" },
	{ "observed", "usage headers that raised its count" },
	{ "exchange", "its exchange's name, or None" },
	{ "mode", "the exchange's mode in force, or None" },
	{ "mode_until", "when that mode ends (monotonic s), or None" },
	{ "ceiling", "what each priority (critical .. low) may fill it to now" },
	{ NULL, NULL },
};
static PyStructSequence_Desc usage_desc = { "rlc.Usage", "Live usage of one limit.",
					    usage_fields, 17 };

static PyStructSequence_Field block_fields[] = {
	{ "scope", "the scope's name" },
	{ "until", "when it ends, time.monotonic() seconds" },
	{ "retry_after", "seconds left" },
	{ "status", "the HTTP status that set it; 0: by hand" },
	{ "code", "the exchange's error code, or None" },
	{ "client", "the client record that set it, or -1" },
	{ "since", "when it was set (monotonic s, to 0.1 s), or None" },
	{ NULL, NULL },
};
static PyStructSequence_Desc block_desc = { "rlc.BlockState", "A block in force on a scope.",
					    block_fields, 7 };

static PyStructSequence_Field breaker_fields[] = {
	{ "scope", "the scope's name" },
	{ "state", "'closed', 'open' or 'half-open'" },
	{ "failures", "consecutive failures counted" },
	{ "until", "open: end of the cool-down; half-open: the probe's timeout (monotonic s); "
		   "or None" },
	{ NULL, NULL },
};
static PyStructSequence_Desc breaker_desc = { "rlc.Breaker", "A scope's circuit breaker.",
					      breaker_fields, 4 };

static PyStructSequence_Field outcomes_fields[] = {
	{ "ok", "1xx to 3xx" },
	{ "client_error", "4xx but 418 and 429" },
	{ "limited", "418 and 429" },
	{ "server_error", "5xx" },
	{ "transport", "no response" },
	{ "elapsed", "the sum of the response times, seconds" },
	{ "elapsed_buckets", "response times <= 1, 5, 10, 25, 50, 100, 250, 500, 1000 ms, more" },
	{ NULL, NULL },
};
static PyStructSequence_Desc outcomes_desc = { "rlc.Outcomes", "What responses fed back said.",
					       outcomes_fields, 7 };

static PyStructSequence_Field client_fields[] = {
	{ "index", "the client record" },
	{ "pid", "its process" },
	{ "alive", "the process still runs" },
	{ "name", "the name it registered" },
	{ "grants", "grants" },
	{ "refusals", "refusals" },
	{ "weight", "weight granted" },
	{ "refunded", "weight given back" },
	{ "waits", "waiting calls that slept" },
	{ "wait_time", "how long they slept, seconds" },
	{ "outcomes", "rlc.Outcomes of its feedback" },
	{ NULL, NULL },
};
static PyStructSequence_Desc client_desc = { "rlc.ClientInfo", "One client record's counters.",
					     client_fields, 11 };

static PyStructSequence_Field counters_fields[] = {
	{ "grants", "grants" },
	{ "refusals", "refusals" },
	{ "waits", "waiting reserves that slept" },
	{ "wait_time", "how long they slept, seconds" },
	{ NULL, NULL },
};
static PyStructSequence_Desc counters_desc = { "rlc.EndpointCounters",
					       "What one endpoint's requests were told.",
					       counters_fields, 4 };

int rlcpy_state_types_init(PyObject *module)
{
	struct {
		PyTypeObject **type;
		PyStructSequence_Desc *desc;
		const char *name;
	} t[] = {
		{ &rlcpy_usage_type, &usage_desc, "Usage" },
		{ &rlcpy_block_type, &block_desc, "BlockState" },
		{ &rlcpy_breaker_type, &breaker_desc, "Breaker" },
		{ &rlcpy_outcomes_type, &outcomes_desc, "Outcomes" },
		{ &rlcpy_client_type, &client_desc, "ClientInfo" },
		{ &rlcpy_counters_type, &counters_desc, "EndpointCounters" },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!(*t[i].type = PyStructSequence_NewType(t[i].desc)))
			return -1;
		Py_INCREF(*t[i].type);
		if (PyModule_AddObject(module, t[i].name, (PyObject *)*t[i].type) < 0) {
			Py_DECREF(*t[i].type);
			return -1;
		}
	}
	return 0;
}

/* A struct sequence from `n` new references (NULLs fail it, all released). */
static PyObject *seq(PyTypeObject *type, PyObject **v, int n)
{
	PyObject *o = PyStructSequence_New(type);
	int i, bad = !o;

	for (i = 0; i < n; i++)
		bad |= !v[i];
	if (bad) {
		for (i = 0; i < n; i++)
			Py_XDECREF(v[i]);
		Py_XDECREF(o);
		return NULL;
	}
	for (i = 0; i < n; i++)
		PyStructSequence_SET_ITEM(o, i, v[i]);
	return o;
}

static PyObject *none(void)
{
	Py_RETURN_NONE;
}

static PyObject *str_or_none(const char *s)
{
	return s ? PyUnicode_FromString(s) : none();
}

static PyObject *u64(uint64_t v)
{
	return PyLong_FromUnsignedLongLong(v);
}

static PyObject *usage_of(rlcpy_handle *self, uint32_t id)
{
	static const char *const algos[] = { "?", "window", "bucket", "fixed" };
	struct rlc_usage u;
	PyObject *v[17], *ceiling;
	int err = rlc_usage(&self->h, id, &u);
	unsigned i;

	if (err && err != -EOVERFLOW)
		return rlcpy_raise(self, "usage", err);
	if (!(ceiling = PyTuple_New(RLC_PRIOS)))
		return NULL;
	for (i = 0; i < RLC_PRIOS; i++)
		PyTuple_SET_ITEM(ceiling, i, PyLong_FromUnsignedLong(u.ceiling[i]));
	v[0] = PyUnicode_FromString(u.name);
	v[1] = PyUnicode_FromString(u.scope);
	v[2] = PyUnicode_FromString(algos[u.algorithm <= 3 ? u.algorithm : 0]);
	v[3] = PyLong_FromUnsignedLong(u.capacity);
	v[4] = PyLong_FromUnsignedLong(u.effective);
	v[5] = u64(u.used);
	v[6] = rlcpy_seconds_obj(u.interval_ns);
	v[7] = PyLong_FromUnsignedLong(u.slots);
	v[8] = PyFloat_FromDouble(u.buffer_ppm / 1e6);
	v[9] = u64(u.grants);
	v[10] = u64(u.refusals);
	v[11] = u64(u.refunds);
	v[12] = u64(u.observed);
	v[13] = str_or_none(u.exchange);
	v[14] = str_or_none(u.mode);
	v[15] = u.mode_until_ns ? rlcpy_seconds_obj(u.mode_until_ns) : none();
	v[16] = ceiling;
	return seq(rlcpy_usage_type, v, 17);
}

/* usage(limit=None): one limit's Usage (by id or name), or every limit's. */
static PyObject *handle_usage(rlcpy_handle *self, PyObject *const *args, Py_ssize_t n)
{
	PyObject *list;
	uint32_t id;
	int lid;

	if (rlcpy_check(self, "usage", 0) < 0)
		return NULL;
	if (n > 1)
		return PyErr_Format(PyExc_TypeError, "usage() takes at most 1 argument");
	if (n == 1 && args[0] != Py_None) {
		if (PyUnicode_Check(args[0])) {
			const char *s = PyUnicode_AsUTF8(args[0]);

			if (!s)
				return NULL;
			if ((lid = rlc_limit_id(&self->h, s)) < 0)
				return rlcpy_raise_unknown("usage", "limit", args[0], NULL);
			return usage_of(self, (uint32_t)lid);
		}
		if (rlcpy_uint_arg("usage", "limit", args[0], &id) < 0)
			return NULL;
		if (id >= self->h.limits_count)
			return rlcpy_raise_unknown("usage", "limit", args[0], NULL);
		return usage_of(self, id);
	}
	if (!(list = PyList_New(0)))
		return NULL;
	for (id = 0; id < self->h.limits_count; id++) {
		if (rlcpy_append(list, usage_of(self, id)) < 0) {
			Py_DECREF(list);
			return NULL;
		}
	}
	return list;
}

/* block_state(scope) -> BlockState or None */
static PyObject *handle_block_state(rlcpy_handle *self, PyObject *o)
{
	struct rlc_block b;
	PyObject *v[7];
	uint32_t scope;
	uint64_t now;
	int err;

	if (rlcpy_check(self, "block_state", 0) < 0 || rlcpy_scope_arg(self, "block_state", o, &scope) < 0)
		return NULL;
	if ((err = rlc_block_get(&self->h, scope, &b)))
		return rlcpy_raise(self, "block_state", err);
	if (!b.until_ns)
		Py_RETURN_NONE;
	now = rlc_now_ns();
	v[0] = rlcpy_scope_name(self, scope);
	v[1] = rlcpy_seconds_obj(b.until_ns);
	v[2] = rlcpy_seconds_obj(b.until_ns > now ? b.until_ns - now : 0);
	v[3] = PyLong_FromLong(b.status);
	v[4] = b.has_code ? PyLong_FromLong(b.code) : none();
	v[5] = PyLong_FromLong(b.client);
	v[6] = b.since_ns ? rlcpy_seconds_obj(b.since_ns) : none();
	return seq(rlcpy_block_type, v, 7);
}

/* Seconds from now, as a CLOCK_MONOTONIC time; `what` names it in errors. */
static int seconds_ahead(const char *fn, PyObject *o, uint64_t *until)
{
	double s;

	if (!PyFloat_Check(o) && !(PyLong_Check(o) && !PyBool_Check(o))) {
		PyErr_Format(PyExc_TypeError, "%s(): seconds must be an int or a float, not %.100s",
			     fn, Py_TYPE(o)->tp_name);
		return -1;
	}
	s = PyFloat_AsDouble(o);
	if (s == -1.0 && PyErr_Occurred())
		return -1;
	if (!(s > 0) || s > 3 * 86400) {
		PyErr_Format(PyExc_ValueError, "%s(): seconds must be above 0 and at most 3 days "
			     "(259200), not %R", fn, o);
		return -1;
	}
	*until = rlc_now_ns() + (uint64_t)(s * 1e9);
	return 0;
}

/* block(scope, seconds): block by hand for every process. */
static PyObject *handle_block(rlcpy_handle *self, PyObject *const *args, Py_ssize_t n)
{
	uint32_t scope;
	uint64_t until;
	int err;

	if (rlcpy_check(self, "block", 1) < 0)
		return NULL;
	if (n != 2)
		return PyErr_Format(PyExc_TypeError, "block() takes (scope, seconds)");
	if (rlcpy_scope_arg(self, "block", args[0], &scope) < 0 ||
	    seconds_ahead("block", args[1], &until) < 0)
		return NULL;
	if ((err = rlc_block(&self->h, scope, until)))
		return rlcpy_raise(self, "block", err);
	Py_RETURN_NONE;
}

static PyObject *handle_unblock(rlcpy_handle *self, PyObject *o)
{
	uint32_t scope;
	int err;

	if (rlcpy_check(self, "unblock", 1) < 0 || rlcpy_scope_arg(self, "unblock", o, &scope) < 0)
		return NULL;
	if ((err = rlc_unblock(&self->h, scope)))
		return rlcpy_raise(self, "unblock", err);
	Py_RETURN_NONE;
}

static PyObject *handle_breaker(rlcpy_handle *self, PyObject *o)
{
	static const char *const states[] = { "closed", "open", "half-open" };
	struct rlc_breaker b;
	PyObject *v[4];
	uint32_t scope;
	int err;

	if (rlcpy_check(self, "breaker", 0) < 0 || rlcpy_scope_arg(self, "breaker", o, &scope) < 0)
		return NULL;
	if ((err = rlc_breaker_get(&self->h, scope, &b)))
		return rlcpy_raise(self, "breaker", err);
	v[0] = rlcpy_scope_name(self, scope);
	v[1] = PyUnicode_FromString(states[b.state <= 2 ? b.state : 1]);
	v[2] = PyLong_FromUnsignedLong(b.failures);
	v[3] = b.until_ns ? rlcpy_seconds_obj(b.until_ns) : none();
	return seq(rlcpy_breaker_type, v, 4);
}

/* mode_get(exchange) -> (name, until or None) */
static PyObject *handle_mode_get(rlcpy_handle *self, PyObject *o)
{
	uint64_t until;
	uint32_t mode;
	int x, err;

	if (rlcpy_check(self, "mode_get", 0) < 0 || rlcpy_exchange_arg(self, "mode_get", o, &x) < 0)
		return NULL;
	if ((err = rlc_mode_get(&self->h, x, &mode, &until)))
		return rlcpy_raise(self, "mode_get", err);
	return Py_BuildValue("(sN)", rlc_mode_name(&self->h, x, mode),
			     until ? rlcpy_seconds_obj(until) : none());
}

/* mode_set(exchange, mode, seconds=None): None is the mode's own duration. */
static PyObject *handle_mode_set(rlcpy_handle *self, PyObject *const *args, Py_ssize_t n)
{
	const struct rlc_exchange_view *xv;
	uint64_t until = 0;
	uint32_t mode;
	int x, m, err;

	if (rlcpy_check(self, "mode_set", 1) < 0)
		return NULL;
	if (n < 2 || n > 3)
		return PyErr_Format(PyExc_TypeError, "mode_set() takes (exchange, mode, seconds=None)");
	if (rlcpy_exchange_arg(self, "mode_set", args[0], &x) < 0)
		return NULL;
	xv = &self->h.cat.exchanges[x];
	if (PyUnicode_Check(args[1])) {
		const char *s = PyUnicode_AsUTF8(args[1]);

		if (!s)
			return NULL;
		if ((m = rlc_mode_id(&self->h, x, s)) < 0)
			return rlcpy_raise_unknown("mode_set", "mode", args[1], xv->name);
		mode = (uint32_t)m;
	} else if (rlcpy_uint_arg("mode_set", "mode", args[1], &mode) < 0) {
		return NULL;
	} else if (mode >= xv->modes_count) {
		return rlcpy_raise_unknown("mode_set", "mode", args[1], xv->name);
	}
	if (mode != RLC_MODE_NORMAL) {
		if (n == 3 && args[2] != Py_None) {
			if (seconds_ahead("mode_set", args[2], &until) < 0)
				return NULL;
		} else {
			until = rlc_now_ns() + (xv->modes[mode].duration_ns ? xv->modes[mode].duration_ns
									    : RLC_NS_PER_SEC * 60);
		}
	}
	if ((err = rlc_mode_set(&self->h, x, mode, until)))
		return rlcpy_raise(self, "mode_set", err);
	Py_RETURN_NONE;
}

static PyObject *outcomes_of(const struct rlc_outcome_counts *c)
{
	PyObject *v[7], *buckets = PyTuple_New(RLC_ELAPSED_BUCKETS);
	unsigned b;

	if (!buckets)
		return NULL;
	for (b = 0; b < RLC_ELAPSED_BUCKETS; b++)
		PyTuple_SET_ITEM(buckets, b, u64(c->elapsed[b]));
	v[0] = u64(c->ok);
	v[1] = u64(c->client_error);
	v[2] = u64(c->limited);
	v[3] = u64(c->server_error);
	v[4] = u64(c->transport);
	v[5] = rlcpy_seconds_obj(c->elapsed_ns);
	v[6] = buckets;
	return seq(rlcpy_outcomes_type, v, 7);
}

static PyObject *client_of(uint32_t idx, const struct rlc_client_info *ci)
{
	PyObject *v[11];

	v[0] = PyLong_FromUnsignedLong(idx);
	v[1] = PyLong_FromLong((long)ci->pid);
	v[2] = PyBool_FromLong(ci->alive);
	v[3] = PyUnicode_DecodeUTF8(ci->name, (Py_ssize_t)strnlen(ci->name, sizeof(ci->name)),
				    "replace");
	v[4] = u64(ci->grants);
	v[5] = u64(ci->refusals);
	v[6] = u64(ci->weight);
	v[7] = u64(ci->refunded);
	v[8] = u64(ci->waits);
	v[9] = rlcpy_seconds_obj(ci->wait_ns);
	v[10] = outcomes_of(&ci->outcomes);
	return seq(rlcpy_client_type, v, 11);
}

/* clients() -> [ClientInfo] of every record a process holds */
static PyObject *handle_clients(rlcpy_handle *self, PyObject *unused)
{
	struct rlc_client_info ci;
	PyObject *list;
	uint32_t i;
	int err;

	if (rlcpy_check(self, "clients", 0) < 0 || !(list = PyList_New(0)))
		return NULL;
	for (i = 0; i < self->h.layout.clients_count; i++) {
		if ((err = rlc_client_info(&self->h, i, &ci)) == -ENOENT)
			continue;
		if (err) {
			Py_DECREF(list);
			return rlcpy_raise(self, "clients", err);
		}
		if (rlcpy_append(list, client_of(i, &ci)) < 0) {
			Py_DECREF(list);
			return NULL;
		}
	}
	return list;
}

/* info() -> this handle's own ClientInfo */
static PyObject *handle_info(rlcpy_handle *self, PyObject *unused)
{
	struct rlc_client_info ci;
	uint32_t idx;
	int err;

	if (rlcpy_check(self, "info", 1) < 0)
		return NULL;
	idx = (uint32_t)(self->h.self - self->h.clients);
	if ((err = rlc_client_info(&self->h, idx, &ci)))
		return rlcpy_raise(self, "info", err);
	return client_of(idx, &ci);
}

static int endpoint_arg(rlcpy_handle *self, const char *fn, PyObject *o, uint32_t *ep)
{
	if (rlcpy_uint_arg(fn, "endpoint", o, ep) < 0)
		return -1;
	if (*ep >= self->h.cat.endpoints_count) {
		rlcpy_raise_unknown(fn, "endpoint id", o, NULL);
		return -1;
	}
	return 0;
}

static PyObject *handle_endpoint_counters(rlcpy_handle *self, PyObject *o)
{
	struct rlc_endpoint_counts c;
	PyObject *v[4];
	uint32_t ep;
	int err;

	if (rlcpy_check(self, "endpoint_counters", 0) < 0 ||
	    endpoint_arg(self, "endpoint_counters", o, &ep) < 0)
		return NULL;
	if ((err = rlc_endpoint_counters(&self->h, ep, &c)))
		return rlcpy_raise(self, "endpoint_counters", err);
	v[0] = u64(c.grants);
	v[1] = u64(c.refusals);
	v[2] = u64(c.waits);
	v[3] = rlcpy_seconds_obj(c.wait_ns);
	return seq(rlcpy_counters_type, v, 4);
}

static PyObject *handle_endpoint_outcomes(rlcpy_handle *self, PyObject *o)
{
	struct rlc_outcome_counts c;
	uint32_t ep;
	int err;

	if (rlcpy_check(self, "endpoint_outcomes", 0) < 0 ||
	    endpoint_arg(self, "endpoint_outcomes", o, &ep) < 0)
		return NULL;
	if ((err = rlc_endpoint_outcomes(&self->h, ep, &c)))
		return rlcpy_raise(self, "endpoint_outcomes", err);
	return outcomes_of(&c);
}

/* clock_estimate(exchange) -> (offset s, error s or None, samples) */
static PyObject *handle_clock_estimate(rlcpy_handle *self, PyObject *o)
{
	uint64_t error, samples;
	int64_t offset;
	int x, err;

	if (rlcpy_check(self, "clock_estimate", 0) < 0 ||
	    rlcpy_exchange_arg(self, "clock_estimate", o, &x) < 0)
		return NULL;
	if ((err = rlc_clock_estimate(&self->h, x, &offset, &error, &samples)))
		return rlcpy_raise(self, "clock_estimate", err);
	return Py_BuildValue("(dNK)", (double)offset / 1e9,
			     error == UINT64_MAX ? none() : rlcpy_seconds_obj(error),
			     (unsigned long long)samples);
}

PyMethodDef rlcpy_handle_state_methods[] = {
	RLCPY_FAST("usage", handle_usage, 0,
		   "usage(limit=None)\n--\n\nLive Usage of one limit (id or name), or a list of "
		   "every limit's."),
	{ "block_state", (PyCFunction)handle_block_state, METH_O,
	  PyDoc_STR("block_state(scope)\n--\n\nThe BlockState in force on scope (name or id), or "
		    "None.") },
	RLCPY_FAST("block", handle_block, 0,
		   "block(scope, seconds)\n--\n\nBlock scope by hand for every process (a block only "
		   "rises)."),
	{ "unblock", (PyCFunction)handle_unblock, METH_O,
	  PyDoc_STR("unblock(scope)\n--\n\nLift scope's block and close its circuit breaker.") },
	{ "breaker", (PyCFunction)handle_breaker, METH_O,
	  PyDoc_STR("breaker(scope)\n--\n\nThe Breaker state of scope.") },
	{ "mode_get", (PyCFunction)handle_mode_get, METH_O,
	  PyDoc_STR("mode_get(exchange)\n--\n\n(mode name, until or None) of exchange id.") },
	RLCPY_FAST("mode_set", handle_mode_set, 0,
		   "mode_set(exchange, mode, seconds=None)\n--\n\nSwitch exchange id to mode (name "
		   "or id) for `seconds` (None: the mode's own duration) for every process."),
	{ "clients", (PyCFunction)handle_clients, METH_NOARGS,
	  PyDoc_STR("clients()\n--\n\nClientInfo of every client record a process holds.") },
	{ "info", (PyCFunction)handle_info, METH_NOARGS,
	  PyDoc_STR("info()\n--\n\nThis client's own ClientInfo.") },
	{ "endpoint_counters", (PyCFunction)handle_endpoint_counters, METH_O,
	  PyDoc_STR("endpoint_counters(endpoint)\n--\n\nEndpointCounters of endpoint id, every "
		    "client's.") },
	{ "endpoint_outcomes", (PyCFunction)handle_endpoint_outcomes, METH_O,
	  PyDoc_STR("endpoint_outcomes(endpoint)\n--\n\nOutcomes fed back for endpoint id.") },
	{ "clock_estimate", (PyCFunction)handle_clock_estimate, METH_O,
	  PyDoc_STR("clock_estimate(exchange)\n--\n\n(offset s, error s or None, samples) of the "
		    "exchange's clock.") },
	{ NULL, NULL, 0, NULL },
};
