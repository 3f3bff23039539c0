/* SPDX-License-Identifier: MIT */
/*
 * rlc-take SEGMENT LIMIT WEIGHT: take WEIGHT from LIMIT once, then print
 * the limit's usage ("used N of M").  Exit 0 when granted, 1 when refused
 * or on an error (with the reason on stderr).  The rlcd end-to-end test
 * uses it to put counts into a segment and read them back.
 */
#include "rlc.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;
	char *end;
	unsigned long weight;
	int id, err;

	if (argc != 4) {
		fprintf(stderr, "usage: rlc-take SEGMENT LIMIT WEIGHT\n");
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
	err = id < 0 ? id : rlc_try(&h, (uint32_t)id, (uint32_t)weight, &g);
	if (err)
		fprintf(stderr, "rlc-take: %s: %s\n", argv[2], strerror(-err));
	else if (rlc_usage(&h, (uint32_t)id, &u) == 0)
		printf("used %llu of %u\n", (unsigned long long)u.used, u.effective);
	rlc_close(&h);
	return err ? 1 : 0;
}
