/* SPDX-License-Identifier: MIT */
/* redis.h without hiredis: the baseline is skipped, with the reason. */
#include "redis.h"

#include <errno.h>
#include <stdio.h>

int redis_baseline_start(struct bench_op *op, char *note, size_t len)
{
	snprintf(note, len, "built without hiredis: install libhiredis-dev and reconfigure "
		 "with -Dredis_bench=enabled");
	return -ENOTSUP;
}

void redis_baseline_stop(void)
{
}
