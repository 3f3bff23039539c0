/* SPDX-License-Identifier: MIT */
/*
 * rlc-demo-bot: the request pattern of one Binance USD-M trading bot, drawn
 * from the budget it shares with every other bot on the host.
 *
 * Every call is reserved as the exchange names it: method, path and
 * parameters.  rlc weighs it by the profile's rule for that endpoint (depth
 * by its `limit`, an order 0 on the IP weight and 1 on each of the
 * account's order limits) and takes every limit together, all or nothing,
 * at the endpoint's priority: market data LOW, account reads NORMAL,
 * orders HIGH, cancels CRITICAL.  A call that has to wait says so; a call
 * that could not be granted before its deadline is given up, as a bot
 * drops a stale quote.  With -u it sends each call over HTTP to that
 * exchange (the simulator, tools/exchange-sim) and feeds every response
 * back, after learning the exchange's clock with GET /fapi/v1/time first;
 * without, a call only takes its time "on the wire".  A scope rlc holds
 * blocked (a ban fed back by any bot) is waited out, not sent into.
 *
 * What it calls is its mix (bot_mix.h): the original demo pattern, or the
 * scenario's heavy and light bots.  With --limiter own:W it does what bots
 * do today instead of using rlc: an in-process limiter of W per window
 * (bot_limiter.h).  --log writes one JSON line per call (bot_log.h).  At
 * the end it prints one line of totals, as key=value words for scripts.
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

#include "bot_limiter.h"
#include "bot_log.h"
#include "bot_mix.h"
#include "http_call.h"
#include "rlc.h"

#define MS UINT64_C(1000000)
#define MARKET_DEADLINE_NS (500 * MS) /* a quote older than this is useless */
#define ORDER_DEADLINE_NS (2000 * MS)
#define REFUND_ONE_IN 20 /* demo: orders cancelled before sending */
#define MAX_CALLS 64

#define EXCHANGE "binance-usdm"
#define IP_LIMIT EXCHANGE ".ip.weight"

enum limiter { LIMITER_RLC, LIMITER_OWN };

struct options {
	const char *segment; /* NULL: $RLC_SEGMENT, else /rlc */
	char name[RLC_CLIENT_NAME_MAX];
	double seconds;
	unsigned order_pct; /* demo mix: share of calls that are orders */
	unsigned pause_ms;  /* without -u: mean time a call takes on the wire */
	uint64_t seed;
	const char *account; /* of the exchange's accounts; NULL: its only one */
	const char *url;     /* the exchange's base URL; NULL: no HTTP */
	const char *api_key; /* who the exchange counts orders against */
	const char *log;     /* JSON lines, one per call; NULL: none */
	enum bot_mix_kind mix;
	enum limiter limiter;
	unsigned own_capacity; /* --limiter own:W */
	uint64_t window_ms;    /* the (scaled) minute: own limiter, candles */
};

struct totals {
	uint64_t grants;   /* requests granted, refunded ones included */
	uint64_t market;   /* market-data calls sent (account reads included) */
	uint64_t orders;   /* orders sent */
	uint64_t cancels;  /* cancels sent */
	uint64_t weight;   /* IP weight of the calls sent */
	uint64_t refunded; /* orders cancelled before sending, grant given back */
	uint64_t waits;    /* requests refused at first and waited for */
	uint64_t timeouts; /* requests given up at their deadline */
	uint64_t blocked;  /* requests held back by a block, a backoff or an open breaker */
	/* with -u: the exchange's answers */
	uint64_t http_ok, http_429, http_418, http_other, http_failed;
};

/* What the bot talks through: rlc, or its own limiter; and to whom. */
struct bot {
	const struct options *o;
	struct rlc h;
	bool rlc_open;
	int account;
	uint32_t ip;              /* the IP weight limit */
	const struct bot_call *const *calls;
	uint32_t ids[MAX_CALLS];  /* endpoint of calls[i] */
	unsigned ncalls;
	struct own_limiter own;
	struct http_call http;
	struct bot_log log;
	struct bot_mix mix;
	int64_t offset_ms; /* exchange clock minus ours, from GET /time */
	bool clock_known;
	struct totals t;
};

/* One call on its way: the grant (rlc), when it was wanted, what became of it. */
struct attempt {
	const struct bot_call *call;
	struct rlc_grant g;
	uint64_t wanted_ns;
	bool granted;
	const char *not_sent; /* refused, timeout, blocked */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
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
		"                    [--mix demo|heavy|light] [--limiter rlc|own:W]\n"
		"                    [--window-ms MS] [--log FILE]\n"
		"Send a mix of Binance USD-M market-data calls, orders and cancels for\n"
		"SECONDS (default 10), PERCENT of them orders (default 30, the demo mix),\n"
		"on ACCOUNT (default: the only one).  With -u, over HTTP to the exchange at\n"
		"URL (http://127.0.0.1:PORT), as API_KEY (default: the account's name),\n"
		"each response fed back; without, each call takes about MS on the wire\n"
		"(default 40).  Long names: --segment --name --seconds --orders --pause\n"
		"--seed --account --url --api-key.\n"
		"  --mix heavy|light    the scenario's data collector, or a strategy with\n"
		"                       think time, orders and a burst at each candle\n"
		"  --limiter own:W      no rlc: an in-process limiter of W weight per window\n"
		"                       (needs -u)\n"
		"  --window-ms MS       the window of own:W and the candle (default 60000)\n"
		"  --log FILE           one JSON line per call\n");
}

/* "own:W" or "rlc" into *o; 0, or -1. */
static int parse_limiter(const char *v, struct options *o)
{
	char *end;
	unsigned long w;

	if (strcmp(v, "rlc") == 0) {
		o->limiter = LIMITER_RLC;
		return 0;
	}
	if (strncmp(v, "own:", 4) != 0)
		return -1;
	w = strtoul(v + 4, &end, 10);
	if (*end || end == v + 4 || w < 1 || w > 16777215)
		return -1;
	o->limiter = LIMITER_OWN;
	o->own_capacity = (unsigned)w;
	return 0;
}

static int parse_mix(const char *v, struct options *o)
{
	static const char *const names[] = { "demo", "heavy", "light" };
	unsigned i;

	for (i = 0; i < 3; i++)
		if (strcmp(v, names[i]) == 0) {
			o->mix = (enum bot_mix_kind)i;
			return 0;
		}
	return -1;
}

/* Parse the command line into *o; returns 0, or 64 after printing why. */
static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "segment", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 'd' },
		{ "orders", required_argument, NULL, 'o' },
		{ "pause", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 'r' },
		{ "account", required_argument, NULL, 'a' },
		{ "url", required_argument, NULL, 'u' },
		{ "api-key", required_argument, NULL, 'k' },
		{ "log", required_argument, NULL, 'L' },
		{ "limiter", required_argument, NULL, 'l' },
		{ "mix", required_argument, NULL, 'm' },
		{ "window-ms", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *what = NULL;
	char *end;
	int opt, index;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "demo-bot-%ld", (long)getpid());
	o->seconds = 10;
	o->order_pct = 30;
	o->pause_ms = 40;
	o->window_ms = 60000;
	o->seed = (uint64_t)getpid() * UINT64_C(0x9e3779b97f4a7c15) ^ rlc_now_ns();
	while ((opt = getopt_long(argc, argv, "s:n:d:o:p:r:a:u:k:h", longs, &index)) != -1) {
		what = optarg;
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
		case 'L':
			o->log = optarg;
			break;
		case 'l':
			if (parse_limiter(optarg, o))
				goto bad;
			break;
		case 'm':
			if (parse_mix(optarg, o))
				goto bad;
			break;
		case 'W':
			o->window_ms = strtoull(optarg, &end, 10);
			if (*end || o->window_ms < 100 || o->window_ms > 3600000)
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
	if (argc != optind) {
		usage(stderr);
		return 64;
	}
	if (o->api_key && !o->url) {
		fprintf(stderr, "rlc-demo-bot: -k needs -u\n");
		return 64;
	}
	if (o->limiter == LIMITER_OWN && !o->url) {
		fprintf(stderr, "rlc-demo-bot: --limiter own:W needs --url\n");
		return 64;
	}
	if (!o->api_key)
		o->api_key = o->account ? o->account : "main";
	/* xorshift never leaves 0 */
	if (o->seed == 0)
		o->seed = 1;
	return 0;
bad:
	for (index = 0; longs[index].name && longs[index].val != opt; index++)
		;
	if (strchr("Llm" "W", opt))
		fprintf(stderr, "rlc-demo-bot: bad value '%s' for --%s\n", what, longs[index].name);
	else
		fprintf(stderr, "rlc-demo-bot: bad value '%s' for -%c\n", what, opt);
	return 64;
}

/* The IP weight a grant took. */
static unsigned ip_weight(const struct rlc_grant *g, uint32_t ip)
{
	uint32_t i;

	for (i = 0; i < g->count; i++)
		if (g->id[i] == ip)
			return g->weight[i];
	return 0;
}

/* The endpoint of call `c` in the segment. */
static uint32_t endpoint_of(const struct bot *b, const struct bot_call *c)
{
	unsigned i;

	for (i = 0; i < b->ncalls; i++)
		if (b->calls[i] == c)
			return b->ids[i];
	return UINT32_MAX; /* not reached: every call is looked up at start */
}

/*
 * Reserve `c` through rlc, waiting up to `deadline`.  Returns 0 with a->g
 * granted, 1 when it was given up (a->not_sent says why), or rlc's -errno.
 */
static int reserve_rlc(struct bot *b, struct attempt *a, uint64_t deadline)
{
	const struct bot_call *c = a->call;
	struct rlc_param p = { c->param, c->value };
	unsigned n = c->param ? 1 : 0;
	uint32_t id = endpoint_of(b, c);
	struct rlc_grant *g = &a->g;
	uint64_t now;
	int err = rlc_reserve(&b->h, id, &p, n, b->account, RLC_PRIO_ENDPOINT, g);

	if (err == -EAGAIN) {
		b->t.waits++;
		err = rlc_reserve_wait(&b->h, id, &p, n, b->account, RLC_PRIO_ENDPOINT, deadline, g);
	}
	if (err == -ECONNREFUSED || err == -EHOSTDOWN) {
		b->t.blocked++;
		a->not_sent = "blocked";
	} else if (err == -ETIMEDOUT) {
		b->t.timeouts++;
		a->not_sent = "timeout";
	} else if (err == -E2BIG) {
		a->not_sent = "refused";
		return 1;
	} else {
		return err;
	}
	/* Back off as long as rlc says it takes, not in a busy loop. */
	now = rlc_now_ns();
	if (now < deadline)
		pause_ns(g->retry_ns < deadline - now ? g->retry_ns : deadline - now);
	return 1;
}

/* The same through the bot's own limiter. */
static int reserve_own(struct bot *b, struct attempt *a, uint64_t deadline)
{
	switch (own_limiter_take(&b->own, a->call->weight, deadline)) {
	case OWN_GRANTED:
		return 0;
	case OWN_BLOCKED:
		b->t.blocked++;
		a->not_sent = "blocked";
		return 1;
	default:
		b->t.timeouts++;
		a->not_sent = "timeout";
		return 1;
	}
}

static const char *outcome_of(const struct http_call *c, struct totals *t)
{
	if (c->status == 0) {
		t->http_failed++;
		return "failed";
	}
	if (c->status == 429) {
		t->http_429++;
		return "429";
	}
	if (c->status == 418) {
		t->http_418++;
		return "418";
	}
	if (c->status >= 200 && c->status < 300 && !c->code[0]) {
		t->http_ok++;
		return "ok";
	}
	t->http_other++;
	return c->status == 403 ? "403" : "other";
}

/*
 * The bot's own idea of the exchange's clock, for its candles: the server
 * time of its first GET /fapi/v1/time against the middle of the round
 * trip.  (rlc learns the clock for its fixed windows on its own, from
 * every response fed back.)
 */
static void learn_clock(struct bot *b, uint64_t sent_ms, uint64_t recv_ms)
{
	if (b->clock_known || b->http.server_time_ms <= 0)
		return;
	b->offset_ms = b->http.server_time_ms - (int64_t)(sent_ms + recv_ms) / 2;
	b->clock_known = true;
}

static int64_t exchange_now_ms(const struct bot *b)
{
	return b->clock_known ? (int64_t)bot_realtime_ms() + b->offset_ms : 0;
}

/* Send granted call `a` over HTTP, feed its response back, log it. */
static void send_http(struct bot *b, struct attempt *a)
{
	const struct bot_call *c = a->call;
	struct bot_log_line line = { .call = c };
	struct rlc_response r;
	const char *retry;
	char query[128];
	uint64_t sent_ms;

	if (c->param)
		snprintf(query, sizeof(query), "%s=%s", c->param, c->value);
	line.t_ms = sent_ms = bot_realtime_ms();
	line.wait_ns = rlc_now_ns() - a->wanted_ns;
	http_call_send(&b->http, b->o->url, c->method, c->path, c->param ? query : NULL);
	line.rtt_ns = b->http.elapsed_ns;
	line.outcome = outcome_of(&b->http, &b->t);
	line.status = b->http.status;
	line.code = b->http.code;
	if (c == &bot_time_call)
		learn_clock(b, sent_ms, bot_realtime_ms());
	if (b->o->limiter == LIMITER_RLC) {
		http_call_response(&b->http, &r);
		rlc_feedback(&b->h, &a->g, &r);
		line.weight = ip_weight(&a->g, b->ip);
		line.prio = bot_prio_name((enum bot_prio)a->g.priority);
	} else {
		retry = http_call_header(&b->http, "Retry-After");
		own_limiter_answer(&b->own, b->http.status,
				   retry ? (unsigned)strtoul(retry, NULL, 10) : 0);
		line.weight = c->weight;
		line.prio = bot_prio_name(c->prio);
	}
	bot_log_write(&b->log, &line);
}

/* A call given up before sending, in the log. */
static void log_not_sent(struct bot *b, const struct attempt *a)
{
	struct bot_log_line line = {
		.t_ms = bot_realtime_ms(), .wait_ns = rlc_now_ns() - a->wanted_ns,
		.call = a->call, .weight = a->call->weight, .prio = bot_prio_name(a->call->prio),
		.outcome = a->not_sent,
	};

	bot_log_write(&b->log, &line);
}

/*
 * One call: reserve it, waiting up to its deadline, then send it; in the
 * demo mix an order is sometimes refunded instead.  Returns 0, or a
 * negative error from rlc other than a refusal.
 */
static int one_call(struct bot *b, const struct bot_call *c, uint64_t end_ns)
{
	struct attempt a = { .call = c, .wanted_ns = rlc_now_ns() };
	uint64_t deadline = a.wanted_ns + (c->order ? ORDER_DEADLINE_NS : MARKET_DEADLINE_NS);
	int err;

	if (deadline > end_ns)
		deadline = end_ns;
	err = b->o->limiter == LIMITER_RLC ? reserve_rlc(b, &a, deadline) : reserve_own(b, &a, deadline);
	if (err) {
		if (err > 0)
			log_not_sent(b, &a);
		bot_mix_done(&b->mix, c, false);
		return err > 0 ? 0 : err;
	}
	b->t.grants++;
	if (b->o->limiter == LIMITER_RLC && b->o->mix == MIX_DEMO && c->order &&
	    bot_mix_random(&b->mix) % REFUND_ONE_IN == 0) {
		b->t.refunded++;
		return rlc_refund(&b->h, &a.g);
	}
	b->t.weight += b->o->limiter == LIMITER_RLC ? ip_weight(&a.g, b->ip) : c->weight;
	if (c->order)
		b->t.orders++;
	else if (strcmp(c->method, "DELETE") == 0)
		b->t.cancels++;
	else
		b->t.market++;
	if (b->o->url) {
		send_http(b, &a);
	} else if (b->o->pause_ms) {
		/* on the wire for pause/2 .. 3 pause/2 */
		pause_ns(b->o->pause_ms * MS / 2 + bot_mix_random(&b->mix) % (b->o->pause_ms * MS));
	}
	bot_mix_done(&b->mix, c, true);
	return 0;
}

/* Every endpoint the bot calls, and its account; 0, or 2 after saying why. */
static int look_up_all(struct bot *b)
{
	const struct options *o = b->o;
	int x = rlc_exchange_id(&b->h, EXCHANGE), ip = rlc_limit_id(&b->h, IP_LIMIT), e;
	unsigned i;

	if (x < 0 || ip < 0) {
		fprintf(stderr, "rlc-demo-bot: the segment has no exchange %s with %s\n",
			EXCHANGE, IP_LIMIT);
		return 2;
	}
	b->ip = (uint32_t)ip;
	b->ncalls = bot_mix_all(&b->calls);
	for (i = 0; i < b->ncalls && i < MAX_CALLS; i++) {
		e = rlc_endpoint_id(&b->h, x, b->calls[i]->method, b->calls[i]->path);
		if (e < 0) {
			fprintf(stderr, "rlc-demo-bot: the segment has no endpoint %s %s of %s\n",
				b->calls[i]->method, b->calls[i]->path, EXCHANGE);
			return 2;
		}
		b->ids[i] = (uint32_t)e;
	}
	b->account = o->account ? rlc_account_id(&b->h, x, o->account) : RLC_ACCOUNT_ONLY;
	if (b->account == -ENOENT || b->account == -EINVAL) {
		fprintf(stderr, "rlc-demo-bot: %s has no account '%s'\n", EXCHANGE, o->account);
		return 2;
	}
	return 0;
}

/* rlc or the own limiter, the HTTP connection and the log; 0, or 2 after saying why. */
static int start(struct bot *b)
{
	char why[128];
	int err;

	if (b->o->limiter == LIMITER_RLC) {
		if (rlc_open(&b->h, b->o->segment, b->o->name, 0)) {
			fprintf(stderr, "rlc-demo-bot: %s\n", b->h.why);
			return 2;
		}
		b->rlc_open = true;
		if ((err = look_up_all(b)))
			return err;
	} else if (own_limiter_init(&b->own, b->o->own_capacity, b->o->window_ms)) {
		fprintf(stderr, "rlc-demo-bot: no memory for a limiter of %u\n", b->o->own_capacity);
		return 2;
	}
	if (b->o->url && http_call_open(&b->http, b->o->api_key, b->o->name, why, sizeof(why))) {
		fprintf(stderr, "rlc-demo-bot: %s\n", why);
		return 2;
	}
	if (bot_log_open(&b->log, b->o->log, b->o->name)) {
		fprintf(stderr, "rlc-demo-bot: --log %s: %s\n", b->o->log, strerror(errno));
		return 2;
	}
	return 0;
}

/* Close what start opened; 0, or 1 when the log was not written in full. */
static int finish(struct bot *b)
{
	int err = 0;

	if (b->o->url && b->http.curl)
		http_call_close(&b->http);
	if (b->rlc_open)
		rlc_close(&b->h);
	if (b->o->limiter == LIMITER_OWN)
		own_limiter_free(&b->own);
	if (bot_log_close(&b->log)) {
		fprintf(stderr, "rlc-demo-bot: --log %s: not written in full\n", b->o->log);
		err = 1;
	}
	return err;
}

static void print_totals(const struct bot *b, uint64_t start_ns)
{
	const struct totals *t = &b->t;

	printf("bot=%s seconds=%.1f grants=%llu market=%llu orders=%llu cancels=%llu weight=%llu "
	       "refunded=%llu waits=%llu timeouts=%llu blocked=%llu",
	       b->o->name, (double)(rlc_now_ns() - start_ns) / 1e9, (unsigned long long)t->grants,
	       (unsigned long long)t->market, (unsigned long long)t->orders,
	       (unsigned long long)t->cancels, (unsigned long long)t->weight,
	       (unsigned long long)t->refunded, (unsigned long long)t->waits,
	       (unsigned long long)t->timeouts, (unsigned long long)t->blocked);
	if (b->o->url)
		printf(" http_ok=%llu http_429=%llu http_418=%llu http_other=%llu http_failed=%llu",
		       (unsigned long long)t->http_ok, (unsigned long long)t->http_429,
		       (unsigned long long)t->http_418, (unsigned long long)t->http_other,
		       (unsigned long long)t->http_failed);
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static struct bot b;
	struct options o;
	uint64_t start_ns, end;
	const struct bot_call *c;
	unsigned think_ms;
	int err;

	if ((err = parse(argc, argv, &o)) != 0)
		return err;
	b.o = &o;
	/* No SA_RESTART: a signal cuts a sleep short, and the loop ends. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if ((err = start(&b))) {
		finish(&b);
		return err;
	}
	bot_mix_init(&b.mix, o.mix, o.order_pct, o.window_ms, o.seed);
	start_ns = rlc_now_ns();
	end = start_ns + (uint64_t)(o.seconds * 1e9);
	err = 0;
	/* the exchange's clock first, as ccxt's adjustForTimeDifference does */
	if (o.url)
		err = one_call(&b, &bot_time_call, end);
	while (!stop && !err && rlc_now_ns() < end) {
		c = bot_mix_next(&b.mix, exchange_now_ms(&b), &think_ms);
		if (think_ms)
			pause_ns(think_ms * MS);
		if (stop || rlc_now_ns() >= end)
			break;
		err = one_call(&b, c, end);
	}
	if (err)
		fprintf(stderr, "rlc-demo-bot: %s: %s\n", o.name, strerror(-err));
	if (finish(&b) && !err)
		err = 1;
	print_totals(&b, start_ns);
	return err ? 1 : 0;
}
