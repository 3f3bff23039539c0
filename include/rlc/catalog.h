/* SPDX-License-Identifier: MIT */
/*
 * rlc/catalog.h - the exchange catalog of a segment: exchanges and their
 * modes, accounts, endpoints and the weight rule of every limit an endpoint
 * counts against; copied into private memory and checked once, at open.
 *
 * After the copy only the exchanges' shared words (mode, clock offset) and
 * the scopes' are read from the segment.  Every index a request follows
 * (an endpoint's links, a link's limit, an account's limits, a mode) is
 * checked here, so a reserve indexes private arrays only.
 */
#ifndef RLC_CATALOG_H
#define RLC_CATALOG_H

#include <stdlib.h>

#include "mode.h"
#include "priority.h"
#include "rule.h"
#include "segment.h"

/* Distinct parameters one endpoint's rules read, critical-if included. */
#define RLC_ENDPOINT_PARAMS_MAX 8u

struct rlc_mode_view {
	char name[RLC_NAME_MAX];
	uint32_t buffer_ppm; /* the most buffer a limit keeps while on; RLC_NONE: its own */
	uint32_t lowest;     /* lowest priority admitted */
	uint32_t reserve_ppm;
	uint64_t duration_ns;
};

/* Limits an exchange-wide usage header family reports, by interval. */
#define RLC_OBSERVED_MAX 8u

struct rlc_observed {
	uint32_t observe;      /* RLC_OBSERVE_MBX_WEIGHT or _MBX_ORDERS */
	uint32_t limit;        /* the limit, or RLC_NONE for an account limit */
	uint32_t account_slot; /* which of each account's limits, or RLC_NONE */
	uint64_t interval_ns;
};

struct rlc_exchange_view {
	rlc_word *mode;         /* rlc/mode.h word */
	rlc_word *clock_offset; /* exchange clock minus CLOCK_REALTIME, ns */
	rlc_word *clock_lo;     /* learned bounds on it, rlc/offset.h */
	rlc_word *clock_hi;
	rlc_word *clock_samples;
	rlc_word *clock_parked;
	char name[RLC_NAME_MAX];
	uint32_t ip_scope; /* or RLC_NONE */
	uint32_t modes_count;
	uint32_t accounts_first, accounts_count;
	uint32_t endpoints_first, endpoints_count;
	uint32_t dialect;          /* enum rlc_dialect */
	uint32_t breaker_failures; /* 0: no breaker */
	uint64_t breaker_cooldown_ns;
	uint64_t breaker_probe_ns;
	uint32_t observed_count;
	struct rlc_observed observed[RLC_OBSERVED_MAX];
	struct rlc_mode_view modes[RLC_MODES_MAX];
};

struct rlc_account_view {
	char name[RLC_NAME_MAX];
	uint32_t exchange;
	uint32_t scope;
	uint32_t limits_first; /* limit of account slot s: limits_first + s */
	uint32_t limits_count;
};

struct rlc_link_view {
	uint32_t limit;        /* or RLC_NONE */
	uint32_t account_slot; /* or RLC_NONE */
	uint32_t constant;     /* the weight of a rule of one constant, else RLC_NONE */
	struct rlc_rule rule;  /* clause params index the endpoint's param[] */
};

struct rlc_endpoint_view {
	char name[RLC_NAME_MAX]; /* "GET /fapi/v1/depth" */
	uint32_t exchange;
	uint32_t priority;
	uint32_t critical_if; /* index into param[], or RLC_NONE */
	uint32_t links_first; /* into rlc_catalog.links */
	uint32_t links_count;
	uint32_t account_links; /* links that count against an account's limit */
	uint32_t sorted; /* its links give ids in take order, for every account */
	uint32_t params_count;
	char param[RLC_ENDPOINT_PARAMS_MAX][RLC_PARAM_MAX];
};

struct rlc_catalog {
	struct rlc_exchange_view *exchanges;
	struct rlc_account_view *accounts;
	struct rlc_endpoint_view *endpoints;
	struct rlc_link_view *links;
	uint32_t exchanges_count, accounts_count, endpoints_count, links_count;
};

static inline void rlc_catalog_free(struct rlc_catalog *c)
{
	free(c->exchanges);
	free(c->accounts);
	free(c->endpoints);
	free(c->links);
	memset(c, 0, sizeof(*c));
}

/* Does the span [first, first + count) lie in a table of `total` records? */
static inline int rlc__span_ok(uint32_t first, uint32_t count, uint32_t total)
{
	return first <= total && count <= total - first;
}

static inline int rlc__catalog_modes(const void *base, const struct rlc_layout *lay,
				     const struct rlc_exchange *x, uint32_t i,
				     struct rlc_exchange_view *v, char *why, size_t len)
{
	const struct rlc_mode *modes = RLC__TABLE(const struct rlc_mode, base, lay->modes_off);
	uint32_t m;

	if (x->modes_count == 0 || x->modes_count > RLC_MODES_MAX ||
	    !rlc__span_ok(x->modes_first, x->modes_count, lay->modes_count))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: exchange %u (%s) has modes %u+%u out of range", i,
				 v->name, x->modes_first, x->modes_count);
	for (m = 0; m < x->modes_count; m++) {
		struct rlc_mode rec;
		struct rlc_mode_view *mv = &v->modes[m];

		memcpy(&rec, modes + x->modes_first + m, sizeof(rec));
		if (!rlc__name_copy(base, lay, rec.name, mv->name) ||
		    (m == 0 && strcmp(mv->name, "normal") != 0) ||
		    (rec.buffer_ppm != RLC_NONE && rec.buffer_ppm >= 1000000u) ||
		    rec.lowest >= RLC_PRIOS || rec.reserve_ppm > 1000000u ||
		    rec.duration_ns > RLC_INTERVAL_MAX_NS)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: mode %u of exchange %u (%s) out of range", m,
					 i, v->name);
		mv->buffer_ppm = rec.buffer_ppm;
		mv->lowest = rec.lowest;
		mv->reserve_ppm = rec.reserve_ppm;
		mv->duration_ns = rec.duration_ns;
	}
	v->modes_count = x->modes_count;
	return 0;
}

/* Exchange i; its accounts and endpoints follow the previous exchange's. */
static inline int rlc__catalog_exchange(void *base, const struct rlc_layout *lay, uint32_t i,
					uint32_t *accounts_end, uint32_t *endpoints_end,
					struct rlc_exchange_view *v, char *why, size_t len)
{
	struct rlc_exchange *rec = RLC__TABLE(struct rlc_exchange, base, lay->exchanges_off) + i;
	struct rlc_exchange x;

	memcpy((void *)&x, rec, sizeof(x)); /* only the plain fields are used */
	if (!rlc__name_copy(base, lay, x.name, v->name))
		return rlc__fail(why, len, -EBADMSG, "corrupt segment: exchange %u has no name", i);
	if ((x.ip_scope != RLC_NONE && x.ip_scope >= lay->scopes_count) ||
	    x.dialect >= RLC_DIALECTS || x.breaker_failures > RLC_BREAKER_FAILURES_MAX ||
	    x.breaker_cooldown_ns > RLC_BREAKER_TIME_MAX_NS ||
	    x.breaker_probe_ns > RLC_BREAKER_TIME_MAX_NS ||
	    (x.breaker_failures && (x.breaker_cooldown_ns == 0 || x.breaker_probe_ns == 0)) ||
	    x.accounts_first != *accounts_end || x.endpoints_first != *endpoints_end ||
	    !rlc__span_ok(x.accounts_first, x.accounts_count, lay->accounts_count) ||
	    !rlc__span_ok(x.endpoints_first, x.endpoints_count, lay->endpoints_count))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: exchange %u (%s) refers to scopes, accounts or "
				 "endpoints out of range, or has a bad dialect or breaker",
				 i, v->name);
	*accounts_end += x.accounts_count;
	*endpoints_end += x.endpoints_count;
	v->mode = &rec->mode;
	v->clock_offset = &rec->clock_offset_ns;
	v->clock_lo = &rec->clock_lo;
	v->clock_hi = &rec->clock_hi;
	v->clock_samples = &rec->clock_samples;
	v->clock_parked = &rec->clock_parked;
	v->ip_scope = x.ip_scope;
	v->dialect = x.dialect;
	v->breaker_failures = x.breaker_failures;
	v->breaker_cooldown_ns = x.breaker_cooldown_ns;
	v->breaker_probe_ns = x.breaker_probe_ns;
	v->accounts_first = x.accounts_first;
	v->accounts_count = x.accounts_count;
	v->endpoints_first = x.endpoints_first;
	v->endpoints_count = x.endpoints_count;
	return rlc__catalog_modes(base, lay, &x, i, v, why, len);
}

/* Account a of exchange x: its limits are its own, all of one shape. */
static inline int rlc__catalog_account(const void *base, const struct rlc_layout *lay,
				       const struct rlc_limit_view *limits, uint32_t x,
				       uint32_t a, struct rlc_account_view *v, char *why,
				       size_t len)
{
	const struct rlc_account *rec =
		RLC__TABLE(const struct rlc_account, base, lay->accounts_off) + a;
	struct rlc_account r;
	uint32_t s;

	memcpy(&r, rec, sizeof(r));
	if (!rlc__name_copy(base, lay, r.name, v->name) || r.exchange != x ||
	    r.scope >= lay->scopes_count ||
	    !rlc__span_ok(r.limits_first, r.limits_count, lay->limits_count))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: account %u refers to records out of range", a);
	for (s = 0; s < r.limits_count; s++)
		if (limits[r.limits_first + s].account != a ||
		    limits[r.limits_first + s].exchange != x)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: account %u (%s) lists limit %u of another "
					 "account",
					 a, v->name, r.limits_first + s);
	v->exchange = r.exchange;
	v->scope = r.scope;
	v->limits_first = r.limits_first;
	v->limits_count = r.limits_count;
	return 0;
}

/* The index of parameter `name` in e->param[], added if new; -1 if full or bad. */
static inline int rlc__endpoint_param(const void *base, const struct rlc_layout *lay,
				      uint32_t name, struct rlc_endpoint_view *e)
{
	char text[RLC_NAME_MAX];
	uint32_t p;

	if (!rlc__name_copy(base, lay, name, text) || strlen(text) >= RLC_PARAM_MAX)
		return -1;
	for (p = 0; p < e->params_count; p++)
		if (strcmp(e->param[p], text) == 0)
			return (int)p;
	if (e->params_count == RLC_ENDPOINT_PARAMS_MAX)
		return -1;
	memcpy(e->param[e->params_count], text, RLC_PARAM_MAX);
	return (int)e->params_count++;
}

/* A clause as the evaluator may trust it: known kind, tiers in order. */
static inline int rlc__clause_ok(const struct rlc_clause *c)
{
	uint32_t t;

	if (c->kind < RLC_CLAUSE_CONST || c->kind > RLC_CLAUSE_EACH || c->tiers == 0 ||
	    c->tiers > RLC_TIERS_MAX ||
	    (c->kind != RLC_CLAUSE_BY && c->kind != RLC_CLAUSE_COUNT && c->tiers != 1))
		return 0;
	for (t = 0; t < c->tiers; t++)
		if (c->weight[t] > RLC_COUNT_MAX || (t > 0 && c->bound[t] <= c->bound[t - 1]))
			return 0;
	return 1;
}

/* Link l of endpoint e: its limit, and its rule with params made local. */
static inline int rlc__catalog_link(const void *base, const struct rlc_layout *lay,
				    const struct rlc_limit_view *limits, uint32_t slots,
				    uint32_t ei, uint32_t l, struct rlc_endpoint_view *e,
				    struct rlc_link_view *v)
{
	const struct rlc_link *rec = RLC__TABLE(const struct rlc_link, base, lay->links_off) + l;
	struct rlc_link r;
	uint32_t c;
	int p;

	memcpy(&r, rec, sizeof(r));
	if (r.endpoint != ei || r.clauses == 0 || r.clauses > RLC_CLAUSES_MAX)
		return 0;
	if (r.limit != RLC_NONE) {
		if (r.account_slot != RLC_NONE || r.limit >= lay->limits_count ||
		    limits[r.limit].account != RLC_NONE || limits[r.limit].exchange != e->exchange)
			return 0;
	} else if (r.account_slot >= slots) {
		return 0;
	}
	v->limit = r.limit;
	v->account_slot = r.account_slot;
	v->rule.clauses = r.clauses;
	for (c = 0; c < r.clauses; c++) {
		const struct rlc_clause *rc = &r.clause[c];
		struct rlc_rule_clause *vc = &v->rule.clause[c];

		if (!rlc__clause_ok(rc))
			return 0;
		p = rc->kind == RLC_CLAUSE_CONST ? 0 : rlc__endpoint_param(base, lay, rc->param, e);
		if (p < 0)
			return 0;
		vc->kind = rc->kind;
		vc->param = (uint32_t)p;
		vc->tiers = rc->tiers;
		vc->dflt = rc->dflt;
		vc->max = rc->max;
		memcpy(vc->bound, rc->bound, sizeof(vc->bound));
		memcpy(vc->weight, rc->weight, sizeof(vc->weight));
	}
	/* a constant rule needs no evaluation on the grant path */
	v->constant = r.clauses == 1 && r.clause[0].kind == RLC_CLAUSE_CONST ? r.clause[0].weight[0]
									     : RLC_NONE;
	/* the last clause always applies: every request gets a weight */
	c = r.clauses - 1;
	return r.clause[c].kind == RLC_CLAUSE_CONST ||
	       (r.clause[c].kind == RLC_CLAUSE_BY && r.clause[c].dflt != RLC_NONE);
}

/* Do two links of endpoint e count against the same limit? */
static inline int rlc__links_repeat(const struct rlc_link_view *links, uint32_t n)
{
	uint32_t a, b;

	for (a = 0; a < n; a++)
		for (b = a + 1; b < n; b++)
			if (links[a].limit == links[b].limit &&
			    links[a].account_slot == links[b].account_slot)
				return 1;
	return 0;
}

/*
 * Do the links give limit ids in increasing order, whatever the account:
 * direct limits first, ascending and below every account's limits, then
 * account slots ascending?  rlcd lays endpoints out so; a reserve then
 * needs no sort.
 */
static inline uint32_t rlc__links_sorted(const struct rlc_catalog *c,
					 const struct rlc_exchange_view *x,
					 const struct rlc_link_view *links, uint32_t n)
{
	uint32_t i, a, first = UINT32_MAX;

	for (a = x->accounts_first; a < x->accounts_first + x->accounts_count; a++)
		first = c->accounts[a].limits_first < first ? c->accounts[a].limits_first : first;
	for (i = 0; i < n; i++) {
		const struct rlc_link_view *l = &links[i], *p = i ? &links[i - 1] : NULL;

		if (l->limit != RLC_NONE ? l->limit >= first || (p && p->limit >= l->limit)
					 : p && p->limit == RLC_NONE && p->account_slot >= l->account_slot)
			return 0;
	}
	return 1;
}

/* Endpoint ei of exchange x, its links following the previous endpoint's. */
static inline int rlc__catalog_endpoint(const void *base, const struct rlc_layout *lay,
					const struct rlc_limit_view *limits,
					const struct rlc_catalog *c, uint32_t x, uint32_t ei,
					uint32_t *links_end, char *why, size_t len)
{
	const struct rlc_endpoint *rec =
		RLC__TABLE(const struct rlc_endpoint, base, lay->endpoints_off) + ei;
	const struct rlc_exchange_view *xv = &c->exchanges[x];
	struct rlc_endpoint_view *e = &c->endpoints[ei];
	struct rlc_endpoint r;
	uint32_t l, slots = xv->accounts_count ? c->accounts[xv->accounts_first].limits_count : 0;
	int p = 0;

	memcpy(&r, rec, sizeof(r));
	if (!rlc__name_copy(base, lay, r.name, e->name))
		return rlc__fail(why, len, -EBADMSG, "corrupt segment: endpoint %u has no name", ei);
	if (r.exchange != x || r.priority >= RLC_PRIOS || r.links_first != *links_end ||
	    r.links_count == 0 || r.links_count > RLC_LINK_MAX ||
	    !rlc__span_ok(r.links_first, r.links_count, lay->links_count) ||
	    (r.critical_if != RLC_NONE && (p = rlc__endpoint_param(base, lay, r.critical_if, e)) < 0))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: endpoint %u (%s) refers to records out of range",
				 ei, e->name);
	e->exchange = x;
	e->priority = r.priority;
	e->critical_if = r.critical_if == RLC_NONE ? RLC_NONE : (uint32_t)p;
	e->links_first = r.links_first;
	e->links_count = r.links_count;
	for (l = 0; l < r.links_count; l++) {
		struct rlc_link_view *v = &c->links[r.links_first + l];

		if (!rlc__catalog_link(base, lay, limits, slots, ei, r.links_first + l, e, v))
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: link %u of endpoint %u (%s) is out of "
					 "range",
					 l, ei, e->name);
		/* a link that always weighs 0 takes no account's limit */
		e->account_links += v->account_slot != RLC_NONE && v->constant != 0;
	}
	if (rlc__links_repeat(&c->links[r.links_first], r.links_count))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: endpoint %u (%s) counts twice against one limit",
				 ei, e->name);
	e->sorted = rlc__links_sorted(c, xv, &c->links[r.links_first], r.links_count);
	*links_end += r.links_count;
	return 0;
}

/* What priority p may fill limit *v to in mode *m. */
static inline uint32_t rlc__mode_ceiling(const struct rlc_limit_view *v,
					 const struct rlc_mode_view *m, uint32_t p)
{
	/* a mode lowers buffers, never raises one: a limit keeps the smaller */
	uint32_t effective = m->buffer_ppm == RLC_NONE || m->buffer_ppm >= v->buffer_ppm
				     ? v->effective
				     : rlc_effective(v->capacity, m->buffer_ppm);

	if (p > m->lowest)
		return 0; /* the mode admits no request of this priority */
	return rlc_ceiling(effective, v->reserve_ppm[p], m->reserve_ppm);
}

/* Fill every limit's ceilings from its exchange's modes, and its yield
 * horizon (rlc/priority.h). */
static inline void rlc__catalog_ceilings(const struct rlc_catalog *c,
					 struct rlc_limit_view *limits, uint32_t count)
{
	static const struct rlc_mode_view normal = { "normal", RLC_NONE, RLC_PRIO_LOW, 1000000u,
						     0 };
	uint32_t i, m, p;

	for (i = 0; i < count; i++) {
		struct rlc_limit_view *v = &limits[i];
		const struct rlc_exchange_view *x =
			v->exchange != RLC_NONE ? &c->exchanges[v->exchange] : NULL;
		uint32_t modes = x ? x->modes_count : 1;

		uint32_t most = v->effective;

		for (m = 0; m < RLC_MODES_MAX; m++)
			for (p = 0; p < RLC_PRIOS; p++) {
				v->ceiling[m][p] =
					m < modes ? rlc__mode_ceiling(v, x ? &x->modes[m] : &normal, p)
						  : 0;
				most = v->ceiling[m][p] > most ? v->ceiling[m][p] : most;
			}
		v->yield_horizon_ns =
			rlc_priority_horizon(v->algorithm, v->latency_ns, v->clock_error_ns);
		/* the furthest ahead any process may fill a bucket: beyond it, corrupt */
		if (v->algorithm == RLC_ALGO_BUCKET) {
			v->burst_ns = (uint64_t)most * v->step_ns;
			if (v->stale_ns < v->burst_ns)
				v->stale_ns = v->burst_ns;
		}
	}
}

/*
 * Check that account limit `id` is one of its account's, and note limit
 * `id` in its exchange's table of limits that an exchange-wide usage
 * header reports (X-MBX-*): once per limit, or per account slot for an
 * account's.  Two limits one header could report, or more than
 * RLC_OBSERVED_MAX, are corrupt: rlcd lays out neither.
 */
static inline int rlc__catalog_limit(struct rlc_catalog *c, const struct rlc_limit_view *v,
					uint32_t id, char *why, size_t len)
{
	struct rlc_exchange_view *x;
	uint32_t slot = RLC_NONE, i;

	/* Every account limit is one of its account's, of its exchange: the
	 * feedback calls find an account's limits through either. */
	if (v->account != RLC_NONE) {
		slot = id - c->accounts[v->account].limits_first; /* wraps if below */
		if (slot >= c->accounts[v->account].limits_count ||
		    c->accounts[v->account].exchange != v->exchange)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: limit %u (%s) is not one of its account's",
					 id, v->name);
	}
	if (v->observe != RLC_OBSERVE_MBX_WEIGHT && v->observe != RLC_OBSERVE_MBX_ORDERS)
		return 0;
	if (v->exchange == RLC_NONE)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) has a usage header but no exchange",
				 id, v->name);
	x = &c->exchanges[v->exchange];
	for (i = 0; i < x->observed_count; i++) {
		const struct rlc_observed *o = &x->observed[i];

		if (o->observe != v->observe || o->interval_ns != v->interval_ns)
			continue;
		if (slot != RLC_NONE && o->account_slot == slot)
			return 0; /* another account's instance of the same limit */
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) and another are reported by one "
				 "usage header",
				 id, v->name);
	}
	if (x->observed_count == RLC_OBSERVED_MAX)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: exchange %s has more than %u limits reported by "
				 "usage headers",
				 x->name, RLC_OBSERVED_MAX);
	x->observed[x->observed_count].observe = v->observe;
	x->observed[x->observed_count].limit = slot == RLC_NONE ? id : RLC_NONE;
	x->observed[x->observed_count].account_slot = slot;
	x->observed[x->observed_count].interval_ns = v->interval_ns;
	x->observed_count++;
	return 0;
}

static inline int rlc__catalog_alloc(const struct rlc_layout *lay, struct rlc_catalog *c,
				     char *why, size_t len)
{
	/* calloc(0) may return NULL: ask for one element at least. */
	c->exchanges = (struct rlc_exchange_view *)calloc(
		lay->exchanges_count ? lay->exchanges_count : 1, sizeof(*c->exchanges));
	c->accounts = (struct rlc_account_view *)calloc(
		lay->accounts_count ? lay->accounts_count : 1, sizeof(*c->accounts));
	c->endpoints = (struct rlc_endpoint_view *)calloc(
		lay->endpoints_count ? lay->endpoints_count : 1, sizeof(*c->endpoints));
	c->links = (struct rlc_link_view *)calloc(lay->links_count ? lay->links_count : 1,
						  sizeof(*c->links));
	if (!c->exchanges || !c->accounts || !c->endpoints || !c->links)
		return rlc__fail(why, len, -ENOMEM, "out of memory");
	return 0;
}

/*
 * Copy and check the catalog of the segment at `base`, whose header is in
 * *lay and whose limits are already in limits[0 .. lay->limits_count), and
 * fill each limit's ceilings.  Every exchange's accounts, endpoints and
 * modes, and every endpoint's links, lie in table order, disjoint.  Returns
 * 0; -EBADMSG with a reason naming the record; -ENOMEM.  On failure
 * nothing is left to free.
 */
static inline int rlc_catalog_read(void *base, const struct rlc_layout *lay,
				   struct rlc_limit_view *limits, struct rlc_catalog *c, char *why,
				   size_t len)
{
	uint32_t x, a, e, accounts_end = 0, endpoints_end = 0, links_end = 0;
	int err;

	memset(c, 0, sizeof(*c));
	if ((err = rlc__catalog_alloc(lay, c, why, len)))
		goto fail;
	for (x = 0; x < lay->exchanges_count; x++) {
		struct rlc_exchange_view *xv = &c->exchanges[x];

		if ((err = rlc__catalog_exchange(base, lay, x, &accounts_end, &endpoints_end, xv,
						 why, len)))
			goto fail;
		for (a = xv->accounts_first; a < xv->accounts_first + xv->accounts_count; a++)
			if ((err = rlc__catalog_account(base, lay, limits, x, a, &c->accounts[a],
							why, len)))
				goto fail;
			else if (c->accounts[a].limits_count !=
				 c->accounts[xv->accounts_first].limits_count) {
				err = rlc__fail(why, len, -EBADMSG,
						"corrupt segment: the accounts of exchange %u (%s) "
						"differ in their limits",
						x, xv->name);
				goto fail;
			}
	}
	err = -EBADMSG;
	if (accounts_end != lay->accounts_count || endpoints_end != lay->endpoints_count) {
		rlc__fail(why, len, err, "corrupt segment: accounts or endpoints of no exchange");
		goto fail;
	}
	c->exchanges_count = lay->exchanges_count;
	c->accounts_count = lay->accounts_count;
	for (x = 0; x < lay->exchanges_count; x++)
		for (e = c->exchanges[x].endpoints_first;
		     e < c->exchanges[x].endpoints_first + c->exchanges[x].endpoints_count; e++)
			if ((err = rlc__catalog_endpoint(base, lay, limits, c, x, e, &links_end, why,
							 len)))
				goto fail;
	if (links_end != lay->links_count) {
		err = rlc__fail(why, len, -EBADMSG, "corrupt segment: links of no endpoint");
		goto fail;
	}
	c->endpoints_count = lay->endpoints_count;
	c->links_count = lay->links_count;
	for (e = 0; e < lay->limits_count; e++)
		if ((err = rlc__catalog_limit(c, &limits[e], e, why, len)))
			goto fail;
	rlc__catalog_ceilings(c, limits, lay->limits_count);
	return 0;
fail:
	rlc_catalog_free(c);
	return err;
}

/*
 * Validate a mapped segment of `size` bytes: its header, every name, scope
 * and limit, and the catalog.  Reads only; safe on garbage.  Returns as
 * rlc_segment_read_header(), rlc_segment_read_limit() and
 * rlc_catalog_read().
 */
static inline int rlc_segment_check(const void *base, size_t size, char *why, size_t len)
{
	struct rlc_layout lay;
	struct rlc_limit_view *limits;
	struct rlc_catalog cat;
	char name[RLC_NAME_MAX];
	uint32_t i, ring_end = 0;
	void *b = (void *)(uintptr_t)base; /* reads only: no view pointer is followed */
	int err;

	if ((err = rlc_segment_read_header(base, size, &lay, why, len)))
		return err;
	for (i = 0; i < lay.names_count; i++)
		if (!rlc__name_copy(base, &lay, i, name))
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: name %u is empty or unterminated", i);
	for (i = 0; i < lay.scopes_count; i++)
		if ((err = rlc_segment_read_scope(base, &lay, i, name, why, len)))
			return err;
	limits = (struct rlc_limit_view *)calloc(lay.limits_count ? lay.limits_count : 1,
						 sizeof(*limits));
	if (!limits)
		return rlc__fail(why, len, -ENOMEM, "out of memory");
	for (i = 0; !err && i < lay.limits_count; i++)
		err = rlc_segment_read_limit(b, &lay, i, &ring_end, &limits[i], why, len);
	if (!err && !(err = rlc_catalog_read(b, &lay, limits, &cat, why, len)))
		rlc_catalog_free(&cat);
	free(limits);
	return err;
}

#endif /* RLC_CATALOG_H */
