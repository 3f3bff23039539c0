/* SPDX-License-Identifier: MIT */
/*
 * rlc.h - client API of rlc, the shared-memory rate-limit coordinator.
 *
 * Header-only: every function is static inline, there is no library to
 * link.  Open the segment rlcd created, look each limit up by name once,
 * then grant or refuse requests by id; a grant costs one clock read and a
 * few atomic operations and never waits for another process.
 *
 * Every function returns 0 (or a non-negative value) on success and -errno
 * on failure, and leaves errno alone on the grant path.  A handle is for one
 * thread at a time; open one per thread (each registers as a client).
 */
#ifndef RLC_H
#define RLC_H

/* shm_open, kill, clock_nanosleep: POSIX.1-2008.  Include rlc.h first, or
 * build with a feature macro of your own, for this to take effect. */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rlc/bucket.h"
#include "rlc/client.h"
#include "rlc/clock.h"
#include "rlc/segment.h"
#include "rlc/window.h"

#define RLC_SEGMENT_DEFAULT "/rlc"
#define RLC_SEGMENT_ENV "RLC_SEGMENT"
#define RLC_LINK_MAX 8u     /* limits one request may count against */
#define RLC_OPEN_READONLY 1u /* map read-only, do not register a client */
#define RLC__STALE_MAX 1000u /* fresh clock reads before a head is called corrupt */

struct rlc {
	unsigned char *base;
	size_t size;
	struct rlc_header *hdr;
	struct rlc_limit *limits;
	rlc_word *slots;
	const struct rlc_scope *scopes;
	struct rlc_client *clients;
	const struct rlc_name *names;
	struct rlc_client *self; /* this process's record; NULL if read-only */
	uint32_t limits_count;
	unsigned flags;
	char why[192]; /* one-line reason the last rlc_open failed */
};

/* The outcome of a take: what to refund, or why and how long to wait. */
struct rlc_grant {
	uint64_t now_ns;   /* the limiter's timestamp for this decision */
	uint64_t retry_ns; /* refused: wait this long before it can fit */
	int32_t refused_by; /* refused: the limit id that said no; else -1 */
	uint32_t count;     /* limits taken, in id order */
	uint32_t id[RLC_LINK_MAX];
	uint32_t weight[RLC_LINK_MAX];
	uint64_t token[RLC_LINK_MAX];
};

struct rlc_usage {
	const char *name;
	const char *scope;
	uint32_t algorithm; /* enum rlc_algorithm */
	uint32_t capacity;  /* N as configured */
	uint32_t effective; /* what may be granted: N x (1 - buffer) */
	uint32_t slots;
	uint32_t buffer_ppm;
	uint64_t interval_ns;
	uint64_t used; /* weight counted now (window) or tokens in use (bucket) */
};

struct rlc_client_info {
	pid_t pid;
	int alive; /* 0: the process is gone, its record not reclaimed yet */
	char name[RLC_CLIENT_NAME_MAX];
	uint64_t grants;
	uint64_t refusals;
	uint64_t weight;
	uint64_t refunded;
};

/* The segment name: `name`, else $RLC_SEGMENT, else "/rlc". */
static inline const char *rlc_segment_name(const char *name)
{
	const char *env = getenv(RLC_SEGMENT_ENV);

	if (name && *name)
		return name;
	return env && *env ? env : RLC_SEGMENT_DEFAULT;
}

/*
 * Is `name` a usable segment name: '/' then 1 to 199 more characters, no
 * other '/'?  Returns 0, or -EINVAL with a reason quoting it in `why`.
 */
static inline int rlc_segment_name_check(const char *name, char *why, size_t len)
{
	if (name[0] == '/' && name[1] != '\0' && !strchr(name + 1, '/') && strlen(name) <= 200)
		return 0;
	snprintf(why, len,
		 "\"%.64s\" is not a segment name: '/' and 1 to 199 more characters, no other '/'",
		 name);
	return -EINVAL;
}

static inline int rlc__open_fail(struct rlc *h, int err)
{
	if (h->base)
		munmap(h->base, h->size);
	h->base = NULL;
	return err;
}

/*
 * Map segment `segment` (NULL: rlc_segment_name's default), validate it and,
 * unless RLC_OPEN_READONLY, register this process as client `client_name`.
 * Returns 0; -EINVAL for a bad name; -ENOENT when there is no such segment;
 * -EACCES; -EAGAIN while rlcd has not published it yet; -EPROTO for another
 * layout version; -EBADMSG for a corrupt one; -ENOSPC when the clients
 * table is full.  On failure h->why holds a one-line reason.
 */
static inline int rlc_open(struct rlc *h, const char *segment, const char *client_name,
			   unsigned flags)
{
	char reason[sizeof(h->why) - 64];
	const char *name;
	struct stat st;
	int fd, err, idx;

	if (!h)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	name = rlc_segment_name(segment);
	if ((err = rlc_segment_name_check(name, h->why, sizeof(h->why))))
		return err;
	h->flags = flags;
	fd = shm_open(name, (flags & RLC_OPEN_READONLY) ? O_RDONLY : O_RDWR, 0);
	if (fd < 0) {
		err = -errno;
		snprintf(h->why, sizeof(h->why), "%s: %s", name,
			 err == -ENOENT ? "no such segment (is rlcd running?)" : strerror(-err));
		return err;
	}
	if (fstat(fd, &st) != 0) {
		err = -errno;
		close(fd);
		snprintf(h->why, sizeof(h->why), "%s: %s", name, strerror(-err));
		return err;
	}
	h->size = (size_t)st.st_size;
	if (h->size > 0) {
		void *base = mmap(NULL, h->size,
				  PROT_READ | ((flags & RLC_OPEN_READONLY) ? 0 : PROT_WRITE),
				  MAP_SHARED, fd, 0);
		if (base == MAP_FAILED) {
			err = -errno;
			close(fd);
			snprintf(h->why, sizeof(h->why), "%s: mmap: %s", name, strerror(-err));
			return err;
		}
		h->base = (unsigned char *)base;
	}
	close(fd);
	err = rlc_segment_check(h->base, h->size, reason, sizeof(reason));
	if (err) {
		snprintf(h->why, sizeof(h->why), "%s: %s", name, reason);
		return rlc__open_fail(h, err);
	}
	h->hdr = (struct rlc_header *)(void *)h->base;
	h->limits = RLC__TABLE(struct rlc_limit, h->base, h->hdr->limits_off);
	h->slots = RLC__TABLE(rlc_word, h->base, h->hdr->slots_off);
	h->scopes = RLC__TABLE(const struct rlc_scope, h->base, h->hdr->scopes_off);
	h->clients = RLC__TABLE(struct rlc_client, h->base, h->hdr->clients_off);
	h->names = RLC__TABLE(const struct rlc_name, h->base, h->hdr->names_off);
	h->limits_count = h->hdr->limits_count;
	if (flags & RLC_OPEN_READONLY)
		return 0;
	idx = rlc_client_claim(h->clients, h->hdr->clients_count, getpid(), client_name);
	if (idx < 0) {
		snprintf(h->why, sizeof(h->why),
			 "%s: clients table full (%u running clients); raise clients in rlc.ini",
			 name, h->hdr->clients_count);
		return rlc__open_fail(h, idx);
	}
	h->self = &h->clients[idx];
	return 0;
}

/* Unregister and unmap.  Safe on a handle whose open failed. */
static inline void rlc_close(struct rlc *h)
{
	if (!h || !h->base)
		return;
	if (h->self)
		rlc_client_release(h->self);
	munmap(h->base, h->size);
	h->base = NULL;
	h->self = NULL;
}

/* Id of the limit called `name`, or -ENOENT; -EINVAL on a NULL argument. */
static inline int rlc_limit_id(const struct rlc *h, const char *name)
{
	uint32_t i;

	if (!h || !h->base || !name)
		return -EINVAL;
	for (i = 0; i < h->limits_count; i++)
		if (strcmp(h->names[h->limits[i].name].text, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* Own-record counters: only this process writes them, so no RMW is needed. */
static inline void rlc__count(rlc_word *counter, uint64_t by)
{
	rlc__store_relaxed(counter, rlc__load_relaxed(counter) + by);
}

static inline int rlc__take(struct rlc *h, struct rlc_limit *l, uint64_t now, uint32_t weight,
			    uint64_t *token, uint64_t *retry_ns)
{
	if (l->algorithm == RLC_ALGO_WINDOW)
		return rlc_window_take(l, h->slots + l->slots_first, now, weight, token, retry_ns);
	return rlc_bucket_take(l, now, weight, token, retry_ns);
}

static inline void rlc__give_back(struct rlc *h, struct rlc_limit *l, uint64_t token,
				  uint32_t weight)
{
	if (l->algorithm == RLC_ALGO_WINDOW)
		rlc_window_refund(l, h->slots + l->slots_first, token, weight);
	else
		rlc_bucket_refund(l, rlc_now_ns(), token, weight);
}

/* Can `weight` ever be taken from limit `id`?  0, -ENOENT or -E2BIG. */
static inline int rlc__check_take(const struct rlc *h, uint32_t id, uint32_t weight)
{
	if (id >= h->limits_count)
		return -ENOENT;
	return weight > h->limits[id].effective ? -E2BIG : 0;
}

/* Check the handle and *g; a failed call leaves no grant rlc_refund takes. */
static inline int rlc__start(const struct rlc *h, struct rlc_grant *g)
{
	if (!g)
		return -EINVAL;
	g->count = 0;
	g->refused_by = -1;
	return h && h->self ? 0 : -EINVAL;
}

/* Check a request and copy it into *g sorted by id: the fixed take order. */
static inline int rlc__prepare(const struct rlc *h, const uint32_t *ids, const uint32_t *weights,
			       unsigned n, struct rlc_grant *g)
{
	unsigned i, j;
	int err = rlc__start(h, g);

	if (err)
		return err;
	if (!ids || !weights || n == 0 || n > RLC_LINK_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		uint32_t id = ids[i], weight = weights[i];

		if ((err = rlc__check_take(h, id, weight)))
			return err;
		for (j = i; j > 0 && g->id[j - 1] >= id; j--) {
			if (g->id[j - 1] == id)
				return -EINVAL;
			g->id[j] = g->id[j - 1];
			g->weight[j] = g->weight[j - 1];
		}
		g->id[j] = id;
		g->weight[j] = weight;
	}
	g->count = n;
	return 0;
}

/*
 * After -ESTALE (another process read the clock after us), 1: take again
 * with a fresh clock read.  A fresh read fixes that at once, so a head that
 * stays in the future is corrupt, not busy: then *err becomes -EBADMSG.
 */
static inline int rlc__retake(int *err, unsigned *stale)
{
	if (*err != -ESTALE)
		return 0;
	if (++*stale < RLC__STALE_MAX)
		return 1;
	*err = -EBADMSG;
	return 0;
}

/* Record the outcome in *g and in this client's counters; returns err. */
static inline int rlc__decided(struct rlc *h, struct rlc_grant *g, int err, uint32_t by,
			       uint64_t retry_ns, uint64_t weight)
{
	if (err) {
		g->refused_by = (int32_t)by;
		g->retry_ns = retry_ns;
		rlc__count(&h->self->refusals, 1);
		return err;
	}
	g->refused_by = -1;
	g->retry_ns = 0;
	rlc__count(&h->self->grants, 1);
	rlc__count(&h->self->weight, weight);
	return 0;
}

/*
 * Take weights[i] from limit ids[i] for every i, all or nothing, now.
 * Lock-free, never blocks.  Returns 0 with *g filled for rlc_refund;
 * -EAGAIN when a limit refused, with g->refused_by and g->retry_ns (the
 * exact wait, assuming no other traffic); -EBADMSG when a limit's state is
 * corrupt (g->refused_by names it); -EOVERFLOW when a window has outlived
 * its epoch counter (see rlc_window_take); -E2BIG when a weight exceeds its
 * limit's effective capacity and can never be granted; -ENOENT for an
 * unknown id; -EINVAL for a bad argument, a duplicate id or a read-only
 * handle.
 */
static inline int rlc_try_n(struct rlc *h, const uint32_t *ids, const uint32_t *weights,
			    unsigned n, struct rlc_grant *g)
{
	uint64_t retry_ns = 0, total = 0;
	unsigned i, taken, stale = 0;
	int err = rlc__prepare(h, ids, weights, n, g);

	if (err)
		return err;
	do {
		g->now_ns = rlc_now_ns();
		for (taken = 0; taken < n; taken++) {
			err = rlc__take(h, &h->limits[g->id[taken]], g->now_ns, g->weight[taken],
					&g->token[taken], &retry_ns);
			if (err)
				break;
		}
		for (i = taken; err && i > 0; i--)
			rlc__give_back(h, &h->limits[g->id[i - 1]], g->token[i - 1], g->weight[i - 1]);
	} while (rlc__retake(&err, &stale));
	for (i = 0; i < n; i++)
		total += g->weight[i];
	return rlc__decided(h, g, err, err ? g->id[taken] : 0, retry_ns, total);
}

/*
 * rlc_try_n for a request that counts against one limit, with the same
 * returns.  Its own body, so a single grant runs no sorting or rollback.
 */
static inline int rlc_try(struct rlc *h, uint32_t id, uint32_t weight, struct rlc_grant *g)
{
	uint64_t retry_ns = 0;
	unsigned stale = 0;
	int err = rlc__start(h, g);

	if (err || (err = rlc__check_take(h, id, weight)))
		return err;
	g->count = 1;
	g->id[0] = id;
	g->weight[0] = weight;
	do {
		g->now_ns = rlc_now_ns();
		err = rlc__take(h, &h->limits[id], g->now_ns, weight, &g->token[0], &retry_ns);
	} while (rlc__retake(&err, &stale));
	return rlc__decided(h, g, err, id, retry_ns, weight);
}

/*
 * rlc_try_n, waiting (sleeping, not spinning) until it fits or until
 * `deadline_ns` (CLOCK_MONOTONIC).  Returns 0; -ETIMEDOUT when the wait would
 * pass the deadline, with g->retry_ns and g->refused_by from the last
 * refusal; or rlc_try_n's other errors at once.
 */
static inline int rlc_acquire(struct rlc *h, const uint32_t *ids, const uint32_t *weights,
			      unsigned n, uint64_t deadline_ns, struct rlc_grant *g)
{
	struct timespec until;
	uint64_t wake;
	int err;

	for (;;) {
		err = rlc_try_n(h, ids, weights, n, g);
		if (err != -EAGAIN)
			return err;
		wake = g->now_ns + g->retry_ns; /* retry_ns counts from the decision */
		if (wake > deadline_ns)
			return -ETIMEDOUT;
		until.tv_sec = (time_t)(wake / RLC_NS_PER_SEC);
		until.tv_nsec = (long)(wake % RLC_NS_PER_SEC);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
	}
}

/*
 * Give back a grant whose request was never sent.  Call it at most once per
 * grant.  Lock-free.  Returns 0, or -EINVAL for a bad handle or grant.
 */
static inline int rlc_refund(struct rlc *h, const struct rlc_grant *g)
{
	uint64_t total = 0;
	uint32_t i;

	if (!h || !h->self || !g || g->refused_by != -1 || g->count == 0 ||
	    g->count > RLC_LINK_MAX)
		return -EINVAL;
	for (i = 0; i < g->count; i++)
		if (g->id[i] >= h->limits_count)
			return -EINVAL;
	for (i = 0; i < g->count; i++) {
		rlc__give_back(h, &h->limits[g->id[i]], g->token[i], g->weight[i]);
		total += g->weight[i];
	}
	rlc__count(&h->self->refunded, total);
	return 0;
}

/* Live usage and configuration of limit `id`.  Reads only; 0 or -ENOENT. */
static inline int rlc_usage(const struct rlc *h, uint32_t id, struct rlc_usage *u)
{
	const struct rlc_limit *l;
	uint64_t now = rlc_now_ns();

	if (!h || !h->base || !u)
		return -EINVAL;
	if (id >= h->limits_count)
		return -ENOENT;
	l = &h->limits[id];
	u->name = h->names[l->name].text;
	u->scope = h->names[h->scopes[l->scope].name].text;
	u->algorithm = l->algorithm;
	u->capacity = l->capacity;
	u->effective = l->effective;
	u->slots = l->slots;
	u->buffer_ppm = l->buffer_ppm;
	u->interval_ns = l->interval_ns;
	u->used = l->algorithm == RLC_ALGO_WINDOW
			  ? rlc_window_used(l, h->slots + l->slots_first, now)
			  : rlc_bucket_used(l, now);
	return 0;
}

/*
 * Client record `idx` (0 .. hdr->clients_count - 1).  Reads the segment
 * only, and /proc to tell whether the client still runs.  Returns
 * 0 when a running client holds it, -ENOENT when it is free, -EINVAL for a
 * bad index.
 */
static inline int rlc_client_info(const struct rlc *h, uint32_t idx,
				  struct rlc_client_info *out)
{
	const struct rlc_client *c;
	uint64_t state;

	if (!h || !h->base || !out || idx >= h->hdr->clients_count)
		return -EINVAL;
	c = &h->clients[idx];
	/* Pairs with the release store that made the record LIVE. */
	state = rlc__load_acquire(&c->state);
	if ((state & RLC_CLIENT_PHASE_MASK) != RLC_CLIENT_LIVE)
		return -ENOENT;
	out->pid = rlc_client_pid(state);
	out->alive = rlc_client_state_alive(state, rlc__load_relaxed(&c->start_ticks));
	rlc_client_name(c, out->name);
	out->grants = rlc__load_relaxed(&c->grants);
	out->refusals = rlc__load_relaxed(&c->refusals);
	out->weight = rlc__load_relaxed(&c->weight);
	out->refunded = rlc__load_relaxed(&c->refunded);
	return 0;
}

#endif /* RLC_H */
