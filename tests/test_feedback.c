/* SPDX-License-Identifier: MIT */
/*
 * rlc_feedback through a real handle: usage headers of every exchange
 * raise counts and never lower them, malformed and unmatched ones are told
 * apart and change nothing; penalties block the scope their dialect names
 * for as long as they say, and every reserve there is refused until then;
 * the clock offset is learned; failures open the breaker, whose half-open
 * probe one process of many wins, and which a dead prober does not hold;
 * outcomes are counted per client and per endpoint.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ini_segment.h"

#define MS UINT64_C(1000000)
#define SEC (1000 * MS)

static const char profile[] =
	"[rlcd]\n"
	"clients = 32\n"
	/* Binance-like: sliding windows, two accounts */
	"[exchange bn]\n"
	"dialect = binance\n"
	"breaker-failures = 3\n"
	"breaker-cooldown = 1ms\n"
	/* long enough for every racer below to try while the probe is out */
	"breaker-probe-timeout = 1s\n"
	"[limit bn.ip.weight]\n"
	"capacity = 2400\n"
	"interval = 1m\n"
	"header = x-mbx-used-weight\n"
	"[limit bn.ip.raw]\n"
	"capacity = 1000\n"
	"interval = 5m\n"
	"[limit bn.account.orders-10s]\n"
	"capacity = 300\n"
	"interval = 10s\n"
	"header = x-mbx-order-count\n"
	"[limit bn.account.orders-1m]\n"
	"capacity = 1200\n"
	"interval = 1m\n"
	"header = x-mbx-order-count\n"
	"[account bn main]\n"
	"[account bn hedge]\n"
	"[endpoint bn GET /depth]\n"
	"ip.weight = 5\n"
	"ip.raw = 1\n"
	"[endpoint bn POST /order]\n"
	"ip.weight = 1\n"
	"account.orders-10s = 1\n"
	"account.orders-1m = 1\n"
	/* as Binance USD-M's orders: no IP weight, yet from the IP */
	"[endpoint bn PUT /order]\n"
	"ip.weight = 0\n"
	"account.orders-10s = 1\n"
	"[endpoint bn GET /weightless]\n"
	"ip.weight = 0\n"
	/* Binance spot-like: fixed windows */
	"[exchange fx]\n"
	"dialect = binance\n"
	"[limit fx.ip.weight]\n"
	"algorithm = fixed\n"
	"capacity = 6000\n"
	"interval = 1m\n"
	"header = x-mbx-used-weight\n"
	"[endpoint fx GET /api/v3/depth]\n"
	"ip.weight = 5\n"
	/* Bybit: per-UID endpoint limits report themselves */
	"[exchange by]\n"
	"dialect = bybit\n"
	"[limit by.ip.requests]\n"
	"capacity = 600\n"
	"interval = 5s\n"
	"[limit by.account.order-create]\n"
	"capacity = 10\n"
	"interval = 1s\n"
	"header = x-bapi-limit\n"
	"[endpoint by POST /v5/order/create]\n"
	"ip.requests = 1\n"
	"account.order-create = 1\n"
	"[endpoint by GET /v5/market/tickers]\n"
	"ip.requests = 1\n"
	/* Bitget: remaining this second */
	"[exchange bg]\n"
	"dialect = bitget\n"
	"[limit bg.ip.requests]\n"
	"capacity = 6000\n"
	"interval = 1m\n"
	"[limit bg.account.place]\n"
	"capacity = 10\n"
	"interval = 1s\n"
	"header = x-mbx-used-remain-limit\n"
	"[endpoint bg POST /api/v2/spot/trade/place-order]\n"
	"ip.requests = 1\n"
	"account.place = 1\n"
	/* a request whose scopes run IP, own, IP */
	"[exchange ab]\n"
	"breaker-failures = 1\n"
	"breaker-cooldown = 1ms\n"
	"breaker-probe-timeout = 1s\n"
	"[limit ab.ip.a]\n"
	"capacity = 100\n"
	"interval = 1m\n"
	"[limit ab.own.x]\n"
	"capacity = 100\n"
	"interval = 1m\n"
	"[limit ab.ip.c]\n"
	"capacity = 100\n"
	"interval = 1m\n"
	"[endpoint ab GET /aba]\n"
	"ip.a = 1\n"
	"own.x = 1\n"
	"ip.c = 1\n"
	/* OKX: no headers, codes by scope */
	"[exchange ok]\n"
	"dialect = okx\n"
	"[limit ok.ip.books]\n"
	"capacity = 40\n"
	"interval = 2s\n"
	"[limit ok.account.orders]\n"
	"capacity = 1000\n"
	"interval = 2s\n"
	"[endpoint ok GET /api/v5/market/books]\n"
	"ip.books = 1\n"
	"[endpoint ok POST /api/v5/trade/order]\n"
	"account.orders = 1\n";

struct fixture {
	struct ini_segment seg;
	struct rlc h;
	int bn, main_acct, hedge, depth, order;
	int fx, fx_depth, by, by_create, by_tickers, bg, bg_place, ok, ok_books, ok_order;
	int put_order, weightless, ab, aba;
};

static int endpoint(struct fixture *f, int ex, const char *method, const char *path)
{
	int e = rlc_endpoint_id(&f->h, ex, method, path);

	assert_true(e >= 0);
	return e;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	ini_segment_open(&f.seg, profile, &f.h, "test");
	f.bn = rlc_exchange_id(&f.h, "bn");
	f.main_acct = rlc_account_id(&f.h, f.bn, "main");
	f.hedge = rlc_account_id(&f.h, f.bn, "hedge");
	f.depth = endpoint(&f, f.bn, "GET", "/depth");
	f.order = endpoint(&f, f.bn, "POST", "/order");
	f.fx = rlc_exchange_id(&f.h, "fx");
	f.fx_depth = endpoint(&f, f.fx, "GET", "/api/v3/depth");
	f.by = rlc_exchange_id(&f.h, "by");
	f.by_create = endpoint(&f, f.by, "POST", "/v5/order/create");
	f.by_tickers = endpoint(&f, f.by, "GET", "/v5/market/tickers");
	f.bg = rlc_exchange_id(&f.h, "bg");
	f.bg_place = endpoint(&f, f.bg, "POST", "/api/v2/spot/trade/place-order");
	f.ok = rlc_exchange_id(&f.h, "ok");
	f.ok_books = endpoint(&f, f.ok, "GET", "/api/v5/market/books");
	f.ok_order = endpoint(&f, f.ok, "POST", "/api/v5/trade/order");
	f.put_order = endpoint(&f, f.bn, "PUT", "/order");
	f.weightless = endpoint(&f, f.bn, "GET", "/weightless");
	f.ab = rlc_exchange_id(&f.h, "ab");
	f.aba = endpoint(&f, f.ab, "GET", "/aba");
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

static uint64_t used(struct fixture *f, const char *limit)
{
	struct rlc_usage u = { 0 };
	int id = rlc_limit_id(&f->h, limit);

	assert_true(id >= 0);
	assert_int_equal(rlc_usage(&f->h, (uint32_t)id, &u), 0);
	return u.used;
}

static void reserve(struct fixture *f, int endpoint_id, int account, struct rlc_grant *g)
{
	assert_int_equal(rlc_reserve(&f->h, (uint32_t)endpoint_id, NULL, 0, account,
				     RLC_PRIO_ENDPOINT, g),
			 0);
}

/* Feed back `status` with up to four "name", "value" header pairs. */
static int feed(struct fixture *f, const struct rlc_grant *g, int status, const char *code,
		unsigned n, ...)
{
	struct rlc_http_header hd[4];
	struct rlc_response r;
	va_list ap;
	unsigned i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		hd[i].name = va_arg(ap, const char *);
		hd[i].value = va_arg(ap, const char *);
	}
	va_end(ap);
	memset(&r, 0, sizeof(r));
	r.status = status;
	r.headers = hd;
	r.headers_count = n;
	r.code = code;
	r.elapsed_ns = 3 * MS;
	return rlc_feedback(&f->h, g, &r);
}

static uint32_t scope(struct fixture *f, const char *name)
{
	int s = rlc_scope_id(&f->h, name);

	assert_true(s >= 0);
	return (uint32_t)s;
}

static struct rlc_block block_of(struct fixture *f, const char *name)
{
	struct rlc_block b;

	assert_int_equal(rlc_block_get(&f->h, scope(f, name), &b), 0);
	return b;
}

static void unblock_all(struct fixture *f)
{
	uint32_t s;

	for (s = 0; s < f->h.layout.scopes_count; s++)
		assert_int_equal(rlc_unblock(&f->h, s), 0);
}

/* X-MBX-USED-WEIGHT-1M raises the IP weight; a lower report changes nothing. */
static void test_feedback_mbx_weight_raises_never_lowers(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	reserve(f, f->depth, f->main_acct, &g);
	assert_int_equal(used(f, "bn.ip.weight"), 5);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-1M", "800"),
			 RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "bn.ip.weight"), 800);
	/* lower, and any case: matched, nothing to do */
	assert_int_equal(feed(f, &g, 200, NULL, 1, "x-mbx-used-weight-1m", "300"), 0);
	assert_int_equal(used(f, "bn.ip.weight"), 800);
	/* the legacy name is the 1-minute value */
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT", "900"),
			 RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "bn.ip.weight"), 900);
	/* never past the capacity */
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-1M", "99999"),
			 RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "bn.ip.weight"), 2400);
	/* the IP's 5-minute limit has no header: untouched */
	assert_int_equal(used(f, "bn.ip.raw"), 1);
}

/* Malformed, unmatched and unknown headers are told apart and change nothing. */
static void test_feedback_bad_headers_ignored(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	reserve(f, f->depth, f->main_acct, &g);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-1M", "12x"),
			 RLC_FEEDBACK_MALFORMED);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-1M", ""),
			 RLC_FEEDBACK_MALFORMED);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-0M", "100"),
			 RLC_FEEDBACK_MALFORMED);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-1M", "-5"),
			 RLC_FEEDBACK_MALFORMED);
	/* a well-formed header for an interval no limit has */
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-5M", "100"),
			 RLC_FEEDBACK_UNMATCHED);
	/* Bybit's header on a Binance request: no limit of it is reported so */
	assert_int_equal(feed(f, &g, 200, NULL, 2, "X-Bapi-Limit", "10", "X-Bapi-Limit-Status",
			      "1"),
			 RLC_FEEDBACK_UNMATCHED);
	assert_int_equal(feed(f, &g, 200, NULL, 2, "Content-Type", "application/json",
			      "X-MBX-USED-WEIGHTS", "7"),
			 0);
	assert_int_equal(used(f, "bn.ip.weight"), 5);
	assert_int_equal(feed(f, &g, 200, NULL, 3, "X-MBX-USED-WEIGHT-1M", "bad",
			      "X-MBX-USED-WEIGHT-7M", "1", "X-MBX-USED-WEIGHT-1M", "50"),
			 RLC_FEEDBACK_MALFORMED | RLC_FEEDBACK_UNMATCHED | RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "bn.ip.weight"), 50);
}

/* X-MBX-ORDER-COUNT-* raise the account of the request, not another. */
static void test_feedback_mbx_orders_per_account(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	reserve(f, f->order, f->hedge, &g);
	assert_int_equal(feed(f, &g, 200, NULL, 3, "X-MBX-USED-WEIGHT-1M", "1",
			      "X-MBX-ORDER-COUNT-10S", "40", "X-MBX-ORDER-COUNT-1M", "90"),
			 RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "bn.hedge.orders-10s"), 40);
	assert_int_equal(used(f, "bn.hedge.orders-1m"), 90);
	assert_int_equal(used(f, "bn.main.orders-10s"), 0);
	assert_int_equal(used(f, "bn.main.orders-1m"), 0);
	assert_int_equal(used(f, "bn.ip.weight"), 1);
	/* a count for an interval no order limit has */
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-ORDER-COUNT-1D", "5"),
			 RLC_FEEDBACK_UNMATCHED);
}

/* A fixed limit: the exchange's current interval's count. */
static void test_feedback_fixed_interval_raised(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	uint64_t x;
	int flags;

	/* a response in the last second of a minute may be counted in the
	 * next: the report is then not applied; start clear of the edge */
	x = rlc_realtime_ns() % (60 * SEC);
	if (x > 58 * SEC) {
		struct timespec nap = { 2, 0 };

		nanosleep(&nap, NULL);
	}
	reserve(f, f->fx_depth, RLC_ACCOUNT_ONLY, &g);
	flags = feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-1M", "4000");
	assert_int_equal(flags, RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "fx.ip.weight"), 4000);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-WEIGHT-1M", "10"), 0);
	assert_int_equal(used(f, "fx.ip.weight"), 4000);
}

/* Bybit: X-Bapi-Limit - X-Bapi-Limit-Status is what this endpoint has used. */
static void test_feedback_bybit_limit_status(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	reserve(f, f->by_create, RLC_ACCOUNT_ONLY, &g);
	assert_int_equal(feed(f, &g, 200, NULL, 3, "X-Bapi-Limit", "10", "X-Bapi-Limit-Status",
			      "3", "X-Bapi-Limit-Reset-Timestamp", "1700000000000"),
			 RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "by.main.order-create"), 7);
	/* without X-Bapi-Limit, the configured capacity */
	assert_int_equal(feed(f, &g, 200, NULL, 1, "x-bapi-limit-status", "1"),
			 RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "by.main.order-create"), 9);
	assert_int_equal(feed(f, &g, 200, NULL, 2, "X-Bapi-Limit", "10", "X-Bapi-Limit-Status",
			      "8"),
			 0);
	assert_int_equal(used(f, "by.main.order-create"), 9);
	assert_int_equal(used(f, "by.ip.requests"), 1);
	/* a public endpoint's headers describe no limit of the request */
	reserve(f, f->by_tickers, RLC_ACCOUNT_ONLY, &g);
	assert_int_equal(feed(f, &g, 200, NULL, 2, "X-Bapi-Limit", "10", "X-Bapi-Limit-Status",
			      "3"),
			 RLC_FEEDBACK_UNMATCHED);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-Bapi-Limit-Status", "ten"),
			 RLC_FEEDBACK_MALFORMED);
}

/* Bitget: x-mbx-used-remain-limit is what is left this second. */
static void test_feedback_bitget_remaining(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	reserve(f, f->bg_place, RLC_ACCOUNT_ONLY, &g);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "x-mbx-used-remain-limit", "4"),
			 RLC_FEEDBACK_RAISED);
	assert_int_equal(used(f, "bg.main.place"), 6);
	assert_int_equal(feed(f, &g, 200, NULL, 1, "X-MBX-USED-REMAIN-LIMIT", "9"), 0);
	assert_int_equal(used(f, "bg.main.place"), 6);
	/* not a Binance weight header, whatever its prefix */
	assert_int_equal(used(f, "bg.ip.requests"), 1);
}

/* Is the block of `name` from `status` and `code`, ending d after [t0, t1]? */
static void assert_blocked(struct fixture *f, const char *name, uint64_t t0, uint64_t t1,
			   uint64_t d, int status, int has_code, int32_t code)
{
	struct rlc_block b = block_of(f, name);

	assert_true(b.until_ns >= t0 + d);
	assert_true(b.until_ns <= t1 + d);
	assert_int_equal(b.status, status);
	assert_int_equal(b.has_code, has_code);
	if (has_code)
		assert_int_equal(b.code, code);
	assert_int_equal(b.client, (int)(f->h.self - f->h.clients));
	assert_true(b.since_ns <= t1 && b.since_ns + 100 * MS >= t0);
}

/* 429 with Retry-After seconds blocks the IP for that long; every reserve there is refused. */
static void test_feedback_429_blocks_ip(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g, h;
	uint64_t t0, t1;

	reserve(f, f->depth, f->main_acct, &g);
	t0 = rlc_now_ns();
	assert_int_equal(feed(f, &g, 429, "-1003", 1, "Retry-After", "7"), RLC_FEEDBACK_BLOCKED);
	t1 = rlc_now_ns();
	assert_blocked(f, "bn.ip", t0, t1, 7 * SEC, 429, 1, -1003);
	assert_int_equal(block_of(f, "bn.main").until_ns, 0);
	assert_int_equal(rlc_reserve(&f->h, (uint32_t)f->depth, NULL, 0, f->main_acct,
				     RLC_PRIO_ENDPOINT, &h),
			 -ECONNREFUSED);
	assert_true(h.retry_ns > 6 * SEC && h.retry_ns <= 7 * SEC);
	assert_int_equal(rlc_limit_id(&f->h, "bn.ip.weight"), h.refused_by);
	/* a wait whose deadline comes first ends at once, not in the ban */
	t0 = rlc_now_ns();
	assert_int_equal(rlc_reserve_wait(&f->h, (uint32_t)f->depth, NULL, 0, f->main_acct,
					  RLC_PRIO_ENDPOINT, t0 + SEC, &h),
			 -ECONNREFUSED);
	assert_true(rlc_now_ns() - t0 < 100 * MS);
	/* the other exchanges are not blocked */
	reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &h);
	unblock_all(f);
	reserve(f, f->depth, f->main_acct, &h);
}

/* A later, shorter penalty never shortens a block in force. */
static void test_feedback_block_never_lowered(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_block before, after;

	reserve(f, f->depth, f->main_acct, &g);
	assert_int_equal(feed(f, &g, 418, "-1003", 1, "Retry-After", "600"),
			 RLC_FEEDBACK_BLOCKED);
	before = block_of(f, "bn.ip");
	assert_int_equal(feed(f, &g, 429, NULL, 1, "Retry-After", "1"), RLC_FEEDBACK_BLOCKED);
	after = block_of(f, "bn.ip");
	assert_int_equal(after.until_ns, before.until_ns);
	assert_int_equal(after.status, 418);
	/* nor does a block by hand */
	assert_int_equal(rlc_block(&f->h, scope(f, "bn.ip"), rlc_now_ns() + SEC), 0);
	assert_int_equal(block_of(f, "bn.ip").until_ns, before.until_ns);
	unblock_all(f);
}

/* 418 without Retry-After: two minutes; Retry-After as an HTTP date. */
static void test_feedback_418_and_http_date(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	char date[64];
	time_t in;
	uint64_t t0, t1;
	struct rlc_block b;

	reserve(f, f->depth, f->main_acct, &g);
	t0 = rlc_now_ns();
	assert_int_equal(feed(f, &g, 418, NULL, 0), RLC_FEEDBACK_BLOCKED);
	t1 = rlc_now_ns();
	assert_blocked(f, "bn.ip", t0, t1, 120 * SEC, 418, 0, 0);
	unblock_all(f);
	/* an HTTP date 300 s ahead of this machine's clock (offset 0) */
	in = time(NULL) + 300;
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&in));
	assert_int_equal(feed(f, &g, 429, NULL, 1, "Retry-After", date), RLC_FEEDBACK_BLOCKED);
	b = block_of(f, "bn.ip");
	assert_true(b.until_ns > rlc_now_ns() + 298 * SEC);
	assert_true(b.until_ns < rlc_now_ns() + 301 * SEC);
	unblock_all(f);
	/* a date already past: no block */
	in = time(NULL) - 10;
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&in));
	assert_int_equal(feed(f, &g, 429, NULL, 1, "Retry-After", date), 0);
	assert_int_equal(block_of(f, "bn.ip").until_ns, 0);
}

/* -1015 (too many orders) blocks the request's account only. */
static void test_feedback_orders_code_blocks_account(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g, h;

	reserve(f, f->order, f->hedge, &g);
	assert_int_equal(feed(f, &g, 429, "-1015", 1, "Retry-After", "3"), RLC_FEEDBACK_BLOCKED);
	assert_true(block_of(f, "bn.hedge").until_ns > 0);
	assert_int_equal(block_of(f, "bn.main").until_ns, 0);
	assert_int_equal(block_of(f, "bn.ip").until_ns, 0);
	assert_int_equal(rlc_reserve(&f->h, (uint32_t)f->order, NULL, 0, f->hedge,
				     RLC_PRIO_ENDPOINT, &h),
			 -ECONNREFUSED);
	reserve(f, f->order, f->main_acct, &h);
	reserve(f, f->depth, f->hedge, &h); /* the IP is open */
	unblock_all(f);
}

/* Bybit: 403 bans the IP for 10 minutes at least; 10006 until the reset. */
static void test_feedback_bybit_penalties(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	char reset[32];
	uint64_t t0, t1;

	reserve(f, f->by_tickers, RLC_ACCOUNT_ONLY, &g);
	t0 = rlc_now_ns();
	assert_int_equal(feed(f, &g, 403, NULL, 1, "Retry-After", "5"), RLC_FEEDBACK_BLOCKED);
	t1 = rlc_now_ns();
	assert_blocked(f, "by.ip", t0, t1, 600 * SEC, 403, 0, 0);
	unblock_all(f);
	reserve(f, f->by_create, RLC_ACCOUNT_ONLY, &g);
	snprintf(reset, sizeof(reset), "%llu",
		 (unsigned long long)(rlc_realtime_ns() / MS + 4000));
	assert_int_equal(feed(f, &g, 200, "10006", 3, "X-Bapi-Limit", "10", "X-Bapi-Limit-Status",
			      "0", "X-Bapi-Limit-Reset-Timestamp", reset),
			 RLC_FEEDBACK_RAISED | RLC_FEEDBACK_BLOCKED);
	assert_true(block_of(f, "by.main").until_ns > rlc_now_ns() + 3 * SEC);
	assert_int_equal(block_of(f, "by.ip").until_ns, 0);
	assert_int_equal(used(f, "by.main.order-create"), 10);
	unblock_all(f);
}

/* OKX 50011 blocks the request's scope: the IP for a public endpoint, else the account. */
static void test_feedback_okx_request_scope(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;

	reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &g);
	assert_int_equal(feed(f, &g, 200, "50011", 0), RLC_FEEDBACK_BLOCKED);
	assert_true(block_of(f, "ok.ip").until_ns > 0);
	assert_int_equal(block_of(f, "ok.main").until_ns, 0);
	unblock_all(f);
	reserve(f, f->ok_order, RLC_ACCOUNT_ONLY, &g);
	assert_int_equal(feed(f, &g, 429, "50011", 0), RLC_FEEDBACK_BLOCKED);
	assert_int_equal(block_of(f, "ok.ip").until_ns, 0);
	assert_true(block_of(f, "ok.main").until_ns > 0);
	unblock_all(f);
	/* Bitget's code on OKX means nothing */
	assert_int_equal(feed(f, &g, 200, "30001", 0), 0);
}

/* The exchange's clock, learned from server time and Date. */
static void test_feedback_clock_offset_learned(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_response r;
	int64_t offset = 0;
	uint64_t error = 0, samples = 0;
	int i;

	assert_int_equal(rlc_clock_estimate(&f->h, f->by, &offset, &error, &samples), 0);
	assert_int_equal(error, UINT64_MAX);
	reserve(f, f->by_tickers, RLC_ACCOUNT_ONLY, &g);
	memset(&r, 0, sizeof(r));
	r.status = 200;
	for (i = 0; i < 20; i++) {
		/* the exchange runs 1.5 s ahead */
		r.server_time_ms = (int64_t)((rlc_realtime_ns() + 1500 * MS) / MS);
		assert_int_equal(rlc_feedback(&f->h, &g, &r), RLC_FEEDBACK_CLOCK);
	}
	assert_int_equal(rlc_clock_estimate(&f->h, f->by, &offset, &error, &samples), 0);
	assert_int_equal(samples, 20);
	/* the request was granted before the loop: the bounds are that wide */
	assert_true(offset > (int64_t)(1400 * MS) && offset < (int64_t)(1600 * MS));
	assert_true(error < 100 * MS);
	/* a Date header: good to a second */
	{
		char date[64];
		time_t now = time(NULL);
		struct rlc_grant d;

		reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &d);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
		assert_int_equal(feed(f, &d, 200, NULL, 1, "Date", date), RLC_FEEDBACK_CLOCK);
		assert_int_equal(rlc_clock_estimate(&f->h, f->ok, &offset, &error, &samples), 0);
		assert_true(offset > -(int64_t)(1100 * MS) && offset < (int64_t)(1100 * MS));
		assert_true(error <= 600 * MS);
		/* a date years off is no clock: ignored */
		assert_int_equal(feed(f, &d, 200, NULL, 1, "Date", "Sun, 06 Nov 1994 08:49:37 GMT"),
				 0);
		assert_int_equal(feed(f, &d, 200, NULL, 1, "Date", "yesterday"),
				 RLC_FEEDBACK_MALFORMED);
	}
	/* setting it by hand forgets what was learned */
	assert_int_equal(rlc_clock_offset_set(&f->h, f->by, 0), 0);
	assert_int_equal(rlc_clock_estimate(&f->h, f->by, &offset, &error, &samples), 0);
	assert_int_equal(error, UINT64_MAX);
	assert_int_equal(offset, 0);
}

/* Outcomes by kind and response time, for the client and the endpoint. */
static void test_feedback_outcomes_counted(void **state)
{
	struct fixture *f = *state;
	const struct rlc_outcomes *c = &f->h.self->outcomes, *e = &f->h.outcomes[f->ok_books];
	struct rlc_grant g;
	struct rlc_response r;
	static const int statuses[] = { 200, 204, 302, 400, 404, 418, 429, 500, 503, 0 };
	unsigned i;

	reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &g);
	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		r.status = statuses[i];
		r.elapsed_ns = (i + 1) * 7 * MS; /* 7 .. 70 ms */
		assert_true(rlc_feedback(&f->h, &g, &r) >= 0);
	}
	unblock_all(f);
	assert_int_equal(rlc__load_relaxed(&e->ok), 3);
	assert_int_equal(rlc__load_relaxed(&e->client_error), 2);
	assert_int_equal(rlc__load_relaxed(&e->limited), 2);
	assert_int_equal(rlc__load_relaxed(&e->server_error), 2);
	assert_int_equal(rlc__load_relaxed(&e->transport), 1);
	assert_int_equal(rlc__load_relaxed(&e->elapsed_ns), 7 * MS * 55);
	/* bounds 1 5 10 25 50 100 ms: 7 in <=10; 14 21 in <=25; 28 .. 49 in <=50; 56 .. 70 in <=100 */
	assert_int_equal(rlc__load_relaxed(&e->elapsed[2]), 1);
	assert_int_equal(rlc__load_relaxed(&e->elapsed[3]), 2);
	assert_int_equal(rlc__load_relaxed(&e->elapsed[4]), 4);
	assert_int_equal(rlc__load_relaxed(&e->elapsed[5]), 3);
	assert_true(rlc__load_relaxed(&c->ok) >= 3);
	assert_true(rlc__load_relaxed(&c->transport) >= 1);
	/* the same through the readers */
	{
		struct rlc_outcome_counts o;
		struct rlc_client_info ci;

		assert_int_equal(rlc_endpoint_outcomes(&f->h, (uint32_t)f->ok_books, &o), 0);
		assert_int_equal(o.ok, 3);
		assert_int_equal(o.limited, 2);
		assert_int_equal(o.transport, 1);
		assert_int_equal(o.elapsed_ns, 7 * MS * 55);
		assert_int_equal(o.elapsed[4], 4);
		assert_int_equal(rlc_endpoint_outcomes(&f->h, f->h.cat.endpoints_count, &o), -ENOENT);
		assert_int_equal(rlc_endpoint_outcomes(&f->h, 0, NULL), -EINVAL);
		assert_int_equal(rlc_client_info(&f->h, (uint32_t)(f->h.self - f->h.clients), &ci), 0);
		assert_int_equal(ci.outcomes.ok, rlc__load_relaxed(&c->ok));
		assert_int_equal(ci.outcomes.server_error, rlc__load_relaxed(&c->server_error));
		assert_int_equal(ci.outcomes.elapsed[5], rlc__load_relaxed(&c->elapsed[5]));
	}
	/* bad arguments */
	r.status = 99;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), -EINVAL);
	r.status = 600;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), -EINVAL);
	r.status = 200;
	r.headers_count = 1;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), -EINVAL);
	r.headers_count = 0;
	assert_int_equal(rlc_feedback(&f->h, NULL, &r), -EINVAL);
	g.endpoint = 100000;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), -EINVAL);
}

/* Consecutive failures open the breaker; after the cool-down one probe; its outcome decides. */
static void test_feedback_breaker_opens_and_probes(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g, p, q;
	struct rlc_breaker b;
	struct rlc_response r;
	uint32_t ip = scope(f, "bn.ip");
	struct timespec nap = { 0, 2000000 };

	memset(&r, 0, sizeof(r));
	reserve(f, f->depth, f->main_acct, &g);
	r.status = 503;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), 0);
	r.status = 0;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), 0);
	r.status = 200; /* a success clears the count */
	assert_int_equal(rlc_feedback(&f->h, &g, &r), 0);
	r.status = 500;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), 0);
	assert_int_equal(rlc_feedback(&f->h, &g, &r), 0);
	assert_int_equal(rlc_feedback(&f->h, &g, &r), RLC_FEEDBACK_BREAKER);
	assert_int_equal(rlc_breaker_get(&f->h, ip, &b), 0);
	assert_int_equal(b.state, RLC_BREAKER_OPEN);
	assert_int_equal(b.failures, 3);
	nanosleep(&nap, NULL); /* the 1 ms cool-down passes */
	reserve(f, f->depth, f->main_acct, &p); /* the probe */
	assert_int_equal(rlc_breaker_get(&f->h, ip, &b), 0);
	assert_int_equal(b.state, RLC_BREAKER_HALF_OPEN);
	/* a probe failing opens it again */
	r.status = 502;
	assert_int_equal(rlc_feedback(&f->h, &p, &r), RLC_FEEDBACK_BREAKER);
	nanosleep(&nap, NULL);
	reserve(f, f->depth, f->main_acct, &p);
	r.status = 200;
	assert_int_equal(rlc_feedback(&f->h, &p, &r), 0);
	assert_int_equal(rlc_breaker_get(&f->h, ip, &b), 0);
	assert_int_equal(b.state, RLC_BREAKER_CLOSED);
	assert_int_equal(b.failures, 0);
	reserve(f, f->depth, f->main_acct, &q);
	(void)q;
}

enum { RACERS = 6 };

/* A racer's step: number i, on its own handle and grant; 0 .. 125. */
typedef int racer_step(struct fixture *f, struct rlc *h, int i, struct rlc_grant *g);

/*
 * Fork RACERS processes that each attach to f's segment and run `ready`
 * (if any: a step that must not be raced), wait until all have, then exit
 * with what `act` returns; the exit statuses in status[].
 */
static void race(struct fixture *f, racer_step *ready, racer_step *act, int status[RACERS])
{
	volatile uint32_t *attached;
	pid_t pid[RACERS];
	int i, st;

	attached = mmap(NULL, sizeof(*attached), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(attached != MAP_FAILED);
	*attached = 0;
	for (i = 0; i < RACERS; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct rlc h;
			struct rlc_grant g;
			int err;

			if (ini_segment_attach(&f->seg, &h, "racer"))
				_exit(126);
			if (ready && (err = ready(f, &h, i, &g)))
				_exit(err);
			__atomic_add_fetch(attached, 1, __ATOMIC_SEQ_CST);
			while (__atomic_load_n(attached, __ATOMIC_SEQ_CST) < RACERS)
				; /* every racer attached: go */
			_exit(act(f, &h, i, &g)); /* no rlc_close: as a process that dies */
		}
	}
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st));
		status[i] = WEXITSTATUS(st);
	}
	munmap((void *)attached, sizeof(*attached));
}

/* Reserve GET /depth once: 0 granted, 1 refused by the breaker, 2 else. */
static int reserve_once(struct fixture *f, struct rlc *h, int i, struct rlc_grant *g)
{
	int err = rlc_reserve(h, (uint32_t)f->depth, NULL, 0, f->main_acct, RLC_PRIO_ENDPOINT, g);

	(void)i;
	return err == 0 ? 0 : err == -EHOSTDOWN ? 1 : 2;
}

/*
 * Real processes race for the half-open probe: exactly one wins; it dies
 * without a word, and once its probe times out exactly one other wins.
 */
static void test_feedback_breaker_single_probe_processes(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_response r;
	int round, i, status[RACERS], won;
	struct timespec cooldown = { 0, 3000000 }, timeout = { 1, 100000000 };

	memset(&r, 0, sizeof(r));
	reserve(f, f->depth, f->main_acct, &g);
	r.status = 504;
	for (i = 0; i < 3; i++)
		rlc_feedback(&f->h, &g, &r);
	for (round = 0; round < 2; round++) {
		/* the cool-down, then the dead probe's timeout */
		nanosleep(round ? &timeout : &cooldown, NULL);
		race(f, NULL, reserve_once, status);
		for (won = i = 0; i < RACERS; i++) {
			assert_true(status[i] <= 1);
			won += status[i] == 0;
		}
		assert_int_equal(won, 1);
	}
	nanosleep(&timeout, NULL);
	reserve(f, f->depth, f->main_acct, &g);
	r.status = 200;
	rlc_feedback(&f->h, &g, &r);
}

static int penalty_round; /* which racer's penalty is the longest */

/* Report a penalty on g: 0 when it blocked, else 1. */
static int report_penalty(struct fixture *f, struct rlc *h, int i, struct rlc_grant *g)
{
	struct rlc_http_header hd = { "Retry-After", NULL };
	struct rlc_response r = { 429, &hd, 1, "-1003", MS, 0 };
	char after[16];

	(void)f;
	if (i == penalty_round) /* the longest: a ban */
		r.status = 418;
	snprintf(after, sizeof(after), "%d", i == penalty_round ? 900 : 100 + 10 * i);
	hd.value = after;
	return rlc_feedback(h, g, &r) == RLC_FEEDBACK_BLOCKED ? 0 : 1;
}

/*
 * Real processes report penalties at once, the longest from a different
 * one each round: the block ends when the longest says, whatever the
 * order, and its details are the longest's.
 */
static void test_feedback_concurrent_penalties_processes(void **state)
{
	struct fixture *f = *state;
	int i, status[RACERS];

	for (penalty_round = 0; penalty_round < RACERS; penalty_round++) {
		uint64_t t0 = rlc_now_ns(), t1;
		struct rlc_block b;

		race(f, reserve_once, report_penalty, status);
		for (i = 0; i < RACERS; i++)
			assert_int_equal(status[i], 0);
		t1 = rlc_now_ns();
		b = block_of(f, "bn.ip");
		assert_true(b.until_ns >= t0 + 900 * SEC && b.until_ns <= t1 + 900 * SEC);
		assert_int_equal(b.status, 418);
		assert_int_equal(b.code, -1003);
		assert_true(b.client >= 0);
		unblock_all(f);
	}
}

/*
 * Waits: a block that ends before the deadline is waited out; an open
 * breaker is looked at until the deadline, then -EHOSTDOWN.
 */
static void test_feedback_waits_around_blocks(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_response r;
	uint64_t t0;
	int i;

	t0 = rlc_now_ns();
	assert_int_equal(rlc_block(&f->h, scope(f, "bn.ip"), t0 + 30 * MS), 0);
	assert_int_equal(rlc_reserve_wait(&f->h, (uint32_t)f->depth, NULL, 0, f->main_acct,
					  RLC_PRIO_ENDPOINT, t0 + SEC, &g),
			 0);
	assert_true(rlc_now_ns() >= t0 + 30 * MS);
	/* a by-hand block: status 0, this client */
	assert_int_equal(rlc_block(&f->h, scope(f, "bn.ip"), rlc_now_ns() + 10 * SEC), 0);
	assert_int_equal(block_of(f, "bn.ip").status, 0);
	assert_int_equal(block_of(f, "bn.ip").client, (int)(f->h.self - f->h.clients));
	assert_int_equal(rlc_block(&f->h, scope(f, "bn.ip"), rlc_now_ns() - 1), -EINVAL);
	assert_int_equal(rlc_block(&f->h, scope(f, "bn.ip"), rlc_now_ns() + RLC_BLOCK_MAX_NS + SEC),
			 -EINVAL);
	assert_int_equal(rlc_block(&f->h, f->h.layout.scopes_count, rlc_now_ns() + SEC), -EINVAL);
	unblock_all(f);
	/* Bybit's breaker: the default 10 s cool-down outlasts a 250 ms deadline */
	reserve(f, f->by_tickers, RLC_ACCOUNT_ONLY, &g);
	memset(&r, 0, sizeof(r));
	r.status = 500;
	for (i = 0; i < 5; i++)
		rlc_feedback(&f->h, &g, &r);
	t0 = rlc_now_ns();
	assert_int_equal(rlc_reserve_wait(&f->h, (uint32_t)f->by_tickers, NULL, 0, RLC_ACCOUNT_ONLY,
					  RLC_PRIO_ENDPOINT, t0 + 250 * MS, &g),
			 -EHOSTDOWN);
	assert_true(rlc_now_ns() >= t0 + 200 * MS); /* it looked again, every 100 ms */
	assert_true(g.retry_ns > 9 * SEC);
}

static int try_reserve(struct fixture *f, int endpoint_id, int account, struct rlc_grant *g)
{
	return rlc_reserve(&f->h, (uint32_t)endpoint_id, NULL, 0, account, RLC_PRIO_ENDPOINT, g);
}

/*
 * The IP's ban and breaker stop every request from this host: one that
 * counts on its account's limits only, and one that counts on none.
 */
static void test_feedback_ip_stops_account_only_requests(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_response r;
	struct timespec nap = { 0, 2000000 };
	int i;

	reserve(f, f->depth, f->main_acct, &g);
	assert_int_equal(feed(f, &g, 418, NULL, 1, "Retry-After", "60"), RLC_FEEDBACK_BLOCKED);
	assert_int_equal(try_reserve(f, f->put_order, f->main_acct, &g), -ECONNREFUSED);
	assert_int_equal(try_reserve(f, f->weightless, f->main_acct, &g), -ECONNREFUSED);
	assert_true(g.retry_ns > 59 * SEC);
	assert_int_equal(g.refused_by, -1); /* it takes no limit */
	unblock_all(f);
	reserve(f, f->weightless, f->main_acct, &g);
	assert_int_equal(g.count, 0);
	/* an account's block stops a weightless request on that account */
	assert_int_equal(rlc_block(&f->h, scope(f, "bn.hedge"), rlc_now_ns() + SEC), 0);
	assert_int_equal(try_reserve(f, f->weightless, f->hedge, &g), -ECONNREFUSED);
	reserve(f, f->weightless, f->main_acct, &g);
	unblock_all(f);
	/* failures of any request open the IP's breaker for all of them */
	memset(&r, 0, sizeof(r));
	r.status = 503;
	reserve(f, f->put_order, f->main_acct, &g);
	for (i = 0; i < 3; i++)
		rlc_feedback(&f->h, &g, &r);
	assert_int_equal(try_reserve(f, f->weightless, f->main_acct, &g), -EHOSTDOWN);
	nanosleep(&nap, NULL); /* the 1 ms cool-down */
	assert_int_equal(try_reserve(f, f->put_order, f->main_acct, &g), 0); /* the probe */
	assert_int_equal(try_reserve(f, f->weightless, f->main_acct, &g), -EHOSTDOWN);
	unblock_all(f); /* closes the breaker too */
	reserve(f, f->weightless, f->main_acct, &g);
}

/* A probe whose request counts on its scope twice, around another, is let through. */
static void test_feedback_probe_across_scopes(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_response r;
	struct rlc_breaker b;
	struct timespec nap = { 0, 2000000 };

	memset(&r, 0, sizeof(r));
	reserve(f, f->aba, RLC_ACCOUNT_ONLY, &g);
	r.status = 500;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), RLC_FEEDBACK_BREAKER);
	nanosleep(&nap, NULL);
	reserve(f, f->aba, RLC_ACCOUNT_ONLY, &g);
	assert_int_equal(g.probe, (int32_t)scope(f, "ab.ip"));
	r.status = 200;
	assert_int_equal(rlc_feedback(&f->h, &g, &r), 0);
	assert_int_equal(rlc_breaker_get(&f->h, scope(f, "ab.ip"), &b), 0);
	assert_int_equal(b.state, RLC_BREAKER_CLOSED);
}

/*
 * A refunded probe hands the probe on; while half-open only the probe's
 * outcome counts; a corrupt breaker word shuts the scope no longer than
 * one probe.
 */
static void test_feedback_probe_refund_and_stale_outcomes(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant old, p, q;
	struct rlc_response r;
	struct rlc_breaker b;
	struct timespec nap = { 0, 2000000 };
	uint32_t ip = scope(f, "ab.ip");

	memset(&r, 0, sizeof(r));
	reserve(f, f->aba, RLC_ACCOUNT_ONLY, &old); /* sent before the breaker opens */
	reserve(f, f->aba, RLC_ACCOUNT_ONLY, &p);
	r.status = 502;
	assert_int_equal(rlc_feedback(&f->h, &p, &r), RLC_FEEDBACK_BREAKER);
	nanosleep(&nap, NULL);
	reserve(f, f->aba, RLC_ACCOUNT_ONLY, &p);
	assert_true(p.probe >= 0);
	assert_int_equal(try_reserve(f, f->aba, RLC_ACCOUNT_ONLY, &q), -EHOSTDOWN);
	assert_int_equal(rlc_refund(&f->h, &p), 0);
	reserve(f, f->aba, RLC_ACCOUNT_ONLY, &p); /* at once: the next probe */
	assert_true(p.probe >= 0);
	/* the old request's late failure is not the probe's outcome */
	r.status = 0;
	assert_int_equal(rlc_feedback(&f->h, &old, &r), 0);
	assert_int_equal(rlc_breaker_get(&f->h, ip, &b), 0);
	assert_int_equal(b.state, RLC_BREAKER_HALF_OPEN);
	r.status = 200;
	assert_int_equal(rlc_feedback(&f->h, &p, &r), 0);
	assert_int_equal(rlc_breaker_get(&f->h, ip, &b), 0);
	assert_int_equal(b.state, RLC_BREAKER_CLOSED);
	/* a word no take writes: open until ~9 years from boot */
	rlc__store_relaxed(&f->h.scope_words[ip].breaker,
			   (uint64_t)RLC_BREAKER_OPEN << 62 | RLC__BREAKER_TIME_MASK);
	reserve(f, f->aba, RLC_ACCOUNT_ONLY, &p);
	assert_true(p.probe >= 0);
}

/* One Date far off changes nothing; a step two responses agree on is followed. */
static void test_feedback_clock_outlier_parked(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_response r;
	int64_t offset = 0, before = 0;
	uint64_t error = 0, samples = 0;
	int i;

	memset(&r, 0, sizeof(r));
	r.status = 200;
	for (i = 0; i < 10; i++) {
		reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &g);
		r.server_time_ms = (int64_t)((rlc_realtime_ns() + 700 * MS) / MS);
		assert_int_equal(rlc_feedback(&f->h, &g, &r), RLC_FEEDBACK_CLOCK);
	}
	assert_int_equal(rlc_clock_estimate(&f->h, f->ok, &before, &error, &samples), 0);
	/* a cached response's time, five hours ahead */
	reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &g);
	r.server_time_ms = (int64_t)((rlc_realtime_ns() + 5 * 3600 * SEC) / MS);
	assert_int_equal(rlc_feedback(&f->h, &g, &r), 0);
	assert_int_equal(rlc_clock_estimate(&f->h, f->ok, &offset, &error, &samples), 0);
	assert_int_equal(offset, before);
	/* a good one after it still narrows */
	reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &g);
	r.server_time_ms = (int64_t)((rlc_realtime_ns() + 700 * MS) / MS);
	assert_int_equal(rlc_feedback(&f->h, &g, &r), RLC_FEEDBACK_CLOCK);
	/* the exchange's clock steps 2 s: the second response that says so moves it */
	for (i = 0; i < 2; i++) {
		reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &g);
		r.server_time_ms = (int64_t)((rlc_realtime_ns() + 2700 * MS) / MS);
		assert_int_equal(rlc_feedback(&f->h, &g, &r), i ? RLC_FEEDBACK_CLOCK : 0);
	}
	assert_int_equal(rlc_clock_estimate(&f->h, f->ok, &offset, &error, &samples), 0);
	assert_true(offset > (int64_t)(2600 * MS) && offset < (int64_t)(2800 * MS));
}

/*
 * Words no rlc call writes: a block further ahead than 3 days is none; a
 * block's details out of range are unknown; an offset beyond a day reads
 * as a day.  A Retry-After beyond any ban blocks for the longest, 3 days.
 */
static void test_feedback_corrupt_words_bounded(void **state)
{
	struct fixture *f = *state;
	struct rlc_scope *ip = &f->h.scope_words[scope(f, "bn.ip")];
	struct rlc_grant g;
	struct rlc_block b;
	int64_t offset = 0;
	uint64_t error = 0, samples = 0, until;

	rlc__store_relaxed(&ip->blocked_until, rlc_now_ns() + 10 * 86400 * SEC);
	reserve(f, f->depth, f->main_acct, &g);
	assert_int_equal(block_of(f, "bn.ip").until_ns, 0);
	until = rlc_now_ns() + 60 * SEC;
	rlc__store_relaxed(&ip->blocked_until, until);
	rlc__store_relaxed(&ip->block_cause, rlc__block_word(until, 0xffffffu)); /* status 2047 */
	rlc__store_relaxed(&ip->block_code, rlc__block_word(until, 5));
	rlc__store_relaxed(&ip->block_since, rlc__block_word(until, 1));
	b = block_of(f, "bn.ip");
	assert_int_equal(b.until_ns, until);
	assert_int_equal(b.status, 0);
	assert_int_equal(b.client, -1);
	unblock_all(f);
	rlc__store_relaxed(f->h.cat.exchanges[f->bn].clock_offset, (uint64_t)INT64_MIN);
	assert_int_equal(rlc_clock_estimate(&f->h, f->bn, &offset, &error, &samples), 0);
	assert_int_equal(offset, -RLC_OFFSET_MAX_NS);
	assert_int_equal(rlc_clock_offset_set(&f->h, f->bn, 0), 0);
	reserve(f, f->depth, f->main_acct, &g);
	assert_int_equal(feed(f, &g, 429, NULL, 1, "Retry-After", "99999999999"),
			 RLC_FEEDBACK_BLOCKED);
	b = block_of(f, "bn.ip");
	assert_true(b.until_ns > rlc_now_ns() + RLC_BLOCK_MAX_NS - SEC);
	unblock_all(f);
}

/* A response with a Date and a server time is one sample, the finer. */
static void test_feedback_clock_one_sample_a_response(void **state)
{
	struct fixture *f = *state;
	struct rlc_http_header date = { "Date", NULL };
	struct rlc_response r = { 200, &date, 1, NULL, MS, 0 };
	struct rlc_grant g;
	char text[64];
	time_t now = time(NULL);
	int64_t offset = 0;
	uint64_t error = 0, samples = 0;

	strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
	date.value = text;
	reserve(f, f->ok_books, RLC_ACCOUNT_ONLY, &g);
	r.server_time_ms = (int64_t)(rlc_realtime_ns() / MS);
	assert_int_equal(rlc_feedback(&f->h, &g, &r), RLC_FEEDBACK_CLOCK);
	assert_int_equal(rlc_clock_estimate(&f->h, f->ok, &offset, &error, &samples), 0);
	assert_int_equal(samples, 1);
	assert_true(error < 500 * MS); /* the server time's, not the Date's second */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_feedback_mbx_weight_raises_never_lowers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_bad_headers_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_mbx_orders_per_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_fixed_interval_raised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_bybit_limit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_bitget_remaining, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_429_blocks_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_block_never_lowered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_418_and_http_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_orders_code_blocks_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_bybit_penalties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_okx_request_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_clock_offset_learned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_outcomes_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_breaker_opens_and_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_breaker_single_probe_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_concurrent_penalties_processes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_feedback_waits_around_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_ip_stops_account_only_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_feedback_probe_across_scopes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_probe_refund_and_stale_outcomes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_feedback_clock_outlier_parked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_corrupt_words_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_clock_one_sample_a_response, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
