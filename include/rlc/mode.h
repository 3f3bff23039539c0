/* SPDX-License-Identifier: MIT */
/*
 * rlc/mode.h - the mode word of an exchange: which named mode is on, and
 * until when.
 *
 *   word = until_us << 8 | index
 *
 * index 0 is `normal`; until_us is CLOCK_MONOTONIC in microseconds (56 bits
 * last two thousand years).  Every process reads the word on each request
 * and treats a mode whose time has passed as normal, so a mode ends on time
 * whether or not rlcd is running; rlcd also stores normal back, for rlctl.
 * The word publishes nothing but itself: relaxed loads and stores.
 */
#ifndef RLC_MODE_H
#define RLC_MODE_H

#include <errno.h>
#include <stdint.h>

#include "atomic.h"

#define RLC_MODE_NORMAL 0u
/* How often a request its mode refused looks whether the mode ended early. */
#define RLC_MODE_POLL_NS UINT64_C(100000000) /* 100 ms */

/* The word for mode `index` until `until_ns` (rounded up to a microsecond). */
static inline uint64_t rlc_mode_word(uint32_t index, uint64_t until_ns)
{
	uint64_t us = until_ns / 1000u + (until_ns % 1000u != 0);

	return index == RLC_MODE_NORMAL ? 0 : (us << 8) | (index & 0xffu);
}

/* When the mode of `word` ends, in CLOCK_MONOTONIC ns. */
static inline uint64_t rlc_mode_until(uint64_t word)
{
	uint64_t us = word >> 8;

	return us > UINT64_MAX / 1000u ? UINT64_MAX : us * 1000u;
}

/*
 * The mode in force at `now` under `word`, for an exchange of `modes`
 * modes: its index, RLC_MODE_NORMAL once it has ended.  Returns the index,
 * or -EBADMSG for an index no mode has.
 */
static inline int rlc_mode_current(uint64_t word, uint64_t now, uint32_t modes)
{
	uint32_t index = (uint32_t)(word & 0xffu);

	if (index == RLC_MODE_NORMAL || rlc_mode_until(word) <= now)
		return (int)RLC_MODE_NORMAL;
	return index < modes ? (int)index : -EBADMSG;
}

#endif /* RLC_MODE_H */
