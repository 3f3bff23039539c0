/* SPDX-License-Identifier: MIT */
/*
 * [limit NAME] of rlc.ini(5): its keys, and what its name says about its
 * scope.  EX.ip.X of a declared exchange EX is that exchange's IP limit;
 * EX.account.X is a template that account.c lays out once per account.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration.h"
#include "layout.h"
#include "parse.h"
#include "value.h"

#define MS UINT64_C(1000000)
#define FIXED_LATENCY_NS (250 * MS)
#define FIXED_CLOCK_ERROR_NS (50 * MS)

/* Does `name` read EX.<part>.X, with EX `ex` and X not empty? */
static int named_as(const char *name, const char *ex, const char *part)
{
	size_t e = strlen(ex), n = strlen(part);

	return strncmp(name, ex, e) == 0 && name[e] == '.' && strncmp(name + e + 1, part, n) == 0 &&
	       name[e + 1 + n] == '.' && name[e + 2 + n] != '\0';
}

/* The declared exchange that the first dotted part of `name` names, or RLC_NONE. */
static uint32_t exchange_of(const struct rlc_config *cfg, const char *name)
{
	char first[RLC_NAME_MAX];
	size_t n = strcspn(name, ".");

	if (name[n] != '.')
		return RLC_NONE;
	memcpy(first, name, n);
	first[n] = '\0';
	return cfg_exchange_find(cfg, first);
}

/* scope = the limit name minus its last dotted component, unless given. */
static int read_scope(const struct parse *p, const struct section *s,
		      struct rlc_limit_config *lc)
{
	const char *val, *dot;
	size_t i;
	int err;

	if ((err = cfg_lookup(p, s, "scope", &val)))
		return err;
	if (val && lc->kind == RLC_SCOPE_ACCOUNT)
		return cfg_fail(p, s, "scope",
				"the name makes this limit every account's, each in the account's "
				"own scope; remove the line");
	if (lc->kind == RLC_SCOPE_ACCOUNT)
		return 0; /* EX.<account>, one per account: account.c sets it */
	/* EX.ip.X: EX.ip, whatever dots X holds */
	dot = lc->kind == RLC_SCOPE_IP ? strchr(strchr(lc->name, '.') + 1, '.')
				       : strrchr(lc->name, '.');
	if (val && lc->kind == RLC_SCOPE_IP)
		return cfg_fail(p, s, "scope",
				"the name gives this limit its exchange's IP scope, %.*s; remove "
				"the line",
				(int)(dot - lc->name), lc->name);
	if (!val) {
		if (!dot || dot == lc->name)
			return cfg_fail(p, s, "scope",
					"missing, and the limit name has no dotted prefix to take "
					"it from; add e.g. scope = exchange.ip");
		memcpy(lc->scope, lc->name, (size_t)(dot - lc->name));
		return 0;
	}
	/* iniparser lower-cases names but not values; scopes are names too */
	for (i = 0; val[i] && i < sizeof(lc->scope) - 1; i++)
		lc->scope[i] = (char)(val[i] >= 'A' && val[i] <= 'Z' ? val[i] - 'A' + 'a' : val[i]);
	if (val[i] != '\0' || !cfg_name_ok(lc->scope))
		return cfg_fail(p, s, "scope", "\"%s\" is not a scope name: " NAME_RULE, val);
	return 0;
}

static int read_algorithm(const struct parse *p, const struct section *s,
			  struct rlc_limit_config *lc)
{
	const char *val;
	int err;

	if ((err = cfg_lookup(p, s, "algorithm", &val)))
		return err;
	lc->algorithm = RLC_ALGO_WINDOW;
	if (val && strcasecmp(val, "bucket") == 0)
		lc->algorithm = RLC_ALGO_BUCKET;
	else if (val && strcasecmp(val, "fixed") == 0)
		lc->algorithm = RLC_ALGO_FIXED;
	else if (val && strcasecmp(val, "window") != 0)
		return cfg_fail(p, s, "algorithm", "\"%s\" is not window, bucket or fixed", val);
	return 0;
}

static int read_slots(const struct parse *p, const struct section *s,
		      struct rlc_limit_config *lc)
{
	char why[256];
	const char *val;
	uint64_t n;
	int err;

	if ((err = cfg_lookup(p, s, "slots", &val)))
		return err;
	if (val && lc->algorithm == RLC_ALGO_BUCKET)
		return cfg_fail(p, s, "slots",
				"a bucket has no slots; remove the line or make it a window");
	if (val && lc->algorithm == RLC_ALGO_FIXED)
		return cfg_fail(p, s, "slots",
				"a fixed limit counts whole intervals and has no slots; remove the "
				"line or make it a window");
	lc->slots = lc->algorithm == RLC_ALGO_WINDOW ? RLC_CONFIG_SLOTS : 0;
	if (val && rlc_parse_uint(val, 2, RLC_SLOTS_PER_LIMIT_MAX, &n, why, sizeof(why)))
		return cfg_fail(p, s, "slots", "%s", why);
	if (val)
		lc->slots = (uint32_t)n;
	return 0;
}

/* A fraction key (buffer, reserve-*) into *ppm when given. */
static int read_ppm(const struct parse *p, const struct section *s, const char *key,
		    uint32_t *ppm)
{
	char why[256];
	const char *val;
	int err;

	if ((err = cfg_lookup(p, s, key, &val)))
		return err;
	if (val && rlc_parse_ppm(val, ppm, why, sizeof(why)))
		return cfg_fail(p, s, key, "%s", why);
	return 0;
}

/* A duration key of a fixed limit into *ns when given; refused on any other. */
static int read_fixed_duration(const struct parse *p, const struct section *s,
			       const struct rlc_limit_config *lc, const char *key, uint64_t *ns)
{
	char why[256];
	const char *val;
	int err;

	if ((err = cfg_lookup(p, s, key, &val)) || !val)
		return err;
	if (lc->algorithm != RLC_ALGO_FIXED)
		return cfg_fail(p, s, key,
				"only a fixed limit has a %s: it widens the guard around each "
				"interval boundary; remove the line or set algorithm = fixed",
				key);
	if (rlc_duration_parse(val, ns, why, sizeof(why)))
		return cfg_fail(p, s, key, "%s", why);
	return 0;
}

static int read_keys(const struct parse *p, const struct section *s, struct rlc_limit_config *lc)
{
	char why[256];
	const char *val;
	uint64_t n;
	int err;

	if ((err = read_scope(p, s, lc)) || (err = read_algorithm(p, s, lc)) ||
	    (err = cfg_lookup(p, s, "capacity", &val)))
		return err;
	if (!val)
		return cfg_fail(p, s, "capacity", "missing; every limit needs its N");
	/* the segment's range, not uint32_t's: a window word holds 24 bits */
	if (rlc_parse_uint(val, 1, RLC_COUNT_MAX, &n, why, sizeof(why)))
		return cfg_fail(p, s, "capacity", "%s", why);
	lc->capacity = (uint32_t)n;
	if ((err = cfg_lookup(p, s, "interval", &val)))
		return err;
	if (!val)
		return cfg_fail(p, s, "interval", "missing; every limit needs its W, e.g. 1m");
	if (rlc_duration_parse(val, &lc->interval_ns, why, sizeof(why)))
		return cfg_fail(p, s, "interval", "%s", why);
	if (lc->algorithm == RLC_ALGO_FIXED) {
		lc->latency_ns = FIXED_LATENCY_NS;
		lc->clock_error_ns = FIXED_CLOCK_ERROR_NS;
	}
	if ((err = read_slots(p, s, lc)) || (err = read_ppm(p, s, "buffer", &lc->buffer_ppm)) ||
	    (err = read_ppm(p, s, "reserve-high", &lc->reserve_ppm[RLC_PRIO_HIGH])) ||
	    (err = read_ppm(p, s, "reserve-normal", &lc->reserve_ppm[RLC_PRIO_NORMAL])) ||
	    (err = read_ppm(p, s, "reserve-low", &lc->reserve_ppm[RLC_PRIO_LOW])) ||
	    (err = read_fixed_duration(p, s, lc, "latency", &lc->latency_ns)) ||
	    (err = read_fixed_duration(p, s, lc, "clock-error", &lc->clock_error_ns)))
		return err;
	return 0;
}

/* One [limit]: its kind from its name, its keys, the rules of layout.c. */
static int read_limit(const struct parse *p, const struct rlc_config *cfg,
		      const struct section *s, struct rlc_limit_config *lc, unsigned char *template)
{
	char why[256];
	uint32_t effective;
	uint64_t step;
	int err;

	strcpy(lc->name, s->word[0]);
	lc->exchange = exchange_of(cfg, lc->name);
	lc->account = RLC_NONE;
	lc->kind = RLC_SCOPE_OTHER;
	if (lc->exchange != RLC_NONE && named_as(lc->name, cfg->exchanges[lc->exchange].name, "ip"))
		lc->kind = RLC_SCOPE_IP;
	else if (lc->exchange != RLC_NONE &&
		 named_as(lc->name, cfg->exchanges[lc->exchange].name, "account"))
		lc->kind = RLC_SCOPE_ACCOUNT;
	*template = lc->kind == RLC_SCOPE_ACCOUNT;
	if ((err = read_keys(p, s, lc)))
		return err;
	/* the ranges and the derived values: layout.c keeps those rules */
	if (rlc_limit_derive(lc, &effective, &step, why, sizeof(why)))
		return cfg_fail(p, NULL, NULL, "%s", why);
	return 0;
}

int cfg_read_limits(struct parse *p, const struct rlc_config *cfg)
{
	unsigned i, n = 0;
	int err;

	for (i = 0; i < p->ini.count; i++)
		n += p->sections[i].kind == SECTION_LIMIT;
	p->decls = calloc(n ? n : 1, sizeof(*p->decls));
	p->decl_of = calloc(n ? n : 1, sizeof(*p->decl_of));
	p->template_of = calloc(n ? n : 1, sizeof(*p->template_of));
	if (!p->decls || !p->decl_of || !p->template_of)
		return cfg_no_memory(p);
	for (i = 0; i < p->ini.count; i++) {
		const struct section *s = &p->sections[i];

		if (s->kind != SECTION_LIMIT)
			continue;
		p->decl_of[p->decls_count] = s;
		err = read_limit(p, cfg, s, &p->decls[p->decls_count],
				 &p->template_of[p->decls_count]);
		if (err)
			return err;
		p->decls_count++;
	}
	return 0;
}
