/* SPDX-License-Identifier: MIT */
/*
 * rlcpy.h - what the files of the CPython extension rlc._rlc share: the
 * Handle, Grant and Waiter objects, parameter conversion, and raising the
 * rlc package's exceptions from the C API's -errno codes.
 *
 * Every call on a handle holds the GIL, so a handle is used by one thread
 * at a time, as rlc.h asks; the only call that lets the GIL go,
 * reserve_wait, does so only to sleep, touching no handle meanwhile.
 */
#ifndef RLCPY_H
#define RLCPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h> /* first: it sets the feature macros */

#include <rlc.h>

#if defined(__GNUC__)
#define RLCPY_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define RLCPY_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define RLCPY_UNLIKELY(x) (x)
#define RLCPY_LIKELY(x) (x)
#endif

/* A method table entry for a METH_FASTCALL function, without the cast
 * warnings a direct cast to PyCFunction gives. */
#define RLCPY_FAST(name, fn, flags, doc) \
	{ name, (PyCFunction)(void (*)(void))(fn), METH_FASTCALL | (flags), PyDoc_STR(doc) }

/* rlc._rlc.Handle: one rlc_open()ed handle. */
typedef struct rlcpy_handle {
	PyObject_HEAD
	struct rlc h;
	int open;   /* rlc_open succeeded and rlc_close has not run */
	int forked; /* this process is a fork() child of the one that opened it */
	PyObject *segment; /* str: the segment's name */
	PyObject *name;    /* str: the client name it registered */
	PyObject *weakrefs;
	struct rlcpy_handle *next_open; /* the module's list of open handles (fork) */
} rlcpy_handle;

/* Grant states: what happened to the request after it was granted. */
#define RLCPY_GRANT_REFUNDED 1u
#define RLCPY_GRANT_FED 2u  /* feedback given: the request was sent */
#define RLCPY_GRANT_SENT 4u /* mark_sent(): the request left */

/* rlc._rlc.Grant: a granted reservation, kept for refund and feedback. */
typedef struct {
	PyObject_HEAD
	rlcpy_handle *owner; /* strong: the handle it was granted on */
	unsigned state;      /* RLCPY_GRANT_* */
	uint64_t granted_ns; /* g.now_ns as granted: the request leaves after it */
	struct rlc_grant g;
} rlcpy_grant;

/* Request parameters as rlc_param text, holding what the pointers point into. */
#define RLCPY_PARAMS_STACK 16
#define RLCPY_NUM_LEN 32
struct rlcpy_params {
	struct rlc_param *p;
	char (*num)[RLCPY_NUM_LEN]; /* number texts, one per parameter */
	PyObject **keep;            /* references held until rlcpy_params_release */
	unsigned n, nkeep, cap;
	struct rlc_param p_stack[RLCPY_PARAMS_STACK];
	char num_stack[RLCPY_PARAMS_STACK][RLCPY_NUM_LEN];
	PyObject *keep_stack[2 * RLCPY_PARAMS_STACK];
};

/* What a reserve asks for, parsed from (endpoint, params, account, priority). */
struct rlcpy_request {
	uint32_t endpoint;
	int account;  /* or RLC_ACCOUNT_ONLY */
	int priority; /* or RLC_PRIO_ENDPOINT */
	struct rlcpy_params params;
};

extern PyTypeObject rlcpy_handle_type;
extern PyTypeObject rlcpy_grant_type;
extern PyTypeObject rlcpy_waiter_type;

/* module.c: the rlc.errors classes, and the structseq types of state.c. */
struct rlcpy_errors {
	PyObject *base, *refused, *timeout, *blocked, *breaker, *unknown, *too_big, *corrupt,
		*no_segment, *json_dumps;
};
extern struct rlcpy_errors rlcpy_err;
extern PyTypeObject *rlcpy_usage_type, *rlcpy_block_type, *rlcpy_breaker_type,
	*rlcpy_client_type, *rlcpy_outcomes_type, *rlcpy_counters_type;
void rlcpy_handle_link(rlcpy_handle *self);
void rlcpy_handle_unlink(rlcpy_handle *self);

/* handle.c */
int rlcpy_check_fail(rlcpy_handle *self, const char *fn, int writes);

/* The handle is usable for call `fn` (writes: it needs a client record):
 * 0, or -1 with the exception set.  Inline: every call starts with it. */
static inline int rlcpy_check(rlcpy_handle *self, const char *fn, int writes)
{
	if (RLCPY_LIKELY(self->open && !self->forked && (!writes || self->h.self)))
		return 0;
	return rlcpy_check_fail(self, fn, writes);
}

/* Append item (a new reference, or NULL after a failure) to list, stealing it; -1 on failure. */
static inline int rlcpy_append(PyObject *list, PyObject *item)
{
	int rc = item ? PyList_Append(list, item) : -1;

	Py_XDECREF(item);
	return rc;
}

PyObject *rlcpy_scope_name(rlcpy_handle *self, uint32_t scope);
PyObject *rlcpy_limit_name(rlcpy_handle *self, int32_t limit);
int rlcpy_exchange_arg(rlcpy_handle *self, const char *fn, PyObject *o, int *out);
int rlcpy_scope_arg(rlcpy_handle *self, const char *fn, PyObject *o, uint32_t *out);
extern PyMethodDef rlcpy_handle_lookup_methods[];

/* grant.c: freed grants kept for reuse (the GIL guards the list) */
#define RLCPY_FREELIST_MAX 64
extern rlcpy_grant *rlcpy_grant_freelist[RLCPY_FREELIST_MAX];
extern unsigned rlcpy_grant_freelist_len;
rlcpy_grant *rlcpy_grant_alloc(rlcpy_handle *owner);

/* A new grant of `owner`: from the freelist, without an allocator call. */
static inline rlcpy_grant *rlcpy_grant_new(rlcpy_handle *owner)
{
	rlcpy_grant *o;

	if (RLCPY_UNLIKELY(rlcpy_grant_freelist_len == 0))
		return rlcpy_grant_alloc(owner);
	o = rlcpy_grant_freelist[--rlcpy_grant_freelist_len];
	(void)PyObject_Init((PyObject *)o, &rlcpy_grant_type);
	Py_INCREF(owner);
	o->owner = owner;
	o->state = 0;
	return o;
}
int rlcpy_grant_of(rlcpy_handle *self, const char *fn, PyObject *o, rlcpy_grant **out);
int rlcpy_grant_types_init(void);

/* params.c */
int rlcpy_params_from(struct rlcpy_params *pp, const char *fn, PyObject *params);
void rlcpy_params_release(struct rlcpy_params *pp);
int rlcpy_request_from(struct rlcpy_request *rq, const char *fn, PyObject *const *args,
		       Py_ssize_t nargs, PyObject *kwnames, PyObject **timeout);
int rlcpy_uint_arg(const char *fn, const char *what, PyObject *o, uint32_t *out);
double rlcpy_seconds(uint64_t ns);
PyObject *rlcpy_seconds_obj(uint64_t ns);
int rlcpy_deadline(const char *fn, PyObject *timeout, uint64_t now, uint64_t *deadline);
int rlcpy_interned_init(void);

/* reserve.c */
extern PyMethodDef rlcpy_handle_reserve_methods[];

/* feedback.c */
extern PyMethodDef rlcpy_handle_feedback_methods[];

/* state.c */
extern PyMethodDef rlcpy_handle_state_methods[];
int rlcpy_state_types_init(PyObject *module);

/* errors.c: raise the exception err (negative errno) means for call `fn`. */
PyObject *rlcpy_raise(rlcpy_handle *self, const char *fn, int err);
PyObject *rlcpy_raise_refusal(rlcpy_handle *self, const char *fn, int err,
			      const struct rlc_grant *g);
PyObject *rlcpy_raise_unknown(const char *fn, const char *kind, PyObject *name,
			      const char *of);
const char *rlcpy_errname(int err);

#endif /* RLCPY_H */
