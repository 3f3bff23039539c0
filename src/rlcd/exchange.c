/* SPDX-License-Identifier: MIT */
/* [exchange NAME] and [mode EXCHANGE NAME] of rlc.ini(5). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "parse.h"
#include "value.h"

#define PPM 1000000u
#define NS_PER_DAY (UINT64_C(86400) * 1000000000)
/* An exchange clock further off than this is a typo, not a clock. */
#define CLOCK_OFFSET_MAX_NS NS_PER_DAY
#define MODE_DURATION_DEFAULT_NS (UINT64_C(600) * 1000000000) /* 10m */
#define MODE_DURATION_MIN_NS UINT64_C(1000000000)            /* 1s */
#define MODE_DURATION_MAX_NS (7 * NS_PER_DAY)
#define BREAKER_FAILURES_DEFAULT 5u
#define BREAKER_TIME_DEFAULT_NS (UINT64_C(10) * 1000000000) /* 10s, cool-down and probe */
#define BREAKER_TIME_MIN_NS UINT64_C(1000000)                /* 1ms */

static const char *const priorities[RLC_PRIOS] = { "critical", "high", "normal", "low" };
/* enum rlc_dialect, in order */
static const char *const dialects[RLC_DIALECTS] = { "generic", "binance", "bybit", "okx",
						    "bitget" };

int cfg_priority(const char *val, uint32_t *prio, char *why, size_t len)
{
	*prio = cfg_choice(val, priorities, RLC_PRIOS);
	if (*prio != RLC_NONE)
		return 0;
	snprintf(why, len, "\"%s\" is not a priority: critical, high, normal or low", val);
	return -EINVAL;
}

uint32_t cfg_exchange_find(const struct rlc_config *cfg, const char *name)
{
	uint32_t i;

	for (i = 0; i < cfg->exchanges_count; i++)
		if (strcmp(cfg->exchanges[i].name, name) == 0)
			return i;
	return RLC_NONE;
}

/* A duration with an optional sign: the exchange clock may be behind UTC. */
static int read_clock_offset(const struct parse *p, const struct section *s,
			     struct rlc_exchange_config *ex)
{
	char why[256], most[RLC_DURATION_TEXT_MAX];
	const char *val;
	uint64_t ns;
	int err, negative;

	if ((err = cfg_lookup(p, s, "clock-offset", &val)) || !val)
		return err;
	negative = val[0] == '-';
	if (rlc_duration_parse(val + (negative || val[0] == '+'), &ns, why, sizeof(why)))
		return cfg_fail(p, s, "clock-offset", "%s", why);
	if (ns > CLOCK_OFFSET_MAX_NS) {
		rlc_duration_format(most, sizeof(most), CLOCK_OFFSET_MAX_NS, 0);
		return cfg_fail(p, s, "clock-offset",
				"\"%s\" is further than %s from UTC; the offset is the exchange "
				"clock minus UTC, usually milliseconds",
				val, most);
	}
	ex->clock_offset_ns = negative ? -(int64_t)ns : (int64_t)ns;
	return 0;
}

/* Whose error codes and bans the feedback call reads, and its circuit breaker. */
static int read_feedback(const struct parse *p, const struct section *s,
			 struct rlc_exchange_config *ex)
{
	char why[256];
	const char *val;
	uint64_t n;
	int err;

	if ((err = cfg_lookup(p, s, "dialect", &val)))
		return err;
	ex->dialect = val ? cfg_choice(val, dialects, RLC_DIALECTS) : RLC_DIALECT_GENERIC;
	if (ex->dialect == RLC_NONE)
		return cfg_fail(p, s, "dialect",
				"\"%s\" is not a dialect: generic, binance, bybit, okx or bitget",
				val);
	if ((err = cfg_lookup(p, s, "breaker-failures", &val)))
		return err;
	ex->breaker_failures = BREAKER_FAILURES_DEFAULT;
	/* the breaker word counts failures in 14 bits */
	if (val && rlc_parse_uint(val, 0, RLC_BREAKER_FAILURES_MAX, &n, why, sizeof(why)))
		return cfg_fail(p, s, "breaker-failures", "%s", why);
	if (val)
		ex->breaker_failures = (uint32_t)n;
	ex->breaker_cooldown_ns = ex->breaker_probe_ns = BREAKER_TIME_DEFAULT_NS;
	if ((err = cfg_duration(p, s, "breaker-cooldown", BREAKER_TIME_MIN_NS,
				RLC_BREAKER_TIME_MAX_NS, &ex->breaker_cooldown_ns)))
		return err;
	return cfg_duration(p, s, "breaker-probe-timeout", BREAKER_TIME_MIN_NS,
			    RLC_BREAKER_TIME_MAX_NS, &ex->breaker_probe_ns);
}

int cfg_read_exchanges(struct parse *p, struct rlc_config *cfg)
{
	unsigned i, n = 0;
	int err;

	for (i = 0; i < p->ini.count; i++)
		n += p->sections[i].kind == SECTION_EXCHANGE;
	cfg->exchanges = calloc(n ? n : 1, sizeof(*cfg->exchanges));
	p->exchange_of = calloc(n ? n : 1, sizeof(*p->exchange_of));
	if (!cfg->exchanges || !p->exchange_of)
		return cfg_no_memory(p);
	for (i = 0; i < p->ini.count; i++) {
		const struct section *s = &p->sections[i];
		struct rlc_exchange_config *ex = &cfg->exchanges[cfg->exchanges_count];
		struct rlc_mode_config *normal = &ex->modes[0];

		if (s->kind != SECTION_EXCHANGE)
			continue;
		/* a dot would make EX.ip.X ambiguous */
		if (!cfg_word_ok(s->word[0]))
			return cfg_fail(p, s, NULL, "bad exchange name (line %u): " WORD_RULE,
					s->line);
		if (cfg->exchanges_count == RLC_EXCHANGES_MAX)
			return cfg_fail(p, s, NULL, "more than %u exchanges (line %u)",
					RLC_EXCHANGES_MAX, s->line);
		strcpy(ex->name, s->word[0]);
		if ((err = read_clock_offset(p, s, ex)) || (err = read_feedback(p, s, ex)))
			return err;
		strcpy(normal->name, "normal");
		normal->buffer_ppm = RLC_NONE;
		normal->lowest = RLC_PRIO_LOW;
		normal->reserve_ppm = PPM;
		ex->modes_count = 1;
		p->exchange_of[cfg->exchanges_count++] = s;
	}
	return 0;
}

int cfg_section_exchange(const struct parse *p, const struct section *s,
			 const struct rlc_config *cfg, uint32_t *ex)
{
	*ex = cfg_exchange_find(cfg, s->word[0]);
	if (*ex != RLC_NONE)
		return 0;
	return cfg_fail(p, s, NULL, "exchange %.63s is not declared (line %u); add [exchange %.63s]",
			s->word[0], s->line, s->word[0]);
}

static int read_mode_keys(const struct parse *p, const struct section *s,
			  struct rlc_mode_config *m)
{
	char why[256];
	const char *val;
	int err;

	if ((err = cfg_lookup(p, s, "buffer", &val)))
		return err;
	if (val && rlc_parse_ppm(val, &m->buffer_ppm, why, sizeof(why)))
		return cfg_fail(p, s, "buffer", "%s", why);
	if (val && m->buffer_ppm >= PPM)
		return cfg_fail(p, s, "buffer", "must be below 100%%");
	if ((err = cfg_lookup(p, s, "lowest", &val)))
		return err;
	if (val && cfg_priority(val, &m->lowest, why, sizeof(why)))
		return cfg_fail(p, s, "lowest", "%s", why);
	if ((err = cfg_lookup(p, s, "reserve", &val)))
		return err;
	if (val && rlc_parse_ppm(val, &m->reserve_ppm, why, sizeof(why)))
		return cfg_fail(p, s, "reserve", "%s", why);
	if (val && m->reserve_ppm > PPM)
		return cfg_fail(p, s, "reserve", "\"%s\" is above 100%%", val);
	return cfg_duration(p, s, "duration", MODE_DURATION_MIN_NS, MODE_DURATION_MAX_NS,
			    &m->duration_ns);
}

int cfg_read_modes(const struct parse *p, struct rlc_config *cfg)
{
	struct rlc_exchange_config *ex;
	unsigned i;
	uint32_t e;
	int err;

	for (i = 0; i < p->ini.count; i++) {
		const struct section *s = &p->sections[i];
		struct rlc_mode_config *m;

		if (s->kind != SECTION_MODE)
			continue;
		if ((err = cfg_section_exchange(p, s, cfg, &e)))
			return err;
		ex = &cfg->exchanges[e];
		if (!cfg_word_ok(s->word[1]))
			return cfg_fail(p, s, NULL, "bad mode name (line %u): " WORD_RULE, s->line);
		if (strcmp(s->word[1], "normal") == 0)
			return cfg_fail(p, s, NULL,
					"normal is every exchange's own mode, with each limit as "
					"configured; give this mode another name (line %u)",
					s->line);
		if (ex->modes_count == RLC_MODES_MAX)
			return cfg_fail(p, s, NULL,
					"exchange %s has more than %u modes besides normal (line %u)",
					ex->name, RLC_MODES_MAX - 1, s->line);
		m = &ex->modes[ex->modes_count];
		*m = (struct rlc_mode_config){ .buffer_ppm = RLC_NONE, .lowest = RLC_PRIO_LOW,
					       .reserve_ppm = PPM,
					       .duration_ns = MODE_DURATION_DEFAULT_NS };
		strcpy(m->name, s->word[1]);
		if ((err = read_mode_keys(p, s, m)))
			return err;
		ex->modes_count++;
	}
	return 0;
}
