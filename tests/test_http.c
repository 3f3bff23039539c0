/* SPDX-License-Identifier: MIT */
/*
 * rlc/http.h: every usage header of every exchange rlc reads, Retry-After
 * and Date in all three HTTP-date forms, each malformed name and value
 * refused (-EINVAL), every other name left alone (-ENOENT), the bounds on
 * both sides, and the date arithmetic against glibc's gmtime_r.  Every
 * name and value is also parsed from a copy whose NUL is the last byte
 * before an unmapped page: a read past it faults, sanitizer or not.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rlc/http.h"

#define SEC UINT64_C(1000000000)
#define MINUTE (60 * SEC)
#define DAY (86400 * SEC)
/* Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example */
#define RFC_EXAMPLE (UINT64_C(784111777) * SEC)

/* Two readable pages, each followed by an unmapped one. */
static char *edges;
static size_t page;

static int map_edges(void **state)
{
	(void)state;
	page = (size_t)sysconf(_SC_PAGESIZE);
	edges = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (edges == MAP_FAILED || mprotect(edges + page, page, PROT_NONE) != 0 ||
	    mprotect(edges + 3 * page, page, PROT_NONE) != 0)
		return -1;
	return 0;
}

static int unmap_edges(void **state)
{
	(void)state;
	return munmap(edges, 4 * page);
}

/* s copied to the end of readable page `which` (0 or 1); NULL stays NULL. */
static const char *at_edge(const char *s, unsigned which)
{
	char *end = edges + (2 * which + 1) * page;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	assert_true(n <= page);
	return memcpy(end - n, s, n);
}

/* The header parsed, as given and at the edges, every field checked. */
static void parsed(const char *name, const char *value, int kind, uint64_t count,
		   uint64_t interval_ns, uint64_t delay_ns, uint64_t time_ns, int is_date)
{
	struct rlc_http_field f;
	unsigned edge;

	for (edge = 0; edge < 2; edge++) {
		memset(&f, 0xa5, sizeof(f));
		assert_int_equal(edge ? rlc_http_parse(at_edge(name, 0), at_edge(value, 1), &f)
				      : rlc_http_parse(name, value, &f),
				 kind);
		assert_int_equal(f.kind, (uint32_t)kind);
		assert_int_equal(f.count, count);
		assert_int_equal(f.interval_ns, interval_ns);
		assert_int_equal(f.delay_ns, delay_ns);
		assert_int_equal(f.time_ns, time_ns);
		assert_int_equal(f.is_date, is_date);
	}
}

static void counted(const char *name, const char *value, int kind, uint64_t count,
		    uint64_t interval_ns)
{
	parsed(name, value, kind, count, interval_ns, 0, 0, 0);
}

/* Refused with err, and *out left as it was. */
static void refused(const char *name, const char *value, int err)
{
	struct rlc_http_field f, before;

	memset(&f, 0x5a, sizeof(f));
	before = f;
	assert_int_equal(rlc_http_parse(name, value, &f), err);
	assert_int_equal(rlc_http_parse(at_edge(name, 0), at_edge(value, 1), &f), err);
	assert_memory_equal(&f, &before, sizeof(f));
}

static uint64_t date(const char *s)
{
	uint64_t ns = UINT64_MAX, edge = 0;

	assert_int_equal(rlc_http_date(s, &ns), 0);
	assert_int_equal(rlc_http_date(at_edge(s, 0), &edge), 0);
	assert_int_equal(edge, ns);
	return ns;
}

static void bad_date(const char *s)
{
	uint64_t ns = 42;

	assert_int_equal(rlc_http_date(s, &ns), -EINVAL);
	assert_int_equal(rlc_http_date(at_edge(s, 0), &ns), -EINVAL);
	assert_int_equal(ns, 42);
	refused("Date", s, -EINVAL);
}

/* Binance and Aster: weight and order counts, every interval they send. */
static void test_http_binance(void **state)
{
	(void)state;
	counted("X-MBX-USED-WEIGHT-1M", "1234", RLC_HTTP_MBX_WEIGHT, 1234, MINUTE);
	counted("x-mbx-used-weight-1m", "7", RLC_HTTP_MBX_WEIGHT, 7, MINUTE);
	counted("X-Mbx-Used-Weight-1m", "0", RLC_HTTP_MBX_WEIGHT, 0, MINUTE);
	counted("X-MBX-USED-WEIGHT", "1234", RLC_HTTP_MBX_WEIGHT, 1234, MINUTE); /* legacy */
	counted("x-mbx-used-weight", "3", RLC_HTTP_MBX_WEIGHT, 3, MINUTE);
	counted("X-MBX-USED-WEIGHT-5M", "9", RLC_HTTP_MBX_WEIGHT, 9, 5 * MINUTE);
	counted("X-MBX-ORDER-COUNT-10S", "3", RLC_HTTP_MBX_ORDERS, 3, 10 * SEC);
	counted("X-MBX-ORDER-COUNT-1D", "160000", RLC_HTTP_MBX_ORDERS, 160000, DAY);
	counted("X-MBX-ORDER-COUNT-1M", "1200", RLC_HTTP_MBX_ORDERS, 1200, MINUTE);
	counted("x-mbx-order-count-10s", "1", RLC_HTTP_MBX_ORDERS, 1, 10 * SEC);
	counted("X-MBX-ORDER-COUNT-1H", "5", RLC_HTTP_MBX_ORDERS, 5, 3600 * SEC);
	counted("X-MBX-ORDER-COUNT-2h", "5", RLC_HTTP_MBX_ORDERS, 5, 7200 * SEC);
}

/* Bybit's three, and Bitget's one (an X-MBX name that is no weight). */
static void test_http_bybit_bitget(void **state)
{
	(void)state;
	counted("X-Bapi-Limit", "10", RLC_HTTP_BAPI_LIMIT, 10, 0);
	counted("x-bapi-limit", "20", RLC_HTTP_BAPI_LIMIT, 20, 0);
	counted("X-Bapi-Limit-Status", "9", RLC_HTTP_BAPI_STATUS, 9, 0);
	counted("X-BAPI-LIMIT-STATUS", "0", RLC_HTTP_BAPI_STATUS, 0, 0);
	parsed("X-Bapi-Limit-Reset-Timestamp", "1672738134824", RLC_HTTP_BAPI_RESET, 0, 0, 0,
	       UINT64_C(1672738134824) * 1000000, 0);
	counted("x-mbx-used-remain-limit", "19", RLC_HTTP_REMAIN, 19, 0);
	counted("X-MBX-USED-REMAIN-LIMIT", "0", RLC_HTTP_REMAIN, 0, 0);
}

/* Retry-After: seconds, or any of the three date forms. */
static void test_http_retry_after(void **state)
{
	(void)state;
	parsed("Retry-After", "120", RLC_HTTP_RETRY_AFTER, 0, 0, 120 * SEC, 0, 0);
	parsed("retry-after", " 0 ", RLC_HTTP_RETRY_AFTER, 0, 0, 0, 0, 0);
	parsed("RETRY-AFTER", "4294967295", RLC_HTTP_RETRY_AFTER, 0, 0, UINT64_C(4294967295) * SEC,
	       0, 0);
	parsed("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT", RLC_HTTP_RETRY_AFTER, 0, 0, 0,
	       RFC_EXAMPLE, 1);
	parsed("Retry-After", "Sunday, 06-Nov-94 08:49:37 GMT", RLC_HTTP_RETRY_AFTER, 0, 0, 0,
	       RFC_EXAMPLE, 1);
	parsed("Retry-After", "Sun Nov  6 08:49:37 1994", RLC_HTTP_RETRY_AFTER, 0, 0, 0,
	       RFC_EXAMPLE, 1);
	parsed("Retry-After", "\t Sun, 06 Nov 1994 08:49:37 GMT \t", RLC_HTTP_RETRY_AFTER, 0, 0, 0,
	       RFC_EXAMPLE, 1);
	/* a wait longer than any ban is read as the longest, a date too late as the last */
	parsed("Retry-After", "4294967296", RLC_HTTP_RETRY_AFTER, 0, 0, UINT32_MAX * SEC, 0, 0);
	parsed("Retry-After", "99999999999999999999999999", RLC_HTTP_RETRY_AFTER, 0, 0,
	       UINT32_MAX * SEC, 0, 0);
	parsed("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT", RLC_HTTP_RETRY_AFTER, 0, 0, 0,
	       UINT64_MAX, 1);
	refused("Date", "Fri, 31 Dec 9999 23:59:59 GMT", -EINVAL);
	refused("Retry-After", "", -EINVAL);
	refused("Retry-After", "-1", -EINVAL);
	refused("Retry-After", "1s", -EINVAL);
	refused("Retry-After", "1.5", -EINVAL);
	refused("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT x", -EINVAL);
	refused("Retry-After", NULL, -EINVAL);
}

/* Date: the three forms name one instant; OWS around the value only. */
static void test_http_date_forms(void **state)
{
	(void)state;
	parsed("Date", "Sun, 06 Nov 1994 08:49:37 GMT", RLC_HTTP_DATE, 0, 0, 0, RFC_EXAMPLE, 0);
	parsed("date", " Sunday, 06-Nov-94 08:49:37 GMT", RLC_HTTP_DATE, 0, 0, 0, RFC_EXAMPLE, 0);
	parsed("DATE", "Sun Nov  6 08:49:37 1994\t", RLC_HTTP_DATE, 0, 0, 0, RFC_EXAMPLE, 0);
	assert_int_equal(date("Sun Nov 06 08:49:37 1994"), RFC_EXAMPLE); /* 2DIGIT day */
	assert_int_equal(date("Thu Nov 16 08:49:37 1994"), RFC_EXAMPLE + 10 * DAY);
	/* the weekday must be a name, not the date's */
	assert_int_equal(date("Mon, 06 Nov 1994 08:49:37 GMT"), RFC_EXAMPLE);
	assert_int_equal(date("Wednesday, 06-Nov-94 08:49:37 GMT"), RFC_EXAMPLE);
	/* each weekday's long name */
	assert_int_equal(date("Monday, 06-Nov-94 08:49:37 GMT"), RFC_EXAMPLE);
	assert_int_equal(date("Tuesday, 06-Nov-94 08:49:37 GMT"), RFC_EXAMPLE);
	assert_int_equal(date("Thursday, 06-Nov-94 08:49:37 GMT"), RFC_EXAMPLE);
	assert_int_equal(date("Friday, 06-Nov-94 08:49:37 GMT"), RFC_EXAMPLE);
	assert_int_equal(date("Saturday, 06-Nov-94 08:49:37 GMT"), RFC_EXAMPLE);
	/* RFC 850 years: 70-99 the 1900s, 00-69 the 2000s */
	assert_int_equal(date("Thursday, 01-Jan-70 00:00:00 GMT"), 0);
	assert_int_equal(date("Saturday, 01-Jan-00 00:00:00 GMT"), UINT64_C(946684800) * SEC);
	assert_int_equal(date("Tuesday, 31-Dec-69 23:59:59 GMT"), UINT64_C(3155759999) * SEC);
	/* a leap second is the last second of its minute */
	assert_int_equal(date("Sat, 31 Dec 2016 23:59:60 GMT"), UINT64_C(1483228799) * SEC);
	assert_int_equal(date("Sat, 31 Dec 2016 23:59:59 GMT"), UINT64_C(1483228799) * SEC);
}

/* Instants from elsewhere (date -u -d @N). */
static void test_http_date_epoch(void **state)
{
	(void)state;
	assert_int_equal(date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(date("Thu, 01 Jan 1970 00:00:01 GMT"), SEC);
	assert_int_equal(date("Tue, 29 Feb 2000 00:00:00 GMT"), UINT64_C(951782400) * SEC);
	assert_int_equal(date("Tue, 14 Nov 2023 22:13:20 GMT"), UINT64_C(1700000000) * SEC);
	assert_int_equal(date("Tue, 19 Jan 2038 03:14:07 GMT"), UINT64_C(2147483647) * SEC);
	assert_int_equal(date("Tue, 19 Jan 2038 03:14:08 GMT"), UINT64_C(2147483648) * SEC);
	assert_int_equal(date("Fri, 01 Jan 2100 00:00:00 GMT"), UINT64_C(4102444800) * SEC);
	/* the last second whose ns fit 64 bits */
	assert_int_equal(date("Wed, 21 Jul 2554 23:34:33 GMT"), UINT64_C(18446744073) * SEC);
}

/* Leap years, month lengths and every field's range, both sides. */
static void test_http_date_bounds(void **state)
{
	(void)state;
	date("Thu, 29 Feb 2024 12:00:00 GMT");
	bad_date("Wed, 29 Feb 2023 12:00:00 GMT");
	date("Tue, 29 Feb 2000 12:00:00 GMT"); /* divisible by 400 */
	bad_date("Mon, 29 Feb 2100 12:00:00 GMT"); /* by 100 only */
	bad_date("Thu, 30 Feb 2024 12:00:00 GMT");
	date("Sun, 30 Apr 2023 12:00:00 GMT");
	bad_date("Mon, 31 Apr 2023 12:00:00 GMT");
	date("Sun, 31 Dec 2023 23:59:59 GMT");
	bad_date("Sun, 32 Dec 2023 23:59:59 GMT");
	bad_date("Sun, 00 Dec 2023 23:59:59 GMT");
	bad_date("Sun, 31 Dec 2023 24:00:00 GMT");
	bad_date("Sun, 31 Dec 2023 23:60:00 GMT");
	bad_date("Sun, 31 Dec 2023 23:59:61 GMT");
	bad_date("Wed, 31 Dec 1969 23:59:59 GMT");
	bad_date("Wed, 21 Jul 2554 23:34:34 GMT"); /* 2^64 ns and more */
	bad_date("Fri, 31 Dec 9999 23:59:59 GMT");
	bad_date("Sun Feb 29 12:00:00 2023");
	date("Thu Feb 29 12:00:00 2024");
}

/* Near misses of each form's grammar. */
static void test_http_date_malformed(void **state)
{
	uint64_t ns;

	(void)state;
	bad_date(NULL);
	bad_date("");
	bad_date("Sun");
	bad_date("sun, 06 Nov 1994 08:49:37 GMT"); /* names are case-sensitive */
	bad_date("Sun, 06 nov 1994 08:49:37 GMT");
	bad_date("Sun, 06 Nov 1994 08:49:37 gmt");
	bad_date("Sun, 06 Nov 1994 08:49:37 UTC");
	bad_date("Sun, 06 Nov 1994 08:49:37");
	/* OWS belongs to the field value, not to the date */
	assert_int_equal(rlc_http_date("Sun, 06 Nov 1994 08:49:37 GMT ", &ns), -EINVAL);
	assert_int_equal(rlc_http_date(" Sun, 06 Nov 1994 08:49:37 GMT", &ns), -EINVAL);
	parsed("Date", " Sun, 06 Nov 1994 08:49:37 GMT ", RLC_HTTP_DATE, 0, 0, 0, RFC_EXAMPLE, 0);
	bad_date("Sun, 6 Nov 1994 08:49:37 GMT");
	bad_date("Sun,06 Nov 1994 08:49:37 GMT");
	bad_date("Sun, 06 Nov 94 08:49:37 GMT");
	bad_date("Sun, 06 Nov 1994 8:49:37 GMT");
	bad_date("Sun, 06 Nov 1994 08:49 GMT");
	bad_date("Sun, 06 Nov 1994 08-49-37 GMT");
	bad_date("Sun, 06-Nov-94 08:49:37 GMT"); /* RFC 850 date, short name */
	bad_date("Sunday, 06 Nov 1994 08:49:37 GMT"); /* IMF date, long name */
	bad_date("Sunday, 06-Nov-1994 08:49:37 GMT");
	bad_date("Sundy, 06-Nov-94 08:49:37 GMT");
	bad_date("Sunday 06-Nov-94 08:49:37 GMT");
	bad_date("Sun Nov 6 08:49:37 1994");
	bad_date("Sun Nov 6  08:49:37 1994");
	bad_date("Sun Nov  6 08-49-37 1994");
	bad_date("Sunday, 06 Nov 94 08:49:37 GMT");
	bad_date("Sunday, 06-Nov-94 08:49:37 UTC");
	bad_date("Sun Nov  6 08:49:37 94");
	bad_date("Sun Nov  6 08:49:37 1994 GMT");
	bad_date("Sun Nov   6 08:49:37 1994");
	bad_date("Sun, 06 Nov 1994 08:49:37 GMT\r\n");
	bad_date("Xyz, 06 Nov 1994 08:49:37 GMT");
	bad_date("Sun, +6 Nov 1994 08:49:37 GMT");
}

/* 2069 closes the RFC 850 century: its 31 Dec is fine. */
static void test_http_date_pivot(void **state)
{
	(void)state;
	assert_int_equal(date("Tuesday, 31-Dec-69 23:59:59 GMT"),
			 date("Tue, 31 Dec 2069 23:59:59 GMT"));
	assert_int_equal(date("Wednesday, 01-Jan-70 00:00:00 GMT"), 0);
	assert_int_equal(date("Friday, 31-Dec-99 23:59:59 GMT"),
			 date("Fri, 31 Dec 1999 23:59:59 GMT"));
}

/* tm as HTTP-date form 0 (IMF-fixdate), 1 (RFC 850) or 2 (asctime);
 * strftime's names are the C locale's, and no test sets another. */
static void format(char *buf, size_t size, unsigned form, const struct tm *tm)
{
	size_t n;

	if (form == 0) {
		n = strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", tm);
	} else if (form == 1) { /* (%y would do, but -Wformat-y2k) */
		n = strftime(buf, size, "%A, %d-%b-", tm);
		n += (size_t)snprintf(buf + n, size - n, "%02d", tm->tm_year % 100);
		n += strftime(buf + n, size - n, " %H:%M:%S GMT", tm);
	} else {
		n = strftime(buf, size, "%a %b %e %H:%M:%S %Y", tm);
	}
	assert_true(n > 0 && n < size);
}

/* A moment of every ~10th day from 1970 to 2554 (the hour and second
 * drifting), written by strftime in all three forms (RFC 850 where its two
 * digits reach), read back. */
static void test_http_date_gmtime(void **state)
{
	char buf[64];
	uint64_t t;
	unsigned i, n = 0;

	(void)state;
	for (t = 0; t <= UINT64_C(18446744073); t += 863987) { /* ~10 days less 13 s */
		time_t tt = (time_t)t;
		struct tm tm;

		assert_non_null(gmtime_r(&tt, &tm));
		for (i = 0; i < 3; i++) {
			if (i == 1 && tm.tm_year >= 170)
				continue;
			format(buf, sizeof(buf), i, &tm);
			assert_int_equal(date(buf), t * SEC);
			n++;
		}
	}
	assert_true(n > 45000);
}

/* A malformed interval of an MBX family is -EINVAL; the bounds of its n. */
static void test_http_interval(void **state)
{
	(void)state;
	counted("X-MBX-USED-WEIGHT-7D", "1", RLC_HTTP_MBX_WEIGHT, 1, 7 * DAY);
	counted("X-MBX-USED-WEIGHT-168H", "1", RLC_HTTP_MBX_WEIGHT, 1, 7 * DAY);
	counted("X-MBX-USED-WEIGHT-10080M", "1", RLC_HTTP_MBX_WEIGHT, 1, 7 * DAY);
	counted("X-MBX-ORDER-COUNT-604800S", "1", RLC_HTTP_MBX_ORDERS, 1, 7 * DAY);
	counted("X-MBX-ORDER-COUNT-1S", "1", RLC_HTTP_MBX_ORDERS, 1, SEC);
	refused("X-MBX-USED-WEIGHT-8D", "1", -EINVAL);
	refused("X-MBX-USED-WEIGHT-169H", "1", -EINVAL);
	refused("X-MBX-USED-WEIGHT-10081M", "1", -EINVAL);
	refused("X-MBX-ORDER-COUNT-604801S", "1", -EINVAL);
	refused("X-MBX-ORDER-COUNT-999999999D", "1", -EINVAL); /* no wrap */
	refused("X-MBX-ORDER-COUNT-1000000000S", "1", -EINVAL); /* ten digits */
	refused("x-mbx-used-weight-1mx", "1", -EINVAL);
	refused("x-mbx-used-weight-0m", "1", -EINVAL);
	refused("x-mbx-used-weight-01m", "1", -EINVAL);
	refused("x-mbx-used-weight-m", "1", -EINVAL);
	refused("x-mbx-used-weight-1", "1", -EINVAL);
	refused("x-mbx-used-weight-1w", "1", -EINVAL);
	refused("x-mbx-used-weight-", "1", -EINVAL);
	refused("x-mbx-used-weight--1m", "1", -EINVAL);
	refused("x-mbx-used-weight-+1m", "1", -EINVAL);
	refused("x-mbx-used-weight-1 m", "1", -EINVAL);
	refused("x-mbx-used-weight-1m ", "1", -EINVAL);
	refused("x-mbx-order-count-", "1", -EINVAL);
	refused("x-mbx-order-count-10", "1", -EINVAL);
	refused("x-mbx-order-count-1\x13", "1", -EINVAL); /* '\x13' | 0x20 is '3', no letter */
	refused("x-mbx-order-count-1M", NULL, -EINVAL);
}

/* Counts: digits only, 0 .. 2^32 - 1, OWS around; the reset timestamp's own bounds. */
static void test_http_values(void **state)
{
	static const char *const bad[] = {"", " ", "\t", "-1", "+1", "0x10", "1 2", "1.5", "12a",
					  "a12", "4294967296", "99999999999999999999999999",
					  "1\r", "\v1", "1,2", "١"};
	unsigned i;

	(void)state;
	counted("X-Bapi-Limit", "4294967295", RLC_HTTP_BAPI_LIMIT, UINT32_MAX, 0);
	counted("X-Bapi-Limit", " \t42\t ", RLC_HTTP_BAPI_LIMIT, 42, 0);
	counted("X-Bapi-Limit", "007", RLC_HTTP_BAPI_LIMIT, 7, 0);
	counted("X-MBX-USED-WEIGHT-1M", "0000000000004294967295", RLC_HTTP_MBX_WEIGHT, UINT32_MAX,
		MINUTE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		refused("X-MBX-USED-WEIGHT-1M", bad[i], -EINVAL);
		refused("X-MBX-USED-WEIGHT", bad[i], -EINVAL);
		refused("X-MBX-ORDER-COUNT-10S", bad[i], -EINVAL);
		refused("X-Bapi-Limit", bad[i], -EINVAL);
		refused("X-Bapi-Limit-Status", bad[i], -EINVAL);
		refused("x-mbx-used-remain-limit", bad[i], -EINVAL);
		if (bad[i][0] < '0' || bad[i][0] > '9' || strspn(bad[i], "0123456789") != strlen(bad[i]))
			refused("Retry-After", bad[i], -EINVAL); /* all digits: a long wait */
		refused("Date", bad[i], -EINVAL);
	}
	refused("X-Bapi-Limit", NULL, -EINVAL);
	parsed("X-Bapi-Limit-Reset-Timestamp", "1", RLC_HTTP_BAPI_RESET, 0, 0, 0, 1000000, 0);
	parsed("X-Bapi-Limit-Reset-Timestamp", "18446744073709", RLC_HTTP_BAPI_RESET, 0, 0, 0,
	       UINT64_C(18446744073709) * 1000000, 0);
	refused("X-Bapi-Limit-Reset-Timestamp", "18446744073710", -EINVAL);
	refused("X-Bapi-Limit-Reset-Timestamp", "0", -EINVAL);
	refused("X-Bapi-Limit-Reset-Timestamp", "", -EINVAL);
	refused("X-Bapi-Limit-Reset-Timestamp", "1672738134.824", -EINVAL);
	refused("X-Bapi-Limit-Reset-Timestamp", NULL, -EINVAL);
}

/* Every other name is someone else's header, whatever its value. */
static void test_http_unknown(void **state)
{
	static const char *const names[] = {
		"", "Content-Type", "Content-Length", "Server", "Connection", "Vary", "Via",
		"Cache-Control", "Strict-Transport-Security", "X-Cache", "X-Amz-Cf-Id", "x",
		"x-", "X-", "x-b", "x-m", "x-mbx", "x-mbx-", "x-mbx-uuid", "X-SAPI-USED-IP-WEIGHT-1M",
		"x-mbx-used-weightz", "x-mbx-used-weight1m", "x-mbx-used-weigh", "x-mbx-used-",
		"x-mbx-order-count", "x-mbx-order-count1m", "x-mbx-order-counts-1m",
		"x-mbx-used-remain-limitx", "x-mbx-used-remain", "x-bapi-limitx", "x-bapi-limit-",
		"x-bapi-limit-statusx", "x-bapi-limit-reset-timestampx", "x-bapi-limit-reset",
		"x-bapi", "dates", "dat", "d", "retry-afte", "retry-afterx", "retry_after",
		"x_mbx-used-weight-1m", " date", "date ", "date:", "\x04" "ate", "x\rmbx-used-weight",
	};
	unsigned i;

	(void)state;
	refused(NULL, "1", -ENOENT);
	refused(NULL, NULL, -ENOENT);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		refused(names[i], "1", -ENOENT);
		refused(names[i], NULL, -ENOENT);
		refused(names[i], "Sun, 06 Nov 1994 08:49:37 GMT", -ENOENT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_binance),
		cmocka_unit_test(test_http_bybit_bitget),
		cmocka_unit_test(test_http_retry_after),
		cmocka_unit_test(test_http_date_forms),
		cmocka_unit_test(test_http_date_epoch),
		cmocka_unit_test(test_http_date_bounds),
		cmocka_unit_test(test_http_date_malformed),
		cmocka_unit_test(test_http_date_pivot),
		cmocka_unit_test(test_http_date_gmtime),
		cmocka_unit_test(test_http_interval),
		cmocka_unit_test(test_http_values),
		cmocka_unit_test(test_http_unknown),
	};

	return cmocka_run_group_tests(tests, map_edges, unmap_edges);
}
