/* SPDX-License-Identifier: MIT */
/*
 * rlc.ini parsing: a good file gives the expected values, every mistake a
 * message naming file, section and key, and the built-in default is
 * etc/rlc.ini.
 */
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "layout.h"
#include "rlc/catalog.h"

#define MS UINT64_C(1000000)
#define SEC UINT64_C(1000000000)

static char why[1024];

static int parse(struct rlc_config *cfg, const char *text)
{
	why[0] = '\0';
	return rlc_config_parse(cfg, text, strlen(text), "rlc.ini", why, sizeof(why));
}

/* `text` must be refused with exactly `message`. */
static void refused(const char *text, const char *message)
{
	struct rlc_config cfg;

	assert_int_equal(parse(&cfg, text), -EINVAL);
	assert_string_equal(why, message);
	assert_null(cfg.limits);
}

/* `text` must be refused with a message that starts with `prefix`. */
static void refused_prefix(const char *text, const char *prefix)
{
	struct rlc_config cfg;

	assert_int_equal(parse(&cfg, text), -EINVAL);
	if (strncmp(why, prefix, strlen(prefix)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", why, prefix);
	assert_null(cfg.limits);
}

/* An exchange with an IP limit and two account templates, before `more`. */
static void with_exchange(char *text, size_t size, const char *more)
{
	snprintf(text, size,
		 "[exchange ex]\n"
		 "[limit ex.ip.weight]\ncapacity = 2400\ninterval = 1m\n"
		 "[limit ex.account.orders-10s]\ncapacity = 300\ninterval = 10s\n"
		 "[limit ex.account.orders-1d]\ncapacity = 200000\ninterval = 1d\nslots = 24\n"
		 "%s",
		 more);
}

#define DEPTH "[endpoint ex get /fapi/v1/depth]\n"

static void refused_with_exchange(const char *more, const char *message)
{
	char text[2048];

	with_exchange(text, sizeof(text), more);
	refused(text, message);
}

static const struct rlc_limit_config *limit(const struct rlc_config *cfg, const char *name)
{
	uint32_t i;

	for (i = 0; i < cfg->limits_count; i++)
		if (strcmp(cfg->limits[i].name, name) == 0)
			return &cfg->limits[i];
	fail_msg("no limit %s", name);
	return NULL;
}

static void test_config_good(void **state)
{
	const struct group *gr = getgrgid(getgid());
	const struct rlc_limit_config *l;
	struct rlc_config cfg;
	char text[1024];

	assert_non_null(gr);
	snprintf(text, sizeof(text),
		 "[rlcd]\n"
		 "segment = /rlc-test ; comment after a value\n"
		 "mode = 0640\n"
		 "group = %s\n"
		 "clients = 16\n"
		 "heartbeat = 250ms\n"
		 "\n"
		 "# a hash comment\n"
		 "[limit ex.ip.weight]\n"
		 "scope = ex.ip\n"
		 "algorithm = window\n"
		 "capacity = 2400\n"
		 "interval = 1m\n"
		 "slots = 32\n"
		 "buffer = 2.5%%\n"
		 "\n"
		 "[LIMIT  Ex.Acct.Orders]\n" /* names are case-insensitive, blanks kept out */
		 "Algorithm = bucket\n"
		 "capacity = 10\n"
		 "interval = 1s\n"
		 "buffer = 0.05\n",
		 gr->gr_name);
	assert_int_equal(parse(&cfg, text), 0);
	assert_string_equal(cfg.segment, "/rlc-test");
	assert_int_equal(cfg.mode, 0640);
	assert_string_equal(cfg.group, gr->gr_name);
	assert_int_equal(cfg.gid, gr->gr_gid);
	assert_int_equal(cfg.clients, 16);
	assert_int_equal(cfg.heartbeat_ns, 250 * MS);
	assert_int_equal(cfg.limits_count, 2);
	/* file order is id order */
	assert_string_equal(cfg.limits[0].name, "ex.ip.weight");
	l = limit(&cfg, "ex.ip.weight");
	assert_string_equal(l->scope, "ex.ip");
	assert_int_equal(l->algorithm, RLC_ALGO_WINDOW);
	assert_int_equal(l->capacity, 2400);
	assert_int_equal(l->interval_ns, 60 * SEC);
	assert_int_equal(l->slots, 32);
	assert_int_equal(l->buffer_ppm, 25000);
	l = limit(&cfg, "ex.acct.orders");
	assert_string_equal(l->scope, "ex.acct"); /* the name minus its last part */
	assert_int_equal(l->algorithm, RLC_ALGO_BUCKET);
	assert_int_equal(l->capacity, 10);
	assert_int_equal(l->interval_ns, SEC);
	assert_int_equal(l->slots, 0);
	assert_int_equal(l->buffer_ppm, 50000);
	rlc_config_free(&cfg);
	rlc_config_free(&cfg); /* twice is fine */
}

static void test_config_defaults(void **state)
{
	struct rlc_config cfg;

	assert_int_equal(parse(&cfg, "[limit a.b]\ncapacity = 5\ninterval = 10s\n"), 0);
	assert_string_equal(cfg.segment, "");
	assert_int_equal(cfg.mode, 0660);
	assert_string_equal(cfg.group, "");
	assert_int_equal(cfg.clients, 64);
	assert_int_equal(cfg.heartbeat_ns, 100 * MS);
	assert_int_equal(cfg.limits_count, 1);
	assert_string_equal(cfg.limits[0].scope, "a");
	assert_int_equal(cfg.limits[0].algorithm, RLC_ALGO_WINDOW);
	assert_int_equal(cfg.limits[0].slots, 64);
	assert_int_equal(cfg.limits[0].buffer_ppm, 0);
	rlc_config_free(&cfg);
}

static void test_config_units(void **state)
{
	static const struct {
		const char *interval;
		uint64_t ns;
	} cases[] = {
		{ "100ms", 100 * MS }, { "10s", 10 * SEC },       { "2m", 120 * SEC },
		{ "1h", 3600 * SEC },  { "1d", 86400 * SEC },     { "6300us", 6300 * 1000 },
		{ "6300000ns", 6300000 },
	};
	struct rlc_config cfg;
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
			 "[limit a.b]\ncapacity = 5\ninterval = %s\nslots = 4\n",
			 cases[i].interval);
		assert_int_equal(parse(&cfg, text), 0);
		assert_int_equal(cfg.limits[0].interval_ns, cases[i].ns);
		rlc_config_free(&cfg);
	}
}

static void test_config_unknown_section(void **state)
{
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\n[limits c.d]\ncapacity = 5\n",
		"rlc.ini: [limits c.d]: unknown section (line 4); expected [rlcd], [exchange NAME], "
		"[limit NAME], [account EXCHANGE NAME], [mode EXCHANGE NAME] or [endpoint EXCHANGE "
		"METHOD PATH]");
}

static void test_config_unknown_key(void **state)
{
	refused("[limit a.b]\ncapcity = 5\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capcity: unknown key; did you mean capacity?");
	refused("[rlcd]\nport = 80\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] port: unknown key; this section takes segment, mode, group, "
		"clients, heartbeat, metrics");
}

static void test_config_key_outside_section(void **state)
{
	refused("capacity = 5\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: capacity: key outside any section; put it under [rlcd] or [limit NAME]");
}

static void test_config_missing_key(void **state)
{
	refused("[limit a.b]\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: missing; every limit needs its N");
	refused("[limit a.b]\ncapacity = 5\n",
		"rlc.ini: [limit a.b] interval: missing; every limit needs its W, e.g. 1m");
	refused("[limit ab]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [limit ab] scope: missing, and the limit name has no dotted prefix to "
		"take it from; add e.g. scope = exchange.ip");
}

static void test_config_empty_value(void **state)
{
	refused("[limit a.b]\ncapacity =\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: is empty; give a value or remove the line");
}

static void test_config_bad_number(void **state)
{
	refused("[limit binance-usdm.ip.weight]\ncapacity = 24x0\ninterval = 1m\n",
		"rlc.ini: [limit binance-usdm.ip.weight] capacity: \"24x0\" is not a whole number");
	refused("[limit a.b]\ncapacity = -5\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: \"-5\" is not a whole number");
	/* the range is the one the segment has room for (RLC_COUNT_MAX) */
	refused("[limit a.b]\ncapacity = 99999999999\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: \"99999999999\" is outside 1..16777215");
	refused("[limit a.b]\ncapacity = 16777216\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: \"16777216\" is outside 1..16777215");
	/* the shape is judged before the size */
	refused("[limit a.b]\ncapacity = 99999999999x\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: \"99999999999x\" is not a whole number");
	refused("[rlcd]\nclients = 5000\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] clients: \"5000\" is outside 1..4096");
	refused("[rlcd]\nclients = 0\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] clients: \"0\" is outside 1..4096");
}

/* Range rules come from rlc_limit_derive(), with the file in front. */
static void test_config_derived(void **state)
{
	refused("[limit a.b]\ncapacity = 0\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: \"0\" is outside 1..16777215");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nslots = 1\n",
		"rlc.ini: [limit a.b] slots: \"1\" is outside 2..4096");
	refused("[limit a.b]\ncapacity = 5\ninterval = 0s\n",
		"rlc.ini: [limit a.b] interval: 0s is too short; an interval is at least 1ms");
}

static void test_config_bad_duration(void **state)
{
	refused("[limit a.b]\ncapacity = 5\ninterval = 60\n",
		"rlc.ini: [limit a.b] interval: \"60\" has no unit: write e.g. 60s (units: ns us "
		"ms s m h d)");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1min\n",
		"rlc.ini: [limit a.b] interval: \"1min\" is not a duration: write a whole number "
		"and a unit, e.g. 100ms or 1m (units: ns us ms s m h d)");
	refused("[limit a.b]\ncapacity = 5\ninterval = 300000000d\n",
		"rlc.ini: [limit a.b] interval: \"300000000d\" is too long");
	/* a sign, a unit alone or a wrong unit is no duration, whatever the number */
	refused("[limit a.b]\ncapacity = 5\ninterval = -1s\n",
		"rlc.ini: [limit a.b] interval: \"-1s\" is not a duration: write a whole number "
		"and a unit, e.g. 100ms or 1m (units: ns us ms s m h d)");
	refused("[limit a.b]\ncapacity = 5\ninterval = ms\n",
		"rlc.ini: [limit a.b] interval: \"ms\" is not a duration: write a whole number "
		"and a unit, e.g. 100ms or 1m (units: ns us ms s m h d)");
	refused("[limit a.b]\ncapacity = 5\ninterval = 99999999999999999999x\n",
		"rlc.ini: [limit a.b] interval: \"99999999999999999999x\" is not a duration: write "
		"a whole number and a unit, e.g. 100ms or 1m (units: ns us ms s m h d)");
	refused("[rlcd]\nheartbeat = -1s\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] heartbeat: \"-1s\" is not a duration: write a whole number and a "
		"unit, e.g. 100ms or 1m (units: ns us ms s m h d)");
	refused("[rlcd]\nheartbeat = 2m\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] heartbeat: \"2m\" is outside 1ms..1m");
}

static void test_config_bad_mode(void **state)
{
	refused("[rlcd]\nmode = 0668\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] mode: \"0668\" is not an octal mode such as 0660");
	refused("[rlcd]\nmode = -0660\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] mode: \"-0660\" is not an octal mode such as 0660");
	refused("[rlcd]\nmode = 0440\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] mode: 0440 leaves the owner without read and write, which rlcd "
		"needs to adopt the segment after a restart");
}

static void test_config_bad_percentage(void **state)
{
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nbuffer = 5 %\n",
		"rlc.ini: [limit a.b] buffer: \"5 %\" is not a fraction: write e.g. 5% or 0.05");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nbuffer = 99999999999x\n",
		"rlc.ini: [limit a.b] buffer: \"99999999999x\" is not a fraction: write e.g. 5% or "
		"0.05");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nbuffer = 5000\n",
		"rlc.ini: [limit a.b] buffer: \"5000\" is above 100%");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nbuffer = 100%\n",
		"rlc.ini: [limit a.b] buffer: must be below 100%");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nbuffer = 0.0000001\n",
		"rlc.ini: [limit a.b] buffer: \"0.0000001\" is finer than one part per million");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nbuffer = 90%\n",
		"rlc.ini: [limit a.b] buffer: leaves nothing of capacity 5");
}

static void test_config_duplicate_limit(void **state)
{
	/* iniparser would merge the two silently; the second must not win */
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\n\n[limit  A.B]\ncapacity = 6\n",
		"rlc.ini: [limit a.b]: limit defined twice (line 1 and line 5)");
	refused("[rlcd]\nclients = 2\n[rlcd]\nclients = 3\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [rlcd]: appears twice (line 1 and line 3)");
}

static void test_config_slots_on_bucket(void **state)
{
	refused("[limit a.b]\nalgorithm = bucket\ncapacity = 5\ninterval = 1s\nslots = 8\n",
		"rlc.ini: [limit a.b] slots: a bucket has no slots; remove the line or make it a "
		"window");
	refused("[limit a.b]\nalgorithm = leaky\ncapacity = 5\ninterval = 1s\n",
		"rlc.ini: [limit a.b] algorithm: \"leaky\" is not window, bucket or fixed");
}

static void test_config_no_limits(void **state)
{
	refused("[rlcd]\nclients = 8\n",
		"rlc.ini: no [limit NAME] section: rlcd needs at least one limit");
	refused("", "rlc.ini: no [limit NAME] section: rlcd needs at least one limit");
}

static void test_config_no_group(void **state)
{
	refused("[rlcd]\ngroup = rlc-no-such-group\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] group: group \"rlc-no-such-group\" does not exist");
}

static void test_config_bad_names(void **state)
{
	refused("[limit]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [limit]: the limit has no name (line 1); write [limit NAME]");
	refused("[limit a/b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [limit a/b]: bad limit name (line 1): use a-z 0-9 . _ - only, at most 63 "
		"characters");
	refused("[limit a.b]\nscope = my ip\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [limit a.b] scope: \"my ip\" is not a scope name: use a-z 0-9 . _ - "
		"only, at most 63 characters");
	refused("[rlcd]\nsegment = rlc\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] segment: \"rlc\" is not a segment name: '/' and 1 to 199 more "
		"characters, no other '/'");
}

static void test_config_syntax_error(void **state)
{
	refused("[limit a.b]\ncapacity = 5\ninterval 1m\n",
		"rlc.ini: line 3: syntax error: \"interval 1m\" is not [section], key = value or a "
		"; comment");
	refused("[limit a.b] ; a comment here is not allowed\ncapacity = 5\n",
		"rlc.ini: line 1: syntax error: \"[limit a.b] ; a comment here is not allowed\" is "
		"not [section], key = value or a ; comment");
	/* iniparser drops a continued last line without a word */
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\\\n",
		"rlc.ini: line 3: ends in \\ but no line follows to continue it; remove the \\");
	/* a last line of a lone \ too */
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\n\\\n",
		"rlc.ini: line 4: ends in \\ but no line follows to continue it; remove the \\");
}

static void test_config_too_big(void **state)
{
	struct rlc_config cfg;
	size_t size = 4200 * 48, used = 0;
	char *text = malloc(size);
	unsigned i;

	assert_non_null(text);
	for (i = 0; i < RLC_LIMITS_MAX + 1; i++)
		used += (size_t)snprintf(text + used, size - used,
					 "[limit a.l%u]\ncapacity=1\ninterval=1m\nslots=2\n", i);
	assert_int_equal(rlc_config_parse(&cfg, text, used, "rlc.ini", why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "rlc.ini: too big for one segment: 4097 limits, 64 clients (a "
				 "segment holds at most 4096 limits, 4194304 ring slots, 16384 names in all)");
	free(text);
}

/* Limit `name` of `cfg`, or NULL. */
static const struct rlc_limit_config *find_limit(const struct rlc_config *cfg, const char *name)
{
	uint32_t i;

	for (i = 0; i < cfg->limits_count; i++)
		if (strcmp(cfg->limits[i].name, name) == 0)
			return &cfg->limits[i];
	return NULL;
}

/* The index of exchange `name` of `cfg`; fails the test without one. */
static uint32_t cfg_index(const struct rlc_config *cfg, const char *name)
{
	uint32_t i;

	for (i = 0; i < cfg->exchanges_count; i++)
		if (strcmp(cfg->exchanges[i].name, name) == 0)
			return i;
	fail_msg("no exchange %s", name);
	return 0;
}

/*
 * The built-in default is [rlcd] and every shipped profile: each profile's
 * limits and endpoints are in it, configured alike.
 */
static void test_config_builtin(void **state)
{
	static const char *const profiles[] = { "binance-spot", "binance-usdm", "bybit-v5",
						"okx-v5", "bitget-v2", "aster-futures" };
	const struct rlc_limit_config *l, *b;
	const struct rlc_exchange_config *ex;
	struct rlc_config builtin, file;
	uint32_t endpoints = 0, i;
	char path[4096];
	size_t p;

	assert_int_equal(rlc_config_builtin[rlc_config_builtin_size], '\0');
	assert_int_equal(rlc_config_parse(&builtin, rlc_config_builtin, rlc_config_builtin_size,
					  RLC_CONFIG_BUILTIN_NAME, why, sizeof(why)),
			 0);
	assert_int_equal(builtin.mode, 0660);
	assert_int_equal(builtin.clients, 64);
	assert_int_equal(builtin.heartbeat_ns, 100 * MS);
	for (p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		snprintf(path, sizeof(path), "%s/etc/%s.ini", RLC_SOURCE_ROOT, profiles[p]);
		if (rlc_config_load(&file, path, why, sizeof(why)) != 0)
			fail_msg("%s", why);
		for (i = 0; i < file.limits_count; i++) {
			l = &file.limits[i];
			b = find_limit(&builtin, l->name);
			if (!b)
				fail_msg("%s: limit %s is not built in", path, l->name);
			assert_string_equal(b->scope, l->scope);
			assert_int_equal(b->algorithm, l->algorithm);
			assert_int_equal(b->capacity, l->capacity);
			assert_int_equal(b->interval_ns, l->interval_ns);
			assert_int_equal(b->slots, l->slots);
			assert_int_equal(b->buffer_ppm, l->buffer_ppm);
			assert_memory_equal(b->reserve_ppm, l->reserve_ppm, sizeof(l->reserve_ppm));
			assert_int_equal(b->observe, l->observe);
		}
		ex = &builtin.exchanges[cfg_index(&builtin, file.exchanges[0].name)];
		assert_int_equal(ex->dialect, file.exchanges[0].dialect);
		assert_int_equal(ex->breaker_failures, file.exchanges[0].breaker_failures);
		assert_int_equal(ex->breaker_cooldown_ns, file.exchanges[0].breaker_cooldown_ns);
		assert_int_equal(ex->breaker_probe_ns, file.exchanges[0].breaker_probe_ns);
		endpoints += file.endpoints_count;
		rlc_config_free(&file);
	}
	assert_int_equal(builtin.exchanges_count, sizeof(profiles) / sizeof(profiles[0]));
	assert_int_equal(builtin.endpoints_count, endpoints);
	rlc_config_free(&builtin);
}

/* `text` with its first `from` replaced by `to`, into `out`. */
static void replaced(char *out, size_t size, const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	snprintf(out, size, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* A laid out and published segment of `cfg`, checked by the clients' validator. */
static void *laid_out(const struct rlc_config *cfg, size_t *size)
{
	void *base;

	*size = rlc_layout_size(cfg);
	base = aligned_alloc(RLC_CACHELINE, *size);
	assert_non_null(base);
	memset(base, 0, *size);
	assert_int_equal(rlc_layout_init(base, *size, cfg, 5 * SEC, why, sizeof(why)), 0);
	rlc_layout_publish(base);
	if (rlc_segment_check(base, *size, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	return base;
}

/*
 * What rlcd lays out passes the clients' validator, and an rlcd adopts it
 * only for the very same configuration: one mode's buffer or one rule's
 * weight apart is another segment.
 */
static void test_config_layout(void **state)
{
	struct rlc_config cfg, other;
	char text[2048], changed[2048];
	size_t size;
	void *base;

	with_exchange(text, sizeof(text),
		      "[account ex a]\n[account ex b]\n[mode ex burst]\nbuffer = 1%\n"
		      "[exchange e2]\nclock-offset = -20ms\n[account e2 z]\n"
		      "[limit ex.ip.fixed]\nalgorithm = fixed\ncapacity = 50\ninterval = 10s\n"
		      DEPTH "ip.weight = by limit 100:5 500:10 *:20 default 100\n"
		      "[endpoint ex post /order]\ncritical-if = reduceOnly\nip.weight = 1\n"
		      "account.orders-10s = each batch 1 max 5 else 1\nip.fixed = if limit 2 else 1\n");
	assert_int_equal(parse(&cfg, text), 0);
	base = laid_out(&cfg, &size);
	assert_int_equal(((struct rlc_header *)base)->exchanges_count, 2);
	assert_int_equal(((struct rlc_header *)base)->accounts_count, 3);
	assert_int_equal(((struct rlc_header *)base)->modes_count, 3);
	assert_int_equal(((struct rlc_header *)base)->endpoints_count, 2);
	assert_int_equal(((struct rlc_header *)base)->links_count, 4);
	assert_int_equal(rlc_layout_compatible(base, size, &cfg, why, sizeof(why)), 0);
	replaced(changed, sizeof(changed), text, "buffer = 1%", "buffer = 2%");
	assert_int_equal(parse(&other, changed), 0);
	assert_int_equal(rlc_layout_compatible(base, size, &other, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "mode 1 differs between the segment and the configuration");
	rlc_config_free(&other);
	snprintf(changed, sizeof(changed), "%s", text);
	strstr(changed, "*:20")[3] = '1';
	assert_int_equal(parse(&other, changed), 0);
	assert_int_equal(rlc_layout_compatible(base, size, &other, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "link 0 differs between the segment and the configuration");
	rlc_config_free(&other);
	free(base);
	rlc_config_free(&cfg);
}

/* Check one configuration change of `text` against the segment `base` laid out from it. */
static void differs(const void *base, size_t size, const char *text, const char *from,
		    const char *to, const char *message)
{
	struct rlc_config other;
	char changed[2048];

	replaced(changed, sizeof(changed), text, from, to);
	assert_int_equal(parse(&other, changed), 0);
	assert_int_equal(rlc_layout_compatible(base, size, &other, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, message);
	rlc_config_free(&other);
}

/*
 * The usage headers, dialects and breakers in the segment, the learned
 * clock bounds empty; an rlcd adopts a segment only with the same ones.
 */
static void test_config_layout_feedback(void **state)
{
	struct rlc_exchange *x;
	const struct rlc_limit *l;
	const struct rlc_header *h;
	struct rlc_config cfg;
	char text[2048];
	size_t size;
	void *base;

	with_exchange(text, sizeof(text),
		      "[account ex a]\n[account ex b]\n"
		      "[limit ex.ip.w10]\nheader = x-mbx-used-weight\ncapacity = 100\n"
		      "interval = 10s\n"
		      "[limit ex.account.o1m]\nheader = x-mbx-order-count\ncapacity = 100\n"
		      "interval = 1m\n"
		      "[limit ex.account.create]\nheader = x-bapi-limit\ncapacity = 10\n"
		      "interval = 1s\n"
		      "[exchange e2]\ndialect = okx\nbreaker-failures = 3\n"
		      "breaker-cooldown = 2s\nbreaker-probe-timeout = 500ms\n"
		      "[limit e2.ip.r]\nheader = x-mbx-used-remain-limit\ncapacity = 20\n"
		      "interval = 1s\n");
	assert_int_equal(parse(&cfg, text), 0);
	base = laid_out(&cfg, &size);
	h = (const struct rlc_header *)base;
	l = RLC__TABLE(const struct rlc_limit, base, h->limits_off);
	/* ex.ip.weight, ex.ip.w10, e2.ip.r, then a's and b's four */
	assert_int_equal(h->limits_count, 11);
	assert_int_equal(l[0].observe, RLC_OBSERVE_NONE);
	assert_int_equal(l[1].observe, RLC_OBSERVE_MBX_WEIGHT);
	assert_int_equal(l[2].observe, RLC_OBSERVE_REMAIN);
	assert_int_equal(l[3].observe, RLC_OBSERVE_NONE);
	assert_int_equal(l[5].observe, RLC_OBSERVE_MBX_ORDERS);
	assert_int_equal(l[6].observe, RLC_OBSERVE_BAPI);
	assert_int_equal(l[9].observe, RLC_OBSERVE_MBX_ORDERS);
	assert_int_equal(l[10].observe, RLC_OBSERVE_BAPI);
	x = RLC__TABLE(struct rlc_exchange, base, h->exchanges_off);
	assert_int_equal(x[0].dialect, RLC_DIALECT_GENERIC);
	assert_int_equal(x[0].breaker_failures, 5);
	assert_int_equal(x[0].breaker_cooldown_ns, 10 * SEC);
	assert_int_equal(x[0].breaker_probe_ns, 10 * SEC);
	assert_int_equal(x[1].dialect, RLC_DIALECT_OKX);
	assert_int_equal(x[1].breaker_failures, 3);
	assert_int_equal(x[1].breaker_cooldown_ns, 2 * SEC);
	assert_int_equal(x[1].breaker_probe_ns, 500 * MS);
	assert_int_equal(rlc__load_relaxed(&x[1].clock_lo), 0);
	assert_true(rlc__load_relaxed(&x[1].clock_hi) == UINT64_MAX);
	assert_int_equal(rlc__load_relaxed(&x[1].clock_samples), 0);
	assert_int_equal(rlc_layout_compatible(base, size, &cfg, why, sizeof(why)), 0);
	/* the learned bounds are shared words, not configuration: an adoption keeps them */
	rlc__store_relaxed(&x[1].clock_hi, UINT64_C(1) << 63);
	assert_int_equal(rlc_layout_compatible(base, size, &cfg, why, sizeof(why)), 0);
	differs(base, size, text, "header = x-mbx-used-weight", "header = x-bapi-limit",
		"limit 1 is 'ex.ip.w10' in the segment but 'ex.ip.w10' (or configured "
		"differently) in the configuration");
	differs(base, size, text, "header = x-bapi-limit", "header = x-mbx-used-remain-limit",
		"limit 6 is 'ex.a.create' in the segment but 'ex.a.create' (or configured "
		"differently) in the configuration");
	differs(base, size, text, "dialect = okx", "dialect = bitget",
		"exchange 1 differs between the segment and the configuration");
	differs(base, size, text, "breaker-failures = 3", "breaker-failures = 4",
		"exchange 1 differs between the segment and the configuration");
	differs(base, size, text, "breaker-cooldown = 2s", "breaker-cooldown = 3s",
		"exchange 1 differs between the segment and the configuration");
	differs(base, size, text, "breaker-probe-timeout = 500ms", "breaker-probe-timeout = 1s",
		"exchange 1 differs between the segment and the configuration");
	free(base);
	rlc_config_free(&cfg);
}

static void test_config_load_errors(void **state)
{
	struct rlc_config cfg;
	char path[] = "/tmp/rlc-test-config-XXXXXX";
	int fd = mkstemp(path);

	assert_int_equal(rlc_config_load(&cfg, "/nonexistent/rlc.ini", why, sizeof(why)), -ENOENT);
	assert_string_equal(why, "/nonexistent/rlc.ini: No such file or directory");
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[limit a.b]\ncapacity = 5\0", 25), 25);
	close(fd);
	assert_int_equal(rlc_config_load(&cfg, path, why, sizeof(why)), -EINVAL);
	unlink(path);
	assert_non_null(strstr(why, ": NUL byte at offset 24: not a text file"));
	assert_int_equal(strncmp(why, path, strlen(path)), 0);
}

/* iniparser keeps the last of two equal keys; the text tells both apart. */
static void test_config_duplicate_key(void **state)
{
	struct rlc_config cfg;

	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nCapacity = 6\n",
		"rlc.ini: [limit a.b] capacity: given twice (line 2 and line 4); keep one");
	/* a continued line counts from its first line; comments and blanks count */
	refused("[rlcd]\n; clients = 1\n# clients = 2\nclients = \\\n  8\n\nclients=9\n"
		"[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] clients: given twice (line 4 and line 7); keep one");
	/* a continuation that looks like a key is part of the value */
	refused("[limit a.b]\nscope = a\\\ncapacity = 7\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [limit a.b] scope: \"acapacity = 7\" is not a scope name: use a-z 0-9 . _ "
		"- only, at most 63 characters");
	/* the same key in two sections, or commented out, is no duplicate */
	assert_int_equal(parse(&cfg, "[limit a.b]\ncapacity = 5\n;capacity = 6\ninterval = 1m\n"
				     "[limit a.c]\ncapacity = 5\ninterval = 1m\n"),
			 0);
	rlc_config_free(&cfg);
}

static void test_config_unbalanced_quote(void **state)
{
	struct rlc_config cfg;

	refused("[limit a.b]\ncapacity = \"2400\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: line 2: unbalanced quote: the value opens \" and "
		"does not close it");
	refused("[rlcd]\nsegment = '/rlc\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] segment: line 2: unbalanced quote: the value opens ' and does not "
		"close it");
	refused("[limit a.b]\ncapacity = \"24\"00\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: line 2: text after the closing quote");
	assert_int_equal(parse(&cfg, "[rlcd]\nsegment = \"/rlc-q\" ; comment\n[limit a.b]\n"
				     "scope = 'a.x'\ncapacity = \"5\"\ninterval = 1m\n"),
			 0);
	assert_string_equal(cfg.segment, "/rlc-q");
	assert_string_equal(cfg.limits[0].scope, "a.x");
	assert_int_equal(cfg.limits[0].capacity, 5);
	rlc_config_free(&cfg);
}

/* The time bounds of rlc/segment.h, named by limit and key. */
static void test_config_interval_bounds(void **state)
{
	struct rlc_config cfg;

	refused("[limit a.b]\nalgorithm = bucket\ncapacity = 5\ninterval = 1ns\n",
		"rlc.ini: [limit a.b] interval: 1ns is too short; an interval is at least 1ms");
	refused("[limit a.b]\ncapacity = 5\ninterval = 18446744073709551615ns\nslots = 2\n",
		"rlc.ini: [limit a.b] interval: 213503d23h34m33s709ms551us615ns is too long; an "
		"interval is at most 7d");
	refused("[limit a.b]\ncapacity = 5\ninterval = 8d\n",
		"rlc.ini: [limit a.b] interval: 8d is too long; an interval is at most 7d");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1ms\nslots = 12\n",
		"rlc.ini: [limit a.b] slots: interval / (slots - 1) = 90910 ns is below the 100000 "
		"ns minimum slot width; use fewer slots");
	/* every bound itself is accepted, and so laid out and validated */
	assert_int_equal(parse(&cfg, "[rlcd]\nclients = 4096\n"
				     "[limit a.b]\ncapacity = 16777215\ninterval = 7d\nslots = 4096\n"
				     "[limit a.c]\ncapacity = 1\ninterval = 1ms\nslots = 11\n"
				     "[limit a.d]\nalgorithm = bucket\ncapacity = 1000\ninterval = 1ms\n"
				     "[limit a.e]\nalgorithm = bucket\ncapacity = 16777215\n"
				     "interval = 7d\n"),
			 0);
	assert_int_equal(cfg.limits[0].interval_ns, 7 * 86400 * SEC);
	rlc_config_free(&cfg);
}

static void test_config_byte_order_mark(void **state)
{
	struct rlc_config cfg;

	assert_int_equal(parse(&cfg, "\xef\xbb\xbf[limit a.b]\ncapacity = 5\ninterval = 1m\n"), 0);
	assert_string_equal(cfg.limits[0].name, "a.b");
	rlc_config_free(&cfg);
	/* still line 1, and only at the start */
	refused("\xef\xbb\xbf[limit a.b] x\ncapacity = 5\n",
		"rlc.ini: line 1: syntax error: \"[limit a.b] x\" is not [section], key = value or "
		"a ; comment");
	refused("[limit a.b]\n\xef\xbb\xbf"
		"capacity = 5\ninterval = 1m\n",
		"rlc.ini: [limit a.b] \\xef\\xbb\\xbfcapacity: unknown key; this section takes "
		"scope, algorithm, capacity, interval, slots, buffer, reserve-high, reserve-normal, "
		"reserve-low, latency, clock-error, header");
}

/* `group` of gid 0, parsed as a user who is neither root nor in that group. */
static void test_config_group_not_member(void **state)
{
	const struct group *gr = getgrgid(0);
	char text[256], got[sizeof(why)] = "", expected[512];
	int fds[2], status, i, n;
	gid_t groups[256];
	pid_t pid;

	assert_non_null(gr);
	n = getgroups(256, groups);
	for (i = 0; geteuid() != 0 && i < n; i++)
		if (groups[i] == 0)
			skip(); /* a member of group 0, and not root to leave it */
	if (geteuid() != 0 && getegid() == 0)
		skip();
	snprintf(text, sizeof(text), "[rlcd]\ngroup = %s\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		 gr->gr_name);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlc_config cfg;
		int err;

		if (geteuid() == 0 &&
		    (setgroups(0, NULL) != 0 || setegid(65534) != 0 || seteuid(65534) != 0))
			_exit(77); /* root without CAP_SETUID: nobody to become */
		err = parse(&cfg, text);
		if (write(fds[1], why, strlen(why)) < 0)
			_exit(3);
		_exit(err == -EINVAL ? 0 : 1);
	}
	close(fds[1]);
	n = (int)read(fds[0], got, sizeof(got) - 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(n > 0);
	snprintf(expected, sizeof(expected),
		 "rlc.ini: [rlcd] group: rlcd must be root or a member of group \"%s\" to give the "
		 "segment to it, and uid %u is neither",
		 gr->gr_name, geteuid() == 0 ? 65534u : (unsigned)geteuid());
	assert_string_equal(got, expected);
}

static void test_config_unsafe_mode(void **state)
{
	static const char *const world[] = { "0666", "0777", "0662", "0602" };
	char text[128], message[512];
	size_t i;

	for (i = 0; i < sizeof(world) / sizeof(world[0]); i++) {
		snprintf(text, sizeof(text),
			 "[rlcd]\nmode = %s\n[limit a.b]\ncapacity = 5\ninterval = 1m\n", world[i]);
		snprintf(message, sizeof(message),
			 "rlc.ini: [rlcd] mode: %s lets every user write the segment, which is "
			 "writable state shared by every bot: any local user could take or block the "
			 "whole budget; use 0660 with a group (or 0664 to let everyone read it)",
			 world[i]);
		refused(text, message);
	}
	refused("[rlcd]\nmode = 04660\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] mode: 04660 sets the setuid, setgid or sticky bit, which mean "
		"nothing on a segment; use e.g. 0660");
	refused("[rlcd]\nmode = 1660\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] mode: 01660 sets the setuid, setgid or sticky bit, which mean "
		"nothing on a segment; use e.g. 0660");
	refused("[rlcd]\nmode = 010660\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [rlcd] mode: \"010660\" is not an octal mode such as 0660");
}

/* A FIFO would block open() for ever; a directory has no text to read. */
static void test_config_not_regular(void **state)
{
	char dir[] = "/tmp/rlc-test-config-XXXXXX", fifo[64], message[128];
	struct rlc_config cfg;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10); /* a hang fails the test instead of stalling the suite */
	assert_int_equal(rlc_config_load(&cfg, fifo, why, sizeof(why)), -EINVAL);
	alarm(0);
	snprintf(message, sizeof(message), "%s: not a regular file (a fifo)", fifo);
	assert_string_equal(why, message);
	assert_null(cfg.limits);
	assert_int_equal(rlc_config_load(&cfg, dir, why, sizeof(why)), -EINVAL);
	snprintf(message, sizeof(message), "%s: not a regular file (a directory)", dir);
	assert_string_equal(why, message);
	assert_int_equal(rlc_config_load(&cfg, "/dev/null", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "/dev/null: not a regular file (a character device)");
	unlink(fifo);
	rmdir(dir);
}

/* Bytes from the file reach messages, and so terminals and logs, escaped. */
static void test_config_escapes(void **state)
{
	refused("[limit a.b]\ncapacity = 5\x1b[2J\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capacity: \"5\\x1b[2J\" is not a whole number");
	refused("[limit a.b]\ncapacity = 5\ninterval\x1b]0;owned\x07 1m\n",
		"rlc.ini: line 3: syntax error: \"interval\\x1b]0;owned\\x07 1m\" is not [section], "
		"key = value or a ; comment");
	refused("[limit a\x1b[31m]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [limit a\\x1b[31m]: bad limit name (line 1): use a-z 0-9 . _ - only, at "
		"most 63 characters");
	refused("[limit a.b]\ncapa\x7f\x9b" "city = 5\ninterval = 1m\n",
		"rlc.ini: [limit a.b] capa\\x7f\\x9bcity: unknown key; did you mean capacity?");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1m\nscope = a\tb\n",
		"rlc.ini: [limit a.b] scope: \"a\\x09b\" is not a scope name: use a-z 0-9 . _ - "
		"only, at most 63 characters");
}

/* Two accounts: two sets of the exchange's account limits, after the others. */
static void test_config_accounts(void **state)
{
	const struct rlc_limit_config *l;
	struct rlc_config cfg;
	char text[2048];

	with_exchange(text, sizeof(text),
		      "[limit other.b]\ncapacity = 5\ninterval = 1m\n"
		      "[account ex main]\n[account ex sub-2]\n");
	assert_int_equal(parse(&cfg, text), 0);
	assert_int_equal(cfg.exchanges_count, 1);
	assert_string_equal(cfg.exchanges[0].name, "ex");
	assert_int_equal(cfg.accounts_count, 2);
	assert_int_equal(cfg.limits_count, 6);
	/* the limits that are no account's, in file order, then account by account */
	assert_string_equal(cfg.limits[0].name, "ex.ip.weight");
	assert_string_equal(cfg.limits[1].name, "other.b");
	assert_string_equal(cfg.limits[2].name, "ex.main.orders-10s");
	assert_string_equal(cfg.limits[3].name, "ex.main.orders-1d");
	assert_string_equal(cfg.limits[4].name, "ex.sub-2.orders-10s");
	assert_string_equal(cfg.limits[5].name, "ex.sub-2.orders-1d");
	l = &cfg.limits[0];
	assert_string_equal(l->scope, "ex.ip");
	assert_int_equal(l->kind, RLC_SCOPE_IP);
	assert_int_equal(l->exchange, 0);
	assert_int_equal(l->account, RLC_NONE);
	l = &cfg.limits[1];
	assert_string_equal(l->scope, "other");
	assert_int_equal(l->kind, RLC_SCOPE_OTHER);
	assert_int_equal(l->exchange, RLC_NONE);
	l = &cfg.limits[4];
	assert_string_equal(l->scope, "ex.sub-2");
	assert_int_equal(l->kind, RLC_SCOPE_ACCOUNT);
	assert_int_equal(l->exchange, 0);
	assert_int_equal(l->account, 1);
	assert_int_equal(l->capacity, 300);
	assert_int_equal(l->interval_ns, 10 * SEC);
	assert_int_equal(cfg.limits[5].slots, 24);
	assert_string_equal(cfg.accounts[0].name, "main");
	assert_int_equal(cfg.accounts[0].exchange, 0);
	assert_int_equal(cfg.accounts[0].limits_first, 2);
	assert_int_equal(cfg.accounts[0].limits_count, 2);
	assert_string_equal(cfg.accounts[1].name, "sub-2");
	assert_int_equal(cfg.accounts[1].limits_first, 4);
	assert_int_equal(cfg.accounts[1].limits_count, 2);
	rlc_config_free(&cfg);
}

/* Without [account], an exchange with account limits has one: main. */
static void test_config_account_main(void **state)
{
	struct rlc_config cfg;
	char text[2048];

	with_exchange(text, sizeof(text), "[exchange bare]\n[account bare x]\n");
	assert_int_equal(parse(&cfg, text), 0);
	assert_int_equal(cfg.exchanges_count, 2);
	assert_int_equal(cfg.accounts_count, 2);
	assert_string_equal(cfg.accounts[0].name, "main");
	assert_int_equal(cfg.accounts[0].exchange, 0);
	assert_string_equal(cfg.limits[1].name, "ex.main.orders-10s");
	/* an account of an exchange without account limits has none */
	assert_string_equal(cfg.accounts[1].name, "x");
	assert_int_equal(cfg.accounts[1].exchange, 1);
	assert_int_equal(cfg.accounts[1].limits_count, 0);
	rlc_config_free(&cfg);
}

/* Accounts are grouped by exchange, in exchange order, whatever the file's. */
static void test_config_account_order(void **state)
{
	struct rlc_config cfg;

	assert_int_equal(parse(&cfg, "[exchange a]\n[exchange b]\n[account b one]\n"
				     "[account a two]\n[account b three]\n"
				     "[limit b.account.o]\ncapacity = 5\ninterval = 1s\n"
				     "[limit a.account.o]\ncapacity = 6\ninterval = 1s\n"),
			 0);
	assert_int_equal(cfg.accounts_count, 3);
	assert_string_equal(cfg.accounts[0].name, "two");
	assert_string_equal(cfg.accounts[1].name, "one");
	assert_string_equal(cfg.accounts[2].name, "three");
	assert_string_equal(cfg.limits[0].name, "a.two.o");
	assert_string_equal(cfg.limits[1].name, "b.one.o");
	assert_string_equal(cfg.limits[2].name, "b.three.o");
	rlc_config_free(&cfg);
}

static void test_config_exchange_modes(void **state)
{
	const struct rlc_exchange_config *ex;
	struct rlc_config cfg;
	char text[2048];

	with_exchange(text, sizeof(text),
		      "[exchange later]\nclock-offset = 250ms\n"
		      "[mode ex burst]\nbuffer = 1%\nduration = 30s\n"
		      "[mode ex liquidation]\nlowest = HIGH\nreserve = 0%\n");
	/* the first exchange is declared with no keys: clock-offset defaults */
	assert_int_equal(parse(&cfg, text), 0);
	assert_int_equal(cfg.exchanges_count, 2);
	ex = &cfg.exchanges[0];
	assert_int_equal(ex->clock_offset_ns, 0);
	assert_int_equal(ex->modes_count, 3);
	assert_string_equal(ex->modes[0].name, "normal");
	assert_int_equal(ex->modes[0].buffer_ppm, RLC_NONE);
	assert_int_equal(ex->modes[0].lowest, RLC_PRIO_LOW);
	assert_int_equal(ex->modes[0].reserve_ppm, 1000000);
	assert_int_equal(ex->modes[0].duration_ns, 0);
	assert_string_equal(ex->modes[1].name, "burst");
	assert_int_equal(ex->modes[1].buffer_ppm, 10000);
	assert_int_equal(ex->modes[1].lowest, RLC_PRIO_LOW);
	assert_int_equal(ex->modes[1].reserve_ppm, 1000000);
	assert_int_equal(ex->modes[1].duration_ns, 30 * SEC);
	assert_string_equal(ex->modes[2].name, "liquidation");
	assert_int_equal(ex->modes[2].buffer_ppm, RLC_NONE);
	assert_int_equal(ex->modes[2].lowest, RLC_PRIO_HIGH);
	assert_int_equal(ex->modes[2].reserve_ppm, 0);
	assert_int_equal(ex->modes[2].duration_ns, 600 * SEC);
	ex = &cfg.exchanges[1];
	assert_string_equal(ex->name, "later");
	assert_int_equal(ex->clock_offset_ns, 250 * (int64_t)MS);
	assert_int_equal(ex->modes_count, 1);
	rlc_config_free(&cfg);
	assert_int_equal(parse(&cfg, "[exchange e]\nclock-offset = -1500ms\n"
				     "[limit e.ip.w]\ncapacity = 1\ninterval = 1s\n"),
			 0);
	assert_int_equal(cfg.exchanges[0].clock_offset_ns, -1500 * (int64_t)MS);
	rlc_config_free(&cfg);
}

static void test_config_exchange_errors(void **state)
{
	refused("[exchange e.x]\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e.x]: bad exchange name (line 1): use a-z 0-9 _ - only, at most "
		"63 characters");
	refused("[exchange e]\n[exchange  e]\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e]: exchange defined twice (line 1 and line 2)");
	refused("[exchange]\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange]: is not of the form [exchange NAME] (line 1)");
	refused("[exchange e]\nclock-offset = 1\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e] clock-offset: \"1\" has no unit: write e.g. 1s (units: ns us "
		"ms s m h d)");
	refused("[exchange e]\nclock-offset = -2d\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e] clock-offset: \"-2d\" is further than 1d from UTC; the "
		"offset is the exchange clock minus UTC, usually milliseconds");
	refused("[exchange e]\nclock = 1s\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e] clock: unknown key; this section takes clock-offset, dialect, "
		"breaker-failures, breaker-cooldown, breaker-probe-timeout");
}

/* dialect and the circuit breaker: every value, the defaults, the bounds. */
static void test_config_exchange_feedback(void **state)
{
	static const char *const dialects[] = { "generic", "binance", "bybit", "okx", "bitget" };
	const struct rlc_exchange_config *ex;
	struct rlc_config cfg;
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
		snprintf(text, sizeof(text),
			 "[exchange e]\ndialect = %s\n[limit e.ip.w]\ncapacity = 1\ninterval = 1s\n",
			 dialects[i]);
		assert_int_equal(parse(&cfg, text), 0);
		assert_int_equal(cfg.exchanges[0].dialect, i);
		rlc_config_free(&cfg);
	}
	/* any case; an exchange without the keys has the defaults */
	assert_int_equal(parse(&cfg, "[exchange e]\ndialect = ByBit\nbreaker-failures = 0\n"
				     "breaker-cooldown = 1ms\nbreaker-probe-timeout = 1d\n"
				     "[exchange f]\n"
				     "[exchange g]\nbreaker-failures = 16383\nbreaker-cooldown = 1d\n"
				     "breaker-probe-timeout = 1ms\n"
				     "[limit e.ip.w]\ncapacity = 1\ninterval = 1s\n"),
			 0);
	ex = &cfg.exchanges[0];
	assert_int_equal(ex->dialect, RLC_DIALECT_BYBIT);
	assert_int_equal(ex->breaker_failures, 0);
	assert_int_equal(ex->breaker_cooldown_ns, MS);
	assert_int_equal(ex->breaker_probe_ns, 86400 * SEC);
	ex = &cfg.exchanges[1];
	assert_int_equal(ex->dialect, RLC_DIALECT_GENERIC);
	assert_int_equal(ex->breaker_failures, 5);
	assert_int_equal(ex->breaker_cooldown_ns, 10 * SEC);
	assert_int_equal(ex->breaker_probe_ns, 10 * SEC);
	ex = &cfg.exchanges[2];
	assert_int_equal(ex->breaker_failures, 16383);
	assert_int_equal(ex->breaker_cooldown_ns, 86400 * SEC);
	assert_int_equal(ex->breaker_probe_ns, MS);
	rlc_config_free(&cfg);
	refused("[exchange e]\ndialect = kraken\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e] dialect: \"kraken\" is not a dialect: generic, binance, "
		"bybit, okx or bitget");
	refused("[exchange e]\ndialect =\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e] dialect: is empty; give a value or remove the line");
	refused("[exchange e]\nbreaker-failures = 16384\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [exchange e] breaker-failures: \"16384\" is outside 0..16383");
	refused("[exchange e]\nbreaker-failures = -1\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [exchange e] breaker-failures: \"-1\" is not a whole number");
	refused("[exchange e]\nbreaker-cooldown = 0s\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [exchange e] breaker-cooldown: \"0s\" is outside 1ms..1d");
	refused("[exchange e]\nbreaker-cooldown = 25h\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [exchange e] breaker-cooldown: \"25h\" is outside 1ms..1d");
	refused("[exchange e]\nbreaker-cooldown = 10\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [exchange e] breaker-cooldown: \"10\" has no unit: write e.g. 10s "
		"(units: ns us ms s m h d)");
	refused("[exchange e]\nbreaker-probe-timeout = 999us\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [exchange e] breaker-probe-timeout: \"999us\" is outside 1ms..1d");
	refused("[exchange e]\nbreaker-probe-timeout = 86400001ms\n[limit a.b]\ncapacity = 5\n"
		"interval = 1m\n",
		"rlc.ini: [exchange e] breaker-probe-timeout: \"86400001ms\" is outside 1ms..1d");
	refused("[exchange e]\nbreaker-probe = 1s\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e] breaker-probe: unknown key; this section takes clock-offset, "
		"dialect, breaker-failures, breaker-cooldown, breaker-probe-timeout");
	refused("[exchange e]\nbreaker-failure = 1\n[limit a.b]\ncapacity = 5\ninterval = 1m\n",
		"rlc.ini: [exchange e] breaker-failure: unknown key; did you mean breaker-failures?");
}

/* `header`: each value, any case, and where each may go; templates pass it on. */
static void test_config_usage_headers(void **state)
{
	struct rlc_config cfg;
	char text[2048];

	with_exchange(text, sizeof(text),
		      "[account ex a]\n[account ex b]\n"
		      "[limit ex.ip.weight-10s]\nheader = X-MBX-Used-Weight\ncapacity = 500\n"
		      "interval = 10s\n"
		      "[limit ex.ip.create]\nheader = x-bapi-limit\ncapacity = 10\ninterval = 1s\n"
		      "[limit ex.account.create]\nheader = X-BAPI-LIMIT\ncapacity = 10\n"
		      "interval = 1s\n"
		      "[limit ex.account.cancel]\nheader = x-bapi-limit\ncapacity = 10\n"
		      "interval = 1s\n"
		      "[limit ex.account.orders-1m]\nheader = x-mbx-order-count\ncapacity = 1200\n"
		      "interval = 1m\n"
		      "[limit ex.public.tickers]\nheader = x-mbx-used-remain-limit\ncapacity = 20\n"
		      "interval = 500ms\n"
		      "[limit ex.ip.remain]\nheader = x-MBX-used-REMAIN-limit\ncapacity = 20\n"
		      "interval = 1500ms\n");
	assert_int_equal(parse(&cfg, text), 0);
	/* no header: none */
	assert_int_equal(limit(&cfg, "ex.ip.weight")->observe, RLC_OBSERVE_NONE);
	assert_int_equal(limit(&cfg, "ex.a.orders-10s")->observe, RLC_OBSERVE_NONE);
	assert_int_equal(limit(&cfg, "ex.ip.weight-10s")->observe, RLC_OBSERVE_MBX_WEIGHT);
	assert_int_equal(limit(&cfg, "ex.ip.create")->observe, RLC_OBSERVE_BAPI);
	/* every account's copy of a template has the template's */
	assert_int_equal(limit(&cfg, "ex.a.create")->observe, RLC_OBSERVE_BAPI);
	assert_int_equal(limit(&cfg, "ex.b.create")->observe, RLC_OBSERVE_BAPI);
	assert_int_equal(limit(&cfg, "ex.b.cancel")->observe, RLC_OBSERVE_BAPI);
	assert_int_equal(limit(&cfg, "ex.a.orders-1m")->observe, RLC_OBSERVE_MBX_ORDERS);
	assert_int_equal(limit(&cfg, "ex.b.orders-1m")->observe, RLC_OBSERVE_MBX_ORDERS);
	/* x-mbx-used-remain-limit goes on any limit of an exchange, any interval */
	assert_int_equal(limit(&cfg, "ex.public.tickers")->observe, RLC_OBSERVE_REMAIN);
	assert_int_equal(limit(&cfg, "ex.ip.remain")->observe, RLC_OBSERVE_REMAIN);
	rlc_config_free(&cfg);
}

/* Eight X-MBX-* limits an exchange, each its own (header, interval): the most. */
static size_t with_mbx_limits(char *text, size_t size, unsigned count)
{
	size_t used = (size_t)snprintf(text, size, "[exchange ex]\n[account ex a]\n[account ex b]\n");
	unsigned i;

	for (i = 0; i < count; i++)
		used += (size_t)snprintf(text + used, size - used,
					 "[limit ex.%s.l%u]\nheader = %s\ncapacity = 5\n"
					 "interval = %us\n",
					 i % 2 ? "account" : "ip", i,
					 i % 2 ? "x-mbx-order-count" : "x-mbx-used-weight", i + 1);
	return used;
}

static void test_config_usage_header_errors(void **state)
{
	struct rlc_config cfg;
	char text[2048];
	size_t used;

	refused_with_exchange("[limit ex.ip.w2]\nheader = x-mbx-used-weight-1m\ncapacity = 5\n"
			      "interval = 1s\n",
			      "rlc.ini: [limit ex.ip.w2] header: \"x-mbx-used-weight-1m\" is not a "
			      "usage header: x-mbx-used-weight, x-mbx-order-count, x-bapi-limit or "
			      "x-mbx-used-remain-limit");
	refused_with_exchange("[limit ex.ip.w2]\nheader =\ncapacity = 5\ninterval = 1s\n",
			      "rlc.ini: [limit ex.ip.w2] header: is empty; give a value or remove "
			      "the line");
	/* every header needs an exchange, whose responses carry it */
	refused("[limit a.b]\nheader = x-bapi-limit\ncapacity = 5\ninterval = 1s\n",
		"rlc.ini: [limit a.b] header: a usage header comes with an exchange's responses, "
		"and this limit belongs to no exchange: the first part of its name names no "
		"[exchange]");
	refused("[limit a.ip.b]\nheader = x-mbx-used-weight\ncapacity = 5\ninterval = 1s\n",
		"rlc.ini: [limit a.ip.b] header: a usage header comes with an exchange's responses, "
		"and this limit belongs to no exchange: the first part of its name names no "
		"[exchange]");
	refused("[limit a.b]\nheader = x-mbx-used-remain-limit\ncapacity = 5\ninterval = 1s\n",
		"rlc.ini: [limit a.b] header: a usage header comes with an exchange's responses, "
		"and this limit belongs to no exchange: the first part of its name names no "
		"[exchange]");
	/* the IP's weight on an IP limit, an account's orders on account limits */
	refused_with_exchange("[limit ex.account.w]\nheader = x-mbx-used-weight\ncapacity = 5\n"
			      "interval = 1s\n",
			      "rlc.ini: [limit ex.account.w] header: x-mbx-used-weight reports the "
			      "weight of the IP, and this is no IP limit; name it ex.ip.NAME");
	refused_with_exchange("[limit ex.other.w]\nheader = x-mbx-used-weight\ncapacity = 5\n"
			      "interval = 1s\n",
			      "rlc.ini: [limit ex.other.w] header: x-mbx-used-weight reports the "
			      "weight of the IP, and this is no IP limit; name it ex.ip.NAME");
	refused_with_exchange("[limit ex.ip.o]\nheader = x-mbx-order-count\ncapacity = 5\n"
			      "interval = 1s\n",
			      "rlc.ini: [limit ex.ip.o] header: x-mbx-order-count reports an "
			      "account's orders, and this is no account limit; name it "
			      "ex.account.NAME");
	refused_with_exchange("[limit ex.uid.o]\nheader = x-mbx-order-count\ncapacity = 5\n"
			      "interval = 1s\n",
			      "rlc.ini: [limit ex.uid.o] header: x-mbx-order-count reports an "
			      "account's orders, and this is no account limit; name it "
			      "ex.account.NAME");
	/* the X-MBX-* headers name whole seconds; the others any interval */
	refused_with_exchange("[limit ex.ip.w2]\nheader = x-mbx-used-weight\ncapacity = 5\n"
			      "interval = 1500ms\n",
			      "rlc.ini: [limit ex.ip.w2] header: x-mbx-used-weight names its interval "
			      "in whole seconds, minutes, hours or days (-10S, -1M, -1D), and the "
			      "interval 1s500ms is not whole seconds");
	refused_with_exchange("[limit ex.account.o]\nheader = x-mbx-order-count\ncapacity = 5\n"
			      "interval = 100ms\n",
			      "rlc.ini: [limit ex.account.o] header: x-mbx-order-count names its "
			      "interval in whole seconds, minutes, hours or days (-10S, -1M, -1D), "
			      "and the interval 100ms is not whole seconds");
	/* one limit per exchange, X-MBX-* header and interval; both named */
	refused_with_exchange("[limit ex.ip.w1]\nheader = x-mbx-used-weight\ncapacity = 5\n"
			      "interval = 60s\n"
			      "[limit ex.ip.w2]\nheader = X-MBX-USED-WEIGHT\ncapacity = 5\n"
			      "interval = 1m\n",
			      "rlc.ini: [limit ex.ip.w2] header: x-mbx-used-weight at interval 1m "
			      "reports [limit ex.ip.w1] already: one limit per header and interval");
	refused_with_exchange("[limit ex.account.o1]\nheader = x-mbx-order-count\ncapacity = 5\n"
			      "interval = 10s\n[account ex a]\n[account ex b]\n"
			      "[limit ex.account.o2]\nheader = x-mbx-order-count\ncapacity = 9\n"
			      "interval = 10s\n",
			      "rlc.ini: [limit ex.account.o2] header: x-mbx-order-count at interval "
			      "10s reports [limit ex.account.o1] already: one limit per header and "
			      "interval");
	/* the same interval under the other X-MBX-* header, or another exchange: fine */
	with_exchange(text, sizeof(text),
		      "[exchange ex2]\n"
		      "[limit ex.ip.w1]\nheader = x-mbx-used-weight\ncapacity = 5\ninterval = 10s\n"
		      "[limit ex.account.o1]\nheader = x-mbx-order-count\ncapacity = 5\n"
		      "interval = 10s\n"
		      "[limit ex2.ip.w1]\nheader = x-mbx-used-weight\ncapacity = 5\n"
		      "interval = 10s\n"
		      "[limit ex.account.b1]\nheader = x-bapi-limit\ncapacity = 5\ninterval = 1s\n"
		      "[limit ex.account.b2]\nheader = x-bapi-limit\ncapacity = 5\ninterval = 1s\n");
	assert_int_equal(parse(&cfg, text), 0);
	rlc_config_free(&cfg);
	/* eight per exchange, two accounts each with its copies: laid out and validated */
	with_mbx_limits(text, sizeof(text), RLC_OBSERVED_MAX);
	assert_int_equal(parse(&cfg, text), 0);
	assert_int_equal(cfg.limits_count, 12);
	rlc_config_free(&cfg);
	used = with_mbx_limits(text, sizeof(text), RLC_OBSERVED_MAX + 1);
	snprintf(text + used, sizeof(text) - used,
		 "[limit ex.ip.r]\nheader = x-mbx-used-remain-limit\ncapacity = 5\ninterval = 1s\n");
	refused(text, "rlc.ini: [limit ex.ip.l8] header: exchange ex has more than 8 limits with "
		      "an x-mbx-* header");
}

static void test_config_mode_errors(void **state)
{
	char text[2048];
	size_t used;
	int i;

	refused_with_exchange("[mode other burst]\n",
			      "rlc.ini: [mode other burst]: exchange other is not declared (line 12); "
			      "add [exchange other]");
	refused_with_exchange("[mode ex normal]\nbuffer = 1%\n",
			      "rlc.ini: [mode ex normal]: normal is every exchange's own mode, with "
			      "each limit as configured; give this mode another name (line 12)");
	refused_with_exchange("[mode ex bu.rst]\n",
			      "rlc.ini: [mode ex bu.rst]: bad mode name (line 12): use a-z 0-9 _ - "
			      "only, at most 63 characters");
	refused_with_exchange("[mode ex]\n",
			      "rlc.ini: [mode ex]: is not of the form [mode EXCHANGE NAME] (line 12)");
	refused_with_exchange("[mode ex burst]\n[mode ex burst]\n",
			      "rlc.ini: [mode ex burst]: mode defined twice (line 12 and line 13)");
	refused_with_exchange("[mode ex burst]\nbuffer = 100%\n",
			      "rlc.ini: [mode ex burst] buffer: must be below 100%");
	refused_with_exchange("[mode ex burst]\nlowest = urgent\n",
			      "rlc.ini: [mode ex burst] lowest: \"urgent\" is not a priority: "
			      "critical, high, normal or low");
	refused_with_exchange("[mode ex burst]\nreserve = 150%\n",
			      "rlc.ini: [mode ex burst] reserve: \"150%\" is above 100%");
	refused_with_exchange("[mode ex burst]\nduration = 0s\n",
			      "rlc.ini: [mode ex burst] duration: \"0s\" is outside 1s..7d");
	refused_with_exchange("[mode ex burst]\nduration = 8d\n",
			      "rlc.ini: [mode ex burst] duration: \"8d\" is outside 1s..7d");
	refused_with_exchange("[mode ex burst]\nbufer = 1%\n",
			      "rlc.ini: [mode ex burst] bufer: unknown key; did you mean buffer?");
	used = (size_t)snprintf(text, sizeof(text), "[exchange ex]\n[limit ex.ip.w]\ncapacity = 5\n"
						    "interval = 1s\n");
	for (i = 0; i < 8; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "[mode ex m%d]\n", i);
	refused(text, "rlc.ini: [mode ex m7]: exchange ex has more than 7 modes besides normal "
		      "(line 12)");
}

static void test_config_account_errors(void **state)
{
	refused_with_exchange("[account other main]\n",
			      "rlc.ini: [account other main]: exchange other is not declared (line "
			      "12); add [exchange other]");
	refused_with_exchange("[account ex ip]\n",
			      "rlc.ini: [account ex ip]: an account may not be named ip, which limit "
			      "names use for the exchange's IP limits (line 12)");
	refused_with_exchange("[account ex account]\n",
			      "rlc.ini: [account ex account]: an account may not be named account, "
			      "which limit names use for the exchange's account limits (line 12)");
	refused_with_exchange("[account ex Main.1]\n",
			      "rlc.ini: [account ex main.1]: bad account name (line 12): use a-z 0-9 "
			      "_ - only, at most 63 characters");
	refused_with_exchange("[account ex main]\nkey = 1\n",
			      "rlc.ini: [account ex main] key: unknown key; this section takes no keys");
	refused_with_exchange("[account ex main]\n[account ex  main]\n",
			      "rlc.ini: [account ex main]: account defined twice (line 12 and line "
			      "13)");
	refused_with_exchange("[account ex a-very-long-account-name-that-is-long-enough-to-overflow]\n",
			      "rlc.ini: [limit ex.account.orders-10s]: account "
			      "a-very-long-account-name-that-is-long-enough-to-overflow's copy of this "
			      "limit, ex.a-very-long-account-name-that-is-long-enough-to-overflow."
			      "orders-10s, is longer than 63 characters; shorten the limit or the "
			      "account name");
}

/* What a limit's name says about its scope may not be contradicted. */
static void test_config_scope_rules(void **state)
{
	refused_with_exchange("[limit ex.ip.other]\nscope = ex.ip\ncapacity = 5\ninterval = 1m\n",
			      "rlc.ini: [limit ex.ip.other] scope: the name gives this limit its "
			      "exchange's IP scope, ex.ip; remove the line");
	refused_with_exchange("[limit ex.account.x]\nscope = ex.main\ncapacity = 5\ninterval = 1m\n",
			      "rlc.ini: [limit ex.account.x] scope: the name makes this limit every "
			      "account's, each in the account's own scope; remove the line");
	refused_with_exchange("[limit ex.burst]\nscope = ex.ip\ncapacity = 5\ninterval = 1m\n",
			      "rlc.ini: [limit ex.burst] scope: ex.ip is the IP scope of exchange ex; "
			      "name the limit ex.ip.NAME to put it there");
	refused_with_exchange("[limit ex.main.x]\ncapacity = 5\ninterval = 1m\n",
			      "rlc.ini: [limit ex.main.x] scope: ex.main is the scope of account "
			      "main; name the limit ex.account.NAME to give every account of ex its "
			      "own");
	refused_with_exchange("[limit ex.sub.orders-10s]\nscope = s\ncapacity = 5\ninterval = 1m\n"
			      "[account ex sub]\n",
			      "rlc.ini: [limit ex.sub.orders-10s]: has the name of account sub's copy "
			      "of [limit ex.account.orders-10s]");
}

static void test_config_fixed(void **state)
{
	const struct rlc_limit_config *l;
	struct rlc_config cfg;

	assert_int_equal(parse(&cfg, "[exchange b]\n"
				     "[limit b.ip.w]\nalgorithm = fixed\ncapacity = 6000\ninterval = 1m\n"
				     "[limit b.ip.r]\nalgorithm = FIXED\ncapacity = 100\ninterval = 10s\n"
				     "latency = 1s\nclock-error = 2s\n"),
			 0);
	l = &cfg.limits[0];
	assert_int_equal(l->algorithm, RLC_ALGO_FIXED);
	assert_int_equal(l->slots, 0);
	assert_int_equal(l->latency_ns, 250 * MS);
	assert_int_equal(l->clock_error_ns, 50 * MS);
	l = &cfg.limits[1];
	assert_int_equal(l->latency_ns, SEC);
	assert_int_equal(l->clock_error_ns, 2 * SEC);
	rlc_config_free(&cfg);
	refused("[limit a.b]\nalgorithm = fixed\ncapacity = 5\ninterval = 1500ms\n",
		"rlc.ini: [limit a.b] interval: 1s500ms is not whole seconds from 1s to 1d, which a "
		"fixed interval aligned to the exchange clock must be");
	refused("[limit a.b]\nalgorithm = fixed\ncapacity = 5\ninterval = 2d\n",
		"rlc.ini: [limit a.b] interval: 2d is not whole seconds from 1s to 1d, which a fixed "
		"interval aligned to the exchange clock must be");
	refused("[limit a.b]\nalgorithm = fixed\ncapacity = 5\ninterval = 1s\nlatency = 500ms\n"
		"clock-error = 250ms\n",
		"rlc.ini: [limit a.b] latency: latency + 2 x clock-error is 1s, not below the "
		"interval 1s: every grant would count in two intervals");
	refused("[limit a.b]\nalgorithm = fixed\ncapacity = 5\ninterval = 1s\nlatency = 1d\n",
		"rlc.ini: [limit a.b] latency: latency + 2 x clock-error is more, not below the "
		"interval 1s: every grant would count in two intervals");
	refused("[limit a.b]\nalgorithm = fixed\ncapacity = 5\ninterval = 1s\nslots = 4\n",
		"rlc.ini: [limit a.b] slots: a fixed limit counts whole intervals and has no slots; "
		"remove the line or make it a window");
	refused("[limit a.b]\ncapacity = 5\ninterval = 1s\nlatency = 10ms\n",
		"rlc.ini: [limit a.b] latency: only a fixed limit has a latency: it widens the guard "
		"around each interval boundary; remove the line or set algorithm = fixed");
	refused("[limit a.b]\nalgorithm = bucket\ncapacity = 5\ninterval = 1s\nclock-error = 1ms\n",
		"rlc.ini: [limit a.b] clock-error: only a fixed limit has a clock-error: it widens "
		"the guard around each interval boundary; remove the line or set algorithm = fixed");
	refused("[limit a.b]\nalgorithm = fixed\ncapacity = 5\ninterval = 1s\nlatency = soon\n",
		"rlc.ini: [limit a.b] latency: \"soon\" is not a duration: write a whole number and "
		"a unit, e.g. 100ms or 1m (units: ns us ms s m h d)");
}

static void test_config_reserves(void **state)
{
	struct rlc_config cfg;

	assert_int_equal(parse(&cfg, "[limit a.b]\ncapacity = 100\ninterval = 1m\n"
				     "reserve-high = 5%\nreserve-normal = 0.1\nreserve-low = 20%\n"),
			 0);
	assert_int_equal(cfg.limits[0].reserve_ppm[RLC_PRIO_CRITICAL], 0);
	assert_int_equal(cfg.limits[0].reserve_ppm[RLC_PRIO_HIGH], 50000);
	assert_int_equal(cfg.limits[0].reserve_ppm[RLC_PRIO_NORMAL], 100000);
	assert_int_equal(cfg.limits[0].reserve_ppm[RLC_PRIO_LOW], 200000);
	rlc_config_free(&cfg);
	refused("[limit a.b]\ncapacity = 100\ninterval = 1m\nreserve-low = 100%\n",
		"rlc.ini: [limit a.b] reserve-low: must be below 100%");
	refused("[limit a.b]\ncapacity = 100\ninterval = 1m\nreserve-high = 10%\n"
		"reserve-normal = 5%\nreserve-low = 20%\n",
		"rlc.ini: [limit a.b] reserve-normal: is below reserve-high; a lower priority must "
		"keep back at least as much as a higher one");
	refused("[limit a.b]\ncapacity = 100\ninterval = 1m\nreserve-normal = 5%\n",
		"rlc.ini: [limit a.b] reserve-low: is below reserve-normal; a lower priority must "
		"keep back at least as much as a higher one");
	refused("[limit a.b]\ncapacity = 100\ninterval = 1m\nreserve-high = lots\n",
		"rlc.ini: [limit a.b] reserve-high: \"lots\" is not a fraction: write e.g. 5% or "
		"0.05");
}

static void test_config_endpoints(void **state)
{
	const struct rlc_endpoint_config *e;
	const struct rlc_link_config *k;
	struct rlc_config cfg;
	char text[2048];

	with_exchange(text, sizeof(text),
		      "[limit ex.uid.create]\nscope = ex.uid\ncapacity = 10\ninterval = 1s\n"
		      "[account ex a]\n[account ex b]\n"
		      "[exchange zz]\n[limit zz.ip.w]\ncapacity = 5\ninterval = 1s\n"
		      "[endpoint zz get /x]\nip.w = 1\n"
		      "[endpoint ex POST /fapi/v1/order]\n"
		      "priority = high\ncritical-if = reduceOnly\n"
		      "ip.weight = 1\naccount.orders-1d = 1\naccount.orders-10s = 1\nuid.create = 1\n"
		      DEPTH "ip.weight = by limit 100:5 500:10 *:20 default 100\npriority = LOW\n");
	assert_int_equal(parse(&cfg, text), 0);
	assert_int_equal(cfg.endpoints_count, 3);
	/* grouped by exchange, in exchange order, file order within one */
	e = &cfg.endpoints[0];
	assert_string_equal(e->name, "POST /fapi/v1/order");
	assert_int_equal(e->exchange, 0);
	assert_int_equal(e->priority, RLC_PRIO_HIGH);
	assert_string_equal(e->critical_if, "reduceOnly");
	assert_int_equal(e->links_count, 4);
	k = &e->links[0];
	assert_int_equal(k->limit, 0);
	assert_int_equal(k->account_slot, RLC_NONE);
	assert_int_equal(k->clauses, 1);
	assert_int_equal(k->clause[0].kind, RLC_CLAUSE_CONST);
	assert_int_equal(k->clause[0].weight[0], 1);
	/* account limits by their place among the templates, not the file's keys */
	assert_int_equal(e->links[1].limit, RLC_NONE);
	assert_int_equal(e->links[1].account_slot, 1);
	assert_int_equal(e->links[2].account_slot, 0);
	assert_string_equal(cfg.limits[e->links[3].limit].name, "ex.uid.create");
	assert_int_equal(e->links[3].account_slot, RLC_NONE);
	e = &cfg.endpoints[1];
	assert_string_equal(e->name, "GET /fapi/v1/depth");
	assert_int_equal(e->priority, RLC_PRIO_LOW);
	assert_string_equal(e->critical_if, "");
	assert_int_equal(e->links_count, 1);
	k = &e->links[0];
	assert_int_equal(k->clauses, 1);
	assert_int_equal(k->clause[0].kind, RLC_CLAUSE_BY);
	assert_string_equal(k->clause[0].param, "limit");
	assert_int_equal(k->clause[0].tiers, 3);
	assert_int_equal(k->clause[0].bound[1], 500);
	assert_int_equal(k->clause[0].weight[2], 20);
	assert_int_equal(k->clause[0].dflt, 100);
	e = &cfg.endpoints[2];
	assert_string_equal(e->name, "GET /x");
	assert_int_equal(e->exchange, 1);
	assert_int_equal(e->priority, RLC_PRIO_NORMAL);
	assert_string_equal(cfg.limits[e->links[0].limit].name, "zz.ip.w");
	rlc_config_free(&cfg);
}

static void test_config_endpoint_errors(void **state)
{
	struct rlc_config cfg;
	char text[2048];
	size_t used;
	int i;

	/* a weight above the capacity could never be granted */
	refused_with_exchange("[endpoint ex get /x]\nip.weight = 2401\n",
			      "rlc.ini: [endpoint ex get /x] ip.weight: clause 1 weighs 2401, more "
			      "than the capacity 2400 of ex.ip.weight: no such request could ever "
			      "be granted");
	refused_with_exchange("[endpoint ex post /x]\naccount.orders-10s = by n 1:1 *:301 "
			      "default 1\n",
			      "rlc.ini: [endpoint ex post /x] account.orders-10s: clause 1 weighs "
			      "301, more than the capacity 300 of ex.main.orders-10s: no such "
			      "request could ever be granted");
	refused_with_exchange("[endpoint ex post /x]\naccount.orders-10s = each orders 1 max 301 "
			      "else 1\n",
			      "rlc.ini: [endpoint ex post /x] account.orders-10s: clause 1: max 301 "
			      "is more than the capacity 300 of ex.main.orders-10s: a request that "
			      "weighed it could never be granted");
	refused_with_exchange("[endpoint other get /x]\nip.weight = 1\n",
			      "rlc.ini: [endpoint other get /x]: exchange other is not declared "
			      "(line 12); add [exchange other]");
	refused_with_exchange("[endpoint ex patch /x]\nip.weight = 1\n",
			      "rlc.ini: [endpoint ex patch /x]: method patch is not get, post, put "
			      "or delete (line 12)");
	refused_with_exchange("[endpoint ex get x]\nip.weight = 1\n",
			      "rlc.ini: [endpoint ex get x]: the path must start with / and hold no "
			      "query (no ?): the client drops the query before it looks a path up "
			      "(line 12)");
	refused_with_exchange("[endpoint ex get /x?limit=5]\nip.weight = 1\n",
			      "rlc.ini: [endpoint ex get /x?limit=5]: the path must start with / and "
			      "hold no query (no ?): the client drops the query before it looks a "
			      "path up (line 12)");
	refused_with_exchange("[endpoint ex get /a:b]\nip.weight = 1\n",
			      "rlc.ini: [endpoint ex get /a:b]: the path may hold a-z 0-9 / - _ . ~ % "
			      "only (line 12)");
	refused_with_exchange("[endpoint ex delete /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
			      "ip.weight = 1\n",
			      "rlc.ini: [endpoint ex delete "
			      "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]: \"delete "
			      "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is longer "
			      "than 63 characters (line 12)");
	refused_with_exchange("[endpoint ex get]\nip.weight = 1\n",
			      "rlc.ini: [endpoint ex get]: is not of the form [endpoint EXCHANGE "
			      "METHOD PATH] (line 12)");
	refused_with_exchange(DEPTH "ip.weight = 1\n[endpoint ex GET /FAPI/v1/depth]\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth]: endpoint defined twice "
			      "(line 12 and line 14)");
	refused_with_exchange(DEPTH "priority = 2\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth] priority: \"2\" is not a "
			      "priority: critical, high, normal or low");
	refused_with_exchange(DEPTH "ip.weight = 1\ncritical-if = reduce only\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth] critical-if: \"reduce only\" "
			      "is not a parameter name: 1 to 31 characters of A-Z a-z 0-9 _ . -");
	refused_with_exchange(DEPTH "priority = low\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth]: no limit key: an endpoint "
			      "counts against 1 to 8 limits, e.g. ip.weight = 1 (line 12)");
	refused_with_exchange(DEPTH "ip.wieght = 1\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth] ip.wieght: no limit "
			      "ex.ip.wieght; did you mean ip.weight?");
	refused_with_exchange(DEPTH "account.orders-1m = 1\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth] account.orders-1m: no limit "
			      "ex.account.orders-1m; did you mean account.orders-10s?");
	refused_with_exchange(DEPTH "weight = 1\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth] weight: unknown key: it is "
			      "neither priority nor critical-if, and exchange ex has no limit "
			      "ex.weight (a limit key names one as ip.NAME, account.NAME or the rest "
			      "of its name after ex.)");
	refused_with_exchange(DEPTH "ip.weight = 1\nIP.weight = 2\n",
			      "rlc.ini: [endpoint ex get /fapi/v1/depth] ip.weight: given twice (line "
			      "13 and line 14); keep one");
	/* the rule's own reason follows the file, section and key */
	with_exchange(text, sizeof(text), DEPTH "ip.weight = if\n");
	refused_prefix(text, "rlc.ini: [endpoint ex get /fapi/v1/depth] ip.weight: ");
	assert_true(strlen(why) > strlen("rlc.ini: [endpoint ex get /fapi/v1/depth] ip.weight: "));
	used = (size_t)snprintf(text, sizeof(text), "[exchange ex]\n");
	for (i = 0; i < 9; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "[limit ex.l%d]\ncapacity = 5\ninterval = 1s\n", i);
	used += (size_t)snprintf(text + used, sizeof(text) - used, DEPTH);
	for (i = 0; i < 9; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "l%d = 1\n", i);
	refused(text, "rlc.ini: [endpoint ex get /fapi/v1/depth] l8: one limit key too many: an "
		      "endpoint counts against at most 8 limits");
	/* the client keeps at most 8 parameters of an endpoint */
	used = (size_t)snprintf(text, sizeof(text), "[exchange ex]\n");
	for (i = 0; i < 4; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "[limit ex.l%d]\ncapacity = 5\ninterval = 1s\n", i);
	used += (size_t)snprintf(text + used, sizeof(text) - used,
				 DEPTH "critical-if = p0\nl0 = if p1 1 else if p2 1 else 1\n"
				       "l1 = if p3 1 else if p4 1 else 1\n"
				       "l2 = if p5 1 else if p6 1 else 1\n");
	snprintf(text + used, sizeof(text) - used, "l3 = if p7 1 else if p1 1 else 1\n");
	assert_int_equal(parse(&cfg, text), 0);
	rlc_config_free(&cfg);
	snprintf(text + used, sizeof(text) - used, "l3 = if p7 1 else if p8 1 else 1\n");
	refused(text, "rlc.ini: [endpoint ex get /fapi/v1/depth] l3: the endpoint's rules read "
		      "more than 8 parameters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_good),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_units),
		cmocka_unit_test(test_config_unknown_section),
		cmocka_unit_test(test_config_unknown_key),
		cmocka_unit_test(test_config_key_outside_section),
		cmocka_unit_test(test_config_missing_key),
		cmocka_unit_test(test_config_empty_value),
		cmocka_unit_test(test_config_bad_number),
		cmocka_unit_test(test_config_derived),
		cmocka_unit_test(test_config_bad_duration),
		cmocka_unit_test(test_config_bad_mode),
		cmocka_unit_test(test_config_bad_percentage),
		cmocka_unit_test(test_config_duplicate_limit),
		cmocka_unit_test(test_config_slots_on_bucket),
		cmocka_unit_test(test_config_no_limits),
		cmocka_unit_test(test_config_no_group),
		cmocka_unit_test(test_config_bad_names),
		cmocka_unit_test(test_config_syntax_error),
		cmocka_unit_test(test_config_too_big),
		cmocka_unit_test(test_config_builtin),
		cmocka_unit_test(test_config_load_errors),
		cmocka_unit_test(test_config_duplicate_key),
		cmocka_unit_test(test_config_unbalanced_quote),
		cmocka_unit_test(test_config_interval_bounds),
		cmocka_unit_test(test_config_byte_order_mark),
		cmocka_unit_test(test_config_group_not_member),
		cmocka_unit_test(test_config_unsafe_mode),
		cmocka_unit_test(test_config_escapes),
		cmocka_unit_test(test_config_not_regular),
		cmocka_unit_test(test_config_accounts),
		cmocka_unit_test(test_config_account_main),
		cmocka_unit_test(test_config_account_order),
		cmocka_unit_test(test_config_exchange_modes),
		cmocka_unit_test(test_config_exchange_errors),
		cmocka_unit_test(test_config_exchange_feedback),
		cmocka_unit_test(test_config_usage_headers),
		cmocka_unit_test(test_config_usage_header_errors),
		cmocka_unit_test(test_config_mode_errors),
		cmocka_unit_test(test_config_account_errors),
		cmocka_unit_test(test_config_scope_rules),
		cmocka_unit_test(test_config_fixed),
		cmocka_unit_test(test_config_reserves),
		cmocka_unit_test(test_config_endpoints),
		cmocka_unit_test(test_config_endpoint_errors),
		cmocka_unit_test(test_config_layout),
		cmocka_unit_test(test_config_layout_feedback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
