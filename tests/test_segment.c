/* SPDX-License-Identifier: MIT */
/* The segment validator accepts what rlcd lays out and rejects every kind
 * of corruption with the right error and a reason naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "rlc/catalog.h"
#include "segment_fixture.h"

#define MS UINT64_C(1000000)

static unsigned char *seg;
static size_t seg_size;
static char why[256];

static struct rlc_header *hdr(void)
{
	return (struct rlc_header *)(void *)seg;
}

static struct rlc_limit *limit(uint32_t i)
{
	return &RLC__TABLE(struct rlc_limit, seg, hdr()->limits_off)[i];
}

static int setup(void **state)
{
	struct fixture_config fc;

	fixture_config_init(&fc, 8);
	fixture_add_limit(&fc, "x.ip.weight", "x.ip", RLC_ALGO_WINDOW, 2400, 60000 * MS, 64);
	fixture_add_limit(&fc, "x.account.orders", "x.account", RLC_ALGO_WINDOW, 300, 10000 * MS, 64);
	fixture_add_limit(&fc, "x.account.rate", "x.account", RLC_ALGO_BUCKET, 15, 45000 * MS, 0);
	seg = fixture_layout(&fc, &seg_size);
	why[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	free(seg);
	return 0;
}

static void expect(int err, const char *needle)
{
	assert_int_equal(rlc_segment_check(seg, seg_size, why, sizeof(why)), err);
	if (!strstr(why, needle))
		fail_msg("reason '%s' does not mention '%s'", why, needle);
}

static void test_segment_valid(void **state)
{
	assert_int_equal(rlc_segment_check(seg, seg_size, why, sizeof(why)), 0);
	assert_int_equal(hdr()->limits_count, 3);
	assert_int_equal(hdr()->scopes_count, 2);
	assert_int_equal(limit(2)->scope, limit(1)->scope);
	assert_int_equal(limit(0)->effective, 2400);
	/* 60 s over 63 slot widths, rounded up */
	assert_int_equal(limit(0)->step_ns, (60000 * MS + 62) / 63);
}

static void test_segment_empty_is_not_ready(void **state)
{
	assert_int_equal(rlc_segment_check(seg, 0, why, sizeof(why)), -EAGAIN);
}

static void test_segment_truncated_header(void **state)
{
	assert_int_equal(rlc_segment_check(seg, 100, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "smaller than"));
}

static void test_segment_unpublished(void **state)
{
	rlc__store_relaxed(&hdr()->ready, UINT64_C(0));
	expect(-EAGAIN, "not ready");
}

static void test_segment_bad_ready_word(void **state)
{
	rlc__store_relaxed(&hdr()->ready, UINT64_C(12345));
	expect(-EBADMSG, "ready");
}

static void test_segment_bad_magic(void **state)
{
	hdr()->magic ^= 1;
	expect(-EBADMSG, "magic");
}

static void test_segment_other_major_version(void **state)
{
	char versions[96];

	hdr()->layout_major = 7;
	snprintf(versions, sizeof(versions), "version 7.%u, this program speaks version %u.%u",
		 RLC_LAYOUT_MINOR, RLC_LAYOUT_MAJOR, RLC_LAYOUT_MINOR);
	expect(-EPROTO, versions);
}

static void test_segment_size_mismatch(void **state)
{
	assert_int_equal(rlc_segment_check(seg, seg_size - 64, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "truncated"));
	assert_int_equal(rlc_segment_check(seg, seg_size + 64, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "the file has"));
}

static void test_segment_table_out_of_range(void **state)
{
	hdr()->names_off = seg_size - 64; /* 5 names do not fit in one line */
	expect(-EBADMSG, "names table");
}

static void test_segment_table_misaligned(void **state)
{
	hdr()->clients_off += 8;
	expect(-EBADMSG, "clients table");
}

static void test_segment_table_inside_header(void **state)
{
	hdr()->limits_off = 64;
	expect(-EBADMSG, "limits table");
}

static void test_segment_count_overflow(void **state)
{
	hdr()->slots_count = 0xffffffffu;
	expect(-EBADMSG, "counts out of range");
}

static void test_segment_huge_offset(void **state)
{
	hdr()->scopes_off = UINT64_MAX - 63;
	expect(-EBADMSG, "scopes table");
}

static void test_segment_unterminated_name(void **state)
{
	struct rlc_name *n = &RLC__TABLE(struct rlc_name, seg, hdr()->names_off)[1];

	memset(n->text, 'a', sizeof(n->text));
	expect(-EBADMSG, "name 1");
}

static void test_segment_limit_name_out_of_range(void **state)
{
	limit(1)->name = 99;
	expect(-EBADMSG, "limit 1");
}

/* Tables laid on top of one another: a grant would rewrite another record. */
static void test_segment_tables_overlap(void **state)
{
	uint64_t scopes_off = hdr()->scopes_off;

	hdr()->scopes_off = hdr()->limits_off;
	expect(-EBADMSG, "limits and scopes tables overlap");
	hdr()->scopes_off = scopes_off;
	hdr()->names_off = hdr()->clients_off;
	expect(-EBADMSG, "clients and names tables overlap");
}

/* Two limits' rings sharing slots. */
static void test_segment_rings_overlap(void **state)
{
	limit(1)->slots_first = limit(0)->slots_first + 1;
	expect(-EBADMSG, "overlapping");
}

/* Intervals the exchanges never use would overflow time sums. */
static void test_segment_interval_out_of_range(void **state)
{
	limit(0)->interval_ns = UINT64_C(1) << 63;
	limit(0)->step_ns = limit(0)->interval_ns;
	limit(0)->slots = 2;
	expect(-EBADMSG, "outside 1 ms..7 d");
	teardown(state);
	setup(state);
	limit(2)->interval_ns = 1;
	expect(-EBADMSG, "outside 1 ms..7 d");
	teardown(state);
	setup(state);
	limit(2)->step_ns = 0;
	expect(-EBADMSG, "bucket step");
}

static void test_segment_scope_name_out_of_range(void **state)
{
	RLC__TABLE(struct rlc_scope, seg, hdr()->scopes_off)[0].name = 1000;
	expect(-EBADMSG, "scope 0");
}

static void test_segment_capacity_out_of_range(void **state)
{
	limit(0)->effective = limit(0)->capacity + 1;
	expect(-EBADMSG, "capacity");
}

static void test_segment_ring_out_of_range(void **state)
{
	limit(1)->slots_first = hdr()->slots_count - 10;
	expect(-EBADMSG, "ring");
}

static void test_segment_slot_width_too_small(void **state)
{
	limit(0)->step_ns = limit(0)->interval_ns / 64;
	expect(-EBADMSG, "slot width");
}

static void test_segment_unknown_algorithm(void **state)
{
	limit(2)->algorithm = 9;
	expect(-EBADMSG, "unknown algorithm");
}

static void test_segment_bucket_step_overflow(void **state)
{
	limit(2)->step_ns = UINT64_MAX / 2;
	expect(-EBADMSG, "bucket step");
}

/* Random damage to the immutable parts: always an answer, never a fault. */
static void test_segment_random_corruption_never_faults(void **state)
{
	unsigned char *pristine = malloc(seg_size);
	const uint64_t config_line = offsetof(struct rlc_limit, name);
	unsigned i, rejected = 0;

	assert_non_null(pristine);
	memcpy(pristine, seg, seg_size);
	srand(1234);
	for (i = 0; i < 20000; i++) {
		uint64_t at;

		memcpy(seg, pristine, seg_size);
		switch (rand() % 3) {
		case 0: /* header fields before `ready` */
			at = (uint64_t)rand() % offsetof(struct rlc_header, ready);
			break;
		case 1: /* a limit's configuration line */
			at = hdr()->limits_off + (uint64_t)(rand() % 3) * sizeof(struct rlc_limit) +
			     config_line + (uint64_t)rand() % 64;
			break;
		default:
			at = hdr()->scopes_off + (uint64_t)rand() % (seg_size - hdr()->scopes_off);
			break;
		}
		seg[at] ^= (unsigned char)(1 + rand() % 255);
		if (rlc_segment_check(seg, seg_size, why, sizeof(why)) != 0)
			rejected++;
	}
	/* Most damage is caught; the rest hit padding, counters or names. */
	assert_true(rejected > 1000);
	free(pristine);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_segment_valid),
		T(test_segment_empty_is_not_ready),
		T(test_segment_truncated_header),
		T(test_segment_unpublished),
		T(test_segment_bad_ready_word),
		T(test_segment_bad_magic),
		T(test_segment_other_major_version),
		T(test_segment_size_mismatch),
		T(test_segment_table_out_of_range),
		T(test_segment_table_misaligned),
		T(test_segment_table_inside_header),
		T(test_segment_count_overflow),
		T(test_segment_huge_offset),
		T(test_segment_unterminated_name),
		T(test_segment_limit_name_out_of_range),
		T(test_segment_tables_overlap),
		T(test_segment_rings_overlap),
		T(test_segment_interval_out_of_range),
		T(test_segment_scope_name_out_of_range),
		T(test_segment_capacity_out_of_range),
		T(test_segment_ring_out_of_range),
		T(test_segment_slot_width_too_small),
		T(test_segment_unknown_algorithm),
		T(test_segment_bucket_step_overflow),
		T(test_segment_random_corruption_never_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
