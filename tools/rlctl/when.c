/* SPDX-License-Identifier: MIT */
#include "when.h"

#include <stdio.h>
#include <time.h>

#include "rlc/clock.h"

const char *when_utc(char text[WHEN_TEXT_MAX], uint64_t at, uint64_t mono_now, uint64_t wall_now)
{
	/* Segment words are anyone's: an instant off either end of the wall
	 * clock is "never", not a wrapped date. */
	int off = at >= mono_now ? at - mono_now > UINT64_MAX - wall_now
				 : mono_now - at > wall_now;
	uint64_t wall = at >= mono_now ? wall_now + (at - mono_now) : wall_now - (mono_now - at);
	time_t secs;
	struct tm tm;

	if (off || (secs = (time_t)(wall / RLC_NS_PER_SEC)) < 0 || !gmtime_r(&secs, &tm) ||
	    strftime(text, WHEN_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(text, WHEN_TEXT_MAX, "never");
	return text;
}
