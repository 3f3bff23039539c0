/* SPDX-License-Identifier: MIT */
#include "metrics_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "value.h"

#define FORM "write 127.0.0.1:PORT or [::1]:PORT"

static int refuse(const char *s, const char *what, char *why, size_t len)
{
	snprintf(why, len, "\"%.80s\" %s; " FORM, s, what);
	return -EINVAL;
}

int rlc_metrics_addr_parse(const char *s, struct rlc_metrics_addr *out, char *why, size_t len)
{
	const char *colon = strrchr(s, ':');
	char host[64], reason[128];
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->sa;
	size_t n;
	uint64_t port;

	memset(out, 0, sizeof(*out));
	if (!colon)
		return refuse(s, "has no port", why, len);
	n = (size_t)(colon - s);
	if (rlc_parse_uint(colon + 1, 0, 65535, &port, reason, sizeof(reason))) {
		snprintf(why, len, "port %s; " FORM, reason);
		return -EINVAL;
	}
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(host)) {
		memcpy(host, s + 1, n - 2);
		host[n - 2] = '\0';
		if (inet_pton(AF_INET6, host, &v6->sin6_addr) != 1)
			return refuse(s, "is not an IPv6 address", why, len);
		if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr))
			return refuse(s, "is not the loopback address ::1", why, len);
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*v6);
	} else {
		if (n >= sizeof(host))
			return refuse(s, "is not an IPv4 address", why, len);
		memcpy(host, s, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, &v4->sin_addr) != 1)
			return refuse(s, "is not an IPv4 address (names are not looked up)", why,
				      len);
		if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127)
			return refuse(s, "is not a loopback address (127.0.0.0/8): metrics "
				      "show every bot's traffic to whoever reaches them", why, len);
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*v4);
	}
	out->set = 1;
	return 0;
}
