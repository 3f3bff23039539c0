/* SPDX-License-Identifier: MIT */
/*
 * rlc-test-segment: lays out the segments the rlctl end-to-end tests read,
 * healthy or broken in one precise way each, without needing rlcd.  In
 * `serve` mode it stands in for rlcd: it beats until SIGTERM, then records a
 * clean exit the way rlcd does (pid 0), and leaves the segment behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rlc.h"
#include "segment_fixture.h"

#define MS UINT64_C(1000000)
#define HEARTBEAT_NS (100 * MS)

static const char usage_text[] =
	"Usage: rlc-test-segment [-s NAME] MODE\n"
	"Create segment NAME (default $RLC_SEGMENT, else /rlc) with the Binance USD-M\n"
	"limits, in one of these states:\n"
	"  serve      healthy: beat until SIGTERM or SIGINT, then record a clean exit\n"
	"  stale      rlcd pid is our parent (alive), its last beat a minute old\n"
	"  not-ready  laid out but never published\n"
	"  major      published with the next layout major version\n"
	"  magic      published with a wrong magic number\n"
	"  truncated  published, then cut to half its size\n"
	"  corrupt    published, then limit 0 names a record out of range\n"
	"  names      hostile names on limit 0, its scope and a client; rlcd exited\n";

struct mapping {
	int fd;
	size_t size;
	unsigned char *base;
	struct rlc_header *hdr;
};

/* The built-in rlcd profile, so that demo bots find their default limits. */
static void binance_usdm(struct fixture_config *fc)
{
	uint32_t id;

	fixture_config_init(fc, 16);
	fc->cfg.heartbeat_ns = HEARTBEAT_NS;
	fixture_add_limit(fc, "binance-usdm.ip.weight", "binance-usdm.ip", RLC_ALGO_WINDOW, 2400,
			  60000 * MS, 64);
	fixture_add_limit(fc, "binance-usdm.account.orders-10s", "binance-usdm.account",
			  RLC_ALGO_WINDOW, 300, 10000 * MS, 64);
	fixture_add_limit(fc, "binance-usdm.account.orders-1m", "binance-usdm.account",
			  RLC_ALGO_WINDOW, 1200, 60000 * MS, 64);
	for (id = 0; id < fc->cfg.limits_count; id++)
		fc->limits[id].buffer_ppm = 50000; /* 5% */
}

/* Map the segment fixture_create_shm() made, read-write. */
static int map_segment(const char *name, struct mapping *m)
{
	struct stat st;
	void *base;

	m->fd = shm_open(name, O_RDWR, 0);
	if (m->fd < 0 || fstat(m->fd, &st) != 0)
		return -errno;
	m->size = (size_t)st.st_size;
	base = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	m->base = base;
	m->hdr = base;
	return 0;
}

/* Beat like rlcd until SIGTERM or SIGINT; returns 0, or -errno. */
static int serve(struct rlc_header *hdr)
{
	struct timespec period = { 0, (long)HEARTBEAT_NS };
	sigset_t stop;
	int sig;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	/* Blocked, so they wait for sigtimedwait instead of killing us. */
	if (sigprocmask(SIG_BLOCK, &stop, NULL) != 0)
		return -errno;
	rlc__store_relaxed(&hdr->rlcd_start_ns, rlc_now_ns());
	rlc__store_relaxed(&hdr->generation, UINT64_C(1));
	for (;;) {
		rlc__store_relaxed(&hdr->heartbeat_ns, rlc_now_ns());
		sig = sigtimedwait(&stop, NULL, &period);
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	rlc__store_relaxed(&hdr->rlcd_pid, UINT64_C(0));
	return 0;
}

/*
 * Names that any client could write into the segment: control bytes, a
 * quote, a backslash, a byte that is not UTF-8, a C1 control (U+009B, CSI)
 * and a plain non-ASCII letter.  rlctl must print each without letting one
 * byte of it reach a terminal raw.
 */
#define HOSTILE_LIMIT "ip\033[31m\n\"q\"\\\377\302\233\303\251"
#define HOSTILE_SCOPE "acct\r\177"
#define HOSTILE_CLIENT "bot\033]0;pwned\007\t"

/* Rename limit 0 and its scope, register our parent under a hostile name. */
static int hostile_names(struct mapping *m, struct rlc_limit *limits)
{
	struct rlc_scope *scopes = RLC__TABLE(struct rlc_scope, m->base, m->hdr->scopes_off);
	struct rlc_name *names = RLC__TABLE(struct rlc_name, m->base, m->hdr->names_off);
	struct rlc_client *clients = RLC__TABLE(struct rlc_client, m->base, m->hdr->clients_off);
	int idx;

	snprintf(names[limits[0].name].text, RLC_NAME_MAX, "%s", HOSTILE_LIMIT);
	snprintf(names[scopes[limits[0].scope].name].text, RLC_NAME_MAX, "%s", HOSTILE_SCOPE);
	idx = rlc_client_claim(clients, m->hdr->clients_count, getppid(), HOSTILE_CLIENT);
	/* A clean exit: the report is printed, with one reason line. */
	rlc__store_relaxed(&m->hdr->rlcd_pid, UINT64_C(0));
	return idx < 0 ? idx : 0;
}

/* Break the published segment as `mode` says; returns 0, or -errno (-EINVAL: no such mode). */
static int spoil(struct mapping *m, const char *mode)
{
	struct rlc_limit *limits = RLC__TABLE(struct rlc_limit, m->base, m->hdr->limits_off);
	uint64_t now = rlc_now_ns();

	if (strcmp(mode, "stale") == 0) {
		rlc__store_relaxed(&m->hdr->rlcd_pid, (uint64_t)getppid());
		rlc__store_relaxed(&m->hdr->heartbeat_ns, now > 60000 * MS ? now - 60000 * MS : 1);
	} else if (strcmp(mode, "not-ready") == 0) {
		rlc__store_relaxed(&m->hdr->ready, UINT64_C(0));
	} else if (strcmp(mode, "major") == 0) {
		m->hdr->layout_major = RLC_LAYOUT_MAJOR + 1;
	} else if (strcmp(mode, "magic") == 0) {
		m->hdr->magic = ~RLC_MAGIC;
	} else if (strcmp(mode, "truncated") == 0) {
		if (ftruncate(m->fd, (off_t)(m->size / 2)) != 0)
			return -errno;
	} else if (strcmp(mode, "corrupt") == 0) {
		limits[0].name = m->hdr->names_count + 7;
	} else if (strcmp(mode, "names") == 0) {
		return hostile_names(m, limits);
	} else {
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fixture_config fc;
	struct mapping m = { .fd = -1 };
	const char *name = NULL, *mode;
	int opt, err;

	while ((opt = getopt(argc, argv, "s:h")) != -1) {
		switch (opt) {
		case 's':
			name = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 64;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage_text, stderr);
		return 64;
	}
	mode = argv[optind];
	name = rlc_segment_name(name);
	binance_usdm(&fc);
	fixture_create_shm(name, &fc);
	err = map_segment(name, &m);
	if (err == 0)
		err = strcmp(mode, "serve") == 0 ? serve(m.hdr) : spoil(&m, mode);
	if (err == -EINVAL)
		fprintf(stderr, "rlc-test-segment: unknown mode '%s'\n%s", mode, usage_text);
	else if (err)
		fprintf(stderr, "rlc-test-segment: %s: %s\n", name, strerror(-err));
	if (err)
		shm_unlink(name);
	return err ? 1 : 0;
}
