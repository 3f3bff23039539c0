/* SPDX-License-Identifier: MIT */
/* The client API on real POSIX shm segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/wait.h>

#include <cmocka.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
