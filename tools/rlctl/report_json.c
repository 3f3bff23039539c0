/* SPDX-License-Identifier: MIT */
/*
 * The status report as JSON: one object, one limit or client per line so
 * that line tools can pick a row too.  Times are integer nanoseconds, and
 * the human forms ("1m") ride beside them as strings.
 */
#include <inttypes.h>
#include <stdbool.h>

#include "duration.h"
#include "json.h"
#include "report.h"
#include "when.h"

/* A name, or null where there is none. */
static void name_or_null(FILE *out, const char *name)
{
	if (name)
		json_string(out, name);
	else
		fputs("null", out);
}

/* A number, or null where `known` is false. */
static void optional(FILE *out, bool known, uint64_t v)
{
	if (known)
		fprintf(out, "%" PRIu64, v);
	else
		fputs("null", out);
}

/* {"critical": N, "high": N, "normal": N, "low": N} */
static void per_priority(FILE *out, const uint64_t v[RLC_PRIOS])
{
	unsigned p;

	fputc('{', out);
	for (p = 0; p < RLC_PRIOS; p++)
		fprintf(out, "%s\"%s\": %" PRIu64, p ? ", " : "", report_priority_name(p), v[p]);
	fputc('}', out);
}

static void segment_object(FILE *out, const struct snapshot *s, const struct health *hl)
{
	fprintf(out, "\"segment\": {\"name\": ");
	json_string(out, s->segment);
	fprintf(out, ", \"layout_major\": %" PRIu32 ", \"layout_minor\": %" PRIu32
		     ", \"size\": %" PRIu64 ", \"rlcd_pid\": %" PRIu64
		     ", \"generation\": %" PRIu64 ", \"reloads\": %" PRIu64 ", \"reloading\": %s"
		     ", \"heartbeat_period_ns\": %" PRIu64 ", \"heartbeat_age_ns\": ",
		s->layout_major, s->layout_minor, s->size, s->rlcd_pid, s->generation, s->reloads,
		s->config_seq & 1 ? "true" : "false", s->heartbeat_period_ns);
	/* null: rlcd never beat, which is not the same as a fresh beat */
	optional(out, s->heartbeat_ns != 0, hl->heartbeat_age_ns);
	fprintf(out, ", \"uptime_ns\": ");
	optional(out, s->rlcd_start_ns && s->rlcd_start_ns <= s->now_ns,
		 s->now_ns - s->rlcd_start_ns);
	fprintf(out, "}");
}

static void health_object(FILE *out, const struct health *hl)
{
	fprintf(out, "\"health\": {\"state\": \"%s\", \"exit\": %d, \"stale_after_ns\": %" PRIu64
		     ", \"reason\": ",
		health_state_name(hl->state), hl->exit_code, hl->stale_after_ns);
	if (hl->reason[0])
		json_string(out, hl->reason);
	else
		fprintf(out, "null");
	fprintf(out, "}");
}

static void limit_object(FILE *out, const struct snapshot *s, uint32_t id)
{
	const struct snapshot_limit *l = &s->limits[id];
	const struct rlc_usage *u = &l->usage;
	char window[RLC_DURATION_TEXT_MAX], used[24] = "null", pct[24] = "null";
	uint64_t ceiling[RLC_PRIOS], left[RLC_PRIOS];
	unsigned p;

	/* null: a corrupt state has no usage, which is not the same as 0 */
	if (!l->corrupt) {
		snprintf(used, sizeof(used), "%" PRIu64, u->used);
		snprintf(pct, sizeof(pct), "%.1f", report_used_pct(u));
	}
	fprintf(out, "{\"id\": %" PRIu32 ", \"name\": ", id);
	json_string(out, u->name);
	fprintf(out, ", \"scope\": ");
	json_string(out, u->scope);
	fprintf(out, ", \"scope_id\": %" PRIu32, l->scope);
	fprintf(out, ", \"algorithm\": \"%s\", \"corrupt\": %s, \"used\": %s, \"effective\": %" PRIu32
		     ", \"used_pct\": %s, \"capacity\": %" PRIu32 ", \"buffer_ppm\": %" PRIu32
		     ", \"interval_ns\": %" PRIu64 ", \"window\": \"%s\", \"slots\": %" PRIu32,
		report_algorithm_name(u->algorithm), l->corrupt ? "true" : "false", used,
		u->effective, pct, u->capacity, u->buffer_ppm, u->interval_ns,
		rlc_duration_format(window, sizeof(window), u->interval_ns, 0), u->slots);
	fprintf(out, ", \"exchange\": ");
	name_or_null(out, u->exchange);
	fprintf(out, ", \"grants\": %" PRIu64 ", \"refusals\": %" PRIu64 ", \"refunds\": %" PRIu64
		     ", \"observed\": %" PRIu64,
		u->grants, u->refusals, u->refunds, u->observed);
	fprintf(out, ", \"scope_kind\": \"%s\", \"account\": ", report_scope_kind_name(l->kind));
	name_or_null(out, l->kind == RLC_SCOPE_ACCOUNT ? s->cat->accounts[l->account].name : NULL);
	fprintf(out, ", \"mode\": ");
	name_or_null(out, u->mode);
	for (p = 0; p < RLC_PRIOS; p++) {
		ceiling[p] = u->ceiling[p];
		left[p] = report_left(u, p);
	}
	fprintf(out, ", \"ceiling\": ");
	per_priority(out, ceiling);
	/* null: what may pass is unknown when the state is corrupt */
	fprintf(out, ", \"left\": ");
	if (l->corrupt)
		fputs("null", out);
	else
		per_priority(out, left);
	fputc('}', out);
}

static void mode_object(FILE *out, const struct rlc_mode_view *m)
{
	char duration[RLC_DURATION_TEXT_MAX];

	fprintf(out, "{\"name\": ");
	json_string(out, m->name);
	fprintf(out, ", \"lowest\": \"%s\", \"buffer_ppm\": ", report_priority_name(m->lowest));
	/* null: each limit keeps its own buffer */
	if (m->buffer_ppm == RLC_NONE)
		fputs("null", out);
	else
		fprintf(out, "%" PRIu32, m->buffer_ppm);
	fprintf(out, ", \"reserve_ppm\": %" PRIu32 ", \"duration_ns\": %" PRIu64
		     ", \"duration\": \"%s\"}",
		m->reserve_ppm, m->duration_ns,
		rlc_duration_format(duration, sizeof(duration), m->duration_ns, 0));
}

/* The mode in force: name (null if corrupt), index, and when it ends. */
static void mode_state(FILE *out, const struct snapshot *s, const struct snapshot_exchange *e)
{
	char until[WHEN_TEXT_MAX];

	fprintf(out, ", \"mode\": ");
	name_or_null(out, e->mode >= 0 ? e->view->modes[e->mode].name : NULL);
	/* an ended mode is normal, whatever index its word still holds */
	fprintf(out, ", \"mode_index\": %" PRIu64 ", \"mode_corrupt\": %s",
		e->mode >= 0 ? (uint64_t)e->mode : e->word & 0xffu, e->mode < 0 ? "true" : "false");
	if (e->mode > 0)
		fprintf(out, ", \"mode_until_ns\": %" PRIu64 ", \"mode_left_ns\": %" PRIu64
			     ", \"mode_until\": \"%s\"",
			e->until_ns, e->until_ns > s->now_ns ? e->until_ns - s->now_ns : 0,
			when_utc(until, e->until_ns, s->now_ns, s->wall_ns));
	else
		fprintf(out, ", \"mode_until_ns\": null, \"mode_left_ns\": null"
			     ", \"mode_until\": null");
}

static void exchange_object(FILE *out, const struct snapshot *s, uint32_t x)
{
	const struct snapshot_exchange *e = &s->exchanges[x];
	const struct rlc_exchange_view *v = e->view;
	uint32_t m, a;

	fprintf(out, "{\"id\": %" PRIu32 ", \"name\": ", x);
	json_string(out, v->name);
	fprintf(out, ", \"ip_scope\": ");
	name_or_null(out, v->ip_scope != RLC_NONE ? s->scopes[v->ip_scope] : NULL);
	mode_state(out, s, e);
	fprintf(out, ", \"clock\": {\"offset_ns\": %" PRId64 ", \"error_ns\": ", e->clock_offset_ns);
	/* null: nothing learned, the offset is the configured one */
	optional(out, e->clock_error_ns != UINT64_MAX, e->clock_error_ns);
	fprintf(out, ", \"samples\": %" PRIu64 "}", e->clock_samples);
	fprintf(out, ",\n   \"modes\": [");
	for (m = 0; m < v->modes_count; m++) {
		fprintf(out, "%s", m ? ", " : "");
		mode_object(out, &v->modes[m]);
	}
	fprintf(out, "],\n   \"accounts\": [");
	for (a = v->accounts_first; a < v->accounts_first + v->accounts_count; a++) {
		const struct rlc_account_view *acc = &s->cat->accounts[s->accounts[a]];

		fprintf(out, "%s{\"id\": %" PRIu32 ", \"name\": ", a > v->accounts_first ? ", " : "",
			s->accounts[a]);
		json_string(out, acc->name);
		fprintf(out, ", \"scope\": ");
		json_string(out, s->scopes[acc->scope]);
		fputc('}', out);
	}
	fprintf(out, "]}");
}

/* A client's "record", "pid" and "name". */
static void client_id(FILE *out, const struct snapshot_client *c)
{
	fprintf(out, "\"record\": %" PRIu32 ", \"pid\": %ld, \"name\": ", c->record,
		(long)c->info.pid);
	json_string(out, c->info.name);
}

/* "outcomes": {...} of a client or an endpoint. */
static void outcomes_object(FILE *out, const struct snapshot_outcomes *o)
{
	uint64_t mean = 0;
	bool timed = report_mean_elapsed(o, &mean);
	unsigned b;

	fprintf(out, "\"outcomes\": {\"ok\": %" PRIu64 ", \"client_error\": %" PRIu64
		     ", \"limited\": %" PRIu64 ", \"server_error\": %" PRIu64
		     ", \"transport\": %" PRIu64 ", \"timed\": %" PRIu64 ", \"elapsed_ns\": %" PRIu64
		     ", \"mean_elapsed_ns\": ",
		o->ok, o->client_error, o->limited, o->server_error, o->transport, o->timed,
		o->elapsed_ns);
	/* null: no response time was measured */
	optional(out, timed, mean);
	fprintf(out, ", \"elapsed\": [");
	for (b = 0; b < RLC_ELAPSED_BUCKETS; b++)
		fprintf(out, "%s%" PRIu64, b ? ", " : "", o->elapsed[b]);
	fprintf(out, "]}");
}

void report_json_client(FILE *out, const struct snapshot_client *c)
{
	fputc('{', out);
	client_id(out, c);
	fprintf(out, ", \"alive\": %s, \"grants\": %" PRIu64 ", \"refusals\": %" PRIu64
		     ", \"weight\": %" PRIu64 ", \"refunded\": %" PRIu64 ", \"waits\": %" PRIu64
		     ", \"wait_ns\": %" PRIu64 ", ",
		c->info.alive ? "true" : "false", c->info.grants, c->info.refusals, c->info.weight,
		c->info.refunded, c->info.waits, c->info.wait_ns);
	outcomes_object(out, &c->outcomes);
	fputc('}', out);
}

/* "blocked": null, or when the block ends, why and who set it. */
static void blocked_object(FILE *out, const struct snapshot *s, const struct snapshot_scope *c)
{
	const struct rlc_block *b = &c->block;
	char when[WHEN_TEXT_MAX];
	bool known = b->since_ns != 0; /* else its details are of another block */

	fprintf(out, "\"blocked\": ");
	if (!b->until_ns) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"until_ns\": %" PRIu64 ", \"left_ns\": %" PRIu64 ", \"until\": \"%s\""
		     ", \"status\": ",
		b->until_ns, b->until_ns > s->now_ns ? b->until_ns - s->now_ns : 0,
		when_utc(when, b->until_ns, s->now_ns, s->wall_ns));
	optional(out, known, (uint64_t)b->status);
	fprintf(out, ", \"code\": ");
	if (b->has_code)
		fprintf(out, "%" PRId32, b->code);
	else
		fputs("null", out);
	fprintf(out, ", \"client\": ");
	if (c->setter >= 0) {
		fputc('{', out);
		client_id(out, &s->clients[c->setter]);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fprintf(out, ", \"since_ns\": ");
	optional(out, known, b->since_ns);
	fprintf(out, ", \"since\": ");
	if (known)
		fprintf(out, "\"%s\"", when_utc(when, b->since_ns, s->now_ns, s->wall_ns));
	else
		fputs("null", out);
	fputc('}', out);
}

static void scope_object(FILE *out, const struct snapshot *s, uint32_t i)
{
	const struct snapshot_scope *c = &s->scope_states[i];
	const struct rlc_breaker *k = &c->breaker;
	bool closed = k->state == RLC_BREAKER_CLOSED;

	fprintf(out, "{\"id\": %" PRIu32 ", \"name\": ", i);
	json_string(out, s->scopes[i]);
	fprintf(out, ", \"exchange\": ");
	name_or_null(out, c->exchange != RLC_NONE ? s->cat->exchanges[c->exchange].name : NULL);
	fprintf(out, ", ");
	blocked_object(out, s, c);
	fprintf(out, ", \"breaker\": {\"state\": \"%s\", \"failures\": %" PRIu32
		     ", \"until_ns\": ",
		report_breaker_state_name(k->state), k->failures);
	/* null: a closed breaker has no time */
	optional(out, !closed, k->until_ns);
	fprintf(out, ", \"left_ns\": ");
	optional(out, !closed, k->until_ns > s->now_ns ? k->until_ns - s->now_ns : 0);
	fprintf(out, "}}");
}

static void endpoint_object(FILE *out, const struct snapshot *s, uint32_t i)
{
	const struct rlc_endpoint_view *e = &s->cat->endpoints[i];
	const struct rlc_endpoint_counts *n = &s->endpoint_counts[i];

	fprintf(out, "{\"id\": %" PRIu32 ", \"exchange\": ", i);
	json_string(out, s->cat->exchanges[e->exchange].name);
	fprintf(out, ", \"name\": ");
	json_string(out, e->name);
	fprintf(out, ", \"grants\": %" PRIu64 ", \"refusals\": %" PRIu64 ", \"waits\": %" PRIu64
		     ", \"wait_ns\": %" PRIu64 ", ",
		n->grants, n->refusals, n->waits, n->wait_ns);
	outcomes_object(out, &s->endpoint_outcomes[i]);
	fputc('}', out);
}

void report_json(FILE *out, const struct snapshot *s, const struct health *hl)
{
	uint32_t i;

	fprintf(out, "{\"schema\": \"%s\", \"now_ns\": %" PRIu64 ",\n ", REPORT_SCHEMA, s->now_ns);
	segment_object(out, s, hl);
	fprintf(out, ",\n ");
	health_object(out, hl);
	fprintf(out, ",\n \"exchanges\": [");
	for (i = 0; i < s->exchanges_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		exchange_object(out, s, i);
	}
	fprintf(out, "],\n \"scopes\": [");
	for (i = 0; i < s->scopes_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		scope_object(out, s, i);
	}
	fprintf(out, "],\n \"limits\": [");
	for (i = 0; i < s->limits_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		limit_object(out, s, i);
	}
	fprintf(out, "],\n \"client_records\": %" PRIu32 ",\n \"clients\": [", s->client_records);
	for (i = 0; i < s->clients_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		report_json_client(out, &s->clients[i]);
	}
	fprintf(out, "],\n \"endpoints\": [");
	for (i = 0; i < s->endpoints_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		endpoint_object(out, s, i);
	}
	fprintf(out, "]}\n");
}
