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

/* Leading decimal digits of `s` into *out; returns how many, 0 if none or
 * if the number exceeds `max` (then *too_big is set). */
static size_t digits(const char *s, uint64_t max, uint64_t *out, int *too_big)
{
	uint64_t v = 0;
	size_t n;

	*too_big = 0;
	for (n = 0; is_digit(s[n]); n++) {
		uint64_t d = (uint64_t)(s[n] - '0');

		if (v > (max - d) / 10) {
			*too_big = 1;
			return 0;
		}
		v = v * 10 + d;
	}
	*out = v;
	return n;
}

int rlc_parse_uint(const char *s, uint64_t max, uint64_t *out, char *why, size_t len)
{
	int too_big;
	size_t n = digits(s, max, out, &too_big);

	if (too_big) {
		snprintf(why, len, "\"%s\" is above %" PRIu64, s, max);
		return -EINVAL;
	}
	if (n == 0 || s[n] != '\0') {
		snprintf(why, len, "\"%s\" is not a whole number", s);
		return -EINVAL;
	}
	return 0;
}

int rlc_parse_ppm(const char *s, uint32_t *ppm, char *why, size_t len)
{
	uint64_t whole = 0, frac = 0, scale;
	size_t n, f = 0, end;
	int too_big, percent;

	n = digits(s, UINT32_MAX, &whole, &too_big);
	end = n;
	if (n > 0 && s[n] == '.')
		for (end = n + 1; is_digit(s[end]); end++)
			f++;
	percent = n > 0 && s[end] == '%';
	if (too_big || n == 0 || (end > n && f == 0) || s[end + (size_t)percent] != '\0') {
		snprintf(why, len, too_big ? "\"%s\" is too large"
					   : "\"%s\" is not a fraction: write e.g. 5%% or 0.05",
			 s);
		return -EINVAL;
	}
	/* ppm per unit of the written number (1% = 10^4, 1 = 10^6); each
	 * fraction digit is worth a tenth of the one before it */
	scale = percent ? PPM / 100 : PPM;
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
	if (whole > UINT32_MAX) {
		snprintf(why, len, "\"%s\" is too large", s);
		return -EINVAL;
	}
	*ppm = (uint32_t)whole;
	return 0;
}

int rlc_parse_mode(const char *s, mode_t *mode, char *why, size_t len)
{
	unsigned v = 0;
	size_t n;

	for (n = 0; s[n] >= '0' && s[n] <= '7' && n < 5; n++)
		v = v * 8 + (unsigned)(s[n] - '0');
	if (n == 0 || s[n] != '\0' || v > 0777) {
		snprintf(why, len, "\"%s\" is not an octal mode such as 0660 (at most 0777)", s);
		return -EINVAL;
	}
	*mode = (mode_t)v;
	return 0;
}
