/* SPDX-License-Identifier: MIT */
#include "json.h"

#include "output.h"

void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', out);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			fputc(*p++, out);
		} else if (output_utf8_c1(p)) {
			/* Valid JSON either way; escaped, it cannot drive a
			 * terminal that shows the output. */
			fprintf(out, "\\u%04x", p[1]);
			p += 2;
		} else if ((n = output_utf8_length(p)) != 0) {
			fwrite(p, 1, n, out);
			p += n;
		} else {
			fputs("\\ufffd", out);
			p++;
		}
	}
	fputc('"', out);
}
