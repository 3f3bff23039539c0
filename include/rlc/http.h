/* SPDX-License-Identifier: MIT */
/*
 * rlc/http.h - the HTTP response headers rlc learns from, parsed.
 *
 * Pure: no segment, no allocation, no locale, no clock.  rlc_feedback hands
 * every header of a response to rlc_http_parse, most of them headers rlc
 * does not read (Content-Type, Server, ...), so a name is turned away on
 * the first byte that no name rlc reads has there: the first for most,
 * the third for the other X- headers.  Only then is its length taken, and
 * a candidate compared with its name 8 bytes at a time.  Every read is
 * inside the string: before the NUL is found byte by byte, compares stop
 * at the first byte that differs (a literal holds no NUL); after, nothing
 * reaches past it.
 *
 * Names, ASCII case-insensitive (RFC 9110 sec 5.1), and what each carries:
 *
 *   X-MBX-USED-WEIGHT-<n><u>   MBX_WEIGHT   count used, interval_ns (Binance, Aster)
 *   X-MBX-USED-WEIGHT          MBX_WEIGHT   count used, interval_ns = 1 min (legacy,
 *                                           Binance: the 1-minute value)
 *   X-MBX-ORDER-COUNT-<n><u>   MBX_ORDERS   count used, interval_ns
 *   X-Bapi-Limit               BAPI_LIMIT   count: the endpoint's limit (Bybit)
 *   X-Bapi-Limit-Status        BAPI_STATUS  count: requests remaining
 *   X-Bapi-Limit-Reset-Timestamp BAPI_RESET time_ns: ms since the epoch x 1e6
 *   x-mbx-used-remain-limit    REMAIN       count: remaining this second (Bitget;
 *                                           not a weight header, whatever its prefix)
 *   Retry-After                RETRY_AFTER  delay_ns (seconds form), or time_ns
 *                                           with is_date = 1 (HTTP-date form)
 *   Date                       DATE         time_ns
 *
 * Unknown versus malformed.  The MBX families are the names that begin
 * "x-mbx-used-weight-" and "x-mbx-order-count-", hyphen included: whatever
 * follows it is an interval, and one that is not <n><u> exactly is -EINVAL
 * ("-1mx", "-0m", "-01m", "-m", "-1w", "-8d", "-").  A name that only
 * shares a prefix with a name above but is not it, and does not begin with
 * a family's prefix, is another header: -ENOENT ("x-mbx-used-weightz",
 * "x-mbx-order-count" without an interval, "x-bapi-limitx",
 * "x-bapi-limit-statusx", "dates").
 *
 * Interval <n><u>: n is 1 to 9 decimal digits without a leading zero (so
 * n > 0), u one of S, M, H, D (seconds, minutes, hours, days; either case),
 * then the end of the name.  n x u above RLC_INTERVAL_MAX_NS (7 days) is
 * -EINVAL, and is tested before the product is formed, so it cannot wrap.
 *
 * Values: optional spaces and tabs (OWS) on either side, then
 *   counts              decimal digits, 0 .. 4294967295 (leading zeros allowed,
 *                       as 1*DIGIT allows them; no sign, no hex, not empty);
 *   reset timestamp     decimal ms, 1 .. 18446744073709 (its ns fit 64 bits);
 *   Retry-After         decimal seconds, more than 4294967295 read as that
 *                       (the wait is longer than any ban), or an HTTP-date,
 *                       one past 2554 read as time_ns UINT64_MAX;
 *   Date                an HTTP-date.
 * Anything else, or a NULL value for a name rlc reads, is -EINVAL.
 *
 * HTTP-date (RFC 9110 sec 5.6.7), all three forms a recipient must accept,
 * day and month names and "GMT" case-sensitive as the grammar has them:
 *   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
 *   RFC 850      Sunday, 06-Nov-94 08:49:37 GMT
 *   asctime      Sun Nov  6 08:49:37 1994   (the day "06" too: 2DIGIT / SP DIGIT)
 * The RFC 850 two-digit year needs a clock to place within 50 years of
 * now; this parser has none, so 70-99 are 1970-1999 and 00-69 2000-2069.
 * The weekday must be a day's name but is not checked against the date:
 * the date fixes the instant, the weekday adds nothing to it.  Ranges:
 * day 1 .. the days of its month (Feb 29 in leap years only), hour 0..23,
 * minute 0..59, second 0..60, year 1970 or later; second 60 (a leap
 * second, taken in any minute) is read as 59, so an instant is never
 * later than the minute it names.  The instant must fit time_ns: 2^64 ns
 * is 2554-07-21 23:34:33.709551616 UTC, so the last date accepted is
 * 2554-07-21 23:34:33 and a four-digit year past it (9999-12-31) is
 * -EINVAL.
 */
#ifndef RLC_HTTP_H
#define RLC_HTTP_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "segment.h" /* RLC_INTERVAL_MAX_NS */

enum rlc_http_kind {
	RLC_HTTP_MBX_WEIGHT = 1,  /* X-MBX-USED-WEIGHT-<n><unit>: count, interval_ns */
	RLC_HTTP_MBX_ORDERS = 2,  /* X-MBX-ORDER-COUNT-<n><unit>: count, interval_ns */
	RLC_HTTP_BAPI_LIMIT = 3,  /* X-Bapi-Limit: count (the endpoint's limit) */
	RLC_HTTP_BAPI_STATUS = 4, /* X-Bapi-Limit-Status: count (remaining) */
	RLC_HTTP_BAPI_RESET = 5,  /* X-Bapi-Limit-Reset-Timestamp: time_ns */
	RLC_HTTP_REMAIN = 6,      /* x-mbx-used-remain-limit (Bitget): count (remaining) */
	RLC_HTTP_RETRY_AFTER = 7, /* Retry-After: delay_ns, or time_ns with is_date = 1 */
	RLC_HTTP_DATE = 8,        /* Date: time_ns */
};

/* One parsed header; the fields its kind does not carry are 0. */
struct rlc_http_field {
	uint32_t kind;        /* enum rlc_http_kind */
	int is_date;          /* Retry-After given as an HTTP-date */
	uint64_t count;       /* counts */
	uint64_t interval_ns; /* MBX kinds */
	uint64_t delay_ns;    /* Retry-After seconds form */
	uint64_t time_ns;     /* ns since the Unix epoch (UTC) */
};

/* (clock.h's RLC_NS_PER_SEC, not included: it reads clocks, this does not) */
#define RLC__HTTP_SEC UINT64_C(1000000000)

/*
 * Is s exactly the lower-case `lit`, letters in either case?  Byte by
 * byte, so it stops at s's NUL: for the short names, tried before their
 * length is known.  `c | 0x20` folds a letter only, so it is applied where
 * lit has a letter and nowhere else.
 */
static inline int rlc__http_is(const char *s, const char *lit)
{
	for (; *lit; s++, lit++) {
		unsigned char c = (unsigned char)*s, e = (unsigned char)*lit;

		if (e >= 'a' && e <= 'z' ? (c | 0x20) != e : c != e)
			return 0;
	}
	return *s == '\0';
}

/* 0x20 in each byte of w (all below 0x80) that is 'a'..'z', 0 elsewhere.
 * No byte's sum carries into the next. */
RLC__HOT uint64_t rlc__http_letters(uint64_t w)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t from_a = w + (0x80 - 'a') * ones, past_z = w + (0x80 - 'z' - 1) * ones;

	return (from_a & ~past_z & 0x80 * ones) >> 2;
}

/* 0x80 in each byte of w that is 0, 0 elsewhere: exact, no borrow crosses bytes. */
RLC__HOT uint64_t rlc__http_zeros(uint64_t w)
{
	const uint64_t low7 = UINT64_C(0x7f7f7f7f7f7f7f7f);

	return ~(((w & low7) + low7) | w | low7);
}

/*
 * Do the 8 bytes at s fit the 8 of tpl?  In tpl '#' is a digit, '?' a
 * digit or a space, '_' any byte (a name, looked up apart), and any other
 * byte itself; with fold, a lower-case letter is that letter in either
 * case.  tpl is a literal, so its words and masks fold to constants and
 * the tests a template does not use drop out.  The digit test adds within
 * the bytes of w & 0x7f.. (no carry crosses a byte) and wants the high bit
 * clear.
 */
RLC__HOT int rlc__http_fits8(const char *s, const char *tpl, int fold)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = 0x80 * ones;
	uint64_t w, t, w7, want_digit, either, lit, is_digit;

	memcpy(&w, s, 8);
	memcpy(&t, tpl, 8);
	want_digit = rlc__http_zeros(t ^ ('#' * ones));
	either = rlc__http_zeros(t ^ ('?' * ones));
	lit = high & ~(want_digit | either | rlc__http_zeros(t ^ ('_' * ones)));
	if (fold)
		w |= rlc__http_letters(t);
	w7 = w & 0x7f * ones;
	is_digit = (w7 + (0x80 - '0') * ones) & ~(w7 + (0x80 - '9' - 1) * ones) & ~w & high;
	return ((want_digit & ~is_digit) | (lit & ~rlc__http_zeros(w ^ t)) |
		(either & ~(is_digit | rlc__http_zeros(w ^ (' ' * ones))))) == 0;
}

/*
 * Do the n bytes at s fit tpl (as rlc__http_fits8), 8 <= n <= 32?  Four
 * words, at 0, 8, 16 and n - 8 (those past n - 8 moved back to it), all
 * inside s[0, n); straight-line, so that for a constant n every template
 * word folds.
 */
RLC__HOT int rlc__http_fits(const char *s, const char *tpl, size_t n, int fold)
{
	size_t b = n < 16 ? n - 8 : 8, c = n < 24 ? n - 8 : 16;

	return rlc__http_fits8(s, tpl, fold) && rlc__http_fits8(s + b, tpl + b, fold) &&
	       rlc__http_fits8(s + c, tpl + c, fold) && rlc__http_fits8(s + n - 8, tpl + n - 8, fold);
}

static inline const char *rlc__http_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * A decimal field value: OWS, 1*DIGIT, OWS, end; 0 .. max, or when
 * `saturate`, any number of digits with a value above max read as max.
 * max is far below UINT64_MAX / 10 (at most 2^45 here), so n * 10 + 9
 * never wraps before the compare catches it.
 */
static inline int rlc__http_number(const char *s, uint64_t max, int saturate, uint64_t *v)
{
	uint64_t n = 0;

	s = rlc__http_ows(s);
	if (*s < '0' || *s > '9')
		return -EINVAL;
	do {
		n = n * 10 + (uint64_t)(*s++ - '0');
		if (n > max && !saturate)
			return -EINVAL;
		n = n > max ? max : n;
	} while (*s >= '0' && *s <= '9');
	if (*rlc__http_ows(s) != '\0')
		return -EINVAL;
	*v = n;
	return 0;
}

/* The <n><u> after an MBX family's prefix, in ns. */
static inline int rlc__http_interval(const char *s, uint64_t *ns)
{
	uint64_t n = 0, unit;
	unsigned digits = 0;

	if (*s < '1' || *s > '9') /* no leading zero, and n > 0 */
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 9)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	switch ((unsigned char)*s | 0x20) {
	case 's':
		unit = RLC__HTTP_SEC;
		break;
	case 'm':
		unit = 60 * RLC__HTTP_SEC;
		break;
	case 'h':
		unit = 3600 * RLC__HTTP_SEC;
		break;
	case 'd':
		unit = 86400 * RLC__HTTP_SEC;
		break;
	default:
		return -EINVAL;
	}
	if (s[1] != '\0' || n > RLC_INTERVAL_MAX_NS / unit)
		return -EINVAL;
	*ns = n * unit;
	return 0;
}

/*
 * The kind a name names, its interval in *interval_ns for the MBX kinds.
 * Decided on the bytes other headers do not share: the first ('d', 'r',
 * 'x'), then for X- headers the third ('b', 'm'); only then is the name's
 * length taken, and the long names compared a word at a time.
 */
static inline int rlc__http_kind(const char *n, uint64_t *interval_ns)
{
	unsigned char c;
	size_t len;
	int kind;

	switch ((unsigned char)n[0] | 0x20) {
	case 'd':
		return rlc__http_is(n + 1, "ate") ? RLC_HTTP_DATE : -ENOENT;
	case 'r':
		return strlen(n) == 11 && rlc__http_fits(n, "retry-after", 11, 1) ? RLC_HTTP_RETRY_AFTER
										  : -ENOENT;
	case 'x':
		break;
	default:
		return -ENOENT;
	}
	if (n[1] != '-') /* before n[2]: n[1] may be the NUL */
		return -ENOENT;
	c = (unsigned char)n[2] | 0x20;
	if (c != 'b' && c != 'm')
		return -ENOENT;
	len = strlen(n);
	if (c == 'b') {
		if (len == 12)
			return rlc__http_fits(n, "x-bapi-limit", 12, 1) ? RLC_HTTP_BAPI_LIMIT : -ENOENT;
		if (len == 19)
			return rlc__http_fits(n, "x-bapi-limit-status", 19, 1) ? RLC_HTTP_BAPI_STATUS
									    : -ENOENT;
		return len == 28 && rlc__http_fits(n, "x-bapi-limit-reset-timestamp", 28, 1)
			       ? RLC_HTTP_BAPI_RESET
			       : -ENOENT;
	}
	if (len >= 18 && rlc__http_fits(n, "x-mbx-used-weight-", 18, 1)) {
		kind = RLC_HTTP_MBX_WEIGHT;
	} else if (len >= 18 && rlc__http_fits(n, "x-mbx-order-count-", 18, 1)) {
		kind = RLC_HTTP_MBX_ORDERS;
	} else if (len == 17 && rlc__http_fits(n, "x-mbx-used-weight", 17, 1)) {
		*interval_ns = 60 * RLC__HTTP_SEC; /* legacy: Binance's 1-minute value */
		return RLC_HTTP_MBX_WEIGHT;
	} else {
		return len == 23 && rlc__http_fits(n, "x-mbx-used-remain-limit", 23, 1) ? RLC_HTTP_REMAIN
										   : -ENOENT;
	}
	return rlc__http_interval(n + 18, interval_ns) < 0 ? -EINVAL : kind;
}

/* The k digits at s, fitted first (k constant: the loop unrolls). */
RLC__HOT unsigned rlc__http_dec(const char *s, unsigned k)
{
	unsigned v = 0;

	for (; k; k--, s++)
		v = v * 10 + (unsigned)(*s - '0');
	return v;
}

/* The index of the three-letter name at s: the one its letters can be,
 * then compared; 12 (7) if none. */
static inline unsigned rlc__http_month(const char *s)
{
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	unsigned i;

	switch (s[0]) {
	case 'J':
		i = s[1] == 'a' ? 0 : s[2] == 'n' ? 5 : 6;
		break;
	case 'F':
		i = 1;
		break;
	case 'M':
		i = s[2] == 'r' ? 2 : 4;
		break;
	case 'A':
		i = s[1] == 'p' ? 3 : 7;
		break;
	case 'S':
		i = 8;
		break;
	case 'O':
		i = 9;
		break;
	case 'N':
		i = 10;
		break;
	case 'D':
		i = 11;
		break;
	default:
		return 12;
	}
	return memcmp(s, months[i], 3) == 0 ? i : 12;
}

static inline unsigned rlc__http_wday(const char *s)
{
	static const char wdays[7][4] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	unsigned i;

	switch (s[0]) {
	case 'M':
		i = 0;
		break;
	case 'T':
		i = s[1] == 'u' ? 1 : 3;
		break;
	case 'W':
		i = 2;
		break;
	case 'F':
		i = 4;
		break;
	case 'S':
		i = s[1] == 'a' ? 5 : 6;
		break;
	default:
		return 7;
	}
	return memcmp(s, wdays[i], 3) == 0 ? i : 7;
}

/*
 * The HTTP-date of exactly the n bytes at s, in *ns.  The form is told by
 * n and the byte after the weekday's three letters: ',' and 29 bytes
 * IMF-fixdate, ' ' and 24 asctime, else the rest of an RFC 850 long name
 * and 24 bytes more.
 */
static inline int rlc__http_date_n(const char *s, size_t n, uint64_t *ns)
{
	static const char wday_rest[7][7] = {"day", "sday", "nesday", "rsday", "day", "urday", "day"};
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *m, *t; /* the month's name, the time of day */
	unsigned wd, mon, day, year, hh, mi, ss, leap;
	uint64_t y, era, yoe, doy, days, secs;

	if (n < 24 || (wd = rlc__http_wday(s)) == 7)
		return -EINVAL;
	if (n == 29 && s[3] == ',') {
		if (!rlc__http_fits(s, "___, ## ___ #### ##:##:## GMT", 29, 0))
			return -EINVAL;
		day = rlc__http_dec(s + 5, 2);
		m = s + 8;
		year = rlc__http_dec(s + 12, 4);
		t = s + 17;
	} else if (n == 24 && s[3] == ' ') {
		if (!rlc__http_fits(s, "___ ___ ?# ##:##:## ####", 24, 0))
			return -EINVAL;
		m = s + 4;
		day = rlc__http_dec(s + 9, 1) + (s[8] == ' ' ? 0 : 10 * rlc__http_dec(s + 8, 1));
		t = s + 11;
		year = rlc__http_dec(s + 20, 4);
	} else {
		/* RFC 850: "day" .. "nesday" (3 to 6 bytes) after the three */
		if (n < 30 || n > 33 || memcmp(s + 3, wday_rest[wd], n - 27) != 0 ||
		    wday_rest[wd][n - 27] != '\0')
			return -EINVAL;
		s += n - 24;
		if (!rlc__http_fits(s, ", ##-___-## ##:##:## GMT", 24, 0))
			return -EINVAL;
		day = rlc__http_dec(s + 2, 2);
		m = s + 5;
		year = rlc__http_dec(s + 9, 2);
		year += year < 70 ? 2000 : 1900; /* no clock to be within 50 years of */
		t = s + 12;
	}
	mon = rlc__http_month(m);
	hh = rlc__http_dec(t, 2);
	mi = rlc__http_dec(t + 3, 2);
	ss = rlc__http_dec(t + 6, 2);
	if (mon == 12 || year < 1970 || hh > 23 || mi > 59 || ss > 60)
		return -EINVAL;
	leap = mon == 1 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
	if (day < 1 || day > mdays[mon] + leap)
		return -EINVAL;
	if (ss == 60) /* a leap second: within its minute */
		ss = 59;
	/* Days from the civil date (H. Hinnant's days_from_civil): years begin
	 * in March, so a leap day ends its year; 719468 days from 0000-03-01
	 * to 1970-01-01.  year >= 1970, so all of it is unsigned. */
	y = year - (mon < 2);
	era = y / 400;
	yoe = y % 400;
	doy = (153 * ((mon + 10) % 12) + 2) / 5 + day - 1;
	days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	secs = days * 86400 + hh * 3600u + mi * 60u + ss;
	if (secs > UINT64_MAX / RLC__HTTP_SEC) /* past 2554-07-21 23:34:33 */
		return -ERANGE;
	*ns = secs * RLC__HTTP_SEC;
	return 0;
}

/*
 * The instant of the HTTP-date s, exactly (no spaces around it), in ns
 * since the Unix epoch.  Returns 0, or -EINVAL for anything else (NULL
 * too); *ns_since_epoch is written on success only.
 */
static inline int rlc_http_date(const char *s, uint64_t *ns_since_epoch)
{
	return s && rlc__http_date_n(s, strlen(s), ns_since_epoch) == 0 ? 0 : -EINVAL;
}

/*
 * Parse one response header.  Returns its kind (> 0) and fills *out, every
 * field (those its kind does not carry 0); -ENOENT for a header rlc does
 * not read (any other name, a NULL name); -EINVAL for a name of an MBX
 * family with a malformed interval, or a known name whose value is
 * malformed or NULL.  On an error *out is left alone.  name and value are
 * NUL-terminated; nothing past either NUL is read.
 */
static inline int rlc_http_parse(const char *name, const char *value, struct rlc_http_field *out)
{
	uint64_t interval = 0, count = 0, delay = 0, when = 0, v = 0;
	int kind, is_date = 0, err;
	const char *p;
	size_t n;

	if (!name)
		return -ENOENT;
	if ((kind = rlc__http_kind(name, &interval)) < 0)
		return kind;
	if (!value)
		return -EINVAL;
	p = rlc__http_ows(value);
	if (kind == RLC_HTTP_RETRY_AFTER && *p >= '0' && *p <= '9') {
		/* a wait longer than any ban is the longest: saturate, never refuse */
		err = rlc__http_number(p, UINT32_MAX, 1, &v);
		delay = v * RLC__HTTP_SEC;
	} else if (kind == RLC_HTTP_RETRY_AFTER || kind == RLC_HTTP_DATE) {
		is_date = kind == RLC_HTTP_RETRY_AFTER;
		for (n = strlen(p); n && (p[n - 1] == ' ' || p[n - 1] == '\t'); n--)
			;
		err = rlc__http_date_n(p, n, &when);
		if (err == -ERANGE) /* a date too late for 64 bits of ns */
			err = is_date ? 0 : -EINVAL, when = UINT64_MAX;
	} else if (kind == RLC_HTTP_BAPI_RESET) {
		err = rlc__http_number(p, UINT64_MAX / 1000000, 0, &v);
		if (!err && v == 0)
			err = -EINVAL;
		when = v * 1000000;
	} else {
		err = rlc__http_number(p, UINT32_MAX, 0, &count);
	}
	if (err)
		return err;
	out->kind = (uint32_t)kind;
	out->is_date = is_date;
	out->count = count;
	out->interval_ns = interval;
	out->delay_ns = delay;
	out->time_ns = when;
	return kind;
}

#endif /* RLC_HTTP_H */
