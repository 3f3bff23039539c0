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
	"  names      hostile names on limit 0, its scope and a client; rlcd exited\n"
	"  corrupt-state  published, then limit 0's window head set far in the future\n"
	"  moved      rlcd pid our parent, but the file it serves is another inode\n"
	"  detached   rlcd pid our parent, and it saw its name point elsewhere 5s ago\n"
	"  flip       until SIGTERM, rewrite immutable fields, valid and garbage by turns\n"
	"  shrink     hold every client record, then until SIGTERM empty the file and\n"
	"             restore it\n"
	"flip and shrink print \"ready\" when they start to write.\n";

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

/* Block SIGTERM and SIGINT into `stop`, so that they wait for sigtimedwait
 * instead of killing us; returns 0, or -errno. */
static int block_stop(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGINT);
	return sigprocmask(SIG_BLOCK, stop, NULL) != 0 ? -errno : 0;
}

/* Tell the test that the writing starts now. */
static void ready(void)
{
	puts("ready");
	fflush(stdout);
}

/* Has SIGTERM or SIGINT come, waiting at most `wait`? */
static int stopped(const sigset_t *stop, const struct timespec *wait)
{
	int sig = sigtimedwait(stop, NULL, wait);

	return sig == SIGTERM || sig == SIGINT;
}

/* Beat like rlcd until SIGTERM or SIGINT; returns 0, or -errno. */
static int serve(struct rlc_header *hdr)
{
	struct timespec period = { 0, (long)HEARTBEAT_NS };
	sigset_t stop;
	int err = block_stop(&stop);

	if (err)
		return err;
	rlc__store_relaxed(&hdr->rlcd_start_ns, rlc_now_ns());
	rlc__store_relaxed(&hdr->generation, UINT64_C(1));
	do
		rlc__store_relaxed(&hdr->heartbeat_ns, rlc_now_ns());
	while (!stopped(&stop, &period));
	rlc__store_relaxed(&hdr->rlcd_pid, UINT64_C(0));
	return 0;
}

/* How long `flip` and `shrink` hold each state: about as long as a reader
 * takes from validating a field to using it, so that many runs see both. */
#define PHASE_NS UINT64_C(1000)

/* Spin through one phase: sleeping would take far longer than a phase. */
static void hold(void)
{
	uint64_t until = rlc_now_ns() + PHASE_NS;

	while (rlc_now_ns() < until)
		;
}

/*
 * What a client with write access can do at any time, until SIGTERM or
 * SIGINT: rewrite fields that are immutable once published, which readers
 * must have copied when they validated, with valid and garbage values by
 * turns (a table count, the size, the major version, a divisor, a ring
 * index).  Not the minor version: any minor validates, so a report may
 * rightly show a garbage one it read.
 */
static int flip(struct mapping *m, struct rlc_limit *limits)
{
	static const struct timespec now = { 0, 0 };
	volatile struct rlc_header *hdr = m->hdr;
	volatile struct rlc_limit *l0 = &limits[0];
	const uint32_t clients = hdr->clients_count, major = hdr->layout_major;
	const uint32_t first = l0->slots_first;
	const uint64_t size = hdr->size, step = l0->step_ns;
	uint64_t i;
	sigset_t stop;
	int err = block_stop(&stop);

	if (err)
		return err;
	ready();
	for (i = 0;; i++) {
		int bad = (int)(i & 1);

		if (i % 256 == 0 && stopped(&stop, &now))
			break;
		hdr->clients_count = bad ? clients + 1000 : clients;
		hdr->size = bad ? 2 * size : size;
		hdr->layout_major = bad ? major + 77 : major;
		l0->step_ns = bad ? 0 : step;
		l0->slots_first = bad ? UINT32_MAX : first;
		hold();
	}
	hdr->clients_count = clients;
	hdr->size = size;
	hdr->layout_major = major;
	l0->step_ns = step;
	l0->slots_first = first;
	return 0;
}

/*
 * Until SIGTERM or SIGINT, empty the file and restore it, contents and all:
 * a reader that has it mapped must not die by SIGBUS, nor report what it
 * read from the zero pages that replace it.  Every client record is ours
 * first: a reader checks each in /proc, a window wide enough to land in.
 */
static int shrink(struct mapping *m)
{
	static const struct timespec now = { 0, 0 };
	struct rlc_client *clients = RLC__TABLE(struct rlc_client, m->base, m->hdr->clients_off);
	unsigned char *copy;
	sigset_t stop;
	int err = block_stop(&stop);

	if (err)
		return err;
	while (rlc_client_claim(clients, m->hdr->clients_count, getpid(), "shrink") >= 0)
		;
	if (!(copy = malloc(m->size)))
		return -ENOMEM;
	memcpy(copy, m->base, m->size);
	ready();
	/* Our own mapping is not touched again: it would fault too. */
	while (!err && !stopped(&stop, &now)) {
		if (ftruncate(m->fd, 0) != 0)
			err = -errno;
		hold();
		/* Written back, not extended first: a reader finds each page
		 * whole, or past the end of the file (SIGBUS), never zeros. */
		if (pwrite(m->fd, copy, m->size, 0) != (ssize_t)m->size)
			err = err ? err : -errno;
		hold();
	}
	free(copy);
	return err;
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
	} else if (strcmp(mode, "corrupt-state") == 0) {
		/* A head 1000 slots past any clock read: no take writes that. */
		uint64_t epoch = (now - limits[0].origin_ns) / limits[0].step_ns + 1000;

		rlc__store_relaxed(&limits[0].state, RLC__WORD(epoch, 5));
	} else if (strcmp(mode, "moved") == 0 || strcmp(mode, "detached") == 0) {
		int moved = strcmp(mode, "moved") == 0;
		struct stat st;

		if (fstat(m->fd, &st) != 0)
			return -errno;
		rlc__store_relaxed(&m->hdr->rlcd_pid, (uint64_t)getppid());
		rlc__store_relaxed(&m->hdr->shm_dev, (uint64_t)st.st_dev);
		/* moved: rlcd serves another file than the one the name points to */
		rlc__store_relaxed(&m->hdr->shm_ino, (uint64_t)st.st_ino + (uint64_t)moved);
		rlc__store_relaxed(&m->hdr->detached_ns, moved ? 0 : now - 5000 * MS);
	} else if (strcmp(mode, "flip") == 0) {
		return flip(m, limits);
	} else if (strcmp(mode, "shrink") == 0) {
		return shrink(m);
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
