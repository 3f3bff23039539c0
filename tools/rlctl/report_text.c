/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "duration.h"
#include "output.h"
#include "report.h"
#include "when.h"

/* Names escaped whole: a client may register any bytes (see output.h). */
#define NAME_TEXT_MAX OUTPUT_ESCAPED_MAX(RLC_NAME_MAX - 1)
#define CLIENT_TEXT_MAX OUTPUT_ESCAPED_MAX(RLC_CLIENT_NAME_MAX - 1)
#define SEGMENT_TEXT_MAX OUTPUT_ESCAPED_MAX(200) /* rlc_open takes 200-byte names */

/* Each exchange's table: the widths of its two name columns, shared by
 * every exchange's, and the cells of its usage bars. */
struct widths {
	int name, scope, bar;
	const struct style *st;
};

/*
 * What a limit row with a bar holds besides its name and the bar's cells:
 * the columns' widths and the two spaces before each, the bar's brackets
 * and the space after them; last the four priorities' and the four
 * counters' columns.
 */
#define ROW_FIXED (2 + 6 + 2 + 14 + 2 + 2 + 1 + 6 + 2 + 8 + 2 + 6 + 2 + 8 + 2 + 5 + 8 * (2 + 8))

/* A column width that fits `text` as well. */
static int widest(int width, const char *text)
{
	int n = (int)strlen(text);

	return n > width ? n : width;
}

/* The bar's cells that fill a row to the terminal's width, within bounds.
 * A row with bars has no SCOPE column: the scope heading names it. */
static int bar_cells(const struct widths *w)
{
	int cells = w->st->columns - (w->name + ROW_FIXED);

	return cells < STYLE_BAR_MIN ? STYLE_BAR_MIN : cells > STYLE_BAR_MAX ? STYLE_BAR_MAX : cells;
}

static void segment_line(FILE *out, const struct snapshot *s, const struct health *hl,
			 const struct style *st)
{
	char name[SEGMENT_TEXT_MAX], age[RLC_DURATION_TEXT_MAX] = "never", up[RLC_DURATION_TEXT_MAX] = "-";
	enum style_tone tone = hl->state == HEALTH_RUNNING ? STYLE_BOLD : STYLE_BAD;

	if (s->heartbeat_ns)
		health_age_text(age, hl->heartbeat_age_ns);
	if (s->rlcd_start_ns && s->rlcd_start_ns <= s->now_ns)
		rlc_duration_format(up, sizeof(up),
				(s->now_ns - s->rlcd_start_ns) / RLC_NS_PER_SEC * RLC_NS_PER_SEC, 2);
	style_start(out, st, tone);
	fprintf(out, "segment %s  layout %" PRIu32 ".%" PRIu32 "  %" PRIu64 " bytes  "
		     "rlcd pid %" PRIu64 " (%s)  heartbeat %s%s  generation %" PRIu64 "  reloads %" PRIu64
		     "%s  up %s",
		output_escape(name, sizeof(name), s->segment), s->layout_major, s->layout_minor,
		s->size, s->rlcd_pid, health_state_name(hl->state), age,
		s->heartbeat_ns ? " ago" : "", s->generation, s->reloads,
		s->config_seq & 1 ? " (reloading)" : "", up);
	style_end(out, st, tone);
	fputc('\n', out);
}

static void limits_header(FILE *out, const struct widths *w)
{
	fprintf(out, "%-*s", w->name, "LIMIT");
	/* with bars, the scope heading above the rows names it */
	if (!w->st->bars)
		fprintf(out, "  %-*s", w->scope, "SCOPE");
	/* "USE" right-aligned over its percents, or "USAGE" over the bars */
	fprintf(out, "  %-6s  %14s  %*s  %8s  %6s  %8s  %5s  %8s  %8s  %8s  %8s", "ALGO",
		"USED/EFFECTIVE",
		w->st->bars ? -(w->bar + 2 + 1 + 6) : 6, w->st->bars ? "USAGE" : "USE", "CAPACITY",
		"BUFFER", "WINDOW", "SLOTS", "CRITICAL", "HIGH", "NORMAL", "LOW");
	if (w->st->bars)
		fprintf(out, "  %8s  %8s  %8s  %8s", "GRANTS", "REFUSED", "REFUNDS", "OBSERVED");
	fputc('\n', out);
}

static void limit_row(FILE *out, const struct widths *w, const struct snapshot_limit *l)
{
	const struct rlc_usage *u = &l->usage;
	char name[NAME_TEXT_MAX], scope[NAME_TEXT_MAX], window[RLC_DURATION_TEXT_MAX];
	char used[32] = "corrupt", use[16] = "-", slots[16] = "-", left[RLC_PRIOS][24];
	double pct = report_used_pct(u);
	unsigned p;

	/* A corrupt state has no usage to show: its words mean nothing. */
	for (p = 0; p < RLC_PRIOS; p++)
		snprintf(left[p], sizeof(left[p]), "-");
	if (!l->corrupt) {
		snprintf(used, sizeof(used), "%" PRIu64 "/%" PRIu32, u->used, u->effective);
		snprintf(use, sizeof(use), "%.1f%%", pct);
		for (p = 0; p < RLC_PRIOS; p++)
			snprintf(left[p], sizeof(left[p]), "%" PRIu64, report_left(u, p));
	}
	if (u->algorithm == RLC_ALGO_WINDOW)
		snprintf(slots, sizeof(slots), "%" PRIu32, u->slots);
	fprintf(out, "%-*s", w->name, output_escape(name, sizeof(name), u->name));
	if (!w->st->bars)
		fprintf(out, "  %-*s", w->scope, output_escape(scope, sizeof(scope), u->scope));
	fprintf(out, "  %-6s  %14s  ", report_algorithm_name(u->algorithm), used);
	if (w->st->bars && l->corrupt) {
		fprintf(out, "%-*s ", w->bar + 2, "");
	} else if (w->st->bars) {
		style_bar(out, w->st, pct, w->bar);
		fputc(' ', out);
	}
	style_start(out, w->st, l->corrupt ? STYLE_BAD : style_tone_of(pct));
	fprintf(out, "%6s", use);
	style_end(out, w->st, l->corrupt ? STYLE_BAD : style_tone_of(pct));
	fprintf(out, "  %8" PRIu32 "  %5.1f%%  %8s  %5s  %8s  %8s  %8s  %8s", u->capacity,
		u->buffer_ppm / 10000.0, rlc_duration_format(window, sizeof(window), u->interval_ns, 0),
		slots, left[RLC_PRIO_CRITICAL], left[RLC_PRIO_HIGH], left[RLC_PRIO_NORMAL],
		left[RLC_PRIO_LOW]);
	/* on a terminal: the counters, which the piped table leaves to --json */
	if (w->st->bars)
		fprintf(out, "  %8" PRIu64 "  %8" PRIu64 "  %8" PRIu64 "  %8" PRIu64, u->grants,
			u->refusals, u->refunds, u->observed);
	fputc('\n', out);
}

/* Is scope *c blocked, or its breaker not closed? */
static bool scope_shut(const struct snapshot_scope *c)
{
	return c->block.until_ns || c->breaker.state != RLC_BREAKER_CLOSED;
}

/*
 * "scope    NAME (ip)", "(account NAME)" or "(other)", then ": blocked"
 * and ", breaker open" or "half-open" when so, in red: the heading of a
 * scope's rows.
 */
static void scope_heading(FILE *out, const struct snapshot *s, const struct style *st,
			  const struct snapshot_limit *l)
{
	const struct snapshot_scope *c = &s->scope_states[l->scope];
	char name[NAME_TEXT_MAX];
	enum style_tone tone = scope_shut(c) ? STYLE_BAD : STYLE_BOLD;

	style_start(out, st, tone);
	fprintf(out, "scope    %s (%s", output_escape(name, sizeof(name), l->usage.scope),
		report_scope_kind_name(l->kind));
	if (l->kind == RLC_SCOPE_ACCOUNT)
		fprintf(out, " %s", output_escape(name, sizeof(name), s->cat->accounts[l->account].name));
	fputc(')', out);
	if (c->block.until_ns)
		fprintf(out, ": blocked");
	if (c->breaker.state != RLC_BREAKER_CLOSED)
		fprintf(out, "%s breaker %s", c->block.until_ns ? "," : ":",
			report_breaker_state_name(c->breaker.state));
	style_end(out, st, tone);
	fputc('\n', out);
}

/* The table of the limits order[*at ..) of exchange `x`, a heading before
 * each scope's; moves *at past them. */
static void limits_table(FILE *out, const struct snapshot *s, const struct widths *w,
			 uint32_t x, uint32_t *at)
{
	uint32_t scope = RLC_NONE;

	if (*at == s->limits_count || s->limits[s->order[*at]].exchange != x) {
		fprintf(out, "no limits\n");
		return;
	}
	limits_header(out, w);
	for (; *at < s->limits_count && s->limits[s->order[*at]].exchange == x; (*at)++) {
		const struct snapshot_limit *l = &s->limits[s->order[*at]];

		if (l->scope != scope)
			scope_heading(out, s, w->st, l);
		scope = l->scope;
		limit_row(out, w, l);
	}
}

/* Nanoseconds as whole milliseconds, rounded to the nearest; up with `ceil`. */
static uint64_t ms_of(uint64_t ns, bool ceil)
{
	return ns / 1000000u + (ns % 1000000u >= (ceil ? 1u : 500000u));
}

/* "clock    offset +12ms ±3ms from 17 responses", or the offset with
 * "(configured, nothing learned yet)". */
static void clock_line(FILE *out, const struct snapshot_exchange *e)
{
	/* the magnitude as unsigned: INT64_MIN has no positive twin */
	uint64_t mag = e->clock_offset_ns < 0 ? -(uint64_t)e->clock_offset_ns
					      : (uint64_t)e->clock_offset_ns;

	fprintf(out, "clock    offset %c%" PRIu64 "ms ", e->clock_offset_ns < 0 ? '-' : '+',
		ms_of(mag, false));
	if (e->clock_error_ns == UINT64_MAX)
		fprintf(out, "(configured, nothing learned yet)\n");
	else
		fprintf(out, "\u00b1%" PRIu64 "ms from %" PRIu64 " response%s\n",
			ms_of(e->clock_error_ns, true), e->clock_samples,
			e->clock_samples == 1 ? "" : "s");
}

/* "WHEN (LEFT left)" of an instant ahead, or with `over` once it has passed. */
static void until_text(FILE *out, const struct snapshot *s, uint64_t until, const char *over)
{
	char when[WHEN_TEXT_MAX], left[RLC_DURATION_TEXT_MAX];

	fprintf(out, "%s (", when_utc(when, until, s->now_ns, s->wall_ns));
	if (until > s->now_ns)
		fprintf(out, "%s left)", rlc_duration_format(left, sizeof(left), until - s->now_ns, 2));
	else
		fprintf(out, "%s)", over);
}

/*
 * "blocked  SCOPE until WHEN (LEFT left): WHY, from CLIENT, set WHEN" and
 * "breaker  SCOPE STATE until WHEN (LEFT left), N failures".
 */
static void scope_line(FILE *out, const struct snapshot *s, const struct style *st, uint32_t i)
{
	const struct snapshot_scope *c = &s->scope_states[i];
	const struct rlc_block *b = &c->block;
	char name[NAME_TEXT_MAX], client[CLIENT_TEXT_MAX], when[WHEN_TEXT_MAX];

	output_escape(name, sizeof(name), s->scopes[i]);
	if (b->until_ns) {
		style_start(out, st, STYLE_BAD);
		fprintf(out, "blocked  %s until ", name);
		until_text(out, s, b->until_ns, "ended");
		if (!b->since_ns) /* details of another block: it is being raised */
			fprintf(out, ": cause not known yet");
		else if (b->status)
			fprintf(out, ": HTTP %d", b->status);
		else
			fprintf(out, ": by hand");
		if (b->has_code)
			fprintf(out, ", code %" PRId32, b->code);
		if (c->setter >= 0)
			fprintf(out, ", from %s (pid %ld)",
				output_escape(client, sizeof(client), s->clients[c->setter].info.name),
				(long)s->clients[c->setter].info.pid);
		else if (b->since_ns)
			fprintf(out, ", from a client no longer running");
		if (b->since_ns)
			fprintf(out, ", set %s", when_utc(when, b->since_ns, s->now_ns, s->wall_ns));
		style_end(out, st, STYLE_BAD);
		fputc('\n', out);
	}
	if (c->breaker.state == RLC_BREAKER_CLOSED)
		return;
	style_start(out, st, STYLE_BAD);
	fprintf(out, "breaker  %s %s until ", name,
		c->breaker.state == RLC_BREAKER_OPEN ? "open" : "half-open, a probe out");
	until_text(out, s, c->breaker.until_ns, "over: the next request probes");
	fprintf(out, ", %" PRIu32 " failure%s", c->breaker.failures,
		c->breaker.failures == 1 ? "" : "s");
	style_end(out, st, STYLE_BAD);
	fputc('\n', out);
}

/* The lines of the scopes exchange `x` (RLC_NONE: no exchange) shows. */
static void scope_lines(FILE *out, const struct snapshot *s, const struct style *st, uint32_t x)
{
	uint32_t i;

	for (i = 0; i < s->scopes_count; i++)
		if (s->scope_states[i].exchange == x && scope_shut(&s->scope_states[i]))
			scope_line(out, s, st, i);
}

/* Has a scope exchange `x` (RLC_NONE: no exchange) shows a line? */
static bool scope_lines_any(const struct snapshot *s, uint32_t x)
{
	uint32_t i;

	for (i = 0; i < s->scopes_count; i++)
		if (s->scope_states[i].exchange == x && scope_shut(&s->scope_states[i]))
			return true;
	return false;
}

/* "exchange NAME  mode MODE until WHEN (LEFT left)", then its modes,
 * accounts, clock, and its scopes that are blocked or whose breaker is not closed. */
static void exchange_heading(FILE *out, const struct snapshot *s, const struct style *st,
			     uint32_t x)
{
	const struct snapshot_exchange *e = &s->exchanges[x];
	const struct rlc_exchange_view *v = e->view;
	char name[NAME_TEXT_MAX], until[WHEN_TEXT_MAX], left[RLC_DURATION_TEXT_MAX];
	uint32_t m, a;

	style_start(out, st, STYLE_BOLD);
	fprintf(out, "exchange %s", output_escape(name, sizeof(name), v->name));
	style_end(out, st, STYLE_BOLD);
	fprintf(out, "  mode ");
	if (e->mode < 0)
		fprintf(out, "corrupt (index %" PRIu64 ", of %" PRIu32 " modes)\n", e->word & 0xffu,
			v->modes_count);
	else if (e->mode == (int)RLC_MODE_NORMAL)
		fprintf(out, "normal\n");
	else
		fprintf(out, "%s until %s (%s left)\n",
			output_escape(name, sizeof(name), v->modes[e->mode].name),
			when_utc(until, e->until_ns, s->now_ns, s->wall_ns),
			rlc_duration_format(left, sizeof(left),
					    e->until_ns > s->now_ns ? e->until_ns - s->now_ns : 0,
					    2));
	fprintf(out, "modes    normal");
	for (m = 1; m < v->modes_count; m++)
		fprintf(out, ", %s (%s)", output_escape(name, sizeof(name), v->modes[m].name),
			rlc_duration_format(left, sizeof(left), v->modes[m].duration_ns, 0));
	fprintf(out, "\naccounts ");
	if (v->accounts_count == 0)
		fprintf(out, "none");
	for (a = v->accounts_first; a < v->accounts_first + v->accounts_count; a++)
		fprintf(out, "%s%s", a > v->accounts_first ? ", " : "",
			output_escape(name, sizeof(name), s->cat->accounts[s->accounts[a]].name));
	fputc('\n', out);
	clock_line(out, e);
	scope_lines(out, s, st, x);
}

/* Every exchange with its limits, then the limits of no exchange. */
static void exchanges(FILE *out, const struct snapshot *s, const struct style *st)
{
	char name[NAME_TEXT_MAX];
	struct widths w = { (int)strlen("LIMIT"), (int)strlen("SCOPE"), 0, st };
	uint32_t i, x, at = 0;
	bool orphans;

	for (i = 0; i < s->limits_count; i++) {
		w.name = widest(w.name, output_escape(name, sizeof(name), s->limits[i].usage.name));
		w.scope = widest(w.scope, output_escape(name, sizeof(name), s->limits[i].usage.scope));
	}
	w.bar = bar_cells(&w);
	for (x = 0; x < s->exchanges_count; x++) {
		exchange_heading(out, s, st, x);
		fputc('\n', out);
		limits_table(out, s, &w, x, &at);
		fputc('\n', out);
	}
	orphans = scope_lines_any(s, RLC_NONE);
	/* Without exchanges, the one table needs no heading. */
	if (s->exchanges_count && at == s->limits_count && !orphans)
		return;
	if (s->exchanges_count)
		fprintf(out, "limits of no exchange\n");
	scope_lines(out, s, st, RLC_NONE);
	if (s->exchanges_count || orphans)
		fputc('\n', out);
	limits_table(out, s, &w, RLC_NONE, &at);
	fputc('\n', out);
}

void report_clients_table(FILE *out, const struct snapshot *s, bool detail)
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
	if (detail)
		fprintf(out, "%6s  ", "RECORD");
	fprintf(out, "%8s  %-*s  %5s  %10s  %10s  %12s  %10s  %8s  %8s  %8s  %8s  %9s  %9s",
		"PID", name_w, "CLIENT", "STATE", "GRANTS", "REFUSED", "WEIGHT", "REFUNDED", "OK",
		"4XX", "429/418", "5XX", "TRANSPORT", "MEAN");
	if (detail)
		fprintf(out, "  %8s  %9s", "WAITS", "WAITED");
	fputc('\n', out);
	for (i = 0; i < s->clients_count; i++) {
		const struct snapshot_client *c = &s->clients[i];
		const struct snapshot_outcomes *o = &c->outcomes;
		char mean[RLC_DURATION_TEXT_MAX] = "-";
		uint64_t ns;

		/* to the microsecond, two units: "12ms345us" */
		if (report_mean_elapsed(o, &ns))
			rlc_duration_format(mean, sizeof(mean), ns / 1000u * 1000u, 2);
		if (detail)
			fprintf(out, "%6" PRIu32 "  ", c->record);
		fprintf(out, "%8ld  %-*s  %5s  %10" PRIu64 "  %10" PRIu64 "  %12" PRIu64 "  %10" PRIu64
			     "  %8" PRIu64 "  %8" PRIu64 "  %8" PRIu64 "  %8" PRIu64 "  %9" PRIu64
			     "  %9s",
			(long)c->info.pid, name_w, output_escape(name, sizeof(name), c->info.name),
			c->info.alive ? "live" : "gone", c->info.grants, c->info.refusals, c->info.weight,
			c->info.refunded, o->ok, o->client_error, o->limited, o->server_error,
			o->transport, mean);
		/* how long its waiting calls slept, to the millisecond */
		if (detail)
			fprintf(out, "  %8" PRIu64 "  %9s", c->info.waits,
				rlc_duration_format(mean, sizeof(mean),
						    c->info.wait_ns / 1000000u * 1000000u, 2));
		fputc('\n', out);
	}
	fprintf(out, "%" PRIu32 " of %" PRIu32 " client records in use\n", s->clients_count,
		s->client_records);
}

void report_text_styled(FILE *out, const struct snapshot *s, const struct health *hl,
			const struct style *st)
{
	segment_line(out, s, hl, st);
	fputc('\n', out);
	exchanges(out, s, st);
	report_clients_table(out, s, false);
}

void report_text(FILE *out, const struct snapshot *s, const struct health *hl)
{
	report_text_styled(out, s, hl, &style_plain);
}
