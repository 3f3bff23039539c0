/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rlctl.h"

/* A message before escaping: a 200-byte segment name and a reason fit. */
#define MESSAGE_MAX 1024

size_t output_utf8_length(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* The second byte's range is what rules out the overlong and
	 * surrogate forms; a NUL terminator fails the range check too. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* The escape of a byte that may not be printed as it is; `esc` for "\xHH". */
static const char *byte_escape(char esc[5], unsigned char c)
{
	switch (c) {
	case '\\':
		return "\\\\";
	case '\t':
		return "\\t";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	}
	snprintf(esc, 5, "\\x%02x", c);
	return esc;
}

const char *output_escape(char *dst, size_t len, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t used = 0;
	char esc[5];

	while (*p) {
		const char *piece = (const char *)p;
		size_t in = output_utf8_length(p), out = in;

		/* One byte: printable ASCII as it is, anything else escaped. */
		if (in == 0 || output_utf8_c1(p)) {
			in = out = 1;
			if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
				piece = byte_escape(esc, *p);
				out = strlen(piece);
			}
		}
		if (used + out >= len)
			break;
		memcpy(dst + used, piece, out);
		used += out;
		p += in;
	}
	dst[used] = '\0';
	return dst;
}

void output_list_add(char *list, const char *name)
{
	size_t n = strlen(list);

	if (n + strlen(name) + sizeof(", ...") > OUTPUT_LIST_MAX) {
		if (n < 3 || strcmp(list + n - 3, "...") != 0)
			snprintf(list + n, OUTPUT_LIST_MAX - n, ", ...");
		return;
	}
	snprintf(list + n, OUTPUT_LIST_MAX - n, "%s%s", n ? ", " : "", name);
}

void output_error(const char *fmt, ...)
{
	char raw[MESSAGE_MAX], text[OUTPUT_ESCAPED_MAX(MESSAGE_MAX)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	fprintf(stderr, "rlctl: %s\n", output_escape(text, sizeof(text), raw));
}

void output_not_in(const char *what, const char *name, const char *label, const char *list)
{
	if (*list)
		output_error("%s '%s' is not in %s; its %ss: %s", what, name, label, what, list);
	else
		output_error("%s '%s' is not in %s, which has no %ss", what, name, label, what);
}

void output_error_escaped(const char *message)
{
	fprintf(stderr, "rlctl: %s\n", message);
}

int output_close(int status)
{
	bool failed = ferror(stdout) != 0;

	/* errno still holds the failed write's reason when stdio dropped the
	 * buffer at that write; fclose sets it when the last flush fails. */
	if (fclose(stdout) != 0 || failed) {
		output_error("write error: %s", strerror(errno ? errno : EIO));
		return RLCTL_EXIT_WRITE;
	}
	return status;
}
