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

/* A copy of `name` (`n` bytes) in lower case, as iniparser's strlwc makes it. */
static char *lower_dup(const char *name, size_t n)
{
	char *copy = strndup(name, n);
	size_t i;

	for (i = 0; copy && i < n; i++)
		copy[i] = (char)tolower((unsigned char)copy[i]);
	return copy;
}

static int add_section(struct rlc_ini *ini, const char *name, size_t n, unsigned line)
{
	struct rlc_ini_section *grown;

	grown = realloc(ini->sections, (ini->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ini->sections = grown;
	grown[ini->count].name = lower_dup(name, n);
	if (!grown[ini->count].name)
		return -ENOMEM;
	grown[ini->count].line = line;
	ini->count++;
	return 0;
}

/*
 * iniparser takes a value that starts with a quote `mark` up to the next
 * same quote, and drops the rest; a value with no closing quote it takes
 * whole.  `rest` follows the opening quote.
 */
static enum rlc_ini_quote quote_of(char mark, const char *rest)
{
	const char *close;

	if (!mark)
		return RLC_INI_QUOTE_FINE;
	close = strchr(rest, mark);
	if (!close)
		return RLC_INI_QUOTE_OPEN;
	for (close++; isspace((unsigned char)*close); close++)
		;
	return *close == '\0' || *close == ';' || *close == '#' ? RLC_INI_QUOTE_FINE
								: RLC_INI_QUOTE_TRAILING;
}

static int add_key(struct rlc_ini *ini, const char *name, size_t n, unsigned line,
		   const char *value)
{
	char mark = *value == '"' || *value == '\'' ? *value : '\0';
	struct rlc_ini_key *grown;

	/* doubling: a large file may hold many keys */
	if ((ini->keys_count & (ini->keys_count - 1)) == 0) {
		grown = realloc(ini->keys, (ini->keys_count ? 2 * ini->keys_count : 1) *
						   sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		ini->keys = grown;
	}
	ini->keys[ini->keys_count] = (struct rlc_ini_key){
		lower_dup(name, n), ini->count ? ini->count - 1 : RLC_INI_NO_SECTION, line,
		quote_of(mark, value + 1), mark
	};
	if (!ini->keys[ini->keys_count].name)
		return -ENOMEM;
	ini->keys_count++;
	return 0;
}

/*
 * A logical line as iniparser_line() takes it, stripped: blank or a comment
 * adds nothing, "[...]" a section (the name before the first ']'), and
 * "key = value" a key (what lies before the first '=').  iniparser_load()
 * has refused every other line already, bar one-character lines it skips.
 */
static int list_line(struct rlc_ini *ini, const char *s, unsigned line)
{
	const char *close, *eq;
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		for (s++, close = strchr(s, ']'); s < close && isspace((unsigned char)*s); s++)
			;
		while (close > s && isspace((unsigned char)close[-1]))
			close--;
		return add_section(ini, s, (size_t)(close - s), line);
	}
	eq = strchr(s, '=');
	if (!eq || eq == s)
		return 0;
	for (close = eq; close > s && isspace((unsigned char)close[-1]); close--)
		;
	for (eq++; isspace((unsigned char)*eq); eq++)
		;
	return add_key(ini, s, (size_t)(close - s), line, eq);
}

/*
 * List headers and keys as iniparser_load() reads lines: blanks at the end
 * are stripped, and a line then ending in '\' continues on the next one.
 * A continuation with no line after it iniparser drops without a word:
 * that is refused, naming the line.
 */
static int list_lines(struct rlc_ini *ini, const char *text, size_t size, const char *file,
		      char *why, size_t len)
{
	const char *p = text, *end = text + size;
	char line[INI_LINE_MAX + 1];
	unsigned lineno = 0, first = 0;
	size_t used = 0;
	int err, continued = 0;

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
		/* a line of a lone '\' continues too, with nothing kept */
		continued = used > 0 && line[used - 1] == '\\';
		if (continued) {
			used--;
			continue;
		}
		line[used] = '\0';
		used = 0;
		if ((err = list_line(ini, line, first))) {
			snprintf(why, len, "%s: %s", file, strerror(-err));
			return err;
		}
	}
	if (continued) {
		snprintf(why, len,
			 "%s: line %u: ends in \\ but no line follows to continue it; remove the \\",
			 file, lineno);
		return -EINVAL;
	}
	return 0;
}

int rlc_ini_parse(struct rlc_ini *ini, const char *text, size_t size, const char *file, char *why,
		  size_t len)
{
	static const char bom[3] = { '\xef', '\xbb', '\xbf' };
	char path[64];
	const char *nul = memchr(text, '\0', size);
	int fd, err;

	memset(ini, 0, sizeof(*ini));
	if (nul) {
		snprintf(why, len, "%s: NUL byte at offset %zu: not a text file", file,
			 (size_t)(nul - text));
		return -EINVAL;
	}
	/* iniparser would read the mark as part of the first line */
	if (size >= sizeof(bom) && memcmp(text, bom, sizeof(bom)) == 0) {
		text += sizeof(bom);
		size -= sizeof(bom);
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
	if ((err = list_lines(ini, text, size, file, why, len)))
		rlc_ini_free(ini);
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
	for (i = 0; i < ini->keys_count; i++)
		free(ini->keys[i].name);
	free(ini->keys);
	memset(ini, 0, sizeof(*ini));
}
