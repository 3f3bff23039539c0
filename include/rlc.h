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

#include "rlc/block.h"
#include "rlc/bucket.h"
#include "rlc/catalog.h"
#include "rlc/client.h"
#include "rlc/clock.h"
#include "rlc/fixed.h"
#include "rlc/guard.h"
#include "rlc/mode.h"
#include "rlc/offset.h"
#include "rlc/priority.h"
#include "rlc/segment.h"
#include "rlc/window.h"

#define RLC_SEGMENT_DEFAULT "/rlc"
#define RLC_SEGMENT_ENV "RLC_SEGMENT"
/* Whose segments a client trusts besides root's and its own: the owner of
 * this directory, which only root can create (systemd's RuntimeDirectory). */
#define RLC_RUNTIME_DIR "/run/rlc"
#define RLC_OPEN_READONLY 1u /* map read-only, do not register a client */
#define RLC__OPEN_MAPPED 0x100u /* rlc_open mapped it: rlc_close unmaps */

struct rlc {
	unsigned char *base;
	size_t size;              /* the mapping's own size, never the header's */
	struct rlc_header *hdr;   /* only its atomic words are read after open */
	struct rlc_layout layout; /* the header's immutable part, copied */
	struct rlc_limit_view *limits; /* private copies, one per limit */
	char (*scopes)[RLC_NAME_MAX];  /* scope names, copied */
	struct rlc_scope *scope_words; /* the scopes in the segment: only their words are read */
	struct rlc_outcomes *outcomes; /* one per endpoint, in the segment */
	struct rlc_endpoint_counters *counters; /* one per endpoint, in the segment */
	struct rlc_catalog cat;        /* exchanges, accounts, endpoints: copied */
	struct rlc_client *clients;
	struct rlc_client *self; /* this process's record; NULL if read-only */
	uint32_t limits_count;
	unsigned flags;
	struct rlc__guard_slot *guard; /* rlc/guard.h slot of the mapping; NULL: none */
	uint64_t dev; /* st_dev and st_ino of the file rlc_open mapped */
	uint64_t ino;
	uint64_t config_seq; /* the header's config_seq this copy was taken at */
	char why[384]; /* one-line reason the last failed call gave */
};

/* The outcome of a take: what to refund, or why and how long to wait. */
struct rlc_grant {
	uint64_t now_ns;   /* the limiter's timestamp for this decision */
	uint64_t retry_ns; /* refused: wait this long before it can fit */
	int32_t refused_by; /* refused: the limit id that said no; else -1 */
	uint32_t count;     /* limits taken, in id order; 0 once refunded */
	int32_t endpoint;   /* rlc_reserve: the endpoint id; else -1 */
	int32_t account;    /* rlc_reserve: the account id it counted on, or -1 */
	uint32_t priority;  /* the priority it was decided at */
	int32_t probe;      /* the scope whose half-open breaker it probes, or -1 */
	uint64_t probe_word; /* the breaker word that made it the probe (rlc/block.h) */
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
	uint64_t used; /* weight a grant would find counted now (window) or tokens in use (bucket) */
	uint64_t grants;   /* grants that took weight from it, by every process */
	uint64_t refusals; /* requests it refused */
	uint64_t refunds;  /* grants refunded on it */
	uint64_t observed; /* usage headers that raised its count */
	const char *exchange; /* its exchange's name, or NULL */
	const char *mode;     /* the exchange's mode in force, or NULL */
	uint64_t mode_until_ns; /* when that mode ends (CLOCK_MONOTONIC); 0 for normal */
	uint32_t ceiling[RLC_PRIOS]; /* what each priority may fill it to, in that mode */
};

/* One parameter of a request, as the exchange names it: "limit", "500". */
struct rlc_param {
	const char *name;
	const char *value; /* NULL: present without a value */
};

#define RLC_ACCOUNT_ONLY (-1)  /* rlc_reserve: the exchange's only account */
#define RLC_PRIO_ENDPOINT (-1) /* rlc_reserve: the endpoint's own priority */

/* What the responses fed back said (rlc_feedback(3)), as counts. */
struct rlc_outcome_counts {
	uint64_t ok;           /* 1xx to 3xx */
	uint64_t client_error; /* 4xx but 418 and 429 */
	uint64_t limited;      /* 418 and 429 */
	uint64_t server_error; /* 5xx */
	uint64_t transport;    /* no response */
	uint64_t elapsed_ns;   /* sum of the response times */
	uint64_t elapsed[RLC_ELAPSED_BUCKETS]; /* by RLC_ELAPSED_BOUNDS_MS, the last unbounded */
};

struct rlc_client_info {
	pid_t pid;
	int alive; /* 0: the process is gone, its record not reclaimed yet */
	char name[RLC_CLIENT_NAME_MAX];
	uint64_t grants;
	uint64_t refusals;
	uint64_t weight;
	uint64_t refunded;
	uint64_t waits;   /* waiting calls that slept */
	uint64_t wait_ns; /* how long they slept, in all */
	struct rlc_outcome_counts outcomes;
};

/* What one endpoint's requests were told, by every process (rlc_endpoint_counters). */
struct rlc_endpoint_counts {
	uint64_t grants;
	uint64_t refusals;
	uint64_t waits;   /* rlc_reserve_wait calls that slept */
	uint64_t wait_ns; /* how long they slept, in all */
};

/*
 * The segment name: `name` unless it is NULL, else $RLC_SEGMENT if it is
 * set, else "/rlc".  An empty name or $RLC_SEGMENT is returned as it is,
 * for rlc_segment_name_check() to refuse: a slip never selects the default.
 */
static inline const char *rlc_segment_name(const char *name)
{
	const char *env = getenv(RLC_SEGMENT_ENV);

	if (name)
		return name;
	return env ? env : RLC_SEGMENT_DEFAULT;
}

/* Up to `max` bytes of `s` into `out`, control and non-ASCII bytes as \xHH. */
static inline void rlc__quote(char *out, size_t len, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *s && max > 0 && n + 5 < len; s++, max--) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f) {
			out[n++] = (char)c;
			continue;
		}
		out[n++] = '\\';
		out[n++] = 'x';
		out[n++] = hex[c >> 4];
		out[n++] = hex[c & 15];
	}
	if (len)
		out[n < len ? n : len - 1] = '\0';
}

/*
 * Is `name` a usable segment name: '/' then 1 to 199 more characters, no
 * other '/'?  Returns 0, or -EINVAL with a reason quoting it (escaped) in
 * `why`.
 */
static inline int rlc_segment_name_check(const char *name, char *why, size_t len)
{
	char shown[4 * 64 + 1];

	if (name[0] == '/' && name[1] != '\0' && !strchr(name + 1, '/') && strlen(name) <= 200)
		return 0;
	rlc__quote(shown, sizeof(shown), name, 64);
	snprintf(why, len,
		 "\"%.160s\" is not a segment name: '/' and 1 to 199 more characters, no other '/'",
		 shown);
	return -EINVAL;
}

/* Free the handle's copy of the configuration. */
static inline void rlc__free_config(struct rlc *h)
{
	free(h->limits);
	free(h->scopes);
	rlc_catalog_free(&h->cat);
	h->limits = NULL;
	h->scopes = NULL;
	h->limits_count = 0;
}

/* Free what rlc_attach allocated and forget the mapping. */
static inline void rlc__detach(struct rlc *h)
{
	if (h->base && (h->flags & RLC__OPEN_MAPPED)) {
		rlc_guard_remove(h->guard);
		munmap(h->base, h->size);
	}
	rlc__free_config(h);
	h->base = NULL;
	h->self = NULL;
	h->guard = NULL;
}

static inline int rlc__attach_fail(struct rlc *h, int err)
{
	rlc__detach(h);
	return err;
}

/* Copy every limit and scope of the validated header into private memory. */
static inline int rlc__copy_layout(struct rlc *h)
{
	const struct rlc_layout *lay = &h->layout;
	uint64_t now = rlc_now_ns();
	uint32_t i, ring_end = 0;
	int err;

	/* calloc(0) may return NULL: ask for one element at least. */
	h->limits = (struct rlc_limit_view *)calloc(lay->limits_count ? lay->limits_count : 1,
						     sizeof(*h->limits));
	h->scopes = (char(*)[RLC_NAME_MAX])calloc(lay->scopes_count ? lay->scopes_count : 1,
						  RLC_NAME_MAX);
	if (!h->limits || !h->scopes)
		return rlc__fail(h->why, sizeof(h->why), -ENOMEM, "out of memory");
	for (i = 0; i < lay->scopes_count; i++)
		if ((err = rlc_segment_read_scope(h->base, lay, i, h->scopes[i], h->why,
						  sizeof(h->why))))
			return err;
	for (i = 0; i < lay->limits_count; i++) {
		struct rlc_limit_view *v = &h->limits[i];

		if ((err = rlc_segment_read_limit(h->base, lay, i, &ring_end, v, h->why,
						  sizeof(h->why))))
			return err;
		/* rlcd read the clock before publishing: an origin after our read
		 * (taken after acquiring `ready`) was not written by rlcd. */
		if (v->algorithm == RLC_ALGO_WINDOW && v->origin_ns > now)
			return rlc__fail(h->why, sizeof(h->why), -EBADMSG,
					 "corrupt segment: limit %u (%s) starts in the future", i,
					 v->name);
	}
	if ((err = rlc_catalog_read(h->base, lay, h->limits, &h->cat, h->why, sizeof(h->why))))
		return err;
	h->limits_count = lay->limits_count;
	return 0;
}

/*
 * Copy the configuration on the read side of rlcd's seqlock (rlc/segment.h):
 * config_seq even before the copy and unchanged after it.  Returns 0 with
 * the copy in *h and h->config_seq set; -EAGAIN when rlcd was rewriting it
 * (what was copied is left for the caller to free); or the copy's error,
 * for a configuration that was not being rewritten.
 */
static inline int rlc__copy_config(struct rlc *h)
{
	/* Pairs with rlcd's release store of the even value after rewriting:
	 * the copy sees every field of that configuration. */
	uint64_t seq = rlc__load_acquire(&h->hdr->config_seq);
	int err;

	if (seq & 1u)
		return rlc__fail(h->why, sizeof(h->why), -EAGAIN,
				 "rlcd is rewriting the configuration (a reload), or died doing "
				 "it: a restarted rlcd finishes it");
	err = rlc__copy_layout(h);
	/* The copy's loads come before the second read of config_seq: had
	 * rlcd begun rewriting, its odd store (fenced before its writes) is
	 * seen here. */
	rlc__fence_acquire();
	if (rlc__load_relaxed(&h->hdr->config_seq) != seq)
		return rlc__fail(h->why, sizeof(h->why), -EAGAIN,
				 "rlcd is rewriting the configuration (a reload)");
	h->config_seq = seq;
	return err;
}

/* How often, 1 ms apart, an open tries to copy past a reload in progress. */
#define RLC__COPY_TRIES 1000

/* rlc__copy_config, waiting out a reload rlcd is in the middle of. */
static inline int rlc__copy_config_at_open(struct rlc *h)
{
	const struct timespec ms = { 0, 1000000 };
	int err, tries = 0;

	while ((err = rlc__copy_config(h)) == -EAGAIN && ++tries < RLC__COPY_TRIES) {
		rlc__free_config(h);
		nanosleep(&ms, NULL);
	}
	return err;
}

/*
 * The slow path of rlc__refresh: take rlcd's new configuration, or keep the
 * copy in use while rlcd is still writing it (looked at again next call).
 * A new configuration that fails the checks of an open is kept out, and
 * the handle goes on with its copy: a corrupt rewrite changes nothing.
 */
static inline int rlc__refresh_slow(struct rlc *h, uint64_t seq)
{
	struct rlc next = *h;
	int err;

	next.limits = NULL;
	next.scopes = NULL;
	memset(&next.cat, 0, sizeof(next.cat));
	err = rlc__copy_config(&next);
	if (err) {
		rlc__free_config(&next);
		if (err == -EBADMSG) /* refused: not copied again until the next reload */
			h->config_seq = seq;
		return 0;
	}
	rlc__free_config(h);
	h->limits = next.limits;
	h->scopes = next.scopes;
	h->cat = next.cat;
	h->limits_count = next.limits_count;
	h->config_seq = next.config_seq;
	return 1;
}

/* Has rlcd reloaded since this handle copied the configuration?  One load. */
RLC__HOT int rlc__refresh(struct rlc *h)
{
	/* Relaxed: it only decides whether to take the slow path, whose own
	 * acquire load reads it again. */
	uint64_t seq = rlc__load_relaxed(&h->hdr->config_seq);

	return seq == h->config_seq ? 0 : rlc__refresh_slow(h, seq);
}

/*
 * Take rlcd's reloaded configuration now, if there is one (every reserve
 * and try does this first).  Names and pointers the handle gave out before
 * (rlc_usage's names, say) stay valid until the handle's next refresh.
 * Returns 1 when it took a new one, 0 when there was none (or rlcd is
 * still writing it), -EINVAL for a bad handle.
 */
static inline int rlc_refresh(struct rlc *h)
{
	if (!h || !h->base)
		return -EINVAL;
	return rlc__refresh(h);
}

/* How many times rlcd has reloaded this segment's configuration. */
static inline uint64_t rlc_reloads(const struct rlc *h)
{
	return h && h->base ? rlc__load_relaxed(&h->hdr->config_seq) / 2 : 0;
}

/*
 * Use the segment already mapped at `base` (`size` bytes, read and write
 * unless RLC_OPEN_READONLY): validate it, copy its immutable layout into
 * private memory and, unless RLC_OPEN_READONLY, register this process as
 * client `client_name`.  rlc_open() calls it; it is public for processes
 * that map the segment themselves.  From here on only the segment's atomic
 * words are read, each safe whatever it holds.  Returns as rlc_open(); on
 * failure h->why holds a one-line reason and nothing is left to free.
 */
static inline int rlc_attach(struct rlc *h, void *base, size_t size, const char *client_name,
			     unsigned flags)
{
	int err, idx;

	if (!h)
		return -EINVAL;
	if (!(flags & RLC__OPEN_MAPPED)) /* rlc_open cleared it and set the guard */
		memset(h, 0, sizeof(*h));
	h->base = (unsigned char *)base;
	h->size = size;
	h->flags = flags;
	if ((err = rlc_segment_read_header(base, size, &h->layout, h->why, sizeof(h->why))))
		return rlc__attach_fail(h, err);
	h->hdr = (struct rlc_header *)base;
	if ((err = rlc__copy_config_at_open(h)))
		return rlc__attach_fail(h, err);
	h->clients = RLC__TABLE(struct rlc_client, base, h->layout.clients_off);
	h->scope_words = RLC__TABLE(struct rlc_scope, base, h->layout.scopes_off);
	h->outcomes = RLC__TABLE(struct rlc_outcomes, base, h->layout.outcomes_off);
	h->counters = RLC__TABLE(struct rlc_endpoint_counters, base, h->layout.counters_off);
	if (flags & RLC_OPEN_READONLY)
		return 0;
	idx = rlc_client_claim(h->clients, h->layout.clients_count, getpid(), client_name);
	if (idx == -ENOSPC)
		snprintf(h->why, sizeof(h->why),
			 "clients table full (%u running clients); raise clients in rlc.ini",
			 h->layout.clients_count);
	else if (idx == -EMFILE)
		snprintf(h->why, sizeof(h->why),
			 "this process already holds %u client records (one per open handle): "
			 "open one handle per thread, and close those you are done with",
			 RLC_CLIENTS_PER_PROCESS);
	else if (idx < 0)
		snprintf(h->why, sizeof(h->why),
			 "cannot read this process's start time from /proc/self/stat: rlc "
			 "registers no client that others could not check");
	if (idx < 0)
		return rlc__attach_fail(h, idx);
	h->self = &h->clients[idx];
	return 0;
}

/* May this process trust the file `st`?  0, or -EPERM with the reason. */
static inline int rlc__trusted(const struct stat *st, char *why, size_t len)
{
	struct stat run;

	if (!S_ISREG(st->st_mode))
		return rlc__fail(why, len, -EPERM, "not a regular file (mode %06o): refusing it",
				 (unsigned)st->st_mode);
	if (st->st_mode & S_IWOTH)
		return rlc__fail(why, len, -EPERM,
				 "writable by every user (mode %04o): refusing it, since anyone could "
				 "rewrite the budget",
				 (unsigned)(st->st_mode & 07777));
	if (st->st_uid == 0 || st->st_uid == geteuid() ||
	    (stat(RLC_RUNTIME_DIR, &run) == 0 && run.st_uid == st->st_uid))
		return 0;
	return rlc__fail(why, len, -EPERM,
			 "owned by uid %u, which is not root, this process's user or the owner of "
			 RLC_RUNTIME_DIR ": refusing it",
			 (unsigned)st->st_uid);
}

/*
 * Map segment `segment` (NULL: rlc_segment_name's default), check who owns
 * it, validate it and, unless RLC_OPEN_READONLY, register this process as
 * client `client_name`.  Installs the SIGBUS guard of rlc/guard.h for the
 * mapping.  Returns 0; -EINVAL for a bad name; -ENOENT when there is no
 * such segment; -EACCES; -EPERM when it is not a regular file, is writable
 * by every user, or belongs to a user other than root, this process's or
 * the owner of /run/rlc; -EAGAIN while rlcd has not published it yet;
 * -EPROTO for another layout version; -EBADMSG for a corrupt or truncated
 * one; -ENOSPC when the clients table is full; -EMFILE when this process
 * already holds RLC_CLIENTS_PER_PROCESS records; -ESRCH when /proc cannot
 * tell this process's start time; -ENOMEM.  On failure h->why
 * holds a one-line reason.
 */
static inline int rlc_open(struct rlc *h, const char *segment, const char *client_name,
			   unsigned flags)
{
	struct rlc__guard_slot *guard;
	char reason[256];
	const char *name;
	struct stat st;
	void *base;
	int fd, err;

	if (!h)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	name = rlc_segment_name(segment);
	if ((err = rlc_segment_name_check(name, reason, sizeof(reason)))) {
		snprintf(h->why, sizeof(h->why), "%s%s", segment ? "" : "$" RLC_SEGMENT_ENV ": ",
			 reason);
		return err;
	}
	/* O_NONBLOCK: a FIFO planted under the name must not hang the open. */
	fd = shm_open(name, ((flags & RLC_OPEN_READONLY) ? O_RDONLY : O_RDWR) | O_NONBLOCK, 0);
	if (fd < 0) {
		err = -errno;
		snprintf(h->why, sizeof(h->why), "%s: %s", name,
			 err == -ENOENT ? "no such segment (is rlcd running?)" : strerror(-err));
		return err;
	}
	if (fstat(fd, &st) != 0 || (err = rlc__trusted(&st, reason, sizeof(reason)))) {
		err = err ? err : -errno;
		close(fd);
		snprintf(h->why, sizeof(h->why), "%s: %s", name,
			 err == -EPERM ? reason : strerror(-err));
		return err;
	}
	h->dev = (uint64_t)st.st_dev;
	h->ino = (uint64_t)st.st_ino;
	base = NULL;
	if (st.st_size > 0) {
		base = mmap(NULL, (size_t)st.st_size,
			    PROT_READ | ((flags & RLC_OPEN_READONLY) ? 0 : PROT_WRITE), MAP_SHARED,
			    fd, 0);
		if (base == MAP_FAILED) {
			err = -errno;
			close(fd);
			snprintf(h->why, sizeof(h->why), "%s: mmap: %s", name, strerror(-err));
			return err;
		}
	}
	close(fd);
	/* Guarded before the first read: the file may shrink at any time. */
	guard = h->guard = base ? rlc_guard_add(base, (size_t)st.st_size) : NULL;
	err = rlc_attach(h, base, (size_t)st.st_size, client_name, flags | RLC__OPEN_MAPPED);
	/* Truncated while being validated: whatever the zero pages looked like,
	 * that is the reason.  (A failed attach has removed the guard, not
	 * cleared the trip.) */
	if (rlc_guard_tripped(guard)) {
		rlc__detach(h);
		err = rlc__fail(h->why, sizeof(h->why), -EBADMSG, "segment truncated");
	}
	if (err) { /* rlc_attach unmapped it */
		snprintf(reason, sizeof(reason), "%.250s", h->why);
		snprintf(h->why, sizeof(h->why), "%.200s: %.180s", name, reason);
	}
	return err;
}

/* Unregister and unmap.  Safe on a handle whose open failed. */
static inline void rlc_close(struct rlc *h)
{
	if (!h || !h->base)
		return;
	if (h->self && !rlc_guard_tripped(h->guard))
		rlc_client_release(h->self);
	rlc__detach(h);
}

/* Id of the limit called `name`, or -ENOENT; -EINVAL on a NULL argument. */
static inline int rlc_limit_id(const struct rlc *h, const char *name)
{
	uint32_t i;

	if (!h || !h->base || !name)
		return -EINVAL;
	for (i = 0; i < h->limits_count; i++)
		if (strcmp(h->limits[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* Own-record counters: only this process writes them, so no RMW is needed. */
static inline void rlc__count(rlc_word *counter, uint64_t by)
{
	rlc__store_relaxed(counter, rlc__load_relaxed(counter) + by);
}

/* What every take of one request shares: its clock reads and priority. */
struct rlc__request {
	uint64_t now;  /* CLOCK_MONOTONIC */
	uint64_t real; /* CLOCK_REALTIME, read when a fixed limit first needs it; 0 before */
	uint32_t prio;
	/* The mode word of the last exchange a take read, and its mode:
	 * the limits of one request mostly share their exchange. */
	uint32_t exchange; /* RLC_NONE until a take read one */
	int mode;
	uint64_t word;
	uint32_t passed;    /* the last scope whose block and breaker let it through */
	uint32_t passed_ip; /* the exchange's IP scope, once it let it through */
	uint32_t probe;     /* the scope whose half-open probe it won, or RLC_NONE */
	uint64_t probe_word; /* the breaker word it stored to win it */
};

/* A request's shared state for a (re)try at clock read `now`. */
static inline void rlc__request_start(struct rlc__request *r, uint64_t now)
{
	r->now = now;
	r->real = r->word = 0;
	r->exchange = RLC_NONE;
	r->mode = (int)RLC_MODE_NORMAL;
	r->passed = r->passed_ip = RLC_NONE;
	r->probe = RLC_NONE;
	r->probe_word = 0;
}

/*
 * The mode in force for exchange *x (id `exchange`) on request *r
 * (rlc/mode.h): its index, or -EBADMSG.  Reads the word once per request
 * and exchange.
 */
static inline int rlc__mode_of(const struct rlc_exchange_view *x, uint32_t exchange,
			       struct rlc__request *r)
{
	if (r->exchange != exchange) {
		/* Self-contained word (rlc/mode.h): relaxed. */
		r->word = rlc__load_relaxed(x->mode);
		r->mode = rlc_mode_current(r->word, r->now, x->modes_count);
		r->exchange = exchange;
	}
	return r->mode;
}

/* The exchange of limit *v, or NULL. */
static inline const struct rlc_exchange_view *rlc__exchange_of(const struct rlc *h,
								const struct rlc_limit_view *v)
{
	return v->exchange != RLC_NONE ? &h->cat.exchanges[v->exchange] : NULL;
}

/* The exchange's clock now (rlc/fixed.h): CLOCK_REALTIME plus its offset. */
static inline uint64_t rlc__exchange_clock(const struct rlc_exchange_view *x,
					   struct rlc__request *r)
{
	if (!r->real)
		r->real = rlc_realtime_ns();
	/* Two's complement add (rlc/offset.h). */
	return r->real + (x ? (uint64_t)rlc__offset_of(x) : 0);
}

/*
 * Why `weight`, above limit *v's ceiling for request *r in mode `mode`, is
 * refused: -E2BIG when it fits normal's ceiling neither, else -EAGAIN until
 * the mode ends.
 */
static inline int rlc__over_ceiling(const struct rlc_limit_view *v, const struct rlc__request *r,
				    uint32_t weight, uint64_t *retry_ns)
{
	if (weight > v->ceiling[RLC_MODE_NORMAL][r->prio])
		return -E2BIG;
	*retry_ns = rlc_mode_until(r->word) - r->now; /* the mode has not ended */
	return -EAGAIN;
}

/*
 * rlc__pass_scope's slow path: scope `scope` is blocked, or its breaker has
 * counted failures (a word no exchange without a breaker writes).  A
 * request probes one breaker at most: a second that wants a probe refuses
 * it, to look again later (its probe would be held by nothing).
 */
static inline int rlc__pass_shut(const struct rlc *h, uint32_t scope,
				 const struct rlc_exchange_view *x, struct rlc__request *r,
				 uint64_t until, uint64_t *retry_ns)
{
	uint64_t probe = 0;
	int err;

	/* a block further ahead than any (RLC_BLOCK_MAX_NS) no call wrote: passed */
	if (until > r->now && until - r->now <= RLC_BLOCK_MAX_NS) {
		*retry_ns = until - r->now;
		return -ECONNREFUSED;
	}
	if (!x || !x->breaker_failures || r->probe == scope)
		return 0; /* no breaker, or this request is its probe */
	err = rlc__breaker_pass(&h->scope_words[scope].breaker, r->now, x->breaker_probe_ns,
				r->probe == RLC_NONE, &probe, retry_ns);
	if (!err && probe) { /* won the probe: a refusal after it hands it on */
		r->probe = scope;
		r->probe_word = probe;
	}
	return err;
}

/* May request *r go to scope `scope`: not blocked, and its breaker closed
 * or this request its probe?  0, or -ECONNREFUSED / -EHOSTDOWN with the
 * wait in *retry_ns. */
RLC__HOT int rlc__pass_scope(const struct rlc *h, uint32_t scope,
			    const struct rlc_exchange_view *x, struct rlc__request *r,
			    uint64_t *retry_ns)
{
	struct rlc_scope *s = &h->scope_words[scope];
	/* Self-contained words (rlc/block.h): relaxed. */
	uint64_t until = rlc__load_relaxed(&s->blocked_until);

	if (until > r->now || rlc__load_relaxed(&s->breaker) != 0)
		return rlc__pass_shut(h, scope, x, r, until, retry_ns);
	return 0;
}

/*
 * May request *r go to limit *v: its scope, and its exchange's IP scope
 * too (the IP's bans and breaker stop every request from this host,
 * whichever limits it counts on), each checked once per request.
 */
RLC__HOT int rlc__pass(const struct rlc *h, const struct rlc_limit_view *v,
		      const struct rlc_exchange_view *x, struct rlc__request *r,
		      uint64_t *retry_ns)
{
	int err;

	if (v->scope != r->passed) {
		if ((err = rlc__pass_scope(h, v->scope, x, r, retry_ns)))
			return err;
		r->passed = v->scope;
		if (x && v->scope == x->ip_scope)
			r->passed_ip = v->scope;
	}
	if (x && x->ip_scope != r->passed_ip && x->ip_scope != RLC_NONE) {
		if ((err = rlc__pass_scope(h, x->ip_scope, x, r, retry_ns)))
			return err;
		r->passed_ip = x->ip_scope;
	}
	return 0;
}

/* A refused request that won a half-open probe hands it on (rlc/block.h). */
static inline void rlc__request_refused(const struct rlc *h, struct rlc__request *r)
{
	if (r->probe != RLC_NONE)
		rlc__breaker_release(&h->scope_words[r->probe].breaker, r->probe_word);
	r->probe = RLC_NONE;
}

/*
 * Take `weight` from limit `id` for request *r: past its scopes' blocks and
 * breakers, within the ceiling of its priority in the exchange's mode,
 * behind the marks of waiting higher priorities (rlc/priority.h).  Returns
 * as the algorithm's take, or -ECONNREFUSED / -EHOSTDOWN (rlc__pass);
 * -E2BIG when the weight fits neither this mode's ceiling nor normal's;
 * -EAGAIN with the wait in *retry_ns when it fits normal's but not this
 * mode's, or when it yields; -EBADMSG for a mode word no mode has.
 */
RLC__HOT int rlc__take(const struct rlc *h, uint32_t id, struct rlc__request *r, uint32_t weight,
		      uint64_t *token, uint64_t *retry_ns)
{
	const struct rlc_limit_view *v = &h->limits[id];
	const struct rlc_exchange_view *x = rlc__exchange_of(h, v);
	uint64_t until;
	uint32_t ceiling;
	int mode, err;

	if ((err = rlc__pass(h, v, x, r, retry_ns)))
		return err;
	mode = x ? rlc__mode_of(x, v->exchange, r) : (int)RLC_MODE_NORMAL;
	if (mode < 0)
		return -EBADMSG;
	ceiling = v->ceiling[mode][r->prio];
	if (weight > ceiling)
		return rlc__over_ceiling(v, r, weight, retry_ns);
	if (rlc_priority_yield(v->waiting, r->prio, r->now, v->yield_horizon_ns, &until)) {
		*retry_ns = until - r->now;
		return -EAGAIN;
	}
	if (v->algorithm == RLC_ALGO_WINDOW)
		return rlc_window_take_under(v, r->now, weight, ceiling, token, retry_ns);
	if (v->algorithm == RLC_ALGO_BUCKET)
		return rlc_bucket_take_under(v, r->now, weight, ceiling, token, retry_ns);
	return rlc_fixed_take(v, rlc__exchange_clock(x, r), weight, ceiling, token, retry_ns);
}

static inline void rlc__give_back(const struct rlc_limit_view *v, uint64_t token, uint32_t weight)
{
	if (v->algorithm == RLC_ALGO_WINDOW)
		rlc_window_refund(v, token, weight);
	else if (v->algorithm == RLC_ALGO_BUCKET)
		rlc_bucket_refund(v, token, weight);
	else
		rlc_fixed_refund(v, token, weight);
}

/* May `weight` be asked of limit `id`?  0, -ENOENT or -EINVAL. */
static inline int rlc__check_take(const struct rlc *h, uint32_t id, uint32_t weight)
{
	if (id >= h->limits_count)
		return -ENOENT;
	if (weight == 0)
		return -EINVAL; /* a request that costs nothing needs no grant */
	return weight > h->limits[id].capacity ? -E2BIG : 0;
}

/* Has the segment been truncated under this handle (rlc/guard.h)? */
static inline int rlc__truncated(const struct rlc *h)
{
	return rlc_guard_tripped(h->guard);
}

/*
 * Check the handle and *g, and take a reloaded configuration; a failed
 * call leaves no grant rlc_refund takes.
 */
static inline int rlc__start(struct rlc *h, struct rlc_grant *g)
{
	if (!g)
		return -EINVAL;
	g->count = 0;
	g->refused_by = -1;
	g->retry_ns = 0;
	g->endpoint = -1;
	g->account = -1;
	g->priority = RLC_PRIO_NORMAL;
	g->probe = -1;
	g->probe_word = 0;
	if (!h || !h->self)
		return -EINVAL;
	rlc__refresh(h); /* a truncation: rlc__decided */
	return 0;
}

/* Add (id, weight) to *g, kept sorted by id: the fixed take order. */
static inline int rlc__add_part(struct rlc_grant *g, uint32_t id, uint32_t weight)
{
	unsigned j;

	if (g->count == RLC_LINK_MAX)
		return -EINVAL;
	for (j = g->count; j > 0 && g->id[j - 1] >= id; j--) {
		if (g->id[j - 1] == id)
			return -EINVAL;
		g->id[j] = g->id[j - 1];
		g->weight[j] = g->weight[j - 1];
	}
	g->id[j] = id;
	g->weight[j] = weight;
	g->count++;
	return 0;
}

/* Check a request and copy it into *g sorted by id. */
static inline int rlc__prepare(struct rlc *h, const uint32_t *ids, const uint32_t *weights,
			       unsigned n, struct rlc_grant *g)
{
	unsigned i;
	int err = rlc__start(h, g);

	if (err)
		return err;
	if (!ids || !weights || n == 0 || n > RLC_LINK_MAX)
		return -EINVAL;
	for (i = 0; i < n && !err; i++)
		if (!(err = rlc__check_take(h, ids[i], weights[i])))
			err = rlc__add_part(g, ids[i], weights[i]);
		else if (err == -E2BIG)
			g->refused_by = (int32_t)ids[i];
	if (err)
		g->count = 0;
	return err;
}

/*
 * After -ESTALE, 1: take again with a fresh clock read.  `seen_ns` is the
 * earliest clock read that could have written the word the take saw.  The
 * read here comes after the load that saw it, so it is at least as late as
 * any read a writer stored: if it is still earlier, no process wrote that
 * word, and *err becomes -EBADMSG.
 */
static inline int rlc__retake(int *err, uint64_t seen_ns)
{
	if (*err != -ESTALE)
		return 0;
	if (rlc_now_ns() >= seen_ns)
		return 1;
	*err = -EBADMSG;
	return 0;
}

/*
 * After -EBADMSG, 1: decide again, once, when rlcd has reloaded meanwhile.
 * A bucket word further ahead than this handle's configuration allows may
 * be a take's on the configuration rlcd has just replaced (rlc/bucket.h).
 */
static inline int rlc__reconfigured(struct rlc *h, int err, int *again)
{
	if (err != -EBADMSG || *again)
		return 0;
	*again = 1;
	return rlc__refresh(h) == 1;
}

/* Is refusal `err` one that a wait may outlast (it comes with a retry time)? */
static inline int rlc__waitable(int err)
{
	return err == -EAGAIN || err == -ECONNREFUSED || err == -EHOSTDOWN;
}

/* Record the outcome in *g and in this client's counters; returns err. */
static inline int rlc__decided(struct rlc *h, struct rlc_grant *g, const struct rlc__request *r,
			       int err, uint32_t by, uint64_t retry_ns, uint64_t weight)
{
	/* The one truncation check of the grant path, after the take: a take
	 * that ran on the zero pages that replaced the segment counts for
	 * nothing. */
	if (rlc__truncated(h)) {
		g->count = 0;
		strcpy(h->why, "segment truncated");
		err = -EBADMSG;
		by = UINT32_MAX; /* no limit refused: refused_by is -1 */
	}
	if (err) {
		g->refused_by = (int32_t)by;
		g->retry_ns = rlc__waitable(err) ? retry_ns : 0;
		rlc__count(&h->self->refusals, 1);
		if (by < h->limits_count)
			rlc__add_relaxed(&rlc__limit_record(&h->limits[by])->refusals, 1);
		if (g->endpoint >= 0 && (uint32_t)g->endpoint < h->cat.endpoints_count)
			rlc__add_relaxed(&h->counters[g->endpoint].refusals, 1);
		return err;
	}
	g->refused_by = -1;
	g->retry_ns = 0;
	g->probe = r->probe != RLC_NONE ? (int32_t)r->probe : -1;
	g->probe_word = r->probe_word;
	rlc__count(&h->self->grants, 1);
	rlc__count(&h->self->weight, weight);
	/* on the line each take just CASed: it holds it already */
	for (by = 0; by < g->count; by++)
		rlc__add_relaxed(&rlc__limit_record(&h->limits[g->id[by]])->grants, 1);
	if (g->endpoint >= 0 && (uint32_t)g->endpoint < h->cat.endpoints_count)
		rlc__add_relaxed(&h->counters[g->endpoint].grants, 1);
	return 0;
}

/*
 * A wait that slept (rlc_acquire, rlc_reserve_wait, or a caller's own loop
 * over rlc_wait_step), from its first refusal at `first_ns` to its last
 * decision in *g: counted for this client and g's endpoint.  `first_ns` 0
 * (it never slept) counts nothing.
 */
static inline void rlc_waited(struct rlc *h, const struct rlc_grant *g, uint64_t first_ns)
{
	uint64_t took = g->now_ns > first_ns ? g->now_ns - first_ns : 0;

	if (!first_ns || !h->self)
		return;
	rlc__count(&h->self->waits, 1);
	rlc__count(&h->self->wait_ns, took);
	if (g->endpoint >= 0 && (uint32_t)g->endpoint < h->cat.endpoints_count) {
		rlc__add_relaxed(&h->counters[g->endpoint].waits, 1);
		rlc__add_relaxed(&h->counters[g->endpoint].wait_ns, took);
	}
}

/*
 * A reserve that takes no limit (every weight 0 for its parameters) still
 * goes to the exchange: its IP's and its account's blocks and breakers
 * apply to it.
 */
static inline int rlc__pass_weightless(const struct rlc *h, const struct rlc_grant *g,
				       struct rlc__request *r, uint64_t *retry_ns)
{
	const struct rlc_exchange_view *x =
		&h->cat.exchanges[h->cat.endpoints[g->endpoint].exchange];
	int err = 0;

	if (x->ip_scope != RLC_NONE)
		err = rlc__pass_scope(h, x->ip_scope, x, r, retry_ns);
	if (!err && g->account >= 0)
		err = rlc__pass_scope(h, h->cat.accounts[g->account].scope, x, r, retry_ns);
	return err;
}

/*
 * Take every part of *g (sorted by id) at priority `prio`, all or nothing:
 * a refusal gives back what was taken before it.  Returns as rlc_try_n.
 */
static inline int rlc__take_all(struct rlc *h, struct rlc_grant *g, uint32_t prio)
{
	struct rlc__request r;
	uint64_t retry_ns = 0, total = 0;
	unsigned i, taken = 0;
	int err = 0, again = 0;

	r.prio = g->priority = prio;
	do {
		rlc__request_start(&r, g->now_ns = rlc_now_ns());
		err = g->count == 0 && g->endpoint >= 0 ? rlc__pass_weightless(h, g, &r, &retry_ns)
							 : 0;
		for (taken = 0; !err && taken < g->count; taken++) {
			err = rlc__take(h, g->id[taken], &r, g->weight[taken], &g->token[taken],
					&retry_ns);
			if (err)
				break;
		}
		for (i = taken; err && i > 0; i--)
			rlc__give_back(&h->limits[g->id[i - 1]], g->token[i - 1], g->weight[i - 1]);
		if (err)
			rlc__request_refused(h, &r);
	} while (rlc__retake(&err, retry_ns) || rlc__reconfigured(h, err, &again));
	for (i = 0; i < g->count; i++)
		total += g->weight[i];
	return rlc__decided(h, g, &r, err, err && taken < g->count ? g->id[taken] : UINT32_MAX,
			    retry_ns, total);
}

/*
 * Take weights[i] from limit ids[i] for every i, all or nothing, now, at
 * priority NORMAL.  Lock-free, never blocks.  Returns 0 with *g filled for
 * rlc_refund; -EAGAIN when a limit refused (it is full for this priority,
 * its exchange's mode does not admit the weight yet, or it yields to a
 * waiting higher priority), with g->refused_by and g->retry_ns (the wait,
 * assuming no other traffic); -ECONNREFUSED when a limit's scope is
 * blocked (rlc_feedback, rlc_block), with g->refused_by that limit and
 * g->retry_ns until the block ends; -EHOSTDOWN when its scope's circuit
 * breaker is open, or half-open with another request probing, with
 * g->retry_ns until it may let a probe through; -EBADMSG when a limit's state is corrupt
 * (g->refused_by names it) or the segment was truncated; -EOVERFLOW when a
 * window has outlived its epoch counter (see rlc_window_take) or a fixed
 * limit's exchange clock reads past the year 2554 (a corrupt clock offset,
 * see rlc_fixed_take); -E2BIG when
 * a weight exceeds what its limit lets this priority fill in normal mode
 * and in the mode in force, so that waiting cannot help; -ENOENT for an
 * unknown id; -EINVAL for a bad argument, a weight of 0, a duplicate id or
 * a read-only handle.
 */
static inline int rlc_try_n(struct rlc *h, const uint32_t *ids, const uint32_t *weights,
			    unsigned n, struct rlc_grant *g)
{
	int err = rlc__prepare(h, ids, weights, n, g);

	return err ? err : rlc__take_all(h, g, RLC_PRIO_NORMAL);
}

/*
 * rlc_try_n for a request that counts against one limit, with the same
 * returns.  Its own body, so a single grant runs no sorting or rollback.
 */
static inline int rlc_try(struct rlc *h, uint32_t id, uint32_t weight, struct rlc_grant *g)
{
	struct rlc__request r;
	uint64_t retry_ns = 0;
	int err = rlc__start(h, g), again = 0;

	if (err || (err = rlc__check_take(h, id, weight))) {
		if (err == -E2BIG)
			g->refused_by = (int32_t)id;
		return err;
	}
	g->count = 1;
	g->id[0] = id;
	g->weight[0] = weight;
	r.prio = RLC_PRIO_NORMAL;
	do {
		rlc__request_start(&r, g->now_ns = rlc_now_ns());
		if ((err = rlc__take(h, id, &r, weight, &g->token[0], &retry_ns)))
			rlc__request_refused(h, &r);
	} while (rlc__retake(&err, retry_ns) || rlc__reconfigured(h, err, &again));
	return rlc__decided(h, g, &r, err, id, retry_ns, weight);
}

/* a + b, or UINT64_MAX where it would wrap. */
static inline uint64_t rlc__add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * Was the refusal in *g the exchange's mode's (the weight above the
 * refusing limit's ceiling in the mode in force), not the limit's room?
 */
static inline int rlc__mode_refused(const struct rlc *h, const struct rlc_grant *g)
{
	const struct rlc_limit_view *v = &h->limits[g->refused_by];
	const struct rlc_exchange_view *x = rlc__exchange_of(h, v);
	uint32_t i;
	int mode;

	if (!x)
		return 0;
	/* Self-contained word (rlc/mode.h): relaxed. */
	mode = rlc_mode_current(rlc__load_relaxed(x->mode), g->now_ns, x->modes_count);
	for (i = 0; mode > 0 && i < g->count && i < RLC_LINK_MAX; i++)
		if (g->id[i] == (uint32_t)g->refused_by)
			return g->weight[i] > v->ceiling[mode][g->priority];
	return 0;
}

/*
 * After refusal `err` of rlc_try_n or rlc_reserve in *g, decide a waiter's
 * next step without sleeping, for callers whose own timer does the waiting
 * (an event loop): mark the refusing limit for the request's priority
 * (rlc/priority.h) when it was the limit's room that refused, and set
 * *wake_ns to the CLOCK_MONOTONIC time to try again.  A blocked scope is
 * waited out without a mark (it shuts every priority out); an open breaker
 * is looked at again every RLC_MODE_POLL_NS, since a probe may close it any
 * time.  Returns 0 to try again at *wake_ns; -ETIMEDOUT when a limit's wait
 * would pass `deadline_ns`; `err` itself when the block or breaker outlasts
 * it, or when `err` is not a refusal a wait can outlast.
 */
static inline int rlc_wait_step(struct rlc *h, const struct rlc_grant *g, int err,
				uint64_t deadline_ns, uint64_t *wake_ns)
{
	/* retry_ns counts from the decision; saturate, never wrap */
	uint64_t wake, mark;

	if (!h || !h->self || !g || !wake_ns)
		return -EINVAL;
	if (!rlc__waitable(err))
		return err;
	wake = rlc__add_sat(g->now_ns, g->retry_ns);
	mark = rlc__add_sat(wake, RLC_WAIT_GRACE_NS);
	if (err == -EHOSTDOWN && wake - g->now_ns > RLC_MODE_POLL_NS)
		wake = g->now_ns + RLC_MODE_POLL_NS;
	if (wake > deadline_ns)
		return err == -EAGAIN ? -ETIMEDOUT : err;
	if (err != -EAGAIN || g->refused_by < 0 || (uint32_t)g->refused_by >= h->limits_count)
		; /* nothing to mark */
	else if (rlc__mode_refused(h, g))
		/* Every lower priority is shut out by the same mode: a mark would
		 * only hold the limit idle should the mode end early.  Look again
		 * now and then for such an end. */
		wake = wake - g->now_ns > RLC_MODE_POLL_NS ? g->now_ns + RLC_MODE_POLL_NS : wake;
	else
		rlc_priority_mark(h->limits[g->refused_by].waiting, g->priority,
				  mark < deadline_ns ? mark : deadline_ns);
	*wake_ns = wake;
	return 0;
}

/* rlc_wait_step, then sleep until its wake time.  Returns as rlc_wait_step. */
static inline int rlc__wait(struct rlc *h, const struct rlc_grant *g, int err,
			    uint64_t deadline_ns)
{
	struct timespec until;
	uint64_t wake;

	if ((err = rlc_wait_step(h, g, err, deadline_ns, &wake)))
		return err;
	until.tv_sec = (time_t)(wake / RLC_NS_PER_SEC);
	until.tv_nsec = (long)(wake % RLC_NS_PER_SEC);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
		;
	return 0;
}

/*
 * rlc_try_n, waiting (sleeping, not spinning) until it fits or until
 * `deadline_ns` (CLOCK_MONOTONIC).  While it waits it holds LOW requests
 * back on the limit that refused it (rlc/priority.h).  A blocked scope
 * (-ECONNREFUSED) is waited out when its block ends by the deadline; a
 * scope's open breaker (-EHOSTDOWN) is looked at every 100 ms until the
 * deadline.  Returns 0; -ETIMEDOUT when a limit's wait would pass the
 * deadline, with g->retry_ns and g->refused_by from the last refusal;
 * -ECONNREFUSED at once when the block lasts past the deadline, and
 * -EHOSTDOWN when the breaker is still shut at it (never sleeping into a
 * ban); or rlc_try_n's other errors at once.
 */
static inline int rlc_acquire(struct rlc *h, const uint32_t *ids, const uint32_t *weights,
			      unsigned n, uint64_t deadline_ns, struct rlc_grant *g)
{
	uint64_t first = 0, refused_at;
	int err;

	while (rlc__waitable(err = rlc_try_n(h, ids, weights, n, g))) {
		refused_at = g->now_ns;
		if ((err = rlc__wait(h, g, err, deadline_ns)))
			break;
		first = first ? first : refused_at;
	}
	rlc_waited(h, g, first);
	return err;
}

/*
 * Give back a grant whose request was never sent, every part of it, and
 * empty *g: a second call with it returns -EINVAL.  Lock-free.  A window
 * or fixed refund lands where the grant is counted while its interval
 * lasts; a bucket refund only while the grant is still the bucket's newest
 * change (else its weight stays counted until it refills).  A grant that
 * was a circuit breaker's half-open probe hands the probe on to the next
 * request (rlc_feedback(3)).  Returns 0;
 * -EINVAL for a bad handle, a refusal, or an empty or already refunded
 * grant; -EBADMSG once the segment was truncated.
 */
static inline int rlc_refund(struct rlc *h, struct rlc_grant *g)
{
	uint64_t total = 0;
	uint32_t i;

	if (!h || !h->self || !g || g->refused_by != -1 || g->count == 0 ||
	    g->count > RLC_LINK_MAX)
		return -EINVAL;
	for (i = 0; i < g->count; i++)
		if (g->id[i] >= h->limits_count || g->weight[i] == 0 ||
		    g->weight[i] > RLC_COUNT_MAX) /* a reload may have shrunk the capacity */
			return -EINVAL;
	if (rlc__truncated(h))
		return -EBADMSG;
	for (i = 0; i < g->count; i++) {
		rlc__give_back(&h->limits[g->id[i]], g->token[i], g->weight[i]);
		rlc__add_relaxed(&rlc__limit_record(&h->limits[g->id[i]])->refunds, 1);
		total += g->weight[i];
	}
	/* a probe that was never sent reports nothing: hand the probe on */
	if (g->probe >= 0 && (uint32_t)g->probe < h->layout.scopes_count)
		rlc__breaker_release(&h->scope_words[g->probe].breaker, g->probe_word);
	g->probe = -1;
	g->count = 0;
	rlc__count(&h->self->refunded, total);
	return 0;
}

/*
 * Weight counted on limit *v now, as a grant would find it.  Retakes the
 * clock after -ESTALE as rlc_try does; returns 0, -EBADMSG, or -EOVERFLOW
 * for a fixed limit whose exchange clock reads past 2554.
 */
static inline int rlc__used(const struct rlc *h, const struct rlc_limit_view *v, uint64_t *used)
{
	struct rlc__request r;
	uint64_t seen = 0;
	int err;

	rlc__request_start(&r, 0);
	if (v->algorithm == RLC_ALGO_FIXED)
		return rlc_fixed_used(v, rlc__exchange_clock(rlc__exchange_of(h, v), &r), used);
	do {
		uint64_t now = rlc_now_ns();

		err = v->algorithm == RLC_ALGO_WINDOW ? rlc_window_used(v, now, used, &seen)
						      : rlc_bucket_used(v, now, used, &seen);
	} while (rlc__retake(&err, seen));
	return err;
}

/*
 * Live usage and configuration of limit `id`, with its exchange's mode in
 * force and what each priority may fill it to in that mode.  Reads only.
 * Returns 0; -ENOENT for an unknown id; -EINVAL for a bad argument;
 * -EBADMSG when the limit's shared state or its exchange's mode word is
 * corrupt or the segment was truncated; -EOVERFLOW for a fixed limit whose
 * exchange clock reads past 2554 (the configuration fields are filled in
 * all the same, so the caller can name the limit).
 */
static inline int rlc_usage(const struct rlc *h, uint32_t id, struct rlc_usage *u)
{
	const struct rlc_limit_view *v;
	const struct rlc_exchange_view *x;
	uint64_t word = 0;
	int err, mode = (int)RLC_MODE_NORMAL;

	if (!h || !h->base || !u)
		return -EINVAL;
	if (id >= h->limits_count)
		return -ENOENT;
	v = &h->limits[id];
	x = rlc__exchange_of(h, v);
	u->name = v->name;
	u->scope = h->scopes[v->scope];
	u->algorithm = v->algorithm;
	u->capacity = v->capacity;
	u->effective = v->effective;
	u->slots = v->slots;
	u->buffer_ppm = v->buffer_ppm;
	u->interval_ns = v->interval_ns;
	u->exchange = x ? x->name : NULL;
	u->mode = NULL;
	u->mode_until_ns = 0;
	u->used = 0;
	if (x) {
		word = rlc__load_relaxed(x->mode);
		mode = rlc_mode_current(word, rlc_now_ns(), x->modes_count);
	}
	if (mode > 0)
		u->mode_until_ns = rlc_mode_until(word);
	memcpy(u->ceiling, v->ceiling[mode < 0 ? 0 : mode], sizeof(u->ceiling));
	if (x && mode >= 0)
		u->mode = x->modes[mode].name;
	u->grants = rlc__load_relaxed(&rlc__limit_record(v)->grants);
	u->refusals = rlc__load_relaxed(&rlc__limit_record(v)->refusals);
	u->refunds = rlc__load_relaxed(&rlc__limit_record(v)->refunds);
	u->observed = rlc__load_relaxed(&rlc__limit_record(v)->observed);
	err = mode < 0 ? -EBADMSG : rlc__used(h, v, &u->used);
	return rlc__truncated(h) ? -EBADMSG : err;
}

/* A copy of outcome counters *o (relaxed loads: figures, each on its own). */
static inline void rlc__outcomes_read(const struct rlc_outcomes *o, struct rlc_outcome_counts *c)
{
	unsigned b;

	c->ok = rlc__load_relaxed(&o->ok);
	c->client_error = rlc__load_relaxed(&o->client_error);
	c->limited = rlc__load_relaxed(&o->limited);
	c->server_error = rlc__load_relaxed(&o->server_error);
	c->transport = rlc__load_relaxed(&o->transport);
	c->elapsed_ns = rlc__load_relaxed(&o->elapsed_ns);
	for (b = 0; b < RLC_ELAPSED_BUCKETS; b++)
		c->elapsed[b] = rlc__load_relaxed(&o->elapsed[b]);
}

/*
 * Client record `idx` (0 .. h->layout.clients_count - 1).  Reads the
 * segment only, and /proc to tell whether the client still runs.  Returns
 * 0 when a running client holds it, -ENOENT when it is free, -EINVAL for a
 * bad index, -EBADMSG once the segment was truncated.
 */
static inline int rlc_client_info(const struct rlc *h, uint32_t idx,
				  struct rlc_client_info *out)
{
	const struct rlc_client *c;
	uint64_t state;

	if (!h || !h->base || !out || idx >= h->layout.clients_count)
		return -EINVAL;
	c = &h->clients[idx];
	/* Pairs with the release CAS that made the record LIVE. */
	state = rlc__load_acquire(&c->state);
	if ((state & RLC_CLIENT_PHASE_MASK) != RLC_CLIENT_LIVE)
		return rlc__truncated(h) ? -EBADMSG : -ENOENT;
	out->pid = rlc_client_pid(state);
	out->alive = rlc_client_state_alive(state, rlc__load_relaxed(&c->start_ticks));
	rlc_client_name(c, out->name);
	out->grants = rlc__load_relaxed(&c->grants);
	out->refusals = rlc__load_relaxed(&c->refusals);
	out->weight = rlc__load_relaxed(&c->weight);
	out->refunded = rlc__load_relaxed(&c->refunded);
	out->waits = rlc__load_relaxed(&c->waits);
	out->wait_ns = rlc__load_relaxed(&c->wait_ns);
	rlc__outcomes_read(&c->outcomes, &out->outcomes);
	return rlc__truncated(h) ? -EBADMSG : 0;
}

#include "rlc/reserve.h"
#include "rlc/feedback.h"

#endif /* RLC_H */
