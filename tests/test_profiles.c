/* SPDX-License-Identifier: MIT */
/*
 * The shipped profiles (the .ini files in etc/) against exchange-limits.md: each loads
 * with rlcd's loader, the built-in default is all of them, and every
 * documented weight (one row per case, boundaries included), priority,
 * limit and usage header, and each exchange's dialect, comes out of the
 * segment rlcd lays out, through the client's own lookup and rule
 * evaluation.  Every endpoint and every limit of every profile must be
 * covered by a row.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "config.h"
#include "layout.h"
#include "rlc.h"

#define SEC UINT64_C(1000000000)

static const char *const profiles[] = { "binance-spot", "binance-usdm", "bybit-v5",
					"okx-v5",       "bitget-v2",    "aster-futures" };
#define PROFILES (sizeof(profiles) / sizeof(profiles[0]))
/* Whose error codes and bans each speaks: Aster's are Binance's. */
static const uint32_t dialects[PROFILES] = { RLC_DIALECT_BINANCE, RLC_DIALECT_BINANCE,
					     RLC_DIALECT_BYBIT,   RLC_DIALECT_OKX,
					     RLC_DIALECT_BITGET,  RLC_DIALECT_BINANCE };

/* Parameter values the rows share: JSON arrays of N symbols or N orders. */
static char sym1[16], sym2[32], sym20[256], sym21[256], sym50[1024], sym51[1024], sym100[1024],
	sym101[1024], list21[256], batch1[64], batch2[128], batch3[192], batch5[320],
	batch10[640];

/* One documented case: a request and what it must take. */
struct row {
	const char *section; /* of exchange-limits.md */
	const char *what;
	const char *exchange, *method, *path;
	int priority; /* the request's, critical-if applied */
	struct rlc_param params[2]; /* up to the first NULL name */
	struct {
		const char *limit; /* as the profile's key: ip.weight, account.orders-10s */
		uint32_t weight;
	} expect[4]; /* every limit it takes, weight 0 left out */
};

static const struct row rows[] = {
	{ "2", "ping", "binance-spot", "GET", "/api/v3/ping", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 } } },
	{ "2", "time", "binance-spot", "GET", "/api/v3/time", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 } } },
	{ "2", "exchangeInfo", "binance-spot", "GET", "/api/v3/exchangeInfo", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 20 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth, limit absent: default 100", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 1", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "1" } },
	  { { "ip.weight", 5 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 100", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 5 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 101", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "101" } },
	  { { "ip.weight", 25 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 500", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 25 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 501", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "501" } },
	  { { "ip.weight", 50 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 1000", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "1000" } },
	  { { "ip.weight", 50 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 1001", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "1001" } },
	  { { "ip.weight", 250 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth limit 5000", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "5000" } },
	  { { "ip.weight", 250 }, { "ip.raw-requests", 1 } } },
	{ "2", "depth, limit not a number: default 100", "binance-spot", "GET", "/api/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "all" } },
	  { { "ip.weight", 5 }, { "ip.raw-requests", 1 } } },
	{ "2", "trades", "binance-spot", "GET", "/api/v3/trades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 25 }, { "ip.raw-requests", 1 } } },
	{ "2", "historicalTrades", "binance-spot", "GET", "/api/v3/historicalTrades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 25 }, { "ip.raw-requests", 1 } } },
	{ "2", "aggTrades", "binance-spot", "GET", "/api/v3/aggTrades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "klines, limit absent", "binance-spot", "GET", "/api/v3/klines", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "klines limit 99: no scaling", "binance-spot", "GET", "/api/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "99" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "klines limit 100: no scaling", "binance-spot", "GET", "/api/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "klines limit 499: no scaling", "binance-spot", "GET", "/api/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "499" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "klines limit 500: no scaling", "binance-spot", "GET", "/api/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "klines limit 1000: no scaling", "binance-spot", "GET", "/api/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "1000" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "klines limit 1001: no scaling", "binance-spot", "GET", "/api/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "1001" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "uiKlines", "binance-spot", "GET", "/api/v3/uiKlines", RLC_PRIO_LOW,
	  { { "limit", "1000" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "avgPrice", "binance-spot", "GET", "/api/v3/avgPrice", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr symbol", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr no symbol", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 80 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr 1 symbols", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbols", sym1 } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr 20 symbols", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbols", sym20 } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr 21 symbols", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbols", sym21 } },
	  { { "ip.weight", 40 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr 100 symbols", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbols", sym100 } },
	  { { "ip.weight", 40 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr 101 symbols", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbols", sym101 } },
	  { { "ip.weight", 80 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/24hr symbols as a comma list", "binance-spot", "GET", "/api/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbols", list21 } },
	  { { "ip.weight", 40 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/price symbol", "binance-spot", "GET", "/api/v3/ticker/price", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/price no symbol", "binance-spot", "GET", "/api/v3/ticker/price", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/price symbols", "binance-spot", "GET", "/api/v3/ticker/price", RLC_PRIO_LOW,
	  { { "symbols", sym2 } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/bookTicker symbol", "binance-spot", "GET", "/api/v3/ticker/bookTicker", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 2 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/bookTicker no symbol", "binance-spot", "GET", "/api/v3/ticker/bookTicker", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/bookTicker symbols", "binance-spot", "GET", "/api/v3/ticker/bookTicker", RLC_PRIO_LOW,
	  { { "symbols", sym2 } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker (rolling) symbol", "binance-spot", "GET", "/api/v3/ticker", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker (rolling) 1 symbols", "binance-spot", "GET", "/api/v3/ticker", RLC_PRIO_LOW,
	  { { "symbols", sym1 } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker (rolling) 2 symbols", "binance-spot", "GET", "/api/v3/ticker", RLC_PRIO_LOW,
	  { { "symbols", sym2 } },
	  { { "ip.weight", 8 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker (rolling) 50 symbols", "binance-spot", "GET", "/api/v3/ticker", RLC_PRIO_LOW,
	  { { "symbols", sym50 } },
	  { { "ip.weight", 200 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker (rolling) 51 symbols", "binance-spot", "GET", "/api/v3/ticker", RLC_PRIO_LOW,
	  { { "symbols", sym51 } },
	  { { "ip.weight", 200 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker (rolling) 100 symbols", "binance-spot", "GET", "/api/v3/ticker", RLC_PRIO_LOW,
	  { { "symbols", sym100 } },
	  { { "ip.weight", 200 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/tradingDay symbol", "binance-spot", "GET", "/api/v3/ticker/tradingDay", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/tradingDay 1 symbols", "binance-spot", "GET", "/api/v3/ticker/tradingDay", RLC_PRIO_LOW,
	  { { "symbols", sym1 } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/tradingDay 2 symbols", "binance-spot", "GET", "/api/v3/ticker/tradingDay", RLC_PRIO_LOW,
	  { { "symbols", sym2 } },
	  { { "ip.weight", 8 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/tradingDay 50 symbols", "binance-spot", "GET", "/api/v3/ticker/tradingDay", RLC_PRIO_LOW,
	  { { "symbols", sym50 } },
	  { { "ip.weight", 200 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/tradingDay 51 symbols", "binance-spot", "GET", "/api/v3/ticker/tradingDay", RLC_PRIO_LOW,
	  { { "symbols", sym51 } },
	  { { "ip.weight", 200 }, { "ip.raw-requests", 1 } } },
	{ "2", "ticker/tradingDay 100 symbols", "binance-spot", "GET", "/api/v3/ticker/tradingDay", RLC_PRIO_LOW,
	  { { "symbols", sym100 } },
	  { { "ip.weight", 200 }, { "ip.raw-requests", 1 } } },
	{ "2", "order: weight 1 (0 only if successful), UOC +1", "binance-spot", "POST", "/api/v3/order", RLC_PRIO_HIGH,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 }, { "account.orders-10s", 1 }, { "account.orders-1d", 1 } } },
	{ "2", "order/test", "binance-spot", "POST", "/api/v3/order/test", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 } } },
	{ "2", "order/test with computeCommissionRates", "binance-spot", "POST", "/api/v3/order/test", RLC_PRIO_NORMAL,
	  { { "computeCommissionRates", "true" } },
	  { { "ip.weight", 20 }, { "ip.raw-requests", 1 } } },
	{ "2", "cancel order", "binance-spot", "DELETE", "/api/v3/order", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 } } },
	{ "2", "cancel openOrders", "binance-spot", "DELETE", "/api/v3/openOrders", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 } } },
	{ "2", "cancelReplace: UOC +1", "binance-spot", "POST", "/api/v3/order/cancelReplace", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 }, { "account.orders-10s", 1 }, { "account.orders-1d", 1 } } },
	{ "2", "amend keepPriority: 4, UOC 0", "binance-spot", "PUT", "/api/v3/order/amend/keepPriority", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "OCO: UOC +2", "binance-spot", "POST", "/api/v3/orderList/oco", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 }, { "account.orders-10s", 2 }, { "account.orders-1d", 2 } } },
	{ "2", "OTO: UOC +2", "binance-spot", "POST", "/api/v3/orderList/oto", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 }, { "account.orders-10s", 2 }, { "account.orders-1d", 2 } } },
	{ "2", "OTOCO: UOC +3", "binance-spot", "POST", "/api/v3/orderList/otoco", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "ip.raw-requests", 1 }, { "account.orders-10s", 3 }, { "account.orders-1d", 3 } } },
	{ "2", "query order", "binance-spot", "GET", "/api/v3/order", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "orderList", "binance-spot", "GET", "/api/v3/orderList", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 4 }, { "ip.raw-requests", 1 } } },
	{ "2", "openOrders symbol", "binance-spot", "GET", "/api/v3/openOrders", RLC_PRIO_NORMAL,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 6 }, { "ip.raw-requests", 1 } } },
	{ "2", "openOrders no symbol", "binance-spot", "GET", "/api/v3/openOrders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 80 }, { "ip.raw-requests", 1 } } },
	{ "2", "allOrders", "binance-spot", "GET", "/api/v3/allOrders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 20 }, { "ip.raw-requests", 1 } } },
	{ "2", "account", "binance-spot", "GET", "/api/v3/account", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 20 }, { "ip.raw-requests", 1 } } },
	{ "2", "allOrderList", "binance-spot", "GET", "/api/v3/allOrderList", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 20 }, { "ip.raw-requests", 1 } } },
	{ "2", "myTrades", "binance-spot", "GET", "/api/v3/myTrades", RLC_PRIO_NORMAL,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 20 }, { "ip.raw-requests", 1 } } },
	{ "2", "myTrades with orderId", "binance-spot", "GET", "/api/v3/myTrades", RLC_PRIO_NORMAL,
	  { { "symbol", "BTCUSDT" }, { "orderId", "12345" } },
	  { { "ip.weight", 5 }, { "ip.raw-requests", 1 } } },
	{ "2", "rateLimit/order", "binance-spot", "GET", "/api/v3/rateLimit/order", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 40 }, { "ip.raw-requests", 1 } } },
	{ "3", "depth, limit absent: default 500", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 10 } } },
	{ "3", "depth limit 5", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { "limit", "5" } },
	  { { "ip.weight", 2 } } },
	{ "3", "depth limit 10", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { "limit", "10" } },
	  { { "ip.weight", 2 } } },
	{ "3", "depth limit 20", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { "limit", "20" } },
	  { { "ip.weight", 2 } } },
	{ "3", "depth limit 50", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { "limit", "50" } },
	  { { "ip.weight", 2 } } },
	{ "3", "depth limit 100", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 5 } } },
	{ "3", "depth limit 500", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 10 } } },
	{ "3", "depth limit 1000", "binance-usdm", "GET", "/fapi/v1/depth", RLC_PRIO_LOW,
	  { { "limit", "1000" } },
	  { { "ip.weight", 20 } } },
	{ "3", "klines limit 1", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { "limit", "1" } },
	  { { "ip.weight", 1 } } },
	{ "3", "klines limit 99", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { "limit", "99" } },
	  { { "ip.weight", 1 } } },
	{ "3", "klines limit 100", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 2 } } },
	{ "3", "klines limit 499", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { "limit", "499" } },
	  { { "ip.weight", 2 } } },
	{ "3", "klines limit 500", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 5 } } },
	{ "3", "klines limit 1000", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { "limit", "1000" } },
	  { { "ip.weight", 5 } } },
	{ "3", "klines limit 1001", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { "limit", "1001" } },
	  { { "ip.weight", 10 } } },
	{ "3", "klines, limit absent: default 500", "binance-usdm", "GET", "/fapi/v1/klines", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "ticker/24hr symbol", "binance-usdm", "GET", "/fapi/v1/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "3", "ticker/24hr no symbol", "binance-usdm", "GET", "/fapi/v1/ticker/24hr", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 40 } } },
	{ "3", "ticker/price symbol", "binance-usdm", "GET", "/fapi/v1/ticker/price", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "3", "ticker/price no symbol", "binance-usdm", "GET", "/fapi/v1/ticker/price", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 2 } } },
	{ "3", "ticker/bookTicker symbol", "binance-usdm", "GET", "/fapi/v1/ticker/bookTicker", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 2 } } },
	{ "3", "ticker/bookTicker no symbol", "binance-usdm", "GET", "/fapi/v1/ticker/bookTicker", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "trades", "binance-usdm", "GET", "/fapi/v1/trades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "aggTrades", "binance-usdm", "GET", "/fapi/v1/aggTrades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 20 } } },
	{ "3", "historicalTrades", "binance-usdm", "GET", "/fapi/v1/historicalTrades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 200 } } },
	{ "3", "openOrders symbol", "binance-usdm", "GET", "/fapi/v1/openOrders", RLC_PRIO_NORMAL,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "3", "openOrders no symbol", "binance-usdm", "GET", "/fapi/v1/openOrders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 40 } } },
	{ "3", "allOrders", "binance-usdm", "GET", "/fapi/v1/allOrders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "userTrades", "binance-usdm", "GET", "/fapi/v1/userTrades", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "income", "binance-usdm", "GET", "/fapi/v1/income", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 30 } } },
	{ "3", "countdownCancelAll", "binance-usdm", "POST", "/fapi/v1/countdownCancelAll", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 10 } } },
	{ "3", "cancel order", "binance-usdm", "DELETE", "/fapi/v1/order", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "7", "depth, limit absent: default 500", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 10 } } },
	{ "7", "depth limit 5", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "5" } },
	  { { "ip.weight", 2 } } },
	{ "7", "depth limit 10", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "10" } },
	  { { "ip.weight", 2 } } },
	{ "7", "depth limit 20", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "20" } },
	  { { "ip.weight", 2 } } },
	{ "7", "depth limit 50", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "50" } },
	  { { "ip.weight", 2 } } },
	{ "7", "depth limit 100", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 5 } } },
	{ "7", "depth limit 500", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 10 } } },
	{ "7", "depth limit 1000", "aster-futures", "GET", "/fapi/v3/depth", RLC_PRIO_LOW,
	  { { "limit", "1000" } },
	  { { "ip.weight", 20 } } },
	{ "7", "klines limit 1", "aster-futures", "GET", "/fapi/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "1" } },
	  { { "ip.weight", 1 } } },
	{ "7", "klines limit 99", "aster-futures", "GET", "/fapi/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "99" } },
	  { { "ip.weight", 1 } } },
	{ "7", "klines limit 100", "aster-futures", "GET", "/fapi/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 2 } } },
	{ "7", "klines limit 499", "aster-futures", "GET", "/fapi/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "499" } },
	  { { "ip.weight", 2 } } },
	{ "7", "klines limit 500", "aster-futures", "GET", "/fapi/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 5 } } },
	{ "7", "klines limit 1000", "aster-futures", "GET", "/fapi/v3/klines", RLC_PRIO_LOW,
	  { { "limit", "1000" } },
	  { { "ip.weight", 5 } } },
	{ "7", "klines, limit absent: default 500", "aster-futures", "GET", "/fapi/v3/klines", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "7", "ticker/24hr symbol", "aster-futures", "GET", "/fapi/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "7", "ticker/24hr no symbol", "aster-futures", "GET", "/fapi/v3/ticker/24hr", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 40 } } },
	{ "7", "ticker/price symbol", "aster-futures", "GET", "/fapi/v3/ticker/price", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "7", "ticker/price no symbol", "aster-futures", "GET", "/fapi/v3/ticker/price", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 2 } } },
	{ "7", "ticker/bookTicker symbol", "aster-futures", "GET", "/fapi/v3/ticker/bookTicker", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "7", "ticker/bookTicker no symbol", "aster-futures", "GET", "/fapi/v3/ticker/bookTicker", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 2 } } },
	{ "7", "trades", "aster-futures", "GET", "/fapi/v3/trades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "7", "aggTrades", "aster-futures", "GET", "/fapi/v3/aggTrades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 20 } } },
	{ "7", "historicalTrades", "aster-futures", "GET", "/fapi/v3/historicalTrades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 20 } } },
	{ "7", "openOrders symbol", "aster-futures", "GET", "/fapi/v3/openOrders", RLC_PRIO_NORMAL,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "7", "openOrders no symbol", "aster-futures", "GET", "/fapi/v3/openOrders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 40 } } },
	{ "7", "allOrders", "aster-futures", "GET", "/fapi/v3/allOrders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "7", "userTrades", "aster-futures", "GET", "/fapi/v3/userTrades", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "7", "income", "aster-futures", "GET", "/fapi/v3/income", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 30 } } },
	{ "7", "countdownCancelAll", "aster-futures", "POST", "/fapi/v3/countdownCancelAll", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 10 } } },
	{ "7", "cancel order", "aster-futures", "DELETE", "/fapi/v3/order", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "continuousKlines limit 99", "binance-usdm", "GET", "/fapi/v1/continuousKlines", RLC_PRIO_LOW,
	  { { "limit", "99" } },
	  { { "ip.weight", 1 } } },
	{ "3", "continuousKlines limit 100", "binance-usdm", "GET", "/fapi/v1/continuousKlines", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 2 } } },
	{ "3", "continuousKlines limit 500", "binance-usdm", "GET", "/fapi/v1/continuousKlines", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 5 } } },
	{ "3", "continuousKlines limit 1001", "binance-usdm", "GET", "/fapi/v1/continuousKlines", RLC_PRIO_LOW,
	  { { "limit", "1001" } },
	  { { "ip.weight", 10 } } },
	{ "3", "indexPriceKlines limit 99", "binance-usdm", "GET", "/fapi/v1/indexPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "99" } },
	  { { "ip.weight", 1 } } },
	{ "3", "indexPriceKlines limit 100", "binance-usdm", "GET", "/fapi/v1/indexPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 2 } } },
	{ "3", "indexPriceKlines limit 500", "binance-usdm", "GET", "/fapi/v1/indexPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 5 } } },
	{ "3", "indexPriceKlines limit 1001", "binance-usdm", "GET", "/fapi/v1/indexPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "1001" } },
	  { { "ip.weight", 10 } } },
	{ "3", "markPriceKlines limit 99", "binance-usdm", "GET", "/fapi/v1/markPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "99" } },
	  { { "ip.weight", 1 } } },
	{ "3", "markPriceKlines limit 100", "binance-usdm", "GET", "/fapi/v1/markPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 2 } } },
	{ "3", "markPriceKlines limit 500", "binance-usdm", "GET", "/fapi/v1/markPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 5 } } },
	{ "3", "markPriceKlines limit 1001", "binance-usdm", "GET", "/fapi/v1/markPriceKlines", RLC_PRIO_LOW,
	  { { "limit", "1001" } },
	  { { "ip.weight", 10 } } },
	{ "3", "premiumIndexKlines limit 99", "binance-usdm", "GET", "/fapi/v1/premiumIndexKlines", RLC_PRIO_LOW,
	  { { "limit", "99" } },
	  { { "ip.weight", 1 } } },
	{ "3", "premiumIndexKlines limit 100", "binance-usdm", "GET", "/fapi/v1/premiumIndexKlines", RLC_PRIO_LOW,
	  { { "limit", "100" } },
	  { { "ip.weight", 2 } } },
	{ "3", "premiumIndexKlines limit 500", "binance-usdm", "GET", "/fapi/v1/premiumIndexKlines", RLC_PRIO_LOW,
	  { { "limit", "500" } },
	  { { "ip.weight", 5 } } },
	{ "3", "premiumIndexKlines limit 1001", "binance-usdm", "GET", "/fapi/v1/premiumIndexKlines", RLC_PRIO_LOW,
	  { { "limit", "1001" } },
	  { { "ip.weight", 10 } } },
	{ "3", "v2 ticker/price symbol", "binance-usdm", "GET", "/fapi/v2/ticker/price", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "3", "v2 ticker/price no symbol", "binance-usdm", "GET", "/fapi/v2/ticker/price", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 2 } } },
	{ "3", "premiumIndex symbol", "binance-usdm", "GET", "/fapi/v1/premiumIndex", RLC_PRIO_LOW,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 1 } } },
	{ "3", "premiumIndex no symbol", "binance-usdm", "GET", "/fapi/v1/premiumIndex", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 10 } } },
	{ "3", "exchangeInfo", "binance-usdm", "GET", "/fapi/v1/exchangeInfo", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "ping", "binance-usdm", "GET", "/fapi/v1/ping", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "time", "binance-usdm", "GET", "/fapi/v1/time", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "openInterest", "binance-usdm", "GET", "/fapi/v1/openInterest", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "new order: 0 on the IP, 1 on each order limit", "binance-usdm", "POST", "/fapi/v1/order", RLC_PRIO_HIGH,
	  { { "symbol", "BTCUSDT" } },
	  { { "account.orders-10s", 1 }, { "account.orders-1m", 1 } } },
	{ "3", "reduce-only order: critical", "binance-usdm", "POST", "/fapi/v1/order", RLC_PRIO_CRITICAL,
	  { { "reduceOnly", "true" } },
	  { { "account.orders-10s", 1 }, { "account.orders-1m", 1 } } },
	{ "3", "reduceOnly=false: high", "binance-usdm", "POST", "/fapi/v1/order", RLC_PRIO_HIGH,
	  { { "reduceOnly", "false" } },
	  { { "account.orders-10s", 1 }, { "account.orders-1m", 1 } } },
	{ "3", "modify order", "binance-usdm", "PUT", "/fapi/v1/order", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "account.orders-10s", 1 }, { "account.orders-1m", 1 } } },
	{ "3", "batchOrders: 5 on 10s, 1 on 1m, 5 on IP", "binance-usdm", "POST", "/fapi/v1/batchOrders", RLC_PRIO_HIGH,
	  { { "batchOrders", batch5 } },
	  { { "ip.weight", 5 }, { "account.orders-10s", 5 }, { "account.orders-1m", 1 } } },
	{ "3", "modify batchOrders: 5/1/5", "binance-usdm", "PUT", "/fapi/v1/batchOrders", RLC_PRIO_HIGH,
	  { { "batchOrders", batch2 } },
	  { { "ip.weight", 5 }, { "account.orders-10s", 5 }, { "account.orders-1m", 1 } } },
	{ "3", "cancel allOpenOrders", "binance-usdm", "DELETE", "/fapi/v1/allOpenOrders", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "cancel batchOrders", "binance-usdm", "DELETE", "/fapi/v1/batchOrders", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "query order", "binance-usdm", "GET", "/fapi/v1/order", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "openOrder", "binance-usdm", "GET", "/fapi/v1/openOrder", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "3", "v2/account", "binance-usdm", "GET", "/fapi/v2/account", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "v3/account", "binance-usdm", "GET", "/fapi/v3/account", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "v2/balance", "binance-usdm", "GET", "/fapi/v2/balance", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "v3/balance", "binance-usdm", "GET", "/fapi/v3/balance", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "v2/positionRisk", "binance-usdm", "GET", "/fapi/v2/positionRisk", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "v3/positionRisk", "binance-usdm", "GET", "/fapi/v3/positionRisk", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "3", "positionSide/dual", "binance-usdm", "GET", "/fapi/v1/positionSide/dual", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 30 } } },
	{ "3", "forceOrders symbol", "binance-usdm", "GET", "/fapi/v1/forceOrders", RLC_PRIO_NORMAL,
	  { { "symbol", "BTCUSDT" } },
	  { { "ip.weight", 20 } } },
	{ "3", "forceOrders no symbol", "binance-usdm", "GET", "/fapi/v1/forceOrders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 50 } } },
	{ "3", "rateLimit/order", "binance-usdm", "GET", "/fapi/v1/rateLimit/order", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 } } },
	{ "7", "new order: 1 on the IP and on ORDERS", "aster-futures", "POST", "/fapi/v3/order", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "account.orders-1m", 1 } } },
	{ "7", "reduce-only order: critical", "aster-futures", "POST", "/fapi/v3/order", RLC_PRIO_CRITICAL,
	  { { "reduceOnly", "TRUE" } },
	  { { "ip.weight", 1 }, { "account.orders-1m", 1 } } },
	{ "7", "modify order", "aster-futures", "PUT", "/fapi/v3/order", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 1 }, { "account.orders-1m", 1 } } },
	{ "7", "batchOrders of 5 orders: 5 on the IP, each order on ORDERS", "aster-futures", "POST", "/fapi/v3/batchOrders", RLC_PRIO_HIGH,
	  { { "batchOrders", batch5 } },
	  { { "ip.weight", 5 }, { "account.orders-1m", 5 } } },
	{ "7", "batchOrders of 2 orders: 5 on the IP, each order on ORDERS", "aster-futures", "POST", "/fapi/v3/batchOrders", RLC_PRIO_HIGH,
	  { { "batchOrders", batch2 } },
	  { { "ip.weight", 5 }, { "account.orders-1m", 2 } } },
	{ "7", "batchOrders not given: 5 orders", "aster-futures", "POST", "/fapi/v3/batchOrders", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 }, { "account.orders-1m", 5 } } },
	{ "7", "balance", "aster-futures", "GET", "/fapi/v3/balance", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "7", "positionRisk", "aster-futures", "GET", "/fapi/v3/positionRisk", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.weight", 5 } } },
	{ "4", "create order", "bybit-v5", "POST", "/v5/order/create", RLC_PRIO_HIGH,
	  { { "category", "linear" } },
	  { { "ip.requests", 1 }, { "account.order-create", 1 } } },
	{ "4", "create reduce-only order: critical", "bybit-v5", "POST", "/v5/order/create", RLC_PRIO_CRITICAL,
	  { { "reduceOnly", "true" } },
	  { { "ip.requests", 1 }, { "account.order-create", 1 } } },
	{ "4", "cancel order", "bybit-v5", "POST", "/v5/order/cancel", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-cancel", 1 } } },
	{ "4", "pre-check order", "bybit-v5", "POST", "/v5/order/pre-check", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-pre-check", 1 } } },
	{ "4", "amend order", "bybit-v5", "POST", "/v5/order/amend", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-amend", 1 } } },
	{ "4", "cancel-all", "bybit-v5", "POST", "/v5/order/cancel-all", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-cancel-all", 1 } } },
	{ "4", "create-batch of 3: one unit per order", "bybit-v5", "POST", "/v5/order/create-batch", RLC_PRIO_HIGH,
	  { { "request", batch3 } },
	  { { "ip.requests", 1 }, { "account.order-create-batch", 3 } } },
	{ "4", "create-batch of 10", "bybit-v5", "POST", "/v5/order/create-batch", RLC_PRIO_HIGH,
	  { { "request", batch10 } },
	  { { "ip.requests", 1 }, { "account.order-create-batch", 10 } } },
	{ "4", "create-batch, request not given: 10", "bybit-v5", "POST", "/v5/order/create-batch", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-create-batch", 10 } } },
	{ "4", "amend-batch of 3: one unit per order", "bybit-v5", "POST", "/v5/order/amend-batch", RLC_PRIO_HIGH,
	  { { "request", batch3 } },
	  { { "ip.requests", 1 }, { "account.order-amend-batch", 3 } } },
	{ "4", "amend-batch of 10", "bybit-v5", "POST", "/v5/order/amend-batch", RLC_PRIO_HIGH,
	  { { "request", batch10 } },
	  { { "ip.requests", 1 }, { "account.order-amend-batch", 10 } } },
	{ "4", "amend-batch, request not given: 10", "bybit-v5", "POST", "/v5/order/amend-batch", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-amend-batch", 10 } } },
	{ "4", "cancel-batch of 3: one unit per order", "bybit-v5", "POST", "/v5/order/cancel-batch", RLC_PRIO_CRITICAL,
	  { { "request", batch3 } },
	  { { "ip.requests", 1 }, { "account.order-cancel-batch", 3 } } },
	{ "4", "cancel-batch of 10", "bybit-v5", "POST", "/v5/order/cancel-batch", RLC_PRIO_CRITICAL,
	  { { "request", batch10 } },
	  { { "ip.requests", 1 }, { "account.order-cancel-batch", 10 } } },
	{ "4", "cancel-batch, request not given: 10", "bybit-v5", "POST", "/v5/order/cancel-batch", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-cancel-batch", 10 } } },
	{ "4", "order/realtime", "bybit-v5", "GET", "/v5/order/realtime", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-realtime", 1 } } },
	{ "4", "order/history", "bybit-v5", "GET", "/v5/order/history", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.order-history", 1 } } },
	{ "4", "execution/list", "bybit-v5", "GET", "/v5/execution/list", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.execution-list", 1 } } },
	{ "4", "position/list", "bybit-v5", "GET", "/v5/position/list", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.position-list", 1 } } },
	{ "4", "position/set-leverage", "bybit-v5", "POST", "/v5/position/set-leverage", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.position-set-leverage", 1 } } },
	{ "4", "position/trading-stop", "bybit-v5", "POST", "/v5/position/trading-stop", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.position-trading-stop", 1 } } },
	{ "4", "account/wallet-balance", "bybit-v5", "GET", "/v5/account/wallet-balance", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.account-wallet-balance", 1 } } },
	{ "4", "account/fee-rate", "bybit-v5", "GET", "/v5/account/fee-rate", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.account-fee-rate", 1 } } },
	{ "4", "market/time: only the IP limit", "bybit-v5", "GET", "/v5/market/time", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 } } },
	{ "4", "market/instruments-info: only the IP limit", "bybit-v5", "GET", "/v5/market/instruments-info", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 } } },
	{ "4", "market/orderbook: only the IP limit", "bybit-v5", "GET", "/v5/market/orderbook", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 } } },
	{ "4", "market/kline: only the IP limit", "bybit-v5", "GET", "/v5/market/kline", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 } } },
	{ "4", "market/tickers: only the IP limit", "bybit-v5", "GET", "/v5/market/tickers", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 } } },
	{ "4", "market/recent-trade: only the IP limit", "bybit-v5", "GET", "/v5/market/recent-trade", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 } } },
	{ "5", "place order", "okx-v5", "POST", "/api/v5/trade/order", RLC_PRIO_HIGH,
	  { { "instId", "BTC-USDT" } },
	  { { "account.trade-order", 1 }, { "account.orders", 1 } } },
	{ "5", "place reduce-only order: critical", "okx-v5", "POST", "/api/v5/trade/order", RLC_PRIO_CRITICAL,
	  { { "reduceOnly", "true" } },
	  { { "account.trade-order", 1 }, { "account.orders", 1 } } },
	{ "5", "cancel order", "okx-v5", "POST", "/api/v5/trade/cancel-order", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "account.cancel-order", 1 } } },
	{ "5", "amend order", "okx-v5", "POST", "/api/v5/trade/amend-order", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "account.amend-order", 1 }, { "account.orders", 1 } } },
	{ "5", "batch-orders of 3: each order", "okx-v5", "POST", "/api/v5/trade/batch-orders", RLC_PRIO_HIGH,
	  { { "orders", batch3 } },
	  { { "account.batch-orders", 3 }, { "account.orders", 3 } } },
	{ "5", "batch-orders of 1: also the single-order limit", "okx-v5", "POST", "/api/v5/trade/batch-orders", RLC_PRIO_HIGH,
	  { { "orders", batch1 } },
	  { { "account.batch-orders", 1 }, { "account.trade-order", 1 }, { "account.orders", 1 } } },
	{ "5", "batch-orders, orders not given: 20", "okx-v5", "POST", "/api/v5/trade/batch-orders", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "account.batch-orders", 20 }, { "account.trade-order", 1 }, { "account.orders", 20 } } },
	{ "5", "cancel-batch-orders of 3", "okx-v5", "POST", "/api/v5/trade/cancel-batch-orders", RLC_PRIO_CRITICAL,
	  { { "orders", batch3 } },
	  { { "account.cancel-batch-orders", 3 } } },
	{ "5", "cancel-batch-orders of 1", "okx-v5", "POST", "/api/v5/trade/cancel-batch-orders", RLC_PRIO_CRITICAL,
	  { { "orders", batch1 } },
	  { { "account.cancel-batch-orders", 1 }, { "account.cancel-order", 1 } } },
	{ "5", "amend-batch-orders of 10", "okx-v5", "POST", "/api/v5/trade/amend-batch-orders", RLC_PRIO_HIGH,
	  { { "orders", batch10 } },
	  { { "account.amend-batch-orders", 10 }, { "account.orders", 10 } } },
	{ "5", "amend-batch-orders of 1", "okx-v5", "POST", "/api/v5/trade/amend-batch-orders", RLC_PRIO_HIGH,
	  { { "orders", batch1 } },
	  { { "account.amend-batch-orders", 1 }, { "account.amend-order", 1 }, { "account.orders", 1 } } },
	{ "5", "get order", "okx-v5", "GET", "/api/v5/trade/order", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "account.get-order", 1 } } },
	{ "5", "orders-pending", "okx-v5", "GET", "/api/v5/trade/orders-pending", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "account.orders-pending", 1 } } },
	{ "5", "fills", "okx-v5", "GET", "/api/v5/trade/fills", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "account.fills", 1 } } },
	{ "5", "orders-history", "okx-v5", "GET", "/api/v5/trade/orders-history", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "account.orders-history", 1 } } },
	{ "5", "mass-cancel", "okx-v5", "POST", "/api/v5/trade/mass-cancel", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "account.mass-cancel", 1 } } },
	{ "5", "order-algo", "okx-v5", "POST", "/api/v5/trade/order-algo", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "account.order-algo", 1 }, { "account.orders", 1 } } },
	{ "5", "reduce-only order-algo: critical", "okx-v5", "POST", "/api/v5/trade/order-algo", RLC_PRIO_CRITICAL,
	  { { "reduceOnly", "1" } },
	  { { "account.order-algo", 1 }, { "account.orders", 1 } } },
	{ "5", "account balance", "okx-v5", "GET", "/api/v5/account/balance", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "account.balance", 1 } } },
	{ "5", "account positions", "okx-v5", "GET", "/api/v5/account/positions", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "account.positions", 1 } } },
	{ "5", "account config", "okx-v5", "GET", "/api/v5/account/config", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "account.config", 1 } } },
	{ "5", "market/ticker: per IP", "okx-v5", "GET", "/api/v5/market/ticker", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.market-ticker", 1 } } },
	{ "5", "market/tickers: per IP", "okx-v5", "GET", "/api/v5/market/tickers", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.market-tickers", 1 } } },
	{ "5", "market/books: per IP", "okx-v5", "GET", "/api/v5/market/books", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.market-books", 1 } } },
	{ "5", "market/candles: per IP", "okx-v5", "GET", "/api/v5/market/candles", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.market-candles", 1 } } },
	{ "5", "market/history-candles: per IP", "okx-v5", "GET", "/api/v5/market/history-candles", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.market-history-candles", 1 } } },
	{ "5", "market/trades: per IP", "okx-v5", "GET", "/api/v5/market/trades", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.market-trades", 1 } } },
	{ "5", "public/instruments: per IP", "okx-v5", "GET", "/api/v5/public/instruments", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.public-instruments", 1 } } },
	{ "6", "spot/trade/place-order: per UID", "bitget-v2", "POST", "/api/v2/spot/trade/place-order", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-place-order", 1 } } },
	{ "6", "spot/trade/cancel-order: per UID", "bitget-v2", "POST", "/api/v2/spot/trade/cancel-order", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-cancel-order", 1 } } },
	{ "6", "spot/trade/batch-orders: per UID", "bitget-v2", "POST", "/api/v2/spot/trade/batch-orders", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-batch-orders", 1 } } },
	{ "6", "spot/trade/unfilled-orders: per UID", "bitget-v2", "GET", "/api/v2/spot/trade/unfilled-orders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-unfilled-orders", 1 } } },
	{ "6", "spot/trade/orderInfo: per UID", "bitget-v2", "GET", "/api/v2/spot/trade/orderInfo", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-order-info", 1 } } },
	{ "6", "spot/trade/history-orders: per UID", "bitget-v2", "GET", "/api/v2/spot/trade/history-orders", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-history-orders", 1 } } },
	{ "6", "spot/trade/fills: per UID", "bitget-v2", "GET", "/api/v2/spot/trade/fills", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-fills", 1 } } },
	{ "6", "spot/account/assets: per UID", "bitget-v2", "GET", "/api/v2/spot/account/assets", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.spot-assets", 1 } } },
	{ "6", "mix/order/place-order: per UID", "bitget-v2", "POST", "/api/v2/mix/order/place-order", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-place-order", 1 } } },
	{ "6", "mix/order/cancel-order: per UID", "bitget-v2", "POST", "/api/v2/mix/order/cancel-order", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-cancel-order", 1 } } },
	{ "6", "mix/order/cancel-all-orders: per UID", "bitget-v2", "POST", "/api/v2/mix/order/cancel-all-orders", RLC_PRIO_CRITICAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-cancel-all-orders", 1 } } },
	{ "6", "mix/order/batch-place-order: per UID", "bitget-v2", "POST", "/api/v2/mix/order/batch-place-order", RLC_PRIO_HIGH,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-batch-place-order", 1 } } },
	{ "6", "mix/order/orders-pending: per UID", "bitget-v2", "GET", "/api/v2/mix/order/orders-pending", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-orders-pending", 1 } } },
	{ "6", "mix/order/detail: per UID", "bitget-v2", "GET", "/api/v2/mix/order/detail", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-order-detail", 1 } } },
	{ "6", "mix/account/account: per UID", "bitget-v2", "GET", "/api/v2/mix/account/account", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-account", 1 } } },
	{ "6", "mix/account/accounts: per UID", "bitget-v2", "GET", "/api/v2/mix/account/accounts", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-accounts", 1 } } },
	{ "6", "mix/position/all-position: per UID", "bitget-v2", "GET", "/api/v2/mix/position/all-position", RLC_PRIO_NORMAL,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "account.mix-all-position", 1 } } },
	{ "6", "mix place-order reduceOnly=YES: critical", "bitget-v2", "POST", "/api/v2/mix/order/place-order", RLC_PRIO_CRITICAL,
	  { { "reduceOnly", "YES" } },
	  { { "ip.requests", 1 }, { "account.mix-place-order", 1 } } },
	{ "6", "mix place-order reduceOnly=NO: high", "bitget-v2", "POST", "/api/v2/mix/order/place-order", RLC_PRIO_HIGH,
	  { { "reduceOnly", "NO" } },
	  { { "ip.requests", 1 }, { "account.mix-place-order", 1 } } },
	{ "6", "spot market tickers: per IP", "bitget-v2", "GET", "/api/v2/spot/market/tickers", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.spot-tickers", 1 } } },
	{ "6", "spot market ticker: per IP", "bitget-v2", "GET", "/api/v2/spot/market/ticker", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.spot-ticker", 1 } } },
	{ "6", "spot market orderbook: per IP", "bitget-v2", "GET", "/api/v2/spot/market/orderbook", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.spot-orderbook", 1 } } },
	{ "6", "spot market merge-depth: per IP", "bitget-v2", "GET", "/api/v2/spot/market/merge-depth", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.spot-merge-depth", 1 } } },
	{ "6", "spot market candles: per IP", "bitget-v2", "GET", "/api/v2/spot/market/candles", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.spot-candles", 1 } } },
	{ "6", "mix market tickers: per IP", "bitget-v2", "GET", "/api/v2/mix/market/tickers", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.mix-tickers", 1 } } },
	{ "6", "mix market ticker: per IP", "bitget-v2", "GET", "/api/v2/mix/market/ticker", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.mix-ticker", 1 } } },
	{ "6", "mix market orderbook: per IP", "bitget-v2", "GET", "/api/v2/mix/market/orderbook", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.mix-orderbook", 1 } } },
	{ "6", "mix market merge-depth: per IP", "bitget-v2", "GET", "/api/v2/mix/market/merge-depth", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.mix-merge-depth", 1 } } },
	{ "6", "mix market candles: per IP", "bitget-v2", "GET", "/api/v2/mix/market/candles", RLC_PRIO_LOW,
	  { { NULL, NULL } },
	  { { "ip.requests", 1 }, { "ip.mix-candles", 1 } } },
};

/* What each limit of each profile must be. */
static const struct {
	const char *section;
	const char *name; /* as laid out: account templates for account main */
	uint32_t algorithm, capacity;
	uint64_t interval_s;
	uint32_t observe; /* the usage header that reports it */
} limits[] = {
	{ "2", "binance-spot.ip.weight", RLC_ALGO_FIXED, 6000, 60, RLC_OBSERVE_MBX_WEIGHT },
	{ "2", "binance-spot.ip.raw-requests", RLC_ALGO_FIXED, 300000, 300, RLC_OBSERVE_NONE },
	{ "2", "binance-spot.main.orders-10s", RLC_ALGO_FIXED, 50, 10, RLC_OBSERVE_MBX_ORDERS },
	{ "2", "binance-spot.main.orders-1d", RLC_ALGO_FIXED, 160000, 86400, RLC_OBSERVE_MBX_ORDERS },
	{ "3", "binance-usdm.ip.weight", RLC_ALGO_WINDOW, 2400, 60, RLC_OBSERVE_MBX_WEIGHT },
	{ "3", "binance-usdm.ip.funding", RLC_ALGO_WINDOW, 500, 300, RLC_OBSERVE_NONE },
	{ "3", "binance-usdm.ip.futures-data", RLC_ALGO_WINDOW, 1000, 300, RLC_OBSERVE_NONE },
	{ "3", "binance-usdm.main.orders-10s", RLC_ALGO_WINDOW, 300, 10, RLC_OBSERVE_MBX_ORDERS },
	{ "3", "binance-usdm.main.orders-1m", RLC_ALGO_WINDOW, 1200, 60, RLC_OBSERVE_MBX_ORDERS },
	{ "4", "bybit-v5.ip.requests", RLC_ALGO_WINDOW, 600, 5, RLC_OBSERVE_NONE },
	{ "4", "bybit-v5.main.order-create", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-cancel", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-pre-check", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-amend", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-cancel-all", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-create-batch", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-amend-batch", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-cancel-batch", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-realtime", RLC_ALGO_WINDOW, 50, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.order-history", RLC_ALGO_WINDOW, 50, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.execution-list", RLC_ALGO_WINDOW, 50, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.position-list", RLC_ALGO_WINDOW, 50, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.position-set-leverage", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.position-trading-stop", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.account-wallet-balance", RLC_ALGO_WINDOW, 50, 1, RLC_OBSERVE_BAPI },
	{ "4", "bybit-v5.main.account-fee-rate", RLC_ALGO_WINDOW, 5, 1, RLC_OBSERVE_BAPI },
	{ "5", "okx-v5.main.orders", RLC_ALGO_WINDOW, 1000, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.trade-order", RLC_ALGO_WINDOW, 60, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.cancel-order", RLC_ALGO_WINDOW, 60, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.amend-order", RLC_ALGO_WINDOW, 60, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.batch-orders", RLC_ALGO_WINDOW, 300, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.cancel-batch-orders", RLC_ALGO_WINDOW, 300, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.amend-batch-orders", RLC_ALGO_WINDOW, 300, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.get-order", RLC_ALGO_WINDOW, 60, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.orders-pending", RLC_ALGO_WINDOW, 60, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.fills", RLC_ALGO_WINDOW, 60, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.orders-history", RLC_ALGO_WINDOW, 40, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.mass-cancel", RLC_ALGO_WINDOW, 5, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.order-algo", RLC_ALGO_WINDOW, 20, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.balance", RLC_ALGO_WINDOW, 10, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.positions", RLC_ALGO_WINDOW, 10, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.main.config", RLC_ALGO_WINDOW, 5, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.ip.market-ticker", RLC_ALGO_WINDOW, 20, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.ip.market-tickers", RLC_ALGO_WINDOW, 20, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.ip.market-books", RLC_ALGO_WINDOW, 40, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.ip.market-candles", RLC_ALGO_WINDOW, 40, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.ip.market-history-candles", RLC_ALGO_WINDOW, 20, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.ip.market-trades", RLC_ALGO_WINDOW, 100, 2, RLC_OBSERVE_NONE },
	{ "5", "okx-v5.ip.public-instruments", RLC_ALGO_WINDOW, 20, 2, RLC_OBSERVE_NONE },
	{ "6", "bitget-v2.ip.requests", RLC_ALGO_WINDOW, 6000, 60, RLC_OBSERVE_NONE },
	{ "6", "bitget-v2.main.spot-place-order", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.spot-cancel-order", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.spot-batch-orders", RLC_ALGO_WINDOW, 5, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.spot-unfilled-orders", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.spot-order-info", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.spot-history-orders", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.spot-fills", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.spot-assets", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-place-order", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-cancel-order", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-cancel-all-orders", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-batch-place-order", RLC_ALGO_WINDOW, 5, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-orders-pending", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-order-detail", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-account", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-accounts", RLC_ALGO_WINDOW, 10, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.main.mix-all-position", RLC_ALGO_WINDOW, 5, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.spot-tickers", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.spot-ticker", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.spot-orderbook", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.spot-merge-depth", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.spot-candles", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.mix-tickers", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.mix-ticker", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.mix-orderbook", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.mix-merge-depth", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "6", "bitget-v2.ip.mix-candles", RLC_ALGO_WINDOW, 20, 1, RLC_OBSERVE_REMAIN },
	{ "7", "aster-futures.ip.weight", RLC_ALGO_WINDOW, 2400, 60, RLC_OBSERVE_MBX_WEIGHT },
	{ "7", "aster-futures.main.orders-1m", RLC_ALGO_WINDOW, 1200, 60, RLC_OBSERVE_MBX_ORDERS },
};

/* A JSON array of `n` symbols, or of `n` orders, into out. */
static void json_array(char *out, size_t size, unsigned n, int orders)
{
	size_t len = 1;
	unsigned i;

	out[0] = '[';
	for (i = 0; i < n; i++) {
		/* orders carry commas and brackets of their own, in strings too */
		if (orders)
			len += (size_t)snprintf(out + len, size - len,
						"{\"symbol\":\"BTC,USDT\",\"qty\":\"%u\",\"tag\":\"[x]\"}",
						i);
		else
			len += (size_t)snprintf(out + len, size - len, "\"S%u\"", i);
		if (i + 1 < n)
			out[len++] = ',';
		assert_true(len < size);
	}
	assert_true(len + 1 < size);
	out[len++] = ']';
	out[len] = '\0';
}

static int fill_values(void **state)
{
	static const struct {
		char *out;
		size_t size;
		unsigned n;
	} syms[] = { { sym1, sizeof(sym1), 1 },       { sym2, sizeof(sym2), 2 },
		     { sym20, sizeof(sym20), 20 },    { sym21, sizeof(sym21), 21 },
		     { sym50, sizeof(sym50), 50 },    { sym51, sizeof(sym51), 51 },
		     { sym100, sizeof(sym100), 100 }, { sym101, sizeof(sym101), 101 } },
	  orders[] = { { batch1, sizeof(batch1), 1 },   { batch2, sizeof(batch2), 2 },
		       { batch3, sizeof(batch3), 3 },   { batch5, sizeof(batch5), 5 },
		       { batch10, sizeof(batch10), 10 } };
	size_t i, len = 0;

	(void)state;
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		json_array(syms[i].out, syms[i].size, syms[i].n, 0);
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		json_array(orders[i].out, orders[i].size, orders[i].n, 1);
	/* the comma-list form of 21 symbols */
	for (i = 0; i < 21; i++)
		len += (size_t)snprintf(list21 + len, sizeof(list21) - len, "%sS%zu", i ? "," : "",
					i);
	return 0;
}

/* A configuration laid out in private memory, with a client attached. */
struct laid_out {
	void *base;
	size_t size;
	struct rlc h;
};

static void lay_out(struct laid_out *s, const struct rlc_config *cfg)
{
	char why[512];

	s->size = rlc_layout_size(cfg);
	s->base = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(s->base != MAP_FAILED);
	if (rlc_layout_init(s->base, s->size, cfg, rlc_now_ns(), why, sizeof(why)))
		fail_msg("%s", why);
	rlc_layout_publish(s->base);
	if (rlc_attach(&s->h, s->base, s->size, "test-profiles", 0))
		fail_msg("%s", s->h.why);
}

static void unlay(struct laid_out *s)
{
	rlc_close(&s->h);
	munmap(s->base, s->size);
}

static void load_profile(struct rlc_config *cfg, const char *name)
{
	char path[4096], why[512];

	snprintf(path, sizeof(path), "%s/etc/%s.ini", RLC_SOURCE_ROOT, name);
	if (rlc_config_load(cfg, path, why, sizeof(why)))
		fail_msg("%s", why);
}

static void load_builtin(struct rlc_config *cfg)
{
	char why[512];

	if (rlc_config_parse(cfg, rlc_config_builtin, rlc_config_builtin_size,
			     RLC_CONFIG_BUILTIN_NAME, why, sizeof(why)))
		fail_msg("%s", why);
}

/* A profile key's limit, as laid out: EX.ip.X, or EX.main.X for account.X. */
static void limit_name(char *out, size_t size, const char *exchange, const char *key)
{
	if (strncmp(key, "account.", 8) == 0)
		snprintf(out, size, "%s.main.%s", exchange, key + 8);
	else
		snprintf(out, size, "%s.%s", exchange, key);
}

static unsigned row_params(const struct row *r)
{
	unsigned n = 0;

	while (n < sizeof(r->params) / sizeof(r->params[0]) && r->params[n].name)
		n++;
	return n;
}

/* Row r on handle h: 1 when h has r's exchange and r holds, 0 when h lacks it. */
static int check_row(const struct rlc *h, const struct row *r, unsigned char *hit)
{
	uint32_t ids[RLC_LINK_MAX], weights[RLC_LINK_MAX];
	unsigned n = row_params(r), want, i, j;
	struct rlc_grant g = { .count = 0 };
	int x = rlc_exchange_id(h, r->exchange), ep, got;

	if (x == -ENOENT)
		return 0;
	ep = rlc_endpoint_id(h, x, r->method, r->path);
	if (ep < 0)
		fail_msg("exchange-limits.md %s, %s: no endpoint %s %s in %s (%d)", r->section,
			 r->what, r->method, r->path, r->exchange, ep);
	else
		hit[ep] = 1;
	got = rlc_endpoint_weights(h, (uint32_t)ep, r->params, n, RLC_ACCOUNT_ONLY, ids, weights);
	for (want = 0; want < sizeof(r->expect) / sizeof(r->expect[0]) && r->expect[want].limit;
	     want++)
		;
	if (got != (int)want)
		fail_msg("exchange-limits.md %s, %s: %s %s takes %d limits, not %u", r->section,
			 r->what, r->method, r->path, got, want);
	for (i = 0; i < want; i++) {
		char name[RLC_NAME_MAX * 2];

		limit_name(name, sizeof(name), r->exchange, r->expect[i].limit);
		for (j = 0; j < want && strcmp(h->limits[ids[j]].name, name) != 0; j++)
			;
		if (j == want)
			fail_msg("exchange-limits.md %s, %s: %s %s does not take %s", r->section,
				 r->what, r->method, r->path, name);
		if (weights[j] != r->expect[i].weight)
			fail_msg("exchange-limits.md %s, %s: %s %s weighs %u on %s, not %u",
				 r->section, r->what, r->method, r->path, weights[j], name,
				 r->expect[i].weight);
	}
	assert_int_equal(rlc__plan(h, (uint32_t)ep, r->params, n, RLC_ACCOUNT_ONLY,
				   RLC_PRIO_ENDPOINT, &g),
			 0);
	if (g.priority != (uint32_t)r->priority)
		fail_msg("exchange-limits.md %s, %s: %s %s has priority %u, not %d", r->section,
			 r->what, r->method, r->path, g.priority, r->priority);
	/* and it can pass in mode normal: reserves and buffer leave it room */
	for (j = 0; j < want; j++)
		if (weights[j] > h->limits[ids[j]].ceiling[0][g.priority])
			fail_msg("exchange-limits.md %s, %s: %s %s weighs %u on %s, above what "
				 "priority %u may fill it to (%u)",
				 r->section, r->what, r->method, r->path, weights[j],
				 h->limits[ids[j]].name, g.priority,
				 h->limits[ids[j]].ceiling[0][g.priority]);
	return 1;
}

/* Every row of h's exchanges holds on h, and every endpoint of h has one. */
static void check_rows(const struct rlc *h)
{
	unsigned char hit[RLC_ENDPOINTS_MAX] = { 0 };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(h, &rows[i], hit);
	for (i = 0; i < h->cat.endpoints_count; i++)
		if (!hit[i])
			fail_msg("%s %s has no row in the table", h->cat.exchanges[h->cat.endpoints[i]
										     .exchange]
								     .name,
				 h->cat.endpoints[i].name);
}

/* Every limit of h is in the limits table, as the table says. */
static void check_limits(const struct rlc *h)
{
	uint32_t i;
	size_t k;

	for (i = 0; i < h->limits_count; i++) {
		const struct rlc_limit_view *v = &h->limits[i];

		for (k = 0; k < sizeof(limits) / sizeof(limits[0]); k++)
			if (strcmp(limits[k].name, v->name) == 0)
				break;
		if (k == sizeof(limits) / sizeof(limits[0]))
			fail_msg("limit %s has no row in the table", v->name);
		if (v->algorithm != limits[k].algorithm || v->capacity != limits[k].capacity ||
		    v->interval_ns != limits[k].interval_s * SEC)
			fail_msg("exchange-limits.md %s: %s is algorithm %u, %u per %llu ns; the "
				 "table says %u, %u per %llu s",
				 limits[k].section, v->name, v->algorithm, v->capacity,
				 (unsigned long long)v->interval_ns, limits[k].algorithm,
				 limits[k].capacity, (unsigned long long)limits[k].interval_s);
		if (v->observe != limits[k].observe)
			fail_msg("exchange-limits.md %s: %s is reported by usage header %u, not %u",
				 limits[k].section, v->name, v->observe, limits[k].observe);
	}
}

/* Each exchange speaks its own dialect, keeps the breaker's defaults and has learned nothing. */
static void check_exchanges(const struct rlc *h)
{
	uint32_t x;
	size_t p;

	for (x = 0; x < h->cat.exchanges_count; x++) {
		const struct rlc_exchange_view *e = &h->cat.exchanges[x];

		for (p = 0; p < PROFILES && strcmp(profiles[p], e->name) != 0; p++)
			;
		assert_true(p < PROFILES);
		if (e->dialect != dialects[p])
			fail_msg("%s has dialect %u, not %u", e->name, e->dialect, dialects[p]);
		assert_int_equal(e->breaker_failures, 5);
		assert_int_equal(e->breaker_cooldown_ns, 10 * SEC);
		assert_int_equal(e->breaker_probe_ns, 10 * SEC);
		assert_int_equal(rlc__load_relaxed(e->clock_lo), 0);
		assert_true(rlc__load_relaxed(e->clock_hi) == UINT64_MAX);
	}
}

/* Each exchange has normal, burst and liquidation, as the seeds' bots do. */
static void check_modes(const struct rlc *h)
{
	uint32_t x;

	for (x = 0; x < h->cat.exchanges_count; x++) {
		const struct rlc_exchange_view *e = &h->cat.exchanges[x];

		assert_int_equal(e->modes_count, 3);
		assert_string_equal(e->modes[0].name, "normal");
		assert_string_equal(e->modes[1].name, "burst");
		assert_int_equal(e->modes[1].lowest, RLC_PRIO_LOW);
		assert_int_equal(e->modes[1].reserve_ppm, 500000);
		assert_string_equal(e->modes[2].name, "liquidation");
		assert_int_equal(e->modes[2].lowest, RLC_PRIO_HIGH);
		assert_int_equal(e->modes[2].reserve_ppm, 0);
	}
}

/* Each profile loads alone, and the built-in default is all six, in order. */
static void test_profiles_load(void **state)
{
	uint32_t limits_sum = 0, endpoints_sum = 0, x;
	struct rlc_config cfg, builtin;
	size_t p;

	(void)state;
	load_builtin(&builtin);
	assert_int_equal(builtin.exchanges_count, PROFILES);
	for (p = 0; p < PROFILES; p++) {
		load_profile(&cfg, profiles[p]);
		assert_int_equal(cfg.exchanges_count, 1);
		assert_string_equal(cfg.exchanges[0].name, profiles[p]);
		assert_string_equal(builtin.exchanges[p].name, profiles[p]);
		assert_int_equal(cfg.accounts_count, 1);
		assert_string_equal(cfg.accounts[0].name, "main");
		assert_true(cfg.endpoints_count > 0);
		limits_sum += cfg.limits_count;
		endpoints_sum += cfg.endpoints_count;
		rlc_config_free(&cfg);
	}
	assert_int_equal(builtin.limits_count, limits_sum);
	assert_int_equal(builtin.endpoints_count, endpoints_sum);
	assert_int_equal(builtin.accounts_count, PROFILES);
	for (x = 0; x < builtin.exchanges_count; x++)
		assert_int_equal(builtin.exchanges[x].clock_offset_ns, 0);
	rlc_config_free(&builtin);
}

/* Each profile laid out alone: its rows, limits and modes. */
static void test_profiles_alone(void **state)
{
	struct rlc_config cfg;
	struct laid_out s;
	size_t p;

	(void)state;
	for (p = 0; p < PROFILES; p++) {
		load_profile(&cfg, profiles[p]);
		lay_out(&s, &cfg);
		rlc_config_free(&cfg);
		check_rows(&s.h);
		check_limits(&s.h);
		check_modes(&s.h);
		check_exchanges(&s.h);
		unlay(&s);
	}
}

/* The built-in default laid out, as rlcd with no config does: the same. */
static void test_profiles_builtin(void **state)
{
	struct rlc_config cfg;
	struct laid_out s;

	(void)state;
	load_builtin(&cfg);
	lay_out(&s, &cfg);
	rlc_config_free(&cfg);
	assert_int_equal(s.h.limits_count, sizeof(limits) / sizeof(limits[0]));
	check_rows(&s.h);
	check_limits(&s.h);
	check_modes(&s.h);
	check_exchanges(&s.h);
	unlay(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_load),
		cmocka_unit_test(test_profiles_alone),
		cmocka_unit_test(test_profiles_builtin),
	};

	return cmocka_run_group_tests(tests, fill_values, NULL);
}
