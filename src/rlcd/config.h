/* SPDX-License-Identifier: MIT */
/* rlcd configuration: what rlc.ini(5), or the built-in default, describes. */
#ifndef RLCD_CONFIG_H
#define RLCD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rlc/segment.h"

#include "metrics_addr.h"

struct rlc_limit_config {
	char name[RLC_NAME_MAX];  /* e.g. binance-usdm.ip.weight, binance-usdm.main.orders-10s */
	char scope[RLC_NAME_MAX]; /* e.g. binance-usdm.ip */
	enum rlc_algorithm algorithm;
	uint32_t capacity;    /* N */
	uint64_t interval_ns; /* W */
	uint32_t slots;       /* window: S; else 0 */
	uint32_t buffer_ppm;  /* fraction of N held back, parts per million */
	uint32_t reserve_ppm[RLC_PRIOS]; /* [RLC_PRIO_CRITICAL] is 0 */
	uint64_t latency_ns;     /* fixed */
	uint64_t clock_error_ns; /* fixed */
	uint32_t exchange; /* index into rlc_config.exchanges, or RLC_NONE */
	uint32_t account;  /* index into rlc_config.accounts, or RLC_NONE */
	enum rlc_scope_kind kind; /* of its scope */
	uint32_t observe;         /* enum rlc_observe: the usage header that reports it */
};

struct rlc_mode_config {
	char name[RLC_NAME_MAX]; /* "burst"; index 0 of every exchange is "normal" */
	uint32_t buffer_ppm;     /* or RLC_NONE: each limit keeps its own */
	uint32_t lowest;         /* enum rlc_priority */
	uint32_t reserve_ppm;    /* scale of the reserves; 1000000 keeps them */
	uint64_t duration_ns;
};

struct rlc_exchange_config {
	char name[RLC_NAME_MAX];
	int64_t clock_offset_ns; /* exchange clock minus UTC, the segment word's first value */
	uint32_t dialect;        /* enum rlc_dialect */
	uint32_t breaker_failures; /* consecutive failures that open the breaker; 0: none */
	uint64_t breaker_cooldown_ns;
	uint64_t breaker_probe_ns;
	uint32_t modes_count;    /* normal included */
	struct rlc_mode_config modes[RLC_MODES_MAX];
};

struct rlc_account_config {
	char name[RLC_NAME_MAX]; /* "main" */
	uint32_t exchange;
	uint32_t limits_first; /* its limits in rlc_config.limits, one per template, in order */
	uint32_t limits_count;
};

struct rlc_link_config {
	uint32_t limit;        /* index into rlc_config.limits, or RLC_NONE */
	uint32_t account_slot; /* which of each account's limits, or RLC_NONE */
	uint32_t clauses;
	struct rlc_clause_config {
		enum rlc_clause_kind kind;
		char param[RLC_PARAM_MAX]; /* "" for CONST */
		uint32_t tiers;
		uint32_t dflt; /* BY: or RLC_NONE */
		uint32_t max;  /* EACH: or RLC_NONE */
		uint32_t bound[RLC_TIERS_MAX];
		uint32_t weight[RLC_TIERS_MAX];
	} clause[RLC_CLAUSES_MAX];
};

struct rlc_endpoint_config {
	char name[RLC_NAME_MAX]; /* "GET /fapi/v1/depth" */
	uint32_t exchange;
	uint32_t priority;
	char critical_if[RLC_PARAM_MAX]; /* "" for none */
	uint32_t links_count;
	struct rlc_link_config links[RLC_LINK_MAX];
};

struct rlc_config {
	char segment[256];     /* shm name; "" means rlc_segment_name()'s default */
	mode_t mode;           /* segment permissions */
	char group[64];        /* segment group; "" keeps rlcd's */
	gid_t gid;             /* `group` resolved; meaningful only when it is set */
	uint32_t clients;      /* client records */
	uint64_t heartbeat_ns; /* how often rlcd beats */
	struct rlc_metrics_addr metrics; /* where to serve metrics; .set 0: nowhere */
	/* Limits in segment order: every limit that is not an account's first
	 * (file order), then each account's, account by account, template order. */
	uint32_t limits_count;
	struct rlc_limit_config *limits;
	uint32_t exchanges_count;
	struct rlc_exchange_config *exchanges;
	uint32_t accounts_count; /* grouped by exchange, in exchange order */
	struct rlc_account_config *accounts;
	uint32_t endpoints_count; /* grouped by exchange, in exchange order */
	struct rlc_endpoint_config *endpoints;
};

/* Defaults of rlc.ini(5). */
#define RLC_CONFIG_MODE 0660
#define RLC_CONFIG_CLIENTS 64u
#define RLC_CONFIG_HEARTBEAT_NS UINT64_C(100000000)
#define RLC_CONFIG_SLOTS 64u
/* Heartbeat bounds: faster burns CPU for nothing, slower hides a dead rlcd. */
#define RLC_HEARTBEAT_MIN_NS UINT64_C(1000000)
#define RLC_HEARTBEAT_MAX_NS UINT64_C(60000000000)

/* etc/rlc.ini, embedded at build time (builtin_ini.c), NUL-terminated. */
extern const char rlc_config_builtin[];
extern const size_t rlc_config_builtin_size; /* without the NUL */
#define RLC_CONFIG_BUILTIN_NAME "built-in rlc.ini"

/* A configuration with every default and no limits. */
void rlc_config_defaults(struct rlc_config *cfg);

/*
 * Parse `size` bytes of rlc.ini(5) text into *cfg (which it initializes).
 * `file` names the text in messages.  Checks everything a segment needs,
 * including that the group exists and that this process may give the
 * segment to it, then lays the configuration out in private memory and
 * validates it with rlc_segment_check(), as every client will.  Returns 0;
 * -EINVAL with a one-line reason naming file, section and key in `why`,
 * every byte of it outside printable ASCII written as \xNN; -ENOMEM.  On
 * failure *cfg holds nothing to free.
 */
int rlc_config_parse(struct rlc_config *cfg, const char *text, size_t size, const char *file,
		     char *why, size_t len);

/*
 * rlc_config_parse() on the file at `path`, read whole first so that it is
 * parsed as one consistent snapshot.  Returns as rlc_config_parse(), or the
 * -errno of opening or reading it (-ENOENT when it does not exist), or
 * -EINVAL, without blocking, when it is not a regular file (a fifo, a
 * directory, a device); `why` escaped as rlc_config_parse() escapes it.
 */
int rlc_config_load(struct rlc_config *cfg, const char *path, char *why, size_t len);

/* Free what parsing allocated; safe to call twice. */
void rlc_config_free(struct rlc_config *cfg);

#endif /* RLCD_CONFIG_H */
