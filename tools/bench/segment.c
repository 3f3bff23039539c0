/* SPDX-License-Identifier: MIT */
#include "segment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cleanup.h"
#include "layout.h"
#include "rlc/clock.h"

#define MS UINT64_C(1000000)

const struct rlc_limit_config bench_limits[BENCH_LIMITS] = {
	[BENCH_WINDOW] = {"bench.window", "bench", RLC_ALGO_WINDOW, 16000000, 16 * MS, 64, 0},
	/* 16 ns a unit, faster than two cores take it.  The burst, 256 ms,
	 * must outlast any preemption between a worker's clock read and its
	 * CAS: GCRA refuses a `now` older than TAT - burst (a 16 ms burst did,
	 * a few times a run, with 8 processes). */
	[BENCH_BUCKET] = {"bench.bucket", "bench", RLC_ALGO_BUCKET, 16000000, 256 * MS, 0, 0},
	[BENCH_LINK2] = {"bench.link2", "bench", RLC_ALGO_WINDOW, 16000000, 32 * MS, 64, 0},
	[BENCH_LINK3] = {"bench.link3", "bench", RLC_ALGO_WINDOW, 16000000, 64 * MS, 64, 0},
	[BENCH_FULL_S2] = {"bench.full-s2", "bench", RLC_ALGO_WINDOW, 1, 16 * MS, 2, 0},
	[BENCH_FULL_S64] = {"bench.full-s64", "bench", RLC_ALGO_WINDOW, 1, 16 * MS, 64, 0},
	/* 4095 slots of at least 100 us: a window of 1 s */
	[BENCH_FULL_S4096] = {"bench.full-s4096", "bench", RLC_ALGO_WINDOW, 1, 1000 * MS, 4096, 0},
};

static int lay_out(int fd, size_t size, const struct rlc_config *cfg, char *why, size_t len)
{
	void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int err;

	if (base == MAP_FAILED) {
		err = -errno;
		snprintf(why, len, "mmap: %s", strerror(-err));
		return err;
	}
	err = rlc_layout_init(base, size, cfg, rlc_now_ns(), why, len);
	if (!err) {
		/* This process is the segment's rlcd, as far as rlctl can tell. */
		rlc__store_relaxed(&((struct rlc_header *)base)->rlcd_pid, (uint64_t)getpid());
		rlc__store_relaxed(&((struct rlc_header *)base)->heartbeat_ns, rlc_now_ns());
		rlc_layout_publish(base);
	}
	munmap(base, size);
	return err;
}

int bench_segment_create(char *name, size_t name_len, uint32_t clients, char *why, size_t len)
{
	struct rlc_limit_config limits[BENCH_LIMITS];
	struct rlc_config cfg = {
		.mode = 0600,
		.clients = clients,
		.heartbeat_ns = 1000 * MS,
		.limits_count = BENCH_LIMITS,
		.limits = limits,
	};
	size_t size;
	int fd, err;

	memcpy(limits, bench_limits, sizeof(limits));
	size = rlc_layout_size(&cfg);
	if (size == 0) {
		snprintf(why, len, "segment: %u client records do not fit", clients);
		return -E2BIG;
	}
	snprintf(name, name_len, "/rlc-bench-%ld", (long)getpid());
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		err = -errno;
		snprintf(why, len, "%s: %s", name, strerror(-err));
		return err;
	}
	cleanup_segment(name);
	if (ftruncate(fd, (off_t)size) != 0) {
		err = -errno;
		snprintf(why, len, "%s: ftruncate: %s", name, strerror(-err));
	} else {
		err = lay_out(fd, size, &cfg, why, len);
	}
	close(fd);
	if (err)
		bench_segment_remove(name);
	return err;
}

void bench_segment_remove(const char *name)
{
	shm_unlink(name);
	cleanup_segment(NULL);
}
