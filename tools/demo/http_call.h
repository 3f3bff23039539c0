/* SPDX-License-Identifier: MIT */
/*
 * http_call: one HTTP connection (libcurl, kept alive) to an exchange's
 * REST API, and the response of its last request in the form
 * rlc_feedback takes: status, headers, the exchange's error code, the time
 * on the wire.
 */
#ifndef RLC_DEMO_HTTP_CALL_H
#define RLC_DEMO_HTTP_CALL_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "rlc.h"

#define HTTP_CALL_FIELDS 32
#define HTTP_CALL_HEAD 8192
#define HTTP_CALL_BODY 4096

struct http_call {
	CURL *curl;
	struct curl_slist *request_headers;
	char url[1024];
	/* the last response */
	long status; /* 0: none (connection refused, timeout) */
	char head[HTTP_CALL_HEAD];
	size_t head_len;
	struct rlc_http_header fields[HTTP_CALL_FIELDS];
	unsigned fields_count;
	char body[HTTP_CALL_BODY];
	size_t body_len;
	char code[24]; /* the body's "code" or non-zero "retCode"; "" if none */
	int64_t server_time_ms; /* the body's server time (serverTime, E, T, time), or 0 */
	uint64_t elapsed_ns;
};

/*
 * Connect to `base` ("http://127.0.0.1:8080"), sending `api_key` as
 * X-MBX-APIKEY and X-BAPI-API-KEY and `bot` as X-Sim-Bot on every request.
 * Returns 0, or -1 with why in `why`.
 */
int http_call_open(struct http_call *c, const char *api_key, const char *bot, char *why,
		   size_t len);

/*
 * Send `method` `base``path`?`query` (query NULL: none) and wait for its
 * response.  Returns 0 with a response, -1 with none (c->status 0).
 */
int http_call_send(struct http_call *c, const char *base, const char *method, const char *path,
		   const char *query);

/* The last response, as rlc_feedback takes it; valid until the next send. */
void http_call_response(const struct http_call *c, struct rlc_response *r);

/* The last response's header `name` (any case), or NULL. */
const char *http_call_header(const struct http_call *c, const char *name);

void http_call_close(struct http_call *c);

#endif
