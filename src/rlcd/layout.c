/* SPDX-License-Identifier: MIT */
#include "layout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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
	eff = lc->capacity * (PPM - lc->buffer_ppm) / PPM;
	if (eff == 0) {
		snprintf(why, len, "[limit %s] buffer: leaves nothing of capacity %" PRIu32, lc->name,
			 lc->capacity);
		return -EINVAL;
	}
	/* W <= 7 d keeps every time sum on a limit far from 64-bit wrap */
	if (!interval_ok(lc, why, len))
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

static uint32_t scopes_count(const struct rlc_config *cfg)
{
	uint32_t i, n = 0;

	for (i = 0; i < cfg->limits_count; i++)
		n += (uint32_t)scope_is_new(cfg, i);
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

struct offsets {
	uint64_t limits, slots, scopes, clients, names, size;
};

static int plan(const struct rlc_config *cfg, struct offsets *o)
{
	uint32_t scopes = scopes_count(cfg);
	uint64_t slots = slots_count(cfg);

	if (cfg->limits_count > RLC_LIMITS_MAX || slots > RLC_SLOTS_MAX ||
	    cfg->clients > RLC_CLIENTS_MAX || cfg->limits_count + scopes > RLC_NAMES_MAX)
		return -E2BIG;
	o->limits = sizeof(struct rlc_header);
	o->slots = o->limits + (uint64_t)cfg->limits_count * sizeof(struct rlc_limit);
	o->scopes = align_line(o->slots + slots * sizeof(rlc_word));
	o->clients = o->scopes + (uint64_t)scopes * sizeof(struct rlc_scope);
	o->names = o->clients + (uint64_t)cfg->clients * sizeof(struct rlc_client);
	o->size = o->names + (uint64_t)(cfg->limits_count + scopes) * sizeof(struct rlc_name);
	return 0;
}

size_t rlc_layout_size(const struct rlc_config *cfg)
{
	struct offsets o;

	return plan(cfg, &o) == 0 ? (size_t)o.size : 0;
}

int rlc_layout_init(void *base, size_t size, const struct rlc_config *cfg, uint64_t now_ns,
		    char *why, size_t len)
{
	struct rlc_header *h = (struct rlc_header *)base;
	struct rlc_limit *limits;
	struct rlc_scope *scopes;
	struct rlc_name *names;
	uint32_t i, first = 0, nscopes, laid = 0;
	struct offsets o;

	if (plan(cfg, &o) != 0 || o.size != size) {
		snprintf(why, len, "segment size %zu does not fit the configuration", size);
		return -EINVAL;
	}
	nscopes = scopes_count(cfg);
	h->magic = RLC_MAGIC;
	h->layout_major = RLC_LAYOUT_MAJOR;
	h->layout_minor = RLC_LAYOUT_MINOR;
	h->size = o.size;
	h->created_ns = now_ns;
	h->limits_off = o.limits;
	h->limits_count = cfg->limits_count;
	h->slots_off = o.slots;
	h->slots_count = (uint32_t)slots_count(cfg);
	h->scopes_off = o.scopes;
	h->scopes_count = nscopes;
	h->clients_off = o.clients;
	h->clients_count = cfg->clients;
	h->names_off = o.names;
	h->names_count = cfg->limits_count + nscopes;
	limits = RLC__TABLE(struct rlc_limit, base, o.limits);
	scopes = RLC__TABLE(struct rlc_scope, base, o.scopes);
	names = RLC__TABLE(struct rlc_name, base, o.names);
	for (i = 0; i < cfg->limits_count; i++) {
		const struct rlc_limit_config *lc = &cfg->limits[i];
		struct rlc_limit *l = &limits[i];
		int err = rlc_limit_derive(lc, &l->effective, &l->step_ns, why, len);
		uint32_t s;

		if (err)
			return err;
		/* Scopes are numbered in order of first appearance. */
		for (s = 0; s < laid; s++)
			if (strcmp(names[cfg->limits_count + s].text, lc->scope) == 0)
				break;
		if (s == laid) {
			scopes[s].name = cfg->limits_count + s;
			snprintf(names[cfg->limits_count + s].text, RLC_NAME_MAX, "%s", lc->scope);
			laid++;
		}
		l->name = i;
		l->scope = s;
		l->algorithm = lc->algorithm;
		l->capacity = lc->capacity;
		l->slots = lc->algorithm == RLC_ALGO_WINDOW ? lc->slots : 0;
		l->slots_first = lc->algorithm == RLC_ALGO_WINDOW ? first : 0;
		l->buffer_ppm = lc->buffer_ppm;
		l->interval_ns = lc->interval_ns;
		l->origin_ns = lc->algorithm == RLC_ALGO_WINDOW ? now_ns : 0;
		first += l->slots;
		snprintf(names[i].text, sizeof(names[i].text), "%s", lc->name);
	}
	rlc__store_relaxed(&h->heartbeat_period_ns, cfg->heartbeat_ns);
	return 0;
}

void rlc_layout_publish(void *base)
{
	/* Pairs with the acquire load in rlc_segment_check(): everything laid
	 * out above is visible to whoever sees RLC_READY. */
	rlc__store_release(&((struct rlc_header *)base)->ready, RLC_READY);
}

int rlc_layout_compatible(const void *base, size_t size, const struct rlc_config *cfg, char *why,
			  size_t len)
{
	const struct rlc_header *h = (const struct rlc_header *)base;
	const struct rlc_limit *limits = RLC__TABLE(const struct rlc_limit, base, h->limits_off);
	const struct rlc_name *names = RLC__TABLE(const struct rlc_name, base, h->names_off);
	const struct rlc_scope *scopes = RLC__TABLE(const struct rlc_scope, base, h->scopes_off);
	uint32_t i;

	if (rlc_layout_size(cfg) != size || h->limits_count != cfg->limits_count ||
	    h->clients_count != cfg->clients) {
		snprintf(why, len,
			 "segment has %" PRIu32 " limits and %" PRIu32 " client records, the "
			 "configuration %" PRIu32 " and %" PRIu32,
			 h->limits_count, h->clients_count, cfg->limits_count, cfg->clients);
		return -ESTALE;
	}
	for (i = 0; i < cfg->limits_count; i++) {
		const struct rlc_limit_config *lc = &cfg->limits[i];
		const struct rlc_limit *l = &limits[i];
		uint32_t effective = 0;
		uint64_t step = 0;

		if (rlc_limit_derive(lc, &effective, &step, why, len) != 0)
			return -ESTALE;
		if (strcmp(names[l->name].text, lc->name) != 0 ||
		    strcmp(names[scopes[l->scope].name].text, lc->scope) != 0 ||
		    l->algorithm != (uint32_t)lc->algorithm || l->capacity != lc->capacity ||
		    l->effective != effective || l->buffer_ppm != lc->buffer_ppm ||
		    l->interval_ns != lc->interval_ns ||
		    l->step_ns != step ||
		    l->slots != (lc->algorithm == RLC_ALGO_WINDOW ? lc->slots : 0)) {
			snprintf(why, len, "limit %" PRIu32 " is '%s' in the segment but '%s' (or "
				 "configured differently) in the configuration",
				 i, names[l->name].text, lc->name);
			return -ESTALE;
		}
	}
	return 0;
}
