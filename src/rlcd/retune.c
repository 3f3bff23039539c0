/* SPDX-License-Identifier: MIT */
#include "retune.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "layout.h"
#include "rlc/segment.h"

#define REFUSED "; a reload cannot change that in place (rlcd(8), RELOAD)"

static const struct rlc_header *hdr(const void *base)
{
	return (const struct rlc_header *)base;
}

static const char *name_of(const void *base, uint32_t idx)
{
	const struct rlc_header *h = hdr(base);

	return RLC__TABLE(const struct rlc_name, base, h->names_off)[idx % h->names_count].text;
}

/* The counts a reload may not change, named for the message. */
static int tables_differ(const struct rlc_header *a, const struct rlc_header *b, char *why,
			 size_t len)
{
	const struct {
		const char *what;
		uint32_t was, is;
	} t[] = {
		{ "limits", a->limits_count, b->limits_count },
		{ "window slots", a->slots_count, b->slots_count },
		{ "scopes", a->scopes_count, b->scopes_count },
		{ "client records", a->clients_count, b->clients_count },
		{ "exchanges", a->exchanges_count, b->exchanges_count },
		{ "modes", a->modes_count, b->modes_count },
		{ "accounts", a->accounts_count, b->accounts_count },
		{ "endpoints", a->endpoints_count, b->endpoints_count },
		{ "endpoint links", a->links_count, b->links_count },
		{ "names", a->names_count, b->names_count },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].was != t[i].is)
			return rlc__fail(why, len, -ESTALE,
					 "the configuration has %" PRIu32 " %s, the segment %" PRIu32
					 REFUSED,
					 t[i].is, t[i].what, t[i].was);
	return rlc__fail(why, len, -ESTALE, "the segment's tables lie elsewhere" REFUSED);
}

/* What of limit `i` no reload may change: its identity and what a count means. */
static int limit_fixed(const void *seg, const void *want, uint32_t i, char *why, size_t len)
{
	const struct rlc_limit *a = RLC__TABLE(const struct rlc_limit, seg, hdr(seg)->limits_off) + i,
			       *b = RLC__TABLE(const struct rlc_limit, want, hdr(want)->limits_off) + i;
	const char *name = name_of(want, b->name);
	char was[32], is[32];

	if (a->name != b->name || strcmp(name_of(seg, a->name), name) != 0)
		return rlc__fail(why, len, -ESTALE,
				 "limit %" PRIu32 " is '%s' in the segment, '%s' in the "
				 "configuration" REFUSED,
				 i, name_of(seg, a->name), name);
	if (a->scope != b->scope || a->exchange != b->exchange || a->account != b->account)
		return rlc__fail(why, len, -ESTALE, "limit '%s': its scope changed" REFUSED, name);
	if (a->algorithm != b->algorithm)
		return rlc__fail(why, len, -ESTALE, "limit '%s': its algorithm changed" REFUSED,
				 name);
	if (a->slots != b->slots || a->slots_first != b->slots_first)
		return rlc__fail(why, len, -ESTALE,
				 "limit '%s': slots %" PRIu32 " -> %" PRIu32 REFUSED, name, a->slots,
				 b->slots);
	if (a->algorithm != RLC_ALGO_BUCKET && a->interval_ns != b->interval_ns) {
		rlc_duration_format(was, sizeof(was), a->interval_ns, 0);
		rlc_duration_format(is, sizeof(is), b->interval_ns, 0);
		return rlc__fail(why, len, -ESTALE, "limit '%s': interval %s -> %s" REFUSED, name,
				 was, is);
	}
	return 0;
}

/*
 * The records whose identity no reload may change: scopes and accounts
 * whole; an exchange's name and tables; a mode's or an endpoint's name
 * and exchange.
 */
static int records_fixed(const void *seg, const void *want, char *why, size_t len)
{
	const struct rlc_header *h = hdr(want);
	const struct {
		const char *what;
		uint64_t off;
		uint32_t count;
		size_t rec, from, to;
	} t[] = {
		{ "scope", h->scopes_off, h->scopes_count, sizeof(struct rlc_scope),
		  offsetof(struct rlc_scope, name), sizeof(struct rlc_scope) },
		{ "account", h->accounts_off, h->accounts_count, sizeof(struct rlc_account), 0,
		  sizeof(struct rlc_account) },
		{ "exchange", h->exchanges_off, h->exchanges_count, sizeof(struct rlc_exchange),
		  offsetof(struct rlc_exchange, name), offsetof(struct rlc_exchange, dialect) },
		{ "mode", h->modes_off, h->modes_count, sizeof(struct rlc_mode), 0,
		  sizeof(uint32_t) },
		{ "endpoint", h->endpoints_off, h->endpoints_count, sizeof(struct rlc_endpoint), 0,
		  offsetof(struct rlc_endpoint, links_first) },
	};
	/* names laid out before the parameters': every record's own */
	uint32_t own = h->limits_count + h->scopes_count + h->exchanges_count +
		       h->accounts_count + h->modes_count + h->endpoints_count;
	uint32_t i;
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		i = rlc_layout_first_difference(seg, want, t[k].off, t[k].count, t[k].rec,
						t[k].from, t[k].to);
		if (i != RLC_NONE)
			return rlc__fail(why, len, -ESTALE,
					 "%s %" PRIu32 " is another in the configuration (added, "
					 "removed, renamed or moved)" REFUSED,
					 t[k].what, i);
	}
	i = rlc_layout_first_difference(seg, want, h->names_off, own, sizeof(struct rlc_name), 0,
					sizeof(struct rlc_name));
	if (i != RLC_NONE)
		return rlc__fail(why, len, -ESTALE,
				 "'%s' is '%s' in the configuration (a name changed)" REFUSED,
				 name_of(seg, i), name_of(want, i));
	return 0;
}

int rlc_retune_plan(const void *seg, size_t size, const struct rlc_config *cfg, void **want,
		    char *why, size_t len)
{
	const size_t from = offsetof(struct rlc_header, limits_off),
		     to = offsetof(struct rlc_header, ready);
	size_t want_size = rlc_layout_size(cfg);
	uint32_t i;
	int err;

	*want = NULL;
	if (want_size == 0)
		return rlc__fail(why, len, -EINVAL, "the configuration's tables do not fit a segment");
	/* aligned_alloc wants a multiple of the alignment, and sizes are lines */
	*want = aligned_alloc(RLC_CACHELINE, want_size);
	if (!*want)
		return rlc__fail(why, len, -ENOMEM, "out of memory");
	memset(*want, 0, want_size);
	err = rlc_layout_init(*want, want_size, cfg, 0, why, len);
	if (!err && (want_size != size ||
		     memcmp((const char *)seg + from, (const char *)*want + from, to - from) != 0))
		err = tables_differ(hdr(seg), hdr(*want), why, len);
	for (i = 0; !err && i < cfg->limits_count; i++)
		err = limit_fixed(seg, *want, i, why, len);
	if (!err)
		err = records_fixed(seg, *want, why, len);
	if (err) {
		free(*want);
		*want = NULL;
	}
	return err;
}

/* Field by field: what a reload sets on limit *dst from *src. */
static void limit_set(struct rlc_limit *dst, const struct rlc_limit *src)
{
	dst->capacity = src->capacity;
	dst->effective = src->effective;
	dst->buffer_ppm = src->buffer_ppm;
	memcpy(dst->reserve_ppm, src->reserve_ppm, sizeof(dst->reserve_ppm));
	dst->latency_ns = src->latency_ns;
	dst->clock_error_ns = src->clock_error_ns;
	dst->observe = src->observe;
	dst->interval_ns = src->interval_ns; /* differs only for a bucket */
	dst->step_ns = src->step_ns;         /* likewise */
}

/* Does limit_set change anything?  Field by field: the live words around them move. */
static int limit_changed(const struct rlc_limit *a, const struct rlc_limit *b)
{
	return a->capacity != b->capacity || a->effective != b->effective ||
	       a->buffer_ppm != b->buffer_ppm ||
	       memcmp(a->reserve_ppm, b->reserve_ppm, sizeof(a->reserve_ppm)) != 0 ||
	       a->latency_ns != b->latency_ns || a->clock_error_ns != b->clock_error_ns ||
	       a->observe != b->observe || a->interval_ns != b->interval_ns ||
	       a->step_ns != b->step_ns;
}

/*
 * A bucket's TAT in the unit of time of its new step: the tokens it has in
 * use, rounded up, at most a full bucket (its capacity, which no mode's
 * ceiling passes).
 */
static void bucket_rescale(struct rlc_limit *l, uint64_t old_step, uint64_t now)
{
	uint64_t burst = (uint64_t)l->capacity * l->step_ns, tat, ahead, used;

	tat = rlc__load_relaxed(&l->state);
	do {
		if (tat <= now)
			return; /* full: nothing in use to carry over */
		used = (tat - now + old_step - 1) / old_step;
		ahead = used > burst / l->step_ns ? burst : used * l->step_ns;
		/* Relaxed, as every access to a bucket's self-contained word. */
	} while (!rlc__cas_relaxed(&l->state, &tat, now + ahead));
}

uint32_t rlc_retune_apply(void *seg, const void *want, uint64_t now_ns)
{
	struct rlc_header *h = (struct rlc_header *)seg;
	const struct rlc_header *w = hdr(want);
	struct rlc_limit *dst = RLC__TABLE(struct rlc_limit, seg, w->limits_off);
	const struct rlc_limit *src = RLC__TABLE(const struct rlc_limit, want, w->limits_off);
	struct rlc_exchange *xd = RLC__TABLE(struct rlc_exchange, seg, w->exchanges_off);
	const struct rlc_exchange *xs = RLC__TABLE(const struct rlc_exchange, want, w->exchanges_off);
	uint32_t own = w->limits_count + w->scopes_count + w->exchanges_count + w->accounts_count +
		       w->modes_count + w->endpoints_count;
	uint64_t seq = rlc__load_relaxed(&h->config_seq), old_step;
	uint32_t i, changed = 0;
	/* An odd value left by an rlcd that died mid-write is finished here;
	 * its buckets may hold a TAT of either unit: each is kept within a
	 * full bucket of the new one. */
	int unfinished = (int)(seq & 1u);

	seq |= 1u;
	rlc__store_relaxed(&h->config_seq, seq);
	/* Orders the odd store before the rewrite: a reader whose copy saw any
	 * rewritten byte sees the odd value on its second read. */
	rlc__fence_release();
	for (i = 0; i < w->limits_count; i++) {
		if (!limit_changed(&dst[i], &src[i]))
			continue;
		changed++;
		old_step = dst[i].step_ns;
		limit_set(&dst[i], &src[i]);
		if (dst[i].algorithm != RLC_ALGO_BUCKET)
			continue;
		/* takes still deciding on the old burst may go that far ahead */
		if (dst[i].burst_max_ms < src[i].burst_max_ms)
			dst[i].burst_max_ms = src[i].burst_max_ms;
		/* the step may stay while the burst shrinks: rescale every change */
		bucket_rescale(&dst[i], old_step, now_ns);
	}
	for (i = 0; unfinished && i < w->limits_count; i++)
		if (dst[i].algorithm == RLC_ALGO_BUCKET) {
			if (dst[i].burst_max_ms < rlc_layout_burst_ms(&dst[i]))
				dst[i].burst_max_ms = rlc_layout_burst_ms(&dst[i]);
			bucket_rescale(&dst[i], dst[i].step_ns, now_ns);
		}
	for (i = 0; i < w->exchanges_count; i++) {
		xd[i].dialect = xs[i].dialect;
		xd[i].breaker_failures = xs[i].breaker_failures;
		xd[i].breaker_cooldown_ns = xs[i].breaker_cooldown_ns;
		xd[i].breaker_probe_ns = xs[i].breaker_probe_ns;
	}
	/* Whole records and tables: their identities were checked equal. */
	memcpy((char *)seg + w->modes_off, (const char *)want + w->modes_off,
	       (size_t)w->modes_count * sizeof(struct rlc_mode));
	memcpy((char *)seg + w->endpoints_off, (const char *)want + w->endpoints_off,
	       (size_t)w->endpoints_count * sizeof(struct rlc_endpoint));
	memcpy((char *)seg + w->links_off, (const char *)want + w->links_off,
	       (size_t)w->links_count * sizeof(struct rlc_link));
	memcpy((char *)seg + w->names_off + (size_t)own * sizeof(struct rlc_name),
	       (const char *)want + w->names_off + (size_t)own * sizeof(struct rlc_name),
	       (size_t)(w->names_count - own) * sizeof(struct rlc_name));
	rlc__store_relaxed(&h->heartbeat_period_ns, rlc__load_relaxed(&w->heartbeat_period_ns));
	/* Pairs with the acquire load that begins a client's copy
	 * (rlc__copy_config): whoever reads this even value sees the rewrite. */
	rlc__store_release(&h->config_seq, seq + 1);
	return changed;
}

int rlc_retune_describe(const void *seg, const void *want, uint32_t i, char *out, size_t len)
{
	const struct rlc_limit *a = RLC__TABLE(const struct rlc_limit, seg, hdr(want)->limits_off) + i,
			       *b = RLC__TABLE(const struct rlc_limit, want, hdr(want)->limits_off) + i;
	char was[32], is[32];
	size_t n = 0;

	out[0] = '\0';
	if (!limit_changed(a, b))
		return 0;
	if (a->capacity != b->capacity || a->effective != b->effective)
		n += (size_t)snprintf(out + n, len - n,
				      "capacity %" PRIu32 " -> %" PRIu32 ", effective %" PRIu32
				      " -> %" PRIu32 ", ",
				      a->capacity, b->capacity, a->effective, b->effective);
	if (n < len && a->interval_ns != b->interval_ns) {
		rlc_duration_format(was, sizeof(was), a->interval_ns, 0);
		rlc_duration_format(is, sizeof(is), b->interval_ns, 0);
		n += (size_t)snprintf(out + n, len - n, "interval %s -> %s, ", was, is);
	}
	if (n < len && memcmp(a->reserve_ppm, b->reserve_ppm, sizeof(a->reserve_ppm)) != 0)
		n += (size_t)snprintf(out + n, len - n, "reserves, ");
	if (n < len && (a->latency_ns != b->latency_ns || a->clock_error_ns != b->clock_error_ns))
		n += (size_t)snprintf(out + n, len - n, "latency or clock error, ");
	if (n < len && a->observe != b->observe)
		n += (size_t)snprintf(out + n, len - n, "usage header, ");
	if (n >= 2 && n < len)
		out[n - 2] = '\0'; /* the last ", " */
	return 1;
}
