/* SPDX-License-Identifier: MIT */
#include "http_request.h"

#include <string.h>

/* RFC 9110 tchar: what a method or a header name is made of. */
static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A request target's bytes: visible ASCII. */
static int is_vchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

/* Where the line starting at `at` ends (its '\n'), or NULL when it has not yet. */
static const char *line_end(const char *at, const char *end)
{
	return memchr(at, '\n', (size_t)(end - at));
}

/* The line [at, nl) without a CR before its '\n' (a CR elsewhere is a
 * control byte, which the line's own check refuses). */
static void trim_cr(const char *at, const char **nl)
{
	if (*nl > at && (*nl)[-1] == '\r')
		(*nl)--;
}

/*
 * The request line, as far as it has come.  Returns RLC_HTTP_DONE with *next
 * just past it, RLC_HTTP_MORE, RLC_HTTP_BAD or RLC_HTTP_NOT_HTTP.
 */
static enum rlc_http_parse request_line(const char *buf, const char *end,
					struct rlc_http_request *req, const char **next)
{
	static const char version[] = "HTTP/1.";
	const char *p = buf, *target, *nl;
	size_t n, v;

	for (n = 0; p < end && is_tchar((unsigned char)*p); p++)
		if (++n > RLC_HTTP_METHOD_MAX)
			return RLC_HTTP_NOT_HTTP;
	if (p == end)
		return RLC_HTTP_MORE;
	if (n == 0 || *p != ' ')
		return RLC_HTTP_NOT_HTTP;
	req->method = n == 3 && memcmp(buf, "GET", 3) == 0    ? RLC_HTTP_GET
		      : n == 4 && memcmp(buf, "HEAD", 4) == 0 ? RLC_HTTP_HEAD
							      : RLC_HTTP_OTHER;
	target = ++p;
	while (p < end && is_vchar((unsigned char)*p))
		p++;
	if (p == end)
		return RLC_HTTP_MORE;
	if (p == target || *p != ' ')
		return RLC_HTTP_NOT_HTTP;
	req->path = target;
	req->path_len = (size_t)(p - target);
	if (memchr(target, '?', req->path_len))
		req->path_len = (size_t)((const char *)memchr(target, '?', req->path_len) - target);
	p++;
	for (v = 0; v < sizeof(version) - 1 && p + v < end; v++)
		if (p[v] != version[v])
			return RLC_HTTP_NOT_HTTP;
	if (p + v + 1 > end)
		return RLC_HTTP_MORE;
	if (p[v] < '0' || p[v] > '9')
		return RLC_HTTP_BAD;
	req->minor = (unsigned)(p[v] - '0');
	p += v + 1;
	if (p == end || (*p == '\r' && p + 1 == end))
		return RLC_HTTP_MORE;
	nl = line_end(p, end);
	if (!nl)
		return RLC_HTTP_BAD; /* something after the version */
	*next = nl + 1;
	trim_cr(p, &nl);
	return nl != p ? RLC_HTTP_BAD : RLC_HTTP_DONE;
}

/* One header line [at, nl): "NAME: VALUE", no control bytes but HTAB. */
static int header_ok(const char *at, const char *nl)
{
	const char *p = at;

	while (p < nl && is_tchar((unsigned char)*p))
		p++;
	if (p == at || p == nl || *p != ':')
		return 0; /* no name, or no colon, or a fold (a line that starts blank) */
	for (p++; p < nl; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

enum rlc_http_parse rlc_http_request_parse(const char *buf, size_t len,
					   struct rlc_http_request *req)
{
	const char *end = buf + len, *at, *nl;
	struct rlc_http_request r;
	enum rlc_http_parse res = request_line(buf, end, &r, &at);

	if (res != RLC_HTTP_DONE)
		return res;
	for (; (nl = line_end(at, end)); at = nl + 1) {
		const char *stop = nl;

		trim_cr(at, &stop);
		if (stop == at) {
			*req = r;
			return RLC_HTTP_DONE;
		}
		if (!header_ok(at, stop))
			return RLC_HTTP_BAD;
	}
	return RLC_HTTP_MORE;
}

int rlc_http_request_status(const struct rlc_http_request *req)
{
	if (req->method == RLC_HTTP_OTHER)
		return 405;
	return req->path_len == 8 && memcmp(req->path, "/metrics", 8) == 0 ? 200 : 404;
}
