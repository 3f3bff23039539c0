/* SPDX-License-Identifier: MIT */
/*
 * A configuration change applied to a published segment in place, every
 * count kept: what rlcd(8) does on SIGHUP (and at a start that adopts a
 * segment laid out from a configuration that differs only in such fields).
 * Pure functions on memory, like layout.h.
 *
 * In place: capacities, buffers, reserves, a fixed limit's latency and
 * clock error, usage headers, a bucket's interval, dialects and breaker
 * settings, every mode's settings, endpoints' priorities, critical-if and
 * weight rules.  Not: anything that moves or resizes a table or changes
 * what a count means (a limit added, removed or renamed, its algorithm,
 * a window's length or slots, a fixed limit's interval; an exchange,
 * account, mode or endpoint added, removed or renamed; the clients
 * count).  Those are refused, and the segment keeps what it had.
 */
#ifndef RLCD_RETUNE_H
#define RLCD_RETUNE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * May the valid segment at `seg` (`size` bytes) take `cfg` in place?
 * Returns 0 with cfg's layout in *want (free() it); -ESTALE with the first
 * difference no reload can apply in `why`, naming the record and field;
 * -EINVAL (cfg cannot be laid out) or -ENOMEM with a reason.
 */
int rlc_retune_plan(const void *seg, size_t size, const struct rlc_config *cfg, void **want,
		    char *why, size_t len);

/*
 * Rewrite the configuration fields of `seg` from `want` (rlc_retune_plan's)
 * inside the header's config_seq seqlock (rlc/segment.h), and carry each
 * bucket whose unit of time changed over to the new one: the tokens in use
 * are kept (rounded up), at most a full bucket.  `now_ns` is
 * CLOCK_MONOTONIC.  Returns how many limits' configuration changed.
 */
uint32_t rlc_retune_apply(void *seg, const void *want, uint64_t now_ns);

/*
 * Describe what limit `i` changes from `seg` to `want` in `out` (e.g.
 * "capacity 2400 -> 2000, effective 2160 -> 1800"); returns 0 when its
 * configuration is the same.
 */
int rlc_retune_describe(const void *seg, const void *want, uint32_t i, char *out, size_t len);

#endif /* RLCD_RETUNE_H */
