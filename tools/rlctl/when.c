/* SPDX-License-Identifier: MIT */
#include "when.h"

#include <stdio.h>
#include <time.h>

#include "rlc/clock.h"

const char *when_utc(char text[WHEN_TEXT_MAX], uint64_t at, uint64_t mono_now, uint64_t wall_now)
{
	/* Before now: a word written between our clock reads and its load. */
	uint64_t ahead = at > mono_now ? at - mono_now : 0;
	time_t secs;
	struct tm tm;

	if (ahead > UINT64_MAX - wall_now ||
	    (secs = (time_t)((wall_now + ahead) / RLC_NS_PER_SEC)) < 0 || !gmtime_r(&secs, &tm) ||
	    strftime(text, WHEN_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(text, WHEN_TEXT_MAX, "never");
	return text;
}
