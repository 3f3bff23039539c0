/* SPDX-License-Identifier: MIT */
#include "duration.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Largest first: formatting walks down from days. */
static const struct {
	const char *suffix;
	uint64_t ns;
} units[] = {
	{ "d", UINT64_C(86400000000000) },
	{ "h", UINT64_C(3600000000000) },
	{ "m", UINT64_C(60000000000) },
	{ "s", UINT64_C(1000000000) },
	{ "ms", UINT64_C(1000000) },
	{ "us", UINT64_C(1000) },
	{ "ns", UINT64_C(1) },
};

#define UNITS_HINT "units: ns us ms s m h d"
#define UNITS_COUNT (sizeof(units) / sizeof(units[0]))

int rlc_duration_parse(const char *s, uint64_t *ns, char *why, size_t len)
{
	uint64_t v = 0;
	int too_big = 0;
	size_t n, i;

	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++) {
		uint64_t d = (uint64_t)(s[n] - '0');

		too_big |= v > (UINT64_MAX - d) / 10;
		v = v * 10 + d;
	}
	if (n > 0 && s[n] == '\0') {
		snprintf(why, len, "\"%s\" has no unit: write e.g. %ss (" UNITS_HINT ")", s, s);
		return -EINVAL;
	}
	/* the shape first: "-1s" or "9...9x" is no duration, whatever its size */
	for (i = 0; n > 0 && i < UNITS_COUNT && strcmp(s + n, units[i].suffix) != 0; i++)
		;
	if (n == 0 || i == UNITS_COUNT) {
		snprintf(why, len,
			 "\"%s\" is not a duration: write a whole number and a unit, e.g. 100ms or "
			 "1m (" UNITS_HINT ")",
			 s);
		return -EINVAL;
	}
	if (too_big || v > UINT64_MAX / units[i].ns) {
		snprintf(why, len, "\"%s\" is too long", s);
		return -EINVAL;
	}
	*ns = v * units[i].ns;
	return 0;
}

const char *rlc_duration_format(char *buf, size_t len, uint64_t ns, unsigned parts)
{
	size_t used = 0, i;
	unsigned shown = 0;
	int w;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (ns == 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	/* Once the first unit is shown, every smaller one spends a part, even
	 * a zero one, so "1h0m5s" at two parts reads "1h", not "1h5s". */
	for (i = 0; i < UNITS_COUNT && ns; i++) {
		uint64_t n = ns / units[i].ns;

		if (shown && parts && shown == parts)
			break;
		ns %= units[i].ns;
		if (n == 0 && !shown)
			continue;
		shown++;
		if (n == 0)
			continue;
		w = snprintf(buf + used, len - used, "%" PRIu64 "%s", n, units[i].suffix);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return buf;
}
