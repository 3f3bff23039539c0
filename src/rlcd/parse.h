/* SPDX-License-Identifier: MIT */
/*
 * What the parsers of rlc.ini(5)'s sections share: the sections as read
 * from the text, the messages that name file, section and key, and the
 * lookups.  config.c reads the file and [rlcd]; exchange.c, limit.c,
 * account.c and endpoint.c one kind of section each.
 */
#ifndef RLCD_PARSE_H
#define RLCD_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ini.h"

enum section_kind {
	SECTION_RLCD,
	SECTION_LIMIT,    /* [limit NAME] */
	SECTION_EXCHANGE, /* [exchange NAME] */
	SECTION_ACCOUNT,  /* [account EX NAME] */
	SECTION_MODE,     /* [mode EX NAME] */
	SECTION_ENDPOINT, /* [endpoint EX METHOD PATH] */
};

#define SECTION_WORDS 3 /* after the kind word, at most EX METHOD PATH */

/* One section as the parsers see it. */
struct section {
	const char *key; /* iniparser's name, the prefix of its keys */
	char shown[160]; /* as messages print it: "rlcd", "limit NAME" */
	const char *const *keys; /* what it takes; NULL: endpoint.c judges each key */
	unsigned line;   /* of its header */
	unsigned index;  /* into ini.sections */
	enum section_kind kind;
	unsigned words;  /* after the kind word */
	char word[SECTION_WORDS][RLC_NAME_MAX];
};

struct parse {
	const char *file;
	char *why;
	size_t len;
	struct rlc_ini ini;
	struct section *sections; /* one per ini.sections[i], same order */
	const struct section *rlcd; /* NULL when there is no [rlcd] */
	/* [limit] sections in file order, account templates included */
	uint32_t decls_count;
	struct rlc_limit_config *decls;
	const struct section **decl_of;
	unsigned char *template_of; /* decls[i] is an EX.account.X template */
	/* cfg->limits[i] came from decls[limit_decl[i]] */
	uint32_t *limit_decl;
	const struct section **exchange_of; /* cfg->exchanges[i]'s section */
};

/* "FILE: [SECTION] KEY: message"; section or key may be NULL.  -EINVAL. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int cfg_fail(const struct parse *p, const struct section *s, const char *key, const char *fmt,
	     ...);

/* "FILE: out of memory"; -ENOMEM. */
int cfg_no_memory(const struct parse *p);

/*
 * The value of `key` in `s` in *val, NULL when absent.  Returns 0, or
 * -EINVAL for an empty value: "key =" is more likely a slip than a wish for
 * the default.
 */
int cfg_lookup(const struct parse *p, const struct section *s, const char *key, const char **val);

/* Limit and scope names: what rlctl prints and rlc_limit_id() matches. */
int cfg_name_ok(const char *s);
#define NAME_RULE "use a-z 0-9 . _ - only, at most 63 characters"

/* Exchange, account and mode names: one dotted part of a limit name. */
int cfg_word_ok(const char *s);
#define WORD_RULE "use a-z 0-9 _ - only, at most 63 characters"

/* Edit distance between two short keys, for "did you mean"; UINT_MAX if long. */
unsigned cfg_distance(const char *a, const char *b);

/* The index of `val` among the `n` words of `names`, in any case, or RLC_NONE. */
uint32_t cfg_choice(const char *val, const char *const *names, uint32_t n);

/* critical|high|normal|low, any case, into *prio; 0 or -EINVAL with a reason. */
int cfg_priority(const char *val, uint32_t *prio, char *why, size_t len);

/*
 * Duration key `key` of `s` into *ns when given, refused outside lo..hi
 * with that range.  0, or -EINVAL naming file, section and key.
 */
int cfg_duration(const struct parse *p, const struct section *s, const char *key, uint64_t lo,
		 uint64_t hi, uint64_t *ns);

/* The index of declared exchange `name`, or RLC_NONE. */
uint32_t cfg_exchange_find(const struct rlc_config *cfg, const char *name);

/*
 * The declared exchange that [mode], [account] or [endpoint] section `s`
 * names first, in *ex; 0, or -EINVAL naming the section.
 */
int cfg_section_exchange(const struct parse *p, const struct section *s,
			 const struct rlc_config *cfg, uint32_t *ex);

/* exchange.c: [exchange] first, then [mode], in file order. */
int cfg_read_exchanges(struct parse *p, struct rlc_config *cfg);
int cfg_read_modes(const struct parse *p, struct rlc_config *cfg);

/* limit.c: every [limit] into p->decls, in file order. */
int cfg_read_limits(struct parse *p, const struct rlc_config *cfg);

/* account.c: [account] (and each implicit "main"), then cfg->limits in segment order. */
int cfg_read_accounts(const struct parse *p, struct rlc_config *cfg);
int cfg_place_limits(struct parse *p, struct rlc_config *cfg);

/*
 * endpoint.c: the method and path of an [endpoint] header, checked with
 * the header itself (a ':' in the path would hide the section's keys), and
 * every [endpoint], once the limits are placed.
 */
int cfg_endpoint_header(const struct parse *p, const struct section *s);
int cfg_read_endpoints(const struct parse *p, struct rlc_config *cfg);

#endif /* RLCD_PARSE_H */
