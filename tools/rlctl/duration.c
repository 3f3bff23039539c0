/* SPDX-License-Identifier: MIT */
#include "duration.h"

#include <inttypes.h>
#include <stdio.h>

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

const char *duration_format(char *buf, size_t len, uint64_t ns, unsigned parts)
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
	for (i = 0; i < sizeof(units) / sizeof(units[0]) && ns; i++) {
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
