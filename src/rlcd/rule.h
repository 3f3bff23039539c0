/* SPDX-License-Identifier: MIT */
/*
 * The RULE of an endpoint's limit key (rlc.ini(5)), text to clauses:
 *
 *   RULE   := CLAUSE ( "else" CLAUSE )*
 *   CLAUSE := N | if PARAM N | by PARAM TIER+ [default V] | count PARAM TIER+
 *           | each PARAM N [max M]
 *   TIER   := B:W | *:W
 *
 * The client evaluates the result with rlc/rule.h.
 */
#ifndef RLCD_RULE_H
#define RLCD_RULE_H

#include <stddef.h>

#include "config.h"

/*
 * Parse `text` into out->clauses and out->clause[] (nothing else of *out is
 * touched).  Checks everything the evaluator relies on: at most
 * RLC_CLAUSES_MAX clauses of at most RLC_TIERS_MAX tiers, bounds strictly
 * increasing, weights 0..RLC_COUNT_MAX, parameter names 1..31 characters of
 * [A-Za-z0-9_.-], and a last clause that always applies (N, or by ...
 * default V) with none after it.  Keywords are case-insensitive; parameter
 * names keep their case.  Returns 0, or -EINVAL with a reason naming the
 * clause and token at fault in `why` (the caller puts file, section and key
 * in front of it).
 */
int rlc_rule_parse(const char *text, struct rlc_link_config *out, char *why, size_t len);

#endif /* RLCD_RULE_H */
