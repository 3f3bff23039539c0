/* SPDX-License-Identifier: MIT */
/* What the text and JSON reports compute alike. */
#include "report.h"

double report_used_pct(const struct rlc_usage *u)
{
	/* effective > 0 on every segment the validator accepted */
	return u->effective ? 100.0 * (double)u->used / (double)u->effective : 0.0;
}

const char *report_algorithm_name(uint32_t algorithm)
{
	switch (algorithm) {
	case RLC_ALGO_WINDOW:
		return "window";
	case RLC_ALGO_BUCKET:
		return "bucket";
	}
	return "unknown";
}
