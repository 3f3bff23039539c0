/* SPDX-License-Identifier: MIT */
/*
 * The metrics server: HTTP on a loopback address, served from rlcd's own
 * io_uring ring (one accept in flight, and per connection slot one recv or
 * send), so a scrape is never served beside the loop, only in its turn.
 * Bounded: RLC_METRICS_CONNS connections (one more is accepted and closed
 * at once), RLC_METRICS_REQUEST_MAX bytes of request, a request in within
 * 2 s of its accept and a response out within 5 s of its start (looked at
 * each heartbeat), a response of at most rlc_metrics_bound() bytes,
 * allocated when rendered and freed when the connection closes.
 */
#ifndef RLCD_METRICS_H
#define RLCD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include <liburing.h>

#include "loop.h"
#include "metrics_addr.h"
#include "metrics_render.h"
#include "shm.h"

#define RLC_METRICS_CONNS 16
#define RLC_METRICS_REQUEST_MAX 4096
#define RLC_METRICS_REQUEST_NS (2 * UINT64_C(1000000000))
#define RLC_METRICS_RESPONSE_NS (5 * UINT64_C(1000000000))

/* io_uring user data of the server's requests: the loop's own are below. */
#define RLC_METRICS_TAG_ACCEPT 16u
#define RLC_METRICS_TAG_CONN 32u /* + slot */

struct rlc_metrics_conn {
	int fd;              /* -1: free */
	int sending;         /* 0: reading the request; 1: writing the response */
	int dropped;         /* shut down: close once its request in flight ends */
	uint64_t since_ns;   /* accepted, or started sending */
	size_t got;          /* bytes of in[] received */
	char *out;           /* the rendered response, or NULL (a static one) */
	const char *send;    /* what is sent */
	size_t len, sent;
	char in[RLC_METRICS_REQUEST_MAX];
};

struct rlc_metrics {
	int fd;        /* listening socket, or -1 */
	int accepting; /* an accept is in flight */
	char shown[64]; /* "127.0.0.1:9477", as bound */
	struct rlc_metrics_served served;
	struct rlc_metrics_conn conn[RLC_METRICS_CONNS];
};

/*
 * Bind and listen on *addr (port 0: the kernel picks) and log
 * "SEGMENT: metrics: serving http://ADDRESS:PORT/metrics".  Returns 0, or
 * the -errno of socket, bind or listen, logged naming the address.
 */
int rlc_metrics_open(struct rlc_metrics *m, const struct rlc_metrics_addr *addr,
		     const char *segment);

/* Put the first accept on `ring`. */
void rlc_metrics_start(struct rlc_metrics *m, struct io_uring *ring);

/* Is `tag` a request of the server's? */
int rlc_metrics_owns(uint64_t tag);

/*
 * A completion of the server's: accept, receive, parse, render (from
 * `shm`, with rlcd's `stats`), send, close; queues the next request, if
 * any, on `ring`.  Never fails: a connection that goes wrong is closed.
 */
void rlc_metrics_complete(struct rlc_metrics *m, struct io_uring *ring, uint64_t tag, int res,
			  const struct rlc_shm *shm, const struct rlcd_stats *stats);

/* Each heartbeat: drop connections past their deadlines; retry a failed accept. */
void rlc_metrics_tick(struct rlc_metrics *m, struct io_uring *ring, uint64_t now_ns);

/* Close every socket, once the ring is gone (nothing is in flight). */
void rlc_metrics_close(struct rlc_metrics *m);

#endif /* RLCD_METRICS_H */
