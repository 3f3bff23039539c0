/* SPDX-License-Identifier: MIT */
/*
 * rlc-demo-bot: the request pattern of one Binance USD-M trading bot, drawn
 * from the budget it shares with every other bot on the host.
 *
 * Every call is reserved as the exchange names it: method, path and
 * parameters.  rlc weighs it by the profile's rule for that endpoint (depth
 * by its `limit`, an order 0 on the IP weight and 1 on each of the
 * account's order limits) and takes every limit together, all or nothing,
 * at the endpoint's priority: market data LOW, orders HIGH, cancels
 * CRITICAL.  A call that has to wait says so; a call that could not be
 * granted before its deadline is given up, as a bot drops a stale quote.
 * Now and then an order is cancelled before it is sent and its grant
 * refunded.  With -u it sends each call over HTTP to that exchange (the
 * simulator, tools/exchange-sim) and feeds every response back; without,
 * a call only takes its time "on the wire".  A scope rlc holds blocked (a
 * ban fed back by any bot) is waited out, not sent into.  At the end it
 * prints one line of totals, as key=value words for scripts.
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

#include "http_call.h"
#include "rlc.h"

#define MS UINT64_C(1000000)
#define MARKET_DEADLINE_NS (500 * MS) /* a quote older than this is useless */
#define ORDER_DEADLINE_NS (2000 * MS)
#define REFUND_ONE_IN 20 /* orders cancelled before sending */

#define EXCHANGE "binance-usdm"
#define IP_LIMIT EXCHANGE ".ip.weight"

/* One kind of call: the endpoint and the parameters its weight rule reads. */
struct call {
	const char *method, *path;
	const char *param, *value; /* NULL: none */
};

/* USD-M market data, picked uniformly; rlc weighs each by the profile. */
static const struct call market_calls[] = {
	{ "GET", "/fapi/v1/ticker/price", "symbol", "BTCUSDT" },
	{ "GET", "/fapi/v1/openInterest", "symbol", "BTCUSDT" },
	{ "GET", "/fapi/v1/premiumIndex", "symbol", "BTCUSDT" },
	{ "GET", "/fapi/v1/depth", "limit", "20" },
	{ "GET", "/fapi/v1/klines", "limit", "200" },
	{ "GET", "/fapi/v1/ticker/bookTicker", "symbol", "BTCUSDT" },
	{ "GET", "/fapi/v1/depth", "limit", "100" },
	{ "GET", "/fapi/v1/trades", NULL, NULL },
	{ "GET", "/fapi/v1/klines", "limit", "500" },
	{ "GET", "/fapi/v1/depth", "limit", "500" },
	{ "GET", "/fapi/v1/depth", "limit", "1000" },
	{ "GET", "/fapi/v1/aggTrades", NULL, NULL },
};
#define MARKET_CALLS (sizeof(market_calls) / sizeof(market_calls[0]))

static const struct call order_call = { "POST", "/fapi/v1/order", "symbol", "BTCUSDT" };
static const struct call cancel_call = { "DELETE", "/fapi/v1/order", "symbol", "BTCUSDT" };
#define CANCEL_ONE_IN 4 /* of the orders sent, how many a cancel follows */

/* Endpoint ids, looked up once. */
struct endpoints {
	uint32_t market[MARKET_CALLS];
	uint32_t order, cancel;
	uint32_t ip; /* the IP weight limit, for the totals */
};

struct options {
	const char *segment; /* NULL: $RLC_SEGMENT, else /rlc */
	char name[RLC_CLIENT_NAME_MAX];
	double seconds;
	unsigned order_pct; /* share of calls that are orders */
	unsigned pause_ms;  /* mean time a call takes on the wire */
	uint64_t seed;
	const char *account; /* of the exchange's accounts; NULL: its only one */
	const char *url;     /* the exchange's base URL; NULL: no HTTP */
	const char *api_key; /* who the exchange counts orders against */
};

struct totals {
	uint64_t grants;   /* requests granted, refunded ones included */
	uint64_t market;   /* market-data calls sent */
	uint64_t orders;   /* orders sent */
	uint64_t cancels;  /* cancels sent */
	uint64_t weight;   /* IP weight of the calls sent */
	uint64_t refunded; /* orders cancelled before sending, grant given back */
	uint64_t waits;    /* requests refused at first and waited for */
	uint64_t timeouts; /* requests given up at their deadline */
	uint64_t blocked;  /* requests held back by a block or an open breaker */
	/* with -u: the exchange's answers */
	uint64_t http_ok, http_429, http_418, http_other, http_failed;
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
		"                    [-r SEED] [-a ACCOUNT] [-u URL [-k API_KEY]]\n"
		"Send a mix of Binance USD-M market-data calls, orders and cancels for\n"
		"SECONDS (default 10), PERCENT of them orders (default 30), on ACCOUNT\n"
		"(default: the only one).  With -u, over HTTP to the exchange at URL\n"
		"(http://127.0.0.1:PORT), as API_KEY (default: the account's name), each\n"
		"response fed back; without, each call takes about MS on the wire\n"
		"(default 40).\n");
}

/* Parse the command line into *o; returns 0, or 64 after printing why. */
static int parse(int argc, char **argv, struct options *o)
{
	char *end;
	int opt;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "demo-bot-%ld", (long)getpid());
	o->seconds = 10;
	o->order_pct = 30;
	o->pause_ms = 40;
	o->seed = (uint64_t)getpid() * UINT64_C(0x9e3779b97f4a7c15) ^ rlc_now_ns();
	while ((opt = getopt(argc, argv, "s:n:d:o:p:r:a:u:k:h")) != -1) {
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
		case 'a':
			o->account = optarg;
			break;
		case 'u':
			if (strncmp(optarg, "http://", 7) != 0)
				goto bad;
			o->url = optarg;
			break;
		case 'k':
			o->api_key = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 64;
		}
	}
	if (argc != optind) {
		usage(stderr);
		return 64;
	}
	if (o->api_key && !o->url) {
		fprintf(stderr, "rlc-demo-bot: -k needs -u\n");
		return 64;
	}
	if (!o->api_key)
		o->api_key = o->account ? o->account : "main";
	/* xorshift never leaves 0 */
	if (o->seed == 0)
		o->seed = 1;
	return 0;
bad:
	fprintf(stderr, "rlc-demo-bot: bad value '%s' for -%c\n", optarg, opt);
	return 64;
}

/* The IP weight a grant took, for the totals. */
static uint64_t ip_weight(const struct rlc_grant *g, uint32_t ip)
{
	uint32_t i;

	for (i = 0; i < g->count; i++)
		if (g->id[i] == ip)
			return g->weight[i];
	return 0;
}

/*
 * Reserve `c` on endpoint `id`, waiting up to `deadline`.  Returns 0 with
 * *g granted, 1 when it was given up at its deadline, or rlc's -errno.
 */
static int reserve(struct rlc *h, uint32_t id, const struct call *c, int account,
		   uint64_t deadline, struct rlc_grant *g, struct totals *t)
{
	struct rlc_param p = { c->param, c->value };
	unsigned n = c->param ? 1 : 0;
	uint64_t now;
	int err = rlc_reserve(h, id, &p, n, account, RLC_PRIO_ENDPOINT, g);

	if (err == -EAGAIN) {
		t->waits++;
		err = rlc_reserve_wait(h, id, &p, n, account, RLC_PRIO_ENDPOINT, deadline, g);
	}
	if (err == -ECONNREFUSED || err == -EHOSTDOWN)
		t->blocked++;
	else if (err == -ETIMEDOUT)
		t->timeouts++;
	else
		return err;
	/* Back off as long as rlc says it takes, not in a busy loop. */
	now = rlc_now_ns();
	if (now < deadline)
		pause_ns(g->retry_ns < deadline - now ? g->retry_ns : deadline - now);
	return 1;
}

/* Count the exchange's answer to one call. */
static void count_answer(const struct http_call *c, struct totals *t)
{
	if (c->status == 0)
		t->http_failed++;
	else if (c->status == 429)
		t->http_429++;
	else if (c->status == 418)
		t->http_418++;
	else if (c->status >= 200 && c->status < 300 && !c->code[0])
		t->http_ok++;
	else
		t->http_other++;
}

/*
 * Send call `c` granted in *g: over HTTP, its response fed back, when the
 * bot has a URL; else on the wire for pause/2 .. 3 pause/2.
 */
static void send_call(struct rlc *h, const struct options *o, struct http_call *http,
		      const struct call *c, const struct rlc_grant *g, uint64_t *rnd,
		      struct totals *t)
{
	struct rlc_response r;
	char query[128];

	if (!o->url) {
		if (o->pause_ms)
			pause_ns(o->pause_ms * MS / 2 + next_random(rnd) % (o->pause_ms * MS));
		return;
	}
	if (c->param)
		snprintf(query, sizeof(query), "%s=%s", c->param, c->value);
	http_call_send(http, o->url, c->method, c->path, c->param ? query : NULL);
	count_answer(http, t);
	http_call_response(http, &r);
	rlc_feedback(h, g, &r);
}

/*
 * One call: reserve it, waiting up to its deadline, then send it; an order
 * is sometimes refunded instead, or followed by its cancel.  Returns 0, or
 * a negative error from rlc other than a refusal.
 */
static int one_call(struct rlc *h, const struct endpoints *ep, int account,
		    const struct options *o, struct http_call *http, uint64_t *rnd, uint64_t end_ns,
		    struct totals *t)
{
	bool order = next_random(rnd) % 100 < o->order_pct;
	uint64_t pick = next_random(rnd) % MARKET_CALLS;
	const struct call *c = order ? &order_call : &market_calls[pick];
	uint32_t id = order ? ep->order : ep->market[pick];
	uint64_t deadline = rlc_now_ns() + (order ? ORDER_DEADLINE_NS : MARKET_DEADLINE_NS);
	struct rlc_grant g;
	int err;

	if (deadline > end_ns)
		deadline = end_ns;
	if ((err = reserve(h, id, c, account, deadline, &g, t)))
		return err > 0 ? 0 : err;
	t->grants++;
	if (order && next_random(rnd) % REFUND_ONE_IN == 0) {
		t->refunded++;
		return rlc_refund(h, &g);
	}
	t->weight += ip_weight(&g, ep->ip);
	if (order)
		t->orders++;
	else
		t->market++;
	send_call(h, o, http, c, &g, rnd, t);
	if (!order || next_random(rnd) % CANCEL_ONE_IN != 0)
		return 0;
	if ((err = reserve(h, ep->cancel, &cancel_call, account, end_ns, &g, t)))
		return err > 0 ? 0 : err;
	t->grants++;
	t->cancels++;
	t->weight += ip_weight(&g, ep->ip);
	send_call(h, o, http, &cancel_call, &g, rnd, t);
	return 0;
}

/* Endpoint `c` of the exchange into *id; 0, or 2 after saying why. */
static int look_up(const struct rlc *h, int exchange, const struct call *c, uint32_t *id)
{
	int e = rlc_endpoint_id(h, exchange, c->method, c->path);

	if (e < 0) {
		fprintf(stderr, "rlc-demo-bot: the segment has no endpoint %s %s of %s\n",
			c->method, c->path, EXCHANGE);
		return 2;
	}
	*id = (uint32_t)e;
	return 0;
}

/* Every endpoint the bot calls, and its account; 0, or 2 after saying why. */
static int look_up_all(const struct rlc *h, const struct options *o, struct endpoints *ep,
		       int *account)
{
	int x = rlc_exchange_id(h, EXCHANGE), ip = rlc_limit_id(h, IP_LIMIT), err = 0;
	unsigned i;

	if (x < 0 || ip < 0) {
		fprintf(stderr, "rlc-demo-bot: the segment has no exchange %s with %s\n",
			EXCHANGE, IP_LIMIT);
		return 2;
	}
	ep->ip = (uint32_t)ip;
	for (i = 0; i < MARKET_CALLS && !err; i++)
		err = look_up(h, x, &market_calls[i], &ep->market[i]);
	if (err || (err = look_up(h, x, &order_call, &ep->order)) ||
	    (err = look_up(h, x, &cancel_call, &ep->cancel)))
		return err;
	*account = o->account ? rlc_account_id(h, x, o->account) : RLC_ACCOUNT_ONLY;
	if (*account == -ENOENT || *account == -EINVAL) {
		fprintf(stderr, "rlc-demo-bot: %s has no account '%s'\n", EXCHANGE, o->account);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct totals t = { 0 };
	struct options o;
	uint64_t start, end, rnd;
	struct endpoints ep;
	struct http_call http = { 0 };
	char why[128];
	struct rlc h;
	int err, account;

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
	if ((err = look_up_all(&h, &o, &ep, &account))) {
		rlc_close(&h);
		return err;
	}
	if (o.url && http_call_open(&http, o.api_key, o.name, why, sizeof(why))) {
		fprintf(stderr, "rlc-demo-bot: %s\n", why);
		rlc_close(&h);
		return 2;
	}
	rnd = o.seed;
	start = rlc_now_ns();
	end = start + (uint64_t)(o.seconds * 1e9);
	err = 0;
	while (!stop && !err && rlc_now_ns() < end)
		err = one_call(&h, &ep, account, &o, &http, &rnd, end, &t);
	if (o.url)
		http_call_close(&http);
	rlc_close(&h);
	if (err)
		fprintf(stderr, "rlc-demo-bot: %s: %s\n", o.name, strerror(-err));
	printf("bot=%s seconds=%.1f grants=%llu market=%llu orders=%llu cancels=%llu weight=%llu "
	       "refunded=%llu waits=%llu timeouts=%llu blocked=%llu",
	       o.name, (double)(rlc_now_ns() - start) / 1e9, (unsigned long long)t.grants,
	       (unsigned long long)t.market, (unsigned long long)t.orders,
	       (unsigned long long)t.cancels,
	       (unsigned long long)t.weight, (unsigned long long)t.refunded,
	       (unsigned long long)t.waits, (unsigned long long)t.timeouts,
	       (unsigned long long)t.blocked);
	if (o.url)
		printf(" http_ok=%llu http_429=%llu http_418=%llu http_other=%llu http_failed=%llu",
		       (unsigned long long)t.http_ok, (unsigned long long)t.http_429,
		       (unsigned long long)t.http_418, (unsigned long long)t.http_other,
		       (unsigned long long)t.http_failed);
	putchar('\n');
	return err ? 1 : 0;
}
