/* SPDX-License-Identifier: MIT */
/*
 * [endpoint EXCHANGE METHOD PATH] of rlc.ini(5): a request's default
 * priority, and each limit it counts against (the key, relative to the
 * exchange: ip.weight, account.orders-10s, or any other EX.REST as REST)
 * with the RULE of its weight, which rule.c parses.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "rlc/catalog.h"
#include "rule.h"

static const char *const methods[] = { "get", "post", "put", "delete", NULL };

/* Path characters: what the exchanges' REST paths use, and nothing INI or a key treats specially. */
#define PATH_CHARS "abcdefghijklmnopqrstuvwxyz0123456789/-_.~%"
#define PARAM_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

int cfg_endpoint_header(const struct parse *p, const struct section *s)
{
	const char *method = s->word[1], *path = s->word[2];
	size_t i;

	for (i = 0; methods[i] && strcmp(methods[i], method) != 0; i++)
		;
	if (!methods[i])
		return cfg_fail(p, s, NULL, "method %s is not get, post, put or delete (line %u)",
				method, s->line);
	if (path[0] != '/' || strchr(path, '?'))
		return cfg_fail(p, s, NULL,
				"the path must start with / and hold no query (no ?): the client "
				"drops the query before it looks a path up (line %u)",
				s->line);
	if (path[strspn(path, PATH_CHARS)] != '\0')
		return cfg_fail(p, s, NULL,
				"the path may hold a-z 0-9 / - _ . ~ %% only (line %u)", s->line);
	if (strlen(method) + 1 + strlen(path) >= RLC_NAME_MAX)
		return cfg_fail(p, s, NULL,
				"\"%s %s\" is longer than %u characters (line %u)", method, path,
				RLC_NAME_MAX - 1, s->line);
	return 0;
}

/* "GET /fapi/v1/depth" from the header's words, which cfg_endpoint_header() checked. */
static void endpoint_name(const struct section *s, struct rlc_endpoint_config *ep)
{
	size_t i;

	for (i = 0; s->word[1][i]; i++)
		ep->name[i] = (char)(s->word[1][i] - 'a' + 'A');
	ep->name[i] = ' ';
	memcpy(ep->name + i + 1, s->word[2], strlen(s->word[2]) + 1);
}

/* The template index of EX.account.REST among exchange e's, or RLC_NONE. */
static uint32_t account_slot(const struct parse *p, uint32_t e, const char *name)
{
	uint32_t d, slot = 0;

	for (d = 0; d < p->decls_count; d++) {
		if (!p->template_of[d] || p->decls[d].exchange != e)
			continue;
		if (strcmp(p->decls[d].name, name) == 0)
			return slot;
		slot++;
	}
	return RLC_NONE;
}

/* The limit key `key` of exchange e into link->limit or link->account_slot. */
static int resolve(const struct parse *p, const struct rlc_config *cfg, const struct section *s,
		   uint32_t e, const char *key, struct rlc_link_config *link)
{
	const char *ex = cfg->exchanges[e].name;
	char name[2 * RLC_NAME_MAX + 2];
	const char *near = NULL;
	uint32_t i;

	snprintf(name, sizeof(name), "%s.%s", ex, key);
	link->limit = link->account_slot = RLC_NONE;
	if (strncmp(key, "account.", 8) == 0)
		link->account_slot = account_slot(p, e, name);
	for (i = 0; link->account_slot == RLC_NONE && i < cfg->limits_count; i++)
		if (cfg->limits[i].account == RLC_NONE && strcmp(cfg->limits[i].name, name) == 0)
			link->limit = i;
	if (link->limit != RLC_NONE || link->account_slot != RLC_NONE)
		return 0;
	for (i = 0; !near && i < p->decls_count; i++)
		if (p->decls[i].exchange == e && cfg_distance(name, p->decls[i].name) <= 2)
			near = p->decls[i].name + strlen(ex) + 1;
	if (near)
		return cfg_fail(p, s, key, "no limit %.100s; did you mean %s?", name, near);
	return cfg_fail(p, s, key,
			"unknown key: it is neither priority nor critical-if, and exchange %s has "
			"no limit %.100s (a limit key names one as ip.NAME, account.NAME or the "
			"rest of its name after %s.)",
			ex, name, ex);
}

/* Distinct parameters of the endpoint so far, which the client keeps per endpoint. */
static int count_param(const char *param, char (*seen)[RLC_PARAM_MAX], uint32_t *n)
{
	uint32_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(seen[i], param) == 0)
			return 0;
	if (*n == RLC_ENDPOINT_PARAMS_MAX)
		return -1;
	snprintf(seen[(*n)++], RLC_PARAM_MAX, "%s", param);
	return 0;
}

/* The limit configuration a link of exchange `e` counts against: the
 * account template's as its first account lays it out. */
static const struct rlc_limit_config *link_limit(const struct rlc_config *cfg, uint32_t e,
						 const struct rlc_link_config *link)
{
	uint32_t a;

	if (link->limit != RLC_NONE)
		return &cfg->limits[link->limit];
	for (a = 0; a < cfg->accounts_count; a++)
		if (cfg->accounts[a].exchange == e)
			return &cfg->limits[cfg->accounts[a].limits_first + link->account_slot];
	return NULL;
}

/* A tier no request can ever be granted: a weight above the capacity. */
static int weights_fit(const struct parse *p, const struct section *s, const char *key,
		       const struct rlc_link_config *link, const struct rlc_limit_config *lc)
{
	uint32_t c, t;

	for (c = 0; lc && c < link->clauses; c++) {
		const struct rlc_clause_config *cl = &link->clause[c];

		for (t = 0; t < cl->tiers; t++)
			if (cl->weight[t] > lc->capacity)
				return cfg_fail(p, s, key,
						"clause %u weighs %" PRIu32 ", more than the capacity %" PRIu32
						" of %s: no such request could ever be granted",
						c + 1, cl->weight[t], lc->capacity, lc->name);
		if (cl->kind == RLC_CLAUSE_EACH && cl->max != RLC_NONE && cl->max > lc->capacity)
			return cfg_fail(p, s, key,
					"clause %u: max %" PRIu32 " is more than the capacity %" PRIu32
					" of %s: a request that weighed it could never be granted",
					c + 1, cl->max, lc->capacity, lc->name);
	}
	return 0;
}

static int read_link(const struct parse *p, const struct rlc_config *cfg, const struct section *s,
		     uint32_t e, const char *key, struct rlc_endpoint_config *ep,
		     char (*params)[RLC_PARAM_MAX], uint32_t *nparams)
{
	struct rlc_link_config *link = &ep->links[ep->links_count];
	char why[256];
	const char *val;
	uint32_t c;
	int err;

	/* before anything is written to links[links_count] */
	if (ep->links_count == RLC_LINK_MAX)
		return cfg_fail(p, s, key,
				"one limit key too many: an endpoint counts against at most %u "
				"limits",
				RLC_LINK_MAX);
	if ((err = resolve(p, cfg, s, e, key, link)))
		return err;
	if ((err = cfg_lookup(p, s, key, &val)))
		return err;
	if (rlc_rule_parse(val, link, why, sizeof(why)))
		return cfg_fail(p, s, key, "%s", why);
	if ((err = weights_fit(p, s, key, link, link_limit(cfg, e, link))))
		return err;
	for (c = 0; c < link->clauses; c++)
		if (link->clause[c].kind != RLC_CLAUSE_CONST &&
		    count_param(link->clause[c].param, params, nparams))
			return cfg_fail(p, s, key,
					"the endpoint's rules read more than %u parameters",
					RLC_ENDPOINT_PARAMS_MAX);
	ep->links_count++;
	return 0;
}

static int read_critical_if(const struct parse *p, const struct section *s,
			    struct rlc_endpoint_config *ep, char (*params)[RLC_PARAM_MAX],
			    uint32_t *nparams)
{
	const char *val;
	int err;

	if ((err = cfg_lookup(p, s, "critical-if", &val)))
		return err;
	if (strlen(val) >= RLC_PARAM_MAX || val[strspn(val, PARAM_CHARS)] != '\0')
		return cfg_fail(p, s, "critical-if",
				"\"%s\" is not a parameter name: 1 to %u characters of A-Z a-z 0-9 "
				"_ . -",
				val, RLC_PARAM_MAX - 1);
	strcpy(ep->critical_if, val);
	return count_param(val, params, nparams); /* the first: there is room */
}

/* Every key of the section, in file order. */
static int read_keys(const struct parse *p, const struct rlc_config *cfg, const struct section *s,
		     uint32_t e, struct rlc_endpoint_config *ep)
{
	char params[RLC_ENDPOINT_PARAMS_MAX][RLC_PARAM_MAX];
	char why[256];
	const char *val;
	uint32_t nparams = 0;
	unsigned k;
	int err;

	ep->priority = RLC_PRIO_NORMAL;
	if ((err = cfg_lookup(p, s, "priority", &val)))
		return err;
	if (val && cfg_priority(val, &ep->priority, why, sizeof(why)))
		return cfg_fail(p, s, "priority", "%s", why);
	if ((err = cfg_lookup(p, s, "critical-if", &val)))
		return err;
	if (val && (err = read_critical_if(p, s, ep, params, &nparams)))
		return err;
	for (k = 0; k < p->ini.keys_count; k++) {
		const char *key = p->ini.keys[k].name;

		if (p->ini.keys[k].section != s->index || strcmp(key, "priority") == 0 ||
		    strcmp(key, "critical-if") == 0)
			continue;
		if ((err = read_link(p, cfg, s, e, key, ep, params, &nparams)))
			return err;
	}
	if (ep->links_count == 0)
		return cfg_fail(p, s, NULL,
				"no limit key: an endpoint counts against 1 to %u limits, e.g. "
				"ip.weight = 1 (line %u)",
				RLC_LINK_MAX, s->line);
	return 0;
}

/* Exchange e's endpoints, in file order, after those of the exchanges before it. */
static int read_exchange_endpoints(const struct parse *p, struct rlc_config *cfg, uint32_t e)
{
	struct rlc_endpoint_config *ep;
	unsigned i;
	int err;

	for (i = 0; i < p->ini.count; i++) {
		const struct section *s = &p->sections[i];

		if (s->kind != SECTION_ENDPOINT || strcmp(s->word[0], cfg->exchanges[e].name) != 0)
			continue;
		if (cfg->endpoints_count == RLC_ENDPOINTS_MAX)
			return cfg_fail(p, s, NULL, "more than %u endpoints (line %u)",
					RLC_ENDPOINTS_MAX, s->line);
		ep = &cfg->endpoints[cfg->endpoints_count];
		ep->exchange = e;
		endpoint_name(s, ep);
		if ((err = read_keys(p, cfg, s, e, ep)))
			return err;
		cfg->endpoints_count++;
	}
	return 0;
}

int cfg_read_endpoints(const struct parse *p, struct rlc_config *cfg)
{
	unsigned i, n = 0;
	uint32_t e;
	int err;

	for (i = 0; i < p->ini.count; i++)
		if (p->sections[i].kind == SECTION_ENDPOINT) {
			if ((err = cfg_section_exchange(p, &p->sections[i], cfg, &e)))
				return err;
			n++;
		}
	cfg->endpoints = calloc(n ? n : 1, sizeof(*cfg->endpoints));
	if (!cfg->endpoints)
		return cfg_no_memory(p);
	for (e = 0; e < cfg->exchanges_count; e++)
		if ((err = read_exchange_endpoints(p, cfg, e)))
			return err;
	return 0;
}
