/* SPDX-License-Identifier: MIT */
/*
 * rlc/client.h - the clients table: who is drawing from the segment.
 *
 * A record is free while its state word is 0.  A process claims one by CAS
 * 0 -> (pid << 2 | CLAIMING), fills in its start time and name, then
 * release-stores (pid << 2 | LIVE).  Readers acquire-load the state and read
 * the rest only when it says LIVE.  A record whose process is gone (no such
 * pid, or a pid reused by a process with another start time) may be taken
 * back by anyone with a CAS from the exact state it saw, so a record is never
 * freed twice and a crash while claiming leaks nothing for good.
 */
#ifndef RLC_CLIENT_H
#define RLC_CLIENT_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "segment.h"

/*
 * Start time of process `pid` in clock ticks since boot (field 22 of
 * /proc/<pid>/stat), or 0 when it cannot be read.  Together with the pid it
 * names one process for the life of the host.
 */
static inline uint64_t rlc_proc_start_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks = 0;
	size_t n;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and parentheses: skip past the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
		return 0;
	return (uint64_t)ticks;
}

static inline pid_t rlc_client_pid(uint64_t state)
{
	return (pid_t)(state >> 2);
}

/* Is the process that wrote `state` (and `ticks`, once LIVE) still running? */
static inline int rlc_client_state_alive(uint64_t state, uint64_t ticks)
{
	pid_t pid = rlc_client_pid(state);

	if (state == 0)
		return 0;
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 0;
	/* While CLAIMING the start time is not written yet: trust the pid. */
	if ((state & RLC_CLIENT_PHASE_MASK) != RLC_CLIENT_LIVE || ticks == 0)
		return 1;
	return rlc_proc_start_ticks(pid) == ticks;
}

/*
 * Free the record if its process is gone.  Lock-free: a failed CAS means the
 * record changed hands, which is someone else's progress.  Returns 1 when it
 * freed the record, 0 otherwise.
 */
static inline int rlc_client_reap(struct rlc_client *c)
{
	/* Pairs with the release store that made the record LIVE. */
	uint64_t state = rlc__load_acquire(&c->state);
	uint64_t ticks = rlc__load_relaxed(&c->start_ticks);

	if (state == 0 || rlc_client_state_alive(state, ticks))
		return 0;
	/* Strong, so one sweep never skips a dead record; release: our reads of
	 * the dead record happen before its reuse. */
	return RLC__NS atomic_compare_exchange_strong_explicit(&c->state, &state, UINT64_C(0),
							       RLC__ORDER(release),
							       RLC__ORDER(relaxed))
		       ? 1
		       : 0;
}

/* Copy `name` (truncated, NUL-padded) into a record's name words. */
static inline void rlc__client_set_name(struct rlc_client *c, const char *name)
{
	char text[RLC_CLIENT_NAME_MAX] = {0};
	uint64_t word;
	unsigned i;

	if (name)
		strncpy(text, name, sizeof(text) - 1);
	for (i = 0; i < RLC_CLIENT_NAME_MAX / 8; i++) {
		memcpy(&word, text + 8 * i, 8);
		rlc__store_relaxed(&c->name[i], word);
	}
}

/* Read a LIVE record's name into `out` (RLC_CLIENT_NAME_MAX bytes). */
static inline void rlc_client_name(const struct rlc_client *c, char *out)
{
	uint64_t word;
	unsigned i;

	for (i = 0; i < RLC_CLIENT_NAME_MAX / 8; i++) {
		word = rlc__load_relaxed(&c->name[i]);
		memcpy(out + 8 * i, &word, 8);
	}
	out[RLC_CLIENT_NAME_MAX - 1] = '\0';
}

static inline int rlc__client_try_claim(struct rlc_client *c, uint64_t seen, pid_t pid,
					uint64_t ticks, const char *name)
{
	uint64_t claiming = ((uint64_t)pid << 2) | RLC_CLIENT_CLAIMING;

	/* Acquire on success: the previous owner's writes happen before ours. */
	if (!rlc__cas_acq_rel(&c->state, &seen, claiming))
		return 0;
	rlc__store_relaxed(&c->start_ticks, ticks);
	rlc__client_set_name(c, name);
	rlc__store_relaxed(&c->grants, UINT64_C(0));
	rlc__store_relaxed(&c->refusals, UINT64_C(0));
	rlc__store_relaxed(&c->weight, UINT64_C(0));
	rlc__store_relaxed(&c->refunded, UINT64_C(0));
	/* Publishes the fields above; pairs with readers' acquire of state. */
	rlc__store_release(&c->state, ((uint64_t)pid << 2) | RLC_CLIENT_LIVE);
	return 1;
}

/*
 * Claim a record for process `pid` named `name`: a free one first, else one
 * whose process is gone.  Lock-free.  Returns the record's index, or -ENOSPC
 * when every record belongs to a running process.
 */
static inline int rlc_client_claim(struct rlc_client *clients, uint32_t count, pid_t pid,
				   const char *name)
{
	uint64_t ticks = rlc_proc_start_ticks(pid);
	uint32_t i;

	for (i = 0; i < count; i++)
		if (rlc__load_relaxed(&clients[i].state) == 0 &&
		    rlc__client_try_claim(&clients[i], 0, pid, ticks, name))
			return (int)i;
	for (i = 0; i < count; i++) {
		/* Pairs with the release store that made the record LIVE. */
		uint64_t state = rlc__load_acquire(&clients[i].state);

		if (state != 0 &&
		    !rlc_client_state_alive(state, rlc__load_relaxed(&clients[i].start_ticks)) &&
		    rlc__client_try_claim(&clients[i], state, pid, ticks, name))
			return (int)i;
	}
	return -ENOSPC;
}

/* Give a record back; its owner calls this once, at close. */
static inline void rlc_client_release(struct rlc_client *c)
{
	/* Release: our last counter stores happen before the record's reuse. */
	rlc__store_release(&c->state, UINT64_C(0));
}

#endif /* RLC_CLIENT_H */
