/* SPDX-License-Identifier: MIT */
/*
 * rlc/client.h - the clients table: who is drawing from the segment.
 *
 * The state word of a record (struct rlc_client in rlc/segment.h):
 *
 *   bits 63..24  claim time: CLOCK_MONOTONIC milliseconds, modulo 2^40
 *   bits 23..2   pid, 1 to 2^22 - 1 (Linux's PID_MAX_LIMIT is 2^22)
 *   bits  1..0   phase: RLC_CLIENT_CLAIMING or RLC_CLIENT_LIVE
 *
 * and 0 while the record is free.  A process claims a record by CAS from the
 * state it saw to (now, pid, CLAIMING), fills in its start time and name,
 * then CASes (now, pid, CLAIMING) -> (now, pid, LIVE) with release.  Readers
 * acquire-load the state and trust the rest only when it says LIVE.
 *
 * Any process in the segment's group can write any record, so a record is
 * believed only as far as it can be checked against the kernel:
 *   - a LIVE record names a running process when /proc/PID/stat shows that
 *     pid with the record's start time (pid plus start time name one process
 *     for the life of the host) and not a zombie: start time 0, another start
 *     time, no such pid, or an exited process nobody reaped is dead;
 *   - a CLAIMING record has no start time yet, so it lives only while its
 *     claim time is within RLC_CLIENT_CLAIM_MS of now and its pid exists;
 *   - any other word (pid 0, no phase, both phases) is dead.
 * A dead record may be taken back by anyone with a CAS from the exact word
 * seen, so a record is never freed twice and a crash leaks nothing for good.
 * Every loop here ends: each walks the table once.  No value read from a
 * record is used as an index, or passed to kill() unless it is a pid >= 1.
 */
#ifndef RLC_CLIENT_H
#define RLC_CLIENT_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "clock.h"
#include "segment.h"

/*
 * Records one process may hold at once.  A bot opens one handle per thread,
 * and a host's bots share one budget, so more threads buy it no requests:
 * 16 is far above what a bot needs, yet a process that leaks handles (an
 * open per request) takes at most 16 records and leaves the rest, 48 of the
 * default 64, to everyone else.  A fixed number, not a share of the table,
 * so that the threads a bot may open do not depend on the rlc.ini it meets.
 */
#define RLC_CLIENTS_PER_PROCESS 16u

/* How long a CLAIMING record is believed: a claim takes microseconds. */
#define RLC_CLIENT_CLAIM_MS UINT64_C(1000)

#define RLC__CLIENT_PID_BITS 22u
#define RLC__CLIENT_PID_MASK ((UINT64_C(1) << RLC__CLIENT_PID_BITS) - 1u)
#define RLC__CLIENT_TIME_SHIFT (2u + RLC__CLIENT_PID_BITS)
#define RLC__CLIENT_TIME_MASK ((UINT64_C(1) << (64u - RLC__CLIENT_TIME_SHIFT)) - 1u)

static inline pid_t rlc_client_pid(uint64_t state)
{
	return (pid_t)((state >> 2) & RLC__CLIENT_PID_MASK);
}

/* The claim time of a state word, or of now, in its own 40-bit clock. */
static inline uint64_t rlc__client_ms(uint64_t ns)
{
	return (ns / UINT64_C(1000000)) & RLC__CLIENT_TIME_MASK;
}

static inline uint64_t rlc__client_word(uint64_t ms, pid_t pid, uint64_t phase)
{
	return ms << RLC__CLIENT_TIME_SHIFT | ((uint64_t)pid & RLC__CLIENT_PID_MASK) << 2 | phase;
}

/*
 * Read /proc/<pid>/stat: the state letter (field 3), the thread count
 * (field 20) and the start time in clock ticks since boot (field 22).
 * Returns 0, or -errno when it cannot be opened (-ENOENT: no such process)
 * or -EIO when it does not parse; the outputs are 0 then.
 */
static inline int rlc__proc_read(pid_t pid, char *state, uint64_t *threads, uint64_t *ticks)
{
	char path[64], buf[1024], *p, letter;
	unsigned long long nthreads, start;
	size_t n;
	FILE *f;
	int field;

	*state = '\0';
	*threads = *ticks = 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and parentheses: skip past the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == '\0')
		return -EIO;
	letter = p[2];
	for (field = 2; field < 20 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu %*s %llu", &nthreads, &start) != 2)
		return -EIO;
	*state = letter;
	*threads = (uint64_t)nthreads;
	*ticks = (uint64_t)start;
	return 0;
}

/* Does /proc say that `pid` is the process that started at `ticks`? */
static inline int rlc__client_running(pid_t pid, uint64_t ticks)
{
	uint64_t threads, now_ticks;
	char st;
	int err = rlc__proc_read(pid, &st, &threads, &now_ticks);

	if (err == -ENOENT)
		/* No entry, yet the pid may exist: /proc mounted with hidepid
		 * hides other users' processes.  kill() tells (pid is 1 or more,
		 * never a process group).  A hidden process cannot be checked,
		 * so it is kept for a reader that sees it (rlcd as root). */
		return kill(pid, 0) != 0 && errno == EPERM;
	if (err)
		return 1; /* out of fds or memory: no grounds to free anything */
	/* A zombie (or a dead task) has exited; its leader alone shows Z while
	 * other threads run, so count those. */
	if ((st == 'Z' || st == 'X') && threads <= 1)
		return 0;
	return now_ticks == ticks;
}

/* Is the process that wrote `state` (and `ticks`, once LIVE) still running? */
static inline int rlc_client_state_alive(uint64_t state, uint64_t ticks)
{
	pid_t pid = rlc_client_pid(state);
	uint64_t age;

	if (pid == 0)
		return 0;
	switch (state & RLC_CLIENT_PHASE_MASK) {
	case RLC_CLIENT_LIVE:
		return ticks != 0 && rlc__client_running(pid, ticks);
	case RLC_CLIENT_CLAIMING:
		/* The claimer read the clock before its CAS, we read it after
		 * loading the CAS's word, and CLOCK_MONOTONIC is one clock for
		 * the host: a claim time ahead of now is planted, and its age,
		 * taken modulo 2^40, is huge. */
		age = (rlc__client_ms(rlc_now_ns()) - (state >> RLC__CLIENT_TIME_SHIFT)) &
		      RLC__CLIENT_TIME_MASK;
		/* Fresh, and the pid (1 or more: no process group) exists. */
		return age <= RLC_CLIENT_CLAIM_MS && (kill(pid, 0) == 0 || errno == EPERM);
	default:
		return 0;
	}
}

/*
 * Free the record if its process is gone.  Lock-free: a failed CAS means the
 * record changed hands, which is someone else's progress.  Returns 1 when it
 * freed the record, 0 otherwise.
 */
static inline int rlc_client_reap(struct rlc_client *c)
{
	/* Pairs with the release CAS that made the record LIVE: start_ticks
	 * below is the one that state published. */
	uint64_t state = rlc__load_acquire(&c->state);
	uint64_t ticks = rlc__load_relaxed(&c->start_ticks);

	if (state == 0 || rlc_client_state_alive(state, ticks))
		return 0;
	/* Strong, so one sweep never skips a dead record; release: our reads of
	 * the dead record happen before its reuse (pairs with the claimer's
	 * acquire CAS). */
	return rlc__cas_strong(&c->state, &state, UINT64_C(0), release, relaxed) ? 1 : 0;
}

/* Copy `name` (NULL is "", longer is cut at RLC_CLIENT_NAME_MAX - 1 bytes,
 * NUL-padded) into a record's name words. */
static inline void rlc__client_set_name(struct rlc_client *c, const char *name)
{
	char text[RLC_CLIENT_NAME_MAX] = {0};
	uint64_t word;
	unsigned i;

	/* A bounded copy, not strncpy: gcc warns on its truncation, and a
	 * truncation is what this wants. */
	for (i = 0; name && i < RLC_CLIENT_NAME_MAX - 1 && name[i] != '\0'; i++)
		text[i] = name[i];
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

/*
 * Take record `c`, seen holding `seen`, for (pid, ticks).  Returns 1 when it
 * is ours and LIVE, 0 when another process took it first.
 */
static inline int rlc__client_try_claim(struct rlc_client *c, uint64_t seen, pid_t pid,
					uint64_t ticks, const char *name)
{
	uint64_t claiming =
		rlc__client_word(rlc__client_ms(rlc_now_ns()), pid, RLC_CLIENT_CLAIMING);

	/* Strong: a spurious failure would skip a free record.  Acquire pairs
	 * with the release that freed it (rlc_client_release, rlc_client_reap)
	 * or made it LIVE: the previous owner's writes happen before ours. */
	if (!rlc__cas_strong(&c->state, &seen, claiming, acquire, relaxed))
		return 0;
	rlc__store_relaxed(&c->start_ticks, ticks);
	rlc__client_set_name(c, name);
	rlc__store_relaxed(&c->grants, UINT64_C(0));
	rlc__store_relaxed(&c->refusals, UINT64_C(0));
	rlc__store_relaxed(&c->weight, UINT64_C(0));
	rlc__store_relaxed(&c->refunded, UINT64_C(0));
	/* Release publishes the fields above; pairs with readers' acquire load
	 * of the state.  A CAS, not a store: a claimer stopped for longer than
	 * RLC_CLIENT_CLAIM_MS may have lost the record to a reaper, and then it
	 * is someone else's.  (Its late stores may have overwritten the new
	 * owner's start time or name: that record can then be taken back while
	 * its owner runs, which garbles per-client counters and the table's
	 * count of running clients, never a limit.) */
	return rlc__cas_strong(&c->state, &claiming,
			       (claiming & ~RLC_CLIENT_PHASE_MASK) | RLC_CLIENT_LIVE, release,
			       relaxed)
		       ? 1
		       : 0;
}

/*
 * Claim a record for process `pid` named `name` (NULL or any length; the
 * first RLC_CLIENT_NAME_MAX - 1 bytes are kept): a free one first, else one
 * whose process is gone.  Lock-free; walks the table at most three times.
 * Returns the record's index, or
 *   -EINVAL  no table, or `pid` is not 1 to 2^22 - 1;
 *   -ESRCH   the start time of `pid` cannot be read from /proc/PID/stat
 *            (is /proc mounted?): a record nobody could check is refused;
 *   -EMFILE  `pid` already holds RLC_CLIENTS_PER_PROCESS running records
 *            (threads of one process that claim at the same time may each
 *            pass this check: the bound is exact for one claim at a time);
 *   -ENOSPC  every record belongs to a running process.
 */
static inline int rlc_client_claim(struct rlc_client *clients, uint32_t count, pid_t pid,
				   const char *name)
{
	uint64_t ticks = 0, threads;
	uint32_t i, mine = 0;
	char st;

	if ((!clients && count > 0) || pid <= 0 || (uint64_t)pid > RLC__CLIENT_PID_MASK)
		return -EINVAL;
	if (rlc__proc_read(pid, &st, &threads, &ticks) != 0 || ticks == 0)
		return -ESRCH;
	for (i = 0; i < count; i++) {
		/* Pairs with the release CAS that made the record LIVE, so that
		 * start_ticks is the one it published. */
		uint64_t state = rlc__load_acquire(&clients[i].state);

		/* Ours: another handle of this process, or a claim in flight
		 * in one of its threads.  A LIVE record of our pid with another
		 * start time is an earlier process's, and dead. */
		if (rlc_client_pid(state) == pid &&
		    (((state & RLC_CLIENT_PHASE_MASK) == RLC_CLIENT_LIVE &&
		      rlc__load_relaxed(&clients[i].start_ticks) == ticks) ||
		     ((state & RLC_CLIENT_PHASE_MASK) == RLC_CLIENT_CLAIMING &&
		      rlc_client_state_alive(state, 0))))
			mine++;
	}
	if (mine >= RLC_CLIENTS_PER_PROCESS)
		return -EMFILE;
	for (i = 0; i < count; i++)
		/* Relaxed: a hint; the claim's CAS decides. */
		if (rlc__load_relaxed(&clients[i].state) == 0 &&
		    rlc__client_try_claim(&clients[i], 0, pid, ticks, name))
			return (int)i;
	for (i = 0; i < count; i++) {
		/* Pairs with the release CAS that made the record LIVE. */
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
	/* Release: our last counter stores happen before the record's reuse
	 * (pairs with the next claimer's acquire CAS). */
	rlc__store_release(&c->state, UINT64_C(0));
}

#endif /* RLC_CLIENT_H */
