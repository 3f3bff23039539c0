/* SPDX-License-Identifier: MIT */
#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <iniparser.h>

/* iniparser_load() reads lines into a buffer of this many bytes. */
#define INI_LINE_MAX 1024

/* iniparser reports through one global callback; keep its first message. */
static char load_error[INI_LINE_MAX + 128];

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int keep_first_error(const char *fmt, ...)
{
	va_list ap;

	if (load_error[0] != '\0')
		return 0;
	va_start(ap, fmt);
	vsnprintf(load_error, sizeof(load_error), fmt, ap);
	va_end(ap);
	return 0;
}

/* Turn iniparser's message about `path` into one about `file`. */
static void explain_load_error(const char *file, const char *path, char *why, size_t len)
{
	char text[INI_LINE_MAX + 1];
	const char *msg = load_error, *at;
	unsigned line;
	size_t n;

	if (sscanf(msg, "iniparser: syntax error in %*s (%u): -> %1024[^\n]", &line, text) == 2) {
		snprintf(why, len,
			 "%s: line %u: syntax error: \"%s\" is not [section], key = value or a "
			 "; comment",
			 file, line, text);
		return;
	}
	if (msg[0] == '\0')
		msg = "cannot be parsed";
	if (strncmp(msg, "iniparser: ", 11) == 0)
		msg += 11;
	at = strstr(msg, path);
	snprintf(why, len, "%s: %.*s%s%s", file, at ? (int)(at - msg) : (int)strlen(msg), msg,
		 at ? file : "", at ? at + strlen(path) : "");
	n = strlen(why);
	while (n > 0 && isspace((unsigned char)why[n - 1]))
		why[--n] = '\0';
}

/* An anonymous file holding `text`, or -errno. */
static int text_to_memfd(const char *text, size_t size)
{
	int fd = memfd_create("rlc.ini", MFD_CLOEXEC), err;
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < size) {
		ssize_t n = write(fd, text + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			close(fd);
			return err;
		}
		done += (size_t)n;
	}
	return fd;
}

static int add_section(struct rlc_ini *ini, const char *name, size_t n, unsigned line)
{
	struct rlc_ini_section *grown;
	size_t i;

	grown = realloc(ini->sections, (ini->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ini->sections = grown;
	grown[ini->count].name = strndup(name, n);
	if (!grown[ini->count].name)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		grown[ini->count].name[i] = (char)tolower((unsigned char)name[i]);
	grown[ini->count].line = line;
	ini->count++;
	return 0;
}

/* A logical line that iniparser takes as [header]: add its name. */
static int check_header(struct rlc_ini *ini, const char *s, unsigned line)
{
	const char *close;
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	if (n < 2 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	/* the name is what lies before the first ']', stripped */
	for (s++, close = strchr(s, ']'); s < close && isspace((unsigned char)*s); s++)
		;
	while (close > s && isspace((unsigned char)close[-1]))
		close--;
	return add_section(ini, s, (size_t)(close - s), line);
}

/*
 * List the headers as iniparser_load() reads lines: blanks at the end are
 * stripped, a line then ending in '\' continues on the next one, and a
 * header is a logical line that starts with '[' and ends with ']'.
 */
static int list_sections(struct rlc_ini *ini, const char *text, size_t size)
{
	const char *p = text, *end = text + size;
	char line[INI_LINE_MAX + 1];
	unsigned lineno = 0, first = 0;
	size_t used = 0;
	int err;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (used == 0)
			first = lineno + 1;
		lineno++;
		/* iniparser refused longer lines already; truncating cannot matter */
		if (n > INI_LINE_MAX - used)
			n = INI_LINE_MAX - used;
		memcpy(line + used, p, n);
		used += n;
		p = nl ? nl + 1 : end;
		while (used > 0 && isspace((unsigned char)line[used - 1]))
			used--;
		if (used > 0 && line[used - 1] == '\\' && p < end) {
			used--;
			continue;
		}
		line[used] = '\0';
		used = 0;
		if ((err = check_header(ini, line, first)))
			return err;
	}
	return 0;
}

int rlc_ini_parse(struct rlc_ini *ini, const char *text, size_t size, const char *file, char *why,
		  size_t len)
{
	char path[64];
	const char *nul = memchr(text, '\0', size);
	int fd, err;

	memset(ini, 0, sizeof(*ini));
	if (nul) {
		snprintf(why, len, "%s: NUL byte at offset %zu: not a text file", file,
			 (size_t)(nul - text));
		return -EINVAL;
	}
	fd = text_to_memfd(text, size);
	if (fd < 0) {
		snprintf(why, len, "%s: memfd_create: %s", file, strerror(-fd));
		return fd;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	load_error[0] = '\0';
	iniparser_set_error_callback(keep_first_error);
	ini->dict = iniparser_load(path);
	iniparser_set_error_callback(NULL); /* back to iniparser's own */
	close(fd);
	if (!ini->dict) {
		explain_load_error(file, path, why, len);
		return -EINVAL;
	}
	if ((err = list_sections(ini, text, size))) {
		snprintf(why, len, "%s: %s", file, strerror(-err));
		rlc_ini_free(ini);
	}
	return err;
}

void rlc_ini_free(struct rlc_ini *ini)
{
	unsigned i;

	if (ini->dict)
		iniparser_freedict(ini->dict);
	for (i = 0; i < ini->count; i++)
		free(ini->sections[i].name);
	free(ini->sections);
	memset(ini, 0, sizeof(*ini));
}
