/* SPDX-License-Identifier: MIT */
/*
 * rlc/feedback.h - what a response tells every process: one call after
 * each response (rlc_feedback) raises counts from usage headers, blocks
 * the scope a penalty names, learns the exchange's clock and drives the
 * scope's circuit breaker; and the calls that read and set blocks.  Part
 * of rlc.h, which includes it last; not for use on its own.
 */
#ifndef RLC_FEEDBACK_H
#define RLC_FEEDBACK_H

#include "backoff.h"
#include "block.h"
#include "http.h"
#include "offset.h"
#include "penalty.h"

/* What rlc_feedback did, or-ed together. */
#define RLC_FEEDBACK_RAISED 0x01u    /* a usage header raised a count */
#define RLC_FEEDBACK_MALFORMED 0x02u /* a header rlc reads was malformed: ignored */
#define RLC_FEEDBACK_UNMATCHED 0x04u /* a usage header no limit of the request is reported by */
#define RLC_FEEDBACK_BLOCKED 0x08u   /* a penalty blocked a scope */
#define RLC_FEEDBACK_CLOCK 0x10u     /* the exchange's clock offset was learned */
#define RLC_FEEDBACK_BREAKER 0x20u   /* a failure opened the scope's circuit breaker */


struct rlc_http_header {
	const char *name; /* any case */
	const char *value;
};

struct rlc_response {
	int status; /* HTTP status, or 0: no response (timeout, connection error) */
	const struct rlc_http_header *headers;
	unsigned headers_count;
	const char *code;        /* the exchange's error code from the body ("-1003"), or NULL */
	uint64_t elapsed_ns;     /* from sending to the response; 0: not measured */
	int64_t server_time_ms;  /* a server-time field of the body (ms since 1970), or 0 */
};

struct rlc_block {
	uint64_t until_ns; /* CLOCK_MONOTONIC; 0: not blocked */
	uint64_t since_ns; /* when it was set, to 100 ms; 0 when unknown */
	int status;        /* the HTTP status that set it; 0: set by hand */
	int has_code;      /* whether code holds the exchange's error code */
	int32_t code;
	int client; /* the client record that set it, or -1 */
};

struct rlc_breaker {
	uint32_t state;    /* enum rlc_breaker_state */
	uint32_t failures; /* consecutive failures counted */
	uint64_t until_ns; /* open: end of the cool-down; half-open: the probe's timeout */
};

/* Headers rlc_feedback keeps for after the loop: bits of rlc__heard.seen. */
#define RLC__HEARD_LIMIT 0x01u  /* X-Bapi-Limit */
#define RLC__HEARD_STATUS 0x02u /* X-Bapi-Limit-Status */
#define RLC__HEARD_RESET 0x04u  /* X-Bapi-Limit-Reset-Timestamp */
#define RLC__HEARD_REMAIN 0x08u /* x-mbx-used-remain-limit */
#define RLC__HEARD_RETRY 0x10u  /* Retry-After */
#define RLC__HEARD_DATE 0x20u   /* Date */

/*
 * What rlc_feedback gathers from one response before it applies it.  The
 * header fields are not cleared up front: each is read only when its bit
 * in `seen` says a header filled it.
 */
struct rlc__heard {
	uint64_t now, real;  /* CLOCK_MONOTONIC, and CLOCK_REALTIME once read (else 0) */
	uint64_t sent;       /* CLOCK_MONOTONIC when the request left */
	int exchange;        /* the request's exchange, or -1 */
	unsigned flags;      /* RLC_FEEDBACK_* */
	unsigned seen;       /* RLC__HEARD_* */
	struct rlc_http_field limit, status, reset, left, retry, when;
};

/* The exchange of a grant: its endpoint's, else its first limit's; or -1. */
static inline int rlc__grant_exchange(const struct rlc *h, const struct rlc_grant *g)
{
	if (g->endpoint >= 0)
		return (int)h->cat.endpoints[g->endpoint].exchange;
	if (g->count > 0 && h->limits[g->id[0]].exchange != RLC_NONE)
		return (int)h->limits[g->id[0]].exchange;
	return -1;
}

/* Is *g a grant of handle h that a response can answer? */
static inline int rlc__grant_ok(const struct rlc *h, const struct rlc_grant *g)
{
	uint32_t i;

	if (g->refused_by != -1 || g->count > RLC_LINK_MAX ||
	    (g->endpoint >= 0 && (uint32_t)g->endpoint >= h->cat.endpoints_count) ||
	    (g->endpoint < 0 && g->count == 0) ||
	    (g->account >= 0 && (uint32_t)g->account >= h->cat.accounts_count))
		return 0;
	for (i = 0; i < g->count; i++)
		if (g->id[i] >= h->limits_count)
			return 0;
	return 1;
}

/* The account a request of exchange x counted on, or -1 if none is known. */
static inline int rlc__grant_account(const struct rlc *h, const struct rlc_grant *g, int x)
{
	const struct rlc_exchange_view *xv = &h->cat.exchanges[x];
	uint32_t i;

	if (g->account >= 0 && h->cat.accounts[g->account].exchange == (uint32_t)x)
		return g->account;
	for (i = 0; i < g->count; i++)
		if (h->limits[g->id[i]].account != RLC_NONE &&
		    h->cat.accounts[h->limits[g->id[i]].account].exchange == (uint32_t)x)
			return (int)h->limits[g->id[i]].account;
	return xv->accounts_count == 1 ? (int)xv->accounts_first : -1;
}

/* Did the request count on an account's limit? */
static inline int rlc__grant_on_account(const struct rlc *h, const struct rlc_grant *g)
{
	uint32_t i;

	for (i = 0; i < g->count; i++)
		if (h->limits[g->id[i]].account != RLC_NONE)
			return 1;
	return 0;
}

/* CLOCK_REALTIME of the call, read once. */
static inline uint64_t rlc__heard_real(struct rlc__heard *k)
{
	if (!k->real)
		k->real = rlc_realtime_ns();
	return k->real;
}

/* The exchange's clock at the call. */
static inline uint64_t rlc__heard_exchange_now(const struct rlc *h, struct rlc__heard *k)
{
	/* Two's complement add, as rlc__exchange_clock. */
	return rlc__heard_real(k) + (uint64_t)rlc__offset_of(&h->cat.exchanges[k->exchange]);
}

/* Count one outcome of `status` taking `elapsed_ns` in *o (shared: by fetch-add). */
static inline void rlc__outcome(struct rlc_outcomes *o, int status, uint64_t elapsed_ns,
				int shared)
{
	static const uint64_t bound_ms[RLC_ELAPSED_BUCKETS - 1] = RLC_ELAPSED_BOUNDS_MS;
	rlc_word *kind = status == 0                       ? &o->transport
			 : status >= 500                   ? &o->server_error
			 : status == 429 || status == 418  ? &o->limited
			 : status >= 400                   ? &o->client_error
							   : &o->ok;
	unsigned b = 0;

	while (b < RLC_ELAPSED_BUCKETS - 1 && elapsed_ns > bound_ms[b] * 1000000u)
		b++;
	if (shared) {
		rlc__add_relaxed(kind, 1);
		if (elapsed_ns) {
			rlc__add_relaxed(&o->elapsed_ns, elapsed_ns);
			rlc__add_relaxed(&o->elapsed[b], 1);
		}
		return;
	}
	rlc__count(kind, 1); /* the client's own record: only this process writes it */
	if (elapsed_ns) {
		rlc__count(&o->elapsed_ns, elapsed_ns);
		rlc__count(&o->elapsed[b], 1);
	}
}

/*
 * Raise limit `id` to `count` as the exchange reported it at the call in
 * *k.  A fixed limit's count is for the exchange's interval the request
 * was served in: if sending and answering may lie in two intervals, the
 * report is not applied.  Returns 1 raised, 0 not needed, or -errno.
 */
static inline int rlc__raise_count(const struct rlc *h, uint32_t id, uint64_t count,
				   struct rlc__heard *k)
{
	const struct rlc_limit_view *v = &h->limits[id];
	uint64_t seen = 0, now = k->now, x, lo, hi;
	int err;

	if (count > v->capacity)
		count = v->capacity;
	if (count == 0)
		return 0;
	if (v->algorithm == RLC_ALGO_FIXED) {
		x = rlc__heard_exchange_now(h, k);
		if (x > UINT64_MAX / 2 || x - (now - k->sent) < v->clock_error_ns)
			return 0;
		lo = (x - (now - k->sent) - v->clock_error_ns) / v->interval_ns;
		hi = (x + v->clock_error_ns) / v->interval_ns;
		return lo == hi ? rlc_fixed_raise(v, lo, (uint32_t)count) : 0;
	}
	for (;;) {
		err = v->algorithm == RLC_ALGO_WINDOW
			      ? rlc_window_raise(v, now, (uint32_t)count, &seen)
			      : rlc_bucket_raise(v, now, (uint32_t)count, &seen);
		if (!rlc__retake(&err, seen))
			return err;
		now = rlc_now_ns();
	}
}

/* rlc__raise_count, counted on the limit when it raised. */
static inline int rlc__raise_limit(const struct rlc *h, uint32_t id, uint64_t count,
				   struct rlc__heard *k)
{
	int raised = rlc__raise_count(h, id, count, k);

	if (raised == 1)
		rlc__add_relaxed(&rlc__limit_record(&h->limits[id])->observed, 1);
	return raised;
}

/* Apply a raise's outcome to the flags. */
static inline void rlc__raised(struct rlc__heard *k, int err)
{
	if (err > 0)
		k->flags |= RLC_FEEDBACK_RAISED;
}

/* An X-MBX-* usage header: the limit of its exchange and interval. */
static inline void rlc__heard_mbx(const struct rlc *h, const struct rlc_grant *g,
				  const struct rlc_http_field *f, struct rlc__heard *k)
{
	const struct rlc_exchange_view *x = &h->cat.exchanges[k->exchange];
	uint32_t want = f->kind == RLC_HTTP_MBX_WEIGHT ? RLC_OBSERVE_MBX_WEIGHT
						       : RLC_OBSERVE_MBX_ORDERS;
	uint32_t i;
	int a;

	for (i = 0; i < x->observed_count; i++) {
		const struct rlc_observed *o = &x->observed[i];

		if (o->observe != want || o->interval_ns != f->interval_ns)
			continue;
		if (o->limit != RLC_NONE) {
			rlc__raised(k, rlc__raise_limit(h, o->limit, f->count, k));
			return;
		}
		if ((a = rlc__grant_account(h, g, k->exchange)) < 0)
			break; /* which account's orders, rlc cannot tell */
		rlc__raised(k, rlc__raise_limit(h, h->cat.accounts[a].limits_first + o->account_slot,
						f->count, k));
		return;
	}
	k->flags |= RLC_FEEDBACK_UNMATCHED;
}

/* Note header `name: value` in *k, applying an X-MBX-* usage header at once. */
static inline void rlc__heard_header(const struct rlc *h, const struct rlc_grant *g,
				     const char *name, const char *value, struct rlc__heard *k)
{
	struct rlc_http_field f;
	int kind = rlc_http_parse(name, value, &f);

	switch (kind) {
	case -ENOENT:
		return;
	case RLC_HTTP_MBX_WEIGHT:
	case RLC_HTTP_MBX_ORDERS:
		rlc__heard_mbx(h, g, &f, k);
		return;
	case RLC_HTTP_BAPI_LIMIT:
		k->seen |= RLC__HEARD_LIMIT, k->limit = f;
		return;
	case RLC_HTTP_BAPI_STATUS:
		k->seen |= RLC__HEARD_STATUS, k->status = f;
		return;
	case RLC_HTTP_BAPI_RESET:
		k->seen |= RLC__HEARD_RESET, k->reset = f;
		return;
	case RLC_HTTP_REMAIN:
		k->seen |= RLC__HEARD_REMAIN, k->left = f;
		return;
	case RLC_HTTP_RETRY_AFTER:
		k->seen |= RLC__HEARD_RETRY, k->retry = f;
		return;
	case RLC_HTTP_DATE:
		k->seen |= RLC__HEARD_DATE, k->when = f;
		return;
	default:
		k->flags |= RLC_FEEDBACK_MALFORMED;
	}
}

/*
 * Bybit's X-Bapi-Limit(-Status) and Bitget's x-mbx-used-remain-limit: what
 * is left of the request's endpoint's own limit, so they raise the parts
 * of the grant whose limit they report.
 */
static inline void rlc__heard_left(const struct rlc *h, const struct rlc_grant *g,
				   struct rlc__heard *k)
{
	uint32_t i, want = k->seen & RLC__HEARD_STATUS ? RLC_OBSERVE_BAPI : RLC_OBSERVE_REMAIN;
	int found = 0;

	if (!(k->seen & (RLC__HEARD_STATUS | RLC__HEARD_REMAIN)))
		return;
	for (i = 0; i < g->count; i++) {
		const struct rlc_limit_view *v = &h->limits[g->id[i]];
		uint64_t of, left;

		if (v->observe != want)
			continue;
		found = 1;
		of = want == RLC_OBSERVE_BAPI && k->seen & RLC__HEARD_LIMIT ? k->limit.count
									    : v->capacity;
		left = want == RLC_OBSERVE_BAPI ? k->status.count : k->left.count;
		if (left < of)
			rlc__raised(k, rlc__raise_limit(h, g->id[i], of - left, k));
	}
	if (!found)
		k->flags |= RLC_FEEDBACK_UNMATCHED;
}

/* Learn the exchange's clock from a server time good to `resolution_ns`. */
static inline void rlc__heard_clock(const struct rlc *h, uint64_t server_ns,
				    uint64_t resolution_ns, struct rlc__heard *k)
{
	uint64_t recv = rlc__heard_real(k), sent = recv - (k->now - k->sent);

	if (rlc_offset_learn(&h->cat.exchanges[k->exchange], server_ns, resolution_ns, sent,
			     recv) > 0)
		k->flags |= RLC_FEEDBACK_CLOCK;
}

/* The scope a penalty of kind `scope` falls on, or RLC_NONE. */
static inline uint32_t rlc__penalty_scope(const struct rlc *h, const struct rlc_grant *g,
					  uint32_t scope, const struct rlc__heard *k)
{
	const struct rlc_exchange_view *x = &h->cat.exchanges[k->exchange];
	int a = rlc__grant_account(h, g, k->exchange);
	uint32_t account = a >= 0 ? h->cat.accounts[a].scope : RLC_NONE;

	if (scope == RLC_PENALTY_REQUEST)
		scope = rlc__grant_on_account(h, g) ? RLC_PENALTY_ACCOUNT : RLC_PENALTY_IP;
	if (scope == RLC_PENALTY_ACCOUNT)
		return account != RLC_NONE ? account : x->ip_scope;
	return x->ip_scope != RLC_NONE ? x->ip_scope : account;
}

/* How long from the call a time of the exchange's clock is; 0 if past. */
static inline uint64_t rlc__heard_until(const struct rlc *h, uint64_t at_ns, struct rlc__heard *k)
{
	uint64_t x = rlc__heard_exchange_now(h, k);

	return at_ns > x ? at_ns - x : 0;
}

/* A penalty the response means: block its scope (rlc/penalty.h). */
static inline void rlc__heard_penalty(struct rlc *h, const struct rlc_grant *g,
				      const struct rlc_response *r, struct rlc__heard *k)
{
	struct rlc_penalty p;
	uint64_t d, reset;
	int32_t code = 0;
	int has_code = rlc_penalty_code(r->code, &code);
	uint32_t scope;

	if (!rlc_penalty_of(h->cat.exchanges[k->exchange].dialect, r->status, has_code, code, &p))
		return;
	d = p.default_ns;
	if (k->seen & RLC__HEARD_RETRY)
		d = k->retry.is_date ? rlc__heard_until(h, k->retry.time_ns, k) : k->retry.delay_ns;
	if (p.until_reset && k->seen & RLC__HEARD_RESET &&
	    (reset = rlc__heard_until(h, k->reset.time_ns, k)) > d)
		d = reset;
	d = d < p.floor_ns ? p.floor_ns : d > RLC_BLOCK_MAX_NS ? RLC_BLOCK_MAX_NS : d;
	scope = rlc__penalty_scope(h, g, p.scope, k);
	if (d == 0 || scope == RLC_NONE)
		return;
	rlc__block_raise(&h->scope_words[scope], k->now + d, k->now, (uint32_t)r->status,
			 has_code ? (uint32_t)code : RLC__BLOCK_NO_CODE, (int)(h->self - h->clients));
	k->flags |= RLC_FEEDBACK_BLOCKED;
}

/* The scope whose breaker a request's failures count on: its IP's, else its account's. */
static inline uint32_t rlc__breaker_scope(const struct rlc *h, const struct rlc_grant *g, int x)
{
	int a;

	if (h->cat.exchanges[x].ip_scope != RLC_NONE)
		return h->cat.exchanges[x].ip_scope;
	a = rlc__grant_account(h, g, x);
	return a >= 0 ? h->cat.accounts[a].scope : RLC_NONE;
}

static inline void rlc__heard_breaker(struct rlc *h, const struct rlc_grant *g,
				      const struct rlc_response *r, struct rlc__heard *k)
{
	const struct rlc_exchange_view *x = &h->cat.exchanges[k->exchange];
	uint32_t scope;

	if (!x->breaker_failures || (scope = rlc__breaker_scope(h, g, k->exchange)) == RLC_NONE)
		return;
	if (rlc__breaker_note(&h->scope_words[scope].breaker, r->status == 0 || r->status >= 500,
			      g->probe == (int32_t)scope ? g->probe_word : 0, x->breaker_failures,
			      x->breaker_cooldown_ns, k->now))
		k->flags |= RLC_FEEDBACK_BREAKER;
}

/*
 * Feed back the response to the request granted in *g: call it once per
 * response, with what the HTTP client handed over.  It counts the outcome
 * (for this client and the grant's endpoint); raises the counts of the
 * limits the usage headers report, never lowering one; blocks the scope
 * that a penalty (429, 418, Bybit's 403, a rate-limit error code; see
 * rlc/penalty.h) names, for its Retry-After or the exchange's documented
 * time; learns the exchange's clock from Date and server_time_ms
 * (rlc/offset.h); and counts a failure (no response, 5xx) or a success on
 * the circuit breaker (rlc/block.h).  Lock-free.
 *
 * Returns the RLC_FEEDBACK_* bits of what it did (0: nothing but counting);
 * -EINVAL for a bad handle, response (status not 0 or 100 to 599, headers
 * NULL with a count) or grant (refused, refunded, or not of this handle);
 * -EBADMSG once the segment was truncated.
 */
static inline int rlc_feedback(struct rlc *h, const struct rlc_grant *g,
			       const struct rlc_response *r)
{
	struct rlc__heard k;
	unsigned i;

	if (!h || !h->self || !g || !r || (r->status != 0 && (r->status < 100 || r->status > 599)) ||
	    (r->headers_count && !r->headers) || !rlc__grant_ok(h, g))
		return -EINVAL;
	if (rlc__truncated(h))
		return -EBADMSG;
	k.real = 0;
	k.flags = k.seen = 0;
	k.now = rlc_now_ns();
	/* sent after it was granted, however long the caller says it took */
	k.sent = r->elapsed_ns && r->elapsed_ns < k.now - g->now_ns ? k.now - r->elapsed_ns
								    : g->now_ns;
	k.sent = k.sent > k.now ? k.now : k.sent;
	rlc__outcome(&h->self->outcomes, r->status, r->elapsed_ns, 0);
	if (g->endpoint >= 0)
		rlc__outcome(&h->outcomes[g->endpoint], r->status, r->elapsed_ns, 1);
	if ((k.exchange = rlc__grant_exchange(h, g)) < 0)
		return 0;
	for (i = 0; i < r->headers_count; i++)
		rlc__heard_header(h, g, r->headers[i].name, r->headers[i].value, &k);
	rlc__heard_left(h, g, &k);
	/* one sample a response: the server time when there is one, it is finer */
	if (r->server_time_ms > 0 && r->server_time_ms < INT64_C(1) << 42)
		rlc__heard_clock(h, (uint64_t)r->server_time_ms * 1000000u, 1000000u, &k);
	else if (k.seen & RLC__HEARD_DATE)
		rlc__heard_clock(h, k.when.time_ns, RLC_NS_PER_SEC, &k);
	rlc__heard_penalty(h, g, r, &k);
	rlc__heard_breaker(h, g, r, &k);
	return rlc__truncated(h) ? -EBADMSG : (int)k.flags;
}

/*
 * What endpoint `endpoint`'s requests were told by every client (grants,
 * refusals, waits and their time), into *out.  Reads only.  Returns as
 * rlc_endpoint_outcomes.
 */
static inline int rlc_endpoint_counters(const struct rlc *h, uint32_t endpoint,
					struct rlc_endpoint_counts *out)
{
	const struct rlc_endpoint_counters *c;

	if (!h || !h->base || !out)
		return -EINVAL;
	if (endpoint >= h->cat.endpoints_count)
		return -ENOENT;
	c = &h->counters[endpoint];
	out->grants = rlc__load_relaxed(&c->grants);
	out->refusals = rlc__load_relaxed(&c->refusals);
	out->waits = rlc__load_relaxed(&c->waits);
	out->wait_ns = rlc__load_relaxed(&c->wait_ns);
	return rlc__truncated(h) ? -EBADMSG : 0;
}

/*
 * The outcomes fed back for endpoint `endpoint` by every client, into
 * *out.  Reads only.  Returns 0, -ENOENT for an unknown endpoint, -EINVAL,
 * or -EBADMSG once the segment was truncated.
 */
static inline int rlc_endpoint_outcomes(const struct rlc *h, uint32_t endpoint,
					struct rlc_outcome_counts *out)
{
	if (!h || !h->base || !out)
		return -EINVAL;
	if (endpoint >= h->cat.endpoints_count)
		return -ENOENT;
	rlc__outcomes_read(&h->outcomes[endpoint], out);
	return rlc__truncated(h) ? -EBADMSG : 0;
}

/* Id of scope `name` ("binance-usdm.ip"), or -ENOENT; -EINVAL on NULL. */
static inline int rlc_scope_id(const struct rlc *h, const char *name)
{
	uint32_t i;

	if (!h || !h->base || !name)
		return -EINVAL;
	for (i = 0; i < h->layout.scopes_count; i++)
		if (strcmp(h->scopes[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

/*
 * The block on scope `scope` now: b->until_ns 0 when there is none (it has
 * ended, or lies further ahead than RLC_BLOCK_MAX_NS, where no call puts
 * one), else when it ends and, when its words agree (a block being raised
 * this instant may leave them describing another) and hold what a call
 * writes, who set it (-1 for a record out of range), why and when; else
 * status 0, no code, client -1 and since_ns 0.  Reads only.
 * Returns 0, -EINVAL, or -EBADMSG once the segment was truncated.
 */
static inline int rlc_block_get(const struct rlc *h, uint32_t scope, struct rlc_block *b)
{
	const struct rlc_scope *s;
	uint64_t until, cause, code, since;
	int tries;

	if (!h || !h->base || !b || scope >= h->layout.scopes_count)
		return -EINVAL;
	s = &h->scope_words[scope];
	memset(b, 0, sizeof(*b));
	b->client = -1;
	for (tries = 0; tries < 4; tries++) {
		/* Relaxed: each word is self-contained; the keys tell which go together. */
		uint64_t now = rlc_now_ns();
		int status, client;

		until = rlc__load_relaxed(&s->blocked_until);
		cause = rlc__load_relaxed(&s->block_cause);
		code = rlc__load_relaxed(&s->block_code);
		since = rlc__load_relaxed(&s->block_since);
		if (until <= now || until - now > RLC_BLOCK_MAX_NS)
			break; /* over, or written by no call: not a block (rlc/block.h) */
		b->until_ns = until;
		status = (int)((cause & RLC__BLOCK_DETAIL_MASK) >> RLC__BLOCK_CLIENT_BITS);
		client = (int)(cause & ((1u << RLC__BLOCK_CLIENT_BITS) - 1u)) - 1;
		if (!rlc__block_keyed(cause, until) || !rlc__block_keyed(code, until) ||
		    !rlc__block_keyed(since, until) || status > 599)
			continue; /* another block's words, or none that a call writes */
		b->status = status;
		b->client = client < (int)h->layout.clients_count ? client : -1;
		code &= RLC__BLOCK_DETAIL_MASK;
		b->has_code = code != RLC__BLOCK_NO_CODE;
		/* sign-extend the 24-bit code */
		b->code = b->has_code ? (int32_t)(code ^ RLC__BLOCK_NO_CODE) - (int32_t)RLC__BLOCK_NO_CODE : 0;
		since = (since & RLC__BLOCK_DETAIL_MASK) * RLC__BLOCK_SINCE_UNIT_NS;
		b->since_ns = until > since ? until - since : 0;
		break;
	}
	return rlc__truncated(h) ? -EBADMSG : 0;
}

/*
 * Block scope `scope` by hand until `until_ns` (CLOCK_MONOTONIC) for every
 * process: its reserves are refused with -ECONNREFUSED until then.  Raises
 * only: a longer block in force stays.  Returns 0; -EINVAL for a bad
 * scope, a read-only handle, or an until_ns not in the future or more than
 * RLC_BLOCK_MAX_NS ahead; -EBADMSG once the segment was truncated.
 */
static inline int rlc_block(struct rlc *h, uint32_t scope, uint64_t until_ns)
{
	uint64_t now = rlc_now_ns();

	if (!h || !h->self || scope >= h->layout.scopes_count || until_ns <= now ||
	    until_ns - now > RLC_BLOCK_MAX_NS)
		return -EINVAL;
	if (rlc__truncated(h))
		return -EBADMSG;
	rlc__block_raise(&h->scope_words[scope], until_ns, now, 0, RLC__BLOCK_NO_CODE,
			 (int)(h->self - h->clients));
	return 0;
}

/*
 * Lift any block of scope `scope`, the exchange's too, and close its
 * circuit breaker, for every process.  Returns 0, -EINVAL (bad scope,
 * read-only handle), or -EBADMSG.
 */
static inline int rlc_unblock(struct rlc *h, uint32_t scope)
{
	if (!h || !h->self || scope >= h->layout.scopes_count)
		return -EINVAL;
	if (rlc__truncated(h))
		return -EBADMSG;
	rlc__block_clear(&h->scope_words[scope]);
	rlc__store_relaxed(&h->scope_words[scope].breaker, 0);
	return 0;
}

/*
 * The circuit breaker of scope `scope` now (rlc/block.h): an open breaker
 * whose cool-down has passed, or a half-open one whose probe has timed
 * out, reads as it is stored; the next take moves it on.  A time further
 * ahead than any cool-down or probe timeout reads as 0, passed.  Returns 0,
 * -EINVAL, or -EBADMSG.
 */
static inline int rlc_breaker_get(const struct rlc *h, uint32_t scope, struct rlc_breaker *b)
{
	uint64_t w;

	if (!h || !h->base || !b || scope >= h->layout.scopes_count)
		return -EINVAL;
	/* Self-contained word: relaxed. */
	w = rlc__load_relaxed(&h->scope_words[scope].breaker);
	b->state = RLC__BREAKER_STATE(w) > RLC_BREAKER_HALF_OPEN ? (uint32_t)RLC_BREAKER_OPEN
								: RLC__BREAKER_STATE(w);
	b->failures = RLC__BREAKER_FAILURES(w);
	b->until_ns = b->state == RLC_BREAKER_CLOSED ? 0 : (w & RLC__BREAKER_TIME_MASK) * 1000u;
	if (b->until_ns > rlc_now_ns() + RLC_BREAKER_TIME_MAX_NS)
		b->until_ns = 0; /* no take wrote it: the next one probes (rlc__breaker_pass) */
	return rlc__truncated(h) ? -EBADMSG : 0;
}

/*
 * What exchange `exchange`'s clock offset was learned from: the offset in
 * force in *offset_ns, as fixed limits read it (a word beyond a day is a
 * day), half the width of the learned bounds in *error_ns (UINT64_MAX
 * while nothing is learned: the offset is the configured or set one), and
 * the responses learned from since the bounds last started in *samples.  Returns 0, -EINVAL, or -EBADMSG.
 */
static inline int rlc_clock_estimate(const struct rlc *h, int exchange, int64_t *offset_ns,
				     uint64_t *error_ns, uint64_t *samples)
{
	const struct rlc_exchange_view *x;
	uint64_t lo, hi;

	if (!rlc__exchange_ok(h, exchange) || !offset_ns || !error_ns || !samples)
		return -EINVAL;
	x = &h->cat.exchanges[exchange];
	/* Relaxed: figures for the caller (rlc/offset.h). */
	lo = rlc__load_relaxed(x->clock_lo);
	hi = rlc__load_relaxed(x->clock_hi);
	*offset_ns = rlc__offset_of(x);
	/* no pair of bounds (see rlc/offset.h): nothing learned to tell */
	*error_ns = lo == 0 || hi == UINT64_MAX || lo > hi ? UINT64_MAX : (hi - lo) / 2;
	*samples = rlc__load_relaxed(x->clock_samples);
	return rlc__truncated(h) ? -EBADMSG : 0;
}

#endif /* RLC_FEEDBACK_H */
