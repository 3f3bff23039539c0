/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: rlcd's metrics request parser (src/rlcd/http_request.h) on
 * arbitrary bytes, in a buffer of exactly their size so that ASan catches
 * any read past it.  Checked: the result is one of the four; a complete
 * request's path lies inside the buffer, starts with the target and has
 * no '?' or blank; its status is 200, 404 or 405, and 200 only for GET or
 * HEAD of /metrics; and the parse is incremental: whatever a prefix
 * already decides (complete, bad, not HTTP), the whole input decides the
 * same, with the same request, so that the server may judge bytes as they
 * arrive.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static enum rlc_http_parse parse(const uint8_t *data, size_t n, struct rlc_http_request *r,
				 char **copy)
{
	enum rlc_http_parse res;

	*copy = malloc(n ? n : 1);
	check(*copy != NULL);
	memcpy(*copy, data, n);
	res = rlc_http_request_parse(*copy, n, r);
	check(res == RLC_HTTP_DONE || res == RLC_HTTP_MORE || res == RLC_HTTP_BAD ||
	      res == RLC_HTTP_NOT_HTTP);
	if (res == RLC_HTTP_DONE) {
		int status = rlc_http_request_status(r);

		check(r->path > *copy && r->path + r->path_len <= *copy + n);
		check(!memchr(r->path, '?', r->path_len) && !memchr(r->path, ' ', r->path_len));
		check(r->minor <= 9);
		check(status == 200 || status == 404 || status == 405);
		check((status == 200) == (r->method != RLC_HTTP_OTHER && r->path_len == 8 &&
					  memcmp(r->path, "/metrics", 8) == 0));
	}
	return res;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlc_http_request whole, part;
	char *a, *b;
	enum rlc_http_parse all = parse(data, size, &whole, &a), cut;
	size_t k;

	for (k = 0; k < size; k += 1 + size / 8) {
		cut = parse(data, k, &part, &b);
		if (cut != RLC_HTTP_MORE) {
			check(cut == all);
			if (cut == RLC_HTTP_DONE)
				check(part.method == whole.method && part.minor == whole.minor &&
				      part.path_len == whole.path_len &&
				      part.path - b == whole.path - a);
		}
		free(b);
	}
	free(a);
	return 0;
}
