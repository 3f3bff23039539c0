/* SPDX-License-Identifier: MIT */
/* A full-screen frame on a terminal, as top(1) draws one (ANSI/ECMA-48). */
#ifndef RLCTL_SCREEN_H
#define RLCTL_SCREEN_H

#include <stddef.h>
#include <stdio.h>

#include "style.h"

/* Switch to the alternate screen and hide the cursor. */
void screen_enter(FILE *out);

/* Show the cursor and go back to the screen as it was before screen_enter(). */
void screen_leave(FILE *out);

/*
 * Draw `text` (`len` bytes of lines, each ending in '\n') from the top
 * left: each line cut to st->columns cells, at most st->rows lines (all
 * when 0), the rest of each line and of the screen cleared.  A cell is a
 * character: the text is what report_text_styled() prints, printable
 * UTF-8 and the colour sequences of style.h, which take none.
 */
void screen_draw(FILE *out, const char *text, size_t len, const struct style *st);

#endif
