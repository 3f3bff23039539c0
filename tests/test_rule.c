/* SPDX-License-Identifier: MIT */
/*
 * Weight rules: rlcd's parser turns every RULE of rlc.ini(5) into the
 * clauses it means and refuses every mistake with a message naming the
 * clause and token; rlc/rule.h gives each clause kind's weight, boundaries
 * included, and stays safe on any value a caller or a corrupt copy holds.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "rlc/rule.h"
#include "rule.h"

/* The parameters the tests' rules name, in the order of values[]. */
static const char *const params[] = { "limit", "symbol", "symbols", "batchOrders", "reduceOnly" };
#define NPARAMS (sizeof(params) / sizeof(params[0]))

static char why[512];

/* `text` parsed, laid out as a client's private copy: params[] indexes. */
static struct rlc_rule rule(const char *text)
{
	struct rlc_link_config l;
	struct rlc_rule r;
	uint32_t i, p;

	memset(&r, 0, sizeof(r));
	why[0] = '\0';
	assert_int_equal(rlc_rule_parse(text, &l, why, sizeof(why)), 0);
	r.clauses = l.clauses;
	for (i = 0; i < l.clauses; i++) {
		const struct rlc_clause_config *c = &l.clause[i];

		for (p = 0; c->kind != RLC_CLAUSE_CONST && strcmp(params[p], c->param); p++)
			assert_true(p + 1 < NPARAMS);
		r.clause[i].kind = c->kind;
		r.clause[i].param = c->kind == RLC_CLAUSE_CONST ? 0 : p;
		r.clause[i].tiers = c->tiers;
		r.clause[i].dflt = c->dflt;
		r.clause[i].max = c->max;
		memcpy(r.clause[i].bound, c->bound, sizeof(c->bound));
		memcpy(r.clause[i].weight, c->weight, sizeof(c->weight));
	}
	return r;
}

/* The weight of `r` with params[i] = the i-th value after it (NULL: absent). */
static uint64_t weight(const struct rlc_rule *r, ...)
{
	const char *values[NPARAMS];
	va_list ap;
	size_t i;

	va_start(ap, r);
	for (i = 0; i < NPARAMS; i++)
		values[i] = va_arg(ap, const char *);
	va_end(ap);
	return rlc_rule_weight(r, values);
}

/* Weight with only `limit` given. */
static uint64_t by_limit(const struct rlc_rule *r, const char *limit)
{
	return weight(r, limit, NULL, NULL, NULL, NULL);
}

static void test_rule_const(void **state)
{
	struct rlc_rule r = rule("20");

	(void)state;
	assert_int_equal(r.clauses, 1);
	assert_int_equal(r.clause[0].kind, RLC_CLAUSE_CONST);
	assert_int_equal(weight(&r, NULL, NULL, NULL, NULL, NULL), 20);
	assert_int_equal(weight(&r, "5", "BTCUSDT", "[]", "x", "true"), 20);
	r = rule("0");
	assert_int_equal(weight(&r, NULL, NULL, NULL, NULL, NULL), 0);
	r = rule("16777215");
	assert_int_equal(weight(&r, NULL, NULL, NULL, NULL, NULL), RLC_COUNT_MAX);
}

/* Presence is what counts: a value without text is present. */
static void test_rule_if(void **state)
{
	struct rlc_rule r = rule("if symbol 2 else 80");

	(void)state;
	assert_int_equal(weight(&r, NULL, "BTCUSDT", NULL, NULL, NULL), 2);
	assert_int_equal(weight(&r, NULL, "", NULL, NULL, NULL), 2);
	assert_int_equal(weight(&r, NULL, NULL, NULL, NULL, NULL), 80);
	assert_int_equal(weight(&r, "5", NULL, "BTCUSDT", NULL, NULL), 80);
}

/* Binance Spot depth: limit 1-100: 5; 101-500: 25; 501-1000: 50; 1001-5000: 250. */
static void test_rule_by_tiers(void **state)
{
	struct rlc_rule r = rule("by limit 100:5 500:25 1000:50 5000:250 default 100");

	(void)state;
	assert_int_equal(by_limit(&r, "0"), 5);
	assert_int_equal(by_limit(&r, "1"), 5);
	assert_int_equal(by_limit(&r, "100"), 5);
	assert_int_equal(by_limit(&r, "101"), 25);
	assert_int_equal(by_limit(&r, "500"), 25);
	assert_int_equal(by_limit(&r, "501"), 50);
	assert_int_equal(by_limit(&r, "1000"), 50);
	assert_int_equal(by_limit(&r, "1001"), 250);
	assert_int_equal(by_limit(&r, "5000"), 250);
	/* above every bound: the last weight, however far */
	assert_int_equal(by_limit(&r, "5001"), 250);
	assert_int_equal(by_limit(&r, "4294967295"), 250);
	assert_int_equal(by_limit(&r, "18446744073709551615"), 250);
	assert_int_equal(by_limit(&r, "99999999999999999999999999"), 250);
	assert_int_equal(by_limit(&r, "00000000000000000000000000100"), 5);
	/* blanks around the digits are allowed */
	assert_int_equal(by_limit(&r, " 101\t"), 25);
}

/* Absent, or not a decimal integer: the default value, which is tiered. */
static void test_rule_by_default(void **state)
{
	struct rlc_rule r = rule("by limit 100:5 500:25 1000:50 5000:250 default 500");
	const char *bad[] = { "", " ", "abc", "-1", "+5", "1e3", "10.0", "0x10", "1 0", "5a", "\t" };
	size_t i;

	(void)state;
	assert_int_equal(by_limit(&r, NULL), 25);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(by_limit(&r, bad[i]), 25);
}

/* No default: an absent value skips the clause for the next. */
static void test_rule_by_skip(void **state)
{
	struct rlc_rule r = rule("by limit 10:1 *:7 else 3");

	(void)state;
	assert_int_equal(by_limit(&r, "10"), 1);
	assert_int_equal(by_limit(&r, "11"), 7);
	assert_int_equal(by_limit(&r, "4294967296"), 7); /* past 32 bits, '*' still holds */
	assert_int_equal(by_limit(&r, NULL), 3);
	assert_int_equal(by_limit(&r, "many"), 3);
	/* Binance USD-M klines: [1,100): 1; [100,500): 2; [500,1000]: 5; >1000: 10 */
	r = rule("by limit 99:1 499:2 1000:5 *:10 default 500");
	assert_int_equal(by_limit(&r, "99"), 1);
	assert_int_equal(by_limit(&r, "100"), 2);
	assert_int_equal(by_limit(&r, "499"), 2);
	assert_int_equal(by_limit(&r, "500"), 5);
	assert_int_equal(by_limit(&r, "1000"), 5);
	assert_int_equal(by_limit(&r, "1001"), 10);
	assert_int_equal(by_limit(&r, NULL), 5);
}

/* Binance Spot ticker/24hr: symbols 1-20: 2, 21-100: 40, >= 101: 80. */
static void test_rule_count(void **state)
{
	struct rlc_rule r = rule("count symbols 20:2 100:40 *:80 else if symbol 2 else 80");

	(void)state;
	assert_int_equal(weight(&r, NULL, NULL, "[\"BTCUSDT\",\"BNBUSDT\"]", NULL, NULL), 2);
	assert_int_equal(weight(&r, NULL, NULL, "BTCUSDT,BNBUSDT", NULL, NULL), 2);
	assert_int_equal(weight(&r, NULL, NULL, "[]", NULL, NULL), 2); /* 0 items: tier 1 */
	assert_int_equal(weight(&r, NULL, NULL, "", NULL, NULL), 2);
	assert_int_equal(weight(&r, NULL, "BTCUSDT", NULL, NULL, NULL), 2);
	assert_int_equal(weight(&r, NULL, NULL, NULL, NULL, NULL), 80);
	/* 20/21 and 100/101 items */
	assert_int_equal(weight(&r, NULL, NULL, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t", NULL,
				NULL),
			 2);
	assert_int_equal(weight(&r, NULL, NULL, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", NULL,
				NULL),
			 40);
	{
		char list[2 * 101 + 2];
		size_t i;

		list[0] = '[';
		for (i = 0; i < 100; i++) {
			list[1 + 2 * i] = 'x';
			list[2 + 2 * i] = ',';
		}
		list[200] = ']';
		list[201] = '\0';
		assert_int_equal(weight(&r, NULL, NULL, list, NULL, NULL), 40);
		list[200] = ',';
		list[201] = 'y';
		list[202] = ']';
		list[203] = '\0';
		assert_int_equal(weight(&r, NULL, NULL, list, NULL, NULL), 80);
	}
}

/* JSON arrays: top-level elements only; strings and nesting hide commas. */
static void test_rule_items(void **state)
{
	(void)state;
	assert_int_equal(rlc_rule_items("[]"), 0);
	assert_int_equal(rlc_rule_items(" [ ] "), 0);
	assert_int_equal(rlc_rule_items("[\"A\"]"), 1);
	assert_int_equal(rlc_rule_items("[\"A\",\"B\",\"C\"]"), 3);
	assert_int_equal(rlc_rule_items(" [ \"A\" , \"B\" ] "), 2);
	assert_int_equal(rlc_rule_items("[\"A,B\",\"C]\"]"), 2);
	assert_int_equal(rlc_rule_items("[\"a\\\",b\",\"c\"]"), 2);   /* escaped quote */
	assert_int_equal(rlc_rule_items("[\"a\\\\\",\"b\"]"), 2);     /* escaped backslash */
	assert_int_equal(rlc_rule_items("[{\"s\":\"A\",\"q\":\"1\"},{\"s\":\"B\"}]"), 2);
	assert_int_equal(rlc_rule_items("[[1,2],[3,[4,5]],6]"), 3);
	assert_int_equal(rlc_rule_items("[1,2] trailing,junk"), 2);
	/* unterminated: what it holds, never past the string */
	assert_int_equal(rlc_rule_items("[1,2"), 2);
	assert_int_equal(rlc_rule_items("[\"a,b"), 1);
	assert_int_equal(rlc_rule_items("[\"a\\"), 1);
	assert_int_equal(rlc_rule_items("["), 0);
	/* comma lists */
	assert_int_equal(rlc_rule_items(""), 0);
	assert_int_equal(rlc_rule_items("  "), 0);
	assert_int_equal(rlc_rule_items("A"), 1);
	assert_int_equal(rlc_rule_items("A,B,C"), 3);
	assert_int_equal(rlc_rule_items(","), 2);
	assert_int_equal(rlc_rule_items("A,,B"), 3);
}

static void test_rule_integer(void **state)
{
	uint64_t x = 7;

	(void)state;
	assert_true(rlc_rule_integer("0", &x) && x == 0);
	assert_true(rlc_rule_integer(" 42 ", &x) && x == 42);
	assert_true(rlc_rule_integer("18446744073709551615", &x) && x == UINT64_MAX);
	assert_true(rlc_rule_integer("18446744073709551616", &x) && x == UINT64_MAX);
	assert_true(rlc_rule_integer("184467440737095516150", &x) && x == UINT64_MAX);
	x = 7;
	assert_false(rlc_rule_integer("", &x));
	assert_false(rlc_rule_integer("-0", &x));
	assert_false(rlc_rule_integer("1 2", &x));
	assert_false(rlc_rule_integer("12x", &x));
	assert_int_equal(x, 7); /* untouched when refused */
}

/* Bitget batch place-order and OKX batch-orders: one unit per order. */
static void test_rule_each(void **state)
{
	struct rlc_rule r = rule("each batchOrders 1 max 10 else 1");

	(void)state;
	assert_int_equal(weight(&r, NULL, NULL, NULL, "[{\"a\":1},{\"a\":2},{\"a\":3}]", NULL), 3);
	assert_int_equal(weight(&r, NULL, NULL, NULL, "[{},{},{},{},{},{},{},{},{},{}]", NULL), 10);
	assert_int_equal(weight(&r, NULL, NULL, NULL, "[{},{},{},{},{},{},{},{},{},{},{}]", NULL),
			 10);
	assert_int_equal(weight(&r, NULL, NULL, NULL, "[]", NULL), 0);
	assert_int_equal(weight(&r, NULL, NULL, NULL, NULL, NULL), 1);
	/* no cap: the product, saturated instead of wrapping */
	r = rule("each symbols 4 else 4");
	assert_int_equal(weight(&r, NULL, NULL, "a,b,c", NULL, NULL), 12);
	r.clause[0].weight[0] = RLC_COUNT_MAX;
	{
		char many[4097];

		memset(many, ',', sizeof(many) - 1);
		many[sizeof(many) - 1] = '\0';
		assert_int_equal(weight(&r, NULL, NULL, many, NULL, NULL),
				 (uint64_t)RLC_COUNT_MAX * 4097);
	}
	assert_int_equal(rlc__rule_each(&r.clause[0], UINT64_MAX), UINT64_MAX);
	r.clause[0].weight[0] = 0;
	assert_int_equal(rlc__rule_each(&r.clause[0], UINT64_MAX), 0);
}

/* The first clause that applies wins, in the order written. */
static void test_rule_order(void **state)
{
	struct rlc_rule r = rule("if reduceOnly 0 else by limit 5:1 default 5 ");

	(void)state;
	assert_int_equal(weight(&r, "1", NULL, NULL, NULL, "true"), 0);
	assert_int_equal(weight(&r, "1", NULL, NULL, NULL, NULL), 1);
	assert_int_equal(weight(&r, "6", NULL, NULL, NULL, NULL), 1); /* above every bound */
	r = rule("if symbol 1 else if limit 7 else 9");
	assert_int_equal(weight(&r, "x", "y", NULL, NULL, NULL), 1);
	assert_int_equal(weight(&r, "x", NULL, NULL, NULL, NULL), 7);
	assert_int_equal(weight(&r, NULL, NULL, NULL, NULL, NULL), 9);
}

/* A corrupt copy: unknown kinds skipped, tier counts clamped, no clause 0. */
static void test_rule_corrupt(void **state)
{
	struct rlc_rule r = rule("by limit 1:1 2:2 3:3 4:4 5:5 6:6 default 1");
	const char *values[NPARAMS] = { "9", NULL, NULL, NULL, NULL };

	(void)state;
	r.clause[0].tiers = UINT32_MAX;
	assert_int_equal(rlc_rule_weight(&r, values), 6);
	r.clause[0].tiers = 0;
	assert_int_equal(rlc_rule_weight(&r, values), 0);
	r = rule("count symbols 1:1 else 3");
	r.clause[0].tiers = 0;
	values[2] = "a";
	assert_int_equal(rlc_rule_weight(&r, values), 3);
	r.clause[0].kind = 0;
	r.clause[0].param = UINT32_MAX; /* never read for a kind that is skipped */
	assert_int_equal(rlc_rule_weight(&r, values), 3);
	r.clause[0].kind = 99;
	assert_int_equal(rlc_rule_weight(&r, values), 3);
	r.clauses = UINT32_MAX; /* clamped to RLC_CLAUSES_MAX; clause 3 is zeroed */
	assert_int_equal(rlc_rule_weight(&r, values), 3);
	r.clauses = 0;
	assert_int_equal(rlc_rule_weight(&r, values), 0);
}

/* What the parser writes for each kind, fields the evaluator does not read included. */
static void test_rule_parse_fields(void **state)
{
	struct rlc_link_config l;

	(void)state;
	memset(&l, 0xa5, sizeof(l));
	assert_int_equal(rlc_rule_parse("  count symbols 20:2 100:40 *:80 ELSE Each batchOrders 3 "
					"MAX 30 else By limit 0:1 7:2 Default 7",
					&l, why, sizeof(why)),
			 0);
	assert_int_equal(l.clauses, 3);
	assert_int_equal(l.clause[0].kind, RLC_CLAUSE_COUNT);
	assert_string_equal(l.clause[0].param, "symbols");
	assert_int_equal(l.clause[0].tiers, 3);
	assert_int_equal(l.clause[0].bound[0], 20);
	assert_int_equal(l.clause[0].bound[2], RLC_NONE);
	assert_int_equal(l.clause[0].weight[2], 80);
	assert_int_equal(l.clause[0].bound[3], 0);
	assert_int_equal(l.clause[0].dflt, RLC_NONE);
	assert_int_equal(l.clause[0].max, RLC_NONE);
	assert_int_equal(l.clause[1].kind, RLC_CLAUSE_EACH);
	assert_string_equal(l.clause[1].param, "batchOrders"); /* case kept */
	assert_int_equal(l.clause[1].tiers, 1);
	assert_int_equal(l.clause[1].weight[0], 3);
	assert_int_equal(l.clause[1].max, 30);
	assert_int_equal(l.clause[2].kind, RLC_CLAUSE_BY);
	assert_int_equal(l.clause[2].bound[0], 0);
	assert_int_equal(l.clause[2].dflt, 7);
	assert_int_equal(rlc_rule_parse("if a.b-c_D9 5 else 4", &l, why, sizeof(why)), 0);
	assert_string_equal(l.clause[0].param, "a.b-c_D9");
	assert_int_equal(rlc_rule_parse("by x 4294967294:1 default 4294967294", &l, why,
					sizeof(why)),
			 0);
	assert_int_equal(l.clause[0].bound[0], RLC_NONE - 1u);
	assert_int_equal(l.clause[0].dflt, RLC_NONE - 1u);
	assert_int_equal(rlc_rule_parse("if abcdefghijklmnopqrstuvwxyz01234 1 else 0", &l, why,
					sizeof(why)),
			 0); /* 31 characters */
	assert_int_equal(l.clause[0].kind, RLC_CLAUSE_IF);
	assert_int_equal(l.clause[1].kind, RLC_CLAUSE_CONST);
	assert_string_equal(l.clause[1].param, "");
}

/* `text` must be refused with exactly `message`. */
static void refused(const char *text, const char *message)
{
	struct rlc_link_config l;

	why[0] = '\0';
	assert_int_equal(rlc_rule_parse(text, &l, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, message);
}

static void test_rule_parse_errors(void **state)
{
	(void)state;
	refused("", "empty rule: give a weight, such as 1, or clauses (if, by, count, each)");
	refused(" \t ", "empty rule: give a weight, such as 1, or clauses (if, by, count, each)");
	refused("bogus", "clause 1: \"bogus\" is neither a weight nor if, by, count or each");
	refused("-1", "clause 1: \"-1\" is neither a weight nor if, by, count or each");
	refused("16777216", "clause 1: weight \"16777216\" is outside 0..16777215");
	refused("5x", "clause 1: weight \"5x\" is not a whole number");
	refused("1 2", "\"2\" after clause 1: expected else or the end of the rule");
	refused("1 else 2", "clause 1 always applies, so nothing may follow it");
	refused("by limit 1:1 default 1 else 2", "clause 1 always applies, so nothing may follow it");
	refused("if symbol 1 else", "clause 2: missing after \"else\" at the end of the rule");
	refused("if a 1 else if b 2 else if c 3 else 4",
		"\"else\" after clause 3: a rule has at most 3 clauses");
	refused("if symbol 2", "the rule must end with a clause that always applies: a weight, or "
			       "by ... default V");
	refused("if a 1 else by limit 1:1",
		"the rule must end with a clause that always applies: a weight, or by ... default V");
	refused("each symbols 1 max 5", "the rule must end with a clause that always applies: a "
					"weight, or by ... default V");
	refused("if", "clause 1: the parameter name is missing at the end of the rule");
	refused("if symbol", "clause 1 (if symbol): the weight is missing at the end of the rule");
	refused("if symbol x else 1", "clause 1 (if symbol): weight \"x\" is not a whole number");
	refused("if sym$bol 1 else 2",
		"clause 1: parameter name \"sym$bol\" must be 1..31 characters of A-Z a-z 0-9 _ . -");
	refused("if abcdefghijklmnopqrstuvwxyz012345 1 else 2",
		"clause 1: parameter name \"abcdefghijklmnopqrstuvwxyz012345\" must be 1..31 "
		"characters of A-Z a-z 0-9 _ . -");
	refused("by 100:5 default 1",
		"clause 1: parameter name \"100:5\" must be 1..31 characters of A-Z a-z 0-9 _ . -");
	refused("by limit", "clause 1 (by limit): at least one tier BOUND:WEIGHT is needed, such as "
			    "100:5");
	refused("by limit default 5", "clause 1 (by limit): at least one tier BOUND:WEIGHT is "
				      "needed, such as 100:5");
	refused("count symbols else 1", "clause 1 (count symbols): at least one tier BOUND:WEIGHT "
					"is needed, such as 100:5");
	refused("by limit 100 default 5",
		"clause 1 (by limit): tier 1: \"100\" is not BOUND:WEIGHT (such as 100:5 or *:10)");
	refused("by limit 100:5 500:25 100:50 default 100",
		"clause 1 (by limit): tier 3: bound 100 is not above the previous bound 500");
	refused("by limit 100:5 100:6 default 100",
		"clause 1 (by limit): tier 2: bound 100 is not above the previous bound 100");
	refused("by limit 5:1 *:2 10:3 default 1",
		"clause 1 (by limit): tier 3: \"10:3\" can never apply: the tier before it has no "
		"bound (*)");
	refused("by limit *:1 *:2 default 1", "clause 1 (by limit): tier 2: \"*:2\" can never "
					      "apply: the tier before it has no bound (*)");
	refused("by limit 1:1 2:2 3:3 4:4 5:5 6:6 7:7 default 1",
		"clause 1 (by limit): \"7:7\": more than 6 tiers");
	refused("by limit 1:16777216 default 1",
		"clause 1 (by limit): tier 1: weight \"16777216\" is outside 0..16777215");
	refused("by limit 1: default 1", "clause 1 (by limit): tier 1: weight \"\" is not a whole "
					 "number");
	refused("by limit :1 default 1",
		"clause 1 (by limit): tier 1: bound \"\" is not a whole number");
	refused("by limit 4294967295:1 default 1",
		"clause 1 (by limit): tier 1: bound \"4294967295\" is outside 0..4294967294");
	refused("by limit 1:1 default", "clause 1 (by limit): default is missing at the end of the "
					"rule");
	refused("by limit 1:1 default x",
		"clause 1 (by limit): default \"x\" is not a whole number");
	refused("by limit 1:1 default 4294967295",
		"clause 1 (by limit): default \"4294967295\" is outside 0..4294967294");
	refused("count symbols 1:1 default 2 else 1", "\"default\" after clause 1: only by takes it");
	refused("each symbols 1 max", "clause 1 (each symbols): max is missing at the end of the "
				      "rule");
	refused("each symbols 1 max 16777216 else 1",
		"clause 1 (each symbols): max \"16777216\" is outside 0..16777215");
	refused("if symbol 1 max 2 else 1", "\"max\" after clause 1: only each takes it");
	refused("if symbol 1 else 9999999999999999999999999999999999999999999999999999999999999999",
		"clause 2: \"99999999999999999999...\" is too long for a word of a rule");
	refused("if a 1 else junk", "clause 2: \"junk\" is neither a weight nor if, by, count or "
				    "each");
}

/* A reason longer than the caller's buffer is cut, never overrun. */
static void test_rule_parse_short_buffer(void **state)
{
	struct rlc_link_config l;
	char small[8];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(rlc_rule_parse("bogus", &l, small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "clause ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_const),
		cmocka_unit_test(test_rule_if),
		cmocka_unit_test(test_rule_by_tiers),
		cmocka_unit_test(test_rule_by_default),
		cmocka_unit_test(test_rule_by_skip),
		cmocka_unit_test(test_rule_count),
		cmocka_unit_test(test_rule_items),
		cmocka_unit_test(test_rule_integer),
		cmocka_unit_test(test_rule_each),
		cmocka_unit_test(test_rule_order),
		cmocka_unit_test(test_rule_corrupt),
		cmocka_unit_test(test_rule_parse_fields),
		cmocka_unit_test(test_rule_parse_errors),
		cmocka_unit_test(test_rule_parse_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
