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
		"clients, heartbeat");
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

/* The built-in default is etc/rlc.ini, byte for byte, and means §3. */
static void test_config_builtin(void **state)
{
	const struct rlc_limit_config *l;
	struct rlc_config builtin, file;
	char path[4096], *text;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/etc/rlc.ini", RLC_SOURCE_ROOT);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(rlc_config_builtin_size, (size_t)n);
	assert_memory_equal(rlc_config_builtin, text, (size_t)n);
	assert_int_equal(rlc_config_builtin[n], '\0');
	free(text);

	assert_int_equal(rlc_config_parse(&builtin, rlc_config_builtin, rlc_config_builtin_size,
					  RLC_CONFIG_BUILTIN_NAME, why, sizeof(why)),
			 0);
	assert_int_equal(rlc_config_load(&file, path, why, sizeof(why)), 0);
	assert_int_equal(builtin.limits_count, file.limits_count);
	assert_memory_equal(builtin.limits, file.limits,
			    builtin.limits_count * sizeof(*builtin.limits));
	assert_int_equal(builtin.mode, 0660);
	assert_int_equal(builtin.clients, 64);
	assert_int_equal(builtin.heartbeat_ns, 100 * MS);
	assert_int_equal(builtin.limits_count, 3);
	l = limit(&builtin, "binance-usdm.ip.weight");
	assert_string_equal(l->scope, "binance-usdm.ip");
	assert_int_equal(l->algorithm, RLC_ALGO_WINDOW);
	assert_int_equal(l->capacity, 2400);
	assert_int_equal(l->interval_ns, 60 * SEC);
	assert_int_equal(l->slots, 64);
	assert_int_equal(l->buffer_ppm, 50000);
	l = limit(&builtin, "binance-usdm.account.orders-10s");
	assert_string_equal(l->scope, "binance-usdm.account");
	assert_int_equal(l->algorithm, RLC_ALGO_WINDOW);
	assert_int_equal(l->capacity, 300);
	assert_int_equal(l->interval_ns, 10 * SEC);
	assert_int_equal(l->buffer_ppm, 50000);
	l = limit(&builtin, "binance-usdm.account.orders-1m");
	assert_string_equal(l->scope, "binance-usdm.account");
	assert_int_equal(l->capacity, 1200);
	assert_int_equal(l->interval_ns, 60 * SEC);
	assert_int_equal(l->buffer_ppm, 50000);
	rlc_config_free(&builtin);
	rlc_config_free(&file);
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
		"reserve-low, latency, clock-error");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
