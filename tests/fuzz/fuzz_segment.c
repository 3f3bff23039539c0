/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the segment validator on arbitrary bytes, then a short use of
 * every segment it accepts, as a bot and rlctl would make it: each limit
 * taken (weight 1, its whole effective capacity, and all of them at once)
 * and refunded, each limit's usage and each client record read, and
 * rlctl's status report printed.  Every process in the segment's group can
 * write any of these bytes, so none of this may crash, hang or trip a
 * sanitizer; the few promises checked below abort when broken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health.h"
#include "report.h"
#include "rlc.h"
#include "snapshot.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink; /* the reports are formatted in full, then dropped */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	return 0;
}

/* Give back a grant; rlc(3): it succeeds once, and the grant is then spent. */
static void refund(struct rlc *h, struct rlc_grant *g)
{
	if (rlc_refund(h, g) != 0 || rlc_refund(h, g) != -EINVAL)
		abort();
}

static void take(struct rlc *h, uint32_t id, uint32_t weight)
{
	struct rlc_grant g;

	if (rlc_try(h, id, weight, &g) == 0)
		refund(h, &g);
}

/* One unit from each of the first RLC_LINK_MAX limits, all or nothing. */
static void take_all(struct rlc *h)
{
	uint32_t ids[RLC_LINK_MAX], weights[RLC_LINK_MAX];
	struct rlc_grant g;
	unsigned i, n = h->limits_count < RLC_LINK_MAX ? h->limits_count : RLC_LINK_MAX;

	for (i = 0; i < n; i++) {
		ids[i] = n - 1 - i; /* out of order: rlc_try_n sorts them */
		weights[i] = 1;
	}
	if (n > 0 && rlc_try_n(h, ids, weights, n, &g) == 0)
		refund(h, &g);
}

static void read_all(const struct rlc *h)
{
	struct rlc_client_info ci;
	struct rlc_usage u;
	uint32_t i;
	int err;

	for (i = 0; i < h->limits_count; i++) {
		rlc_usage(h, i, &u);
		/* names may repeat: the first limit of that name */
		err = rlc_limit_id(h, u.name);
		if (err < 0 || (uint32_t)err > i)
			abort();
	}
	for (i = 0; i < h->layout.clients_count; i++) {
		err = rlc_client_info(h, i, &ci);
		/* this process's own record reads back as itself, running */
		if (&h->clients[i] == h->self && (err != 0 || ci.pid != getpid() || !ci.alive))
			abort();
	}
}

/* rlctl status, text and JSON, on the same handle. */
static void report(const struct rlc *h)
{
	struct snapshot s;
	struct health hl;

	if (snapshot_take(h, "/fuzz", "/fuzz", &s) != 0)
		return; /* out of memory */
	health_check(&s, &hl);
	report_text(sink, &s, &hl);
	report_json(sink, &s, &hl);
	snapshot_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlc h;
	void *buf;
	uint32_t i;

	/* Exactly `size` bytes, so that any read past the segment's end is
	 * caught, and aligned as rlcd's tables are. */
	if (posix_memalign(&buf, RLC_CACHELINE, size ? size : 1) != 0)
		abort();
	memcpy(buf, data, size);
	/* rlc_attach frees the handle's copies when it fails early */
	memset(&h, 0, sizeof(h));
	if (rlc_attach(&h, buf, size, "fuzz", 0) == 0) {
		for (i = 0; i < h.limits_count; i++) {
			take(&h, i, 1);
			take(&h, i, h.limits[i].effective);
		}
		take_all(&h);
		read_all(&h);
		report(&h);
		rlc_close(&h);
	}
	free(buf);
	return 0;
}
