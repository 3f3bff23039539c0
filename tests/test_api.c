/* SPDX-License-Identifier: MIT */
/* The client API on real POSIX shm segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "api_other_unit.h"
#include "rlc.h"
#include "segment_fixture.h"

#define MS UINT64_C(1000000)

static char name[64];
static uint32_t ip, orders, rate;

/* ip: window 10/1s; orders: window 5/1s; rate: bucket 1 per 2 ms. */
static int setup(void **state)
{
	struct fixture_config fc;

	snprintf(name, sizeof(name), "/rlc-test-api-%ld", (long)getpid());
	fixture_config_init(&fc, 3);
	ip = fixture_add_limit(&fc, "ex.ip.weight", "ex.ip", RLC_ALGO_WINDOW, 10, 1000 * MS, 11);
	orders = fixture_add_limit(&fc, "ex.account.orders", "ex.account", RLC_ALGO_WINDOW, 5,
				   1000 * MS, 11);
	rate = fixture_add_limit(&fc, "ex.account.rate", "ex.account", RLC_ALGO_BUCKET, 1, 2 * MS, 0);
	fixture_create_shm(name, &fc);
	return 0;
}

static int teardown(void **state)
{
	shm_unlink(name);
	return 0;
}

static void open_ok(struct rlc *h, const char *client)
{
	if (rlc_open(h, name, client, 0) != 0)
		fail_msg("rlc_open: %s", h->why);
}

static void test_api_open_missing(void **state)
{
	struct rlc h;

	assert_int_equal(rlc_open(&h, "/rlc-test-no-such-segment", "t", 0), -ENOENT);
	assert_non_null(strstr(h.why, "no such segment"));
	rlc_close(&h);
}

static void test_api_open_bad_name(void **state)
{
	struct rlc h;

	assert_int_equal(rlc_open(&h, "rlc", "t", 0), -EINVAL);
	assert_int_equal(rlc_open(&h, "/a/b", "t", 0), -EINVAL);
	assert_int_equal(rlc_open(NULL, name, "t", 0), -EINVAL);
}

static void write_shm(const void *bytes, size_t len)
{
	int fd;

	shm_unlink(name);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

static void test_api_open_not_ready_or_corrupt(void **state)
{
	unsigned char garbage[4096] = {0};
	struct rlc h;

	write_shm(garbage, 0);
	assert_int_equal(rlc_open(&h, name, "t", 0), -EAGAIN);
	memset(garbage, 0x5a, sizeof(garbage));
	write_shm(garbage, sizeof(garbage));
	assert_int_equal(rlc_open(&h, name, "t", RLC_OPEN_READONLY), -EBADMSG);
	assert_non_null(strstr(h.why, "corrupt"));
	write_shm(garbage, 17);
	assert_int_equal(rlc_open(&h, name, "t", 0), -EBADMSG);
}

static void test_api_segment_from_environment(void **state)
{
	struct rlc h;

	setenv(RLC_SEGMENT_ENV, name, 1);
	assert_int_equal(rlc_open(&h, NULL, "env", RLC_OPEN_READONLY), 0);
	rlc_close(&h);
	/* An empty or bad name is refused, never taken for the default. */
	setenv(RLC_SEGMENT_ENV, "", 1);
	assert_int_equal(rlc_open(&h, NULL, "env", RLC_OPEN_READONLY), -EINVAL);
	assert_non_null(strstr(h.why, "$RLC_SEGMENT: \"\" is not a segment name"));
	setenv(RLC_SEGMENT_ENV, "/a\x1b[2Jb/c", 1);
	assert_int_equal(rlc_open(&h, NULL, "env", RLC_OPEN_READONLY), -EINVAL);
	assert_non_null(strstr(h.why, "\"/a\\x1b[2Jb/c\""));
	assert_int_equal(rlc_open(&h, "", "t", RLC_OPEN_READONLY), -EINVAL);
	unsetenv(RLC_SEGMENT_ENV);
	assert_string_equal(rlc_segment_name(NULL), RLC_SEGMENT_DEFAULT);
}

static void test_api_limit_lookup(void **state)
{
	struct rlc h;

	open_ok(&h, "lookup");
	assert_int_equal(rlc_limit_id(&h, "ex.ip.weight"), (int)ip);
	assert_int_equal(rlc_limit_id(&h, "ex.account.rate"), (int)rate);
	assert_int_equal(rlc_limit_id(&h, "ex.ip"), -ENOENT);
	assert_int_equal(rlc_limit_id(&h, NULL), -EINVAL);
	rlc_close(&h);
}

static void test_api_bad_arguments(void **state)
{
	uint32_t ids[9] = {ip, orders, ip}, weights[9] = {1, 1, 1};
	struct rlc_grant g;
	struct rlc h, ro;

	open_ok(&h, "args");
	assert_int_equal(rlc_try(&h, ip, 11, &g), -E2BIG);
	assert_int_equal(rlc_try(&h, 99, 1, &g), -ENOENT);
	assert_int_equal(rlc_try_n(&h, ids, weights, 0, &g), -EINVAL);
	assert_int_equal(rlc_try_n(&h, ids, weights, 9, &g), -EINVAL);
	assert_int_equal(rlc_try_n(&h, ids, weights, 3, &g), -EINVAL); /* ip twice */
	assert_int_equal(rlc_try(&h, ip, 1, NULL), -EINVAL);
	assert_int_equal(rlc_open(&ro, name, NULL, RLC_OPEN_READONLY), 0);
	assert_int_equal(rlc_try(&ro, ip, 1, &g), -EINVAL);
	rlc_close(&ro);
	rlc_close(&h);
}

static void test_api_grant_until_refused(void **state)
{
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;
	int i;

	open_ok(&h, "grants");
	for (i = 0; i < 10; i++)
		assert_int_equal(rlc_try(&h, ip, 1, &g), 0);
	assert_int_equal(g.refused_by, -1);
	assert_int_equal(rlc_try(&h, ip, 1, &g), -EAGAIN);
	assert_int_equal(g.refused_by, (int)ip);
	assert_true(g.retry_ns > 0 && g.retry_ns <= 1100 * MS);
	assert_int_equal(rlc_usage(&h, ip, &u), 0);
	assert_int_equal(u.used, 10);
	assert_string_equal(u.name, "ex.ip.weight");
	assert_string_equal(u.scope, "ex.ip");
	assert_int_equal(u.algorithm, RLC_ALGO_WINDOW);
	assert_int_equal(rlc_usage(&h, 99, &u), -ENOENT);
	rlc_close(&h);
}

static void test_api_linked_all_or_nothing(void **state)
{
	uint32_t ids[2] = {orders, ip}, weights[2] = {1, 4};
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;

	open_ok(&h, "linked");
	assert_int_equal(rlc_try(&h, orders, 5, &g), 0);
	assert_int_equal(rlc_try_n(&h, ids, weights, 2, &g), -EAGAIN);
	assert_int_equal(g.refused_by, (int)orders);
	assert_int_equal(rlc_usage(&h, ip, &u), 0);
	assert_int_equal(u.used, 0); /* ip was taken first (lower id) and rolled back */
	assert_int_equal(rlc_refund(&h, &g), -EINVAL); /* a refusal is no grant */
	rlc_close(&h);
}

static void test_api_linked_grant_sorted_and_refunded(void **state)
{
	uint32_t ids[3] = {rate, orders, ip}, weights[3] = {1, 2, 3};
	struct rlc_client_info info;
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;

	open_ok(&h, "refunder");
	assert_int_equal(rlc_try_n(&h, ids, weights, 3, &g), 0);
	assert_int_equal(g.count, 3);
	assert_int_equal(g.id[0], ip);
	assert_int_equal(g.weight[0], 3);
	assert_int_equal(g.id[2], rate);
	assert_int_equal(rlc_usage(&h, orders, &u), 0);
	assert_int_equal(u.used, 2);
	assert_int_equal(rlc_refund(&h, &g), 0);
	assert_int_equal(rlc_usage(&h, orders, &u), 0);
	assert_int_equal(u.used, 0);
	assert_int_equal(rlc_usage(&h, ip, &u), 0);
	assert_int_equal(u.used, 0);
	assert_int_equal(rlc_client_info(&h, (uint32_t)(h.self - h.clients), &info), 0);
	assert_int_equal(info.pid, getpid());
	assert_string_equal(info.name, "refunder");
	assert_int_equal(info.grants, 1);
	assert_int_equal(info.weight, 6);
	assert_int_equal(info.refunded, 6);
	rlc_close(&h);
}

static void test_api_acquire(void **state)
{
	struct rlc_grant g;
	struct rlc h;
	uint64_t first;

	open_ok(&h, "acquire");
	assert_int_equal(rlc_try(&h, ip, 10, &g), 0);
	/* ip is full for about a second: a 1 ms deadline gives up at once. */
	assert_int_equal(rlc_acquire(&h, &ip, &(uint32_t){1}, 1, rlc_now_ns() + MS, &g),
			 -ETIMEDOUT);
	assert_int_equal(g.refused_by, (int)ip);
	assert_true(g.retry_ns > 500 * MS);
	/* The bucket refills one unit per 2 ms: the second acquire waits for it. */
	assert_int_equal(rlc_try(&h, rate, 1, &g), 0);
	first = g.now_ns;
	assert_int_equal(rlc_acquire(&h, &rate, &(uint32_t){1}, 1, rlc_now_ns() + 1000 * MS, &g), 0);
	assert_true(g.now_ns >= first + 2 * MS - 1);
	rlc_close(&h);
}

static void test_api_clients_table(void **state)
{
	struct rlc a, b, c, d;
	struct rlc_client_info info;
	int status;
	pid_t child;

	open_ok(&a, "a");
	open_ok(&b, "b");
	child = fork();
	if (child == 0) {
		struct rlc h;

		/* Dies holding the last record, without rlc_close. */
		_exit(rlc_open(&h, name, "crashing", 0) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(rlc_client_info(&a, 2, &info), 0);
	assert_int_equal(info.pid, child);
	/* Table full of a, b and a dead child: the dead record is reclaimed. */
	open_ok(&c, "c");
	assert_int_equal((int)(c.self - c.clients), 2);
	assert_int_equal(rlc_open(&d, name, "d", 0), -ENOSPC);
	assert_non_null(strstr(d.why, "clients table full"));
	rlc_close(&b);
	assert_int_equal(rlc_client_info(&a, 1, &info), -ENOENT);
	open_ok(&d, "d");
	assert_int_equal(rlc_client_info(&a, 1, &info), 0);
	assert_string_equal(info.name, "d");
	assert_int_equal(rlc_client_info(&a, 3, &info), -EINVAL);
	rlc_close(&a);
	rlc_close(&c);
	rlc_close(&d);
}


/* A second, writable mapping of the test segment: what any bot can write. */
static unsigned char *map_rw(size_t *size)
{
	struct stat st;
	void *base;
	int fd = shm_open(name, O_RDWR, 0);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*size = (size_t)st.st_size;
	base = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(base != MAP_FAILED);
	return base;
}

static void test_api_double_refund_is_refused(void **state)
{
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;

	open_ok(&h, "twice");
	assert_int_equal(rlc_try(&h, ip, 4, &g), 0);
	assert_int_equal(rlc_try(&h, ip, 3, NULL), -EINVAL);
	assert_int_equal(rlc_refund(&h, &g), 0);
	assert_int_equal(rlc_refund(&h, &g), -EINVAL);
	assert_int_equal(rlc_usage(&h, ip, &u), 0);
	assert_int_equal(u.used, 0);
	rlc_close(&h);
}

static void test_api_weight_zero_is_refused(void **state)
{
	uint32_t ids[2] = {ip, orders}, weights[2] = {1, 0};
	struct rlc_grant g;
	struct rlc h;
	int i;

	open_ok(&h, "zero");
	for (i = 0; i < 10; i++)
		assert_int_equal(rlc_try(&h, ip, 1, &g), 0);
	assert_int_equal(rlc_try(&h, ip, 0, &g), -EINVAL); /* even on a full limit */
	assert_int_equal(rlc_try_n(&h, ids, weights, 2, &g), -EINVAL);
	assert_int_equal(rlc_refund(&h, &g), -EINVAL);
	rlc_close(&h);
}

/*
 * After open, a bot rewrites every layout field it can reach: the open
 * handle keeps working from its private copy and nobody dies by SIGFPE or
 * SIGSEGV.
 */
static void test_api_layout_rewritten_after_open(void **state)
{
	struct rlc_client_info info;
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;
	size_t size;
	unsigned char *seg;
	struct rlc_header *hdr;
	struct rlc_limit *limits;
	uint32_t i;

	open_ok(&h, "victim");
	seg = map_rw(&size);
	hdr = (struct rlc_header *)(void *)seg;
	limits = RLC__TABLE(struct rlc_limit, seg, hdr->limits_off);
	for (i = 0; i < 3; i++) {
		limits[i].step_ns = 0;
		limits[i].slots = 0;
		limits[i].slots_first = 0xfffffff0u;
		limits[i].name = 0xffffffffu;
		limits[i].scope = 0xffffffffu;
		limits[i].effective = 0;
		limits[i].algorithm = 77;
	}
	hdr->limits_count = 0xffffffffu;
	hdr->clients_count = 0xffffffffu;
	hdr->clients_off = UINT64_MAX - 63;
	hdr->names_off = UINT64_MAX - 63;
	hdr->slots_off = UINT64_MAX - 63;
	assert_int_equal(rlc_limit_id(&h, "ex.ip.weight"), (int)ip);
	assert_int_equal(rlc_try(&h, ip, 3, &g), 0);
	assert_int_equal(rlc_try(&h, rate, 1, &g), 0);
	assert_int_equal(rlc_usage(&h, ip, &u), 0);
	assert_int_equal(u.used, 3);
	assert_string_equal(u.name, "ex.ip.weight");
	assert_string_equal(u.scope, "ex.ip");
	assert_int_equal(rlc_client_info(&h, (uint32_t)(h.self - h.clients), &info), 0);
	assert_int_equal(rlc_client_info(&h, 1000, &info), -EINVAL);
	munmap(seg, size);
	rlc_close(&h);
}

/* A limit's shared words set to states no interleaving produces. */
static void test_api_corrupt_state_is_reported(void **state)
{
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h;
	size_t size;
	unsigned char *seg;
	struct rlc_limit *limits;
	uint64_t t0;

	open_ok(&h, "corrupt");
	seg = map_rw(&size);
	limits = RLC__TABLE(struct rlc_limit, seg,
			    ((struct rlc_header *)(void *)seg)->limits_off);
	/* A window head a day ahead of every clock. */
	rlc__store_relaxed(&limits[ip].state,
			   RLC__WORD((rlc_now_ns() - h.limits[ip].origin_ns + 86400 * UINT64_C(1000000000)) /
					     h.limits[ip].step_ns, 1));
	t0 = rlc_now_ns();
	assert_int_equal(rlc_try(&h, ip, 1, &g), -EBADMSG);
	assert_int_equal(g.refused_by, (int)ip);
	assert_int_equal(rlc_acquire(&h, &ip, &(uint32_t){1}, 1, rlc_now_ns() + 1000 * MS, &g),
			 -EBADMSG);
	assert_true(rlc_now_ns() - t0 < 500 * MS);
	assert_int_equal(rlc_usage(&h, ip, &u), -EBADMSG);
	assert_string_equal(u.name, "ex.ip.weight");
	/* A bucket word a day past a full burst. */
	rlc__store_relaxed(&limits[rate].state, rlc_now_ns() + 86400 * UINT64_C(1000000000));
	assert_int_equal(rlc_try(&h, rate, 1, &g), -EBADMSG);
	assert_int_equal(rlc_usage(&h, rate, &u), -EBADMSG);
	/* Other limits are untouched. */
	assert_int_equal(rlc_try(&h, orders, 1, &g), 0);
	munmap(seg, size);
	rlc_close(&h);
}

/*
 * Truncating the segment under open handles: no SIGBUS, every call says
 * the segment was truncated, and a new open says so too.
 */
static void test_api_truncated_segment(void **state)
{
	struct rlc_usage u;
	struct rlc_grant g;
	struct rlc h, ro, again;
	int fd;

	open_ok(&h, "truncated");
	assert_int_equal(rlc_open(&ro, name, NULL, RLC_OPEN_READONLY), 0);
	assert_int_equal(rlc_try(&h, ip, 1, &g), 0);
	fd = shm_open(name, O_RDWR, 0);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	close(fd);
	assert_int_equal(rlc_try(&h, ip, 1, &g), -EBADMSG);
	assert_int_equal(g.count, 0);
	assert_int_equal(other_unit_try(&h, ip, 1), -EBADMSG);
	assert_int_equal(rlc_usage(&h, ip, &u), -EBADMSG);
	assert_int_equal(rlc_usage(&ro, orders, &u), -EBADMSG);
	assert_int_equal(rlc_try(&h, orders, 1, &g), -EBADMSG);
	/* A later open finds a file shorter than any header says. */
	fd = shm_open(name, O_RDWR, 0);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64), 0);
	close(fd);
	assert_int_equal(rlc_open(&again, name, "late", 0), -EBADMSG);
	assert_non_null(strstr(again.why, "smaller than its 320-byte header"));
	rlc_close(&ro);
	rlc_close(&h);
}

static struct sigaction chained_to;

/* A program's own SIGBUS handler that hands every fault to the one before. */
static void chaining_handler(int sig, siginfo_t *si, void *ctx)
{
	chained_to.sa_sigaction(sig, si, ctx);
}

/*
 * rlc reinstalls its guard over a program's handler that chains back to
 * rlc's: a fault outside every segment must still end in SIGBUS, not loop.
 */
static void test_api_guard_chain_does_not_loop(void **state)
{
	pid_t child = fork();
	int status;

	if (child == 0) {
		struct sigaction sa;
		struct rlc a, b;
		volatile unsigned char *p;
		int fd;

		if (rlc_open(&a, name, NULL, RLC_OPEN_READONLY) != 0)
			_exit(1);
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = chaining_handler;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGBUS, &sa, &chained_to);
		if (!(chained_to.sa_flags & SA_SIGINFO) ||
		    rlc_open(&b, name, NULL, RLC_OPEN_READONLY) != 0)
			_exit(1);
		fd = shm_open("/rlc-test-api-stray", O_RDWR | O_CREAT, 0600);
		shm_unlink("/rlc-test-api-stray");
		if (fd < 0 || ftruncate(fd, 4096) != 0)
			_exit(1);
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED || ftruncate(fd, 0) != 0)
			_exit(1);
		_exit(p[0] == 0 ? 2 : 3); /* a fault in no segment: never returns */
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGBUS);
}

/* A segment someone else could have planted is refused, with the reason. */
static void test_api_untrusted_segment_is_refused(void **state)
{
	char path[128];
	struct rlc h;
	int fd;

	snprintf(path, sizeof(path), "/dev/shm%s", name);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(rlc_open(&h, name, "t", RLC_OPEN_READONLY), -EPERM);
	assert_non_null(strstr(h.why, "mode 0666"));
	assert_int_equal(chmod(path, 0640), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 54321, 54321), 0);
		assert_int_equal(rlc_open(&h, name, "t", 0), -EPERM);
		assert_non_null(strstr(h.why, "owned by uid 54321"));
		assert_int_equal(chown(path, 0, 0), 0);
	}
	assert_int_equal(rlc_open(&h, name, "t", 0), 0);
	rlc_close(&h);
	/* A FIFO under the name: refused at once, no hang. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(rlc_open(&h, name, "t", RLC_OPEN_READONLY), -EPERM);
	assert_non_null(strstr(h.why, "not a regular file"));
	assert_int_equal(rlc_open(&h, name, "t", 0), -EPERM);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	close(fd);
}

/* rlc_attach on memory the caller mapped, into a handle never cleared. */
static void test_api_attach_own_mapping(void **state)
{
	struct fixture_config fc;
	struct rlc_grant g;
	struct rlc h;
	size_t size;
	void *zeros = aligned_alloc(RLC_CACHELINE, 512), *seg;

	assert_non_null(zeros);
	memset(zeros, 0, 512);
	memset(&h, 0xa5, sizeof(h));
	assert_int_equal(rlc_attach(&h, zeros, 512, "own", 0), -EAGAIN);
	assert_non_null(strstr(h.why, "not ready"));
	free(zeros);
	fixture_config_init(&fc, 2);
	fixture_add_limit(&fc, "own.ip.weight", "own.ip", RLC_ALGO_WINDOW, 5, 1000 * MS, 11);
	seg = fixture_layout(&fc, &size);
	memset(&h, 0xa5, sizeof(h));
	assert_int_equal(rlc_attach(&h, seg, size, "own", 0), 0);
	assert_int_equal(rlc_try(&h, 0, 5, &g), 0);
	assert_int_equal(rlc_try(&h, 0, 1, &g), -EAGAIN);
	rlc_close(&h);
	free(seg);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_api_open_missing),
		T(test_api_open_bad_name),
		T(test_api_open_not_ready_or_corrupt),
		T(test_api_segment_from_environment),
		T(test_api_limit_lookup),
		T(test_api_bad_arguments),
		T(test_api_grant_until_refused),
		T(test_api_linked_all_or_nothing),
		T(test_api_linked_grant_sorted_and_refunded),
		T(test_api_acquire),
		T(test_api_clients_table),
		T(test_api_double_refund_is_refused),
		T(test_api_weight_zero_is_refused),
		T(test_api_layout_rewritten_after_open),
		T(test_api_corrupt_state_is_reported),
		T(test_api_truncated_segment),
		T(test_api_untrusted_segment_is_refused),
		T(test_api_attach_own_mapping),
		T(test_api_guard_chain_does_not_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
