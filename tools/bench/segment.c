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

/*
 * The benchmark's limits, laid out by rlcd's own parser and layout.  The
 * bench.* limits belong to no exchange: the grant path as rlc_try runs it.
 * bx is an exchange as the profiles describe one, for the reserve cases.
 * Capacities of 16,000,000 per 16 to 256 ms are never reached.
 */
static const char bench_ini[] =
	"[rlcd]\n"
	"mode = 0600\n"
	"heartbeat = 1s\n"
	"[limit bench.window]\n"
	"capacity = 16000000\n"
	"interval = 16ms\n"
	/* 16 ns a unit, faster than two cores take it.  The burst, 256 ms,
	 * must outlast any preemption between a worker's clock read and its
	 * CAS: GCRA refuses a `now` older than TAT - burst (a 16 ms burst did,
	 * a few times a run, with 8 processes). */
	"[limit bench.bucket]\n"
	"algorithm = bucket\n"
	"capacity = 16000000\n"
	"interval = 256ms\n"
	"[limit bench.link2]\n"
	"capacity = 16000000\n"
	"interval = 32ms\n"
	"[limit bench.link3]\n"
	"capacity = 16000000\n"
	"interval = 64ms\n"
	"[limit bench.full-s2]\n"
	"capacity = 1\n"
	"interval = 16ms\n"
	"slots = 2\n"
	"[limit bench.full-s64]\n"
	"capacity = 1\n"
	"interval = 16ms\n"
	/* 4095 slots of at least 100 us: a window of 1 s */
	"[limit bench.full-s4096]\n"
	"capacity = 1\n"
	"interval = 1s\n"
	"slots = 4096\n"
	"[exchange bx]\n"
	"dialect = binance\n"
	"[mode bx liquidation]\n"
	"lowest = high\n"
	"reserve = 0%\n"
	"[limit bx.ip.weight]\n"
	"capacity = 16000000\n"
	"interval = 16ms\n"
	"reserve-high = 1%\n"
	"reserve-normal = 2%\n"
	"reserve-low = 5%\n"
	"[limit bx.ip.raw]\n"
	"capacity = 16000000\n"
	"interval = 32ms\n"
	"[limit bx.ip.weight-10s]\n"
	"capacity = 16000000\n"
	"interval = 64ms\n"
	"[limit bx.account.orders-10s]\n"
	"capacity = 16000000\n"
	"interval = 32ms\n"
	"[limit bx.account.orders-1m]\n"
	"capacity = 16000000\n"
	"interval = 64ms\n"
	/* what the feedback case's usage headers report: a minute each */
	"[limit bx.ip.used]\n"
	"capacity = 16000000\n"
	"interval = 1m\n"
	"header = x-mbx-used-weight\n"
	"[limit bx.account.order-count]\n"
	"capacity = 16000000\n"
	"interval = 1m\n"
	"header = x-mbx-order-count\n"
	"[account bx main]\n"
	"[endpoint bx GET /depth]\n"
	"priority = low\n"
	"ip.weight = by limit 50:2 100:5 500:10 1000:20 default 500\n"
	"ip.raw = 1\n"
	"ip.weight-10s = 1\n"
	"[endpoint bx POST /order]\n"
	"priority = high\n"
	"critical-if = reduceOnly\n"
	"ip.weight = 1\n"
	"account.orders-10s = 1\n"
	"account.orders-1m = 1\n";

static const char *const bench_names[BENCH_LIMITS] = {
	[BENCH_WINDOW] = "bench.window",
	[BENCH_BUCKET] = "bench.bucket",
	[BENCH_LINK2] = "bench.link2",
	[BENCH_LINK3] = "bench.link3",
	[BENCH_FULL_S2] = "bench.full-s2",
	[BENCH_FULL_S64] = "bench.full-s64",
	[BENCH_FULL_S4096] = "bench.full-s4096",
};

/* bench_ini parsed, once; 0 or -errno with the reason in why. */
static int bench_config(const struct rlc_config **out, char *why, size_t len)
{
	static struct rlc_config cfg;
	static int parsed, err;
	static char reason[512];

	if (!parsed) {
		err = rlc_config_parse(&cfg, bench_ini, sizeof(bench_ini) - 1, "rlc-bench's rlc.ini",
				       reason, sizeof(reason));
		parsed = 1;
	}
	if (err)
		snprintf(why, len, "%s", reason);
	*out = &cfg;
	return err;
}

const struct rlc_limit_config *bench_limit(enum bench_limit which)
{
	const struct rlc_config *cfg;
	char why[512];
	uint32_t i;

	if (bench_config(&cfg, why, sizeof(why)) != 0)
		return NULL;
	for (i = 0; i < cfg->limits_count; i++)
		if (strcmp(cfg->limits[i].name, bench_names[which]) == 0)
			return &cfg->limits[i];
	return NULL;
}

const char *bench_limit_name(enum bench_limit which)
{
	return bench_names[which];
}

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
	const struct rlc_config *parsed;
	struct rlc_config cfg;
	size_t size;
	int fd, err;

	if ((err = bench_config(&parsed, why, len)))
		return err;
	cfg = *parsed;
	cfg.clients = clients;
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
