/* SPDX-License-Identifier: MIT */
/* What the text and JSON reports compute alike. */
#include "report.h"

double report_used_pct(const struct rlc_usage *u)
{
	/* effective > 0 on every segment the validator accepted */
	return u->effective ? 100.0 * (double)u->used / (double)u->effective : 0.0;
}

uint64_t report_left(const struct rlc_usage *u, unsigned p)
{
	/* used may pass a ceiling: the reserve was taken by higher priorities */
	return u->ceiling[p] > u->used ? u->ceiling[p] - u->used : 0;
}

const char *report_algorithm_name(uint32_t algorithm)
{
	switch (algorithm) {
	case RLC_ALGO_WINDOW:
		return "window";
	case RLC_ALGO_BUCKET:
		return "bucket";
	case RLC_ALGO_FIXED:
		return "fixed";
	}
	return "unknown";
}

const char *report_priority_name(unsigned p)
{
	static const char *const names[RLC_PRIOS] = { "critical", "high", "normal", "low" };

	return names[p];
}

const char *report_breaker_state_name(uint32_t state)
{
	return state == RLC_BREAKER_CLOSED ? "closed"
	       : state == RLC_BREAKER_HALF_OPEN ? "half-open"
						: "open";
}

bool report_mean_elapsed(const struct snapshot_outcomes *o, uint64_t *ns)
{
	/* timed may have wrapped to 0 on a corrupt record: never a division by it */
	if (o->timed == 0)
		return false;
	*ns = o->elapsed_ns / o->timed;
	return true;
}

const char *report_scope_kind_name(enum rlc_scope_kind kind)
{
	switch (kind) {
	case RLC_SCOPE_IP:
		return "ip";
	case RLC_SCOPE_ACCOUNT:
		return "account";
	case RLC_SCOPE_OTHER:
		break;
	}
	return "other";
}
