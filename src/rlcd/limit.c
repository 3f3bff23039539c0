/* SPDX-License-Identifier: MIT */
/*
 * [limit NAME] of rlc.ini(5): its keys, and what its name says about its
 * scope.  EX.ip.X of a declared exchange EX is that exchange's IP limit;
 * EX.account.X is a template that account.c lays out once per account.
 * `header` names the usage header that reports the limit (rlc/feedback.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration.h"
#include "layout.h"
#include "parse.h"
#include "rlc/catalog.h"
#include "value.h"

#define MS UINT64_C(1000000)
#define FIXED_LATENCY_NS (250 * MS)
#define FIXED_CLOCK_ERROR_NS (50 * MS)

/* `header` values: enum rlc_observe from RLC_OBSERVE_MBX_WEIGHT on, in order */
static const char *const headers[] = { "x-mbx-used-weight", "x-mbx-order-count",
				       "x-bapi-limit", "x-mbx-used-remain-limit" };
#define HEADERS (sizeof(headers) / sizeof(headers[0]))
RLC_STATIC_ASSERT(HEADERS == RLC_OBSERVE_REMAIN, "a name for every usage header");

/* Is it an exchange-wide X-MBX-* header, which names the interval it counts? */
static int mbx(uint32_t observe)
{
	return observe == RLC_OBSERVE_MBX_WEIGHT || observe == RLC_OBSERVE_MBX_ORDERS;
}

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

/*
 * `header`, after the interval.  X-MBX-USED-WEIGHT-1M reports the IP's
 * weight and X-MBX-ORDER-COUNT-10S an account's orders, each for the
 * interval it names in whole seconds, minutes, hours or days; the others
 * report the limit of the endpoint that answered, whatever its scope.
 */
static int read_usage_header(const struct parse *p, const struct rlc_config *cfg,
			     const struct section *s, struct rlc_limit_config *lc)
{
	char w[RLC_DURATION_TEXT_MAX];
	const char *val, *ex;
	uint32_t h;
	int err;

	if ((err = cfg_lookup(p, s, "header", &val)) || !val)
		return err;
	h = cfg_choice(val, headers, HEADERS);
	if (h == RLC_NONE)
		return cfg_fail(p, s, "header",
				"\"%s\" is not a usage header: x-mbx-used-weight, "
				"x-mbx-order-count, x-bapi-limit or x-mbx-used-remain-limit",
				val);
	lc->observe = RLC_OBSERVE_MBX_WEIGHT + h;
	if (lc->exchange == RLC_NONE)
		return cfg_fail(p, s, "header",
				"a usage header comes with an exchange's responses, and this limit "
				"belongs to no exchange: the first part of its name names no "
				"[exchange]");
	ex = cfg->exchanges[lc->exchange].name;
	if (lc->observe == RLC_OBSERVE_MBX_WEIGHT && lc->kind != RLC_SCOPE_IP)
		return cfg_fail(p, s, "header",
				"x-mbx-used-weight reports the weight of the IP, and this is no IP "
				"limit; name it %s.ip.NAME",
				ex);
	if (lc->observe == RLC_OBSERVE_MBX_ORDERS && lc->kind != RLC_SCOPE_ACCOUNT)
		return cfg_fail(p, s, "header",
				"x-mbx-order-count reports an account's orders, and this is no "
				"account limit; name it %s.account.NAME",
				ex);
	if (mbx(lc->observe) && lc->interval_ns % RLC_FIXED_MIN_NS != 0) {
		rlc_duration_format(w, sizeof(w), lc->interval_ns, 0);
		return cfg_fail(p, s, "header",
				"%s names its interval in whole seconds, minutes, hours or days "
				"(-10S, -1M, -1D), and the interval %s is not whole seconds",
				headers[h], w);
	}
	return 0;
}

static int read_keys(const struct parse *p, const struct rlc_config *cfg,
		     const struct section *s, struct rlc_limit_config *lc)
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
	    (err = read_fixed_duration(p, s, lc, "clock-error", &lc->clock_error_ns)) ||
	    (err = read_usage_header(p, cfg, s, lc)))
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
	if ((err = read_keys(p, cfg, s, lc)))
		return err;
	/* the ranges and the derived values: layout.c keeps those rules */
	if (rlc_limit_derive(lc, &effective, &step, why, sizeof(why)))
		return cfg_fail(p, NULL, NULL, "%s", why);
	return 0;
}

/*
 * Per exchange, an X-MBX-* header and an interval name one limit (an
 * account template: one limit of each account), and the client keeps at
 * most RLC_OBSERVED_MAX of them.
 */
static int usage_headers_ok(const struct parse *p, const struct rlc_config *cfg)
{
	char w[RLC_DURATION_TEXT_MAX];
	uint32_t i, j, n;

	for (i = 0; i < p->decls_count; i++) {
		const struct rlc_limit_config *a = &p->decls[i];

		if (!mbx(a->observe))
			continue;
		for (n = 1, j = 0; j < i; j++) {
			const struct rlc_limit_config *b = &p->decls[j];

			if (!mbx(b->observe) || b->exchange != a->exchange)
				continue;
			if (b->observe == a->observe && b->interval_ns == a->interval_ns) {
				rlc_duration_format(w, sizeof(w), a->interval_ns, 0);
				return cfg_fail(p, p->decl_of[i], "header",
						"%s at interval %s reports [limit %s] already: one "
						"limit per header and interval",
						headers[a->observe - RLC_OBSERVE_MBX_WEIGHT], w,
						b->name);
			}
			n++;
		}
		if (n > RLC_OBSERVED_MAX)
			return cfg_fail(p, p->decl_of[i], "header",
					"exchange %s has more than %u limits with an x-mbx-* "
					"header",
					cfg->exchanges[a->exchange].name, RLC_OBSERVED_MAX);
	}
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
	return usage_headers_ok(p, cfg);
}
