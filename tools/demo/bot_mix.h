/* SPDX-License-Identifier: MIT */
/*
 * bot_mix: what a demo bot wants to send next.  Three habits:
 *
 * - demo: the original rlc-demo-bot pattern, market data picked uniformly
 *   and PERCENT of calls orders (a cancel after one in four);
 * - heavy: a data collector that wants more than the whole budget (depth
 *   1000, aggTrades, klines 1000, tickers of every symbol), no think time;
 * - light: a strategy with think time between a few cheap calls, account
 *   reads and orders (0 IP weight, counted per account), followed now and
 *   then by their cancel; and at each candle (each multiple of the candle
 *   length on the exchange's clock) a burst of klines and depth 500 at
 *   once, as every bot does when a new candle drops.
 *
 * Each call carries its IP weight and priority as Binance USD-M documents
 * them and etc/binance-usdm.ini gives them: rlc weighs a call itself, an
 * in-process limiter (bot_limiter) reads them from here.
 */
#ifndef RLC_DEMO_BOT_MIX_H
#define RLC_DEMO_BOT_MIX_H

#include <stdbool.h>
#include <stdint.h>

enum bot_prio { BOT_CRITICAL, BOT_HIGH, BOT_NORMAL, BOT_LOW };

struct bot_call {
	const char *method, *path;
	const char *param, *value; /* the one parameter the weight reads; NULL: none */
	unsigned weight;           /* IP weight, as documented */
	bool order;                /* counts 1 on each of the account's order limits */
	enum bot_prio prio;        /* the profile's priority for it */
};

enum bot_mix_kind { MIX_DEMO, MIX_HEAVY, MIX_LIGHT };

struct bot_mix {
	enum bot_mix_kind kind;
	unsigned order_pct;   /* demo: share of calls that are orders */
	uint64_t candle_ms;   /* light: the candle, on the exchange's clock */
	unsigned think_ms;    /* light: mean pause between calls */
	int64_t next_candle;  /* light: exchange ms of the next candle; 0: unknown yet */
	unsigned burst_left;  /* light: burst calls still to send */
	bool cancel_due;      /* an order was sent whose cancel comes next */
	uint64_t rnd;         /* xorshift64* state, never 0 */
};

/* The first call of every bot: the exchange's time, to learn its clock. */
extern const struct bot_call bot_time_call;

/* Every call any mix makes, for looking their endpoints up once. */
unsigned bot_mix_all(const struct bot_call *const **calls);

/* A mix of `kind` drawn from `seed`. */
void bot_mix_init(struct bot_mix *m, enum bot_mix_kind kind, unsigned order_pct,
		  uint64_t candle_ms, uint64_t seed);

/* A number from the mix's generator. */
uint64_t bot_mix_random(struct bot_mix *m);

/*
 * The next call, given the exchange's clock now (ms, 0: not known), and in
 * *pause_ms how long to think before it.
 */
const struct bot_call *bot_mix_next(struct bot_mix *m, int64_t exchange_ms, unsigned *pause_ms);

/* Call `c` was sent (or given up, `sent` false): a sent order may be cancelled next. */
void bot_mix_done(struct bot_mix *m, const struct bot_call *c, bool sent);

const char *bot_prio_name(enum bot_prio p);

#endif
