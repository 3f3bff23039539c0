/* SPDX-License-Identifier: MIT */
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "output.h"
#include "report.h"
#include "rlc.h"
#include "rlctl.h"
#include "snapshot.h"

/* How messages give the name: with " (from $RLC_SEGMENT)" when it came from
 * there, since then the fix is in the environment, not on the command line. */
#define FROM_ENV " (from $" RLC_SEGMENT_ENV ")"
#define LABEL_MAX (200 + sizeof(FROM_ENV)) /* rlc_open takes 200-byte names */

/*
 * The segment to read: -s's argument, else $RLC_SEGMENT, else the default.
 * Unlike rlc_segment_name(), an empty $RLC_SEGMENT is an error rather than
 * the default, because a script that sets it empty meant some segment.
 * Fills `label`; returns 0, or the usage exit status after saying why.
 */
static int segment_choose(const char *option, const char **name, char *label)
{
	char why[256]; /* the rule, and at most 64 bytes of the name */
	const char *env = option ? NULL : getenv(RLC_SEGMENT_ENV);

	*name = option ? option : env ? env : RLC_SEGMENT_DEFAULT;
	if (env && !*env) {
		output_error("$%s is empty: unset it or set it to a segment name; "
			     "see 'rlctl --help'", RLC_SEGMENT_ENV);
		return RLCTL_EXIT_USAGE;
	}
	/* Checked here, with rlc_open's own rule, to say where a bad one came from. */
	if (rlc_segment_name_check(*name, why, sizeof(why)) != 0) {
		output_error("%s%s; see 'rlctl --help'", env ? "$" RLC_SEGMENT_ENV ": " : "", why);
		return RLCTL_EXIT_USAGE;
	}
	snprintf(label, LABEL_MAX, "%s%s", *name, env ? FROM_ENV : "");
	return 0;
}

/* Say why the segment cannot be opened; returns the exit status. */
static int open_failed(const struct rlc *h, const char *name, const char *label)
{
	size_t n = strlen(name);
	const char *why = h->why;

	/* rlc_open's reasons start with the name: put the label in its place. */
	if (strncmp(why, name, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
		why += n + 2;
	output_error("%s: %s", label, why);
	return RLCTL_EXIT_SEGMENT;
}

int status_run(const char *segment, bool json)
{
	char label[LABEL_MAX];
	const char *name;
	struct snapshot snap;
	struct health hl;
	struct rlc h;
	int status;

	if ((status = segment_choose(segment, &name, label)) != 0)
		return status;
	if (rlc_open(&h, name, NULL, RLC_OPEN_READONLY) != 0)
		return open_failed(&h, name, label);
	if ((status = snapshot_take(&h, name, label, &snap)) != 0) {
		output_error("%s: %s", label, strerror(-status));
		rlc_close(&h);
		return RLCTL_EXIT_SEGMENT;
	}
	/* After every read, since a truncation can land at any of them. */
	if (rlc_guard_tripped(h.guard)) {
		output_error("%s: segment truncated while rlctl read it", label);
		snapshot_free(&snap);
		rlc_close(&h);
		return RLCTL_EXIT_SEGMENT;
	}
	health_check(&snap, &hl);
	if (json)
		report_json(stdout, &snap, &hl);
	else
		report_text(stdout, &snap, &hl);
	/* Closed before the reason is written, so that the reason is the last
	 * thing on screen, and so that a report that was lost is an error. */
	status = output_close(hl.exit_code);
	if (hl.exit_code != RLCTL_EXIT_OK)
		output_error("%s", hl.reason);
	snapshot_free(&snap);
	rlc_close(&h);
	return status;
}
