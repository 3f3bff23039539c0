/* SPDX-License-Identifier: MIT */
/*
 * rlcd's metrics request parser (src/rlcd/http_request.h): what a
 * scraper sends (Prometheus, curl, HTTP/1.0, LF line ends), each way a
 * request is malformed (400) or not HTTP at all (dropped), as early as the
 * bytes tell; every prefix of a good request is "more"; the status of each
 * method and path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http_request.h"

static enum rlc_http_parse parse(const char *text, struct rlc_http_request *r)
{
	return rlc_http_request_parse(text, strlen(text), r);
}

/* `text` is complete with status `status`; each of its prefixes wants more. */
static void complete(const char *text, int status)
{
	struct rlc_http_request r;
	size_t k;

	assert_int_equal(parse(text, &r), RLC_HTTP_DONE);
	assert_int_equal(rlc_http_request_status(&r), status);
	for (k = 0; k < strlen(text); k++)
		assert_int_equal(rlc_http_request_parse(text, k, &r), RLC_HTTP_MORE);
}

/* Each of the `n` texts parses to `want`. */
static void each_is(const char *const *texts, size_t n, enum rlc_http_parse want)
{
	struct rlc_http_request r;
	size_t i;

	for (i = 0; i < n; i++) {
		print_message("%s\n", texts[i]);
		assert_int_equal(parse(texts[i], &r), want);
	}
}

static void test_http_request_scrapers(void **state)
{
	struct rlc_http_request r;

	complete("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9477\r\nUser-Agent: Prometheus/2.42.0\r\n"
		 "Accept: text/plain;version=0.0.4;q=1,*/*;q=0.1\r\n"
		 "X-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n",
		 200);
	complete("GET /metrics HTTP/1.0\r\n\r\n", 200);
	complete("HEAD /metrics?debug=1 HTTP/1.1\n\n", 200);
	assert_int_equal(parse("GET /metrics HTTP/1.0\n\n", &r), RLC_HTTP_DONE);
	assert_int_equal(r.method, RLC_HTTP_GET);
	assert_int_equal(r.minor, 0);
	assert_int_equal(r.path_len, 8);
	/* a body or a second request after the headers is not looked at */
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r\nGARBAGE\x01", &r), RLC_HTTP_DONE);
	(void)state;
}

static void test_http_request_status(void **state)
{
	complete("GET / HTTP/1.1\r\n\r\n", 404);
	complete("GET /metrics/ HTTP/1.1\r\n\r\n", 404);
	complete("GET /metricsx HTTP/1.1\r\n\r\n", 404);
	complete("GET http://127.0.0.1/metrics HTTP/1.1\r\n\r\n", 404);
	complete("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405);
	complete("get /metrics HTTP/1.1\r\n\r\n", 405); /* methods are case-sensitive */
	complete("DELETE /x HTTP/1.1\r\n\r\n", 405);
	(void)state;
}

static void test_http_request_bad(void **state)
{
	struct rlc_http_request r;
	static const char *const bad[] = {
		"GET /metrics HTTP/1.x\r\n\r\n",          /* no version digit */
		"GET /metrics HTTP/1.1 extra\r\n\r\n",    /* after the version */
		"GET /metrics HTTP/1.1\rX\r\n\r\n",       /* a bare CR */
		"GET /metrics HTTP/1.1\r\nNo colon\r\n\r\n",
		"GET /metrics HTTP/1.1\r\n: no name\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nA: b\x01\r\n\r\n", /* a control byte */
		"GET /metrics HTTP/1.1\r\nA: b\rc\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nA b: c\r\n\r\n",
	};

	each_is(bad, sizeof(bad) / sizeof(bad[0]), RLC_HTTP_BAD);
	/* a bad header is bad once its line is whole, not before */
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nNo colon", &r), RLC_HTTP_MORE);
	(void)state;
}

static void test_http_request_not_http(void **state)
{
	struct rlc_http_request r;
	static const char *const junk[] = {
		"\x16\x03\x01\x02\x00", /* a TLS ClientHello */
		"\r\n",
		" GET /metrics HTTP/1.1\r\n\r\n",
		"GET  /metrics HTTP/1.1\r\n\r\n",
		"GET /metrics\r\n\r\n", /* HTTP/0.9 */
		"GET /metrics FTP/1.1\r\n",
		"GET /metrics HTTP/2.0\r\n",
		"SSH-2.0-OpenSSH_9.2p1\r\n",
		"AVERYLONGMETHODNAME /metrics HTTP/1.1\r\n",
	};

	each_is(junk, sizeof(junk) / sizeof(junk[0]), RLC_HTTP_NOT_HTTP);
	/* as soon as the first bytes tell: one byte of TLS, the "H" of FTP */
	assert_int_equal(rlc_http_request_parse("\x16", 1, &r), RLC_HTTP_NOT_HTTP);
	assert_int_equal(parse("GET /metrics F", &r), RLC_HTTP_NOT_HTTP);
	assert_int_equal(parse("GET /metrics HTTP/1", &r), RLC_HTTP_MORE);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_request_scrapers),
		cmocka_unit_test(test_http_request_status),
		cmocka_unit_test(test_http_request_bad),
		cmocka_unit_test(test_http_request_not_http),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
