/* SPDX-License-Identifier: MIT */
/* Test segments: a configuration built in code, laid out by rlcd's layout. */
#ifndef RLC_TEST_SEGMENT_FIXTURE_H
#define RLC_TEST_SEGMENT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "rlc/catalog.h" /* rlc_segment_check(), which fixture users run */

#define FIXTURE_LIMITS_MAX 16

struct fixture_config {
	struct rlc_config cfg;
	struct rlc_limit_config limits[FIXTURE_LIMITS_MAX];
};

/* An empty configuration with `clients` client records. */
void fixture_config_init(struct fixture_config *fc, uint32_t clients);

/* Add a limit of no exchange or account, without reserves; returns its id. */
uint32_t fixture_add_limit(struct fixture_config *fc, const char *name, const char *scope,
			   enum rlc_algorithm algorithm, uint32_t capacity, uint64_t interval_ns,
			   uint32_t slots);

/* Lay the configuration out in fresh 64-byte aligned heap memory, published. */
void *fixture_layout(const struct fixture_config *fc, size_t *size);

/*
 * Create POSIX shm segment `name` holding the configuration, published with
 * this process as its rlcd and a fresh heartbeat.  Aborts on failure.
 */
void fixture_create_shm(const char *name, const struct fixture_config *fc);

#endif
