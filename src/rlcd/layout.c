/* SPDX-License-Identifier: MIT */
#include "layout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"

#define PPM UINT64_C(1000000)

static uint64_t align_line(uint64_t n)
{
	return (n + RLC_CACHELINE - 1) / RLC_CACHELINE * RLC_CACHELINE;
}

/* Is W within the bounds of rlc/segment.h?  Says which one it is not. */
static int interval_ok(const struct rlc_limit_config *lc, char *why, size_t len)
{
	char w[RLC_DURATION_TEXT_MAX], bound[RLC_DURATION_TEXT_MAX];
	int too_short = lc->interval_ns < RLC_INTERVAL_MIN_NS;

	if (!too_short && lc->interval_ns <= RLC_INTERVAL_MAX_NS)
		return 1;
	rlc_duration_format(w, sizeof(w), lc->interval_ns, 0);
	rlc_duration_format(bound, sizeof(bound),
			    too_short ? RLC_INTERVAL_MIN_NS : RLC_INTERVAL_MAX_NS, 0);
	snprintf(why, len, "[limit %s] interval: %s is too %s; an interval is at %s %s", lc->name,
		 w, too_short ? "short" : "long", too_short ? "least" : "most", bound);
	return 0;
}

/* A fixed interval is whole seconds, and the guard span shorter than it. */
static int fixed_ok(const struct rlc_limit_config *lc, char *why, size_t len)
{
	char w[RLC_DURATION_TEXT_MAX], span[RLC_DURATION_TEXT_MAX];

	if (lc->interval_ns < RLC_FIXED_MIN_NS || lc->interval_ns > RLC_FIXED_MAX_NS ||
	    lc->interval_ns % RLC_FIXED_MIN_NS != 0) {
		rlc_duration_format(w, sizeof(w), lc->interval_ns, 0);
		snprintf(why, len,
			 "[limit %s] interval: %s is not whole seconds from 1s to 1d, which a "
			 "fixed interval aligned to the exchange clock must be",
			 lc->name, w);
		return 0;
	}
	/* each below W first, so that the sum cannot wrap */
	if (lc->latency_ns < lc->interval_ns && lc->clock_error_ns < lc->interval_ns &&
	    lc->latency_ns + 2 * lc->clock_error_ns < lc->interval_ns)
		return 1;
	rlc_duration_format(w, sizeof(w), lc->interval_ns, 0);
	if (lc->latency_ns < lc->interval_ns && lc->clock_error_ns < lc->interval_ns)
		rlc_duration_format(span, sizeof(span), lc->latency_ns + 2 * lc->clock_error_ns, 0);
	else
		snprintf(span, sizeof(span), "more");
	snprintf(why, len,
		 "[limit %s] latency: latency + 2 x clock-error is %s, not below the interval %s: "
		 "every grant would count in two intervals",
		 lc->name, span, w);
	return 0;
}

/* Reserves: none for critical, each below 100%, a lower priority keeping back more. */
static int reserves_ok(const struct rlc_limit_config *lc, char *why, size_t len)
{
	static const char *const key[RLC_PRIOS] = { "reserve-critical", "reserve-high",
						    "reserve-normal", "reserve-low" };
	uint32_t p;

	if (lc->reserve_ppm[RLC_PRIO_CRITICAL] != 0) {
		snprintf(why, len, "[limit %s]: critical requests have no reserve", lc->name);
		return 0;
	}
	for (p = RLC_PRIO_HIGH; p < RLC_PRIOS; p++) {
		if (lc->reserve_ppm[p] >= PPM) {
			snprintf(why, len, "[limit %s] %s: must be below 100%%", lc->name, key[p]);
			return 0;
		}
		if (lc->reserve_ppm[p] < lc->reserve_ppm[p - 1]) {
			snprintf(why, len,
				 "[limit %s] %s: is below %s; a lower priority must keep back at "
				 "least as much as a higher one",
				 lc->name, key[p], key[p - 1]);
			return 0;
		}
	}
	return 1;
}

int rlc_limit_derive(const struct rlc_limit_config *lc, uint32_t *effective, uint64_t *step_ns,
		     char *why, size_t len)
{
	uint64_t eff;

	if (lc->capacity == 0 || lc->capacity > RLC_COUNT_MAX) {
		snprintf(why, len, "[limit %s] capacity: %" PRIu32 " is outside 1..%" PRIu64, lc->name,
			 lc->capacity, RLC_COUNT_MAX);
		return -EINVAL;
	}
	if (lc->buffer_ppm >= PPM) {
		snprintf(why, len, "[limit %s] buffer: must be below 100%%", lc->name);
		return -EINVAL;
	}
	eff = rlc_effective(lc->capacity, lc->buffer_ppm);
	if (eff == 0) {
		snprintf(why, len, "[limit %s] buffer: leaves nothing of capacity %" PRIu32, lc->name,
			 lc->capacity);
		return -EINVAL;
	}
	/* W <= 7 d keeps every time sum on a limit far from 64-bit wrap */
	if (!interval_ok(lc, why, len) || !reserves_ok(lc, why, len))
		return -EINVAL;
	if (lc->algorithm == RLC_ALGO_WINDOW) {
		if (lc->slots < 2 || lc->slots > RLC_SLOTS_PER_LIMIT_MAX) {
			snprintf(why, len, "[limit %s] slots: %" PRIu32 " is outside 2..%u", lc->name,
				 lc->slots, RLC_SLOTS_PER_LIMIT_MAX);
			return -EINVAL;
		}
		*step_ns = (lc->interval_ns + lc->slots - 2) / (lc->slots - 1);
		if (*step_ns < RLC_STEP_MIN_NS) {
			snprintf(why, len,
				 "[limit %s] slots: interval / (slots - 1) = %" PRIu64
				 " ns is below the %" PRIu64 " ns minimum slot width; use fewer slots",
				 lc->name, *step_ns, RLC_STEP_MIN_NS);
			return -EINVAL;
		}
	} else if (lc->algorithm == RLC_ALGO_BUCKET) {
		/* step <= W <= 7 d, so the burst (eff x step < W + eff) cannot wrap */
		*step_ns = (lc->interval_ns + eff - 1) / eff;
	} else if (lc->algorithm == RLC_ALGO_FIXED) {
		if (!fixed_ok(lc, why, len))
			return -EINVAL;
		*step_ns = 0;
	} else {
		snprintf(why, len, "[limit %s] algorithm: unknown", lc->name);
		return -EINVAL;
	}
	*effective = (uint32_t)eff;
	return 0;
}

/* Does limit i's scope first appear at limit i? */
static int scope_is_new(const struct rlc_config *cfg, uint32_t i)
{
	uint32_t j;

	for (j = 0; j < i; j++)
		if (strcmp(cfg->limits[j].scope, cfg->limits[i].scope) == 0)
			return 0;
	return 1;
}

/*
 * Scopes: the limits', in order of first appearance, then the own scope of
 * each account without limits (its limits' scope otherwise).
 */
static uint32_t scopes_count(const struct rlc_config *cfg)
{
	uint32_t i, n = 0;

	for (i = 0; i < cfg->limits_count; i++)
		n += (uint32_t)scope_is_new(cfg, i);
	for (i = 0; i < cfg->accounts_count; i++)
		n += cfg->accounts[i].limits_count == 0;
	return n;
}

static uint64_t slots_count(const struct rlc_config *cfg)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < cfg->limits_count; i++)
		if (cfg->limits[i].algorithm == RLC_ALGO_WINDOW)
			n += cfg->limits[i].slots;
	return n;
}

static uint32_t modes_count(const struct rlc_config *cfg)
{
	uint32_t i, n = 0;

	for (i = 0; i < cfg->exchanges_count; i++)
		n += cfg->exchanges[i].modes_count;
	return n;
}

static uint32_t links_count(const struct rlc_config *cfg)
{
	uint32_t i, n = 0;

	for (i = 0; i < cfg->endpoints_count; i++)
		n += cfg->endpoints[i].links_count;
	return n;
}

/* Parameter names in order of first use: critical-if, then each clause's. */
struct params {
	uint32_t count;
	const char *name[RLC_NAMES_MAX];
};

/* The index of `name` among p's, added if new; RLC_NONE when full. */
static uint32_t param_index(struct params *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < p->count; i++)
		if (strcmp(p->name[i], name) == 0)
			return i;
	if (p->count == RLC_NAMES_MAX)
		return RLC_NONE;
	p->name[p->count] = name;
	return p->count++;
}

/* Every parameter name the endpoints use, once each; -E2BIG when too many. */
static int collect_params(const struct rlc_config *cfg, struct params *p)
{
	uint32_t e, l, c;

	p->count = 0;
	for (e = 0; e < cfg->endpoints_count; e++) {
		const struct rlc_endpoint_config *ep = &cfg->endpoints[e];

		if (ep->critical_if[0] && param_index(p, ep->critical_if) == RLC_NONE)
			return -E2BIG;
		for (l = 0; l < ep->links_count; l++)
			for (c = 0; c < ep->links[l].clauses; c++)
				if (ep->links[l].clause[c].kind != RLC_CLAUSE_CONST &&
				    param_index(p, ep->links[l].clause[c].param) == RLC_NONE)
					return -E2BIG;
	}
	return 0;
}

/* Where each table goes, in the order of rlc/segment.h, and the counts. */
struct plan {
	uint64_t limits, slots, scopes, clients, names, exchanges, modes, accounts, endpoints,
		links, outcomes, counters, size;
	uint32_t nslots, nscopes, nnames, nmodes, nlinks;
	uint32_t scope_names, exchange_names, account_names, mode_names, endpoint_names,
		param_names; /* where each kind's names start */
};

static int plan(const struct rlc_config *cfg, struct params *params, struct plan *o)
{
	uint64_t slots = slots_count(cfg), names;

	o->nscopes = scopes_count(cfg);
	o->nmodes = modes_count(cfg);
	o->nlinks = links_count(cfg);
	if (cfg->limits_count > RLC_LIMITS_MAX || slots > RLC_SLOTS_MAX ||
	    cfg->clients > RLC_CLIENTS_MAX || o->nscopes > RLC_SCOPES_MAX ||
	    cfg->exchanges_count > RLC_EXCHANGES_MAX || cfg->accounts_count > RLC_ACCOUNTS_MAX ||
	    cfg->endpoints_count > RLC_ENDPOINTS_MAX || collect_params(cfg, params) != 0)
		return -E2BIG;
	o->nslots = (uint32_t)slots;
	o->scope_names = cfg->limits_count;
	o->exchange_names = o->scope_names + o->nscopes;
	o->account_names = o->exchange_names + cfg->exchanges_count;
	o->mode_names = o->account_names + cfg->accounts_count;
	o->endpoint_names = o->mode_names + o->nmodes;
	o->param_names = o->endpoint_names + cfg->endpoints_count;
	names = (uint64_t)o->param_names + params->count;
	if (names > RLC_NAMES_MAX)
		return -E2BIG;
	o->nnames = (uint32_t)names;
	o->limits = sizeof(struct rlc_header);
	o->slots = o->limits + (uint64_t)cfg->limits_count * sizeof(struct rlc_limit);
	o->scopes = align_line(o->slots + slots * sizeof(rlc_word));
	o->clients = o->scopes + (uint64_t)o->nscopes * sizeof(struct rlc_scope);
	o->names = o->clients + (uint64_t)cfg->clients * sizeof(struct rlc_client);
	o->exchanges = o->names + names * sizeof(struct rlc_name);
	o->modes = o->exchanges + (uint64_t)cfg->exchanges_count * sizeof(struct rlc_exchange);
	o->accounts = o->modes + (uint64_t)o->nmodes * sizeof(struct rlc_mode);
	o->endpoints = o->accounts + (uint64_t)cfg->accounts_count * sizeof(struct rlc_account);
	o->links = o->endpoints + (uint64_t)cfg->endpoints_count * sizeof(struct rlc_endpoint);
	o->outcomes = o->links + (uint64_t)o->nlinks * sizeof(struct rlc_link);
	o->counters = o->outcomes + (uint64_t)cfg->endpoints_count * sizeof(struct rlc_outcomes);
	o->size = o->counters +
		  (uint64_t)cfg->endpoints_count * sizeof(struct rlc_endpoint_counters);
	return 0;
}

/* The plan of `cfg`, its parameter list on the heap (it is large); -ENOMEM, -E2BIG. */
static int plan_alloc(const struct rlc_config *cfg, struct params **params, struct plan *o)
{
	int err;

	*params = malloc(sizeof(**params));
	if (!*params)
		return -ENOMEM;
	err = plan(cfg, *params, o);
	if (err) {
		free(*params);
		*params = NULL;
	}
	return err;
}

uint32_t rlc_layout_burst_ms(const struct rlc_limit *l)
{
	uint64_t burst = (uint64_t)l->capacity * l->step_ns;

	return l->algorithm == RLC_ALGO_BUCKET ? (uint32_t)((burst + 999999u) / 1000000u) : 0;
}

size_t rlc_layout_size(const struct rlc_config *cfg)
{
	struct params *params;
	struct plan o;

	if (plan_alloc(cfg, &params, &o) != 0)
		return 0;
	free(params);
	return (size_t)o.size;
}

static void write_header(struct rlc_header *h, const struct rlc_config *cfg,
			 const struct plan *o, uint64_t now_ns)
{
	h->magic = RLC_MAGIC;
	h->layout_major = RLC_LAYOUT_MAJOR;
	h->layout_minor = RLC_LAYOUT_MINOR;
	h->size = o->size;
	h->created_ns = now_ns;
	h->limits_off = o->limits;
	h->slots_off = o->slots;
	h->scopes_off = o->scopes;
	h->clients_off = o->clients;
	h->names_off = o->names;
	h->exchanges_off = o->exchanges;
	h->modes_off = o->modes;
	h->accounts_off = o->accounts;
	h->endpoints_off = o->endpoints;
	h->links_off = o->links;
	h->outcomes_off = o->outcomes;
	h->counters_off = o->counters;
	h->limits_count = cfg->limits_count;
	h->slots_count = o->nslots;
	h->scopes_count = o->nscopes;
	h->clients_count = cfg->clients;
	h->names_count = o->nnames;
	h->exchanges_count = cfg->exchanges_count;
	h->modes_count = o->nmodes;
	h->accounts_count = cfg->accounts_count;
	h->endpoints_count = cfg->endpoints_count;
	h->links_count = o->nlinks;
	rlc__store_relaxed(&h->heartbeat_period_ns, cfg->heartbeat_ns);
}

/* Scope `name` among the `*laid` so far, laid out after them if new. */
static uint32_t lay_scope(void *base, const struct plan *o, uint32_t *laid, const char *name,
			  uint32_t kind, uint32_t exchange, uint32_t account)
{
	struct rlc_scope *scopes = RLC__TABLE(struct rlc_scope, base, o->scopes);
	struct rlc_name *names = RLC__TABLE(struct rlc_name, base, o->names);
	uint32_t s;

	for (s = 0; s < *laid; s++)
		if (strcmp(names[o->scope_names + s].text, name) == 0)
			return s;
	scopes[s].name = o->scope_names + s;
	scopes[s].kind = kind;
	scopes[s].exchange = exchange;
	scopes[s].account = account;
	snprintf(names[o->scope_names + s].text, RLC_NAME_MAX, "%s", name);
	(*laid)++;
	return s;
}

static int lay_limits(void *base, const struct rlc_config *cfg, const struct plan *o,
		      uint32_t *laid, uint64_t now_ns, char *why, size_t len)
{
	struct rlc_limit *limits = RLC__TABLE(struct rlc_limit, base, o->limits);
	struct rlc_name *names = RLC__TABLE(struct rlc_name, base, o->names);
	uint32_t i, first = 0;

	for (i = 0; i < cfg->limits_count; i++) {
		const struct rlc_limit_config *lc = &cfg->limits[i];
		struct rlc_limit *l = &limits[i];
		int err = rlc_limit_derive(lc, &l->effective, &l->step_ns, why, len);

		if (err)
			return err;
		l->name = i;
		l->scope = lay_scope(base, o, laid, lc->scope, lc->kind, lc->exchange, lc->account);
		l->algorithm = lc->algorithm;
		l->capacity = lc->capacity;
		l->slots = lc->algorithm == RLC_ALGO_WINDOW ? lc->slots : 0;
		l->slots_first = lc->algorithm == RLC_ALGO_WINDOW ? first : 0;
		l->buffer_ppm = lc->buffer_ppm;
		l->interval_ns = lc->interval_ns;
		l->origin_ns = lc->algorithm == RLC_ALGO_WINDOW ? now_ns : 0;
		l->latency_ns = lc->algorithm == RLC_ALGO_FIXED ? lc->latency_ns : 0;
		l->clock_error_ns = lc->algorithm == RLC_ALGO_FIXED ? lc->clock_error_ns : 0;
		l->exchange = lc->exchange;
		l->account = lc->account;
		l->observe = lc->observe;
		l->burst_max_ms = rlc_layout_burst_ms(l);
		memcpy(l->reserve_ppm, lc->reserve_ppm, sizeof(l->reserve_ppm));
		first += l->slots;
		snprintf(names[i].text, sizeof(names[i].text), "%s", lc->name);
	}
	return 0;
}

/* Accounts; one without limits gets its own scope after the limits'. */
static void lay_accounts(void *base, const struct rlc_config *cfg, const struct plan *o,
			 uint32_t *laid)
{
	struct rlc_account *accounts = RLC__TABLE(struct rlc_account, base, o->accounts);
	struct rlc_limit *limits = RLC__TABLE(struct rlc_limit, base, o->limits);
	struct rlc_name *names = RLC__TABLE(struct rlc_name, base, o->names);
	char scope[2 * RLC_NAME_MAX];
	uint32_t a;

	for (a = 0; a < cfg->accounts_count; a++) {
		const struct rlc_account_config *ac = &cfg->accounts[a];
		struct rlc_account *r = &accounts[a];

		r->name = o->account_names + a;
		r->exchange = ac->exchange;
		r->limits_first = ac->limits_first;
		r->limits_count = ac->limits_count;
		snprintf(scope, sizeof(scope), "%s.%s", cfg->exchanges[ac->exchange].name, ac->name);
		r->scope = ac->limits_count ? limits[ac->limits_first].scope
					    : lay_scope(base, o, laid, scope, RLC_SCOPE_ACCOUNT,
							ac->exchange, a);
		snprintf(names[r->name].text, RLC_NAME_MAX, "%s", ac->name);
	}
}

/* The IP scope of exchange e: its IP limits', or RLC_NONE without any. */
static uint32_t ip_scope(void *base, const struct rlc_config *cfg, const struct plan *o,
			 uint32_t e)
{
	const struct rlc_limit *limits = RLC__TABLE(const struct rlc_limit, base, o->limits);
	uint32_t i;

	for (i = 0; i < cfg->limits_count; i++)
		if (cfg->limits[i].exchange == e && cfg->limits[i].kind == RLC_SCOPE_IP)
			return limits[i].scope;
	return RLC_NONE;
}

/* Exchanges and their modes; accounts and endpoints lie grouped by exchange. */
static void lay_exchanges(void *base, const struct rlc_config *cfg, const struct plan *o)
{
	struct rlc_exchange *exchanges = RLC__TABLE(struct rlc_exchange, base, o->exchanges);
	struct rlc_mode *modes = RLC__TABLE(struct rlc_mode, base, o->modes);
	struct rlc_name *names = RLC__TABLE(struct rlc_name, base, o->names);
	uint32_t e, m, mode = 0, account = 0, endpoint = 0;

	for (e = 0; e < cfg->exchanges_count; e++) {
		const struct rlc_exchange_config *xc = &cfg->exchanges[e];
		struct rlc_exchange *x = &exchanges[e];

		x->name = o->exchange_names + e;
		x->ip_scope = ip_scope(base, cfg, o, e);
		x->modes_first = mode;
		x->modes_count = xc->modes_count;
		x->accounts_first = account;
		while (account < cfg->accounts_count && cfg->accounts[account].exchange == e)
			account++;
		x->accounts_count = account - x->accounts_first;
		x->endpoints_first = endpoint;
		while (endpoint < cfg->endpoints_count && cfg->endpoints[endpoint].exchange == e)
			endpoint++;
		x->endpoints_count = endpoint - x->endpoints_first;
		x->dialect = xc->dialect;
		x->breaker_failures = xc->breaker_failures;
		x->breaker_cooldown_ns = xc->breaker_cooldown_ns;
		x->breaker_probe_ns = xc->breaker_probe_ns;
		/* mode word 0: normal, no expiry; the offset as two's complement;
		 * bounds on it as wide as they go: nothing learned yet */
		rlc__store_relaxed(&x->mode, UINT64_C(0));
		rlc__store_relaxed(&x->clock_offset_ns, (uint64_t)xc->clock_offset_ns);
		rlc__store_relaxed(&x->clock_lo, UINT64_C(0));
		rlc__store_relaxed(&x->clock_hi, UINT64_MAX);
		rlc__store_relaxed(&x->clock_samples, UINT64_C(0));
		snprintf(names[x->name].text, RLC_NAME_MAX, "%s", xc->name);
		for (m = 0; m < xc->modes_count; m++, mode++) {
			modes[mode].name = o->mode_names + mode;
			modes[mode].buffer_ppm = xc->modes[m].buffer_ppm;
			modes[mode].lowest = xc->modes[m].lowest;
			modes[mode].reserve_ppm = xc->modes[m].reserve_ppm;
			modes[mode].duration_ns = xc->modes[m].duration_ns;
			snprintf(names[o->mode_names + mode].text, RLC_NAME_MAX, "%s",
				 xc->modes[m].name);
		}
	}
}

static void lay_link(struct rlc_link *r, const struct rlc_link_config *lc, uint32_t endpoint,
		     struct params *params, const struct plan *o)
{
	uint32_t c;

	r->endpoint = endpoint;
	r->limit = lc->limit;
	r->account_slot = lc->account_slot;
	r->clauses = lc->clauses;
	for (c = 0; c < lc->clauses; c++) {
		const struct rlc_clause_config *cc = &lc->clause[c];
		struct rlc_clause *rc = &r->clause[c];

		rc->kind = cc->kind;
		rc->param = cc->kind == RLC_CLAUSE_CONST ? RLC_NONE
							 : o->param_names + param_index(params, cc->param);
		rc->tiers = cc->tiers;
		rc->dflt = cc->dflt;
		rc->max = cc->max;
		memcpy(rc->bound, cc->bound, sizeof(rc->bound));
		memcpy(rc->weight, cc->weight, sizeof(rc->weight));
	}
}

static void lay_endpoints(void *base, const struct rlc_config *cfg, const struct plan *o,
			  struct params *params)
{
	struct rlc_endpoint *endpoints = RLC__TABLE(struct rlc_endpoint, base, o->endpoints);
	struct rlc_link *links = RLC__TABLE(struct rlc_link, base, o->links);
	struct rlc_name *names = RLC__TABLE(struct rlc_name, base, o->names);
	uint32_t e, l, link = 0;

	for (e = 0; e < cfg->endpoints_count; e++) {
		const struct rlc_endpoint_config *ec = &cfg->endpoints[e];
		struct rlc_endpoint *r = &endpoints[e];

		r->name = o->endpoint_names + e;
		r->exchange = ec->exchange;
		r->links_first = link;
		r->links_count = ec->links_count;
		r->priority = ec->priority;
		r->critical_if = ec->critical_if[0]
					 ? o->param_names + param_index(params, ec->critical_if)
					 : RLC_NONE;
		snprintf(names[r->name].text, RLC_NAME_MAX, "%s", ec->name);
		for (l = 0; l < ec->links_count; l++, link++)
			lay_link(&links[link], &ec->links[l], e, params, o);
	}
	for (l = 0; l < params->count; l++)
		snprintf(names[o->param_names + l].text, RLC_NAME_MAX, "%s", params->name[l]);
}

int rlc_layout_init(void *base, size_t size, const struct rlc_config *cfg, uint64_t now_ns,
		    char *why, size_t len)
{
	struct params *params;
	struct plan o;
	uint32_t laid = 0;
	int err = plan_alloc(cfg, &params, &o);

	if (err == -ENOMEM) {
		snprintf(why, len, "out of memory");
		return err;
	}
	if (err || o.size != size) {
		free(params);
		snprintf(why, len, "segment size %zu does not fit the configuration", size);
		return -EINVAL;
	}
	write_header((struct rlc_header *)base, cfg, &o, now_ns);
	err = lay_limits(base, cfg, &o, &laid, now_ns, why, len);
	if (!err) {
		lay_accounts(base, cfg, &o, &laid);
		lay_exchanges(base, cfg, &o);
		lay_endpoints(base, cfg, &o, params);
	}
	free(params);
	return err;
}

void rlc_layout_publish(void *base)
{
	/* Pairs with the acquire load in rlc_segment_check(): everything laid
	 * out above is visible to whoever sees RLC_READY. */
	rlc__store_release(&((struct rlc_header *)base)->ready, RLC_READY);
}

uint32_t rlc_layout_first_difference(const void *a, const void *b, uint64_t off, uint32_t count,
				     size_t rec, size_t from, size_t to)
{
	const unsigned char *ra = (const unsigned char *)a + off, *rb = (const unsigned char *)b + off;
	uint32_t i;

	for (i = 0; i < count; i++)
		if (memcmp(ra + i * rec + from, rb + i * rec + from, to - from) != 0)
			return i;
	return RLC_NONE;
}

/* A limit's configuration but for origin_ns, which its creation set. */
static int limit_differs(const struct rlc_limit *a, const struct rlc_limit *b)
{
	const size_t from = offsetof(struct rlc_limit, name), gap = offsetof(struct rlc_limit, origin_ns),
		     after = gap + sizeof(a->origin_ns), end = offsetof(struct rlc_limit, refusals);

	return memcmp((const char *)a + from, (const char *)b + from, gap - from) != 0 ||
	       memcmp((const char *)a + after, (const char *)b + after, end - after) != 0;
}

/* The immutable parts of `seg` and of `cfg`'s own layout `want`, table by table. */
static int compare(const void *seg, const void *want, const struct rlc_header *h, char *why,
		   size_t len)
{
	const struct rlc_limit *la = RLC__TABLE(const struct rlc_limit, seg, h->limits_off),
			       *lb = RLC__TABLE(const struct rlc_limit, want, h->limits_off);
	const struct rlc_name *names = RLC__TABLE(const struct rlc_name, seg, h->names_off),
			      *wanted = RLC__TABLE(const struct rlc_name, want, h->names_off);
	const struct {
		const char *what;
		uint64_t off;
		uint32_t count;
		size_t rec, from; /* the immutable bytes of each record start at `from` */
	} tables[] = {
		{ "scope", h->scopes_off, h->scopes_count, sizeof(struct rlc_scope),
		  offsetof(struct rlc_scope, name) },
		{ "exchange", h->exchanges_off, h->exchanges_count, sizeof(struct rlc_exchange),
		  offsetof(struct rlc_exchange, name) },
		{ "mode", h->modes_off, h->modes_count, sizeof(struct rlc_mode), 0 },
		{ "account", h->accounts_off, h->accounts_count, sizeof(struct rlc_account), 0 },
		{ "endpoint", h->endpoints_off, h->endpoints_count, sizeof(struct rlc_endpoint), 0 },
		{ "link", h->links_off, h->links_count, sizeof(struct rlc_link), 0 },
		{ "name", h->names_off, h->names_count, sizeof(struct rlc_name), 0 },
	};
	uint32_t i;
	size_t t;

	for (i = 0; i < h->limits_count; i++)
		if (limit_differs(&la[i], &lb[i]))
			return rlc__fail(why, len, -ESTALE,
					 "limit %" PRIu32 " is '%.63s' in the segment but '%.63s' (or "
					 "configured differently) in the configuration",
					 i, names[la[i].name % h->names_count].text, wanted[i].text);
	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		i = rlc_layout_first_difference(seg, want, tables[t].off, tables[t].count,
						tables[t].rec, tables[t].from, tables[t].rec);
		if (i != RLC_NONE)
			return rlc__fail(why, len, -ESTALE,
					 "%s %" PRIu32 " differs between the segment and the "
					 "configuration",
					 tables[t].what, i);
	}
	return 0;
}

int rlc_layout_compatible(const void *base, size_t size, const struct rlc_config *cfg, char *why,
			  size_t len)
{
	const struct rlc_header *h = (const struct rlc_header *)base;
	const size_t from = offsetof(struct rlc_header, limits_off),
		     to = offsetof(struct rlc_header, ready);
	size_t want_size = rlc_layout_size(cfg);
	void *want;
	int err;

	/* A copy: any process in the group may rewrite the header meanwhile. */
	uint32_t minor = h->layout_minor;

	/* another minor may give a field a meaning this rlcd does not keep */
	if (minor != RLC_LAYOUT_MINOR)
		return rlc__fail(why, len, -ESTALE,
				 "segment layout version %u.%u, this rlcd lays out %u.%u",
				 RLC_LAYOUT_MAJOR, minor, RLC_LAYOUT_MAJOR, RLC_LAYOUT_MINOR);
	if (want_size != size || h->limits_count != cfg->limits_count ||
	    h->clients_count != cfg->clients)
		return rlc__fail(why, len, -ESTALE,
				 "segment has %" PRIu32 " limits and %" PRIu32 " client records in "
				 "%zu bytes, the configuration %" PRIu32 " and %" PRIu32 " in %zu",
				 h->limits_count, h->clients_count, size, cfg->limits_count,
				 cfg->clients, want_size);
	/* aligned_alloc wants a multiple of the alignment, and sizes are lines */
	want = aligned_alloc(RLC_CACHELINE, size);
	if (!want)
		return rlc__fail(why, len, -ENOMEM, "out of memory");
	memset(want, 0, size);
	err = rlc_layout_init(want, size, cfg, 0, why, len);
	if (!err && memcmp((const char *)base + from, (const char *)want + from, to - from) != 0)
		err = rlc__fail(why, len, -ESTALE,
				"segment holds other tables (counts or offsets) than the "
				"configuration lays out");
	else if (!err)
		/* offsets and counts from the private copy: a writer of the segment
		 * cannot move them under the comparison */
		err = compare(base, want, (const struct rlc_header *)want, why, len);
	free(want);
	return err == -EINVAL ? -ESTALE : err;
}
