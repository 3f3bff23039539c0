/* SPDX-License-Identifier: MIT */
/* The GCRA bucket, driven by hand-set time: no clock, no sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "rlc/bucket.h"

#define MS UINT64_C(1000000)
#define T0 (UINT64_C(7000) * MS)

static struct rlc_limit limit;

/* Burst `cap`, refilled at `cap` per `interval_ms`. */
static void setup_bucket(uint32_t cap, uint64_t interval_ms)
{
	memset(&limit, 0, sizeof(limit));
	limit.algorithm = RLC_ALGO_BUCKET;
	limit.capacity = cap;
	limit.effective = cap;
	limit.interval_ns = interval_ms * MS;
	limit.step_ns = (interval_ms * MS + cap - 1) / cap;
}

static int take(uint64_t now, uint32_t weight, uint64_t *token, uint64_t *retry)
{
	uint64_t tok = 0, r = 0;
	int err = rlc_bucket_take(&limit, now, weight, &tok, &r);

	if (token)
		*token = tok;
	if (retry)
		*retry = r;
	return err;
}

static void test_bucket_burst_then_rate(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t retry;
	uint32_t i;

	setup_bucket(10, 1000);
	assert_int_equal(limit.step_ns, T);
	for (i = 0; i < 10; i++)
		assert_int_equal(take(T0, 1, NULL, NULL), 0);
	assert_int_equal(take(T0, 1, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, T);
	assert_int_equal(take(T0 + T - 1, 1, NULL, NULL), -EAGAIN);
	assert_int_equal(take(T0 + T, 1, NULL, NULL), 0);
	assert_int_equal(take(T0 + T, 1, NULL, NULL), -EAGAIN);
}

static void test_bucket_weighted_retry_is_exact(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t retry;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 4, NULL, NULL), 0);
	assert_int_equal(take(T0, 7, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, T);
	assert_int_equal(take(T0, 6, NULL, NULL), 0);
	assert_int_equal(take(T0 + 5 * T, 6, NULL, &retry), -EAGAIN);
	assert_int_equal(retry, T);
	assert_int_equal(take(T0 + 5 * T, 5, NULL, NULL), 0);
}

static void test_bucket_refills_to_burst_only(void **state)
{
	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, NULL, NULL), 0);
	/* Idle for 100 periods: the bucket holds its burst, not more. */
	assert_int_equal(take(T0 + 100 * limit.interval_ns, 10, NULL, NULL), 0);
	assert_int_equal(take(T0 + 100 * limit.interval_ns, 1, NULL, NULL), -EAGAIN);
}

static void test_bucket_refund_immediate(void **state)
{
	uint64_t token;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, &token, NULL), 0);
	rlc_bucket_refund(&limit, T0, token, 10);
	assert_int_equal(rlc_bucket_used(&limit, T0), 0);
	assert_int_equal(take(T0, 10, NULL, NULL), 0);
}

/* A refund gives back only the part of the cost that has not refilled. */
static void test_bucket_refund_after_refill(void **state)
{
	const uint64_t T = 100 * MS;
	uint64_t token;

	setup_bucket(1, 100);
	assert_int_equal(take(T0, 1, &token, NULL), 0);
	assert_int_equal(take(T0 + T, 1, NULL, NULL), 0);
	rlc_bucket_refund(&limit, T0 + T, token, 1); /* already refilled */
	assert_int_equal(take(T0 + T, 1, NULL, NULL), -EAGAIN);

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, &token, NULL), 0);
	rlc_bucket_refund(&limit, T0 + 4 * T, token, 10); /* 4 of 10 refilled */
	assert_int_equal(take(T0 + 4 * T, 10, NULL, NULL), 0);
	assert_int_equal(take(T0 + 4 * T, 1, NULL, NULL), -EAGAIN);

	/* Another grant after the refilled part: the state equals "never taken". */
	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 10, &token, NULL), 0);
	assert_int_equal(take(T0 + 4 * T, 4, NULL, NULL), 0);
	rlc_bucket_refund(&limit, T0 + 4 * T, token, 10);
	assert_int_equal(take(T0 + 4 * T, 7, NULL, NULL), -EAGAIN);
	assert_int_equal(take(T0 + 4 * T, 6, NULL, NULL), 0);
}

static void test_bucket_used_rounds_up(void **state)
{
	const uint64_t T = 100 * MS;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0, 3, NULL, NULL), 0);
	assert_int_equal(rlc_bucket_used(&limit, T0), 3);
	assert_int_equal(rlc_bucket_used(&limit, T0 + T - 1), 3);
	assert_int_equal(rlc_bucket_used(&limit, T0 + T), 2);
	assert_int_equal(rlc_bucket_used(&limit, T0 + 3 * T), 0);
}

/* Out-of-order clock reads never let more than burst + rate x span through. */
static void test_bucket_stale_clock_is_conservative(void **state)
{
	const uint64_t T = 100 * MS;

	setup_bucket(10, 1000);
	assert_int_equal(take(T0 + 5 * T, 10, NULL, NULL), 0);
	assert_int_equal(take(T0, 1, NULL, NULL), -EAGAIN);
	assert_int_equal(take(T0 + 6 * T, 1, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_burst_then_rate),
		cmocka_unit_test(test_bucket_weighted_retry_is_exact),
		cmocka_unit_test(test_bucket_refills_to_burst_only),
		cmocka_unit_test(test_bucket_refund_immediate),
		cmocka_unit_test(test_bucket_refund_after_refill),
		cmocka_unit_test(test_bucket_used_rounds_up),
		cmocka_unit_test(test_bucket_stale_clock_is_conservative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
