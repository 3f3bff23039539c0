/* SPDX-License-Identifier: MIT */
#include "rule.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "value.h"

/* Longer than any name (31), number (20) or tier (41) a rule can hold. */
#define TOKEN_MAX 64u

/* The words of a rule, one at a time, with one word of lookahead. */
struct lexer {
	const char *p;       /* what is left of the text */
	char tok[TOKEN_MAX]; /* the current word; "" at the end */
	int again;           /* give the current word once more */
	char ctx[64];        /* "clause 2 (by limit)": what messages are about */
	char *why;
	size_t len;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(const struct lexer *lx, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lx->ctx[0])
		snprintf(lx->why, lx->len, "%s: %s", lx->ctx, msg);
	else
		snprintf(lx->why, lx->len, "%s", msg);
	return -EINVAL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next word into lx->tok: 1, 0 at the end of the text, or -EINVAL. */
static int next(struct lexer *lx)
{
	size_t n;

	if (lx->again) {
		lx->again = 0;
		return lx->tok[0] != '\0';
	}
	while (is_blank(*lx->p))
		lx->p++;
	for (n = 0; lx->p[n] && !is_blank(lx->p[n]); n++)
		;
	if (n >= TOKEN_MAX)
		return fail(lx, "\"%.20s...\" is too long for a word of a rule", lx->p);
	memcpy(lx->tok, lx->p, n);
	lx->tok[n] = '\0';
	lx->p += n;
	return n != 0;
}

static int is_word(const struct lexer *lx, const char *word)
{
	return strcasecmp(lx->tok, word) == 0;
}

/* A whole number `s` in 0..max into *out; the reason says it was `what`. */
static int number(const struct lexer *lx, const char *what, const char *s, uint64_t max,
		  uint32_t *out)
{
	char msg[160];
	uint64_t v;

	if (rlc_parse_uint(s, 0, max, &v, msg, sizeof(msg)))
		return fail(lx, "%s %s", what, msg);
	*out = (uint32_t)v;
	return 0;
}

/* The word after a keyword, which must be there: 0, or -EINVAL naming `what`. */
static int need(struct lexer *lx, const char *what)
{
	int err = next(lx);

	if (err < 0)
		return err;
	if (err == 0)
		return fail(lx, "%s is missing at the end of the rule", what);
	return 0;
}

static int param_name(struct lexer *lx, struct rlc_clause_config *c)
{
	size_t i, n;
	int err;

	if ((err = need(lx, "the parameter name")))
		return err;
	n = strlen(lx->tok);
	for (i = 0; i < n; i++) {
		char ch = lx->tok[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			break;
	}
	if (i < n || n >= RLC_PARAM_MAX)
		return fail(lx,
			    "parameter name \"%s\" must be 1..%u characters of A-Z a-z 0-9 _ . -",
			    lx->tok, RLC_PARAM_MAX - 1);
	memcpy(c->param, lx->tok, n + 1);
	return 0;
}

/* One tier "B:W" or "*:W" in lx->tok, tier number `i` (0-based), into c. */
static int tier(const struct lexer *lx, struct rlc_clause_config *c, uint32_t i)
{
	char bound[TOKEN_MAX], what[32];
	char *colon;
	int err;

	memcpy(bound, lx->tok, sizeof(bound));
	colon = strchr(bound, ':');
	if (!colon)
		return fail(lx, "tier %u: \"%s\" is not BOUND:WEIGHT (such as 100:5 or *:10)",
			    i + 1, lx->tok);
	if (i > 0 && c->bound[i - 1] == RLC_NONE)
		return fail(lx, "tier %u: \"%s\" can never apply: the tier before it has no bound (*)",
			    i + 1, lx->tok);
	*colon = '\0';
	snprintf(what, sizeof(what), "tier %u: weight", i + 1);
	if ((err = number(lx, what, colon + 1, RLC_COUNT_MAX, &c->weight[i])))
		return err;
	if (strcmp(bound, "*") == 0) {
		c->bound[i] = RLC_NONE;
		return 0;
	}
	snprintf(what, sizeof(what), "tier %u: bound", i + 1);
	/* RLC_NONE is '*', so a number may not spell it */
	if ((err = number(lx, what, bound, RLC_NONE - 1u, &c->bound[i])))
		return err;
	if (i > 0 && c->bound[i] <= c->bound[i - 1])
		return fail(lx, "tier %u: bound %" PRIu32 " is not above the previous bound %" PRIu32,
			    i + 1, c->bound[i], c->bound[i - 1]);
	return 0;
}

/* The tiers of a by or count clause: every word with a ':' from here on. */
static int tiers(struct lexer *lx, struct rlc_clause_config *c)
{
	int err;

	for (c->tiers = 0;; c->tiers++) {
		if ((err = next(lx)) < 0)
			return err;
		if (err == 0 || !strchr(lx->tok, ':'))
			break;
		if (c->tiers == RLC_TIERS_MAX)
			return fail(lx, "\"%s\": more than %u tiers", lx->tok, RLC_TIERS_MAX);
		if ((err = tier(lx, c, c->tiers)))
			return err;
	}
	lx->again = 1;
	if (c->tiers == 0) {
		if (lx->tok[0] && !is_word(lx, "default") && !is_word(lx, "else"))
			return tier(lx, c, 0); /* says why the word is no tier */
		return fail(lx, "at least one tier BOUND:WEIGHT is needed, such as 100:5");
	}
	return 0;
}

/* An optional "KEYWORD VALUE" after a clause: *out, else `absent`. */
static int option(struct lexer *lx, const char *keyword, uint64_t max, uint32_t absent,
		  uint32_t *out)
{
	int err;

	*out = absent;
	if ((err = next(lx)) < 0)
		return err;
	if (err == 0 || !is_word(lx, keyword)) {
		lx->again = 1;
		return 0;
	}
	if ((err = need(lx, keyword)))
		return err;
	return number(lx, keyword, lx->tok, max, out);
}

/* The rest of a clause after its parameter name, into c. */
static int clause_body(struct lexer *lx, struct rlc_clause_config *c)
{
	int err;

	switch (c->kind) {
	case RLC_CLAUSE_IF:
	case RLC_CLAUSE_EACH:
		if ((err = need(lx, "the weight")) ||
		    (err = number(lx, "weight", lx->tok, RLC_COUNT_MAX, &c->weight[0])))
			return err;
		c->tiers = 1;
		if (c->kind == RLC_CLAUSE_EACH)
			return option(lx, "max", RLC_COUNT_MAX, RLC_NONE, &c->max);
		return 0;
	case RLC_CLAUSE_BY:
		if ((err = tiers(lx, c)))
			return err;
		return option(lx, "default", RLC_NONE - 1u, RLC_NONE, &c->dflt);
	default: /* COUNT */
		return tiers(lx, c);
	}
}

/* Clause number `i` (0-based), its first word in lx->tok, into c. */
static int clause(struct lexer *lx, struct rlc_clause_config *c, uint32_t i)
{
	static const struct {
		const char *word;
		enum rlc_clause_kind kind;
	} keywords[] = {
		{ "if", RLC_CLAUSE_IF },
		{ "by", RLC_CLAUSE_BY },
		{ "count", RLC_CLAUSE_COUNT },
		{ "each", RLC_CLAUSE_EACH },
	};
	size_t k;
	int err;

	memset(c, 0, sizeof(*c));
	c->dflt = RLC_NONE;
	c->max = RLC_NONE;
	for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (is_word(lx, keywords[k].word))
			break;
	snprintf(lx->ctx, sizeof(lx->ctx), "clause %u", i + 1);
	if (k == sizeof(keywords) / sizeof(keywords[0])) {
		if (lx->tok[0] < '0' || lx->tok[0] > '9')
			return fail(lx, "\"%s\" is neither a weight nor if, by, count or each",
				    lx->tok);
		c->kind = RLC_CLAUSE_CONST;
		c->tiers = 1;
		return number(lx, "weight", lx->tok, RLC_COUNT_MAX, &c->weight[0]);
	}
	c->kind = keywords[k].kind;
	if ((err = param_name(lx, c)))
		return err;
	snprintf(lx->ctx, sizeof(lx->ctx), "clause %u (%s %s)", i + 1, keywords[k].word, c->param);
	return clause_body(lx, c);
}

static int always_applies(const struct rlc_clause_config *c)
{
	return c->kind == RLC_CLAUSE_CONST || (c->kind == RLC_CLAUSE_BY && c->dflt != RLC_NONE);
}

/* After clause `i`: 1 when "else" follows, 0 at the end, or -EINVAL. */
static int more(struct lexer *lx, const struct rlc_clause_config *c, uint32_t i)
{
	int err;

	if ((err = next(lx)) <= 0)
		return err;
	lx->ctx[0] = '\0';
	if (is_word(lx, "default") || is_word(lx, "max"))
		return fail(lx, "\"%s\" after clause %u: only %s takes it", lx->tok, i + 1,
			    is_word(lx, "max") ? "each" : "by");
	if (!is_word(lx, "else"))
		return fail(lx, "\"%s\" after clause %u: expected else or the end of the rule",
			    lx->tok, i + 1);
	if (always_applies(c))
		return fail(lx, "clause %u always applies, so nothing may follow it", i + 1);
	if (i + 1 == RLC_CLAUSES_MAX)
		return fail(lx, "\"else\" after clause %u: a rule has at most %u clauses", i + 1,
			    RLC_CLAUSES_MAX);
	snprintf(lx->ctx, sizeof(lx->ctx), "clause %u", i + 2);
	if ((err = next(lx)) < 0)
		return err;
	if (err == 0)
		return fail(lx, "missing after \"else\" at the end of the rule");
	return 1;
}

int rlc_rule_parse(const char *text, struct rlc_link_config *out, char *why, size_t len)
{
	struct lexer lx = { .p = text, .why = why, .len = len };
	uint32_t i;
	int err;

	if ((err = next(&lx)) < 0)
		return err;
	if (err == 0)
		return fail(&lx, "empty rule: give a weight, such as 1, or clauses (if, by, count, "
				 "each)");
	for (i = 0;; i++) {
		if ((err = clause(&lx, &out->clause[i], i)) < 0 ||
		    (err = more(&lx, &out->clause[i], i)) < 0)
			return err;
		if (err == 0)
			break;
	}
	out->clauses = i + 1;
	lx.ctx[0] = '\0';
	if (!always_applies(&out->clause[i]))
		return fail(&lx, "the rule must end with a clause that always applies: a weight, "
				 "or by ... default V");
	return 0;
}
