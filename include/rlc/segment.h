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
	rlc_word frees; /* window: (epoch, epochs until its oldest grant leaves) cache */
	uint8_t pad0[40];

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

/* Client state word: 0 free, else claim time, pid and phase; see rlc/client.h. */
#define RLC_CLIENT_CLAIMING UINT64_C(1)
#define RLC_CLIENT_LIVE UINT64_C(2)
#define RLC_CLIENT_PHASE_MASK UINT64_C(3)

struct rlc_client {
	rlc_word state;       /* claimed by CAS from 0, see rlc/client.h */
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
RLC_STATIC_ASSERT(offsetof(struct rlc_limit, frees) == 16, "limit.frees");
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

/*
 * What a process keeps of the header once it has validated it.  Any process
 * in the segment's group can rewrite the header, so nothing below is read
 * from the segment again: offsets, counts and sizes come from this copy.
 */
struct rlc_layout {
	uint32_t layout_major;
	uint32_t layout_minor;
	uint64_t size; /* the mapping's own size, equal to the header's at open */
	uint64_t created_ns;
	uint64_t limits_off, slots_off, scopes_off, clients_off, names_off;
	uint32_t limits_count, slots_count, scopes_count, clients_count, names_count;
};

/*
 * What a process keeps of one limit: its configuration, copied and checked
 * once, and pointers to its shared words.  The algorithms read their
 * divisors, bounds and ring size from here, never from the segment, so a
 * later write to the record can change counts but never crash anyone.
 */
struct rlc_limit_view {
	rlc_word *state; /* window: head (epoch, count); bucket: TAT ns */
	rlc_word *sum;   /* window: (epoch, completed-slot sum) cache */
	rlc_word *frees; /* window: (epoch, epochs until weight leaves the ring) cache */
	rlc_word *ring;  /* window: its `slots` ring words; bucket: NULL */
	uint64_t interval_ns;
	uint64_t step_ns;   /* window: slot width; bucket: ns per unit */
	uint64_t origin_ns; /* window: epoch 0 starts here */
	uint64_t epoch_max; /* window: the last epoch whose start fits 64 bits */
	uint64_t burst_ns;  /* bucket: effective x step */
	uint32_t algorithm;
	uint32_t capacity;
	uint32_t effective;
	uint32_t slots;
	uint32_t buffer_ppm;
	uint32_t scope; /* index into the scopes table */
	char name[RLC_NAME_MAX];
};

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
static inline int rlc__table_fits(uint64_t off, uint64_t count, uint64_t rec, uint64_t size)
{
	return off % RLC_CACHELINE == 0 && off >= sizeof(struct rlc_header) && off <= size &&
	       count <= (size - off) / rec;
}

/* Copy name `idx` into `out` (RLC_NAME_MAX bytes) if it is a usable name. */
static inline int rlc__name_copy(const void *base, const struct rlc_layout *lay, uint32_t idx,
				 char *out)
{
	if (idx >= lay->names_count)
		return 0;
	memcpy(out, RLC__TABLE(const struct rlc_name, base, lay->names_off)[idx].text,
	       RLC_NAME_MAX);
	return memchr(out, '\0', RLC_NAME_MAX) != NULL && out[0] != '\0';
}

/* Scope `idx`'s name into `out` (RLC_NAME_MAX bytes): 1, or 0 if unusable. */
static inline int rlc_segment_scope_name(const void *base, const struct rlc_layout *lay,
					 uint32_t idx, char *out)
{
	struct rlc_scope s;

	if (idx >= lay->scopes_count)
		return 0;
	memcpy(&s, RLC__TABLE(const struct rlc_scope, base, lay->scopes_off) + idx, sizeof(s));
	return rlc__name_copy(base, lay, s.name, out);
}

/* The window's ring and time bounds, checked on the private copy `l`. */
static inline int rlc__window_check(const struct rlc_layout *lay, const struct rlc_limit *l,
				    uint32_t i, uint32_t *ring_end, char *why, size_t len)
{
	/* Rings lie in id order, each after the one before: disjoint. */
	if (l->slots < 2 || l->slots > RLC_SLOTS_PER_LIMIT_MAX || l->slots_first < *ring_end ||
	    (uint64_t)l->slots_first + l->slots > lay->slots_count)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u ring (first %u, %u slots) out of range "
				 "or overlapping another",
				 i, l->slots_first, l->slots);
	/* (S - 1) slots must cover W, and one slot may not exceed it */
	if (l->step_ns < RLC_STEP_MIN_NS || l->step_ns > l->interval_ns ||
	    l->step_ns * (uint64_t)(l->slots - 1) < l->interval_ns)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u slot width %" PRIu64
				 " ns does not fit its %" PRIu64 " ns window",
				 i, l->step_ns, l->interval_ns);
	*ring_end = l->slots_first + l->slots;
	return 0;
}

/*
 * Copy limit `i` of the segment at `base` (header already read into *lay)
 * into *v and check it: name, scope, capacities, time bounds, and a ring
 * that starts at or after `*ring_end` (advanced past it).  Reads the record
 * once, into private memory, and checks only that copy.  Returns 0 or
 * -EBADMSG with a reason naming the limit.
 */
static inline int rlc_segment_read_limit(void *base, const struct rlc_layout *lay, uint32_t i,
					 uint32_t *ring_end, struct rlc_limit_view *v, char *why,
					 size_t len)
{
	struct rlc_limit *rec = RLC__TABLE(struct rlc_limit, base, lay->limits_off) + i;
	struct rlc_limit l;
	char scope[RLC_NAME_MAX];
	int err;

	memcpy((void *)&l, rec, sizeof(l)); /* as in rlc_segment_read_header */
	memset(v, 0, sizeof(*v));
	if (!rlc__name_copy(base, lay, l.name, v->name) ||
	    !rlc_segment_scope_name(base, lay, l.scope, scope))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u refers to name %u / scope %u that is out "
				 "of range, empty or unterminated",
				 i, l.name, l.scope);
	if (l.effective == 0 || l.effective > l.capacity || l.capacity > RLC_COUNT_MAX ||
	    l.buffer_ppm >= 1000000u)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) has capacity %u / effective %u out of "
				 "range",
				 i, v->name, l.capacity, l.effective);
	if (l.interval_ns < RLC_INTERVAL_MIN_NS || l.interval_ns > RLC_INTERVAL_MAX_NS)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) interval %" PRIu64
				 " ns is outside 1 ms..7 d",
				 i, v->name, l.interval_ns);
	if (l.algorithm == RLC_ALGO_WINDOW) {
		if ((err = rlc__window_check(lay, &l, i, ring_end, why, len)))
			return err;
		v->ring = RLC__TABLE(rlc_word, base, lay->slots_off) + l.slots_first;
		v->epoch_max = (UINT64_MAX - l.origin_ns) / l.step_ns;
		if (v->epoch_max > RLC_EPOCH_MAX)
			v->epoch_max = RLC_EPOCH_MAX;
	} else if (l.algorithm == RLC_ALGO_BUCKET) {
		/* burst = effective x step stays within two of the longest intervals */
		if (l.slots != 0 || l.step_ns == 0 ||
		    l.step_ns > 2 * RLC_INTERVAL_MAX_NS / l.effective)
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: limit %u (%s) bucket step %" PRIu64
					 " ns out of range",
					 i, v->name, l.step_ns);
		v->burst_ns = (uint64_t)l.effective * l.step_ns;
	} else {
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: limit %u (%s) has unknown algorithm %u", i, v->name,
				 l.algorithm);
	}
	v->state = &rec->state;
	v->sum = &rec->sum;
	v->frees = &rec->frees;
	v->interval_ns = l.interval_ns;
	v->step_ns = l.step_ns;
	v->origin_ns = l.origin_ns;
	v->algorithm = l.algorithm;
	v->capacity = l.capacity;
	v->effective = l.effective;
	v->slots = l.algorithm == RLC_ALGO_WINDOW ? l.slots : 0;
	v->buffer_ppm = l.buffer_ppm;
	v->scope = l.scope;
	return 0;
}

/* Are the five tables of *lay pairwise disjoint?  Names the first overlap. */
static inline int rlc__tables_disjoint(const struct rlc_layout *lay, char *why, size_t len)
{
	const char *what[5] = { "limits", "slots", "scopes", "clients", "names" };
	const uint64_t off[5] = { lay->limits_off, lay->slots_off, lay->scopes_off,
				  lay->clients_off, lay->names_off };
	const uint64_t end[5] = {
		lay->limits_off + (uint64_t)lay->limits_count * sizeof(struct rlc_limit),
		lay->slots_off + (uint64_t)lay->slots_count * sizeof(rlc_word),
		lay->scopes_off + (uint64_t)lay->scopes_count * sizeof(struct rlc_scope),
		lay->clients_off + (uint64_t)lay->clients_count * sizeof(struct rlc_client),
		lay->names_off + (uint64_t)lay->names_count * sizeof(struct rlc_name),
	};
	unsigned a, b;

	for (a = 0; a < 5; a++)
		for (b = a + 1; b < 5; b++)
			if (off[a] < end[a] && off[b] < end[b] && off[a] < end[b] &&
			    off[b] < end[a])
				return rlc__fail(why, len, -EBADMSG,
						 "corrupt segment: the %s and %s tables overlap",
						 what[a], what[b]);
	return 0;
}

/* Is table `what` inside the segment?  Reports it by name if not. */
static inline int rlc__table_check(const char *what, uint64_t off, uint64_t count, uint64_t rec,
				   uint64_t size, char *why, size_t len)
{
	if (rlc__table_fits(off, count, rec, size))
		return 0;
	return rlc__fail(why, len, -EBADMSG,
			 "corrupt segment: %s table at offset %" PRIu64 " (%" PRIu64
			 " records) out of range",
			 what, off, count);
}

/*
 * Copy the header of a mapped segment of `size` bytes into *lay and check
 * it: published, this layout major, the size of the mapping, every table
 * inside the segment and none overlapping another.  Reads only; safe on
 * garbage.  Returns 0; -EAGAIN while rlcd has not published it; -EPROTO on
 * another layout major version; -EBADMSG when it is truncated or corrupt.
 * `why`, if not NULL, receives a one-line reason.
 */
static inline int rlc_segment_read_header(const void *base, size_t size, struct rlc_layout *lay,
					  char *why, size_t len)
{
	const struct rlc_header *h = (const struct rlc_header *)base;
	struct rlc_header copy;
	uint64_t ready;
	int err;

	memset(lay, 0, sizeof(*lay));
	if (size == 0)
		return rlc__fail(why, len, -EAGAIN, "segment is empty: rlcd is still creating it");
	if (size < sizeof(*h))
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: %zu bytes, smaller than its %zu-byte header", size,
				 sizeof(*h));
	/* Pairs with rlcd's release store of `ready` after laying out the rest. */
	ready = rlc__load_acquire(&h->ready);
	/* (void *): the copy's atomic words are never used, only its plain fields */
	memcpy((void *)&copy, h, offsetof(struct rlc_header, ready));
	if (ready == 0)
		return rlc__fail(why, len, -EAGAIN, "segment not ready yet: rlcd is still creating it");
	if (ready != RLC_READY || copy.magic != RLC_MAGIC)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: bad magic %#" PRIx64 " or ready word %#" PRIx64,
				 copy.magic, ready);
	if (copy.layout_major != RLC_LAYOUT_MAJOR)
		return rlc__fail(why, len, -EPROTO,
				 "segment layout version %u.%u, this program speaks version %u.%u",
				 copy.layout_major, copy.layout_minor, RLC_LAYOUT_MAJOR,
				 RLC_LAYOUT_MINOR);
	if (copy.size > size)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: truncated to %zu bytes, its header says %" PRIu64,
				 size, copy.size);
	if (copy.size != size)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: header says %" PRIu64 " bytes, the file has %zu",
				 copy.size, size);
	if (copy.limits_count > RLC_LIMITS_MAX || copy.scopes_count > RLC_SCOPES_MAX ||
	    copy.clients_count > RLC_CLIENTS_MAX || copy.names_count > RLC_NAMES_MAX ||
	    copy.slots_count > RLC_SLOTS_MAX)
		return rlc__fail(why, len, -EBADMSG,
				 "corrupt segment: table counts out of range (%u limits, %u scopes, "
				 "%u clients, %u names, %u slots)",
				 copy.limits_count, copy.scopes_count, copy.clients_count,
				 copy.names_count, copy.slots_count);
	lay->layout_major = copy.layout_major;
	lay->layout_minor = copy.layout_minor;
	lay->size = copy.size;
	lay->created_ns = copy.created_ns;
	lay->limits_off = copy.limits_off;
	lay->slots_off = copy.slots_off;
	lay->scopes_off = copy.scopes_off;
	lay->clients_off = copy.clients_off;
	lay->names_off = copy.names_off;
	lay->limits_count = copy.limits_count;
	lay->slots_count = copy.slots_count;
	lay->scopes_count = copy.scopes_count;
	lay->clients_count = copy.clients_count;
	lay->names_count = copy.names_count;
	if ((err = rlc__table_check("limits", lay->limits_off, lay->limits_count,
				    sizeof(struct rlc_limit), size, why, len)) ||
	    (err = rlc__table_check("slots", lay->slots_off, lay->slots_count, sizeof(rlc_word),
				    size, why, len)) ||
	    (err = rlc__table_check("scopes", lay->scopes_off, lay->scopes_count,
				    sizeof(struct rlc_scope), size, why, len)) ||
	    (err = rlc__table_check("clients", lay->clients_off, lay->clients_count,
				    sizeof(struct rlc_client), size, why, len)) ||
	    (err = rlc__table_check("names", lay->names_off, lay->names_count,
				    sizeof(struct rlc_name), size, why, len)))
		return err;
	return rlc__tables_disjoint(lay, why, len);
}

/*
 * Validate a mapped segment of `size` bytes: its header, every name, scope
 * and limit.  Reads only; safe on garbage.  Returns as
 * rlc_segment_read_header() and rlc_segment_read_limit().
 */
static inline int rlc_segment_check(const void *base, size_t size, char *why, size_t len)
{
	struct rlc_layout lay;
	struct rlc_limit_view v;
	char name[RLC_NAME_MAX];
	uint32_t i, ring_end = 0;
	int err;

	if ((err = rlc_segment_read_header(base, size, &lay, why, len)))
		return err;
	for (i = 0; i < lay.names_count; i++)
		if (!rlc__name_copy(base, &lay, i, name))
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: name %u is empty or unterminated", i);
	for (i = 0; i < lay.scopes_count; i++)
		if (!rlc_segment_scope_name(base, &lay, i, name))
			return rlc__fail(why, len, -EBADMSG,
					 "corrupt segment: scope %u refers to a name out of range", i);
	/* Reads only: the view's pointers are never followed here. */
	for (i = 0; i < lay.limits_count; i++)
		if ((err = rlc_segment_read_limit((void *)(uintptr_t)base, &lay, i, &ring_end, &v,
						  why, len)))
			return err;
	return 0;
}

#endif /* RLC_SEGMENT_H */
