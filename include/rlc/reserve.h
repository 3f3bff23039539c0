/* SPDX-License-Identifier: MIT */
/*
 * rlc/reserve.h - requests as the exchange names them: look an exchange,
 * an account and an endpoint up once, then reserve a request by endpoint id
 * and its parameters.  Part of rlc.h, which includes it last; not for use
 * on its own.
 *
 * A reserve evaluates the endpoint's weight rule for each limit it counts
 * against (rlc/rule.h, on the private copy made at open), resolves account
 * limits to the account's, and takes them all or nothing, as rlc_try_n
 * does, at the request's priority.
 */
#ifndef RLC_RESERVE_H
#define RLC_RESERVE_H

#include <strings.h>

/* Id of exchange `name`, or -ENOENT; -EINVAL on a NULL argument. */
static inline int rlc_exchange_id(const struct rlc *h, const char *name)
{
	uint32_t i;

	if (!h || !h->base || !name)
		return -EINVAL;
	for (i = 0; i < h->cat.exchanges_count; i++)
		if (strcmp(h->cat.exchanges[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* Is `exchange` an exchange id of h? */
static inline int rlc__exchange_ok(const struct rlc *h, int exchange)
{
	return h && h->base && exchange >= 0 && (uint32_t)exchange < h->cat.exchanges_count;
}

/*
 * Id of account `name` ("main") of exchange `exchange`, or -ENOENT; -EINVAL
 * on a NULL argument or an unknown exchange id.
 */
static inline int rlc_account_id(const struct rlc *h, int exchange, const char *name)
{
	const struct rlc_exchange_view *x;
	uint32_t i;

	if (!rlc__exchange_ok(h, exchange) || !name)
		return -EINVAL;
	x = &h->cat.exchanges[exchange];
	for (i = x->accounts_first; i < x->accounts_first + x->accounts_count; i++)
		if (strcmp(h->cat.accounts[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* Does endpoint name "METHOD /path" match `method` and `path` up to '?'? */
static inline int rlc__endpoint_is(const char *name, const char *method, const char *path)
{
	size_t m = strlen(method), p = strcspn(path, "?");

	return strncasecmp(name, method, m) == 0 && name[m] == ' ' &&
	       strncasecmp(name + m + 1, path, p) == 0 && name[m + 1 + p] == '\0';
}

/*
 * Id of the endpoint `method` `path` of exchange `exchange` ("GET",
 * "/fapi/v1/depth"), both without regard to case; a query string ('?' and
 * after) is ignored.  Returns the id, -ENOENT when the profile has no such
 * endpoint, or -EINVAL on a NULL argument or an unknown exchange id.
 */
static inline int rlc_endpoint_id(const struct rlc *h, int exchange, const char *method,
				  const char *path)
{
	const struct rlc_exchange_view *x;
	uint32_t i;

	if (!rlc__exchange_ok(h, exchange) || !method || !path)
		return -EINVAL;
	x = &h->cat.exchanges[exchange];
	for (i = x->endpoints_first; i < x->endpoints_first + x->endpoints_count; i++)
		if (rlc__endpoint_is(h->cat.endpoints[i].name, method, path))
			return (int)i;
	return -ENOENT;
}

/* Are two parameter names the same?  Inline: they are a few bytes long. */
static inline int rlc__same_name(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Does `v` say yes: true, yes or 1, in any case? */
static inline int rlc__truthy(const char *v)
{
	/* the first byte settles most values without a call */
	switch (v ? v[0] : '\0') {
	case 't':
	case 'T':
		return strcasecmp(v, "true") == 0;
	case 'y':
	case 'Y':
		return strcasecmp(v, "yes") == 0;
	case '1':
		return v[1] == '\0';
	default:
		return 0;
	}
}

/* The account a request of endpoint *e counts on: *a, or NULL if none. */
static inline int rlc__account_for(const struct rlc *h, const struct rlc_endpoint_view *e,
				   int account, const struct rlc_account_view **a)
{
	const struct rlc_exchange_view *x = &h->cat.exchanges[e->exchange];

	*a = NULL;
	if (account == RLC_ACCOUNT_ONLY) {
		/* with two accounts, a silent choice would spend the wrong budget */
		if (e->account_links && x->accounts_count != 1)
			return -EINVAL;
		if (x->accounts_count == 1)
			*a = &h->cat.accounts[x->accounts_first];
		return 0;
	}
	if (account < 0 || (uint32_t)account >= h->cat.accounts_count ||
	    h->cat.accounts[account].exchange != e->exchange)
		return -EINVAL;
	*a = &h->cat.accounts[account];
	return 0;
}

/*
 * Fill *g with what endpoint `endpoint` takes for these parameters: each
 * limit's weight by its rule, in id order, weight-0 parts left out; and
 * the request's priority in g->priority.  Returns 0, -ENOENT, -EINVAL or
 * -E2BIG (a weight no limit can hold).
 */
static inline int rlc__plan(const struct rlc *h, uint32_t endpoint, const struct rlc_param *params,
			    unsigned n, int account, int priority, struct rlc_grant *g)
{
	const char *values[RLC_ENDPOINT_PARAMS_MAX] = { NULL };
	const struct rlc_endpoint_view *e;
	const struct rlc_account_view *a;
	unsigned i, j;
	int err;

	if (endpoint >= h->cat.endpoints_count)
		return -ENOENT;
	if ((n && !params) || priority < RLC_PRIO_ENDPOINT || priority >= (int)RLC_PRIOS)
		return -EINVAL;
	e = &h->cat.endpoints[endpoint];
	/* Unknown parameters are ignored: the exchange takes many a rule never reads. */
	for (i = 0; i < n; i++) {
		const char *name = params[i].name;

		if (!name)
			return -EINVAL;
		for (j = 0; j < e->params_count; j++)
			if (rlc__same_name(name, e->param[j]))
				values[j] = params[i].value ? params[i].value : "";
	}
	if ((err = rlc__account_for(h, e, account, &a)))
		return err;
	g->priority = priority != RLC_PRIO_ENDPOINT ? (uint32_t)priority
		      : e->critical_if != RLC_NONE && rlc__truthy(values[e->critical_if])
			      ? (uint32_t)RLC_PRIO_CRITICAL
			      : e->priority;
	g->endpoint = (int32_t)endpoint;
	g->account = a ? (int32_t)(a - h->cat.accounts) : -1;
	for (i = 0; i < e->links_count; i++) {
		const struct rlc_link_view *l = &h->cat.links[e->links_first + i];
		uint64_t w = l->constant != RLC_NONE ? l->constant : rlc_rule_weight(&l->rule, values);
		uint32_t id;

		if (w == 0)
			continue; /* this request does not count on that limit */
		id = l->limit != RLC_NONE ? l->limit : a->limits_first + l->account_slot;
		/* no count holds more; a smaller weight above the limit's
		 * ceiling is the take's -E2BIG */
		if (w > RLC_COUNT_MAX) {
			g->refused_by = (int32_t)id;
			return -E2BIG;
		}
		if (e->sorted) { /* the common case: ids already in take order */
			g->id[g->count] = id;
			g->weight[g->count++] = (uint32_t)w;
		} else if ((err = rlc__add_part(g, id, (uint32_t)w))) {
			return err;
		}
	}
	return 0;
}

/*
 * What a reserve of `endpoint` with these parameters would take: up to
 * RLC_LINK_MAX limit ids and weights, in id order.  Reads nothing shared.
 * Returns how many limits (0 when every weight is 0), or rlc_reserve's
 * argument errors.
 */
static inline int rlc_endpoint_weights(const struct rlc *h, uint32_t endpoint,
				       const struct rlc_param *params, unsigned n, int account,
				       uint32_t *ids, uint32_t *weights)
{
	struct rlc_grant g;
	int err;

	if (!h || !h->base || !ids || !weights)
		return -EINVAL;
	g.count = 0;
	if ((err = rlc__plan(h, endpoint, params, n, account, RLC_PRIO_ENDPOINT, &g)))
		return err;
	memcpy(ids, g.id, g.count * sizeof(*ids));
	memcpy(weights, g.weight, g.count * sizeof(*weights));
	return (int)g.count;
}

/*
 * Reserve one request of endpoint `endpoint` with its `n` parameters, on
 * account `account` (an rlc_account_id, or RLC_ACCOUNT_ONLY for the
 * exchange's only account) at `priority` (enum rlc_priority, or
 * RLC_PRIO_ENDPOINT for the endpoint's own, CRITICAL when its critical-if
 * parameter says true).  Every limit the endpoint counts against is taken
 * by its rule's weight, all or nothing; a limit whose weight is 0 for these
 * parameters is not taken (a request that weighs 0 everywhere is granted
 * with g->count 0).  Lock-free, never blocks.  Returns as rlc_try_n, and
 * -ENOENT for an unknown endpoint; -EINVAL for a bad parameter list or
 * priority, an account of another exchange, or RLC_ACCOUNT_ONLY where the
 * exchange has several accounts; -E2BIG (g->refused_by set) when a weight
 * can never fit.  g->endpoint, g->account and g->priority tell what was
 * decided, for rlc_refund and the feedback calls.
 */
static inline int rlc_reserve(struct rlc *h, uint32_t endpoint, const struct rlc_param *params,
			      unsigned n, int account, int priority, struct rlc_grant *g)
{
	int err = rlc__start(h, g);

	if (!err)
		err = rlc__plan(h, endpoint, params, n, account, priority, g);
	if (err) {
		if (g)
			g->count = 0;
		return err;
	}
	return rlc__take_all(h, g, g->priority);
}

/*
 * rlc_reserve, waiting (sleeping) until it fits or until `deadline_ns`
 * (CLOCK_MONOTONIC).  While it waits, requests of lower priority that
 * arrive after it yield on the limit that refused it (rlc/priority.h), so
 * a waiting order is not starved by market-data traffic.  Returns as
 * rlc_acquire.
 */
static inline int rlc_reserve_wait(struct rlc *h, uint32_t endpoint,
				   const struct rlc_param *params, unsigned n, int account,
				   int priority, uint64_t deadline_ns, struct rlc_grant *g)
{
	uint64_t first = 0, refused_at;
	int err;

	while (rlc__waitable(err = rlc_reserve(h, endpoint, params, n, account, priority, g))) {
		refused_at = g->now_ns;
		if ((err = rlc__wait(h, g, err, deadline_ns)))
			break;
		first = first ? first : refused_at;
	}
	rlc_waited(h, g, first);
	return err;
}

/* Id of mode `name` of exchange `exchange` ("normal" is 0), or -ENOENT / -EINVAL. */
static inline int rlc_mode_id(const struct rlc *h, int exchange, const char *name)
{
	const struct rlc_exchange_view *x;
	uint32_t m;

	if (!rlc__exchange_ok(h, exchange) || !name)
		return -EINVAL;
	x = &h->cat.exchanges[exchange];
	for (m = 0; m < x->modes_count; m++)
		if (strcmp(x->modes[m].name, name) == 0)
			return (int)m;
	return -ENOENT;
}

/* The name of mode `mode` of exchange `exchange`, or NULL for a bad id. */
static inline const char *rlc_mode_name(const struct rlc *h, int exchange, uint32_t mode)
{
	if (!rlc__exchange_ok(h, exchange) || mode >= h->cat.exchanges[exchange].modes_count)
		return NULL;
	return h->cat.exchanges[exchange].modes[mode].name;
}

/*
 * The mode in force on exchange `exchange`: its id in *mode and when it
 * ends in *until_ns (CLOCK_MONOTONIC; 0 for normal).  A mode whose time
 * has passed is normal.  Returns 0, -EINVAL, or -EBADMSG for a mode word
 * no mode has.
 */
static inline int rlc_mode_get(const struct rlc *h, int exchange, uint32_t *mode,
			       uint64_t *until_ns)
{
	uint64_t word;
	int m;

	if (!rlc__exchange_ok(h, exchange) || !mode || !until_ns)
		return -EINVAL;
	/* Self-contained word (rlc/mode.h): relaxed. */
	word = rlc__load_relaxed(h->cat.exchanges[exchange].mode);
	m = rlc_mode_current(word, rlc_now_ns(), h->cat.exchanges[exchange].modes_count);
	if (m < 0)
		return m;
	*mode = (uint32_t)m;
	*until_ns = m == (int)RLC_MODE_NORMAL ? 0 : rlc_mode_until(word);
	return rlc__truncated(h) ? -EBADMSG : 0;
}

/*
 * Switch exchange `exchange` to mode `mode` until `until_ns`
 * (CLOCK_MONOTONIC) for every process at once; mode 0 (normal) ignores
 * `until_ns`.  Every request decides under the new mode from its next
 * clock read; after `until_ns` the exchange is back to normal.  Wait-free.
 * Returns 0; -EINVAL for a bad id, a read-only handle, or an until_ns not
 * in the future; -EBADMSG once the segment was truncated.
 */
static inline int rlc_mode_set(struct rlc *h, int exchange, uint32_t mode, uint64_t until_ns)
{
	if (!rlc__exchange_ok(h, exchange) || !h->self ||
	    mode >= h->cat.exchanges[exchange].modes_count ||
	    (mode != RLC_MODE_NORMAL && until_ns <= rlc_now_ns()))
		return -EINVAL;
	if (rlc__truncated(h))
		return -EBADMSG;
	rlc__store_relaxed(h->cat.exchanges[exchange].mode, rlc_mode_word(mode, until_ns));
	return 0;
}

/*
 * The offset of exchange `exchange`'s clock from CLOCK_REALTIME, in ns
 * (positive: the exchange is ahead), which its fixed limits add to
 * CLOCK_REALTIME to find their intervals (rlc/fixed.h).  Returns 0 with it
 * in *offset_ns, or -EINVAL.
 */
static inline int rlc_clock_offset_get(const struct rlc *h, int exchange, int64_t *offset_ns)
{
	if (!rlc__exchange_ok(h, exchange) || !offset_ns)
		return -EINVAL;
	/* Self-contained word: relaxed.  Two's complement, as stored. */
	*offset_ns = (int64_t)rlc__load_relaxed(h->cat.exchanges[exchange].clock_offset);
	return rlc__truncated(h) ? -EBADMSG : 0;
}

/*
 * Set that offset for every process at once, from the next clock read of
 * each.  Moving it back by more than an interval less the guard makes the
 * exchange's fixed limits refuse until the clock catches up (a word already
 * holds a later interval); move it back in small steps.  Wait-free.
 * Returns 0; -EINVAL for a bad id, a read-only handle, or an offset beyond
 * a day either way; -EBADMSG once the segment was truncated.
 */
static inline int rlc_clock_offset_set(struct rlc *h, int exchange, int64_t offset_ns)
{
	const int64_t day = INT64_C(86400) * 1000000000;

	if (!rlc__exchange_ok(h, exchange) || !h->self || offset_ns > day || offset_ns < -day)
		return -EINVAL;
	if (rlc__truncated(h))
		return -EBADMSG;
	rlc__offset_forget(&h->cat.exchanges[exchange]); /* what was learned is for another offset */
	rlc__store_relaxed(h->cat.exchanges[exchange].clock_offset, (uint64_t)offset_ns);
	return 0;
}

#endif /* RLC_RESERVE_H */
