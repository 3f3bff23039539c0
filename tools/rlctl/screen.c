/* SPDX-License-Identifier: MIT */
#include "screen.h"

#include <stdbool.h>
#include <string.h>

void screen_enter(FILE *out)
{
	fputs("\033[?1049h\033[?25l", out);
}

void screen_leave(FILE *out)
{
	fputs("\033[?25h\033[?1049l", out);
}

/* Length of the CSI sequence ("ESC [ params final") at `p`, or 0. */
static size_t csi_length(const char *p, const char *end)
{
	const char *q = p + 2;

	if (end - p < 2 || p[0] != '\033' || p[1] != '[')
		return 0;
	while (q < end && !(*q >= 0x40 && *q <= 0x7e))
		q++;
	return q < end ? (size_t)(q - p + 1) : 0;
}

/* Write the line [p, end) cut to `columns` characters. */
static void line_draw(FILE *out, const char *p, const char *end, int columns, bool color)
{
	int cells = 0;
	bool cut = false;

	while (p < end) {
		size_t n = csi_length(p, end);

		if (n == 0) {
			/* a UTF-8 continuation byte belongs to the cell before it */
			if (((unsigned char)*p & 0xc0) != 0x80 && cells++ == columns) {
				cut = true;
				break;
			}
			n = 1;
		}
		fwrite(p, 1, n, out);
		p += n;
	}
	/* a colour the cut left open ends here */
	if (cut && color)
		fputs("\033[m", out);
	fputs("\033[K", out);
}

void screen_draw(FILE *out, const char *text, size_t len, const struct style *st)
{
	const char *p = text, *end = text + len;
	int row = 0;

	fputs("\033[H", out);
	while (p < end && (st->rows == 0 || row < st->rows)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		/* no newline after the last row: it would scroll the screen */
		if (row > 0)
			fputs("\r\n", out);
		line_draw(out, p, eol, st->columns, st->color);
		row++;
		p = nl ? nl + 1 : end;
	}
	fputs("\033[J", out);
}
