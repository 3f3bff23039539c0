/* SPDX-License-Identifier: MIT */
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "health.h"
#include "output.h"
#include "report.h"
#include "rlc.h"
#include "rlctl.h"
#include "segment.h"
#include "snapshot.h"

int status_run(const char *segment, bool json)
{
	char label[SEGMENT_LABEL_MAX];
	const char *name;
	struct snapshot snap;
	struct health hl;
	struct rlc h;
	int status;

	if ((status = segment_choose(segment, &name, label)) != 0)
		return status;
	if ((status = segment_open(&h, name, label, RLC_OPEN_READONLY)) != 0)
		return status;
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
