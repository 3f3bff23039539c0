/* SPDX-License-Identifier: MIT */
/*
 * rlc-take SEGMENT LIMIT WEIGHT [STATUS [CODE]]: take WEIGHT from LIMIT
 * once, then print the limit's usage ("used N of M").  LIMIT may name an
 * endpoint instead, "EXCHANGE METHOD PATH", reserved once at its own
 * priority and weighed by its own rule (WEIGHT 0); the usage printed is
 * then its first limit's.  With STATUS, the grant's response is fed back
 * (rlc_feedback): that HTTP status, the exchange's error CODE, 12 ms; it
 * prints "fed 0xFLAGS" and stays registered until stdin ends, so that a
 * test can look at the client.  Exit 0 when granted, 1 when refused or on
 * an error (with the reason on stderr).  The end-to-end tests use it to
 * put counts into a segment and read them back.
 */
#include "rlc.h"

#include <stdio.h>

/* Reserve endpoint `spec`, "EXCHANGE METHOD PATH", once. */
static int reserve(struct rlc *h, const char *spec, struct rlc_grant *g)
{
	char exchange[3 * RLC_NAME_MAX], *method, *path;
	int x, e;

	snprintf(exchange, sizeof(exchange), "%s", spec);
	method = strchr(exchange, ' ');
	path = method ? strchr(method + 1, ' ') : NULL;
	if (!path)
		return -ENOENT;
	*method++ = '\0';
	*path++ = '\0';
	x = rlc_exchange_id(h, exchange);
	e = x < 0 ? x : rlc_endpoint_id(h, x, method, path);
	return e < 0 ? e
		     : rlc_reserve(h, (uint32_t)e, NULL, 0, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT, g);
}

/* Feed back the response of argv[4] (and argv[5]) to grant *g; 0 or -errno. */
static int feed(struct rlc *h, const struct rlc_grant *g, int argc, char **argv)
{
	struct rlc_response r;
	int flags;

	memset(&r, 0, sizeof(r));
	r.status = atoi(argv[4]);
	r.code = argc > 5 ? argv[5] : NULL;
	r.elapsed_ns = 12000000u;
	if ((flags = rlc_feedback(h, g, &r)) < 0)
		return flags;
	printf("fed %#x\n", (unsigned)flags);
	fflush(stdout);
	while (getchar() != EOF)
		;
	return 0;
}

int main(int argc, char **argv)
{
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;
	char *end;
	unsigned long weight;
	int id, err;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: rlc-take SEGMENT LIMIT WEIGHT [STATUS [CODE]]\n");
		return 2;
	}
	weight = strtoul(argv[3], &end, 10);
	if (*end || end == argv[3] || weight > UINT32_MAX) {
		fprintf(stderr, "rlc-take: bad weight \"%s\"\n", argv[3]);
		return 2;
	}
	if ((err = rlc_open(&h, argv[1], "rlc-take", 0)) != 0) {
		fprintf(stderr, "rlc-take: %s\n", h.why);
		return 1;
	}
	id = rlc_limit_id(&h, argv[2]);
	if (id >= 0)
		err = rlc_try(&h, (uint32_t)id, (uint32_t)weight, &g);
	else if ((err = reserve(&h, argv[2], &g)) == 0)
		id = (int)g.id[0];
	if (err)
		fprintf(stderr, "rlc-take: %s: %s\n", argv[2], strerror(-err));
	else if (rlc_usage(&h, (uint32_t)id, &u) == 0)
		printf("used %llu of %u\n", (unsigned long long)u.used, u.effective);
	if (!err && argc > 4 && (err = feed(&h, &g, argc, argv)) != 0)
		fprintf(stderr, "rlc-take: feedback: %s\n", strerror(-err));
	rlc_close(&h);
	return err ? 1 : 0;
}
