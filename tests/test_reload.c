/* SPDX-License-Identifier: MIT */
/*
 * A configuration rewritten in place (retune.h) and taken up by running
 * handles through the config_seq seqlock: new capacities, weights and
 * modes reach an open handle at its next reserve with every count kept; a
 * rewrite in progress or a corrupt one leaves the handle on its copy;
 * buckets keep their tokens; changes no reload can apply are refused by
 * name; forked processes reserving across reloads never exceed the larger
 * capacity.  Also the counters every grant, refusal, refund and wait adds
 * to.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ini_segment.h"
#include "retune.h"

#define HEAD                                                                                   \
	"[rlcd]\nclients = 16\n[exchange ex]\n[mode ex burst]\nbuffer = 0%%\n"              \
	"[limit ex.ip.weight]\ncapacity = %u\ninterval = 1h\nslots = 8\n"                  \
	"[limit ex.bucket]\nalgorithm = bucket\ncapacity = %u\ninterval = 1h\n"             \
	"[endpoint ex GET /depth]\nip.weight = by limit 100:%u *:5 default 100\n%s"

struct fixture {
	struct ini_segment seg;
	struct rlc h;
	int ip, bucket, depth;
};

static char *ini(unsigned cap, unsigned bucket, unsigned weight, const char *extra)
{
	static char text[2048];

	snprintf(text, sizeof(text), HEAD, cap, bucket, weight, extra);
	return text;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	ini_segment_open(&f.seg, ini(10, 10, 2, ""), &f.h, "test");
	f.ip = rlc_limit_id(&f.h, "ex.ip.weight");
	f.bucket = rlc_limit_id(&f.h, "ex.bucket");
	f.depth = rlc_endpoint_id(&f.h, rlc_exchange_id(&f.h, "ex"), "GET", "/depth");
	assert_true(f.ip >= 0 && f.bucket >= 0 && f.depth >= 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rlc_close(&f->h);
	ini_segment_close(&f->seg);
	return 0;
}

/* Plan `text` against the fixture's segment: rlc_retune_plan's result, the reason in why. */
static int plan(struct fixture *f, const char *text, void **want, char *why, size_t len)
{
	struct rlc_config cfg;
	int err;

	err = rlc_config_parse(&cfg, text, strlen(text), "new.ini", why, len);
	if (err)
		fail_msg("%s", why);
	err = rlc_retune_plan(f->seg.base, f->seg.size, &cfg, want, why, len);
	rlc_config_free(&cfg);
	return err;
}

/* Reload `text` into the fixture's segment, as rlcd does. */
static uint32_t reload(struct fixture *f, const char *text)
{
	char why[512];
	void *want;
	uint32_t changed;

	if (plan(f, text, &want, why, sizeof(why)))
		fail_msg("%s", why);
	changed = rlc_retune_apply(f->seg.base, want, rlc_now_ns());
	free(want);
	return changed;
}

static int depth(struct rlc *h, int ep, struct rlc_grant *g)
{
	return rlc_reserve(h, (uint32_t)ep, NULL, 0, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT, g);
}

static uint64_t used(struct rlc *h, int id)
{
	struct rlc_usage u;

	assert_int_equal(rlc_usage(h, (uint32_t)id, &u), 0);
	return u.used;
}

static void test_reload_applies_in_place(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	struct rlc_usage u;
	int i;

	for (i = 0; i < 5; i++)
		assert_int_equal(depth(&f->h, f->depth, &g), 0);
	assert_int_equal(depth(&f->h, f->depth, &g), -EAGAIN); /* 10 of 10 */
	assert_int_equal(reload(f, ini(20, 10, 3, "")), 1);
	assert_int_equal(rlc_reloads(&f->h), 1);
	/* the open handle takes the new configuration at its next reserve */
	assert_int_equal(depth(&f->h, f->depth, &g), 0);
	assert_int_equal(g.weight[0], 3);
	assert_int_equal(used(&f->h, f->ip), 13); /* the 10 kept */
	assert_int_equal(rlc_usage(&f->h, (uint32_t)f->ip, &u), 0);
	assert_int_equal(u.capacity, 20);
	assert_int_equal(rlc_refresh(&f->h), 0); /* nothing newer */
	/* unchanged: a reload of the same file changes nothing */
	assert_int_equal(reload(f, ini(20, 10, 3, "")), 0);
	assert_int_equal(rlc_refresh(&f->h), 1);
	assert_int_equal(rlc_reloads(&f->h), 2);
}

static void test_reload_shrink_below_use(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g, kept;
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(depth(&f->h, f->depth, i ? &g : &kept), 0);
	assert_int_equal(reload(f, ini(5, 10, 2, "")), 1);
	assert_int_equal(rlc_refresh(&f->h), 1);
	assert_int_equal(depth(&f->h, f->depth, &g), -EAGAIN); /* 8 counted of 5 */
	assert_int_equal(used(&f->h, f->ip), 8);
	/* a grant from before still refunds */
	assert_int_equal(rlc_refund(&f->h, &kept), 0);
	assert_int_equal(used(&f->h, f->ip), 6);
}

static void test_reload_bucket_keeps_its_tokens(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	uint32_t id = (uint32_t)f->bucket;
	int i;

	for (i = 0; i < 6; i++)
		assert_int_equal(rlc_try(&f->h, id, 1, &g), 0);
	assert_int_equal(used(&f->h, f->bucket), 6);
	/* 10 per hour -> 20 per hour: the 6 in use stay 6 */
	assert_int_equal(reload(f, ini(10, 20, 2, "")), 1);
	assert_int_equal(rlc_refresh(&f->h), 1);
	assert_int_equal(used(&f->h, f->bucket), 6);
	/* -> 4 per hour: 6 in use is more than it holds: full, never corrupt */
	assert_int_equal(reload(f, ini(10, 4, 2, "")), 1);
	assert_int_equal(rlc_refresh(&f->h), 1);
	assert_int_equal(used(&f->h, f->bucket), 4);
	assert_int_equal(rlc_try(&f->h, id, 1, &g), -EAGAIN);
}

/* 10 per hour -> 5 per 30 minutes: the same step, half the burst. */
static void test_reload_bucket_burst_shrinks_at_one_step(void **state)
{
	struct fixture *f = *state;
	struct rlc_grant g;
	uint32_t id = (uint32_t)f->bucket;
	char text[2048];
	int i;

	for (i = 0; i < 10; i++)
		assert_int_equal(rlc_try(&f->h, id, 1, &g), 0);
	const char *base = ini(10, 5, 2, ""), *at = strstr(base, "capacity = 5\ninterval = 1h");

	snprintf(text, sizeof(text), "%.*scapacity = 5\ninterval = 30m%s", (int)(at - base), base,
		 at + strlen("capacity = 5\ninterval = 1h"));
	assert_int_equal(reload(f, text), 1);
	assert_int_equal(rlc_refresh(&f->h), 1);
	/* full, not a word a take could not have written */
	assert_int_equal(rlc_try(&f->h, id, 1, &g), -EAGAIN);
	assert_int_equal(used(&f->h, f->bucket), 5);
}

static void test_reload_in_progress_keeps_the_copy(void **state)
{
	struct fixture *f = *state;
	struct rlc_header *hd = f->seg.base;
	struct rlc_grant g;
	uint64_t seq;

	assert_int_equal(reload(f, ini(20, 10, 2, "")), 1);
	/* rlcd is mid-write (odd): the handle keeps its copy, and looks again */
	seq = rlc__load_relaxed(&hd->config_seq);
	rlc__store_relaxed(&hd->config_seq, seq + 1);
	assert_int_equal(rlc_refresh(&f->h), 0);
	assert_int_equal(depth(&f->h, f->depth, &g), 0);
	assert_int_equal(rlc_usage(&f->h, (uint32_t)f->ip, &(struct rlc_usage){ 0 }), 0);
	/* a reload that finishes it (as an rlcd adopting the segment does) */
	assert_int_equal(reload(f, ini(20, 10, 2, "")), 0);
	assert_int_equal(rlc__load_relaxed(&hd->config_seq), seq + 2);
	assert_int_equal(rlc_refresh(&f->h), 1);
}

static void test_reload_corrupt_rewrite_is_ignored(void **state)
{
	struct fixture *f = *state;
	struct rlc_header *hd = f->seg.base;
	struct rlc_limit *l = RLC__TABLE(struct rlc_limit, f->seg.base, hd->limits_off) + f->ip;
	struct rlc_grant g;
	struct rlc_usage u;

	/* effective above capacity, as no rlcd writes, under a new even value */
	l->effective = l->capacity + 1;
	rlc__store_release(&hd->config_seq, rlc__load_relaxed(&hd->config_seq) + 2);
	assert_int_equal(rlc_refresh(&f->h), 0);
	assert_int_equal(depth(&f->h, f->depth, &g), 0);
	assert_int_equal(rlc_usage(&f->h, (uint32_t)f->ip, &u), 0);
	assert_int_equal(u.effective, 10); /* the copy it had */
	/* a new handle refuses it, as at any open */
	struct rlc other;
	assert_int_equal(ini_segment_attach(&f->seg, &other, "other"), -EBADMSG);
}

/* `extra` or `text` planned against the fixture: refused, and why names `what`. */
static void refused(struct fixture *f, const char *text, const char *what)
{
	char why[512];
	void *want = NULL;

	assert_int_equal(plan(f, text, &want, why, sizeof(why)), -ESTALE);
	assert_null(want);
	if (!strstr(why, what))
		fail_msg("'%s' does not say '%s'", why, what);
	assert_non_null(strstr(why, "a reload cannot change that in place"));
}

static void test_reload_refuses_what_cannot_apply(void **state)
{
	struct fixture *f = *state;
	char text[2048];

	refused(f, ini(10, 10, 2, "[limit ex.ip.more]\ncapacity = 1\ninterval = 1m\n"),
		"the configuration has 3 limits, the segment 2");
	refused(f, ini(10, 10, 2, "[endpoint ex GET /new]\nip.weight = 1\n"),
		"the configuration has 2 endpoints, the segment 1");
	refused(f, ini(10, 10, 2, "[mode ex quiet]\n"), "the configuration has 3 modes");
	snprintf(text, sizeof(text), "%s", ini(10, 10, 2, ""));
	memcpy(strstr(text, "interval = 1h"), "interval = 2h", 13);
	refused(f, text, "limit 'ex.ip.weight': interval 1h -> 2h");
	snprintf(text, sizeof(text), "%s", ini(10, 10, 2, ""));
	memcpy(strstr(text, "slots = 8"), "slots = 9", 9);
	refused(f, text, "the configuration has 9 window slots, the segment 8");
	snprintf(text, sizeof(text), "%s", ini(10, 10, 2, ""));
	memcpy(strstr(text, "[mode ex burst]"), "[mode ex burzt]", 15);
	refused(f, text, "'burst' is 'burzt' in the configuration (a name changed)");
	snprintf(text, sizeof(text), "%s", ini(10, 10, 2, ""));
	memcpy(strstr(text, "clients = 16"), "clients = 17", 12);
	refused(f, text, "the configuration has 17 client records, the segment 16");
}

static void test_reload_modes_and_describe(void **state)
{
	struct fixture *f = *state;
	char why[512], what[256];
	void *want;
	char text[2048];

	snprintf(text, sizeof(text), "%s", ini(12, 10, 2, ""));
	/* the burst mode now holds back half: its record is rewritten */
	memcpy(strstr(text, "buffer = 0%"), "buffer = 5%", 11);
	assert_int_equal(plan(f, text, &want, why, sizeof(why)), 0);
	assert_int_equal(rlc_retune_describe(f->seg.base, want, (uint32_t)f->ip, what, sizeof(what)),
			 1);
	assert_string_equal(what, "capacity 10 -> 12, effective 10 -> 12");
	assert_int_equal(
		rlc_retune_describe(f->seg.base, want, (uint32_t)f->bucket, what, sizeof(what)), 0);
	rlc_retune_apply(f->seg.base, want, rlc_now_ns());
	free(want);
	assert_int_equal(rlc_refresh(&f->h), 1);
	assert_int_equal(f->h.cat.exchanges[0].modes[1].buffer_ppm, 50000);
}

static void test_reload_counters(void **state)
{
	struct fixture *f = *state;
	struct rlc_endpoint_counts c;
	struct rlc_client_info info;
	struct rlc_grant g, first;
	struct rlc_usage u;
	int i;

	assert_int_equal(depth(&f->h, f->depth, &first), 0);
	for (i = 0; i < 5; i++)
		depth(&f->h, f->depth, &g); /* 4 granted (10 of 10), then refused */
	assert_int_equal(rlc_refund(&f->h, &first), 0);
	/* a wait that sleeps: the refunded 2 fit at once, so fill them first */
	assert_int_equal(depth(&f->h, f->depth, &g), 0);
	assert_int_equal(rlc_reserve_wait(&f->h, (uint32_t)f->depth, NULL, 0, RLC_ACCOUNT_ONLY,
					  RLC_PRIO_ENDPOINT, rlc_now_ns() + 1000, &g),
			 -ETIMEDOUT);
	assert_int_equal(rlc_usage(&f->h, (uint32_t)f->ip, &u), 0);
	assert_int_equal(u.grants, 6);
	assert_int_equal(u.refusals, 2);
	assert_int_equal(u.refunds, 1);
	assert_int_equal(rlc_endpoint_counters(&f->h, (uint32_t)f->depth, &c), 0);
	assert_int_equal(c.grants, 6);
	assert_int_equal(c.refusals, 2);
	assert_int_equal(c.waits, 0); /* the wait would pass its deadline: it never slept */
	assert_int_equal(rlc_client_info(&f->h, 0, &info), 0);
	assert_int_equal(info.grants, 6);
	assert_int_equal(info.waits, 0);
	assert_int_equal(rlc_endpoint_counters(&f->h, 99, &c), -ENOENT);
}

/* A wait that sleeps is counted once, with its time, for client and endpoint. */
static void test_reload_wait_counted(void **state)
{
	struct fixture *f = *state;
	struct rlc_endpoint_counts c;
	struct rlc_client_info info;
	struct rlc_grant g;

	/* a bucket of 10 per hour: one unit refills in 6 minutes, but a block of
	 * 20 ms on the IP is what the wait outlasts */
	assert_int_equal(rlc_block(&f->h, (uint32_t)rlc_scope_id(&f->h, "ex.ip"),
				   rlc_now_ns() + 20 * UINT64_C(1000000)),
			 0);
	assert_int_equal(rlc_reserve_wait(&f->h, (uint32_t)f->depth, NULL, 0, RLC_ACCOUNT_ONLY,
					  RLC_PRIO_ENDPOINT, rlc_now_ns() + RLC_NS_PER_SEC, &g),
			 0);
	assert_int_equal(rlc_endpoint_counters(&f->h, (uint32_t)f->depth, &c), 0);
	assert_int_equal(c.waits, 1);
	assert_true(c.wait_ns >= 15 * UINT64_C(1000000));
	assert_int_equal(rlc_client_info(&f->h, 0, &info), 0);
	assert_int_equal(info.waits, 1);
	assert_int_equal(info.wait_ns, c.wait_ns);
}

/*
 * Forked processes reserve while the parent reloads the capacity between
 * 20 and 40 and back: no reserve fails but by refusal, and the window never
 * holds more than the larger capacity.
 */
static void test_reload_processes_across_reloads(void **state)
{
	struct fixture *f = *state;
	enum { KIDS = 4, RELOADS = 200 };
	pid_t kid[KIDS];
	int i, status;

	for (i = 0; i < KIDS; i++) {
		kid[i] = fork();
		assert_true(kid[i] >= 0);
		if (kid[i] == 0) {
			struct rlc h;
			struct rlc_grant g;
			uint64_t end = rlc_now_ns() + RLC_NS_PER_SEC / 2;
			int err;

			if (ini_segment_attach(&f->seg, &h, "kid"))
				_exit(2);
			while (rlc_now_ns() < end) {
				err = depth(&h, f->depth, &g);
				if (err == 0 && (err = rlc_refund(&h, &g)) == 0)
					err = depth(&h, f->depth, &g);
				if (err && err != -EAGAIN)
					_exit(3);
			}
			_exit(0);
		}
	}
	for (i = 0; i < RELOADS; i++) {
		reload(f, ini(i % 2 ? 40 : 20, 10, 1, ""));
		assert_true(used(&f->h, f->ip) <= 40);
	}
	for (i = 0; i < KIDS; i++) {
		assert_int_equal(waitpid(kid[i], &status, 0), kid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_true(used(&f->h, f->ip) <= 40);
	assert_true(used(&f->h, f->ip) >= 20); /* the kids filled it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_applies_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_shrink_below_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_bucket_keeps_its_tokens, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_bucket_burst_shrinks_at_one_step, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_in_progress_keeps_the_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_corrupt_rewrite_is_ignored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_refuses_what_cannot_apply, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_modes_and_describe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_wait_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_processes_across_reloads, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
