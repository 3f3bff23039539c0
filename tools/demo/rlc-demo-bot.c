/* SPDX-License-Identifier: MIT */
/*
 * rlc-demo-bot: the request pattern of one Binance USD-M trading bot, drawn
 * from the budget it shares with every other bot on the host.
 *
 * Market-data calls cost their endpoint's weight on the IP limit.  Orders
 * cost 1 on the IP limit (a rejected order is charged) and 1 on each of the
 * account's order limits, taken together, all or nothing.  A call that has
 * to wait says so; a call that could not be granted before its deadline is
 * given up, as a bot drops a stale quote.  Now and then an order is
 * cancelled before it is sent and its grant refunded.  At the end it prints
 * one line of totals, as key=value words for scripts.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rlc.h"

#define MS UINT64_C(1000000)
#define MARKET_DEADLINE_NS (500 * MS) /* a quote older than this is useless */
#define ORDER_DEADLINE_NS (2000 * MS)
#define REFUND_ONE_IN 20 /* orders cancelled before sending */

static const char *const default_limits[] = {
	"binance-usdm.ip.weight",
	"binance-usdm.account.orders-10s",
	"binance-usdm.account.orders-1m",
};

/* USD-M market-data endpoints and their IP weights, picked uniformly. */
static const struct {
	const char *endpoint;
	uint32_t weight;
} market_calls[] = {
	{ "ticker/price", 1 },     { "openInterest", 1 },    { "premiumIndex", 1 },
	{ "depth?limit=20", 2 },   { "klines?limit=200", 2 }, { "ticker/bookTicker", 2 },
	{ "depth?limit=100", 5 },  { "trades", 5 },          { "klines?limit=500", 5 },
	{ "depth?limit=500", 10 }, { "depth?limit=1000", 20 }, { "aggTrades", 20 },
};

struct options {
	const char *segment; /* NULL: $RLC_SEGMENT, else /rlc */
	char name[RLC_CLIENT_NAME_MAX];
	double seconds;
	unsigned order_pct; /* share of calls that are orders */
	unsigned pause_ms;  /* mean time a call takes on the wire */
	uint64_t seed;
	const char *limits[3]; /* IP weight, orders per 10 s, orders per minute */
};

struct totals {
	uint64_t grants;   /* requests granted, refunded ones included */
	uint64_t market;   /* market-data calls sent */
	uint64_t orders;   /* orders sent */
	uint64_t weight;   /* IP weight of the calls sent */
	uint64_t refunded; /* orders cancelled before sending, grant given back */
	uint64_t waits;    /* requests refused at first and waited for */
	uint64_t timeouts; /* requests given up at their deadline */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* xorshift64*: a bot's choices, reproducible from its seed. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(2685821657736338717);
}

/* Sleep `ns`, or less if a signal asks us to stop. */
static void pause_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / RLC_NS_PER_SEC), (long)(ns % RLC_NS_PER_SEC) };

	nanosleep(&ts, NULL);
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: rlc-demo-bot [-s SEGMENT] [-n NAME] [-d SECONDS] [-o PERCENT] [-p MS]\n"
		"                    [-r SEED] [IP_LIMIT ORDERS_10S_LIMIT ORDERS_1M_LIMIT]\n"
		"Send a mix of market-data calls and orders for SECONDS (default 10),\n"
		"PERCENT of them orders (default 30), each taking about MS on the wire\n"
		"(default 40), drawing from the limits named (default: Binance USD-M's).\n");
}

/* Parse the command line into *o; returns 0, or 64 after printing why. */
static int parse(int argc, char **argv, struct options *o)
{
	char *end;
	int opt, i;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "demo-bot-%ld", (long)getpid());
	o->seconds = 10;
	o->order_pct = 30;
	o->pause_ms = 40;
	o->seed = (uint64_t)getpid() * UINT64_C(0x9e3779b97f4a7c15) ^ rlc_now_ns();
	while ((opt = getopt(argc, argv, "s:n:d:o:p:r:h")) != -1) {
		switch (opt) {
		case 's':
			o->segment = optarg;
			break;
		case 'n':
			snprintf(o->name, sizeof(o->name), "%s", optarg);
			break;
		case 'd':
			o->seconds = strtod(optarg, &end);
			if (*end || !(o->seconds > 0 && o->seconds <= 86400))
				goto bad;
			break;
		case 'o':
			o->order_pct = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->order_pct > 100)
				goto bad;
			break;
		case 'p':
			o->pause_ms = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->pause_ms > 60000)
				goto bad;
			break;
		case 'r':
			o->seed = strtoull(optarg, &end, 0);
			if (*end)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 64;
		}
	}
	if (argc - optind != 0 && argc - optind != 3) {
		fprintf(stderr, "rlc-demo-bot: name all three limits or none\n");
		usage(stderr);
		return 64;
	}
	for (i = 0; i < 3; i++)
		o->limits[i] = optind < argc ? argv[optind + i] : default_limits[i];
	/* xorshift never leaves 0 */
	if (o->seed == 0)
		o->seed = 1;
	return 0;
bad:
	fprintf(stderr, "rlc-demo-bot: bad value '%s' for -%c\n", optarg, opt);
	return 64;
}

/*
 * One call: take its weights, waiting up to its deadline, then "send" it.
 * Returns 0, or a negative error from rlc other than a refusal.
 */
static int one_call(struct rlc *h, const uint32_t *ids, const struct options *o,
		    uint64_t *rnd, uint64_t end_ns, struct totals *t)
{
	bool order = next_random(rnd) % 100 < o->order_pct;
	uint32_t weights[3] = { 1, 1, 1 };
	uint64_t now = rlc_now_ns(), deadline;
	unsigned n = order ? 3 : 1;
	struct rlc_grant g;
	int err;

	if (!order)
		weights[0] = market_calls[next_random(rnd) %
					  (sizeof(market_calls) / sizeof(market_calls[0]))].weight;
	deadline = now + (order ? ORDER_DEADLINE_NS : MARKET_DEADLINE_NS);
	if (deadline > end_ns)
		deadline = end_ns;
	err = rlc_try_n(h, ids, weights, n, &g);
	if (err == -EAGAIN) {
		t->waits++;
		err = rlc_acquire(h, ids, weights, n, deadline, &g);
	}
	if (err == -ETIMEDOUT) {
		/* Back off as long as rlc says it takes, not in a busy loop. */
		t->timeouts++;
		now = rlc_now_ns();
		if (now < end_ns)
			pause_ns(now + g.retry_ns < end_ns ? g.retry_ns : end_ns - now);
		return 0;
	}
	if (err)
		return err;
	t->grants++;
	if (order && next_random(rnd) % REFUND_ONE_IN == 0) {
		t->refunded++;
		return rlc_refund(h, &g);
	}
	if (order)
		t->orders++;
	else
		t->market++;
	t->weight += weights[0];
	/* On the wire for pause/2 .. 3 pause/2. */
	if (o->pause_ms)
		pause_ns(o->pause_ms * MS / 2 + next_random(rnd) % (o->pause_ms * MS));
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct totals t = { 0 };
	struct options o;
	uint64_t start, end, rnd;
	uint32_t ids[3];
	struct rlc h;
	int err, i;

	if ((err = parse(argc, argv, &o)) != 0)
		return err;
	/* No SA_RESTART: a signal cuts a sleep short, and the loop ends. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = rlc_open(&h, o.segment, o.name, 0);
	if (err) {
		fprintf(stderr, "rlc-demo-bot: %s\n", h.why);
		return 2;
	}
	for (i = 0; i < 3; i++) {
		err = rlc_limit_id(&h, o.limits[i]);
		if (err < 0) {
			fprintf(stderr, "rlc-demo-bot: no limit '%s' in %s\n", o.limits[i],
				rlc_segment_name(o.segment));
			rlc_close(&h);
			return 2;
		}
		ids[i] = (uint32_t)err;
	}
	rnd = o.seed;
	start = rlc_now_ns();
	end = start + (uint64_t)(o.seconds * 1e9);
	err = 0;
	while (!stop && !err && rlc_now_ns() < end)
		err = one_call(&h, ids, &o, &rnd, end, &t);
	rlc_close(&h);
	if (err)
		fprintf(stderr, "rlc-demo-bot: %s: %s\n", o.name, strerror(-err));
	printf("bot=%s seconds=%.1f grants=%llu market=%llu orders=%llu weight=%llu refunded=%llu "
	       "waits=%llu timeouts=%llu\n",
	       o.name, (double)(rlc_now_ns() - start) / 1e9, (unsigned long long)t.grants,
	       (unsigned long long)t.market, (unsigned long long)t.orders,
	       (unsigned long long)t.weight, (unsigned long long)t.refunded,
	       (unsigned long long)t.waits, (unsigned long long)t.timeouts);
	return err ? 1 : 0;
}
