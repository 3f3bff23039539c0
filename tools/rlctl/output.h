/* SPDX-License-Identifier: MIT */
/*
 * Everything rlctl prints.  Names come from the command line, the
 * environment and the segment, and any client can write any bytes into the
 * segment, so no byte reaches a terminal raw unless it is printable UTF-8;
 * and a report that cannot be written is an error, not a silent exit 0.
 */
#ifndef RLCTL_OUTPUT_H
#define RLCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Room for output_escape() of a string of `n` bytes: 4 per byte ("\xff"). */
#define OUTPUT_ESCAPED_MAX(n) (4 * (n) + 1)

/*
 * Length of the well-formed UTF-8 sequence at `p` (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF) of two bytes or more, or 0
 * if there is none (ASCII, a stray byte, a NUL).
 */
size_t output_utf8_length(const unsigned char *p);

/* Is the UTF-8 sequence at `p` a C1 control (U+0080..U+009F, e.g. CSI)? */
static inline bool output_utf8_c1(const unsigned char *p)
{
	return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

/*
 * Copy `src` into `dst` (`len` bytes, NUL-terminated) for a terminal:
 * printable ASCII and UTF-8 as they are; '\' as "\\"; tab, newline and
 * carriage return as "\t", "\n", "\r"; every other byte (C0, DEL, C1, a
 * byte that is not UTF-8) as "\xHH".  What does not fit is cut, never
 * inside an escape or a character.  Returns `dst`.
 */
const char *output_escape(char *dst, size_t len, const char *src);

/* A list of names in a message, NUL included: what does not fit ends in "...". */
#define OUTPUT_LIST_MAX 600

/* Append `name` to the ", "-separated list in `list` (OUTPUT_LIST_MAX bytes). */
void output_list_add(char *list, const char *name);

/*
 * Say that WHAT 'NAME' is not in segment `label`, listing its WHATs from
 * `list` (output_list_add()), or that it has none when `list` is empty.
 */
void output_not_in(const char *what, const char *name, const char *label, const char *list);

/* Print "rlctl: " and the message on stderr, escaped, and a newline. */
__attribute__((format(printf, 1, 2))) void output_error(const char *fmt, ...);

/* The same for a message escaped already, word for word: rlcd's own. */
void output_error_escaped(const char *message);

/*
 * Close stdout, which is the only way to learn whether all that was
 * written to it arrived.  Returns `status`, or RLCTL_EXIT_WRITE after
 * saying "write error: REASON" on stderr.  Nothing may write to stdout
 * afterwards.
 */
int output_close(int status);

#endif
