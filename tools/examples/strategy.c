/* SPDX-License-Identifier: MIT */
/*
 * rlc-example-strategy: the request loop of a small Binance USD-M futures
 * strategy, every request reserved by its endpoint's name (rlc(3),
 * rlc_reserve).  It sends nothing: where a real strategy would make the
 * HTTP call, this one counts it.
 *
 * Each round it reads the order book and the best bid and ask (market
 * data, priority LOW in the profile), places an order (HIGH), cancels it
 * (CRITICAL) and, every tenth round, closes the position with a reduce-only
 * order (CRITICAL, by the endpoint's critical-if).  Every fifth order is
 * dropped before it is sent, and its grant refunded.  rlc computes each
 * request's weights from the profile's rules (depth with limit=500 costs 10
 * on binance-usdm.ip.weight; an order 1 on each of the account's two order
 * limits and nothing on the IP weight) and takes them all or nothing.
 *
 * Market data that cannot be had within 500 ms is skipped (a stale quote
 * is worth nothing); an order waits up to 2 s.  While the exchange is in
 * the liquidation mode (`rlctl mode binance-usdm liquidation`) market data
 * is held back and orders still pass.
 *
 *   rlc-example-strategy [-s SEGMENT] [-a ACCOUNT] [-n ROUNDS]
 *
 * It prints what each kind of request costs, then one line of totals as
 * key=value words.  Exit 0; 1 when the segment cannot be used or a request
 * fails for a reason waiting cannot cure.
 */
#include "rlc.h" /* first: it selects the POSIX interfaces it needs */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS UINT64_C(1000000)
#define MARKET_WAIT_NS (500 * MS)
#define ORDER_WAIT_NS (2000 * MS)

struct totals {
	unsigned market;   /* market-data requests sent */
	unsigned skipped;  /* market-data requests given up at their deadline */
	unsigned orders;   /* orders sent, reduce-only ones included */
	unsigned cancels;  /* cancels sent */
	unsigned refunded; /* orders dropped before sending, their grant refunded */
	unsigned timeouts; /* orders or cancels given up at their deadline */
};

static struct rlc h;

static void die(const char *what, int err)
{
	fprintf(stderr, "rlc-example-strategy: %s: %s%s%s\n", what, strerror(-err),
		h.why[0] ? ": " : "", h.why);
	rlc_close(&h);
	exit(1);
}

/* Look an endpoint up once, by the method and path the exchange documents. */
static uint32_t endpoint(int exchange, const char *method, const char *path)
{
	int id = rlc_endpoint_id(&h, exchange, method, path);

	if (id < 0)
		die(path, id);
	return (uint32_t)id;
}

/* The name of limit `id`, for messages. */
static const char *limit_name(int32_t id)
{
	struct rlc_usage u;

	return id >= 0 && rlc_usage(&h, (uint32_t)id, &u) != -ENOENT ? u.name : "?";
}

/* Print what one request of endpoint `ep` with these parameters takes. */
static void show_cost(const char *what, uint32_t ep, const struct rlc_param *params, unsigned n,
		      int account)
{
	uint32_t ids[RLC_LINK_MAX], weights[RLC_LINK_MAX];
	int i, count = rlc_endpoint_weights(&h, ep, params, n, account, ids, weights);

	if (count < 0)
		die(what, count);
	printf("%s:", what);
	for (i = 0; i < count; i++)
		printf(" %s %u", limit_name((int32_t)ids[i]), weights[i]);
	printf("\n");
}

/*
 * Reserve one request of endpoint `ep` at the endpoint's own priority,
 * waiting up to `wait_ns`.  1 when it may be sent, 0 when it was given up.
 */
static int reserve(uint32_t ep, const struct rlc_param *params, unsigned n, int account,
		   uint64_t wait_ns, struct rlc_grant *g)
{
	int err = rlc_reserve_wait(&h, ep, params, n, account, RLC_PRIO_ENDPOINT,
				   rlc_now_ns() + wait_ns, g);

	if (err == 0)
		return 1;
	if (err != -ETIMEDOUT) /* -E2BIG, -EINVAL, -EBADMSG: waiting cannot help */
		die("reserve", err);
	return 0; /* g->refused_by and g->retry_ns say which limit and how long */
}

int main(int argc, char **argv)
{
	const char *segment = NULL, *account_name = "main";
	struct totals t = { 0 };
	struct rlc_grant g;
	unsigned rounds = 20, r;
	int opt, ex, account, err;

	while ((opt = getopt(argc, argv, "s:a:n:")) != -1) {
		if (opt == 's')
			segment = optarg;
		else if (opt == 'a')
			account_name = optarg;
		else if (opt == 'n')
			rounds = (unsigned)strtoul(optarg, NULL, 10);
		else {
			fprintf(stderr, "usage: rlc-example-strategy [-s SEGMENT] [-a ACCOUNT] "
					"[-n ROUNDS]\n");
			return 2;
		}
	}
	if ((err = rlc_open(&h, segment, "example-strategy", 0)) != 0)
		die("rlc_open", err);

	/* Once, at start: ids are stable for the life of the segment. */
	if ((ex = rlc_exchange_id(&h, "binance-usdm")) < 0)
		die("binance-usdm", ex);
	if ((account = rlc_account_id(&h, ex, account_name)) < 0)
		die(account_name, account);
	/* a query string is ignored: the parameters come separately */
	uint32_t depth = endpoint(ex, "GET", "/fapi/v1/depth?limit=500");
	uint32_t book = endpoint(ex, "GET", "/fapi/v1/ticker/bookTicker");
	uint32_t order = endpoint(ex, "POST", "/fapi/v1/order");
	uint32_t cancel = endpoint(ex, "DELETE", "/fapi/v1/order");

	/* Parameters as the exchange names them; those no rule reads are ignored. */
	const struct rlc_param depth_params[] = { { "symbol", "BTCUSDT" }, { "limit", "500" } };
	const struct rlc_param book_params[] = { { "symbol", "BTCUSDT" } };
	const struct rlc_param order_params[] = {
		{ "symbol", "BTCUSDT" }, { "side", "BUY" }, { "type", "LIMIT" },
		{ "quantity", "0.002" }, { "price", "60000" }, { "timeInForce", "GTX" },
	};
	const struct rlc_param close_params[] = {
		{ "symbol", "BTCUSDT" }, { "side", "SELL" }, { "type", "MARKET" },
		{ "quantity", "0.002" }, { "reduceOnly", "true" },
	};
	const struct rlc_param cancel_params[] = { { "symbol", "BTCUSDT" }, { "orderId", "1" } };
#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

	show_cost("GET /fapi/v1/depth limit=500", depth, depth_params, N(depth_params), account);
	show_cost("GET /fapi/v1/ticker/bookTicker symbol", book, book_params, N(book_params),
		  account);
	show_cost("POST /fapi/v1/order", order, order_params, N(order_params), account);
	show_cost("DELETE /fapi/v1/order", cancel, cancel_params, N(cancel_params), account);

	for (r = 0; r < rounds; r++) {
		/* Market data: worth nothing late, so a short wait, then skip. */
		if (reserve(depth, depth_params, N(depth_params), account, MARKET_WAIT_NS, &g))
			t.market++; /* send GET /fapi/v1/depth?symbol=BTCUSDT&limit=500 */
		else
			t.skipped++;
		if (reserve(book, book_params, N(book_params), account, MARKET_WAIT_NS, &g))
			t.market++;
		else
			t.skipped++;

		/* A new order, HIGH: lower priorities yield while it waits. */
		if (!reserve(order, order_params, N(order_params), account, ORDER_WAIT_NS, &g)) {
			t.timeouts++;
			printf("order given up: %s full for %llu ms more\n",
			       limit_name(g.refused_by), (unsigned long long)(g.retry_ns / MS));
			continue;
		}
		if (r % 5 == 4) { /* the signal went away before the order left */
			if ((err = rlc_refund(&h, &g)) != 0)
				die("rlc_refund", err);
			t.refunded++;
		} else {
			t.orders++; /* send POST /fapi/v1/order */
		}

		/* Cancels are CRITICAL: no reserve is kept from them. */
		if (reserve(cancel, cancel_params, N(cancel_params), account, ORDER_WAIT_NS, &g))
			t.cancels++;
		else
			t.timeouts++;

		/* reduceOnly=true makes this order CRITICAL (critical-if). */
		if (r % 10 == 9) {
			if (reserve(order, close_params, N(close_params), account, ORDER_WAIT_NS, &g))
				t.orders++;
			else
				t.timeouts++;
		}
	}
	printf("rounds=%u market=%u skipped=%u orders=%u cancels=%u refunded=%u timeouts=%u\n",
	       rounds, t.market, t.skipped, t.orders, t.cancels, t.refunded, t.timeouts);
	rlc_close(&h);
	return 0;
}
