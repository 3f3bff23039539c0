/* SPDX-License-Identifier: MIT */
#include "health.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "rlctl.h"

/* Ages are shown to the millisecond. */
#define AGE_UNIT_NS UINT64_C(1000000)

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

/* How long before `now` the event at `then` was; 0 if it seems later: a
 * word may be written between our clock read and its load. */
static uint64_t age_ns(uint64_t now, uint64_t then)
{
	return then < now ? now - then : 0;
}

const char *health_age_text(char text[RLC_DURATION_TEXT_MAX], uint64_t age)
{
	return rlc_duration_format(text, RLC_DURATION_TEXT_MAX,
				   age / AGE_UNIT_NS * AGE_UNIT_NS, 2);
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

/* rlcd's state; returns at the first thing wrong, the gravest first. */
static void rlcd_check(const struct snapshot *s, struct health *out)
{
	char age[RLC_DURATION_TEXT_MAX], limit[RLC_DURATION_TEXT_MAX];

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
	/* Bots that open the name now draw from another budget than the bots
	 * on rlcd's file: together they can pass the exchange's limits.  Inode
	 * 0 is no file: rlcd recorded none. */
	if (s->shm_ino != 0 && (s->shm_dev != s->dev || s->shm_ino != s->ino)) {
		down(out, HEALTH_DETACHED,
		     "%s: the name no longer points to the segment rlcd serves: rlcd pid %" PRIu64
		     " serves inode %" PRIu64 " (device %" PRIu64 "), the name points to inode %" PRIu64
		     " (device %" PRIu64 ")",
		     s->label, s->rlcd_pid, s->shm_ino, s->shm_dev, s->ino, s->dev);
		return;
	}
	if (s->detached_ns != 0) {
		down(out, HEALTH_DETACHED,
		     "%s: the name no longer points to the segment rlcd serves: rlcd pid %" PRIu64
		     " saw it point elsewhere %s ago",
		     s->label, s->rlcd_pid, health_age_text(age, age_ns(s->now_ns, s->detached_ns)));
		return;
	}
	if (out->heartbeat_age_ns > out->stale_after_ns)
		down(out, HEALTH_STALE,
		     "%s: rlcd heartbeat is stale: pid %" PRIu64 " last beat %s ago, more than %s",
		     s->label, s->rlcd_pid, health_age_text(age, out->heartbeat_age_ns),
		     rlc_duration_format(limit, sizeof(limit), out->stale_after_ns, 2));
}

/* Name the first exchange whose mode word names no mode: every limit of
 * it is corrupt too, and the word is what to fix. */
static void mode_corrupt(const struct snapshot *s, struct health *out)
{
	uint32_t x = 0;

	while (s->exchanges[x].mode >= 0)
		x++;
	snprintf(out->reason, sizeof(out->reason),
		 "%s: exchange %s: corrupt mode word: mode index %" PRIu64
		 ", but the exchange has %" PRIu32 " modes",
		 s->label, s->exchanges[x].view->name, s->exchanges[x].word & 0xffu,
		 s->exchanges[x].view->modes_count);
}

/* Name the first limit whose state is corrupt: its counts mean nothing. */
static void corrupt(const struct snapshot *s, struct health *out)
{
	uint32_t i = 0;
	int n;

	out->exit_code = RLCTL_EXIT_SEGMENT;
	if (s->mode_corrupt_count) {
		mode_corrupt(s, out);
		return;
	}
	while (!s->limits[i].corrupt)
		i++;
	n = snprintf(out->reason, sizeof(out->reason),
		     "%s: limit %s: corrupt state: a value no sequence of grants and refunds "
		     "leaves",
		     s->label, s->limits[i].usage.name);
	if (s->corrupt_count > 1 && n >= 0 && (size_t)n < sizeof(out->reason))
		snprintf(out->reason + n, sizeof(out->reason) - (size_t)n,
			 " (and %" PRIu32 " more limits)", s->corrupt_count - 1);
}

void health_check(const struct snapshot *s, struct health *out)
{
	memset(out, 0, sizeof(*out));
	out->state = HEALTH_RUNNING;
	out->exit_code = RLCTL_EXIT_OK;
	out->stale_after_ns = stale_after(s->heartbeat_period_ns);
	out->heartbeat_age_ns = age_ns(s->now_ns, s->heartbeat_ns);
	rlcd_check(s, out);
	if (s->corrupt_count || s->mode_corrupt_count)
		corrupt(s, out);
}

const char *health_state_name(enum health_state state)
{
	switch (state) {
	case HEALTH_RUNNING:
		return "running";
	case HEALTH_NOT_RUNNING:
		return "not-running";
	case HEALTH_DETACHED:
		return "detached";
	case HEALTH_STALE:
		return "stale";
	}
	return "unknown";
}
