/* SPDX-License-Identifier: MIT */
/*
 * Laying a configuration out as a segment (rlc/segment.h), and telling
 * whether an existing segment already holds that layout.  Pure functions on
 * memory: creating and mapping the shm object is shm.c's business.
 */
#ifndef RLCD_LAYOUT_H
#define RLCD_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * The grantable capacity and the step (window slot width, bucket ns per
 * unit, 0 for fixed) of one limit, after checking every range of it: its
 * interval (whole seconds for fixed, with the guard span below it) and its
 * reserves.  Returns 0, or -EINVAL with a reason naming the key at fault.
 */
int rlc_limit_derive(const struct rlc_limit_config *lc, uint32_t *effective, uint64_t *step_ns,
		     char *why, size_t len);

/*
 * Records `count` of `rec` bytes at `off` in a and b: the first whose
 * bytes [from, to) differ, or RLC_NONE.
 */
uint32_t rlc_layout_first_difference(const void *a, const void *b, uint64_t off, uint32_t count,
				     size_t rec, size_t from, size_t to);

/* A bucket's capacity x step in ms, rounded up (its record's burst_max_ms); else 0. */
uint32_t rlc_layout_burst_ms(const struct rlc_limit *l);

/* Bytes a segment for `cfg` needs, or 0 when the tables would not fit. */
size_t rlc_layout_size(const struct rlc_config *cfg);

/*
 * Lay `cfg` out in `size` zeroed bytes at `base` (size from
 * rlc_layout_size), with every window's epochs starting at `now_ns`.  Does
 * not publish: call rlc_layout_publish once the rlcd fields are set.
 * Returns 0, or -EINVAL with a reason.
 */
int rlc_layout_init(void *base, size_t size, const struct rlc_config *cfg, uint64_t now_ns,
		    char *why, size_t len);

/* Release-store `ready`: the segment becomes visible to clients. */
void rlc_layout_publish(void *base);

/*
 * Does the valid segment at `base` hold exactly the tables of `cfg` (every
 * immutable byte of every record, names included, as rlc_layout_init would
 * write them), so that an rlcd may adopt it and keep every count?  Returns
 * 0; -ESTALE with the first difference in `why`; -ENOMEM.
 */
int rlc_layout_compatible(const void *base, size_t size, const struct rlc_config *cfg, char *why,
			  size_t len);

#endif /* RLCD_LAYOUT_H */
