/* SPDX-License-Identifier: MIT */
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "report.h"
#include "rlctl.h"

int status_open(const char *segment, struct status_source *src)
{
	int status;

	if ((status = segment_choose(segment, &src->name, src->label)) != 0)
		return status;
	return segment_open(&src->h, src->name, src->label, RLC_OPEN_READONLY);
}

int status_take(struct status_source *src, struct snapshot *snap, struct health *hl)
{
	int err;

	/* A handle kept open (watch) takes rlcd's reloaded configuration:
	 * new capacities, weights and modes. */
	rlc_refresh(&src->h);
	if ((err = snapshot_take(&src->h, src->name, src->label, snap)) != 0) {
		output_error("%s: %s", src->label, strerror(-err));
		return RLCTL_EXIT_SEGMENT;
	}
	/* After every read, since a truncation can land at any of them. */
	if (rlc_guard_tripped(src->h.guard)) {
		output_error("%s: segment truncated while rlctl read it", src->label);
		snapshot_free(snap);
		return RLCTL_EXIT_SEGMENT;
	}
	health_check(snap, hl);
	return 0;
}

void status_close(struct status_source *src)
{
	rlc_close(&src->h);
}

int status_print(const char *segment, status_report *report, const struct style *st,
		 bool judged)
{
	struct status_source src;
	struct snapshot snap;
	struct health hl;
	int status;

	if ((status = status_open(segment, &src)) != 0)
		return status;
	if ((status = status_take(&src, &snap, &hl)) != 0) {
		status_close(&src);
		return status;
	}
	report(stdout, &snap, &hl, st);
	/* Closed before the reason is written, so that the reason is the last
	 * thing on screen, and so that a report that was lost is an error. */
	status = output_close(judged ? hl.exit_code : RLCTL_EXIT_OK);
	if (judged && hl.exit_code != RLCTL_EXIT_OK)
		output_error("%s", hl.reason);
	snapshot_free(&snap);
	status_close(&src);
	return status;
}

static void status_json(FILE *out, const struct snapshot *s, const struct health *hl,
			const struct style *st)
{
	(void)st;
	report_json(out, s, hl);
}

int status_run(const char *segment, bool json, const struct style *st)
{
	return status_print(segment, json ? status_json : report_text_styled, st, true);
}
