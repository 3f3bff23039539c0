/* SPDX-License-Identifier: MIT */
#include "style.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

const struct style style_plain = { false, false, STYLE_COLUMNS_DEFAULT, 0 };

int style_when_parse(const char *arg, enum style_when *when)
{
	static const char *const names[] = { "auto", "always", "never" };
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arg, names[i]) == 0) {
			*when = (enum style_when)i;
			return 0;
		}
	return -1;
}

/* $COLUMNS as a width, or 0 when it is unset or not a plausible one. */
static int columns_env(void)
{
	const char *s = getenv("COLUMNS");
	char *end;
	long n;

	if (!s || !*s)
		return 0;
	n = strtol(s, &end, 10);
	return *end == '\0' && n >= 20 && n <= 1000 ? (int)n : 0;
}

void style_for(int fd, enum style_when when, struct style *out)
{
	struct winsize ws;
	const char *no_color = getenv("NO_COLOR");
	bool tty = isatty(fd) == 1;

	out->color = when == STYLE_ALWAYS ||
		     (when == STYLE_AUTO && tty && !(no_color && *no_color));
	out->bars = tty || when == STYLE_ALWAYS;
	out->columns = columns_env();
	out->rows = 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
		if (!out->columns && ws.ws_col >= 20)
			out->columns = ws.ws_col;
		out->rows = ws.ws_row;
	}
	if (!out->columns)
		out->columns = STYLE_COLUMNS_DEFAULT;
}

enum style_tone style_tone_of(double pct)
{
	return pct < 70.0 ? STYLE_OK : pct < 90.0 ? STYLE_WARN : STYLE_BAD;
}

void style_start(FILE *out, const struct style *st, enum style_tone tone)
{
	static const char *const sgr[] = {
		[STYLE_OK] = "\033[32m",
		[STYLE_WARN] = "\033[33m",
		[STYLE_BAD] = "\033[1;31m",
		[STYLE_BOLD] = "\033[1m",
	};

	if (st->color && tone != STYLE_PLAIN)
		fputs(sgr[tone], out);
}

void style_end(FILE *out, const struct style *st, enum style_tone tone)
{
	if (st->color && tone != STYLE_PLAIN)
		fputs("\033[m", out);
}

void style_bar(FILE *out, const struct style *st, double pct, int cells)
{
	enum style_tone tone = style_tone_of(pct);
	/* observed usage may pass 100%: the bar is full, no more */
	int full = pct >= 100.0 ? cells : pct <= 0.0 ? 0 : (int)(pct * cells / 100.0 + 0.5);
	int i;

	fputc('[', out);
	if (full > 0)
		style_start(out, st, tone);
	for (i = 0; i < full; i++)
		fputc('#', out);
	if (full > 0)
		style_end(out, st, tone);
	for (; i < cells; i++)
		fputc('.', out);
	fputc(']', out);
}
