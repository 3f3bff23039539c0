/* SPDX-License-Identifier: MIT */
/* rlcd configuration: what rlc.ini(5), or the built-in default, describes. */
#ifndef RLCD_CONFIG_H
#define RLCD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rlc/segment.h"

struct rlc_limit_config {
	char name[RLC_NAME_MAX];  /* e.g. binance-usdm.ip.weight */
	char scope[RLC_NAME_MAX]; /* e.g. binance-usdm.ip */
	enum rlc_algorithm algorithm;
	uint32_t capacity;    /* N */
	uint64_t interval_ns; /* W */
	uint32_t slots;       /* window: S; bucket: 0 */
	uint32_t buffer_ppm;  /* fraction of N held back, parts per million */
};

struct rlc_config {
	char segment[256];     /* shm name; "" means rlc_segment_name()'s default */
	mode_t mode;           /* segment permissions */
	char group[64];        /* segment group; "" keeps rlcd's */
	gid_t gid;             /* `group` resolved; meaningful only when it is set */
	uint32_t clients;      /* client records */
	uint64_t heartbeat_ns; /* how often rlcd beats */
	uint32_t limits_count;
	struct rlc_limit_config *limits;
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
 * directory, a device).
 */
int rlc_config_load(struct rlc_config *cfg, const char *path, char *why, size_t len);

/* Free what parsing allocated; safe to call twice. */
void rlc_config_free(struct rlc_config *cfg);

#endif /* RLCD_CONFIG_H */
