/* SPDX-License-Identifier: MIT */
/*
 * rlc/segment.h - layout v1 of the shared-memory segment, and its validator.
 *
 *   [header 256 B][limits 128 B each][slots 8 B each][scopes 64 B each]
 *   [clients 128 B each][names 64 B each]
 *
 * Only rlcd creates or lays out a segment.  It writes everything, then
 * release-stores `ready`; a process that acquire-loads `ready` equal to
 * RLC_READY sees the whole layout.  Every offset and count is checked by
 * rlc_segment_check() before anything else reads them, so a truncated or
 * garbage segment gives an error, never a wild access.
 *
 * Fields above the `ready` line are immutable once published.  Everything
 * below it, and every rlc_word, may change under the reader's feet.
 */
#ifndef RLC_SEGMENT_H
#define RLC_SEGMENT_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"

#define RLC_MAGIC UINT64_C(0x31304745534c4352) /* "RLCSEG01" little-endian */
#define RLC_READY UINT64_C(0x5944414552434c52) /* "RLCREADY" */
#define RLC_LAYOUT_MAJOR 1u
#define RLC_LAYOUT_MINOR 1u
#define RLC_CACHELINE 64u

#define RLC_NAME_MAX 64u /* bytes per name record, NUL included */
#define RLC_CLIENT_NAME_MAX 32u

/* A window word packs (epoch:40, count:24); counts saturate, never wrap. */
#define RLC_COUNT_BITS 24u
#define RLC_COUNT_MAX ((UINT64_C(1) << RLC_COUNT_BITS) - 1u)
#define RLC_EPOCH_MAX ((UINT64_C(1) << (64u - RLC_COUNT_BITS)) - 1u)

/* Table bounds a validator accepts; generous, but they cap every loop. */
#define RLC_LIMITS_MAX 4096u
#define RLC_SCOPES_MAX 4096u
#define RLC_CLIENTS_MAX 4096u
#define RLC_NAMES_MAX 16384u
#define RLC_SLOTS_PER_LIMIT_MAX 4096u
#define RLC_SLOTS_MAX (1u << 22)

/*
 * Time bounds of a limit, checked by rlcd's configuration and again by the
 * validator: every time sum on them stays far from 64-bit wrap.  The
 * exchanges' longest documented interval is a day; a week is the cap.
 */
#define RLC_INTERVAL_MIN_NS UINT64_C(1000000)                  /* 1 ms */
#define RLC_INTERVAL_MAX_NS (UINT64_C(7) * 86400 * 1000000000) /* 7 days */
#define RLC_STEP_MIN_NS UINT64_C(100000)       /* narrowest window slot, 100 us */
#define RLC_BUCKET_STEP_MIN_NS UINT64_C(1000)  /* a bucket refills 1e6 units/s at most */

enum rlc_algorithm {
	RLC_ALGO_WINDOW = 1, /* sliding ring of slots: N per rolling W */
	RLC_ALGO_BUCKET = 2, /* GCRA: burst N, refilled at N per W */
};

struct rlc_header {
	/* Immutable once `ready` is published. */
	uint64_t magic;
	uint32_t layout_major;
	uint32_t layout_minor;
	uint64_t size;       /* bytes, must equal the mapping */
	uint64_t created_ns; /* CLOCK_MONOTONIC when laid out */
	uint64_t limits_off;
	uint32_t limits_count;
	uint32_t scopes_count;
	uint64_t scopes_off;
	uint64_t slots_off;
	uint32_t slots_count;
	uint32_t clients_count;
	uint64_t clients_off;
	uint64_t names_off;
	uint32_t names_count;
	uint32_t reserved0;
	uint8_t pad0[32];

	/* Published and maintained by rlcd. */
	rlc_word ready;               /* RLC_READY, release-stored last */
	rlc_word rlcd_pid;            /* 0 after a clean rlcd exit */
	rlc_word rlcd_start_ns;       /* CLOCK_MONOTONIC when rlcd started */
	rlc_word heartbeat_ns;        /* CLOCK_MONOTONIC of rlcd's last beat */
	rlc_word heartbeat_period_ns; /* how often rlcd beats */
	rlc_word generation;          /* +1 each time an rlcd takes over */
	rlc_word shm_dev;             /* st_dev of the file rlcd serves */
	rlc_word shm_ino;             /* st_ino of it: rlctl compares its own */
	rlc_word detached_ns;         /* when rlcd saw the name point elsewhere; 0 */
	uint8_t pad1[56];
};

struct rlc_limit {
	/* Hot line: every grant reads and CASes it. */
	rlc_word state; /* window: head (epoch, count); bucket: TAT ns */
	rlc_word sum;   /* window: (head epoch, completed-slot sum) cache */
	uint8_t pad0[48];

	/* Configuration, immutable once published. */
	uint32_t name;        /* index into names */
	uint32_t scope;       /* index into scopes */
	uint32_t algorithm;   /* enum rlc_algorithm */
	uint32_t capacity;    /* N as configured */
	uint32_t effective;   /* N x (1 - buffer): what may be granted */
	uint32_t slots;       /* window: ring slots S; bucket: 0 */
	uint32_t slots_first; /* window: first ring slot in the slots table */
	uint32_t buffer_ppm;  /* safety buffer, parts per million */
	uint64_t interval_ns; /* W */
	uint64_t step_ns;     /* window: slot width; bucket: ns per unit */
	uint64_t origin_ns;   /* window: epoch 0 starts here */
	uint64_t reserved1;
};

struct rlc_scope {
	uint32_t name; /* index into names */
	uint8_t pad0[60];
};

/* Client state word: 0 free, else (pid << 2) | phase. */
#define RLC_CLIENT_CLAIMING UINT64_C(1)
#define RLC_CLIENT_LIVE UINT64_C(2)
#define RLC_CLIENT_PHASE_MASK UINT64_C(3)

struct rlc_client {
	rlc_word state;       /* claimed by CAS from 0, see rlc.h */
	rlc_word start_ticks; /* /proc/<pid>/stat starttime, tells PID reuse */
	rlc_word name[RLC_CLIENT_NAME_MAX / 8];
	uint8_t pad0[16];
	/* Written only by the owning process, so plain relaxed stores. */
	rlc_word grants;
	rlc_word refusals;
	rlc_word weight;   /* weight granted */
	rlc_word refunded; /* weight given back */
	uint8_t pad1[32];
};

struct rlc_name {
	char text[RLC_NAME_MAX];
};

RLC_STATIC_ASSERT(sizeof(rlc_word) == 8, "segment words are 8 bytes");
RLC_STATIC_ASSERT(sizeof(struct rlc_header) == 256, "header is 4 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, size) == 16, "header.size");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, created_ns) == 24, "created_ns");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, limits_off) == 32, "limits_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, scopes_off) == 48, "scopes_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, slots_off) == 56, "slots_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, clients_off) == 72, "clients_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, names_off) == 80, "names_off");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, ready) == 128, "ready on its own line");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, heartbeat_ns) == 152, "heartbeat_ns");
RLC_STATIC_ASSERT(offsetof(struct rlc_header, generation) == 168, "generation");
RLC_STATIC_ASSERT(sizeof(struct rlc_limit) == 128, "limit is 2 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, sum) == 8, "limit.sum");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, name) == 64, "limit config line");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, interval_ns) == 96, "interval_ns");
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, origin_ns) == 112, "origin_ns");
RLC_STATIC_ASSERT(sizeof(struct rlc_scope) == 64, "scope is 1 line");
RLC_STATIC_ASSERT(sizeof(struct rlc_client) == 128, "client is 2 lines");
RLC_STATIC_ASSERT(offsetof(struct rlc_client, name) == 16, "client.name");
RLC_STATIC_ASSERT(offsetof(struct rlc_client, grants) == 64, "client counters line");
RLC_STATIC_ASSERT(sizeof(struct rlc_name) == RLC_NAME_MAX, "name record");

/* Table accessors; valid only on a segment rlc_segment_check() accepted. */
#define RLC__TABLE(type, base, off) ((type *)(void *)((unsigned char *)(base) + (off)))

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static inline int rlc__fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Is [off, off + count * rec) inside a segment of `size` bytes? */
static inline int rlc__table_fits(uint64_t off, uint64_t count, uint64_t rec,
				  uint64_t size)
{
	return off % RLC_CACHELINE == 0 && off >= sizeof(struct rlc_header) &&
	       off <= size && count <= (size - off) / rec;
}

static inline int rlc__name_ok(const struct rlc_name *n)
{
	return memchr(n->text, '\0', sizeof(n->text)) != NULL && n->text[0] != '\0';
}

static inline int rlc__limit_check(const struct rlc_header *h, const struct rlc_limit *l,
				   uint32_t i, char *why, size_t len)
{
	if (l->name >= h->names_count || l->scope >= h->scopes_count)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u refers to name %u / scope %u out of range",
				 i, l->name, l->scope);
	if (l->effective == 0 || l->effective > l->capacity || l->capacity > RLC_COUNT_MAX)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u has capacity %u / effective %u out of range",
				 i, l->capacity, l->effective);
	if (l->interval_ns == 0 || l->step_ns == 0)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u has a zero interval or step", i);
	if (l->algorithm == RLC_ALGO_WINDOW) {
		if (l->slots < 2 || l->slots > RLC_SLOTS_PER_LIMIT_MAX ||
		    (uint64_t)l->slots_first + l->slots > h->slots_count)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: limit %u ring (first %u, %u slots) out of range",
					 i, l->slots_first, l->slots);
		/* (S - 1) slots must cover W, and one slot may not exceed it */
		if (l->step_ns > l->interval_ns ||
		    l->step_ns * (uint64_t)(l->slots - 1) < l->interval_ns)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: limit %u slot width %" PRIu64
					 " ns does not fit its %" PRIu64 " ns window",
					 i, l->step_ns, l->interval_ns);
		return 0;
	}
	if (l->algorithm == RLC_ALGO_BUCKET) {
		/* burst = effective x step must stay far from 64-bit wrap */
		if (l->slots != 0 || l->step_ns > (UINT64_C(1) << 62) / l->effective)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: limit %u bucket step %" PRIu64 " ns out of range",
					 i, l->step_ns);
		return 0;
	}
	return rlc__fail(why, len, -EBADMSG, "corrupt segment: limit %u has unknown algorithm %u",
			 i, l->algorithm);
}

/* Is table `what` inside the segment?  Reports it by name if not. */
static inline int rlc__table_check(const char *what, uint64_t off, uint64_t count,
				   uint64_t rec, uint64_t size, char *why, size_t len)
{
	if (rlc__table_fits(off, count, rec, size))
		return 0;
	return rlc__fail(why, len, -EBADMSG,
			 "corrupt segment: %s table at offset %" PRIu64 " (%" PRIu64
			 " records) out of range",
			 what, off, count);
}

/*
 * Validate a mapped segment of `size` bytes before any other use.  Reads
 * only; safe on garbage.  Returns 0 when it is published and consistent;
 * -EAGAIN while rlcd has not published it yet; -EPROTO on another layout
 * major version; -EBADMSG when it is truncated or corrupt.  `why`, if not
 * NULL, receives a one-line reason.
 */
static inline int rlc_segment_check(const void *base, size_t size, char *why, size_t len)
{
	const struct rlc_header *h = (const struct rlc_header *)base;
	const struct rlc_name *names;
	const struct rlc_scope *scopes;
	const struct rlc_limit *limits;
	uint64_t ready;
	uint32_t i;
	int err;

	if (size == 0)
		return rlc__fail(why, len, -EAGAIN, "segment is empty: rlcd is still creating it");
	if (size < sizeof(*h))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: %zu bytes, smaller than its %zu-byte header", size,
				 sizeof(*h));
	/* Pairs with rlcd's release store of `ready` after laying out the rest. */
	ready = rlc__load_acquire(&h->ready);
	if (ready == 0)
		return rlc__fail(why, len, -EAGAIN, "segment not ready yet: rlcd is still creating it");
	if (ready != RLC_READY || h->magic != RLC_MAGIC)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: bad magic %#" PRIx64 " or ready word %#" PRIx64,
				 h->magic, ready);
	if (h->layout_major != RLC_LAYOUT_MAJOR)
		return rlc__fail(why, len, -EPROTO,
				 "segment layout version %u.%u, this program speaks version %u.%u",
				 h->layout_major, h->layout_minor, RLC_LAYOUT_MAJOR, RLC_LAYOUT_MINOR);
	if (h->size != size)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: header says %" PRIu64 " bytes, mapping has %zu",
				 h->size, size);
	if (h->limits_count > RLC_LIMITS_MAX || h->scopes_count > RLC_SCOPES_MAX ||
	    h->clients_count > RLC_CLIENTS_MAX || h->names_count > RLC_NAMES_MAX ||
	    h->slots_count > RLC_SLOTS_MAX)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: table counts out of range (%u limits, %u scopes, "
				 "%u clients, %u names, %u slots)",
				 h->limits_count, h->scopes_count, h->clients_count, h->names_count,
				 h->slots_count);
	if ((err = rlc__table_check("limits", h->limits_off, h->limits_count,
				    sizeof(struct rlc_limit), size, why, len)) ||
	    (err = rlc__table_check("slots", h->slots_off, h->slots_count, sizeof(rlc_word),
				    size, why, len)) ||
	    (err = rlc__table_check("scopes", h->scopes_off, h->scopes_count,
				    sizeof(struct rlc_scope), size, why, len)) ||
	    (err = rlc__table_check("clients", h->clients_off, h->clients_count,
				    sizeof(struct rlc_client), size, why, len)) ||
	    (err = rlc__table_check("names", h->names_off, h->names_count,
				    sizeof(struct rlc_name), size, why, len)))
		return err;
	names = RLC__TABLE(const struct rlc_name, base, h->names_off);
	scopes = RLC__TABLE(const struct rlc_scope, base, h->scopes_off);
	limits = RLC__TABLE(const struct rlc_limit, base, h->limits_off);
	for (i = 0; i < h->names_count; i++)
		if (!rlc__name_ok(&names[i]))
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: name %u is empty or unterminated", i);
	for (i = 0; i < h->scopes_count; i++)
		if (scopes[i].name >= h->names_count)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: scope %u refers to name %u out of range", i,
					 scopes[i].name);
	for (i = 0; i < h->limits_count; i++)
		if ((err = rlc__limit_check(h, &limits[i], i, why, len)))
			return err;
	return 0;
}

#endif /* RLC_SEGMENT_H */
