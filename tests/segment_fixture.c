/* SPDX-License-Identifier: MIT */
#include "segment_fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "layout.h"
#include "rlc/clock.h"

void fixture_config_init(struct fixture_config *fc, uint32_t clients)
{
	memset(fc, 0, sizeof(*fc));
	fc->cfg.mode = 0600;
	fc->cfg.clients = clients;
	fc->cfg.heartbeat_ns = 100 * UINT64_C(1000000);
	fc->cfg.limits = fc->limits;
}

uint32_t fixture_add_limit(struct fixture_config *fc, const char *name, const char *scope,
			   enum rlc_algorithm algorithm, uint32_t capacity, uint64_t interval_ns,
			   uint32_t slots)
{
	struct rlc_limit_config *lc = &fc->limits[fc->cfg.limits_count];

	if (fc->cfg.limits_count == FIXTURE_LIMITS_MAX)
		abort();
	snprintf(lc->name, sizeof(lc->name), "%s", name);
	snprintf(lc->scope, sizeof(lc->scope), "%s", scope);
	lc->algorithm = algorithm;
	lc->capacity = capacity;
	lc->interval_ns = interval_ns;
	lc->slots = algorithm == RLC_ALGO_WINDOW ? slots : 0;
	lc->exchange = RLC_NONE;
	lc->account = RLC_NONE;
	lc->kind = RLC_SCOPE_OTHER;
	return fc->cfg.limits_count++;
}

static void lay_out(void *base, size_t size, const struct fixture_config *fc)
{
	char why[256];

	if (rlc_layout_init(base, size, &fc->cfg, rlc_now_ns(), why, sizeof(why)) != 0) {
		fprintf(stderr, "fixture: %s\n", why);
		abort();
	}
	rlc__store_relaxed(&((struct rlc_header *)base)->rlcd_pid, (uint64_t)getpid());
	rlc__store_relaxed(&((struct rlc_header *)base)->heartbeat_ns, rlc_now_ns());
	rlc_layout_publish(base);
}

void *fixture_layout(const struct fixture_config *fc, size_t *size)
{
	void *base;

	*size = rlc_layout_size(&fc->cfg);
	base = aligned_alloc(RLC_CACHELINE, *size);
	if (!base)
		abort();
	memset(base, 0, *size);
	lay_out(base, *size, fc);
	return base;
}

void fixture_create_shm(const char *name, const struct fixture_config *fc)
{
	size_t size = rlc_layout_size(&fc->cfg);
	void *base;
	int fd;

	shm_unlink(name);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
		abort();
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		abort();
	lay_out(base, size, fc);
	munmap(base, size);
}
