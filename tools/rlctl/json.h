/* SPDX-License-Identifier: MIT */
/* JSON string literals that always parse, whatever bytes the segment holds. */
#ifndef RLCTL_JSON_H
#define RLCTL_JSON_H

#include <stdio.h>

/*
 * Write `s` to `out` as a quoted JSON string: '"' and '\' escaped, control
 * characters as \uXXXX, valid UTF-8 as is, and each byte that is not part
 * of valid UTF-8 as U+FFFD, so a name with garbage in it still yields
 * parseable JSON.
 */
void json_string(FILE *out, const char *s);

#endif
