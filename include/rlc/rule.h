/* SPDX-License-Identifier: MIT */
/*
 * rlc/rule.h - the weight of a request on one limit, from the parameters the
 * caller passes and the endpoint's rule for that limit (rlc.ini(5) RULE).
 *
 * A rule is up to RLC_CLAUSES_MAX clauses; the first that applies gives the
 * weight.  A clause reads one parameter of the endpoint:
 *
 *   CONST  always: weight[0]
 *   IF     the parameter is present: weight[0]
 *   BY     its decimal value x (absent or not a number: `dflt`, or skip when
 *          dflt is RLC_NONE): weight[i] of the first bound[i] >= x, where
 *          bound RLC_NONE has no upper bound; x above every bound: the last
 *          weight
 *   COUNT  the number of items it lists, tiered as BY; absent: skip
 *   EACH   weight[0] per item, at most `max` (RLC_NONE: no cap); absent: skip
 *
 * This runs on the grant path of every request, on a private copy of the
 * rule made at open, so it is integer arithmetic over the caller's strings
 * and nothing else: no allocation, no libc, every loop bounded by the rule's
 * fixed arrays or by the caller's own string.  Whatever the copy holds, the
 * evaluator terminates and reads nothing outside it: an unknown kind is
 * skipped, a tier count is clamped to RLC_TIERS_MAX.  The copier checks
 * `param` against the endpoint's parameter count (it indexes the caller's
 * values) and that the last clause always applies.
 */
#ifndef RLC_RULE_H
#define RLC_RULE_H

#include <stdint.h>

#include "segment.h"

struct rlc_rule_clause {
	uint32_t kind;  /* enum rlc_clause_kind */
	uint32_t param; /* index into the endpoint's parameter list; unused by CONST */
	uint32_t tiers; /* BY, COUNT: 1 .. RLC_TIERS_MAX */
	uint32_t dflt;  /* BY: the value assumed when absent, or RLC_NONE: skip */
	uint32_t max;   /* EACH: the most weight, or RLC_NONE */
	uint32_t bound[RLC_TIERS_MAX];  /* increasing upper bounds; RLC_NONE: none */
	uint32_t weight[RLC_TIERS_MAX]; /* of each tier; CONST, IF, EACH: [0] */
};

struct rlc_rule {
	uint32_t clauses; /* 1 .. RLC_CLAUSES_MAX */
	struct rlc_rule_clause clause[RLC_CLAUSES_MAX];
};

static inline int rlc__rule_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The decimal integer `s` holds: digits only, blanks around them allowed.
 * A value past 64 bits saturates to UINT64_MAX, which is above every bound,
 * as the number is.  Returns 1 and *x, or 0 when `s` is not such a number.
 */
static inline int rlc_rule_integer(const char *s, uint64_t *x)
{
	uint64_t v = 0;
	const char *p = s;
	unsigned n;

	while (rlc__rule_blank(*p))
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	/* 19 digits always fit 64 bits: check for overflow only past them */
	for (n = 0; n < 19 && *p >= '0' && *p <= '9'; p++, n++)
		v = v * 10 + (uint64_t)(*p - '0');
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');

		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	while (rlc__rule_blank(*p))
		p++;
	if (*p != '\0')
		return 0;
	*x = v;
	return 1;
}

/*
 * Top-level elements of the JSON array starting at `s` (its '['): commas
 * outside strings and nested brackets, plus one when anything but blanks
 * stands inside.  Unterminated text counts what it holds: the exchange
 * refuses it anyway, and the count stays at most the string's length.
 */
static inline uint64_t rlc__rule_json_items(const char *s)
{
	uint64_t commas = 0, depth = 0;
	int in_string = 0, content = 0;
	const char *p;

	for (p = s + 1; *p; p++) {
		char c = *p;

		if (in_string) {
			if (c == '\\' && p[1])
				p++; /* the escaped character cannot end the string */
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && depth == 0)
			break; /* the array's own end */
		else if (c == ']' || c == '}')
			depth--;
		else if (c == ',' && depth == 0)
			commas++;
		if (!rlc__rule_blank(c))
			content = 1;
	}
	return content ? commas + 1 : 0;
}

/*
 * How many items the value `s` lists: a JSON array ("[\"A\",\"B\"]": its
 * top-level elements, "[]" none), else a comma list ("A,B,C": three; blank
 * or empty: none).
 */
static inline uint64_t rlc_rule_items(const char *s)
{
	uint64_t commas = 0;
	int content = 0;
	const char *p = s;

	while (rlc__rule_blank(*p))
		p++;
	if (*p == '[')
		return rlc__rule_json_items(p);
	for (; *p; p++) {
		if (*p == ',')
			commas++;
		else if (!rlc__rule_blank(*p))
			content = 1;
	}
	return content || commas ? commas + 1 : 0;
}

/* The weight of the first tier of `c` whose bound is at least x. */
static inline uint64_t rlc__rule_tier(const struct rlc_rule_clause *c, uint64_t x)
{
	uint32_t i, n = c->tiers < RLC_TIERS_MAX ? c->tiers : RLC_TIERS_MAX;

	for (i = 0; i + 1 < n; i++)
		if (x <= c->bound[i] || c->bound[i] == RLC_NONE)
			return c->weight[i];
	return c->weight[n - 1];
}

/* weight[0] per item, saturating, then capped at `max`. */
static inline uint64_t rlc__rule_each(const struct rlc_rule_clause *c, uint64_t items)
{
	uint64_t w = c->weight[0];
	uint64_t total = w && items > UINT64_MAX / w ? UINT64_MAX : w * items;

	return c->max != RLC_NONE && total > c->max ? c->max : total;
}

/* Does clause `c` apply to the caller's `values`?  Its weight in *w. */
static inline int rlc__rule_clause(const struct rlc_rule_clause *c, const char *const *values,
				   uint64_t *w)
{
	const char *v;
	uint64_t x;

	if (c->kind == RLC_CLAUSE_CONST) {
		*w = c->weight[0];
		return 1;
	}
	if (c->kind < RLC_CLAUSE_IF || c->kind > RLC_CLAUSE_EACH)
		return 0;
	v = values[c->param];
	switch (c->kind) {
	case RLC_CLAUSE_IF:
		*w = c->weight[0];
		return v != NULL;
	case RLC_CLAUSE_BY:
		if (c->tiers == 0)
			return 0;
		if (!v || !rlc_rule_integer(v, &x)) {
			if (c->dflt == RLC_NONE)
				return 0;
			x = c->dflt;
		}
		*w = rlc__rule_tier(c, x);
		return 1;
	case RLC_CLAUSE_COUNT:
		if (c->tiers == 0 || !v)
			return 0;
		*w = rlc__rule_tier(c, rlc_rule_items(v));
		return 1;
	default: /* EACH */
		if (!v)
			return 0;
		*w = rlc__rule_each(c, rlc_rule_items(v));
		return 1;
	}
}

/*
 * The weight rule `r` gives a request whose value of the endpoint's
 * parameter i is values[i] (NULL: absent; "": present without a value).
 * `values` must hold every parameter a clause names.  Wait-free.  Returns
 * the weight, which is above RLC_COUNT_MAX only for an EACH clause with no
 * cap (the caller refuses it as too big), or 0 when no clause applies (a
 * checked rule ends with one that always does).
 */
static inline uint64_t rlc_rule_weight(const struct rlc_rule *r, const char *const *values)
{
	uint32_t i, n = r->clauses < RLC_CLAUSES_MAX ? r->clauses : RLC_CLAUSES_MAX;
	uint64_t w;

	for (i = 0; i < n; i++)
		if (rlc__rule_clause(&r->clause[i], values, &w))
			return w;
	return 0;
}

#endif /* RLC_RULE_H */
