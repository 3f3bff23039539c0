/* SPDX-License-Identifier: MIT */
/* The status report, as a table for people and as JSON for programs. */
#ifndef RLCTL_REPORT_H
#define RLCTL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "health.h"
#include "snapshot.h"
#include "style.h"

/*
 * Print the segment line, each exchange with its limits grouped by scope,
 * and the clients table, in style `st`: colours, and usage bars as wide as
 * its columns allow.
 */
void report_text_styled(FILE *out, const struct snapshot *s, const struct health *hl,
			const struct style *st);

/* The same in style_plain: as it goes to a file. */
void report_text(FILE *out, const struct snapshot *s, const struct health *hl);

/*
 * The clients table: one row per client record in use, and how many are;
 * with `detail` (rlctl clients), each row's record index first.  Or the
 * line that says there are none.
 */
void report_clients_table(FILE *out, const struct snapshot *s, bool detail);

/* A client as one JSON object, as "clients" of report_json() lists it. */
void report_json_client(FILE *out, const struct snapshot_client *c);

/* The "schema" member report_json() starts with. */
#define REPORT_SCHEMA "rlc.status/1"
/* and the one of rlctl clients --json */
#define REPORT_CLIENTS_SCHEMA "rlc.clients/1"

/* Print the same as one JSON object followed by a newline. */
void report_json(FILE *out, const struct snapshot *s, const struct health *hl);

/* Percent of effective capacity in use; may pass 100 after observed usage. */
double report_used_pct(const struct rlc_usage *u);

/* What priority p may still take: its ceiling less what is used, or 0. */
uint64_t report_left(const struct rlc_usage *u, unsigned p);

/* "window", "bucket", "fixed", or "unknown" for a value this build does not know. */
const char *report_algorithm_name(uint32_t algorithm);

/* "critical", "high", "normal" or "low": priority p < RLC_PRIOS. */
const char *report_priority_name(unsigned p);

/* "closed", "open" or "half-open": an enum rlc_breaker_state of rlc_breaker_get(). */
const char *report_breaker_state_name(uint32_t state);

/* The mean response time of *o into *ns; false when no time was measured. */
bool report_mean_elapsed(const struct snapshot_outcomes *o, uint64_t *ns);

/* "ip", "account" or "other". */
const char *report_scope_kind_name(enum rlc_scope_kind kind);

#endif
