/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* sd-daemon(3) priorities */
enum { LOG_ERR_LEVEL = 3, LOG_WARN_LEVEL = 4, LOG_INFO_LEVEL = 6 };

/*
 * Is fd 2 the journal's stream?  systemd sets $JOURNAL_STREAM to
 * "DEVICE:INODE" of the stream it connects; a child whose stderr was
 * redirected inherits the variable but not the stream, so both must match.
 * Looked at once: rlcd never moves its stderr.
 */
static int to_journal(void)
{
	static int known, journal;
	const char *env;
	uintmax_t dev, ino;
	struct stat st;
	char end;

	if (known)
		return journal;
	known = 1;
	env = getenv("JOURNAL_STREAM");
	if (env && sscanf(env, "%ju:%ju%c", &dev, &ino, &end) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0)
		journal = (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
	return journal;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void vlog(int level, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;

	if (to_journal())
		snprintf(line, sizeof(line), "<%d>", level);
	else
		strcpy(line, "rlcd: ");
	n = strlen(line);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	strcat(line, "\n");
	fputs(line, stderr);
}

void rlc_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO_LEVEL, fmt, ap);
	va_end(ap);
}

void rlc_log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARN_LEVEL, fmt, ap);
	va_end(ap);
}

void rlc_log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR_LEVEL, fmt, ap);
	va_end(ap);
}
