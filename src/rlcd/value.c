/* SPDX-License-Identifier: MIT */
#include "value.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PPM UINT64_C(1000000)

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Leading decimal digits of `s`: how many, their value in *out, and
 * whether that value overflowed 64 bits (*out is then meaningless). */
static size_t digits(const char *s, uint64_t *out, int *too_big)
{
	uint64_t v = 0;
	size_t n;

	*too_big = 0;
	for (n = 0; is_digit(s[n]); n++) {
		uint64_t d = (uint64_t)(s[n] - '0');

		*too_big |= v > (UINT64_MAX - d) / 10;
		v = v * 10 + d;
	}
	*out = v;
	return n;
}

int rlc_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *why,
		   size_t len)
{
	int too_big;
	uint64_t v;
	size_t n = digits(s, &v, &too_big);

	if (n == 0 || s[n] != '\0') {
		snprintf(why, len, "\"%s\" is not a whole number", s);
		return -EINVAL;
	}
	if (too_big || v < min || v > max) {
		snprintf(why, len, "\"%s\" is outside %" PRIu64 "..%" PRIu64, s, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int above_100(const char *s, char *why, size_t len)
{
	snprintf(why, len, "\"%s\" is above 100%%", s);
	return -EINVAL;
}

int rlc_parse_ppm(const char *s, uint32_t *ppm, char *why, size_t len)
{
	uint64_t whole = 0, frac = 0, scale;
	size_t n, f = 0, end;
	int too_big, percent;

	n = digits(s, &whole, &too_big);
	end = n;
	if (n > 0 && s[n] == '.')
		for (end = n + 1; is_digit(s[end]); end++)
			f++;
	percent = n > 0 && s[end] == '%';
	if (n == 0 || (end > n && f == 0) || s[end + (size_t)percent] != '\0') {
		snprintf(why, len, "\"%s\" is not a fraction: write e.g. 5%% or 0.05", s);
		return -EINVAL;
	}
	/* ppm per unit of the written number (1% = 10^4, 1 = 10^6); each
	 * fraction digit is worth a tenth of the one before it.  A whole part
	 * above 2^32 is far above 100% and would overflow the product. */
	scale = percent ? PPM / 100 : PPM;
	if (too_big || whole > UINT32_MAX)
		return above_100(s, why, len);
	whole *= scale;
	for (end = n + 1; f > 0; end++, f--) {
		uint64_t d = (uint64_t)(s[end] - '0');

		if (scale == 1) {
			if (d == 0)
				continue;
			snprintf(why, len, "\"%s\" is finer than one part per million", s);
			return -EINVAL;
		}
		scale /= 10;
		frac += d * scale;
	}
	whole += frac;
	if (whole > UINT32_MAX)
		return above_100(s, why, len);
	*ppm = (uint32_t)whole;
	return 0;
}

int rlc_parse_mode(const char *s, mode_t *mode, char *why, size_t len)
{
	unsigned v = 0;
	size_t n;

	/* leading zeros are free; stop once the bits are past 07777 */
	for (n = 0; s[n] >= '0' && s[n] <= '7' && v <= 07777; n++)
		v = v * 8 + (unsigned)(s[n] - '0');
	if (n == 0 || s[n] != '\0' || v > 07777) {
		snprintf(why, len, "\"%s\" is not an octal mode such as 0660", s);
		return -EINVAL;
	}
	*mode = (mode_t)v;
	return 0;
}
