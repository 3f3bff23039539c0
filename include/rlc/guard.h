/* SPDX-License-Identifier: MIT */
/*
 * rlc/guard.h - a truncated segment must not kill the processes mapping it.
 *
 * Any process with write access can ftruncate the segment; every page past
 * the new end then raises SIGBUS in every process that touches it, in the
 * middle of a grant.  rlc_open() registers its mapping here and installs a
 * SIGBUS handler (unless it is already in place, chained to the one it
 * replaces).  On a fault inside
 * a registered mapping the handler maps anonymous zero pages over the whole
 * of it and marks it tripped; the faulting access then completes on those
 * pages, and the API call reports -EBADMSG ("segment truncated") instead of
 * its result.  A fault anywhere else goes to the previous handler, or to the
 * default action, exactly as if rlc were not there.
 *
 * Header-only C has no single instance: each translation unit that
 * includes rlc.h has its own table and handler, each chained to the one
 * installed before it, so every mapping is found by the handler of the
 * unit that registered it.  A handle keeps a pointer to its slot, so code
 * in any unit sees the trip.
 */
#ifndef RLC_GUARD_H
#define RLC_GUARD_H

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "atomic.h"

#define RLC__GUARD_SLOTS 64u /* mappings per translation unit; more go unguarded */
#define RLC__GUARD_CLAIMED UINT64_MAX /* a slot being filled */
#ifdef MAP_ANONYMOUS
#define RLC__MAP_ANONYMOUS MAP_ANONYMOUS
#else /* glibc hides it from strict POSIX builds; Linux's value on x86 and Arm */
#define RLC__MAP_ANONYMOUS 0x20
#endif

struct rlc__guard_slot {
	rlc_word base; /* 0: free; RLC__GUARD_CLAIMED: being filled */
	rlc_word size;
	rlc_word tripped;
};

struct rlc__guards {
	struct rlc__guard_slot slot[RLC__GUARD_SLOTS];
	struct sigaction previous; /* the handler rlc's replaced */
	rlc_word passing;          /* 1 while a fault is handed to `previous` */
};

static inline struct rlc__guards *rlc__guards(void)
{
	static struct rlc__guards guards;

	return &guards;
}

static inline void rlc__guard_handler(int sig, siginfo_t *si, void *ctx)
{
	struct rlc__guards *g = rlc__guards();
	uintptr_t at = (uintptr_t)si->si_addr;
	uint64_t base, size;
	unsigned i;

	for (i = 0; i < RLC__GUARD_SLOTS; i++) {
		/* Relaxed: a slot is filled before its mapping is used, by the
		 * thread that then uses it. */
		base = rlc__load_relaxed(&g->slot[i].base);
		size = rlc__load_relaxed(&g->slot[i].size);
		if (base == 0 || base == RLC__GUARD_CLAIMED || at - base >= size)
			continue;
		/* mmap is a plain system call here: safe in a handler. */
		mmap((void *)(uintptr_t)base, (size_t)size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | RLC__MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		rlc__store_relaxed(&g->slot[i].tripped, UINT64_C(1));
		return;
	}
	/* A previous handler that chains back to this one (rlc reinstalled
	 * over it) would bring the fault here again: then take the default. */
	if (rlc__load_relaxed(&g->passing) == 0) {
		rlc__store_relaxed(&g->passing, UINT64_C(1));
		if (g->previous.sa_flags & SA_SIGINFO)
			g->previous.sa_sigaction(sig, si, ctx);
		else if (g->previous.sa_handler != SIG_DFL && g->previous.sa_handler != SIG_IGN)
			g->previous.sa_handler(sig);
		else
			signal(SIGBUS, SIG_DFL);
		rlc__store_relaxed(&g->passing, UINT64_C(0));
		return;
	}
	/* The access faults again on return and takes the default action. */
	signal(SIGBUS, SIG_DFL);
}

/*
 * Install the handler unless it is in place.  Checked at every open, since
 * a program (or a test harness) may have installed its own since: rlc's
 * then chains to that one.
 */
static inline void rlc__guard_install(struct rlc__guards *g)
{
	struct sigaction sa, current;

	if (sigaction(SIGBUS, NULL, &current) != 0 ||
	    ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == rlc__guard_handler))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = rlc__guard_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	g->previous = current;
	sigaction(SIGBUS, &sa, NULL);
}

/*
 * Guard the mapping [base, base + size).  Returns its slot, or NULL when
 * the table is full (the mapping is then unguarded, as without
 * rlc/guard.h).
 */
static inline struct rlc__guard_slot *rlc_guard_add(void *base, size_t size)
{
	struct rlc__guards *g = rlc__guards();
	uint64_t expected;
	unsigned i;

	rlc__guard_install(g);
	for (i = 0; i < RLC__GUARD_SLOTS; i++) {
		expected = 0;
		/* Claim first, so that two openers never fill one slot; strong,
		 * since a spurious failure would skip a free slot. */
		if (!rlc__cas_strong(&g->slot[i].base, &expected, RLC__GUARD_CLAIMED, relaxed,
				     relaxed))
			continue;
		rlc__store_relaxed(&g->slot[i].size, (uint64_t)size);
		rlc__store_relaxed(&g->slot[i].tripped, UINT64_C(0));
		rlc__store_relaxed(&g->slot[i].base, (uint64_t)(uintptr_t)base);
		return &g->slot[i];
	}
	return NULL;
}

/* Has the mapping guarded by `slot` been replaced after a truncation? */
static inline int rlc_guard_tripped(const struct rlc__guard_slot *slot)
{
	return slot && rlc__load_relaxed(&slot->tripped) != 0;
}

/* Stop guarding `slot`'s mapping (before unmapping it). */
static inline void rlc_guard_remove(struct rlc__guard_slot *slot)
{
	if (slot)
		rlc__store_relaxed(&slot->base, UINT64_C(0));
}

#endif /* RLC_GUARD_H */
