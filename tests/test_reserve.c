/* SPDX-License-Identifier: MIT */
/*
 * rlc_reserve: endpoints by name, weights by rule, IP and account limits
 * all or nothing, per-priority reserves, modes and their end, and the marks
 * that keep a waiting higher priority from being starved.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ini_segment.h"
#include "modes.h"

#define MS UINT64_C(1000000)

/* 10% buffer: effective 90 on the IP, 9 on each account's orders. */
static const char profile[] =
	"[rlcd]\n"
	"clients = 16\n"
	"[exchange ex]\n"
	"[limit ex.ip.weight]\n"
	"capacity = 100\n"
	"interval = 1m\n"
	"buffer = 10%\n"
	"reserve-high = 10%\n"
	"reserve-normal = 20%\n"
	"reserve-low = 50%\n"
	"[limit ex.account.orders]\n"
	"capacity = 10\n"
	"interval = 10s\n"
	"buffer = 10%\n"
	"[account ex main]\n"
	"[account ex hedge]\n"
	"[mode ex burst]\n"
	"buffer = 0%\n"
	"[mode ex liquidation]\n"
	"lowest = high\n"
	"reserve = 0%\n"
	"[endpoint ex GET /depth]\n"
	"priority = low\n"
	"ip.weight = by limit 100:5 500:25 *:40 default 100\n"
	"[endpoint ex POST /order]\n"
	"priority = high\n"
	"critical-if = reduceOnly\n"
	"ip.weight = 1\n"
	"account.orders = 1\n"
	"[endpoint ex POST /batch]\n"
	"priority = high\n"
	"ip.weight = each orders 1 else 1\n"
	"account.orders = each orders 1 else 1\n"
	"[endpoint ex GET /ping]\n"
	"ip.weight = 1\n"
	"[endpoint ex GET /free]\n"
	"ip.weight = if cached 0 else 2\n";

struct fixture {
	struct ini_segment seg;
	struct rlc h;
	int ex, main_acct, hedge, depth, order, batch, free_ep, ping;
	int ip, main_orders, hedge_orders;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	ini_segment_open(&f.seg, profile, &f.h, "test");
	f.ex = rlc_exchange_id(&f.h, "ex");
	f.main_acct = rlc_account_id(&f.h, f.ex, "main");
	f.hedge = rlc_account_id(&f.h, f.ex, "hedge");
	f.depth = rlc_endpoint_id(&f.h, f.ex, "GET", "/depth");
	f.order = rlc_endpoint_id(&f.h, f.ex, "POST", "/order");
	f.batch = rlc_endpoint_id(&f.h, f.ex, "POST", "/batch");
	f.free_ep = rlc_endpoint_id(&f.h, f.ex, "GET", "/free");
	f.ping = rlc_endpoint_id(&f.h, f.ex, "GET", "/ping");
	f.ip = rlc_limit_id(&f.h, "ex.ip.weight");
	f.main_orders = rlc_limit_id(&f.h, "ex.main.orders");
	f.hedge_orders = rlc_limit_id(&f.h, "ex.hedge.orders");
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rlc_close(&f->h);
	ini_segment_close(&f->seg);
	return 0;
}

static uint64_t used(struct fixture *f, int id)
{
	struct rlc_usage u;

	assert_int_equal(rlc_usage(&f->h, (uint32_t)id, &u), 0);
	return u.used;
}

static int reserve1(struct fixture *f, int ep, const char *name, const char *value, int account,
		    int prio, struct rlc_grant *g)
{
	struct rlc_param p = { name, value };

	return rlc_reserve(&f->h, (uint32_t)ep, &p, name ? 1 : 0, account, prio, g);
}

static void test_reserve_lookups(void **state)
{
	struct fixture *f = *state;

	assert_true(f->ex >= 0 && f->main_acct >= 0 && f->hedge >= 0);
	assert_true(f->depth >= 0 && f->order >= 0 && f->batch >= 0 && f->free_ep >= 0 &&
		    f->ping >= 0);
	assert_true(f->ip >= 0 && f->main_orders >= 0 && f->hedge_orders >= 0);
	/* method and path without regard to case; the query string ignored */
	assert_int_equal(rlc_endpoint_id(&f->h, f->ex, "get", "/DEPTH?limit=5"), f->depth);
	assert_int_equal(rlc_endpoint_id(&f->h, f->ex, "GET", "/dept"), -ENOENT);
	assert_int_equal(rlc_endpoint_id(&f->h, f->ex, "POST", "/depth"), -ENOENT);
	assert_int_equal(rlc_endpoint_id(&f->h, 99, "GET", "/depth"), -EINVAL);
	assert_int_equal(rlc_exchange_id(&f->h, "nope"), -ENOENT);
	assert_int_equal(rlc_account_id(&f->h, f->ex, "nope"), -ENOENT);
	assert_int_equal(rlc_mode_id(&f->h, f->ex, "normal"), 0);
	assert_int_equal(rlc_mode_id(&f->h, f->ex, "liquidation"), 2);
	assert_string_equal(rlc_mode_name(&f->h, f->ex, 1), "burst");
	assert_null(rlc_mode_name(&f->h, f->ex, 3));
}

static void test_reserve_clock_offset(void **state)
{
	struct fixture *f = *state;
	const int64_t day = INT64_C(86400) * 1000000000;
	int64_t offset = 1;

	assert_int_equal(rlc_clock_offset_get(&f->h, f->ex, &offset), 0);
	assert_int_equal(offset, 0);
	assert_int_equal(rlc_clock_offset_set(&f->h, f->ex, -1500 * (int64_t)MS), 0);
	assert_int_equal(rlc_clock_offset_get(&f->h, f->ex, &offset), 0);
	assert_int_equal(offset, -1500 * (int64_t)MS);
	assert_int_equal(rlc_clock_offset_set(&f->h, f->ex, day + 1), -EINVAL);
	assert_int_equal(rlc_clock_offset_set(&f->h, 7, 0), -EINVAL);
}

/* A weight no limit of rlc_try's can hold names the limit, as a reserve does. */
static void test_reserve_try_e2big_names_the_limit(void **state)
{
	struct fixture *f = *state;
	uint32_t ids[2] = { (uint32_t)f->main_orders, (uint32_t)f->ip };
	uint32_t weights[2] = { 1, 101 };
	struct rlc_grant g;

	assert_int_equal(rlc_try(&f->h, (uint32_t)f->ip, 101, &g), -E2BIG);
	assert_int_equal(g.refused_by, f->ip);
	assert_int_equal(g.retry_ns, 0);
	assert_int_equal(rlc_try_n(&f->h, ids, weights, 2, &g), -E2BIG);
	assert_int_equal(g.refused_by, f->ip);
	assert_int_equal(g.count, 0);
}

static void test_reserve_weight_by_rule(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	/* the documented default when the parameter is missing */
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT, &g),
			 0);
	assert_int_equal(g.count, 1);
	assert_int_equal(g.weight[0], 5);
	assert_int_equal(g.priority, RLC_PRIO_LOW);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	assert_int_equal(reserve1(f, f->depth, "limit", "101", RLC_ACCOUNT_ONLY, -1, &g), 0);
	assert_int_equal(g.weight[0], 25);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	assert_int_equal(reserve1(f, f->depth, "limit", "5000", RLC_ACCOUNT_ONLY, -1, &g), 0);
	assert_int_equal(g.weight[0], 40);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	/* unknown parameters are ignored */
	assert_int_equal(reserve1(f, f->depth, "symbol", "BTCUSDT", RLC_ACCOUNT_ONLY, -1, &g), 0);
	assert_int_equal(g.weight[0], 5);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	assert_int_equal(used(f, f->ip), 0);
}

static void test_reserve_order_takes_ip_and_account(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct, -1, &g), 0);
	assert_int_equal(g.count, 2);
	assert_int_equal(g.priority, RLC_PRIO_HIGH);
	assert_int_equal(g.account, f->main_acct);
	assert_int_equal(used(f, f->ip), 1);
	assert_int_equal(used(f, f->main_orders), 1);
	assert_int_equal(used(f, f->hedge_orders), 0);
	/* refund returns every part */
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	assert_int_equal(used(f, f->ip), 0);
	assert_int_equal(used(f, f->main_orders), 0);
	/* with two accounts, which one must be said */
	assert_int_equal(reserve1(f, f->order, NULL, NULL, RLC_ACCOUNT_ONLY, -1, &g), -EINVAL);
	assert_int_equal(reserve1(f, f->order, NULL, NULL, 99, -1, &g), -EINVAL);
	assert_int_equal(g.count, 0);
	assert_int_equal(reserve1(f, 999, NULL, NULL, f->main_acct, -1, &g), -ENOENT);
}

static void test_reserve_critical_if(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	assert_int_equal(reserve1(f, f->order, "reduceOnly", "TRUE", f->main_acct, -1, &g), 0);
	assert_int_equal(g.priority, RLC_PRIO_CRITICAL);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	assert_int_equal(reserve1(f, f->order, "reduceOnly", "false", f->main_acct, -1, &g), 0);
	assert_int_equal(g.priority, RLC_PRIO_HIGH);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	/* an explicit priority wins */
	assert_int_equal(reserve1(f, f->order, "reduceOnly", "true", f->main_acct, RLC_PRIO_LOW, &g),
			 0);
	assert_int_equal(g.priority, RLC_PRIO_LOW);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct, 4, &g), -EINVAL);
}

/* Both accounts' order limits are their own; the IP limit is shared. */
static void test_reserve_all_or_nothing_across_scopes(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g[9], more;
	int i;

	for (i = 0; i < 9; i++)
		assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct,
					  RLC_PRIO_CRITICAL, &g[i]),
				 0);
	assert_int_equal(used(f, f->ip), 9);
	/* main's orders are full: refused by them, and the IP weight rolled back */
	assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct, RLC_PRIO_CRITICAL, &more),
			 -EAGAIN);
	assert_int_equal(more.refused_by, f->main_orders);
	assert_true(more.retry_ns > 0);
	assert_int_equal(rlc__mode_refused(&f->h, &more), 0); /* a full limit's refusal */
	assert_int_equal(used(f, f->ip), 9);
	/* hedge still has its own budget */
	assert_int_equal(reserve1(f, f->order, NULL, NULL, f->hedge, RLC_PRIO_CRITICAL, &more), 0);
	assert_int_equal(used(f, f->hedge_orders), 1);
	assert_int_equal(rlc_refund(&f->h, &more), 0);
	for (i = 0; i < 9; i++)
		assert_int_equal(rlc_refund(&f->h, &g[i]), 0);
	assert_int_equal(used(f, f->ip), 0);
}

static void test_reserve_batch_items_and_e2big(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	assert_int_equal(reserve1(f, f->batch, "orders", "[{\"a\":1},{\"a\":2},{\"a\":3}]",
				  f->hedge, -1, &g),
			 0);
	assert_int_equal(g.weight[0], 3);
	assert_int_equal(g.weight[1], 3);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	/* 11 orders can never fit 10 per account: at once, naming the limit */
	assert_int_equal(reserve1(f, f->batch, "orders", "1,2,3,4,5,6,7,8,9,10,11", f->hedge, -1,
				  &g),
			 -E2BIG);
	assert_int_equal(g.refused_by, f->hedge_orders);
	/* 10 fit the capacity but not the 10% buffer: never in normal mode */
	assert_int_equal(reserve1(f, f->batch, "orders", "1,2,3,4,5,6,7,8,9,10", f->hedge,
				  RLC_PRIO_CRITICAL, &g),
			 -E2BIG);
	assert_int_equal(used(f, f->ip), 0);
}

static void test_reserve_weight_zero_skips_the_limit(void **state)
{
	struct fixture *f = *state;
	uint32_t ids[RLC_LINK_MAX], weights[RLC_LINK_MAX];
	struct rlc_param cached = { "cached", NULL };
	struct rlc_grant g;

	assert_int_equal(rlc_reserve(&f->h, (uint32_t)f->free_ep, &cached, 1, RLC_ACCOUNT_ONLY, -1,
				     &g),
			 0);
	assert_int_equal(g.count, 0);
	assert_int_equal(rlc_endpoint_weights(&f->h, (uint32_t)f->free_ep, NULL, 0,
					      RLC_ACCOUNT_ONLY, ids, weights),
			 1);
	assert_int_equal(ids[0], f->ip);
	assert_int_equal(weights[0], 2);
}

/* Effective 90: LOW keeps out of the last 50%, NORMAL 20%, HIGH 10%. */
static void test_reserve_priority_reserves(void **state)
{
	static const struct {
		int prio;
		uint32_t ceiling;
	} rows[] = {
		{ RLC_PRIO_LOW, 45 },
		{ RLC_PRIO_NORMAL, 72 },
		{ RLC_PRIO_HIGH, 81 },
		{ RLC_PRIO_CRITICAL, 90 },
	};
	struct fixture *f = *state;
	struct rlc_grant held[91];
	struct rlc_usage u;
	uint32_t n, i;

	assert_int_equal(rlc_usage(&f->h, (uint32_t)f->ip, &u), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(u.ceiling[rows[i].prio], rows[i].ceiling);
	for (i = 0; i < 4; i++) {
		for (n = 0; n < 91; n++)
			if (reserve1(f, f->ping, NULL, NULL, RLC_ACCOUNT_ONLY, rows[i].prio,
				     &held[n]) != 0)
				break;
		assert_int_equal(n, rows[i].ceiling);
		assert_int_equal(held[n].refused_by, f->ip);
		/* a higher priority still gets in where this one stopped */
		if (rows[i].prio != RLC_PRIO_CRITICAL) {
			assert_int_equal(reserve1(f, f->ping, NULL, NULL, RLC_ACCOUNT_ONLY,
						  rows[i].prio - 1, &held[n]),
					 0);
			assert_int_equal(rlc_refund(&f->h, &held[n]), 0);
		}
		while (n-- > 0)
			assert_int_equal(rlc_refund(&f->h, &held[n]), 0);
		assert_int_equal(used(f, f->ip), 0);
	}
}

/* A ceiling rounds its scaled reserve once: E - floor(E x reserve x scale). */
static void test_reserve_ceiling_rounds_once(void **state)
{
	(void)state;
	assert_int_equal(rlc_ceiling(16777215, 1, 500000), 16777215 - 8);
	assert_int_equal(rlc_ceiling(16777215, 100001, 500000), 16777215 - 838869);
	assert_int_equal(rlc_ceiling(90, 500000, 1000000), 45);
	assert_int_equal(rlc_ceiling(90, 999999, 1000000), 1);
	assert_int_equal(rlc_ceiling(16777215, 999999, 1000000), 17);
}

/* Liquidation: only CRITICAL and HIGH pass, and HIGH may use every reserve. */
static void test_reserve_mode_liquidation(void **state)
{
	struct fixture *f = *state;
	uint64_t now = rlc_now_ns(), until;
	struct rlc_grant g;
	struct rlc_usage u;
	uint32_t mode;

	assert_int_equal(rlc_mode_set(&f->h, f->ex, 2, now + 60000 * MS), 0);
	assert_int_equal(rlc_mode_get(&f->h, f->ex, &mode, &until), 0);
	assert_int_equal(mode, 2);
	assert_true(until >= now + 60000 * MS);
	assert_int_equal(rlc_usage(&f->h, (uint32_t)f->ip, &u), 0);
	assert_string_equal(u.mode, "liquidation");
	assert_int_equal(u.ceiling[RLC_PRIO_HIGH], 90);
	assert_int_equal(u.ceiling[RLC_PRIO_NORMAL], 0);
	/* LOW waits for the mode's end */
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, -1, &g), -EAGAIN);
	assert_int_equal(g.refused_by, f->ip);
	/* exactly until the mode ends */
	assert_int_equal(g.now_ns + g.retry_ns, until);
	assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct, -1, &g), 0);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	/* a mode's refusal leaves no waiting mark: it would only hold the
	 * limit idle should the mode end early */
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, RLC_PRIO_NORMAL, &g),
			 -EAGAIN);
	assert_int_equal(rlc__mode_refused(&f->h, &g), 1);
	/* back to normal at once */
	assert_int_equal(rlc_mode_set(&f->h, f->ex, 0, 0), 0);
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, -1, &g), 0);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	assert_int_equal(rlc_mode_set(&f->h, f->ex, 7, now + MS), -EINVAL);
	assert_int_equal(rlc_mode_set(&f->h, f->ex, 1, now - 1), -EINVAL);
}

/* Burst: the buffer goes, so a batch of 10 that never fits normal's 9 fits. */
static void test_reserve_mode_burst_and_its_end(void **state)
{
	struct fixture *f = *state;
	uint64_t until = rlc_now_ns() + 20 * MS;
	struct rlc_grant g;
	uint32_t mode;

	assert_int_equal(rlc_mode_set(&f->h, f->ex, 1, until), 0);
	assert_int_equal(reserve1(f, f->batch, "orders", "1,2,3,4,5,6,7,8,9,10", f->hedge,
				  RLC_PRIO_CRITICAL, &g),
			 0);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	/* the end needs no rlcd: every client reads the time with the word
	 * (which holds it to the microsecond, rounded up) */
	assert_int_equal(rlc_mode_get(&f->h, f->ex, &mode, &until), 0);
	assert_int_equal(mode, 1);
	while (rlc_now_ns() < until)
		;
	assert_int_equal(rlc_mode_get(&f->h, f->ex, &mode, &until), 0);
	assert_int_equal(mode, 0);
	assert_int_equal(until, 0);
	assert_int_equal(reserve1(f, f->batch, "orders", "1,2,3,4,5,6,7,8,9,10", f->hedge,
				  RLC_PRIO_CRITICAL, &g),
			 -E2BIG);
}

/* rlcd stores normal back once a mode has ended, and only then. */
static void test_reserve_rlcd_ends_modes(void **state)
{
	struct fixture *f = *state;
	uint64_t now = rlc_now_ns();
	uint32_t mode;
	uint64_t until;

	assert_int_equal(rlc_mode_set(&f->h, f->ex, 2, now + 1000 * MS), 0);
	assert_int_equal(rlc_modes_expire("/test", f->seg.base, &f->h.layout, &f->seg.cfg, now), 0);
	assert_int_equal(rlc_mode_get(&f->h, f->ex, &mode, &until), 0);
	assert_int_equal(mode, 2);
	assert_int_equal(rlc_modes_expire("/test", f->seg.base, &f->h.layout, &f->seg.cfg,
					  now + 1001 * MS),
			 1);
	assert_int_equal(rlc__load_relaxed(f->h.cat.exchanges[f->ex].mode), 0);
	/* a word naming no mode would refuse every request until its time
	 * passed: rlcd stores normal back at once */
	rlc__store_relaxed(f->h.cat.exchanges[f->ex].mode, rlc_mode_word(9, now + 60000 * MS));
	assert_int_equal(rlc_modes_expire("/test", f->seg.base, &f->h.layout, &f->seg.cfg, now), 1);
	assert_int_equal(rlc__load_relaxed(f->h.cat.exchanges[f->ex].mode), 0);
}

static void test_reserve_corrupt_mode_word(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	uint32_t mode;
	uint64_t until;

	rlc__store_relaxed(f->h.cat.exchanges[f->ex].mode,
			   rlc_mode_word(9, rlc_now_ns() + 60000 * MS));
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, -1, &g), -EBADMSG);
	assert_int_equal(g.refused_by, f->ip);
	assert_int_equal(rlc_mode_get(&f->h, f->ex, &mode, &until), -EBADMSG);
	rlc__store_relaxed(f->h.cat.exchanges[f->ex].mode, 0);
}

/* A HIGH waiter's mark makes LOW and NORMAL yield, and only them. */
static void test_reserve_marks_hold_lower_priorities(void **state)
{
	struct fixture *f = *state;
	const struct rlc_limit_view *v = &f->h.limits[f->ip];
	uint64_t now = rlc_now_ns();
	struct rlc_grant g;

	rlc_priority_mark(v->waiting, RLC_PRIO_HIGH, now + 500 * MS);
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, -1, &g), -EAGAIN);
	assert_int_equal(g.refused_by, f->ip);
	assert_int_equal(g.now_ns + g.retry_ns, now + 500 * MS); /* until the mark */
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, RLC_PRIO_NORMAL, &g),
			 -EAGAIN);
	assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct, RLC_PRIO_HIGH, &g), 0);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
	/* a lower mark never lowers a higher one; a past mark holds no one */
	rlc_priority_mark(v->waiting, RLC_PRIO_HIGH, now);
	assert_true(rlc__load_relaxed(&v->waiting[RLC_PRIO_HIGH]) == now + 500 * MS);
	rlc__store_relaxed(&v->waiting[RLC_PRIO_HIGH], now);
	assert_int_equal(reserve1(f, f->depth, NULL, NULL, RLC_ACCOUNT_ONLY, -1, &g), 0);
	assert_int_equal(rlc_refund(&f->h, &g), 0);
}

/*
 * On a fixed limit a waiter waits for a later interval: a lower priority
 * yields to its mark only once its own span could reach that interval.
 */
static void test_reserve_fixed_marks_hold_back_near_the_boundary(void **state)
{
	static const char fixed_profile[] = "[rlcd]\n"
					    "clients = 4\n"
					    "[exchange fx]\n"
					    "[limit fx.ip.weight]\n"
					    "algorithm = fixed\n"
					    "capacity = 1000\n"
					    "interval = 10s\n"
					    "latency = 250ms\n"
					    "clock-error = 50ms\n"
					    "[endpoint fx GET /ping]\n"
					    "priority = low\n"
					    "ip.weight = 1\n";
	struct ini_segment seg;
	struct rlc h;
	struct rlc_grant g;
	uint64_t now;

	(void)state;
	ini_segment_open(&seg, fixed_profile, &h, "fixed");
	now = rlc_now_ns();
	/* a HIGH waiter for an interval 5 s away: nothing granted now reaches it */
	rlc_priority_mark(h.limits[0].waiting, RLC_PRIO_HIGH, now + 5000 * MS);
	assert_int_equal(rlc_reserve(&h, 0, NULL, 0, RLC_ACCOUNT_ONLY, -1, &g), 0);
	assert_int_equal(rlc_refund(&h, &g), 0);
	/* within the guard and the grace of its wake-up: yield */
	rlc__store_relaxed(&h.limits[0].waiting[RLC_PRIO_HIGH], now + 300 * MS);
	rlc__store_relaxed(&h.limits[0].waiting[RLC_WAIT_ANY], now + 300 * MS);
	assert_int_equal(rlc_reserve(&h, 0, NULL, 0, RLC_ACCOUNT_ONLY, -1, &g), -EAGAIN);
	assert_int_equal(g.now_ns + g.retry_ns, now + 300 * MS);
	/* a far mark of a higher priority does not hide a near one */
	rlc_priority_mark(h.limits[0].waiting, RLC_PRIO_CRITICAL, now + 5000 * MS);
	assert_int_equal(rlc_reserve(&h, 0, NULL, 0, RLC_ACCOUNT_ONLY, -1, &g), -EAGAIN);
	assert_int_equal(g.now_ns + g.retry_ns, now + 300 * MS);
	rlc_close(&h);
	ini_segment_close(&seg);
}

/*
 * rlc_wait_step decides what rlc_reserve_wait would, without sleeping: the
 * wake time, the mark on the refusing limit, and when to give up.
 */
static void test_reserve_wait_step(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	uint64_t wake = 0, far;
	int i, scope;

	for (i = 0; i < 9; i++)
		assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct, -1, &g), 0);
	assert_int_equal(reserve1(f, f->order, NULL, NULL, f->main_acct, -1, &g), -EAGAIN);
	assert_int_equal(g.refused_by, f->main_orders);
	far = g.now_ns + 60000 * MS;
	assert_int_equal(rlc_wait_step(&f->h, &g, -EAGAIN, far, &wake), 0);
	assert_true(wake == g.now_ns + g.retry_ns);
	/* the HIGH order holds lower priorities back until its wake-up's grace */
	assert_true(rlc__load_relaxed(&f->h.limits[f->main_orders].waiting[RLC_PRIO_HIGH]) ==
		    wake + RLC_WAIT_GRACE_NS);
	/* a deadline before the wake-up: give up now */
	wake = 0;
	assert_int_equal(rlc_wait_step(&f->h, &g, -EAGAIN, g.now_ns + g.retry_ns - 1, &wake),
			 -ETIMEDOUT);
	assert_true(wake == 0);
	/* not a refusal a wait outlasts: returned as it is */
	assert_int_equal(rlc_wait_step(&f->h, &g, -E2BIG, far, &wake), -E2BIG);
	assert_int_equal(rlc_wait_step(&f->h, &g, -EINVAL, far, &wake), -EINVAL);
	assert_int_equal(rlc_wait_step(&f->h, NULL, -EAGAIN, far, &wake), -EINVAL);
	assert_int_equal(rlc_wait_step(&f->h, &g, -EAGAIN, far, NULL), -EINVAL);

	/* a block is waited out when it ends by the deadline, never past it */
	scope = rlc_scope_id(&f->h, "ex.ip");
	assert_true(scope >= 0);
	assert_int_equal(rlc_block(&f->h, (uint32_t)scope, rlc_now_ns() + 5000 * MS), 0);
	assert_int_equal(reserve1(f, f->ping, NULL, NULL, RLC_ACCOUNT_ONLY, -1, &g),
			 -ECONNREFUSED);
	assert_int_equal(rlc_wait_step(&f->h, &g, -ECONNREFUSED, g.now_ns + 1000 * MS, &wake),
			 -ECONNREFUSED);
	assert_int_equal(rlc_wait_step(&f->h, &g, -ECONNREFUSED, far, &wake), 0);
	assert_true(wake == g.now_ns + g.retry_ns && g.retry_ns > 4000 * MS);
	/* a block shuts every priority out: it leaves no mark of its own */
	assert_true(rlc__load_relaxed(&f->h.limits[f->ip].waiting[RLC_WAIT_ANY]) == 0);
}

/*
 * With real processes: two LOW flooders keep the IP limit (a bucket that
 * refills 60 a second) empty with weight-2 requests, each retaken as soon
 * as it refills.  A HIGH request of weight 40, which needs two thirds of a
 * second of refill to itself, starts waiting after them and must be
 * granted before its deadline: without the marks the flood takes every
 * unit as it comes back, and the heavy request never fits.
 */
static const char starve_profile[] =
	"[rlcd]\n"
	"clients = 8\n"
	"[exchange ex]\n"
	"[limit ex.ip.weight]\n"
	"algorithm = bucket\n"
	"capacity = 60\n"
	"interval = 1s\n"
	"[endpoint ex GET /light]\n"
	"priority = low\n"
	"ip.weight = 2\n"
	"[endpoint ex GET /heavy]\n"
	"priority = high\n"
	"ip.weight = 40\n";

static void flood(const struct ini_segment *seg, uint32_t light)
{
	struct rlc h;
	struct rlc_grant g;

	if (ini_segment_attach(seg, &h, "flooder"))
		_exit(2);
	for (;;)
		rlc_reserve_wait(&h, light, NULL, 0, RLC_ACCOUNT_ONLY, -1, UINT64_MAX, &g);
}

static void test_reserve_waiting_high_is_not_starved(void **state)
{
	struct ini_segment seg;
	struct rlc h;
	struct rlc_grant g;
	pid_t pids[2];
	uint64_t start;
	int light, heavy, i, err;

	(void)state;
	ini_segment_open(&seg, starve_profile, &h, "heavy");
	light = rlc_endpoint_id(&h, 0, "GET", "/light");
	heavy = rlc_endpoint_id(&h, 0, "GET", "/heavy");
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			flood(&seg, (uint32_t)light);
	}
	/* the flood has emptied the bucket: the heavy request arrives after it */
	while (rlc_reserve(&h, (uint32_t)light, NULL, 0, RLC_ACCOUNT_ONLY, -1, &g) == 0)
		assert_int_equal(rlc_refund(&h, &g), 0);
	start = rlc_now_ns();
	err = rlc_reserve_wait(&h, (uint32_t)heavy, NULL, 0, RLC_ACCOUNT_ONLY, -1,
			       start + 4000 * MS, &g);
	for (i = 0; i < 2; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	print_message("heavy HIGH request: %d after %.0f ms\n", err,
		      (double)(rlc_now_ns() - start) / 1e6);
	assert_int_equal(err, 0);
	assert_int_equal(g.weight[0], 40);
	rlc_close(&h);
	ini_segment_close(&seg);
}

/*
 * Threads standing in for processes, for TSan: floods at every priority,
 * waiters leaving marks, a mode switched back and forth and usage read,
 * each thread on its own handle of one segment.  Every call must end in a
 * grant, a refusal or a timeout, and every grant be refunded whole.
 */
struct racer {
	const struct ini_segment *seg;
	uint32_t endpoint;
	int prio; /* -1: switch modes and read usage instead */
	unsigned grants;
	int failed;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	uint64_t end = rlc_now_ns() + 300 * MS;
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;
	int err;

	if (ini_segment_attach(r->seg, &h, "racer")) {
		r->failed = -1;
		return NULL;
	}
	while (rlc_now_ns() < end) {
		if (r->prio < 0) {
			/* 5 s: a setter preempted on a loaded machine still finds its
			 * end ahead when it stores it (the next switch ends it anyway) */
			err = rlc_mode_set(&h, 0, 1 + (r->grants++ & 1), rlc_now_ns() + 5000 * MS);
			if (!err)
				err = rlc_usage(&h, 0, &u);
		} else {
			err = rlc_reserve_wait(&h, r->endpoint, NULL, 0, RLC_ACCOUNT_ONLY, r->prio,
					       rlc_now_ns() + 5 * MS, &g);
			if (!err) {
				r->grants++;
				err = rlc_refund(&h, &g);
			} else if (err == -ETIMEDOUT || err == -EAGAIN) {
				err = 0;
			}
		}
		if (err)
			r->failed = err;
	}
	rlc_close(&h);
	return NULL;
}

static void test_reserve_threads_race(void **state)
{
	struct fixture *f = *state;
	struct racer r[5];
	pthread_t t[5];
	int i;

	for (i = 0; i < 5; i++) {
		r[i] = (struct racer){ &f->seg, (uint32_t)f->ping, i < 4 ? i : -1, 0, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < 5; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(r[i].failed, 0);
	}
	assert_true(r[RLC_PRIO_CRITICAL].grants > 0);
	assert_int_equal(rlc_mode_set(&f->h, 0, 0, 0), 0);
	assert_int_equal(used(f, f->ip), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reserve_lookups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_clock_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_try_e2big_names_the_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserve_weight_by_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_order_takes_ip_and_account, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserve_critical_if, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_all_or_nothing_across_scopes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserve_batch_items_and_e2big, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserve_weight_zero_skips_the_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserve_priority_reserves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_mode_liquidation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_mode_burst_and_its_end, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserve_rlcd_ends_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_corrupt_mode_word, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_marks_hold_lower_priorities, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserve_wait_step, setup, teardown),
		cmocka_unit_test(test_reserve_ceiling_rounds_once),
		cmocka_unit_test(test_reserve_fixed_marks_hold_back_near_the_boundary),
		cmocka_unit_test(test_reserve_waiting_high_is_not_starved),
		cmocka_unit_test_setup_teardown(test_reserve_threads_race, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
