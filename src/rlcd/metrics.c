/* SPDX-License-Identifier: MIT */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_request.h"
#include "log.h"
#include "rlc/clock.h"

/* Room before the body for the status line and headers. */
#define HEAD_ROOM 256
/*
 * A connection's kernel send buffer (the kernel doubles it).  Without a
 * fixed size the kernel grows it to megabytes and takes a whole response
 * off rlcd at once, to hold for a reader that never reads, past rlcd's
 * deadline and outside its bounds; held small, the rest waits in rlcd's
 * buffer, which the response deadline frees.
 */
#define SEND_BUFFER (32 << 10)

#define CLOSE_HEADERS "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
static const char resp_400[] = "HTTP/1.1 400 Bad Request\r\n" CLOSE_HEADERS
			       "Content-Length: 12\r\n\r\nbad request\n";
static const char resp_404[] = "HTTP/1.1 404 Not Found\r\n" CLOSE_HEADERS
			       "Content-Length: 24\r\n\r\nnot found: try /metrics\n";
static const char resp_405[] = "HTTP/1.1 405 Method Not Allowed\r\n" CLOSE_HEADERS
			       "Allow: GET, HEAD\r\nContent-Length: 16\r\n\r\nuse GET or HEAD\n";
static const char resp_431[] = "HTTP/1.1 431 Request Header Fields Too Large\r\n" CLOSE_HEADERS
			       "Content-Length: 31\r\n\r\nrequest larger than 4096 bytes\n";
static const char resp_500[] = "HTTP/1.1 500 Internal Server Error\r\n" CLOSE_HEADERS
			       "Content-Length: 25\r\n\r\nmetrics could not render\n";

/* An SQE, submitting what is queued when the ring is full. */
static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	while (!sqe) {
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
	}
	return sqe;
}

int rlc_metrics_open(struct rlc_metrics *m, const struct rlc_metrics_addr *addr,
		     const char *segment)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	char host[INET6_ADDRSTRLEN];
	int one = 1, err, i;
	unsigned port;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < RLC_METRICS_CONNS; i++)
		m->conn[i].fd = -1;
	m->fd = socket(addr->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (m->fd < 0 ||
	    setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(m->fd, (const struct sockaddr *)&addr->sa, addr->len) != 0 ||
	    listen(m->fd, RLC_METRICS_CONNS) != 0 ||
	    getsockname(m->fd, (struct sockaddr *)&sa, &len) != 0) {
		err = -errno;
		memcpy(&sa, &addr->sa, sizeof(sa));
	} else {
		err = 0;
	}
	if (sa.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
		snprintf(m->shown, sizeof(m->shown), "[%s]:%u", host, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&sa)->sin_port);
		snprintf(m->shown, sizeof(m->shown), "%s:%u", host, port);
	}
	if (err) {
		rlc_log_err("%s: metrics: cannot listen on %s: %s", segment, m->shown,
			    strerror(-err));
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return err;
	}
	rlc_log("%s: metrics: serving http://%s/metrics", segment, m->shown);
	return 0;
}

static void arm_accept(struct rlc_metrics *m, struct io_uring *ring)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	io_uring_prep_accept(sqe, m->fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, RLC_METRICS_TAG_ACCEPT);
	m->accepting = 1;
}

void rlc_metrics_start(struct rlc_metrics *m, struct io_uring *ring)
{
	arm_accept(m, ring);
}

int rlc_metrics_owns(uint64_t tag)
{
	return tag == RLC_METRICS_TAG_ACCEPT ||
	       (tag >= RLC_METRICS_TAG_CONN && tag < RLC_METRICS_TAG_CONN + RLC_METRICS_CONNS);
}

static void arm_recv(struct io_uring *ring, struct rlc_metrics_conn *c, unsigned slot)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	io_uring_prep_recv(sqe, c->fd, c->in + c->got, sizeof(c->in) - c->got, 0);
	io_uring_sqe_set_data64(sqe, RLC_METRICS_TAG_CONN + slot);
}

static void arm_send(struct io_uring *ring, struct rlc_metrics_conn *c, unsigned slot)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	/* MSG_NOSIGNAL: a scraper gone away is an error, not a SIGPIPE */
	io_uring_prep_send(sqe, c->fd, c->send + c->sent, c->len - c->sent, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, RLC_METRICS_TAG_CONN + slot);
}

static void conn_close(struct rlc_metrics *m, struct rlc_metrics_conn *c)
{
	close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	m->served.connections--;
}

/* Answer with `resp` (static text, `len` bytes), then close. */
static void respond(struct io_uring *ring, struct rlc_metrics_conn *c, unsigned slot,
		    const char *resp, size_t len)
{
	c->sending = 1;
	c->since_ns = rlc_now_ns();
	c->send = resp;
	c->len = len;
	c->sent = 0;
	arm_send(ring, c, slot);
}
#define RESPOND(ring, c, slot, r) respond(ring, c, slot, r, sizeof(r) - 1)

/* Render the metrics for a 200, the body left out for HEAD. */
static void respond_metrics(struct rlc_metrics *m, struct io_uring *ring, unsigned slot,
			    int head_only, const struct rlc_shm *shm,
			    const struct rlcd_stats *stats)
{
	struct rlc_metrics_conn *c = &m->conn[slot];
	size_t bound = rlc_metrics_bound(&shm->layout);
	struct expo e = { NULL, bound, 0, 0 };
	char head[HEAD_ROOM];
	int n, err;

	c->out = malloc(HEAD_ROOM + bound);
	if (!c->out) {
		rlc_log_warn("%s: metrics: no memory for %zu bytes of response", shm->name,
			     HEAD_ROOM + bound);
		RESPOND(ring, c, slot, resp_500);
		return;
	}
	e.buf = c->out + HEAD_ROOM;
	err = rlc_metrics_render(&e, shm, stats, &m->served);
	if (err) {
		if (err == -ENOBUFS)
			rlc_log_err("%s: metrics: more than %zu bytes of text", shm->name, bound);
		free(c->out);
		c->out = NULL;
		RESPOND(ring, c, slot, resp_500);
		return;
	}
	m->served.scrapes++;
	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		     "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
		     e.len);
	memcpy(c->out + HEAD_ROOM - (size_t)n, head, (size_t)n);
	respond(ring, c, slot, c->out + HEAD_ROOM - (size_t)n, (size_t)n + (head_only ? 0 : e.len));
}

static void drop(struct rlc_metrics *m, struct rlc_metrics_conn *c, enum rlc_metrics_drop why)
{
	m->served.dropped[why]++;
	c->dropped = 1;
	/* wakes the recv or send in flight, whose completion then closes it */
	shutdown(c->fd, SHUT_RDWR);
}

static void on_accept(struct rlc_metrics *m, struct io_uring *ring, int res)
{
	unsigned i;

	m->accepting = 0;
	if (res < 0) {
		/* e.g. EMFILE: retried at the next heartbeat rather than in a spin */
		if (res != -EINTR && res != -ECONNABORTED && res != -EAGAIN) {
			rlc_log_warn("metrics: accept: %s", strerror(-res));
			return;
		}
		arm_accept(m, ring);
		return;
	}
	for (i = 0; i < RLC_METRICS_CONNS && m->conn[i].fd >= 0; i++)
		;
	if (i == RLC_METRICS_CONNS) {
		close(res);
		m->served.dropped[RLC_DROP_BUSY]++;
	} else {
		struct rlc_metrics_conn *c = &m->conn[i];
		int size = SEND_BUFFER;

		/* best effort: without it the deadline still frees rlcd's buffer */
		setsockopt(res, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		c->fd = res;
		c->sending = c->dropped = 0;
		c->got = c->sent = c->len = 0;
		c->since_ns = rlc_now_ns();
		m->served.connections++;
		arm_recv(ring, c, i);
	}
	arm_accept(m, ring);
}

static void on_recv(struct rlc_metrics *m, struct io_uring *ring, unsigned slot, int res,
		    const struct rlc_shm *shm, const struct rlcd_stats *stats)
{
	struct rlc_metrics_conn *c = &m->conn[slot];
	struct rlc_http_request req;
	int status;

	if (res <= 0 || c->dropped) {
		conn_close(m, c);
		return;
	}
	c->got += (size_t)res;
	switch (rlc_http_request_parse(c->in, c->got, &req)) {
	case RLC_HTTP_MORE:
		if (c->got < sizeof(c->in)) {
			arm_recv(ring, c, slot);
			return;
		}
		m->served.dropped[RLC_DROP_OVERSIZED]++;
		RESPOND(ring, c, slot, resp_431);
		return;
	case RLC_HTTP_BAD:
		m->served.dropped[RLC_DROP_MALFORMED]++;
		RESPOND(ring, c, slot, resp_400);
		return;
	case RLC_HTTP_NOT_HTTP:
		m->served.dropped[RLC_DROP_MALFORMED]++;
		conn_close(m, c);
		return;
	case RLC_HTTP_DONE:
		break;
	}
	status = rlc_http_request_status(&req);
	if (status == 405)
		RESPOND(ring, c, slot, resp_405);
	else if (status == 404)
		RESPOND(ring, c, slot, resp_404);
	else
		respond_metrics(m, ring, slot, req.method == RLC_HTTP_HEAD, shm, stats);
}

static void on_send(struct rlc_metrics *m, struct io_uring *ring, unsigned slot, int res)
{
	struct rlc_metrics_conn *c = &m->conn[slot];

	if (res <= 0 || c->dropped) {
		conn_close(m, c);
		return;
	}
	c->sent += (size_t)res;
	if (c->sent < c->len)
		arm_send(ring, c, slot);
	else
		conn_close(m, c);
}

void rlc_metrics_complete(struct rlc_metrics *m, struct io_uring *ring, uint64_t tag, int res,
			  const struct rlc_shm *shm, const struct rlcd_stats *stats)
{
	unsigned slot;

	if (tag == RLC_METRICS_TAG_ACCEPT) {
		on_accept(m, ring, res);
		return;
	}
	slot = (unsigned)(tag - RLC_METRICS_TAG_CONN);
	if (m->conn[slot].sending)
		on_send(m, ring, slot, res);
	else
		on_recv(m, ring, slot, res, shm, stats);
}

void rlc_metrics_tick(struct rlc_metrics *m, struct io_uring *ring, uint64_t now_ns)
{
	unsigned i;

	if (m->fd < 0)
		return;
	for (i = 0; i < RLC_METRICS_CONNS; i++) {
		struct rlc_metrics_conn *c = &m->conn[i];

		if (c->fd < 0 || c->dropped)
			continue;
		if (now_ns - c->since_ns > (c->sending ? RLC_METRICS_RESPONSE_NS
						       : RLC_METRICS_REQUEST_NS))
			drop(m, c, RLC_DROP_TIMEOUT);
	}
	if (!m->accepting)
		arm_accept(m, ring);
}

void rlc_metrics_close(struct rlc_metrics *m)
{
	unsigned i;

	for (i = 0; i < RLC_METRICS_CONNS; i++)
		if (m->conn[i].fd >= 0)
			conn_close(m, &m->conn[i]);
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}
