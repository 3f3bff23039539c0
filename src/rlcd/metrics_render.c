/* SPDX-License-Identifier: MIT */
#include "metrics_render.h"

#include <errno.h>
#include <stdio.h>

#include "log.h"
#include "metrics_flows.h"
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
	err = rlc_metrics_render_clients(e, &h);
	if (!err)
		err = rlc_metrics_render_endpoints(e, &h);
	if (!err && rlc__truncated(&h))
		err = -EBADMSG;
	h.guard = NULL;
	rlc_close(&h);
	return err ? err : e->full ? -ENOBUFS : 0;
}
