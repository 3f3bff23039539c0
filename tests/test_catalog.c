/* SPDX-License-Identifier: MIT */
/*
 * The catalog validator (rlc/catalog.h) accepts what rlcd lays out and
 * refuses every record a reserve would follow out of range, naming it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ini_segment.h"

static const char profile[] =
	"[rlcd]\n"
	"clients = 4\n"
	"[exchange ex]\n"
	"[limit ex.ip.weight]\n"
	"capacity = 100\n"
	"interval = 1m\n"
	"reserve-low = 20%\n"
	"[limit ex.account.orders]\n"
	"capacity = 10\n"
	"interval = 10s\n"
	"[limit ex.account.rate]\n"
	"algorithm = bucket\n"
	"capacity = 5\n"
	"interval = 1s\n"
	"[account ex main]\n"
	"[account ex hedge]\n"
	"[mode ex liquidation]\n"
	"lowest = high\n"
	"[endpoint ex GET /depth]\n"
	"priority = low\n"
	"ip.weight = by limit 100:5 500:25 default 100\n"
	"[endpoint ex POST /order]\n"
	"critical-if = reduceOnly\n"
	"ip.weight = 1\n"
	"account.orders = 1\n"
	"account.rate = 1\n";

static struct ini_segment seg;
static struct rlc h;
static char why[256];

static int setup(void **state)
{
	(void)state;
	ini_segment_open(&seg, profile, &h, "catalog");
	rlc_close(&h); /* the tests rewrite records under no open handle */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ini_segment_close(&seg);
	return 0;
}

static struct rlc_header *hdr(void)
{
	return (struct rlc_header *)seg.base;
}

#define RECORD(type, table, i) (&RLC__TABLE(type, seg.base, hdr()->table##_off)[i])

static void expect(const char *needle)
{
	assert_int_equal(rlc_segment_check(seg.base, seg.size, why, sizeof(why)), -EBADMSG);
	if (!strstr(why, needle))
		fail_msg("reason '%s' does not mention '%s'", why, needle);
	/* and a client refuses it the same way */
	assert_int_equal(ini_segment_attach(&seg, &h, "late"), -EBADMSG);
}

static void test_catalog_valid(void **state)
{
	(void)state;
	assert_int_equal(rlc_segment_check(seg.base, seg.size, why, sizeof(why)), 0);
	assert_int_equal(hdr()->exchanges_count, 1);
	assert_int_equal(hdr()->accounts_count, 2);
	assert_int_equal(hdr()->endpoints_count, 2);
	assert_int_equal(hdr()->links_count, 4);
	assert_int_equal(hdr()->modes_count, 2);
	assert_int_equal(ini_segment_attach(&seg, &h, "ok"), 0);
	/* rlcd lays endpoints out so that a reserve needs no sort */
	assert_int_equal(h.cat.endpoints[1].sorted, 1);
	assert_int_equal(h.cat.endpoints[1].account_links, 2);
	rlc_close(&h);
}

static void test_catalog_link_limit_out_of_range(void **state)
{
	(void)state;
	RECORD(struct rlc_link, links, 0)->limit = 99;
	expect("link 0 of endpoint 0");
}

static void test_catalog_link_to_an_account_limit_directly(void **state)
{
	struct rlc_account *main_acct = RECORD(struct rlc_account, accounts, 0);

	(void)state;
	/* a direct link must not name one account's limit: every account would share it */
	RECORD(struct rlc_link, links, 0)->limit = main_acct->limits_first;
	expect("link 0 of endpoint 0");
}

static void test_catalog_account_slot_out_of_range(void **state)
{
	(void)state;
	RECORD(struct rlc_link, links, 3)->account_slot = 2;
	expect("link 2 of endpoint 1");
}

static void test_catalog_link_counts_twice(void **state)
{
	(void)state;
	RECORD(struct rlc_link, links, 3)->account_slot = 0;
	expect("counts twice against one limit");
}

static void test_catalog_clause_kind_unknown(void **state)
{
	(void)state;
	RECORD(struct rlc_link, links, 0)->clause[0].kind = 77;
	expect("link 0 of endpoint 0");
}

static void test_catalog_tiers_not_increasing(void **state)
{
	struct rlc_clause *c = &RECORD(struct rlc_link, links, 0)->clause[0];

	(void)state;
	c->bound[1] = c->bound[0];
	expect("link 0 of endpoint 0");
}

static void test_catalog_rule_may_not_apply(void **state)
{
	(void)state;
	/* by limit without a default: a request without `limit` gets no weight */
	RECORD(struct rlc_link, links, 0)->clause[0].dflt = RLC_NONE;
	expect("link 0 of endpoint 0");
}

static void test_catalog_endpoint_links_out_of_range(void **state)
{
	(void)state;
	RECORD(struct rlc_endpoint, endpoints, 1)->links_count = 9;
	expect("endpoint 1");
}

static void test_catalog_endpoint_priority_out_of_range(void **state)
{
	(void)state;
	RECORD(struct rlc_endpoint, endpoints, 0)->priority = 4;
	expect("endpoint 0");
}

static void test_catalog_account_of_another_exchange(void **state)
{
	(void)state;
	RECORD(struct rlc_account, accounts, 1)->exchange = 5;
	expect("account 1");
}

static void test_catalog_account_lists_another_accounts_limit(void **state)
{
	struct rlc_account *hedge = RECORD(struct rlc_account, accounts, 1);

	(void)state;
	hedge->limits_first = RECORD(struct rlc_account, accounts, 0)->limits_first;
	expect("of another account");
}

static void test_catalog_mode_out_of_range(void **state)
{
	(void)state;
	RECORD(struct rlc_mode, modes, 1)->lowest = 9;
	expect("mode 1 of exchange 0");
}

static void test_catalog_first_mode_is_normal(void **state)
{
	(void)state;
	RECORD(struct rlc_mode, modes, 0)->name = RECORD(struct rlc_mode, modes, 1)->name;
	expect("mode 0 of exchange 0");
}

static void test_catalog_exchange_modes_out_of_range(void **state)
{
	(void)state;
	RECORD(struct rlc_exchange, exchanges, 0)->modes_count = 9;
	expect("exchange 0");
}

static void test_catalog_limit_reserves_out_of_order(void **state)
{
	struct rlc_limit *ip = RECORD(struct rlc_limit, limits, 0);

	(void)state;
	ip->reserve_ppm[RLC_PRIO_HIGH] = ip->reserve_ppm[RLC_PRIO_LOW] + 1;
	expect("reserves");
}

static void test_catalog_scope_exchange_out_of_range(void **state)
{
	(void)state;
	RECORD(struct rlc_scope, scopes, 0)->exchange = 3;
	expect("scope 0");
}

/* Flip bytes anywhere in the catalog tables: a refusal or a valid copy, never a fault. */
static void test_catalog_random_corruption_never_faults(void **state)
{
	unsigned char *base = seg.base;
	uint64_t from = hdr()->exchanges_off, to = seg.size;
	unsigned char *copy = malloc(seg.size);
	int round, err;

	(void)state;
	assert_non_null(copy);
	memcpy(copy, base, seg.size);
	srand(7);
	for (round = 0; round < 3000; round++) {
		int flips = 1 + rand() % 4, k;

		memcpy(base, copy, seg.size);
		for (k = 0; k < flips; k++)
			base[from + (uint64_t)rand() % (to - from)] ^= (unsigned char)(1 + rand() % 255);
		err = rlc_segment_check(base, seg.size, why, sizeof(why));
		assert_true(err == 0 || err == -EBADMSG);
		if (ini_segment_attach(&seg, &h, "fuzz") == 0) {
			struct rlc_grant g;
			uint32_t e;

			for (e = 0; e < h.cat.endpoints_count; e++)
				if (rlc_reserve(&h, e, NULL, 0, 0, RLC_PRIO_ENDPOINT, &g) == 0)
					rlc_refund(&h, &g);
			rlc_close(&h);
		}
	}
	memcpy(base, copy, seg.size);
	free(copy);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_catalog_valid),
		T(test_catalog_link_limit_out_of_range),
		T(test_catalog_link_to_an_account_limit_directly),
		T(test_catalog_account_slot_out_of_range),
		T(test_catalog_link_counts_twice),
		T(test_catalog_clause_kind_unknown),
		T(test_catalog_tiers_not_increasing),
		T(test_catalog_rule_may_not_apply),
		T(test_catalog_endpoint_links_out_of_range),
		T(test_catalog_endpoint_priority_out_of_range),
		T(test_catalog_account_of_another_exchange),
		T(test_catalog_account_lists_another_accounts_limit),
		T(test_catalog_mode_out_of_range),
		T(test_catalog_first_mode_is_normal),
		T(test_catalog_exchange_modes_out_of_range),
		T(test_catalog_limit_reserves_out_of_order),
		T(test_catalog_scope_exchange_out_of_range),
		T(test_catalog_random_corruption_never_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
