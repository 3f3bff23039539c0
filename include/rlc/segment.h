/* SPDX-License-Identifier: MIT */
/*
 * rlc/segment.h - layout v2 of the shared-memory segment, and its validator.
 *
 *   [header 320 B][limits 192 B each][slots 8 B each][scopes 128 B each]
 *   [clients 256 B each][names 64 B each][exchanges 128 B each]
 *   [modes 64 B each][accounts 64 B each][endpoints 64 B each][links 256 B each]
 *   [endpoint outcomes 128 B each, one per endpoint]
 *   [endpoint counters 64 B each, one per endpoint]
 *
 * The exchange catalog (exchanges, modes, accounts, endpoints and their
 * weight rules) is validated by rlc/catalog.h.
 *
 * Only rlcd creates or lays out a segment.  It writes everything, then
 * release-stores `ready`; a process that acquire-loads `ready` equal to
 * RLC_READY sees the whole layout.  Every offset and count is checked by
 * rlc_segment_check() before anything else reads them, so a truncated or
 * garbage segment gives an error, never a wild access.
 *
 * Fields above the `ready` line are immutable once published.  Everything
 * below it, and every rlc_word, may change under the reader's feet.
 *
 * The configuration fields of the records (what rlcd(8) may change in
 * place on a reload: capacities, buffers, reserves, weights, modes,
 * endpoints) are written only by rlcd, inside the header's `config_seq`
 * seqlock: it goes odd, the fields are rewritten, it goes even again.  A
 * process copies them while config_seq is even and unchanged across the
 * copy (rlc/reload.h), and keeps using its copy until the next even value.
 */
#ifndef RLC_SEGMENT_H
#define RLC_SEGMENT_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"

#define RLC_MAGIC UINT64_C(0x31304745534c4352) /* "RLCSEG01" little-endian */
#define RLC_READY UINT64_C(0x5944414552434c52) /* "RLCREADY" */
#define RLC_LAYOUT_MAJOR 2u
#define RLC_LAYOUT_MINOR 2u
#define RLC_CACHELINE 64u

#define RLC_NAME_MAX 64u /* bytes per name record, NUL included */
#define RLC_CLIENT_NAME_MAX 32u

/* A window word packs (epoch:40, count:24); counts saturate, never wrap. */
#define RLC_COUNT_BITS 24u
#define RLC_COUNT_MAX ((UINT64_C(1) << RLC_COUNT_BITS) - 1u)
#define RLC_EPOCH_MAX ((UINT64_C(1) << (64u - RLC_COUNT_BITS)) - 1u)

/* Table bounds a validator accepts; generous, but they cap every loop. */
#define RLC_LIMITS_MAX 4096u
#define RLC_SCOPES_MAX 4096u
#define RLC_CLIENTS_MAX 4096u
#define RLC_NAMES_MAX 16384u
#define RLC_SLOTS_PER_LIMIT_MAX 4096u
#define RLC_SLOTS_MAX (1u << 22)
#define RLC_EXCHANGES_MAX 64u
#define RLC_ACCOUNTS_MAX 1024u
#define RLC_ENDPOINTS_MAX 4096u

/*
 * Time bounds of a limit, checked by rlcd's configuration and again by the
 * validator: every time sum on them stays far from 64-bit wrap.  The
 * exchanges' longest documented interval is a day; a week is the cap.
 */
#define RLC_INTERVAL_MIN_NS UINT64_C(1000000)                  /* 1 ms */
#define RLC_INTERVAL_MAX_NS (UINT64_C(7) * 86400 * 1000000000) /* 7 days */
#define RLC_STEP_MIN_NS UINT64_C(100000)       /* narrowest window slot, 100 us */

enum rlc_algorithm {
	RLC_ALGO_WINDOW = 1, /* sliding ring of slots: N per rolling W */
	RLC_ALGO_BUCKET = 2, /* GCRA: burst N, refilled at N per W */
	RLC_ALGO_FIXED = 3,  /* intervals aligned to the exchange clock, see rlc/fixed.h */
};

/* Request priorities: a lower number is a higher priority. */
enum rlc_priority {
	RLC_PRIO_CRITICAL = 0, /* cancels, reduce-only orders */
	RLC_PRIO_HIGH = 1,     /* new orders */
	RLC_PRIO_NORMAL = 2,   /* account reads */
	RLC_PRIO_LOW = 3,      /* market data */
};
#define RLC_PRIOS 4u
#define RLC_LINK_MAX 8u    /* limits one request may count against */
#define RLC_MODES_MAX 8u   /* per exchange, `normal` (index 0) included */
#define RLC_CLAUSES_MAX 3u /* per weight rule */
#define RLC_TIERS_MAX 6u   /* per clause */
#define RLC_PARAM_MAX 32u  /* bytes of a parameter name, NUL included */
#define RLC_NONE UINT32_MAX /* "no such record" in a reference field */

/* Fixed intervals: whole seconds from 1 s to 1 day (rlc/fixed.h). */
#define RLC_FIXED_MIN_NS UINT64_C(1000000000)
#define RLC_FIXED_MAX_NS (UINT64_C(86400) * 1000000000)

struct rlc_header {
	/* Immutable once `ready` is published. */
	uint64_t magic;
	uint32_t layout_major;
	uint32_t layout_minor;
	uint64_t size;       /* bytes, must equal the mapping */
	uint64_t created_ns; /* CLOCK_MONOTONIC when laid out */
	uint64_t limits_off;
	uint64_t slots_off;
	uint64_t scopes_off;
	uint64_t clients_off;
	uint64_t names_off;
	uint64_t exchanges_off;
	uint64_t accounts_off;
	uint64_t endpoints_off;
	uint64_t links_off;
	uint64_t modes_off;
	uint32_t limits_count;
	uint32_t slots_count;
	uint32_t scopes_count;
	uint32_t clients_count;
	uint32_t names_count;
	uint32_t exchanges_count;
	uint32_t accounts_count;
	uint32_t endpoints_count;
	uint32_t links_count;
	uint32_t modes_count;
	uint64_t outcomes_off; /* one struct rlc_outcomes per endpoint */
	uint64_t counters_off; /* one struct rlc_endpoint_counters per endpoint */
	uint8_t pad0[24];

	/* Published and maintained by rlcd. */
	rlc_word ready;               /* RLC_READY, release-stored last */
	rlc_word rlcd_pid;            /* 0 after a clean rlcd exit */
	rlc_word rlcd_start_ns;       /* CLOCK_MONOTONIC when rlcd started */
	rlc_word heartbeat_ns;        /* CLOCK_MONOTONIC of rlcd's last beat */
	rlc_word heartbeat_period_ns; /* how often rlcd beats */
	rlc_word generation;          /* +1 each time an rlcd takes over */
	rlc_word shm_dev;             /* st_dev of the file rlcd serves */
	rlc_word shm_ino;             /* st_ino of it: rlctl compares its own */
	rlc_word detached_ns;         /* when rlcd saw the name point elsewhere; 0 */
	rlc_word config_seq;          /* seqlock of the configuration fields, 2 per reload */
	uint8_t pad1[48];
};

struct rlc_limit {
	/* Hot line: every grant reads it and CASes state. */
	rlc_word state; /* window: head (epoch, count); bucket: TAT ns; fixed: even interval */
	rlc_word sum;   /* window: (head epoch, completed-slot sum) cache; fixed: odd interval */
	rlc_word frees; /* window: (epoch, epochs until its oldest grant leaves) cache */
	/* waiting[p]: until when a waiter of priority p holds lower priorities
	 * back (CLOCK_MONOTONIC ns, raised by atomic max), and waiting[3] the
	 * latest of them, one load for the common case; see rlc/priority.h */
	rlc_word waiting[RLC_PRIOS];
	rlc_word grants; /* grants that took weight from it: on the line a grant holds */

	/* Configuration, immutable once published. */
	uint32_t name;        /* index into names */
	uint32_t scope;       /* index into scopes */
	uint32_t algorithm;   /* enum rlc_algorithm */
	uint32_t capacity;    /* N as configured */
	uint32_t effective;   /* N x (1 - buffer): what may be granted */
	uint32_t slots;       /* window: ring slots S; else 0 */
	uint32_t slots_first; /* window: first ring slot in the slots table */
	uint32_t buffer_ppm;  /* safety buffer, parts per million */
	uint64_t interval_ns; /* W */
	uint64_t step_ns;     /* window: slot width; bucket: ns per unit; fixed: 0 */
	uint64_t origin_ns;   /* window: epoch 0 starts here */
	uint64_t latency_ns;  /* fixed: how late a request may reach the exchange */
	uint32_t exchange;    /* index into exchanges, or RLC_NONE */
	uint32_t account;     /* index into accounts, or RLC_NONE */
	uint32_t reserve_ppm[RLC_PRIOS]; /* held back from each priority, of effective */
	uint64_t clock_error_ns; /* fixed: how far the exchange-clock estimate may be off */
	uint32_t observe;        /* enum rlc_observe: the usage header that reports it */
	uint8_t pad1[4];

	/* Shared counters of the slow paths, outside the configuration. */
	rlc_word refusals; /* requests it refused */
	rlc_word refunds;  /* grants refunded on it (rlc_refund) */
	rlc_word observed; /* usage headers that raised its count (rlc_feedback) */
};

/* What a scope is: the host's IP at one exchange, or one account there. */
enum rlc_scope_kind {
	RLC_SCOPE_OTHER = 0,
	RLC_SCOPE_IP = 1,
	RLC_SCOPE_ACCOUNT = 2,
};

/*
 * Usage headers a limit can be reported by (rlc/feedback.h): the limit
 * key `header` in rlc.ini(5).
 */
enum rlc_observe {
	RLC_OBSERVE_NONE = 0,
	RLC_OBSERVE_MBX_WEIGHT = 1,  /* X-MBX-USED-WEIGHT-<n><unit>: the IP's weight */
	RLC_OBSERVE_MBX_ORDERS = 2,  /* X-MBX-ORDER-COUNT-<n><unit>: the account's orders */
	RLC_OBSERVE_BAPI = 3,        /* X-Bapi-Limit(-Status): this endpoint's, per UID */
	RLC_OBSERVE_REMAIN = 4,      /* x-mbx-used-remain-limit: this endpoint's, per second */
};

/*
 * A scope's block: blocked_until is raised by atomic max; each block_*
 * word is (blocked_until >> RLC_BLOCK_KEY_SHIFT) << 24 | 24 bits of
 * detail, raised by atomic max too, so every word holds the detail of the
 * latest block and a reader can tell words of one block from another's
 * (rlc/feedback.h).
 */
#define RLC_BLOCK_KEY_SHIFT 20u

struct rlc_scope {
	/* Shared: what the exchange said about the whole scope. */
	rlc_word blocked_until; /* CLOCK_MONOTONIC ns every request waits for; 0 */
	rlc_word block_cause;   /* key | status:10 | client index + 1:13 */
	rlc_word block_code;    /* key | the exchange's error code, 24-bit two's complement */
	rlc_word block_since;   /* key | how long before blocked_until it was set, 100 ms */
	rlc_word breaker;       /* circuit breaker: state:2 | failures:14 | time us:48 */
	rlc_word reserved0[3];
	/* Immutable. */
	uint32_t name;     /* index into names */
	uint32_t kind;     /* enum rlc_scope_kind */
	uint32_t exchange; /* index into exchanges, or RLC_NONE */
	uint32_t account;  /* index into accounts, or RLC_NONE */
	uint8_t pad0[48];
};

/* Whose error codes and bans an exchange speaks (rlc/penalty.h). */
enum rlc_dialect {
	RLC_DIALECT_GENERIC = 0,
	RLC_DIALECT_BINANCE = 1, /* Binance spot and futures, Aster */
	RLC_DIALECT_BYBIT = 2,
	RLC_DIALECT_OKX = 3,
	RLC_DIALECT_BITGET = 4,
};
#define RLC_DIALECTS 5u
#define RLC_BREAKER_FAILURES_MAX 16383u /* the breaker word's 14-bit count */
#define RLC_BREAKER_TIME_MAX_NS (UINT64_C(86400) * 1000000000) /* a day */

struct rlc_exchange {
	/* Shared words. */
	rlc_word mode;            /* (until_us:56, mode index:8); see rlc/mode.h */
	rlc_word clock_offset_ns; /* exchange clock minus CLOCK_REALTIME, two's complement */
	rlc_word clock_lo;        /* learned bounds on that offset, + 2^63; 0: none yet */
	rlc_word clock_hi;        /* + 2^63; UINT64_MAX: none yet */
	rlc_word clock_samples;   /* responses the bounds were learned from */
	rlc_word clock_parked;    /* a sample that missed the bounds, + 2^63; 0: none */
	rlc_word reserved0[2];
	/* Immutable. */
	uint32_t name;           /* index into names */
	uint32_t ip_scope;       /* index into scopes, or RLC_NONE */
	uint32_t modes_first;    /* its modes, `normal` first, in the modes table */
	uint32_t modes_count;    /* 1 .. RLC_MODES_MAX */
	uint32_t accounts_first; /* its accounts in the accounts table */
	uint32_t accounts_count;
	uint32_t endpoints_first; /* its endpoints in the endpoints table */
	uint32_t endpoints_count;
	uint32_t dialect;          /* enum rlc_dialect */
	uint32_t breaker_failures; /* consecutive failures that open the breaker; 0: never */
	uint64_t breaker_cooldown_ns; /* how long it stays open */
	uint64_t breaker_probe_ns;    /* how long a half-open probe may take */
	uint8_t pad0[8];
};

struct rlc_mode {
	uint32_t name;         /* index into names */
	uint32_t buffer_ppm;   /* the most buffer a limit keeps while on, or RLC_NONE */
	uint32_t lowest;       /* lowest priority admitted (enum rlc_priority) */
	uint32_t reserve_ppm;  /* scale of every reserve, 1000000 = as configured */
	uint64_t duration_ns;  /* how long rlctl mode sets it by default */
	uint8_t pad0[40];
};

struct rlc_account {
	uint32_t name;         /* index into names: the account's own name, "main" */
	uint32_t exchange;     /* index into exchanges */
	uint32_t scope;        /* index into scopes */
	uint32_t limits_first; /* its limits, one per account template, in order */
	uint32_t limits_count;
	uint8_t pad0[44];
};

struct rlc_endpoint {
	uint32_t name;        /* index into names: "GET /fapi/v1/depth" */
	uint32_t exchange;    /* index into exchanges */
	uint32_t links_first; /* its links in the links table */
	uint32_t links_count; /* 1 .. RLC_LINK_MAX */
	uint32_t priority;    /* default priority (enum rlc_priority) */
	uint32_t critical_if; /* index into names of a parameter, or RLC_NONE */
	uint8_t pad0[40];
};

/* How one clause of a weight rule reads its parameter; see rlc/rule.h. */
enum rlc_clause_kind {
	RLC_CLAUSE_CONST = 1, /* weight[0], always */
	RLC_CLAUSE_IF = 2,    /* weight[0] when the parameter is present */
	RLC_CLAUSE_BY = 3,    /* tiers on the parameter's integer value */
	RLC_CLAUSE_COUNT = 4, /* tiers on the number of items it lists */
	RLC_CLAUSE_EACH = 5,  /* weight[0] per item, at most `max` */
};

struct rlc_clause {
	uint32_t kind;    /* enum rlc_clause_kind */
	uint32_t param;   /* index into names, or RLC_NONE for CONST */
	uint32_t tiers;   /* BY, COUNT: 1 .. RLC_TIERS_MAX; else 1 */
	uint32_t dflt;    /* BY: the value assumed when absent, or RLC_NONE: skip */
	uint32_t max;     /* EACH: the most weight, or RLC_NONE */
	uint32_t bound[RLC_TIERS_MAX];  /* increasing upper bounds; RLC_NONE: none */
	uint32_t weight[RLC_TIERS_MAX]; /* weight of each tier */
	uint8_t pad0[12];
};

/* One limit an endpoint counts against, and the rule for its weight. */
struct rlc_link {
	uint32_t endpoint;     /* index into endpoints */
	uint32_t limit;        /* index into limits, or RLC_NONE for an account limit */
	uint32_t account_slot; /* which of each account's limits, or RLC_NONE */
	uint32_t clauses;      /* 1 .. RLC_CLAUSES_MAX */
	struct rlc_clause clause[RLC_CLAUSES_MAX];
};

/* Client state word: 0 free, else claim time, pid and phase; see rlc/client.h. */
#define RLC_CLIENT_CLAIMING UINT64_C(1)
#define RLC_CLIENT_LIVE UINT64_C(2)
#define RLC_CLIENT_PHASE_MASK UINT64_C(3)

/*
 * What came back from the requests fed back (rlc_feedback): counts by
 * outcome and response times, by bucket upper bound RLC_ELAPSED_BOUNDS_MS
 * (the last unbounded).  A client's own are written only by it; an
 * endpoint's are added to by every client.
 */
#define RLC_ELAPSED_BUCKETS 10u
#define RLC_ELAPSED_BOUNDS_MS { 1, 5, 10, 25, 50, 100, 250, 500, 1000 }

struct rlc_outcomes {
	rlc_word ok;           /* 1xx to 3xx */
	rlc_word client_error; /* 4xx but 418 and 429 */
	rlc_word limited;      /* 418 and 429 */
	rlc_word server_error; /* 5xx */
	rlc_word transport;    /* no response: timeout, connection error */
	rlc_word elapsed_ns;   /* sum of the response times fed back */
	rlc_word elapsed[RLC_ELAPSED_BUCKETS]; /* response times by bucket */
};

struct rlc_client {
	rlc_word state;       /* claimed by CAS from 0, see rlc/client.h */
	rlc_word start_ticks; /* /proc/<pid>/stat starttime, tells PID reuse */
	rlc_word name[RLC_CLIENT_NAME_MAX / 8];
	uint8_t pad0[16];
	/* Written only by the owning process, so plain relaxed stores. */
	rlc_word grants;
	rlc_word refusals;
	rlc_word weight;   /* weight granted */
	rlc_word refunded; /* weight given back */
	rlc_word waits;    /* waiting calls (rlc_acquire, rlc_reserve_wait) that slept */
	rlc_word wait_ns;  /* how long they slept, in all */
	uint8_t pad1[16];
	struct rlc_outcomes outcomes;
};

/* What the requests of one endpoint were told, added to by every client. */
struct rlc_endpoint_counters {
	rlc_word grants;
	rlc_word refusals;
	rlc_word waits;   /* waiting reserves (rlc_reserve_wait) that slept */
	rlc_word wait_ns; /* how long they slept, in all */
	rlc_word reserved0[4];
};

struct rlc_name {
	char text[RLC_NAME_MAX];
};

RLC_STATIC_ASSERT(sizeof(rlc_word) == 8, "segment words are 8 bytes");
RLC_STATIC_ASSERT(sizeof(struct rlc_header) == 320, "header is 5 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, size) == 16, "header.size");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, created_ns) == 24, "created_ns");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, limits_off) == 32, "limits_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, clients_off) == 56, "clients_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, modes_off) == 104, "modes_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, limits_count) == 112, "limits_count");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, ready) == 192, "ready on its own line");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, heartbeat_ns) == 216, "heartbeat_ns");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, generation) == 232, "generation");
RLC_STATIC_ASSERT(sizeof(struct rlc_limit) == 192, "limit is 3 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, grants) == 56, "grants on the hot line");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, refusals) == 168, "limit counters");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, counters_off) == 160, "counters_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, config_seq) == 264, "config_seq off the beat's line");
RLC_STATIC_ASSERT(sizeof(struct rlc_endpoint_counters) == 64, "endpoint counters are 1 line");
RLC_STATIC_ASSERT(offsetof(struct rlc_client, waits) == 96, "client.waits");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, sum) == 8, "limit.sum");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, frees) == 16, "limit.frees");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, waiting) == 24, "limit.waiting");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, name) == 64, "limit config line");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, interval_ns) == 96, "interval_ns");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, origin_ns) == 112, "origin_ns");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, exchange) == 128, "limit.exchange");
RLC_STATIC_ASSERT(sizeof(struct rlc_scope) == 128, "scope is 2 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_scope, name) == 64, "scope config line");
RLC_STATIC_ASSERT(sizeof(struct rlc_exchange) == 128, "exchange is 2 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_exchange, name) == 64, "exchange config line");
RLC_STATIC_ASSERT(sizeof(struct rlc_mode) == 64, "mode is 1 line");
RLC_STATIC_ASSERT(sizeof(struct rlc_account) == 64, "account is 1 line");
RLC_STATIC_ASSERT(sizeof(struct rlc_endpoint) == 64, "endpoint is 1 line");
RLC_STATIC_ASSERT(sizeof(struct rlc_clause) == 80, "clause");
RLC_STATIC_ASSERT(sizeof(struct rlc_link) == 256, "link is 4 lines");
RLC_STATIC_ASSERT(sizeof(struct rlc_outcomes) == 128, "outcomes are 2 lines");
RLC_STATIC_ASSERT(sizeof(struct rlc_client) == 256, "client is 4 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_client, outcomes) == 128, "client outcomes");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, outcomes_off) == 152, "outcomes_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_exchange, dialect) == 96, "exchange.dialect");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, observe) == 160, "limit.observe");
RLC_STATIC_ASSERT(offsetof(struct rlc_client, name) == 16, "client.name");
RLC_STATIC_ASSERT(offsetof(struct rlc_client, grants) == 64, "client counters line");
RLC_STATIC_ASSERT(sizeof(struct rlc_name) == RLC_NAME_MAX, "name record");

/* Table accessors; valid only on a segment rlc_segment_check() accepted. */
#define RLC__TABLE(type, base, off) ((type *)(void *)((unsigned char *)(base) + (off)))

/*
 * What a process keeps of the header once it has validated it.  Any process
 * in the segment's group can rewrite the header, so nothing below is read
 * from the segment again: offsets, counts and sizes come from this copy.
 */
struct rlc_layout {
	uint32_t layout_major;
	uint32_t layout_minor;
	uint64_t size; /* the mapping's own size, equal to the header's at open */
	uint64_t created_ns;
	uint64_t limits_off, slots_off, scopes_off, clients_off, names_off;
	uint64_t exchanges_off, accounts_off, endpoints_off, links_off, modes_off;
	uint64_t outcomes_off; /* endpoints_count records */
	uint64_t counters_off; /* endpoints_count records */
	uint32_t limits_count, slots_count, scopes_count, clients_count, names_count;
	uint32_t exchanges_count, accounts_count, endpoints_count, links_count, modes_count;
};

/*
 * What a process keeps of one limit: its configuration, copied and checked
 * once, and pointers to its shared words.  The algorithms read their
 * divisors, bounds and ring size from here, never from the segment, so a
 * later write to the record can change counts but never crash anyone.
 */
struct rlc_limit_view {
	rlc_word *state;   /* window: head (epoch, count); bucket: TAT ns; fixed: even interval */
	rlc_word *sum;     /* window: (epoch, completed-slot sum) cache; fixed: odd interval */
	rlc_word *frees;   /* window: (epoch, epochs until weight leaves the ring) cache */
	rlc_word *ring;    /* window: its `slots` ring words; else NULL */
	rlc_word *waiting; /* waiting[0 .. RLC_PRIOS - 1], see rlc/priority.h */
	uint64_t interval_ns;
	uint64_t step_ns;   /* window: slot width; bucket: ns per unit */
	uint64_t origin_ns; /* window: epoch 0 starts here */
	uint64_t epoch_max; /* window: the last epoch whose start fits 64 bits */
	uint64_t burst_ns;  /* bucket: the largest ceiling x step */
	uint64_t latency_ns;     /* fixed */
	uint64_t clock_error_ns; /* fixed */
	uint64_t yield_horizon_ns; /* how far ahead a waiter's mark holds back (rlc/priority.h) */
	uint32_t algorithm;
	uint32_t capacity;
	uint32_t effective; /* in mode normal */
	uint32_t slots;
	uint32_t buffer_ppm;
	uint32_t scope;    /* index into the scopes table */
	uint32_t exchange; /* index into the exchanges table, or RLC_NONE */
	uint32_t account;  /* index into the accounts table, or RLC_NONE */
	uint32_t reserve_ppm[RLC_PRIOS];
	uint32_t observe;  /* enum rlc_observe */
	/* What priority p may fill the limit to in mode m (rlc/priority.h). */
	uint32_t ceiling[RLC_MODES_MAX][RLC_PRIOS];
	char name[RLC_NAME_MAX];
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static inline int rlc__fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* The record limit view *v was read from: its state word comes first. */
static inline struct rlc_limit *rlc__limit_record(const struct rlc_limit_view *v)
{
	return (struct rlc_limit *)(void *)v->state;
}

/* N x (1 - buffer), rounded down: what a limit may grant. */
static inline uint32_t rlc_effective(uint32_t capacity, uint32_t buffer_ppm)
{
	return (uint32_t)((uint64_t)capacity * (1000000u - buffer_ppm) / 1000000u);
}

/* Is [off, off + count * rec) inside a segment of `size` bytes? */
static inline int rlc__table_fits(uint64_t off, uint64_t count, uint64_t rec, uint64_t size)
{
	return off % RLC_CACHELINE == 0 && off >= sizeof(struct rlc_header) && off <= size &&
	       count <= (size - off) / rec;
}

/* Copy name `idx` into `out` (RLC_NAME_MAX bytes) if it is a usable name. */
static inline int rlc__name_copy(const void *base, const struct rlc_layout *lay, uint32_t idx,
				 char *out)
{
	if (idx >= lay->names_count)
		return 0;
	memcpy(out, RLC__TABLE(const struct rlc_name, base, lay->names_off)[idx].text,
	       RLC_NAME_MAX);
	return memchr(out, '\0', RLC_NAME_MAX) != NULL && out[0] != '\0';
}

/*
 * Check scope `idx` and copy its name into `out` (RLC_NAME_MAX bytes).
 * Returns 0, or -EBADMSG with a reason.
 */
static inline int rlc_segment_read_scope(const void *base, const struct rlc_layout *lay,
					 uint32_t idx, char *out, char *why, size_t len)
{
	struct rlc_scope s;

	if (idx >= lay->scopes_count)
		return rlc__fail(why, len, -EBADMSG, "corrupt segment: scope %u out of range", idx);
	memcpy((void *)&s, RLC__TABLE(const struct rlc_scope, base, lay->scopes_off) + idx,
	       sizeof(s));
	if (!rlc__name_copy(base, lay, s.name, out) ||
	    s.kind > RLC_SCOPE_ACCOUNT ||
	    (s.exchange != RLC_NONE && s.exchange >= lay->exchanges_count) ||
	    (s.account != RLC_NONE && s.account >= lay->accounts_count))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: scope %u refers to records out of range", idx);
	return 0;
}

/* Scope `idx`'s name into `out` (RLC_NAME_MAX bytes): 1, or 0 if unusable. */
static inline int rlc_segment_scope_name(const void *base, const struct rlc_layout *lay,
					 uint32_t idx, char *out)
{
	struct rlc_scope s;

	if (idx >= lay->scopes_count)
		return 0;
	memcpy((void *)&s, RLC__TABLE(const struct rlc_scope, base, lay->scopes_off) + idx,
	       sizeof(s));
	return rlc__name_copy(base, lay, s.name, out);
}

/* The window's ring and time bounds, checked on the private copy `l`. */
static inline int rlc__window_check(const struct rlc_layout *lay, const struct rlc_limit *l,
				    uint32_t i, uint32_t *ring_end, char *why, size_t len)
{
	/* Rings lie in id order, each after the one before: disjoint. */
	if (l->slots < 2 || l->slots > RLC_SLOTS_PER_LIMIT_MAX || l->slots_first < *ring_end ||
	    (uint64_t)l->slots_first + l->slots > lay->slots_count)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u ring (first %u, %u slots) out of range "
				 "or overlapping another",
				 i, l->slots_first, l->slots);
	/* (S - 1) slots must cover W, and one slot may not exceed it */
	if (l->step_ns < RLC_STEP_MIN_NS || l->step_ns > l->interval_ns ||
	    l->step_ns * (uint64_t)(l->slots - 1) < l->interval_ns)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u slot width %" PRIu64
				 " ns does not fit its %" PRIu64 " ns window",
				 i, l->step_ns, l->interval_ns);
	*ring_end = l->slots_first + l->slots;
	return 0;
}

/*
 * Copy limit `i` of the segment at `base` (header already read into *lay)
 * into *v and check it: name, scope, capacities, time bounds, and a ring
 * that starts at or after `*ring_end` (advanced past it).  Reads the record
 * once, into private memory, and checks only that copy.  Returns 0 or
 * -EBADMSG with a reason naming the limit.
 */
static inline int rlc_segment_read_limit(void *base, const struct rlc_layout *lay, uint32_t i,
					 uint32_t *ring_end, struct rlc_limit_view *v, char *why,
					 size_t len)
{
	struct rlc_limit *rec = RLC__TABLE(struct rlc_limit, base, lay->limits_off) + i;
	struct rlc_limit l;
	char scope[RLC_NAME_MAX];
	int err;

	memcpy((void *)&l, rec, sizeof(l)); /* as in rlc_segment_read_header */
	memset(v, 0, sizeof(*v));
	if (!rlc__name_copy(base, lay, l.name, v->name) ||
	    !rlc_segment_scope_name(base, lay, l.scope, scope))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u refers to name %u / scope %u that is out "
				 "of range, empty or unterminated",
				 i, l.name, l.scope);
	if (l.effective == 0 || l.effective > l.capacity || l.capacity > RLC_COUNT_MAX ||
	    l.buffer_ppm >= 1000000u)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) has capacity %u / effective %u out of "
				 "range",
				 i, v->name, l.capacity, l.effective);
	if (l.interval_ns < RLC_INTERVAL_MIN_NS || l.interval_ns > RLC_INTERVAL_MAX_NS)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) interval %" PRIu64
				 " ns is outside 1 ms..7 d",
				 i, v->name, l.interval_ns);
	if (l.algorithm == RLC_ALGO_WINDOW) {
		if ((err = rlc__window_check(lay, &l, i, ring_end, why, len)))
			return err;
		v->ring = RLC__TABLE(rlc_word, base, lay->slots_off) + l.slots_first;
		v->epoch_max = (UINT64_MAX - l.origin_ns) / l.step_ns;
		if (v->epoch_max > RLC_EPOCH_MAX)
			v->epoch_max = RLC_EPOCH_MAX;
	} else if (l.algorithm == RLC_ALGO_FIXED) {
		/* whole seconds, and a guard span shorter than one interval */
		if (l.slots != 0 || l.interval_ns < RLC_FIXED_MIN_NS ||
		    l.interval_ns > RLC_FIXED_MAX_NS || l.interval_ns % RLC_FIXED_MIN_NS != 0 ||
		    l.latency_ns >= l.interval_ns || l.clock_error_ns >= l.interval_ns ||
		    l.latency_ns + 2 * l.clock_error_ns >= l.interval_ns)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: limit %u (%s) fixed interval %" PRIu64
					 " ns, latency %" PRIu64 " ns, clock error %" PRIu64
					 " ns out of range",
					 i, v->name, l.interval_ns, l.latency_ns, l.clock_error_ns);
		v->latency_ns = l.latency_ns;
		v->clock_error_ns = l.clock_error_ns;
	} else if (l.algorithm == RLC_ALGO_BUCKET) {
		/* every ceiling (at most the capacity) x step stays below 2^62,
		 * so no time sum on a burst wraps */
		if (l.slots != 0 || l.step_ns == 0 || l.step_ns > (UINT64_C(1) << 62) / l.capacity)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: limit %u (%s) bucket step %" PRIu64
					 " ns out of range",
					 i, v->name, l.step_ns);
		v->burst_ns = (uint64_t)l.effective * l.step_ns;
	} else {
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) has unknown algorithm %u", i, v->name,
				 l.algorithm);
	}
	if (l.reserve_ppm[RLC_PRIO_CRITICAL] != 0 || l.reserve_ppm[RLC_PRIO_LOW] >= 1000000u ||
	    l.reserve_ppm[RLC_PRIO_LOW] < l.reserve_ppm[RLC_PRIO_NORMAL] ||
	    l.reserve_ppm[RLC_PRIO_NORMAL] < l.reserve_ppm[RLC_PRIO_HIGH] ||
	    (l.exchange != RLC_NONE && l.exchange >= lay->exchanges_count) ||
	    (l.account != RLC_NONE && l.account >= lay->accounts_count) ||
	    l.observe > RLC_OBSERVE_REMAIN)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) has reserves, references or a usage "
				 "header out of range",
				 i, v->name);
	memcpy(v->reserve_ppm, l.reserve_ppm, sizeof(v->reserve_ppm));
	v->exchange = l.exchange;
	v->account = l.account;
	v->observe = l.observe;
	v->state = &rec->state;
	v->sum = &rec->sum;
	v->frees = &rec->frees;
	v->waiting = rec->waiting;
	v->interval_ns = l.interval_ns;
	v->step_ns = l.step_ns;
	v->origin_ns = l.origin_ns;
	v->algorithm = l.algorithm;
	v->capacity = l.capacity;
	v->effective = l.effective;
	v->slots = l.algorithm == RLC_ALGO_WINDOW ? l.slots : 0;
	v->buffer_ppm = l.buffer_ppm;
	v->scope = l.scope;
	return 0;
}

#define RLC__TABLES 12u

/* One table of the segment: its name for messages, where, how many, how big. */
struct rlc__span {
	const char *what;
	uint64_t off, count, rec;
};

static inline void rlc__spans(const struct rlc_layout *lay, struct rlc__span *t)
{
	const struct rlc__span all[RLC__TABLES] = {
		{ "limits", lay->limits_off, lay->limits_count, sizeof(struct rlc_limit) },
		{ "slots", lay->slots_off, lay->slots_count, sizeof(rlc_word) },
		{ "scopes", lay->scopes_off, lay->scopes_count, sizeof(struct rlc_scope) },
		{ "clients", lay->clients_off, lay->clients_count, sizeof(struct rlc_client) },
		{ "names", lay->names_off, lay->names_count, sizeof(struct rlc_name) },
		{ "exchanges", lay->exchanges_off, lay->exchanges_count,
		  sizeof(struct rlc_exchange) },
		{ "modes", lay->modes_off, lay->modes_count, sizeof(struct rlc_mode) },
		{ "accounts", lay->accounts_off, lay->accounts_count, sizeof(struct rlc_account) },
		{ "endpoints", lay->endpoints_off, lay->endpoints_count,
		  sizeof(struct rlc_endpoint) },
		{ "links", lay->links_off, lay->links_count, sizeof(struct rlc_link) },
		{ "outcomes", lay->outcomes_off, lay->endpoints_count,
		  sizeof(struct rlc_outcomes) },
		{ "endpoint counters", lay->counters_off, lay->endpoints_count,
		  sizeof(struct rlc_endpoint_counters) },
	};

	memcpy(t, all, sizeof(all));
}

/*
 * Is every table of *lay inside a segment of `size` bytes, and no two
 * overlapping?  Names the first that is not.
 */
static inline int rlc__tables_check(const struct rlc_layout *lay, uint64_t size, char *why,
				    size_t len)
{
	struct rlc__span t[RLC__TABLES];
	unsigned a, b;

	rlc__spans(lay, t);
	for (a = 0; a < RLC__TABLES; a++)
		if (!rlc__table_fits(t[a].off, t[a].count, t[a].rec, size))
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: %s table at offset %" PRIu64 " (%" PRIu64
					 " records) out of range",
					 t[a].what, t[a].off, t[a].count);
	/* inside the segment, so no end wraps */
	for (a = 0; a < RLC__TABLES; a++)
		for (b = a + 1; b < RLC__TABLES; b++) {
			uint64_t end_a = t[a].off + t[a].count * t[a].rec;
			uint64_t end_b = t[b].off + t[b].count * t[b].rec;

			if (t[a].count && t[b].count && t[a].off < end_b && t[b].off < end_a)
				return rlc__fail(why, len, -EBADMSG,
						 "corrupt segment: the %s and %s tables overlap",
						 t[a].what, t[b].what);
		}
	return 0;
}

/*
 * Copy the header of a mapped segment of `size` bytes into *lay and check
 * it: published, this layout major, the size of the mapping, every table
 * inside the segment and none overlapping another.  Reads only; safe on
 * garbage.  Returns 0; -EAGAIN while rlcd has not published it; -EPROTO on
 * another layout major version; -EBADMSG when it is truncated or corrupt.
 * `why`, if not NULL, receives a one-line reason.
 */
static inline int rlc_segment_read_header(const void *base, size_t size, struct rlc_layout *lay,
					  char *why, size_t len)
{
	const struct rlc_header *h = (const struct rlc_header *)base;
	struct rlc_header copy;
	uint64_t ready;

	memset(lay, 0, sizeof(*lay));
	if (size == 0)
		return rlc__fail(why, len, -EAGAIN, "segment is empty: rlcd is still creating it");
	if (size < sizeof(*h))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: %zu bytes, smaller than its %zu-byte header", size,
				 sizeof(*h));
	/* Pairs with rlcd's release store of `ready` after laying out the rest. */
	ready = rlc__load_acquire(&h->ready);
	/* (void *): the copy's atomic words are never used, only its plain fields */
	memcpy((void *)&copy, h, offsetof(struct rlc_header, ready));
	if (ready == 0)
		return rlc__fail(why, len, -EAGAIN, "segment not ready yet: rlcd is still creating it");
	if (ready != RLC_READY || copy.magic != RLC_MAGIC)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: bad magic %#" PRIx64 " or ready word %#" PRIx64,
				 copy.magic, ready);
	if (copy.layout_major != RLC_LAYOUT_MAJOR)
		return rlc__fail(why, len, -EPROTO,
				 "segment layout version %u.%u, this program speaks version %u.%u",
				 copy.layout_major, copy.layout_minor, RLC_LAYOUT_MAJOR,
				 RLC_LAYOUT_MINOR);
	if (copy.size > size)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: truncated to %zu bytes, its header says %" PRIu64,
				 size, copy.size);
	if (copy.size != size)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: header says %" PRIu64 " bytes, the file has %zu",
				 copy.size, size);
	if (copy.limits_count > RLC_LIMITS_MAX || copy.scopes_count > RLC_SCOPES_MAX ||
	    copy.clients_count > RLC_CLIENTS_MAX || copy.names_count > RLC_NAMES_MAX ||
	    copy.slots_count > RLC_SLOTS_MAX || copy.exchanges_count > RLC_EXCHANGES_MAX ||
	    copy.modes_count > RLC_EXCHANGES_MAX * RLC_MODES_MAX ||
	    copy.accounts_count > RLC_ACCOUNTS_MAX || copy.endpoints_count > RLC_ENDPOINTS_MAX ||
	    copy.links_count > RLC_ENDPOINTS_MAX * RLC_LINK_MAX)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: table counts out of range (%u limits, %u scopes, "
				 "%u clients, %u names, %u slots, %u exchanges, %u modes, "
				 "%u accounts, %u endpoints, %u links)",
				 copy.limits_count, copy.scopes_count, copy.clients_count,
				 copy.names_count, copy.slots_count, copy.exchanges_count,
				 copy.modes_count, copy.accounts_count, copy.endpoints_count,
				 copy.links_count);
	lay->layout_major = copy.layout_major;
	lay->layout_minor = copy.layout_minor;
	lay->size = copy.size;
	lay->created_ns = copy.created_ns;
	lay->limits_off = copy.limits_off;
	lay->slots_off = copy.slots_off;
	lay->scopes_off = copy.scopes_off;
	lay->clients_off = copy.clients_off;
	lay->names_off = copy.names_off;
	lay->exchanges_off = copy.exchanges_off;
	lay->accounts_off = copy.accounts_off;
	lay->endpoints_off = copy.endpoints_off;
	lay->links_off = copy.links_off;
	lay->modes_off = copy.modes_off;
	lay->outcomes_off = copy.outcomes_off;
	lay->counters_off = copy.counters_off;
	lay->limits_count = copy.limits_count;
	lay->slots_count = copy.slots_count;
	lay->scopes_count = copy.scopes_count;
	lay->clients_count = copy.clients_count;
	lay->names_count = copy.names_count;
	lay->exchanges_count = copy.exchanges_count;
	lay->accounts_count = copy.accounts_count;
	lay->endpoints_count = copy.endpoints_count;
	lay->links_count = copy.links_count;
	lay->modes_count = copy.modes_count;
	return rlc__tables_check(lay, size, why, len);
}

#endif /* RLC_SEGMENT_H */
