/* SPDX-License-Identifier: MIT */
#include "ini_segment.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "config.h"
#include "layout.h"

void ini_segment_open(struct ini_segment *seg, const char *text, struct rlc *h,
		      const char *client)
{
	struct rlc_config *cfg = &seg->cfg;
	char why[512];
	int err;

	err = rlc_config_parse(cfg, text, strlen(text), "test.ini", why, sizeof(why));
	if (err)
		fail_msg("%s", why);
	seg->size = rlc_layout_size(cfg);
	assert_true(seg->size > 0);
	/* shared, so that forked children take from the same words */
	seg->base = mmap(NULL, seg->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
			 0);
	assert_true(seg->base != MAP_FAILED);
	err = rlc_layout_init(seg->base, seg->size, cfg, rlc_now_ns(), why, sizeof(why));
	if (err)
		fail_msg("%s", why);
	rlc_layout_publish(seg->base);
	if (ini_segment_attach(seg, h, client))
		fail_msg("%s", h->why);
}

int ini_segment_attach(const struct ini_segment *seg, struct rlc *h, const char *client)
{
	return rlc_attach(h, seg->base, seg->size, client, 0);
}

void ini_segment_close(struct ini_segment *seg)
{
	munmap(seg->base, seg->size);
	seg->base = NULL;
	rlc_config_free(&seg->cfg);
}
