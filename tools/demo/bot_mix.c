/* SPDX-License-Identifier: MIT */
#include "bot_mix.h"

#include <stddef.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CANCEL_ONE_IN 4 /* demo: of the orders sent, how many a cancel follows */
#define LIGHT_CANCEL_ONE_IN 2

const struct bot_call bot_time_call = { "GET", "/fapi/v1/time", NULL, NULL, 1, false, BOT_LOW };

/* demo: USD-M market data, picked uniformly. */
static const struct bot_call demo_market[] = {
	{ "GET", "/fapi/v1/ticker/price", "symbol", "BTCUSDT", 1, false, BOT_LOW },
	{ "GET", "/fapi/v1/openInterest", "symbol", "BTCUSDT", 1, false, BOT_LOW },
	{ "GET", "/fapi/v1/premiumIndex", "symbol", "BTCUSDT", 1, false, BOT_LOW },
	{ "GET", "/fapi/v1/depth", "limit", "20", 2, false, BOT_LOW },
	{ "GET", "/fapi/v1/klines", "limit", "200", 2, false, BOT_LOW },
	{ "GET", "/fapi/v1/ticker/bookTicker", "symbol", "BTCUSDT", 2, false, BOT_LOW },
	{ "GET", "/fapi/v1/depth", "limit", "100", 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/trades", NULL, NULL, 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/klines", "limit", "500", 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/depth", "limit", "500", 10, false, BOT_LOW },
	{ "GET", "/fapi/v1/depth", "limit", "1000", 20, false, BOT_LOW },
	{ "GET", "/fapi/v1/aggTrades", NULL, NULL, 20, false, BOT_LOW },
};

/* heavy: the expensive market data a collector pulls, without symbol where that costs more. */
static const struct bot_call heavy_market[] = {
	{ "GET", "/fapi/v1/depth", "limit", "1000", 20, false, BOT_LOW },
	{ "GET", "/fapi/v1/aggTrades", NULL, NULL, 20, false, BOT_LOW },
	{ "GET", "/fapi/v1/klines", "limit", "1000", 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/ticker/24hr", NULL, NULL, 40, false, BOT_LOW },
	{ "GET", "/fapi/v1/premiumIndex", NULL, NULL, 10, false, BOT_LOW },
	{ "GET", "/fapi/v1/ticker/bookTicker", NULL, NULL, 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/trades", NULL, NULL, 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/depth", "limit", "500", 10, false, BOT_LOW },
};

/* light: cheap market data, and account reads. */
static const struct bot_call light_market[] = {
	{ "GET", "/fapi/v1/ticker/price", "symbol", "BTCUSDT", 1, false, BOT_LOW },
	{ "GET", "/fapi/v1/ticker/bookTicker", "symbol", "BTCUSDT", 2, false, BOT_LOW },
	{ "GET", "/fapi/v1/premiumIndex", "symbol", "BTCUSDT", 1, false, BOT_LOW },
	{ "GET", "/fapi/v1/openInterest", "symbol", "BTCUSDT", 1, false, BOT_LOW },
	{ "GET", "/fapi/v1/depth", "limit", "20", 2, false, BOT_LOW },
};
static const struct bot_call light_account[] = {
	{ "GET", "/fapi/v2/account", NULL, NULL, 5, false, BOT_NORMAL },
	{ "GET", "/fapi/v1/openOrders", "symbol", "BTCUSDT", 1, false, BOT_NORMAL },
	{ "GET", "/fapi/v2/balance", NULL, NULL, 5, false, BOT_NORMAL },
};
/* light, when a candle drops: the new candles and the book, at once. */
static const struct bot_call candle_burst[] = {
	{ "GET", "/fapi/v1/klines", "limit", "1000", 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/klines", "limit", "500", 5, false, BOT_LOW },
	{ "GET", "/fapi/v1/depth", "limit", "500", 10, false, BOT_LOW },
};

static const struct bot_call order_call = { "POST", "/fapi/v1/order", "symbol", "BTCUSDT", 0, true,
					    BOT_HIGH };
static const struct bot_call cancel_call = { "DELETE", "/fapi/v1/order", "symbol", "BTCUSDT", 1,
					     false, BOT_CRITICAL };

static const struct bot_call *const all_calls[] = {
	&bot_time_call, &order_call, &cancel_call,
	&demo_market[0], &demo_market[1], &demo_market[2], &demo_market[3], &demo_market[4],
	&demo_market[5], &demo_market[6], &demo_market[7], &demo_market[8], &demo_market[9],
	&demo_market[10], &demo_market[11],
	&heavy_market[0], &heavy_market[1], &heavy_market[2], &heavy_market[3],
	&heavy_market[4], &heavy_market[5], &heavy_market[6], &heavy_market[7],
	&light_market[0], &light_market[1], &light_market[2], &light_market[3],
	&light_market[4],
	&light_account[0], &light_account[1], &light_account[2],
	&candle_burst[0], &candle_burst[1], &candle_burst[2],
};

unsigned bot_mix_all(const struct bot_call *const **calls)
{
	*calls = all_calls;
	return N(all_calls);
}

const char *bot_prio_name(enum bot_prio p)
{
	static const char *const names[] = { "critical", "high", "normal", "low" };

	return p <= BOT_LOW ? names[p] : "?";
}

/* xorshift64*: a bot's choices, reproducible from its seed. */
uint64_t bot_mix_random(struct bot_mix *m)
{
	m->rnd ^= m->rnd >> 12;
	m->rnd ^= m->rnd << 25;
	m->rnd ^= m->rnd >> 27;
	return m->rnd * UINT64_C(2685821657736338717);
}

void bot_mix_init(struct bot_mix *m, enum bot_mix_kind kind, unsigned order_pct,
		  uint64_t candle_ms, uint64_t seed)
{
	*m = (struct bot_mix){ .kind = kind, .order_pct = order_pct, .candle_ms = candle_ms,
			       .rnd = seed ? seed : 1 };
	/* a real strategy thinks about a second per call: 1/60 of a minute */
	m->think_ms = (unsigned)(candle_ms / 60);
}

static const struct bot_call *demo_next(struct bot_mix *m)
{
	bool order = bot_mix_random(m) % 100 < m->order_pct;
	uint64_t pick = bot_mix_random(m) % N(demo_market);

	return order ? &order_call : &demo_market[pick];
}

static const struct bot_call *light_next(struct bot_mix *m, int64_t exchange_ms)
{
	uint64_t r;

	if (exchange_ms > 0 && m->next_candle == 0)
		m->next_candle = (exchange_ms / (int64_t)m->candle_ms + 1) * (int64_t)m->candle_ms;
	if (m->next_candle && exchange_ms >= m->next_candle) {
		m->next_candle = (exchange_ms / (int64_t)m->candle_ms + 1) * (int64_t)m->candle_ms;
		m->burst_left = N(candle_burst);
	}
	if (m->burst_left)
		return &candle_burst[N(candle_burst) - m->burst_left--];
	r = bot_mix_random(m) % 100;
	if (r < 45)
		return &light_market[bot_mix_random(m) % N(light_market)];
	if (r < 60)
		return &light_account[bot_mix_random(m) % N(light_account)];
	return &order_call;
}

static bool in_burst(const struct bot_call *c)
{
	size_t i;

	for (i = 0; i < N(candle_burst); i++)
		if (c == &candle_burst[i])
			return true;
	return false;
}

const struct bot_call *bot_mix_next(struct bot_mix *m, int64_t exchange_ms, unsigned *pause_ms)
{
	*pause_ms = 0;
	if (m->cancel_due) {
		m->cancel_due = false;
		return &cancel_call;
	}
	switch (m->kind) {
	case MIX_HEAVY:
		return &heavy_market[bot_mix_random(m) % N(heavy_market)];
	case MIX_LIGHT: {
		const struct bot_call *c = light_next(m, exchange_ms);

		/* the burst goes at once; anything else after a think */
		if (!in_burst(c))
			*pause_ms = m->think_ms / 2 +
				    (unsigned)(bot_mix_random(m) % (m->think_ms + 1));
		return c;
	}
	default:
		return demo_next(m);
	}
}

void bot_mix_done(struct bot_mix *m, const struct bot_call *c, bool sent)
{
	unsigned one_in = m->kind == MIX_LIGHT ? LIGHT_CANCEL_ONE_IN : CANCEL_ONE_IN;

	if (c == &order_call && sent && bot_mix_random(m) % one_in == 0)
		m->cancel_due = true;
}
