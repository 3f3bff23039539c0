/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: rlc_http_parse on a header cut from arbitrary bytes: the name
 * up to the first ':' or NUL, the value after a ':' up to the next NUL (no
 * ':' at all: a NULL value; no bytes: a NULL name).  Each string sits in a
 * buffer that ends at its NUL, so ASan catches any read past it.  Checked:
 * the result is a kind or -ENOENT or -EINVAL, and an error leaves the
 * field alone; the name alone decides -ENOENT, in either case of its
 * letters; each kind's fields are in range and the others 0; an instant
 * read from a date, written back by gmtime_r and strftime in each of the
 * three forms, reads back the same, and an IMF-fixdate writes back as it
 * was, weekday aside.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rlc/http.h"

#define SEC UINT64_C(1000000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* The n bytes at p as a string in a buffer of exactly n + 1 bytes. */
static char *exact(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	check(s != NULL);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static int parse(const char *name, const char *value, struct rlc_http_field *f)
{
	struct rlc_http_field before;
	int rc;

	memset(f, 0xa5, sizeof(*f));
	before = *f;
	rc = rlc_http_parse(name, value, f);
	check(rc == -ENOENT || rc == -EINVAL || (rc >= RLC_HTTP_MBX_WEIGHT && rc <= RLC_HTTP_DATE));
	check(rc > 0 || memcmp(f, &before, sizeof(*f)) == 0);
	check(rc < 0 || f->kind == (uint32_t)rc);
	return rc;
}

/* A date's instant, in every form; `p` (OWS skipped) as it was given. */
static void date_checks(uint64_t ns, const char *p)
{
	time_t t = (time_t)(ns / SEC);
	struct tm tm;
	char imf[64], asc[64], rfc850[64];
	uint64_t back = 0;
	size_t n;

	check(ns % SEC == 0 && gmtime_r(&t, &tm) != NULL);
	check(strftime(imf, sizeof(imf), "%a, %d %b %Y %H:%M:%S GMT", &tm) == 29);
	check(rlc_http_date(imf, &back) == 0 && back == ns);
	check(strftime(asc, sizeof(asc), "%a %b %e %H:%M:%S %Y", &tm) == 24);
	check(rlc_http_date(asc, &back) == 0 && back == ns);
	if (tm.tm_year < 170) { /* RFC 850's two digits reach 2069 (%y: -Wformat-y2k) */
		n = strftime(rfc850, sizeof(rfc850), "%A, %d-%b-", &tm);
		n += (size_t)snprintf(rfc850 + n, sizeof(rfc850) - n, "%02d", tm.tm_year % 100);
		check(strftime(rfc850 + n, sizeof(rfc850) - n, " %H:%M:%S GMT", &tm) == 13);
		check(rlc_http_date(rfc850, &back) == 0 && back == ns);
	}
	if (p[3] == ',') { /* IMF-fixdate: all but the weekday (and a second 60, read as 59) */
		check(memcmp(p + 5, imf + 5, 18) == 0 && memcmp(p + 25, imf + 25, 4) == 0);
		check(memcmp(p + 23, "60", 2) == 0 ? memcmp(imf + 23, "59", 2) == 0
						   : memcmp(p + 23, imf + 23, 2) == 0);
	}
}

/* Each kind's fields: in range, and 0 where the kind carries nothing. */
static void fields(int kind, const struct rlc_http_field *f, const char *value)
{
	const char *p = value;

	while (*p == ' ' || *p == '\t')
		p++;
	check(f->count <= UINT32_MAX);
	check(f->is_date == 0 || kind == RLC_HTTP_RETRY_AFTER);
	switch (kind) {
	case RLC_HTTP_MBX_WEIGHT:
	case RLC_HTTP_MBX_ORDERS:
		check(f->interval_ns >= SEC && f->interval_ns <= RLC_INTERVAL_MAX_NS);
		check(f->interval_ns % SEC == 0 && f->delay_ns == 0 && f->time_ns == 0);
		return;
	case RLC_HTTP_BAPI_RESET:
		check(f->time_ns > 0 && f->time_ns % 1000000 == 0 && f->count == 0);
		break;
	case RLC_HTTP_RETRY_AFTER:
	case RLC_HTTP_DATE:
		check(f->count == 0);
		if (f->is_date && f->time_ns == UINT64_MAX) {
			check(f->delay_ns == 0); /* a Retry-After date past 2554 */
		} else if (f->is_date || kind == RLC_HTTP_DATE) {
			check(f->delay_ns == 0);
			date_checks(f->time_ns, p);
		} else {
			check(f->time_ns == 0 && f->delay_ns % SEC == 0);
			check(f->delay_ns / SEC <= UINT32_MAX);
		}
		break;
	default:
		check(f->delay_ns == 0 && f->time_ns == 0);
	}
	check(f->interval_ns == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlc_http_field f, g;
	char *name = NULL, *value = NULL, *flipped;
	size_t k = 0, n = 0, i;
	int rc;

	while (k < size && data[k] != ':' && data[k] != '\0')
		k++;
	if (size)
		name = exact(data, k);
	if (k < size && data[k] == ':') {
		while (k + 1 + n < size && data[k + 1 + n] != '\0')
			n++;
		value = exact(data + k + 1, n);
	}
	rc = parse(name, value, &f);
	if (rc > 0)
		fields(rc, &f, value);
	/* the name alone decides -ENOENT, whatever the value */
	check((parse(name, NULL, &g) == -ENOENT) == (rc == -ENOENT));
	check((parse(name, "0", &g) == -ENOENT) == (rc == -ENOENT));
	if (name) { /* and in either case of its letters */
		flipped = exact(data, k);
		for (i = 0; i < k; i++)
			if ((flipped[i] | 0x20) >= 'a' && (flipped[i] | 0x20) <= 'z')
				flipped[i] ^= 0x20;
		check(parse(flipped, value, &g) == rc);
		check(rc < 0 || memcmp(&f, &g, sizeof(f)) == 0);
		free(flipped);
	}
	free(name);
	free(value);
	return 0;
}
