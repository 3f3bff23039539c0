/* SPDX-License-Identifier: MIT */
/* [rlcd] metrics = ADDRESS:PORT (rlc.ini(5)): a loopback address to serve metrics on. */
#ifndef RLCD_METRICS_ADDR_H
#define RLCD_METRICS_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

struct rlc_metrics_addr {
	int set; /* 0: no metrics */
	struct sockaddr_storage sa;
	socklen_t len;
};

/*
 * "127.X.Y.Z:PORT" (any address of 127.0.0.0/8) or "[::1]:PORT", PORT
 * 0..65535 (0: the kernel picks one).  Only loopback: the metrics tell
 * anyone who can read them every bot's traffic and bans.  Returns 0, or
 * -EINVAL with a reason quoting `s` in `why`.
 */
int rlc_metrics_addr_parse(const char *s, struct rlc_metrics_addr *out, char *why, size_t len);

#endif /* RLCD_METRICS_ADDR_H */
