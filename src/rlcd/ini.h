/* SPDX-License-Identifier: MIT */
/*
 * INI text to an iniparser dictionary, plus the list of its section headers
 * in file order.  iniparser merges a repeated [section] into the first one
 * without a word, so the headers are listed from the text itself (with
 * iniparser's own rules for continuations, blanks and case) to let
 * config.c refuse a limit defined twice.
 */
#ifndef RLCD_INI_H
#define RLCD_INI_H

#include <stddef.h>

#include <dictionary.h>

struct rlc_ini_section {
	char *name;    /* as iniparser keys it: trimmed, lower case */
	unsigned line; /* 1-based line of the header in the text */
};

struct rlc_ini {
	dictionary *dict;
	struct rlc_ini_section *sections;
	unsigned count;
};

/*
 * Parse `size` bytes of INI `text`.  `file` names it in messages.  The text
 * goes through a memfd and iniparser_load("/proc/self/fd/N"), the only
 * loader iniparser 4.1 has, so a file and the built-in default are read by
 * the same code.  Not thread-safe (iniparser's error callback is global).
 * Returns 0; -EINVAL for a syntax error or a NUL byte; -ENOMEM; or another
 * -errno when the memfd fails; `why` says which, naming `file` and the line.
 */
int rlc_ini_parse(struct rlc_ini *ini, const char *text, size_t size, const char *file, char *why,
		  size_t len);

/* Free what rlc_ini_parse() built; safe on a zeroed or freed struct. */
void rlc_ini_free(struct rlc_ini *ini);

#endif /* RLCD_INI_H */
