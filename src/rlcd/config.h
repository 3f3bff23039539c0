/* SPDX-License-Identifier: MIT */
/* rlcd configuration: what rlc.ini(5), or the built-in default, describes. */
#ifndef RLCD_CONFIG_H
#define RLCD_CONFIG_H

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
	uint32_t clients;      /* client records */
	uint64_t heartbeat_ns; /* how often rlcd beats */
	uint32_t limits_count;
	struct rlc_limit_config *limits;
};

#endif /* RLCD_CONFIG_H */
