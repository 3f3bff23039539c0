/* SPDX-License-Identifier: MIT */
/*
 * The request line and headers of an HTTP/1.0 or 1.1 request, as the
 * metrics server needs them: method, path, whether it is complete.  Pure:
 * no allocation, no state between calls, no I/O; the server calls it on
 * the whole of what has arrived each time more arrives (4 KiB at most).
 */
#ifndef RLCD_HTTP_REQUEST_H
#define RLCD_HTTP_REQUEST_H

#include <stddef.h>

enum rlc_http_parse {
	RLC_HTTP_DONE = 0,      /* request line and headers complete, up to the empty line */
	RLC_HTTP_MORE = 1,      /* a valid beginning: wait for more bytes */
	RLC_HTTP_BAD = 2,       /* HTTP, but a malformed request line or header: 400 */
	RLC_HTTP_NOT_HTTP = 3,  /* not an HTTP/1.x request at all: drop it */
};

enum rlc_http_method { RLC_HTTP_GET, RLC_HTTP_HEAD, RLC_HTTP_OTHER };

struct rlc_http_request {
	enum rlc_http_method method;
	const char *path; /* into the buffer: the target up to '?', not NUL-terminated */
	size_t path_len;
	unsigned minor;   /* HTTP/1.minor */
};

/* Longest method token taken for HTTP; a longer first word is not HTTP. */
#define RLC_HTTP_METHOD_MAX 16

/*
 * Parse the `len` bytes at `buf`: a request line "METHOD SP TARGET SP
 * HTTP/1.D" and header lines "NAME: VALUE" (each ended by CRLF or LF), up
 * to an empty line.  Garbage is told from a request as early as its first
 * bytes allow, so that a scraper of non-HTTP bytes is dropped at once.
 * Fills *req on RLC_HTTP_DONE.  Never reads past buf + len.
 */
enum rlc_http_parse rlc_http_request_parse(const char *buf, size_t len,
					   struct rlc_http_request *req);

/* The status a complete request gets: 200 for GET or HEAD of /metrics, 405
 * for another method, 404 for another path. */
int rlc_http_request_status(const struct rlc_http_request *req);

#endif /* RLCD_HTTP_REQUEST_H */
