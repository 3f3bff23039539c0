/* SPDX-License-Identifier: MIT */
/*
 * How the text report looks where it is printed: in colour or plain, with
 * usage bars or without, and how wide the bars are.  Colour and bars are
 * for people at a terminal.  Colour is off when stdout is not one, when
 * $NO_COLOR is set (https://no-color.org), or with --color=never, unless
 * --color=always.  Bars are shown on a terminal and with --color=always:
 * piped, the columns stay those that scripts split (rlctl(1)).
 */
#ifndef RLCTL_STYLE_H
#define RLCTL_STYLE_H

#include <stdbool.h>
#include <stdio.h>

/* The terminal width assumed when none is known. */
#define STYLE_COLUMNS_DEFAULT 80
/* Cells inside a usage bar's brackets: at least, and at most. */
#define STYLE_BAR_MIN 10
#define STYLE_BAR_MAX 40

enum style_when { STYLE_AUTO, STYLE_ALWAYS, STYLE_NEVER };

/* What a line or a bar means, and so its colour. */
enum style_tone {
	STYLE_PLAIN,
	STYLE_OK,   /* green: a limit below 70% of its effective capacity */
	STYLE_WARN, /* yellow: below 90% */
	STYLE_BAD,  /* red: at 90% or more, a blocked scope, a breaker not closed */
	STYLE_BOLD, /* headings */
};

struct style {
	bool color;
	bool bars;
	int columns; /* the terminal's width, or STYLE_COLUMNS_DEFAULT */
	int rows;    /* its height, or 0 when not known */
};

/* The plain style of a report that goes to no terminal: no colour, 80 columns, no height. */
extern const struct style style_plain;

/* Parse --color's WHEN: "auto", "always" or "never".  Returns 0, or -1. */
int style_when_parse(const char *arg, enum style_when *when);

/*
 * The style for output to file descriptor `fd`: colour as `when` and
 * $NO_COLOR say, bars on a terminal or when `when` is STYLE_ALWAYS; the width from $COLUMNS when it is a number from 20 to
 * 1000, else the terminal's (TIOCGWINSZ), else STYLE_COLUMNS_DEFAULT; the
 * height from the terminal, else 0.
 */
void style_for(int fd, enum style_when when, struct style *out);

/* The tone of a usage of `pct` percent. */
enum style_tone style_tone_of(double pct);

/* Start printing in `tone` (nothing when plain), and back to normal. */
void style_start(FILE *out, const struct style *st, enum style_tone tone);
void style_end(FILE *out, const struct style *st, enum style_tone tone);

/* "[####......]" of `cells` cells inside the brackets, `pct` of them filled, in its tone. */
void style_bar(FILE *out, const struct style *st, double pct, int cells);

#endif
