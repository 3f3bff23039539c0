/* SPDX-License-Identifier: MIT */
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "health.h"
#include "report.h"
#include "rlc.h"
#include "rlctl.h"
#include "snapshot.h"

/* Say why the segment cannot be opened; returns the exit status. */
static int open_failed(const struct rlc *h, int err)
{
	switch (err) {
	case -EINVAL:
		fprintf(stderr, "rlctl: %s; see 'rlctl --help'\n", h->why);
		return RLCTL_EXIT_USAGE;
	default:
		fprintf(stderr, "rlctl: %s\n", h->why);
		return RLCTL_EXIT_SEGMENT;
	}
}

int status_run(const char *segment, bool json)
{
	const char *name = rlc_segment_name(segment);
	struct snapshot snap;
	struct health hl;
	struct rlc h;
	int err;

	err = rlc_open(&h, name, NULL, RLC_OPEN_READONLY);
	if (err)
		return open_failed(&h, err);
	if (snapshot_take(&h, name, &snap) != 0) {
		fprintf(stderr, "rlctl: %s: %s\n", name, strerror(ENOMEM));
		rlc_close(&h);
		return RLCTL_EXIT_SEGMENT;
	}
	health_check(&snap, &hl);
	if (json)
		report_json(stdout, &snap, &hl);
	else
		report_text(stdout, &snap, &hl);
	/* The report first, so that the reason is the last thing on screen. */
	fflush(stdout);
	if (hl.exit_code != RLCTL_EXIT_OK)
		fprintf(stderr, "rlctl: %s\n", hl.reason);
	snapshot_free(&snap);
	rlc_close(&h);
	return hl.exit_code;
}
