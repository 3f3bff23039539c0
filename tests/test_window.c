/* SPDX-License-Identifier: MIT */
/* The window algorithm, driven by hand-set time: no clock, no sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "rlc/window.h"

#define MS UINT64_C(1000000)
#define ORIGIN (UINT64_C(5000) * MS)

/* A window of `cap` per `interval_ms` over `slots` slots, in process memory. */
struct fixture {
	rlc_word state, sum, frees;
	rlc_word ring[RLC_SLOTS_PER_LIMIT_MAX];
	struct rlc_limit_view limit; /* as rlc_open copies it */
};

static struct fixture fx;

static void setup_window(uint32_t cap, uint64_t interval_ms, uint32_t slots)
{
	memset(&fx, 0, sizeof(fx));
	fx.limit.state = &fx.state;
	fx.limit.sum = &fx.sum;
	fx.limit.frees = &fx.frees;
	fx.limit.ring = fx.ring;
	fx.limit.epoch_max = RLC_EPOCH_MAX;
	fx.limit.algorithm = RLC_ALGO_WINDOW;
	fx.limit.capacity = cap;
	fx.limit.effective = cap;
	fx.limit.slots = slots;
	fx.limit.interval_ns = interval_ms * MS;
	fx.limit.step_ns = (interval_ms * MS + slots - 2) / (slots - 1);
	fx.limit.origin_ns = ORIGIN;
}

/* Start of epoch e. */
static uint64_t epoch_at(uint64_t e)
{
	return ORIGIN + e * fx.limit.step_ns;
}

static int take(uint64_t now, uint32_t weight, uint64_t *retry)
{
	uint64_t token, r = 0;
	int err = rlc_window_take(&fx.limit, now, weight, &token, &r);

	if (retry)
		*retry = r;
	return err;
}

static uint64_t used(uint64_t now)
{
	uint64_t u = 0, seen = 0;

	assert_int_equal(rlc_window_used(&fx.limit, now, &u, &seen), 0);
	return u;
}

static void test_window_capacity_edge(void **state)
{
	uint32_t i;

	setup_window(10, 1000, 11); /* slot width 100 ms */
	for (i = 0; i < 10; i++)
		assert_int_equal(take(epoch_at(0) + i, 1, NULL), 0);
	assert_int_equal(used(epoch_at(0) + 10), 10);
	assert_int_equal(take(epoch_at(0) + 10, 1, NULL), -EAGAIN);
	/* Still full at the last ns of the window's last epoch. */
	assert_int_equal(take(epoch_at(10) + fx.limit.step_ns - 1, 1, NULL), -EAGAIN);
}

static void test_window_weighted(void **state)
{
	setup_window(10, 1000, 11);
	assert_int_equal(take(epoch_at(0), 3, NULL), 0);
	assert_int_equal(take(epoch_at(1), 4, NULL), 0);
	assert_int_equal(take(epoch_at(2), 4, NULL), -EAGAIN);
	assert_int_equal(take(epoch_at(2), 3, NULL), 0);
	assert_int_equal(used(epoch_at(2)), 10);
}

/* A grant made at the last ns of its epoch expires exactly W later. */
static void test_window_expiry_after_exactly_window(void **state)
{
	uint64_t t;

	setup_window(5, 1000, 11);
	t = epoch_at(1) - 1;
	assert_int_equal(take(t, 5, NULL), 0);
	assert_int_equal(take(t + fx.limit.interval_ns, 1, NULL), -EAGAIN);
	assert_int_equal(used(t + fx.limit.interval_ns), 5);
	assert_int_equal(take(t + fx.limit.interval_ns + 1, 5, NULL), 0);
}

/* A grant at the start of its epoch counts for W + one slot, no longer. */
static void test_window_expiry_at_most_window_plus_slot(void **state)
{
	uint64_t t;

	setup_window(5, 1000, 11);
	t = epoch_at(3);
	assert_int_equal(take(t, 5, NULL), 0);
	assert_int_equal(take(t + fx.limit.interval_ns + fx.limit.step_ns - 1, 1, NULL), -EAGAIN);
	assert_int_equal(take(t + fx.limit.interval_ns + fx.limit.step_ns, 5, NULL), 0);
}

static void test_window_retry_time_is_exact(void **state)
{
	uint64_t now = epoch_at(3) + 7, retry;

	setup_window(10, 1000, 11);
	assert_int_equal(take(epoch_at(0) + 1, 3, NULL), 0);
	assert_int_equal(take(epoch_at(2) + 1, 4, NULL), 0);
	assert_int_equal(take(now, 2, NULL), 0);
	/* 9 used; 4 more needs epoch 0's 3 gone: at epoch 11. */
	assert_int_equal(take(now, 4, &retry), -EAGAIN);
	assert_int_equal(now + retry, epoch_at(11));
	assert_int_equal(take(now + retry - 1, 4, NULL), -EAGAIN);
	/* 8 more needs epoch 2 gone too: at epoch 13. */
	assert_int_equal(take(now + retry - 1, 8, &retry), -EAGAIN);
	assert_int_equal(epoch_at(10) + fx.limit.step_ns - 1 + retry, epoch_at(13));
	assert_int_equal(take(epoch_at(13) - 1, 8, NULL), -EAGAIN);
	assert_int_equal(take(epoch_at(13), 8, NULL), 0);
}

/* Refusals from the current epoch alone wait for a full ring turn. */
static void test_window_retry_when_current_epoch_is_full(void **state)
{
	uint64_t retry;

	setup_window(4, 1000, 11);
	assert_int_equal(take(epoch_at(5) + 3, 4, NULL), 0);
	assert_int_equal(take(epoch_at(5) + 9, 1, &retry), -EAGAIN);
	assert_int_equal(epoch_at(5) + 9 + retry, epoch_at(16));
}

static void test_window_refund_in_open_epoch(void **state)
{
	uint64_t token, retry;

	setup_window(10, 1000, 11);
	assert_int_equal(rlc_window_take(&fx.limit, epoch_at(1), 6, &token, &retry), 0);
	assert_int_equal(token, 1);
	rlc_window_refund(&fx.limit, token, 6);
	assert_int_equal(used(epoch_at(1)), 0);
	assert_int_equal(take(epoch_at(1), 10, NULL), 0);
}

/* Once its epoch is sealed, a refund lands in the slot and drops the cache. */
static void test_window_refund_in_sealed_epoch(void **state)
{
	uint64_t token, retry;

	setup_window(10, 1000, 11);
	assert_int_equal(rlc_window_take(&fx.limit, epoch_at(1), 6, &token, &retry), 0);
	assert_int_equal(take(epoch_at(2), 4, NULL), 0); /* seals epoch 1, caches 6 */
	rlc_window_refund(&fx.limit, token, 6);
	assert_int_equal(used(epoch_at(2)), 4);
	assert_int_equal(take(epoch_at(2), 6, NULL), 0);
	assert_int_equal(take(epoch_at(2), 1, NULL), -EAGAIN);
}

/*
 * A refused take after the head's epoch ended sealed that epoch: the head
 * must move too, so that a refund of the sealed grant lowers the slot where
 * its count now lives, and usage says what a grant finds.
 */
static void test_window_refund_after_refused_roll(void **state)
{
	uint64_t token, retry;

	setup_window(100, 1000, 11);
	assert_int_equal(rlc_window_take(&fx.limit, epoch_at(0), 100, &token, &retry), 0);
	assert_int_equal(take(epoch_at(3), 1, &retry), -EAGAIN);
	assert_int_equal(epoch_at(3) + retry, epoch_at(11));
	rlc_window_refund(&fx.limit, token, 100);
	assert_int_equal(used(epoch_at(3)), 0);
	assert_int_equal(take(epoch_at(3), 100, &retry), 0);
}

/* A slot holding a later epoch than an unchanged head is corrupt, not busy. */
static void test_window_corrupt_slot_is_reported(void **state)
{
	setup_window(10, 1000, 11);
	assert_int_equal(take(epoch_at(2), 3, NULL), 0);
	rlc__store_relaxed(&fx.ring[2], RLC__WORD(2 + 11 * 5, 1));
	assert_int_equal(take(epoch_at(3), 1, NULL), -EBADMSG);
	/* The head is unchanged: nothing was granted or lost. */
	assert_int_equal(RLC__EPOCH(rlc__load_relaxed(&fx.state)), 2);
}

/* A head so far ahead that its start would not fit 64 bits is corrupt. */
static void test_window_head_beyond_time_is_corrupt(void **state)
{
	uint64_t u, seen;

	setup_window(10, 1000, 11);
	fx.limit.epoch_max = (UINT64_MAX - ORIGIN) / fx.limit.step_ns;
	rlc__store_relaxed(&fx.state, RLC__WORD(RLC_EPOCH_MAX, 0));
	assert_true(RLC_EPOCH_MAX > fx.limit.epoch_max);
	assert_int_equal(take(epoch_at(3), 1, NULL), -EBADMSG);
	assert_int_equal(rlc_window_used(&fx.limit, epoch_at(3), &u, &seen), -EBADMSG);
	/* A head in the future but within time is only stale for this read. */
	rlc__store_relaxed(&fx.state, RLC__WORD(1000, 0));
	assert_int_equal(take(epoch_at(3), 1, NULL), -ESTALE);
	assert_int_equal(rlc_window_used(&fx.limit, epoch_at(3), &u, &seen), -ESTALE);
	assert_int_equal(seen, epoch_at(1000));
}

static void test_window_refund_after_expiry_is_noop(void **state)
{
	uint64_t token, retry;

	setup_window(10, 1000, 11);
	assert_int_equal(rlc_window_take(&fx.limit, epoch_at(0), 6, &token, &retry), 0);
	assert_int_equal(take(epoch_at(20), 10, NULL), 0);
	rlc_window_refund(&fx.limit, token, 6);
	assert_int_equal(used(epoch_at(20)), 10);
}

/* A clock read that predates the head's epoch is stale: nothing changes. */
static void test_window_stale_clock(void **state)
{
	setup_window(10, 1000, 11);
	assert_int_equal(take(epoch_at(4) + 5, 2, NULL), 0);
	assert_int_equal(take(epoch_at(4) - 1, 2, NULL), -ESTALE);
	assert_int_equal(take(ORIGIN - 1, 2, NULL), -ESTALE);
	assert_int_equal(used(epoch_at(4) + 5), 2);
	/* Earlier than the last grant but inside the head's epoch is fine. */
	assert_int_equal(take(epoch_at(4), 2, NULL), 0);
}

/* An unfinished roll (seal written, head CAS never done) changes nothing. */
static void test_window_abandoned_seal_is_harmless(void **state)
{
	setup_window(10, 1000, 11);
	assert_int_equal(take(epoch_at(2), 7, NULL), 0);
	/* A process sealed epoch 2 with 7 and died before moving the head. */
	rlc__store_relaxed(&fx.ring[2 % 11], RLC__WORD(2, 7));
	assert_int_equal(used(epoch_at(2)), 7);
	assert_int_equal(take(epoch_at(2), 3, NULL), 0);
	assert_int_equal(take(epoch_at(3), 1, NULL), -EAGAIN);
	assert_int_equal(used(epoch_at(3)), 10);
}

/* After a long quiet spell the whole capacity is back, and idle slots are 0. */
static void test_window_long_idle(void **state)
{
	uint32_t i;

	setup_window(10, 1000, 11);
	for (i = 0; i < 11; i++)
		assert_int_equal(take(epoch_at(i), 1, NULL), i < 10 ? 0 : -EAGAIN);
	assert_int_equal(take(epoch_at(1000000), 10, NULL), 0);
	assert_int_equal(used(epoch_at(1000000)), 10);
	assert_int_equal(used(epoch_at(1000011)), 0);
}

/* Used counts the head epoch once, even with a seal of it in the ring. */
static void test_window_used_spans_window(void **state)
{
	setup_window(100, 1000, 11);
	assert_int_equal(take(epoch_at(0), 1, NULL), 0);
	assert_int_equal(take(epoch_at(5), 2, NULL), 0);
	assert_int_equal(take(epoch_at(9), 4, NULL), 0);
	assert_int_equal(used(epoch_at(10)), 7);
	assert_int_equal(used(epoch_at(11)), 6);
	assert_int_equal(used(epoch_at(16)), 4);
	assert_int_equal(used(epoch_at(20)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_capacity_edge),
		cmocka_unit_test(test_window_weighted),
		cmocka_unit_test(test_window_expiry_after_exactly_window),
		cmocka_unit_test(test_window_expiry_at_most_window_plus_slot),
		cmocka_unit_test(test_window_retry_time_is_exact),
		cmocka_unit_test(test_window_retry_when_current_epoch_is_full),
		cmocka_unit_test(test_window_refund_in_open_epoch),
		cmocka_unit_test(test_window_refund_in_sealed_epoch),
		cmocka_unit_test(test_window_refund_after_refused_roll),
		cmocka_unit_test(test_window_corrupt_slot_is_reported),
		cmocka_unit_test(test_window_head_beyond_time_is_corrupt),
		cmocka_unit_test(test_window_refund_after_expiry_is_noop),
		cmocka_unit_test(test_window_stale_clock),
		cmocka_unit_test(test_window_abandoned_seal_is_harmless),
		cmocka_unit_test(test_window_long_idle),
		cmocka_unit_test(test_window_used_spans_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
