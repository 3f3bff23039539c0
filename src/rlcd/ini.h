/* SPDX-License-Identifier: MIT */
/*
 * INI text to an iniparser dictionary, plus the list of its section headers
 * and keys in file order.  iniparser merges a repeated [section] into the
 * first one and keeps the last of two equal keys without a word, and reads
 * `"2400` as 2400, so headers and keys are listed from the text itself
 * (with iniparser's own rules for continuations, comments, blanks and case)
 * to let config.c refuse a limit or a key given twice and a quote left open.
 */
#ifndef RLCD_INI_H
#define RLCD_INI_H

#include <stddef.h>

#include <dictionary.h>

struct rlc_ini_section {
	char *name;    /* as iniparser keys it: trimmed, lower case */
	unsigned line; /* 1-based line of the header in the text */
};

/* How a key's value uses quotes, which iniparser does not check. */
enum rlc_ini_quote {
	RLC_INI_QUOTE_FINE,     /* unquoted, or "..." / '...' and then at most a comment */
	RLC_INI_QUOTE_OPEN,     /* opens a quote it does not close */
	RLC_INI_QUOTE_TRAILING, /* text after the closing quote, which iniparser drops */
};

/* No section header above the key. */
#define RLC_INI_NO_SECTION (~0u)

struct rlc_ini_key {
	char *name;       /* as iniparser keys it: trimmed, lower case */
	unsigned section; /* index into sections of the header above, or RLC_INI_NO_SECTION */
	unsigned line;    /* 1-based line where the key's logical line starts */
	enum rlc_ini_quote quote;
	char mark;        /* the quote the value starts with, or '\0' */
};

struct rlc_ini {
	dictionary *dict;
	struct rlc_ini_section *sections;
	unsigned count;
	struct rlc_ini_key *keys;
	unsigned keys_count;
};

/*
 * Parse `size` bytes of INI `text`.  `file` names it in messages.  A UTF-8
 * byte-order mark at the start is skipped (editors on Windows write one).
 * The text goes through a memfd and iniparser_load("/proc/self/fd/N"), the
 * only loader iniparser 4.1 has, so a file and the built-in default are
 * read by the same code.  Not thread-safe (iniparser's error callback is
 * global).  Returns 0; -EINVAL for a syntax error, a NUL byte or a last
 * line continued with '\' (iniparser would drop it); -ENOMEM; or another
 * -errno when the memfd fails; `why` says which, naming `file` and the line.
 */
int rlc_ini_parse(struct rlc_ini *ini, const char *text, size_t size, const char *file, char *why,
		  size_t len);

/* Free what rlc_ini_parse() built; safe on a zeroed or freed struct. */
void rlc_ini_free(struct rlc_ini *ini);

#endif /* RLCD_INI_H */
