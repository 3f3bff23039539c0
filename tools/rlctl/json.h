/* SPDX-License-Identifier: MIT */
/* JSON string literals that always parse, whatever bytes the segment holds. */
#ifndef RLCTL_JSON_H
#define RLCTL_JSON_H

#include <stdio.h>

/*
 * Write `s` to `out` as a quoted JSON string (RFC 8259): '"' and '\'
 * escaped, control characters (C0, DEL and C1) as \uXXXX, other valid
 * UTF-8 as is, and each byte that is not part of valid UTF-8 as U+FFFD, so
 * a name with garbage in it still yields parseable JSON that holds no raw
 * control byte.
 */
void json_string(FILE *out, const char *s);

#endif
