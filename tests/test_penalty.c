/* SPDX-License-Identifier: MIT */
/*
 * rlc/penalty.h: every row of its table in every dialect, the responses
 * that are no penalty, and the error code parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rlc/penalty.h"

#define SEC RLC_NS_PER_SEC
#define NONE 0 /* a status or scope column left empty */

enum { IP = RLC_PENALTY_IP, ACCOUNT = RLC_PENALTY_ACCOUNT, REQUEST = RLC_PENALTY_REQUEST };

struct row {
	uint32_t dialect;
	int status, has_code;
	int32_t code;
	uint32_t scope; /* NONE: no penalty */
	uint64_t default_ns, floor_ns;
	int until_reset;
};

#define NO_CODE 0, 0
#define CODE(c) 1, (c)

static const char *const dialects[] = { "generic", "binance", "bybit", "okx", "bitget" };

static void check(const struct row *r)
{
	struct rlc_penalty p;
	char what[96];
	int got;

	memset(&p, 0xa5, sizeof(p));
	got = rlc_penalty_of(r->dialect, r->status, r->has_code, r->code, &p);
	snprintf(what, sizeof(what), "%s status %d code %s%d",
		 r->dialect < 5 ? dialects[r->dialect] : "?", r->status, r->has_code ? "" : "none ",
		 r->code);
	if (got != (r->scope != NONE))
		fail_msg("%s: penalty %d, expected %d", what, got, r->scope != NONE);
	if (!got)
		return;
	if (p.scope != r->scope || p.default_ns != r->default_ns || p.floor_ns != r->floor_ns ||
	    p.until_reset != r->until_reset)
		fail_msg("%s: scope %u default %llu floor %llu until_reset %d", what, p.scope,
			 (unsigned long long)p.default_ns, (unsigned long long)p.floor_ns,
			 p.until_reset);
}

static void check_all(const struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check(&rows[i]);
}

/*
 * The table in penalty.h, row by row, each status with and without a code
 * and each code with the statuses it comes with (and with 200: the code
 * decides, wherever the exchange puts it).
 */
static void test_penalty_binance(void **state)
{
	static const struct row rows[] = {
		{ RLC_DIALECT_BINANCE, 418, NO_CODE, IP, 120 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 418, CODE(-1003), IP, 120 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 418, CODE(-1015), IP, 120 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 429, CODE(-1015), ACCOUNT, 10 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 200, CODE(-1015), ACCOUNT, 10 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 429, CODE(-1003), IP, 60 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 400, CODE(-1003), IP, 60 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 429, NO_CODE, IP, 60 * SEC, 0, 0 },
		{ RLC_DIALECT_BINANCE, 429, CODE(-1121), IP, 60 * SEC, 0, 0 },
		/* no penalty: a WAF block, overload, a bad request, a server error */
		{ RLC_DIALECT_BINANCE, 200, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_BINANCE, 403, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_BINANCE, 503, CODE(-1008), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BINANCE, 400, CODE(-1021), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BINANCE, 500, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_BINANCE, 0, NO_CODE, NONE, 0, 0, 0 },
		/* another dialect's codes mean nothing here */
		{ RLC_DIALECT_BINANCE, 200, CODE(10006), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BINANCE, 200, CODE(50011), NONE, 0, 0, 0 },
		/* a code that did not parse is no code: -1015 is ignored */
		{ RLC_DIALECT_BINANCE, 200, 0, -1015, NONE, 0, 0, 0 },
	};

	check_all(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_penalty_bybit(void **state)
{
	static const struct row rows[] = {
		{ RLC_DIALECT_BYBIT, 403, NO_CODE, IP, 600 * SEC, 600 * SEC, 0 },
		{ RLC_DIALECT_BYBIT, 403, CODE(10006), IP, 600 * SEC, 600 * SEC, 0 },
		{ RLC_DIALECT_BYBIT, 200, CODE(10018), IP, 600 * SEC, 600 * SEC, 0 },
		{ RLC_DIALECT_BYBIT, 200, CODE(10006), ACCOUNT, SEC, 0, 1 },
		{ RLC_DIALECT_BYBIT, 429, CODE(10006), ACCOUNT, SEC, 0, 1 },
		{ RLC_DIALECT_BYBIT, 200, CODE(170005), ACCOUNT, SEC, 0, 1 },
		{ RLC_DIALECT_BYBIT, 200, CODE(170222), REQUEST, SEC, 0, 1 },
		{ RLC_DIALECT_BYBIT, 429, CODE(170222), REQUEST, SEC, 0, 1 },
		{ RLC_DIALECT_BYBIT, 429, NO_CODE, IP, SEC, 0, 0 },
		{ RLC_DIALECT_BYBIT, 429, CODE(10429), IP, SEC, 0, 0 },
		{ RLC_DIALECT_BYBIT, 200, CODE(10429), IP, SEC, 0, 0 },
		{ RLC_DIALECT_BYBIT, 429, CODE(10001), IP, SEC, 0, 0 },
		/* no penalty */
		{ RLC_DIALECT_BYBIT, 200, CODE(0), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BYBIT, 200, CODE(10001), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BYBIT, 418, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_BYBIT, 500, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_BYBIT, 200, CODE(-1003), NONE, 0, 0, 0 },
	};

	check_all(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_penalty_okx(void **state)
{
	static const struct row rows[] = {
		{ RLC_DIALECT_OKX, 200, CODE(50061), ACCOUNT, 2 * SEC, 0, 0 },
		{ RLC_DIALECT_OKX, 429, CODE(50061), ACCOUNT, 2 * SEC, 0, 0 },
		{ RLC_DIALECT_OKX, 200, CODE(50011), REQUEST, 2 * SEC, 0, 0 },
		{ RLC_DIALECT_OKX, 429, CODE(50011), REQUEST, 2 * SEC, 0, 0 },
		{ RLC_DIALECT_OKX, 429, NO_CODE, REQUEST, 2 * SEC, 0, 0 },
		{ RLC_DIALECT_OKX, 429, CODE(50013), REQUEST, 2 * SEC, 0, 0 },
		/* no penalty: OKX documents no ban, so a 418 is none of its words */
		{ RLC_DIALECT_OKX, 418, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_OKX, 200, CODE(0), NONE, 0, 0, 0 },
		{ RLC_DIALECT_OKX, 200, CODE(51000), NONE, 0, 0, 0 },
		{ RLC_DIALECT_OKX, 403, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_OKX, 503, NO_CODE, NONE, 0, 0, 0 },
	};

	check_all(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_penalty_bitget(void **state)
{
	static const struct row rows[] = {
		{ RLC_DIALECT_BITGET, 429, NO_CODE, REQUEST, SEC, 0, 0 },
		{ RLC_DIALECT_BITGET, 429, CODE(429), REQUEST, SEC, 0, 0 },
		{ RLC_DIALECT_BITGET, 200, CODE(429), REQUEST, SEC, 0, 0 },
		{ RLC_DIALECT_BITGET, 200, CODE(30001), REQUEST, SEC, 0, 0 },
		{ RLC_DIALECT_BITGET, 200, CODE(30002), REQUEST, SEC, 0, 0 },
		{ RLC_DIALECT_BITGET, 200, CODE(30003), REQUEST, SEC, 0, 0 },
		/* no penalty: the neighbours of the range, a 418 */
		{ RLC_DIALECT_BITGET, 200, CODE(30000), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BITGET, 200, CODE(30004), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BITGET, 200, CODE(40001), NONE, 0, 0, 0 },
		{ RLC_DIALECT_BITGET, 418, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_BITGET, 500, NO_CODE, NONE, 0, 0, 0 },
	};

	check_all(rows, sizeof(rows) / sizeof(rows[0]));
}

/* generic, and a dialect no layout holds: only 418 and 429, codes ignored. */
static void test_penalty_generic(void **state)
{
	static const struct row rows[] = {
		{ RLC_DIALECT_GENERIC, 418, NO_CODE, IP, 120 * SEC, 0, 0 },
		{ RLC_DIALECT_GENERIC, 429, NO_CODE, REQUEST, SEC, 0, 0 },
		{ RLC_DIALECT_GENERIC, 429, CODE(-1015), REQUEST, SEC, 0, 0 },
		{ 99, 418, NO_CODE, IP, 120 * SEC, 0, 0 },
		{ 99, 429, NO_CODE, REQUEST, SEC, 0, 0 },
		{ RLC_DIALECT_GENERIC, 200, CODE(-1003), NONE, 0, 0, 0 },
		{ RLC_DIALECT_GENERIC, 200, CODE(10006), NONE, 0, 0, 0 },
		{ RLC_DIALECT_GENERIC, 403, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_GENERIC, 500, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_GENERIC, 503, NO_CODE, NONE, 0, 0, 0 },
		{ RLC_DIALECT_GENERIC, 0, NO_CODE, NONE, 0, 0, 0 },
	};

	check_all(rows, sizeof(rows) / sizeof(rows[0]));
}

/* Penalties fill every field; none touches *p when there is no penalty. */
static void test_penalty_none_leaves_p_alone(void **state)
{
	struct rlc_penalty p, before;
	uint32_t d;

	for (d = 0; d < RLC_DIALECTS; d++) {
		memset(&p, 0x5a, sizeof(p));
		before = p;
		assert_int_equal(rlc_penalty_of(d, 200, 0, 0, &p), 0);
		assert_memory_equal(&p, &before, sizeof(p));
	}
}

static void test_penalty_code_parses(void **state)
{
	static const struct {
		const char *text;
		int ok;
		int32_t code;
	} cases[] = {
		{ "-1003", 1, -1003 },   { "50011", 1, 50011 },     { "0", 1, 0 },
		{ "-0", 1, 0 },          { "1234567", 1, 1234567 }, { "-1234567", 1, -1234567 },
		{ "0000001", 1, 1 },     { "170222", 1, 170222 },   { "", 0, 0 },
		{ "12a", 0, 0 },         { "a12", 0, 0 },           { "--1", 0, 0 },
		{ "-", 0, 0 },           { "99999999", 0, 0 },      { "-99999999", 0, 0 },
		{ "00000001", 0, 0 },    { "123456789012", 0, 0 },  { "+1", 0, 0 },
		{ " 1", 0, 0 },          { "1 ", 0, 0 },            { "1-", 0, 0 },
		{ "0x10", 0, 0 },
		/* a block word keeps 24 bits: +-8388607 */
		{ "8388607", 1, 8388607 }, { "-8388607", 1, -8388607 }, { "8388608", 0, 0 },
		{ "-8388608", 0, 0 },      { "9999999", 0, 0 },
	};
	int32_t code;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		code = 777;
		if (rlc_penalty_code(cases[i].text, &code) != cases[i].ok)
			fail_msg("\"%s\": expected %d", cases[i].text, cases[i].ok);
		assert_int_equal(code, cases[i].ok ? cases[i].code : 777);
	}
	code = 777;
	assert_int_equal(rlc_penalty_code(NULL, &code), 0);
	assert_int_equal(code, 777);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_penalty_binance),
		cmocka_unit_test(test_penalty_bybit),
		cmocka_unit_test(test_penalty_okx),
		cmocka_unit_test(test_penalty_bitget),
		cmocka_unit_test(test_penalty_generic),
		cmocka_unit_test(test_penalty_none_leaves_p_alone),
		cmocka_unit_test(test_penalty_code_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
