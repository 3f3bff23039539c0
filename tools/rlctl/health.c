/* SPDX-License-Identifier: MIT */
#include "health.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "duration.h"
#include "rlctl.h"

/* The largest pid Linux hands out (PID_MAX_LIMIT on 64-bit). */
#define PID_LIMIT UINT64_C(4194304)

/* The heartbeat age past which rlcd counts as stuck. */
static uint64_t stale_after(uint64_t period_ns)
{
	/* The period is segment content: saturate rather than wrap. */
	uint64_t ns = period_ns > UINT64_MAX / HEALTH_STALE_PERIODS
			      ? UINT64_MAX
			      : period_ns * HEALTH_STALE_PERIODS;

	return ns > HEALTH_STALE_MIN_NS ? ns : HEALTH_STALE_MIN_NS;
}

/* Record that rlcd is not healthy, and why. */
__attribute__((format(printf, 3, 4))) static void down(struct health *out,
							enum health_state state,
							const char *fmt, ...)
{
	va_list ap;

	out->state = state;
	out->exit_code = RLCTL_EXIT_DOWN;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

void health_check(const struct snapshot *s, struct health *out)
{
	char age[RLC_DURATION_TEXT_MAX], limit[RLC_DURATION_TEXT_MAX];

	memset(out, 0, sizeof(*out));
	out->state = HEALTH_RUNNING;
	out->exit_code = RLCTL_EXIT_OK;
	out->stale_after_ns = stale_after(s->heartbeat_period_ns);
	/* rlcd may beat between our clock read and its load: that is age 0. */
	if (s->heartbeat_ns < s->now_ns)
		out->heartbeat_age_ns = s->now_ns - s->heartbeat_ns;

	if (s->rlcd_pid == 0) {
		down(out, HEALTH_NOT_RUNNING, "%s: rlcd is not running (it exited cleanly)",
		     s->label);
		return;
	}
	/* A negative pid would make kill() probe a whole process group. */
	if (s->rlcd_pid > PID_LIMIT) {
		down(out, HEALTH_NOT_RUNNING,
		     "%s: rlcd is not running (recorded pid %" PRIu64 " is not a process id)",
		     s->label, s->rlcd_pid);
		return;
	}
	/* EPERM: it exists but belongs to another user, e.g. a system rlcd. */
	if (kill((pid_t)s->rlcd_pid, 0) != 0 && errno == ESRCH) {
		down(out, HEALTH_NOT_RUNNING,
		     "%s: rlcd is not running (pid %" PRIu64 " is gone; it did not exit cleanly)",
		     s->label, s->rlcd_pid);
		return;
	}
	if (out->heartbeat_age_ns > out->stale_after_ns)
		down(out, HEALTH_STALE,
		     "%s: rlcd heartbeat is stale: pid %" PRIu64 " last beat %s ago, more than %s",
		     s->label, s->rlcd_pid,
		     rlc_duration_format(age, sizeof(age),
				     out->heartbeat_age_ns / RLCTL_AGE_UNIT_NS * RLCTL_AGE_UNIT_NS, 2),
		     rlc_duration_format(limit, sizeof(limit), out->stale_after_ns, 2));
}

const char *health_state_name(enum health_state state)
{
	switch (state) {
	case HEALTH_RUNNING:
		return "running";
	case HEALTH_NOT_RUNNING:
		return "not-running";
	case HEALTH_STALE:
		return "stale";
	}
	return "unknown";
}
