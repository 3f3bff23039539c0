/* SPDX-License-Identifier: MIT */
/*
 * The status report as JSON: one object, one limit or client per line so
 * that line tools can pick a row too.  Times are integer nanoseconds, and
 * the human forms ("1m") ride beside them as strings.
 */
#include <inttypes.h>

#include "duration.h"
#include "json.h"
#include "report.h"

static void segment_object(FILE *out, const struct snapshot *s, const struct health *hl)
{
	fprintf(out, "\"segment\": {\"name\": ");
	json_string(out, s->segment);
	fprintf(out, ", \"layout_major\": %" PRIu32 ", \"layout_minor\": %" PRIu32
		     ", \"size\": %" PRIu64 ", \"rlcd_pid\": %" PRIu64
		     ", \"generation\": %" PRIu64 ", \"heartbeat_period_ns\": %" PRIu64
		     ", \"heartbeat_age_ns\": ",
		s->layout_major, s->layout_minor, s->size, s->rlcd_pid, s->generation,
		s->heartbeat_period_ns);
	/* null: rlcd never beat, which is not the same as a fresh beat */
	if (s->heartbeat_ns)
		fprintf(out, "%" PRIu64, hl->heartbeat_age_ns);
	else
		fputs("null", out);
	fprintf(out, ", \"uptime_ns\": ");
	if (s->rlcd_start_ns && s->rlcd_start_ns <= s->now_ns)
		fprintf(out, "%" PRIu64, s->now_ns - s->rlcd_start_ns);
	else
		fprintf(out, "null");
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

static void limit_object(FILE *out, uint32_t id, const struct snapshot_limit *l)
{
	const struct rlc_usage *u = &l->usage;
	char window[RLC_DURATION_TEXT_MAX], used[24] = "null", pct[24] = "null";

	/* null: a corrupt state has no usage, which is not the same as 0 */
	if (!l->corrupt) {
		snprintf(used, sizeof(used), "%" PRIu64, u->used);
		snprintf(pct, sizeof(pct), "%.1f", report_used_pct(u));
	}
	fprintf(out, "{\"id\": %" PRIu32 ", \"name\": ", id);
	json_string(out, u->name);
	fprintf(out, ", \"scope\": ");
	json_string(out, u->scope);
	fprintf(out, ", \"algorithm\": \"%s\", \"corrupt\": %s, \"used\": %s, \"effective\": %" PRIu32
		     ", \"used_pct\": %s, \"capacity\": %" PRIu32 ", \"buffer_ppm\": %" PRIu32
		     ", \"interval_ns\": %" PRIu64 ", \"window\": \"%s\", \"slots\": %" PRIu32 "}",
		report_algorithm_name(u->algorithm), l->corrupt ? "true" : "false", used,
		u->effective, pct, u->capacity, u->buffer_ppm, u->interval_ns,
		rlc_duration_format(window, sizeof(window), u->interval_ns, 0), u->slots);
}

static void client_object(FILE *out, const struct snapshot_client *c)
{
	fprintf(out, "{\"record\": %" PRIu32 ", \"pid\": %ld, \"name\": ", c->record,
		(long)c->info.pid);
	json_string(out, c->info.name);
	fprintf(out, ", \"alive\": %s, \"grants\": %" PRIu64 ", \"refusals\": %" PRIu64
		     ", \"weight\": %" PRIu64 ", \"refunded\": %" PRIu64 "}",
		c->info.alive ? "true" : "false", c->info.grants, c->info.refusals, c->info.weight,
		c->info.refunded);
}

void report_json(FILE *out, const struct snapshot *s, const struct health *hl)
{
	uint32_t i;

	fprintf(out, "{");
	segment_object(out, s, hl);
	fprintf(out, ",\n ");
	health_object(out, hl);
	fprintf(out, ",\n \"limits\": [");
	for (i = 0; i < s->limits_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		limit_object(out, i, &s->limits[i]);
	}
	fprintf(out, "],\n \"client_records\": %" PRIu32 ",\n \"clients\": [", s->client_records);
	for (i = 0; i < s->clients_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		client_object(out, &s->clients[i]);
	}
	fprintf(out, "]}\n");
}
