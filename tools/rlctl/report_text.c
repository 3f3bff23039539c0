/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <string.h>

#include "duration.h"
#include "output.h"
#include "report.h"

/* Names escaped whole: a client may register any bytes (see output.h). */
#define NAME_TEXT_MAX OUTPUT_ESCAPED_MAX(RLC_NAME_MAX - 1)
#define CLIENT_TEXT_MAX OUTPUT_ESCAPED_MAX(RLC_CLIENT_NAME_MAX - 1)
#define SEGMENT_TEXT_MAX OUTPUT_ESCAPED_MAX(200) /* rlc_open takes 200-byte names */

/* A column width that fits `text` as well. */
static int widest(int width, const char *text)
{
	int n = (int)strlen(text);

	return n > width ? n : width;
}

static void segment_line(FILE *out, const struct snapshot *s, const struct health *hl)
{
	char name[SEGMENT_TEXT_MAX], age[RLC_DURATION_TEXT_MAX] = "never", up[RLC_DURATION_TEXT_MAX] = "-";

	if (s->heartbeat_ns)
		health_age_text(age, hl->heartbeat_age_ns);
	if (s->rlcd_start_ns && s->rlcd_start_ns <= s->now_ns)
		rlc_duration_format(up, sizeof(up),
				(s->now_ns - s->rlcd_start_ns) / RLC_NS_PER_SEC * RLC_NS_PER_SEC, 2);
	fprintf(out, "segment %s  layout %" PRIu32 ".%" PRIu32 "  %" PRIu64 " bytes  "
		     "rlcd pid %" PRIu64 " (%s)  heartbeat %s%s  generation %" PRIu64 "  up %s\n",
		output_escape(name, sizeof(name), s->segment), s->layout_major, s->layout_minor,
		s->size, s->rlcd_pid, health_state_name(hl->state), age,
		s->heartbeat_ns ? " ago" : "", s->generation, up);
}

static void limits_table(FILE *out, const struct snapshot *s)
{
	char name[NAME_TEXT_MAX], scope[NAME_TEXT_MAX], window[RLC_DURATION_TEXT_MAX];
	int name_w = (int)strlen("LIMIT"), scope_w = (int)strlen("SCOPE");
	uint32_t i;

	if (s->limits_count == 0) {
		fprintf(out, "no limits\n");
		return;
	}
	for (i = 0; i < s->limits_count; i++) {
		name_w = widest(name_w, output_escape(name, sizeof(name), s->limits[i].usage.name));
		scope_w = widest(scope_w, output_escape(scope, sizeof(scope), s->limits[i].usage.scope));
	}
	fprintf(out, "%-*s  %-*s  %-6s  %14s  %6s  %8s  %6s  %8s  %5s\n", name_w, "LIMIT", scope_w,
		"SCOPE", "ALGO", "USED/EFFECTIVE", "USE", "CAPACITY", "BUFFER", "WINDOW", "SLOTS");
	for (i = 0; i < s->limits_count; i++) {
		const struct rlc_usage *u = &s->limits[i].usage;
		char used[32] = "corrupt", use[16] = "-", slots[16] = "-";

		/* A corrupt state has no usage to show: its words mean nothing. */
		if (!s->limits[i].corrupt) {
			snprintf(used, sizeof(used), "%" PRIu64 "/%" PRIu32, u->used, u->effective);
			snprintf(use, sizeof(use), "%.1f%%", report_used_pct(u));
		}
		if (u->algorithm == RLC_ALGO_WINDOW)
			snprintf(slots, sizeof(slots), "%" PRIu32, u->slots);
		fprintf(out, "%-*s  %-*s  %-6s  %14s  %6s  %8" PRIu32 "  %5.1f%%  %8s  %5s\n",
			name_w, output_escape(name, sizeof(name), u->name), scope_w,
			output_escape(scope, sizeof(scope), u->scope),
			report_algorithm_name(u->algorithm), used, use, u->capacity,
			u->buffer_ppm / 10000.0,
			rlc_duration_format(window, sizeof(window), u->interval_ns, 0), slots);
	}
}

static void clients_table(FILE *out, const struct snapshot *s)
{
	char name[CLIENT_TEXT_MAX];
	int name_w = (int)strlen("CLIENT");
	uint32_t i;

	if (s->clients_count == 0) {
		fprintf(out, "no registered clients (%" PRIu32 " records free)\n",
			s->client_records);
		return;
	}
	for (i = 0; i < s->clients_count; i++)
		name_w = widest(name_w, output_escape(name, sizeof(name), s->clients[i].info.name));
	fprintf(out, "%8s  %-*s  %5s  %10s  %10s  %12s  %10s\n", "PID", name_w, "CLIENT",
		"STATE", "GRANTS", "REFUSED", "WEIGHT", "REFUNDED");
	for (i = 0; i < s->clients_count; i++) {
		const struct snapshot_client *c = &s->clients[i];

		fprintf(out, "%8ld  %-*s  %5s  %10" PRIu64 "  %10" PRIu64 "  %12" PRIu64 "  %10" PRIu64
			     "\n",
			(long)c->info.pid, name_w, output_escape(name, sizeof(name), c->info.name),
			c->info.alive ? "live" : "gone", c->info.grants, c->info.refusals, c->info.weight,
			c->info.refunded);
	}
	fprintf(out, "%" PRIu32 " of %" PRIu32 " client records in use\n", s->clients_count,
		s->client_records);
}

void report_text(FILE *out, const struct snapshot *s, const struct health *hl)
{
	segment_line(out, s, hl);
	fputc('\n', out);
	limits_table(out, s);
	fputc('\n', out);
	clients_table(out, s);
}
