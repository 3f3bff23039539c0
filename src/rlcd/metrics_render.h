/* SPDX-License-Identifier: MIT */
/*
 * The metrics text of a segment, as Prometheus scrapes it (rlcd(8),
 * METRICS): every number read from the segment through rlc.h at render
 * time, over rlcd's own mapping, read-only.
 */
#ifndef RLCD_METRICS_RENDER_H
#define RLCD_METRICS_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "metrics_expo.h"
#include "shm.h"

/* Why the server dropped connections, as rlc_metrics_dropped_total counts them. */
enum rlc_metrics_drop {
	RLC_DROP_BUSY,      /* every connection slot taken */
	RLC_DROP_TIMEOUT,   /* request not in within 2 s, or response not out within 5 s */
	RLC_DROP_OVERSIZED, /* request above 4 KiB */
	RLC_DROP_MALFORMED, /* not HTTP, or a bad request line or header */
	RLC_DROP_REASONS
};

/* What the server itself tells. */
struct rlc_metrics_served {
	uint64_t scrapes;    /* 200 responses rendered */
	uint64_t dropped[RLC_DROP_REASONS];
	unsigned connections; /* open now */
};

/*
 * Bytes the text of segment layout `lay` can take at most: a sample line
 * is at most EXPO_LINE_MAX, and how many there are follows from the
 * counts of limits, scopes, exchanges, client records and endpoints.
 */
size_t rlc_metrics_bound(const struct rlc_layout *lay);

/*
 * Render the metrics of `shm` into *e, with rlcd's reload counters and the
 * server's own.  Returns 0; -ENOBUFS when *e filled up; -EBADMSG when the
 * segment was truncated; or rlc_attach()'s -errno (the segment no longer
 * validates), logged.
 */
int rlc_metrics_render(struct expo *e, const struct rlc_shm *shm, const struct rlcd_stats *stats,
		       const struct rlc_metrics_served *served);

#endif /* RLCD_METRICS_RENDER_H */
