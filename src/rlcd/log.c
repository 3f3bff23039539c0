/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void rlc_log(const char *fmt, ...)
{
	char line[1024] = "rlcd: ";
	size_t n = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	/* one write, so lines from rlcd and the bots never interleave mid-line */
	strcat(line, "\n");
	fputs(line, stderr);
}
