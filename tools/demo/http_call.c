/* SPDX-License-Identifier: MIT */
#include "http_call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One header line "Name: value\r\n" into c->head and c->fields. */
static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct http_call *c = arg;
	size_t len = size * n, room = sizeof(c->head) - c->head_len;
	char *copy = c->head + c->head_len, *colon, *value, *end;

	if (len == 0 || len + 1 > room || c->fields_count == HTTP_CALL_FIELDS)
		return len; /* past what a feedback needs: left out */
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (!(colon = strchr(copy, ':')))
		return len; /* the status line, or the blank one */
	c->head_len += len + 1;
	*colon = '\0';
	for (value = colon + 1; *value == ' ' || *value == '\t'; value++)
		;
	for (end = value + strlen(value); end > value && (end[-1] == '\r' || end[-1] == '\n' ||
							  end[-1] == ' ');)
		*--end = '\0';
	c->fields[c->fields_count].name = copy;
	c->fields[c->fields_count].value = value;
	c->fields_count++;
	return len;
}

/* The body's first HTTP_CALL_BODY - 1 bytes; the rest is read and dropped. */
static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_call *c = arg;
	size_t len = size * n, keep = sizeof(c->body) - 1 - c->body_len;

	if (keep > len)
		keep = len;
	memcpy(c->body + c->body_len, data, keep);
	c->body_len += keep;
	c->body[c->body_len] = '\0';
	return len;
}

/* The exchange's error code: Binance's "code" (negative), Bybit's non-zero "retCode". */
static void find_code(struct http_call *c)
{
	const char *keys[] = { "\"code\":", "\"retCode\":" };
	unsigned i;
	char *at, *end;
	long v;

	c->code[0] = '\0';
	for (i = 0; i < 2; i++) {
		if (!(at = strstr(c->body, keys[i])))
			continue;
		v = strtol(at + strlen(keys[i]), &end, 10);
		if (end != at + strlen(keys[i]) && v != 0)
			snprintf(c->code, sizeof(c->code), "%ld", v);
		return;
	}
}

/*
 * The exchange's clock in the body: Binance's serverTime (GET /time,
 * exchangeInfo), the event and transaction times E and T (depth), or a
 * ticker's or trade's "time"; the first found, else 0.  Arrays of klines
 * carry candle times, not the server's, and have none of these keys.
 */
static void find_server_time(struct http_call *c)
{
	const char *keys[] = { "\"serverTime\":", "\"E\":", "\"T\":", "\"time\":" };
	unsigned i;
	char *at, *end;
	long long v;

	c->server_time_ms = 0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!(at = strstr(c->body, keys[i])))
			continue;
		v = strtoll(at + strlen(keys[i]), &end, 10);
		if (end != at + strlen(keys[i]) && v > 0) {
			c->server_time_ms = v;
			return;
		}
	}
}

const char *http_call_header(const struct http_call *c, const char *name)
{
	unsigned i;

	for (i = 0; i < c->fields_count; i++)
		if (strcasecmp(c->fields[i].name, name) == 0)
			return c->fields[i].value;
	return NULL;
}

int http_call_open(struct http_call *c, const char *api_key, const char *bot, char *why,
		   size_t len)
{
	char line[256];

	memset(c, 0, sizeof(*c));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(c->curl = curl_easy_init())) {
		snprintf(why, len, "libcurl did not start");
		return -1;
	}
	snprintf(line, sizeof(line), "X-MBX-APIKEY: %s", api_key);
	c->request_headers = curl_slist_append(c->request_headers, line);
	snprintf(line, sizeof(line), "X-BAPI-API-KEY: %s", api_key);
	c->request_headers = curl_slist_append(c->request_headers, line);
	snprintf(line, sizeof(line), "X-Sim-Bot: %s", bot);
	c->request_headers = curl_slist_append(c->request_headers, line);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->request_headers);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	return 0;
}

int http_call_send(struct http_call *c, const char *base, const char *method, const char *path,
		   const char *query)
{
	uint64_t start;
	CURLcode rc;

	snprintf(c->url, sizeof(c->url), "%s%s%s%s", base, path, query ? "?" : "",
		 query ? query : "");
	c->status = 0;
	c->head_len = c->body_len = 0;
	c->fields_count = 0;
	c->body[0] = '\0';
	c->code[0] = '\0';
	c->server_time_ms = 0;
	curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_NOBODY, 0L);
	start = rlc_now_ns();
	rc = curl_easy_perform(c->curl);
	c->elapsed_ns = rlc_now_ns() - start;
	if (rc != CURLE_OK)
		return -1;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	find_code(c);
	find_server_time(c);
	return 0;
}

void http_call_response(const struct http_call *c, struct rlc_response *r)
{
	memset(r, 0, sizeof(*r));
	r->status = (int)c->status;
	r->headers = c->fields;
	r->headers_count = c->fields_count;
	r->code = c->code[0] ? c->code : NULL;
	r->elapsed_ns = c->elapsed_ns;
	r->server_time_ms = c->server_time_ms;
}

void http_call_close(struct http_call *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->request_headers);
	c->curl = NULL;
	c->request_headers = NULL;
	curl_global_cleanup();
}
