/* SPDX-License-Identifier: MIT */
/*
 * rlc/atomic.h - the small atomic vocabulary shared by every segment access.
 *
 * The segment is shared by C11 and C++ processes, so the same words must be
 * `_Atomic uint64_t` in C and `std::atomic<uint64_t>` in C++; both are a
 * lock-free, 8-byte, 8-aligned word on every platform rlc supports, which the
 * static assertions in rlc/segment.h pin down.  Every access names its memory
 * order; the call sites say which access an acquire or release pairs with.
 */
#ifndef RLC_ATOMIC_H
#define RLC_ATOMIC_H

#include <stdint.h>

#ifdef __cplusplus
#include <atomic>
typedef std::atomic<uint64_t> rlc_word;
#define RLC__ORDER(o) (std::memory_order_##o)
#define RLC__NS std::
#define RLC_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#if __cplusplus >= 201703L
static_assert(std::atomic<uint64_t>::is_always_lock_free,
	      "rlc needs always-lock-free 64-bit atomics: a segment word may not hide a lock");
#else /* C++11 and C++14 have the macro only */
static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
	      "rlc needs always-lock-free 64-bit atomics: a segment word may not hide a lock");
#endif
#else
#include <stdatomic.h>
typedef _Atomic uint64_t rlc_word;
#define RLC__ORDER(o) (memory_order_##o)
#define RLC__NS
#define RLC_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#if ATOMIC_LLONG_LOCK_FREE != 2
#error "rlc needs always-lock-free 64-bit atomics: a segment word may not hide a lock"
#endif
#endif

/* The grant path's own steps, inlined into it whatever the optimizer's
 * size heuristics say: a call there costs more than the step. */
#if defined(__GNUC__)
#define RLC__HOT static inline __attribute__((always_inline))
#else
#define RLC__HOT static inline
#endif

/* Plain loads and stores, named by their order at the call site. */
#define rlc__load_relaxed(w) RLC__NS atomic_load_explicit((w), RLC__ORDER(relaxed))
#define rlc__load_acquire(w) RLC__NS atomic_load_explicit((w), RLC__ORDER(acquire))
#define rlc__store_relaxed(w, v) RLC__NS atomic_store_explicit((w), (v), RLC__ORDER(relaxed))
#define rlc__store_release(w, v) RLC__NS atomic_store_explicit((w), (v), RLC__ORDER(release))
/*
 * Fences of the configuration seqlock (rlc.h rlc__copy_config, rlcd's
 * rewrite).  ThreadSanitizer does not model fences and gcc refuses them
 * under it; its builds (test builds, on x86, where both fences compile to
 * no instruction) keep the compiler barrier they stand for.
 */
#if defined(__SANITIZE_THREAD__)
#define RLC__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RLC__TSAN 1
#endif
#endif
#if defined(RLC__TSAN)
#define rlc__fence_acquire() __asm__ __volatile__("" ::: "memory")
#define rlc__fence_release() __asm__ __volatile__("" ::: "memory")
#else
#define rlc__fence_acquire() RLC__NS atomic_thread_fence(RLC__ORDER(acquire))
#define rlc__fence_release() RLC__NS atomic_thread_fence(RLC__ORDER(release))
#endif
/* A counter every process adds to: one fetch-add, relaxed (a figure only). */
#define rlc__add_relaxed(w, v) RLC__NS atomic_fetch_add_explicit((w), (v), RLC__ORDER(relaxed))

/*
 * Compare-and-swap, weak (may fail spuriously; every caller loops).  On
 * failure *expected is refreshed with an acquire load, so the retry sees
 * everything published before the value it read.
 */
#define rlc__cas_acq_rel(w, expected, desired)                                  \
	RLC__NS atomic_compare_exchange_weak_explicit((w), (expected), (desired), \
						      RLC__ORDER(acq_rel),      \
						      RLC__ORDER(acquire))
#define rlc__cas_relaxed(w, expected, desired)                                  \
	RLC__NS atomic_compare_exchange_weak_explicit((w), (expected), (desired), \
						      RLC__ORDER(relaxed),      \
						      RLC__ORDER(relaxed))

/*
 * Compare-and-swap, strong (fails only when *w differs), for callers that do
 * not loop: a spurious failure would skip a record.  The orders are named at
 * the call site: rlc__cas_strong(w, &seen, next, release, relaxed).
 */
#define rlc__cas_strong(w, expected, desired, success, failure)                   \
	RLC__NS atomic_compare_exchange_strong_explicit((w), (expected), (desired), \
							RLC__ORDER(success),        \
							RLC__ORDER(failure))

#endif /* RLC_ATOMIC_H */
