/* SPDX-License-Identifier: MIT */
/*
 * rlc/clock.h - the one clock every rlc process agrees on.
 *
 * CLOCK_MONOTONIC is system-wide, never steps, and is read through the vDSO
 * without a system call.  All segment times are its nanoseconds.
 */
#ifndef RLC_CLOCK_H
#define RLC_CLOCK_H

#include <stdint.h>
#include <time.h>

#define RLC_NS_PER_SEC UINT64_C(1000000000)

/* Now, in CLOCK_MONOTONIC nanoseconds.  Wait-free. */
static inline uint64_t rlc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RLC_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * Now, in CLOCK_REALTIME nanoseconds since the Unix epoch: the clock the
 * exchanges' aligned intervals follow (rlc/fixed.h), read only for them.
 */
static inline uint64_t rlc_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * RLC_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

#endif /* RLC_CLOCK_H */
