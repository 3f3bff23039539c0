/* SPDX-License-Identifier: MIT */
#include "metrics_render.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rlc.h"

#ifndef RLC_VERSION
#define RLC_VERSION "unknown"
#endif

/* Lines per item, for the bound: a family's sample lines for one item. */
#define LIMIT_LINES 8 /* one per family of limit_families */
#define SCOPE_LINES 6
#define EXCHANGE_LINES 4
#define FLOW_LINES (12 + 5 + RLC_ELAPSED_BUCKETS + 2) /* a client's or an endpoint's */
#define FIXED_BYTES (64u << 10)                      /* HELP and TYPE lines, rlcd's own */

size_t rlc_metrics_bound(const struct rlc_layout *lay)
{
	return FIXED_BYTES + EXPO_LINE_MAX * ((size_t)lay->limits_count * LIMIT_LINES +
					      (size_t)lay->scopes_count * SCOPE_LINES +
					      (size_t)lay->exchanges_count * EXCHANGE_LINES +
					      ((size_t)lay->clients_count + lay->endpoints_count) *
						      FLOW_LINES);
}

static const char *algorithm_name(uint32_t a)
{
	return a == RLC_ALGO_WINDOW ? "window" : a == RLC_ALGO_BUCKET ? "bucket" : "fixed";
}

/* ---- limits ---- */

static void limit_labels(const struct rlc_usage *u, struct expo_label l[4])
{
	l[0] = (struct expo_label){ "limit", u->name };
	l[1] = (struct expo_label){ "scope", u->scope };
	l[2] = (struct expo_label){ "exchange", u->exchange };
	l[3] = (struct expo_label){ "algorithm", algorithm_name(u->algorithm) };
}

enum limit_field {
	L_CAPACITY, L_EFFECTIVE, L_USED, L_INTERVAL, L_GRANTS, L_REFUSALS, L_REFUNDS, L_OBSERVED
};

static const struct {
	const char *name, *type, *help;
	enum limit_field field;
} limit_families[] = {
	{ "rlc_limit_capacity", "gauge", "Capacity N of the limit, as configured.", L_CAPACITY },
	{ "rlc_limit_effective", "gauge", "What may be granted: N less the buffer.", L_EFFECTIVE },
	{ "rlc_limit_used", "gauge", "Weight counted on the limit now.", L_USED },
	{ "rlc_limit_interval_seconds", "gauge", "Interval W of the limit.", L_INTERVAL },
	{ "rlc_limit_grants_total", "counter", "Grants that took weight from the limit.",
	  L_GRANTS },
	{ "rlc_limit_refusals_total", "counter", "Requests the limit refused.", L_REFUSALS },
	{ "rlc_limit_refunds_total", "counter", "Grants refunded on the limit.", L_REFUNDS },
	{ "rlc_limit_observed_total", "counter", "Usage headers that raised the limit's count.",
	  L_OBSERVED },
};

/* Field `f` of *u. */
static uint64_t limit_value(const struct rlc_usage *u, enum limit_field f)
{
	switch (f) {
	case L_CAPACITY:
		return u->capacity;
	case L_EFFECTIVE:
		return u->effective;
	case L_USED:
		return u->used;
	case L_INTERVAL:
		return u->interval_ns;
	case L_GRANTS:
		return u->grants;
	case L_REFUSALS:
		return u->refusals;
	case L_REFUNDS:
		return u->refunds;
	case L_OBSERVED:
		return u->observed;
	}
	return 0;
}

static void render_limits(struct expo *e, const struct rlc *h)
{
	struct expo_label l[4];
	struct rlc_usage u = { 0 };
	size_t f;
	uint32_t i;

	for (f = 0; f < sizeof(limit_families) / sizeof(limit_families[0]); f++) {
		expo_family(e, limit_families[f].name, limit_families[f].type,
			    limit_families[f].help);
		for (i = 0; i < h->limits_count; i++) {
			/* a corrupt limit still has its names: its used reads 0 */
			rlc_usage(h, i, &u);
			limit_labels(&u, l);
			if (limit_families[f].field == L_INTERVAL)
				expo_ns(e, limit_families[f].name, l, 4, NULL,
					(int64_t)u.interval_ns);
			else
				expo_u64(e, limit_families[f].name, l, 4, NULL,
					 limit_value(&u, limit_families[f].field));
		}
	}
}

/* ---- scopes ---- */

struct scope_info {
	const char *exchange; /* NULL: none */
	const char *kind;
};

/* The exchange and kind of scope `i`, from the handle's private copies. */
static struct scope_info scope_of(const struct rlc *h, uint32_t i)
{
	struct scope_info s = { NULL, "other" };
	uint32_t k;

	for (k = 0; k < h->cat.exchanges_count; k++)
		if (h->cat.exchanges[k].ip_scope == i)
			return (struct scope_info){ h->cat.exchanges[k].name, "ip" };
	for (k = 0; k < h->cat.accounts_count; k++)
		if (h->cat.accounts[k].scope == i && h->cat.accounts[k].exchange < h->cat.exchanges_count)
			return (struct scope_info){ h->cat.exchanges[h->cat.accounts[k].exchange].name,
						    "account" };
	for (k = 0; k < h->limits_count; k++)
		if (h->limits[k].scope == i && h->limits[k].exchange < h->cat.exchanges_count) {
			s.exchange = h->cat.exchanges[h->limits[k].exchange].name;
			break;
		}
	return s;
}

enum scope_field { S_BLOCKED, S_REMAINING, S_BREAKER, S_FAILURES };

static const struct {
	const char *name, *help;
	enum scope_field field;
} scope_families[] = {
	{ "rlc_scope_blocked", "1 while the scope is blocked (a ban, a 429, rlctl block).",
	  S_BLOCKED },
	{ "rlc_scope_block_remaining_seconds", "Time until the scope's block ends; 0 unblocked.",
	  S_REMAINING },
	{ "rlc_scope_breaker_state", "Circuit breaker: 0 closed, 1 open, 2 half-open.", S_BREAKER },
	{ "rlc_scope_breaker_failures", "Consecutive failures the breaker has counted.",
	  S_FAILURES },
};

static void render_scopes(struct expo *e, const struct rlc *h, uint64_t now)
{
	struct expo_label l[5];
	struct rlc_block b = { 0 };
	struct rlc_breaker br = { 0 };
	struct scope_info si;
	char status[16], code[16];
	size_t f;
	uint32_t i;

	for (f = 0; f <= sizeof(scope_families) / sizeof(scope_families[0]); f++) {
		int info = f == sizeof(scope_families) / sizeof(scope_families[0]);

		if (info)
			expo_family(e, "rlc_scope_block_info", "gauge",
				    "1 for each blocked scope, with the HTTP status (0: set by "
				    "hand) and the exchange's error code that set the block.");
		else
			expo_family(e, scope_families[f].name, "gauge", scope_families[f].help);
		for (i = 0; i < h->layout.scopes_count; i++) {
			si = scope_of(h, i);
			l[0] = (struct expo_label){ "scope", h->scopes[i] };
			l[1] = (struct expo_label){ "exchange", si.exchange };
			l[2] = (struct expo_label){ "kind", si.kind };
			rlc_block_get(h, i, &b);
			rlc_breaker_get(h, i, &br);
			if (info) {
				if (!b.until_ns)
					continue;
				snprintf(status, sizeof(status), "%d", b.status);
				snprintf(code, sizeof(code), "%ld", (long)b.code);
				l[3] = (struct expo_label){ "status", status };
				l[4] = (struct expo_label){ "code", b.has_code ? code : "" };
				expo_u64(e, "rlc_scope_block_info", l, 5, NULL, 1);
			} else if (scope_families[f].field == S_REMAINING) {
				expo_ns(e, scope_families[f].name, l, 3, NULL,
					b.until_ns > now ? (int64_t)(b.until_ns - now) : 0);
			} else {
				expo_u64(e, scope_families[f].name, l, 3, NULL,
					 scope_families[f].field == S_BLOCKED ? b.until_ns != 0
					 : scope_families[f].field == S_BREAKER ? br.state
										: br.failures);
			}
		}
	}
}

/* ---- exchanges ---- */

static void render_exchanges(struct expo *e, const struct rlc *h, uint64_t now)
{
	struct expo_label l[2];
	int64_t offset = 0;
	uint64_t error = UINT64_MAX, samples = 0, word;
	uint32_t x;
	int mode, pass;

	for (pass = 0; pass < 3; pass++) {
		if (pass == 0)
			expo_family(e, "rlc_exchange_mode", "gauge",
				    "1 for the mode in force on each exchange (rlctl mode).");
		else if (pass == 1)
			expo_family(e, "rlc_exchange_clock_offset_seconds", "gauge",
				    "Exchange clock minus UTC, as fixed limits align to it.");
		else
			expo_family(e, "rlc_exchange_clock_error_seconds", "gauge",
				    "Half the width of the learned clock bounds; absent while "
				    "nothing is learned.");
		for (x = 0; x < h->cat.exchanges_count; x++) {
			const struct rlc_exchange_view *v = &h->cat.exchanges[x];

			l[0] = (struct expo_label){ "exchange", v->name };
			if (pass == 0) {
				/* Self-contained word (rlc/mode.h): relaxed. */
				word = rlc__load_relaxed(v->mode);
				mode = rlc_mode_current(word, now, v->modes_count);
				l[1] = (struct expo_label){ "mode",
							    mode < 0 ? "corrupt" : v->modes[mode].name };
				expo_u64(e, "rlc_exchange_mode", l, 2, NULL, 1);
				continue;
			}
			rlc_clock_estimate(h, (int)x, &offset, &error, &samples);
			if (pass == 1)
				expo_ns(e, "rlc_exchange_clock_offset_seconds", l, 1, NULL, offset);
			else if (error != UINT64_MAX)
				expo_ns(e, "rlc_exchange_clock_error_seconds", l, 1, NULL,
					error > INT64_MAX ? INT64_MAX : (int64_t)error);
		}
	}
}

/* ---- clients and endpoints: counters, outcomes, response times ---- */

/* A client's or an endpoint's figures, whichever it is. */
struct flow {
	struct expo_label l[3];
	unsigned n;
	uint64_t grants, refusals, waits, wait_ns, weight, refunded;
	struct rlc_outcome_counts out;
};

/* The prefix "rlc_client" or "rlc_endpoint" and what its series are. */
struct flows {
	const char *prefix;
	int clients; /* 1: clients (weight and refunded too); 0: endpoints */
	struct flow *all;
	uint32_t count;
};

static void family(struct expo *e, char *name, size_t cap, const struct flows *fl,
		   const char *suffix, const char *type, const char *help)
{
	snprintf(name, cap, "%s_%s", fl->prefix, suffix);
	expo_family(e, name, type, help);
}

/* One counter family of every flow: `field` picks it out of each. */
static void flow_counter(struct expo *e, const struct flows *fl, const char *suffix,
			 const char *help, size_t field)
{
	char name[64];
	uint32_t i;

	family(e, name, sizeof(name), fl, suffix, "counter", help);
	for (i = 0; i < fl->count; i++) {
		const uint64_t *v = (const uint64_t *)((const char *)&fl->all[i] + field);

		if (field == offsetof(struct flow, wait_ns))
			expo_ns(e, name, fl->all[i].l, fl->all[i].n, NULL,
				*v > INT64_MAX ? INT64_MAX : (int64_t)*v);
		else
			expo_u64(e, name, fl->all[i].l, fl->all[i].n, NULL, *v);
	}
}

static void render_counters(struct expo *e, const struct flows *fl)
{
	static const char *const outcome[] = { "ok", "client_error", "limited", "server_error",
					       "transport" };
	char name[64];
	uint32_t i, o;

	flow_counter(e, fl, "grants_total", "Requests granted.", offsetof(struct flow, grants));
	flow_counter(e, fl, "refusals_total", "Requests refused.",
		     offsetof(struct flow, refusals));
	flow_counter(e, fl, "waits_total", "Waiting reserves that had to sleep.",
		     offsetof(struct flow, waits));
	flow_counter(e, fl, "wait_seconds_total", "Time those waits slept, in all.",
		     offsetof(struct flow, wait_ns));
	if (fl->clients) {
		flow_counter(e, fl, "weight_total", "Weight granted, summed over the limits taken.",
			     offsetof(struct flow, weight));
		flow_counter(e, fl, "refunded_total", "Weight given back by refunds.",
			     offsetof(struct flow, refunded));
	}
	family(e, name, sizeof(name), fl, "responses_total", "counter",
	       "Responses fed back, by outcome: ok (1xx-3xx), client_error (4xx but 418 and "
	       "429), limited (418, 429), server_error (5xx), transport (none came).");
	for (i = 0; i < fl->count; i++) {
		const struct rlc_outcome_counts *c = &fl->all[i].out;
		const uint64_t v[] = { c->ok, c->client_error, c->limited, c->server_error,
				       c->transport };

		for (o = 0; o < 5; o++) {
			struct expo_label x = { "outcome", outcome[o] };

			expo_u64(e, name, fl->all[i].l, fl->all[i].n, &x, v[o]);
		}
	}
}

static void render_histogram(struct expo *e, const struct flows *fl)
{
	static const uint64_t bound_ms[RLC_ELAPSED_BUCKETS - 1] = RLC_ELAPSED_BOUNDS_MS;
	char name[64], le[24];
	uint32_t i, b;

	family(e, name, sizeof(name), fl, "response_seconds", "histogram",
	       "Response times fed back (rlc_feedback elapsed_ns).");
	for (i = 0; i < fl->count; i++) {
		const struct flow *f = &fl->all[i];
		uint64_t below = 0;

		snprintf(name, sizeof(name), "%s_response_seconds_bucket", fl->prefix);
		for (b = 0; b < RLC_ELAPSED_BUCKETS; b++) {
			struct expo_label x = { "le", le };

			below += f->out.elapsed[b];
			if (b + 1 < RLC_ELAPSED_BUCKETS)
				snprintf(le, sizeof(le), "%llu.%03llu",
					 (unsigned long long)(bound_ms[b] / 1000),
					 (unsigned long long)(bound_ms[b] % 1000));
			else
				snprintf(le, sizeof(le), "+Inf");
			expo_u64(e, name, f->l, f->n, &x, below);
		}
		snprintf(name, sizeof(name), "%s_response_seconds_sum", fl->prefix);
		expo_ns(e, name, f->l, f->n, NULL,
			f->out.elapsed_ns > INT64_MAX ? INT64_MAX : (int64_t)f->out.elapsed_ns);
		snprintf(name, sizeof(name), "%s_response_seconds_count", fl->prefix);
		expo_u64(e, name, f->l, f->n, NULL, below);
	}
}

/* The label values of one client: the flows point into them. */
struct client_text {
	char name[RLC_CLIENT_NAME_MAX];
	char pid[16];
	char record[16];
};

/* Every live client record, labelled by name, pid and record (one process
 * may hold several records under one name: the record keeps them apart). */
static int render_clients(struct expo *e, const struct rlc *h)
{
	struct flows fl = { "rlc_client", 1, NULL, 0 };
	struct client_text *text;
	struct rlc_client_info ci;
	uint32_t i;

	fl.all = calloc(h->layout.clients_count + 1, sizeof(*fl.all));
	text = calloc(h->layout.clients_count + 1, sizeof(*text));
	if (!fl.all || !text) {
		free(fl.all);
		free(text);
		return -ENOMEM;
	}
	for (i = 0; i < h->layout.clients_count; i++) {
		struct flow *f = &fl.all[fl.count];
		struct client_text *t = &text[fl.count];

		if (rlc_client_info(h, i, &ci) != 0)
			continue;
		memcpy(t->name, ci.name, sizeof(t->name));
		snprintf(t->pid, sizeof(t->pid), "%ld", (long)ci.pid);
		snprintf(t->record, sizeof(t->record), "%" PRIu32, i);
		f->l[0] = (struct expo_label){ "client", t->name };
		f->l[1] = (struct expo_label){ "pid", t->pid };
		f->l[2] = (struct expo_label){ "record", t->record };
		f->n = 3;
		f->grants = ci.grants;
		f->refusals = ci.refusals;
		f->waits = ci.waits;
		f->wait_ns = ci.wait_ns;
		f->weight = ci.weight;
		f->refunded = ci.refunded;
		f->out = ci.outcomes;
		fl.count++;
	}
	render_counters(e, &fl);
	render_histogram(e, &fl);
	free(text);
	free(fl.all);
	return 0;
}

static int render_endpoints(struct expo *e, const struct rlc *h)
{
	struct flows fl = { "rlc_endpoint", 0, NULL, 0 };
	struct rlc_endpoint_counts n = { 0 };
	uint32_t i;

	fl.all = calloc(h->cat.endpoints_count + 1, sizeof(*fl.all));
	if (!fl.all)
		return -ENOMEM;
	for (i = 0; i < h->cat.endpoints_count; i++) {
		const struct rlc_endpoint_view *v = &h->cat.endpoints[i];
		struct flow *f = &fl.all[fl.count++];

		f->l[0] = (struct expo_label){ "exchange", v->exchange < h->cat.exchanges_count
								   ? h->cat.exchanges[v->exchange].name
								   : NULL };
		f->l[1] = (struct expo_label){ "endpoint", v->name };
		f->n = 2;
		rlc_endpoint_outcomes(h, i, &f->out);
		rlc_endpoint_counters(h, i, &n);
		f->grants = n.grants;
		f->refusals = n.refusals;
		f->waits = n.waits;
		f->wait_ns = n.wait_ns;
	}
	render_counters(e, &fl);
	render_histogram(e, &fl);
	free(fl.all);
	return 0;
}

/* ---- rlcd itself ---- */

static void gauge_ns(struct expo *e, const char *name, const char *help, int64_t ns)
{
	expo_family(e, name, "gauge", help);
	expo_ns(e, name, NULL, 0, NULL, ns);
}

static void one_u64(struct expo *e, const char *name, const char *type, const char *help,
		    uint64_t v)
{
	expo_family(e, name, type, help);
	expo_u64(e, name, NULL, 0, NULL, v);
}

static void render_rlcd(struct expo *e, const struct rlc *h, const struct rlcd_stats *st,
			const struct rlc_metrics_served *sv, uint64_t now)
{
	static const char *const reason[RLC_DROP_REASONS] = { "busy", "timeout", "oversized",
							       "malformed" };
	char layout[24];
	struct expo_label l[2] = { { "version", RLC_VERSION }, { "layout", layout } };
	/* Pairs with rlcd's own release store of the beat: same thread, any order. */
	uint64_t beat = rlc__load_relaxed(&h->hdr->heartbeat_ns);
	uint64_t start = rlc__load_relaxed(&h->hdr->rlcd_start_ns);
	uint64_t wall = rlc_realtime_ns();
	unsigned r;

	one_u64(e, "rlc_up", "gauge", "1: rlcd serves the segment.", 1);
	snprintf(layout, sizeof(layout), "%u.%u", h->layout.layout_major, h->layout.layout_minor);
	expo_family(e, "rlc_build_info", "gauge", "rlcd's version and the segment layout.");
	expo_u64(e, "rlc_build_info", l, 2, NULL, 1);
	gauge_ns(e, "rlc_heartbeat_age_seconds", "Time since rlcd's last heartbeat.",
		 now > beat ? (int64_t)(now - beat) : 0);
	gauge_ns(e, "rlc_heartbeat_period_seconds", "How often rlcd beats.",
		 (int64_t)rlc__load_relaxed(&h->hdr->heartbeat_period_ns));
	one_u64(e, "rlc_generation", "gauge", "Times an rlcd has taken the segment over.",
		rlc__load_relaxed(&h->hdr->generation));
	/* CLOCK_MONOTONIC start, as wall-clock time of the same instant */
	gauge_ns(e, "rlc_start_time_seconds", "When rlcd started, Unix time.",
		 (int64_t)(wall - (now > start ? now - start : 0)));
	one_u64(e, "rlc_client_records", "gauge", "Size of the clients table.",
		h->layout.clients_count);
	one_u64(e, "rlc_reloads_total", "counter", "Configuration reloads this rlcd applied.",
		st->reloads);
	one_u64(e, "rlc_segment_reloads_total", "counter",
		"Reloads the segment's configuration has had, by every rlcd that served it.",
		rlc_reloads(h));
	one_u64(e, "rlc_reload_failures_total", "counter",
		"Configuration reloads refused (the old configuration kept running).",
		st->reload_failures);
	if (st->last_reload_ns) {
		one_u64(e, "rlc_reload_last_success", "gauge",
			"1 when the last reload applied, 0 when it was refused.",
			(uint64_t)(st->last_reload_ok != 0));
		gauge_ns(e, "rlc_reload_last_age_seconds", "Time since the last reload.",
			 now > st->last_reload_ns ? (int64_t)(now - st->last_reload_ns) : 0);
	}
	one_u64(e, "rlc_metrics_scrapes_total", "counter", "Metrics responses rendered.",
		sv->scrapes + 1);
	one_u64(e, "rlc_metrics_connections", "gauge", "Metrics connections open.",
		sv->connections);
	expo_family(e, "rlc_metrics_dropped_total", "counter",
		    "Metrics connections dropped, by reason: busy (every slot taken), timeout, "
		    "oversized (above 4 KiB), malformed (not HTTP, or a bad line).");
	for (r = 0; r < RLC_DROP_REASONS; r++) {
		struct expo_label x = { "reason", reason[r] };

		expo_u64(e, "rlc_metrics_dropped_total", NULL, 0, &x, sv->dropped[r]);
	}
}

int rlc_metrics_render(struct expo *e, const struct rlc_shm *shm, const struct rlcd_stats *stats,
		       const struct rlc_metrics_served *served)
{
	struct rlc h;
	uint64_t now;
	int err;

	if (shm->truncated)
		return -EBADMSG;
	/* Validated anew each time, as any client would: a reload may have
	 * changed what the copies hold. */
	err = rlc_attach(&h, shm->base, shm->size, NULL, RLC_OPEN_READONLY);
	if (err) {
		rlc_log_err("%s: metrics: %s", shm->name, h.why);
		return err;
	}
	h.guard = shm->guard; /* a truncation while rendering reads as one */
	now = rlc_now_ns();
	render_rlcd(e, &h, stats, served, now);
	render_limits(e, &h);
	render_scopes(e, &h, now);
	render_exchanges(e, &h, now);
	err = render_clients(e, &h);
	if (!err)
		err = render_endpoints(e, &h);
	if (!err && rlc__truncated(&h))
		err = -EBADMSG;
	h.guard = NULL;
	rlc_close(&h);
	return err ? err : e->full ? -ENOBUFS : 0;
}
