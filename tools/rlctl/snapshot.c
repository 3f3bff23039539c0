/* SPDX-License-Identifier: MIT */
#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"

/* Each exchange's mode word and clock, read once: the report's headings say what they hold. */
static void exchanges_take(const struct rlc *h, struct snapshot *s)
{
	uint32_t x;

	for (x = 0; x < h->cat.exchanges_count; x++) {
		struct snapshot_exchange *e = &s->exchanges[x];

		e->view = &h->cat.exchanges[x];
		/* Self-contained word (rlc/mode.h): relaxed. */
		e->word = rlc__load_relaxed(e->view->mode);
		e->mode = rlc_mode_current(e->word, s->now_ns, e->view->modes_count);
		e->until_ns = e->mode > 0 ? rlc_mode_until(e->word) : 0;
		s->mode_corrupt_count += e->mode < 0;
		/* fails only once truncated, which the caller asks the guard about */
		rlc_clock_estimate(h, (int)x, &e->clock_offset_ns, &e->clock_error_ns,
				   &e->clock_samples);
	}
	s->exchanges_count = h->cat.exchanges_count;
}

/* Outcome counters, word by word.  Relaxed: each is a count of its own,
 * and nothing is read through them. */
static void outcomes_take(const struct rlc_outcomes *o, struct snapshot_outcomes *out)
{
	unsigned b;

	out->ok = rlc__load_relaxed(&o->ok);
	out->client_error = rlc__load_relaxed(&o->client_error);
	out->limited = rlc__load_relaxed(&o->limited);
	out->server_error = rlc__load_relaxed(&o->server_error);
	out->transport = rlc__load_relaxed(&o->transport);
	out->elapsed_ns = rlc__load_relaxed(&o->elapsed_ns);
	out->timed = 0;
	for (b = 0; b < RLC_ELAPSED_BUCKETS; b++) {
		out->elapsed[b] = rlc__load_relaxed(&o->elapsed[b]);
		out->timed += out->elapsed[b];
	}
}

/*
 * The client of s->clients that set block *b, or -1.  b->client is a
 * segment word, any value, never an index: only a record of the table
 * that a running client holds, claimed no later than the block was set,
 * is believed to be the setter, since a record freed and claimed again
 * names another process.
 */
static int block_setter(const struct snapshot *s, const struct rlc_block *b)
{
	uint32_t i;

	/* since_ns 0: the details are of another block, or say nothing */
	if (b->client < 0 || !b->since_ns)
		return -1;
	for (i = 0; i < s->clients_count; i++) {
		const struct snapshot_client *c = &s->clients[i];

		if (c->record == (uint32_t)b->client)
			return c->info.alive && c->claim_ms <= rlc__client_ms(b->since_ns) ? (int)i : -1;
	}
	return -1;
}

/*
 * Each scope's block and breaker, and the exchange whose heading shows
 * it: the one it is the IP scope or an account of, else its first
 * limit's.  Needs the clients read.
 */
static void scopes_take(const struct rlc *h, struct snapshot *s)
{
	uint32_t i;

	s->scopes_count = h->layout.scopes_count;
	for (i = 0; i < s->scopes_count; i++)
		s->scope_states[i].exchange = RLC_NONE;
	for (i = 0; i < h->cat.exchanges_count; i++)
		if (h->cat.exchanges[i].ip_scope != RLC_NONE)
			s->scope_states[h->cat.exchanges[i].ip_scope].exchange = i;
	for (i = 0; i < h->cat.accounts_count; i++)
		s->scope_states[h->cat.accounts[i].scope].exchange = h->cat.accounts[i].exchange;
	for (i = 0; i < h->limits_count; i++)
		if (s->scope_states[h->limits[i].scope].exchange == RLC_NONE)
			s->scope_states[h->limits[i].scope].exchange = h->limits[i].exchange;
	for (i = 0; i < s->scopes_count; i++) {
		struct snapshot_scope *c = &s->scope_states[i];

		/* each fails only once truncated, which the caller asks the guard about */
		rlc_block_get(h, i, &c->block);
		rlc_breaker_get(h, i, &c->breaker);
		c->setter = c->block.until_ns ? block_setter(s, &c->block) : -1;
	}
}

/*
 * What kind of scope limit `v` is in, from the private copies: an
 * account's only when that account is of the limit's exchange, so that
 * the report's grouping (group.h) places every limit once.
 */
static enum rlc_scope_kind scope_kind(const struct rlc *h, const struct rlc_limit_view *v)
{
	if (v->account != RLC_NONE && v->exchange != RLC_NONE &&
	    h->cat.accounts[v->account].exchange == v->exchange)
		return RLC_SCOPE_ACCOUNT;
	if (v->exchange != RLC_NONE && v->scope == h->cat.exchanges[v->exchange].ip_scope)
		return RLC_SCOPE_IP;
	return RLC_SCOPE_OTHER;
}

int snapshot_take(const struct rlc *h, const char *segment, const char *label,
		  struct snapshot *s)
{
	const struct rlc_header *hdr = h->hdr;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->segment = segment;
	s->label = label;
	s->now_ns = rlc_now_ns();
	s->wall_ns = rlc_realtime_ns();
	s->cat = &h->cat;
	s->scopes = h->scopes;
	/* Any client may rewrite the header: these come from the handle's
	 * copy, validated at open, and the rest are atomic words. */
	s->layout_major = h->layout.layout_major;
	s->layout_minor = h->layout.layout_minor;
	s->size = h->layout.size;
	s->client_records = h->layout.clients_count;
	s->dev = h->dev;
	s->ino = h->ino;
	/* Pairs with rlcd's release store of each beat: the words read next
	 * are at least as new as the beat. */
	s->heartbeat_ns = rlc__load_acquire(&hdr->heartbeat_ns);
	s->rlcd_pid = rlc__load_relaxed(&hdr->rlcd_pid);
	s->rlcd_start_ns = rlc__load_relaxed(&hdr->rlcd_start_ns);
	s->heartbeat_period_ns = rlc__load_relaxed(&hdr->heartbeat_period_ns);
	s->generation = rlc__load_relaxed(&hdr->generation);
	s->config_seq = rlc__load_relaxed(&hdr->config_seq);
	s->reloads = s->config_seq / 2;
	s->shm_dev = rlc__load_relaxed(&hdr->shm_dev);
	s->shm_ino = rlc__load_relaxed(&hdr->shm_ino);
	s->detached_ns = rlc__load_relaxed(&hdr->detached_ns);

	/* calloc(0) may return NULL: ask for one element at least. */
	s->limits = calloc(h->limits_count ? h->limits_count : 1, sizeof(*s->limits));
	s->clients = calloc(s->client_records ? s->client_records : 1, sizeof(*s->clients));
	s->exchanges = calloc(h->cat.exchanges_count ? h->cat.exchanges_count : 1,
			      sizeof(*s->exchanges));
	s->order = calloc(h->limits_count ? h->limits_count : 1, sizeof(*s->order));
	s->accounts = calloc(h->cat.accounts_count ? h->cat.accounts_count : 1,
			     sizeof(*s->accounts));
	s->scope_states = calloc(h->layout.scopes_count ? h->layout.scopes_count : 1,
				 sizeof(*s->scope_states));
	s->endpoint_outcomes = calloc(h->cat.endpoints_count ? h->cat.endpoints_count : 1,
				      sizeof(*s->endpoint_outcomes));
	s->endpoint_counts = calloc(h->cat.endpoints_count ? h->cat.endpoints_count : 1,
				    sizeof(*s->endpoint_counts));
	if (!s->limits || !s->clients || !s->exchanges || !s->order || !s->accounts ||
	    !s->scope_states || !s->endpoint_outcomes || !s->endpoint_counts) {
		snapshot_free(s);
		return -ENOMEM;
	}
	exchanges_take(h, s);
	/* Every id below limits_count exists: rlc_usage fails only with
	 * -EBADMSG (a corrupt state or mode word), and still fills in the
	 * limit's names and ceilings. */
	for (i = 0; i < h->limits_count; i++) {
		struct snapshot_limit *l = &s->limits[i];

		if (rlc_usage(h, i, &l->usage) != 0) {
			l->corrupt = true;
			s->corrupt_count++;
		}
		l->exchange = h->limits[i].exchange;
		l->account = h->limits[i].account;
		l->scope = h->limits[i].scope;
		l->kind = scope_kind(h, &h->limits[i]);
	}
	s->limits_count = h->limits_count;
	group_order(s, s->accounts, s->order);
	for (i = 0; i < s->client_records; i++) {
		struct snapshot_client *c = &s->clients[s->clients_count];

		if (rlc_client_info(h, i, &c->info) != 0)
			continue;
		c->record = i;
		/* Relaxed: rlc_client_info acquired the record; one claimed again
		 * since shows a later claim, which block_setter() turns down. */
		c->claim_ms = rlc__load_relaxed(&h->clients[i].state) >> RLC__CLIENT_TIME_SHIFT;
		outcomes_take(&h->clients[i].outcomes, &c->outcomes);
		s->clients_count++;
	}
	scopes_take(h, s);
	for (i = 0; i < h->cat.endpoints_count; i++) {
		outcomes_take(&h->outcomes[i], &s->endpoint_outcomes[i]);
		/* fails only once truncated, which the caller asks the guard about */
		rlc_endpoint_counters(h, i, &s->endpoint_counts[i]);
	}
	s->endpoints_count = h->cat.endpoints_count;
	return 0;
}

void snapshot_free(struct snapshot *s)
{
	free(s->limits);
	free(s->clients);
	free(s->exchanges);
	free(s->order);
	free(s->accounts);
	free(s->scope_states);
	free(s->endpoint_outcomes);
	free(s->endpoint_counts);
	s->scope_states = NULL;
	s->endpoint_outcomes = NULL;
	s->endpoint_counts = NULL;
	s->limits = NULL;
	s->clients = NULL;
	s->exchanges = NULL;
	s->order = NULL;
	s->accounts = NULL;
	s->limits_count = 0;
	s->clients_count = 0;
	s->exchanges_count = 0;
	s->scopes_count = 0;
	s->endpoints_count = 0;
}
