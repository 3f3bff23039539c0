/* SPDX-License-Identifier: MIT */
/*
 * Seeds for fuzz_segment.c: segments laid out by rlcd's own layout code (the
 * shipped rlc.ini, and small hand-built ones), with fixed times and pids so
 * that their bytes change only when the layout or the built-in default
 * (etc/rlc.ini.head and the six profiles in etc/) does.
 *
 *   rlc-fuzz-seeds DIR          write the seeds into DIR
 *   rlc-fuzz-seeds --check DIR  exit 1 unless DIR holds exactly these bytes
 *
 * The fuzzer learns little from a seed the validator refuses, so a layout
 * change must come with rewritten seeds; --check (the fuzz-seeds-current
 * test) says when they are stale.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "layout.h"
#include "rlc/client.h"
#include "segment_fixture.h"

/* Laid out one second after boot: every client's clock is past it. */
#define SEED_NOW_NS RLC_NS_PER_SEC
#define MS UINT64_C(1000000)

struct seed {
	const char *file;
	unsigned char *base;
	size_t size;
};

/* Lay `cfg` out at SEED_NOW_NS, with rlcd `pid` (0: it exited cleanly) that
 * last beat at SEED_NOW_NS, and publish it. */
static struct seed lay_out(const char *file, const struct rlc_config *cfg, uint64_t pid)
{
	struct seed s = { file, NULL, rlc_layout_size(cfg) };
	struct rlc_header *h;
	char why[256];

	s.base = aligned_alloc(RLC_CACHELINE, s.size);
	if (!s.base)
		abort();
	memset(s.base, 0, s.size);
	if (rlc_layout_init(s.base, s.size, cfg, SEED_NOW_NS, why, sizeof(why)) != 0) {
		fprintf(stderr, "rlc-fuzz-seeds: %s: %s\n", file, why);
		exit(1);
	}
	h = (struct rlc_header *)(void *)s.base;
	rlc__store_relaxed(&h->rlcd_pid, pid);
	rlc__store_relaxed(&h->rlcd_start_ns, SEED_NOW_NS);
	rlc__store_relaxed(&h->heartbeat_ns, SEED_NOW_NS);
	rlc__store_relaxed(&h->generation, UINT64_C(1));
	rlc_layout_publish(s.base);
	return s;
}

static const struct rlc_header *header_of(const struct seed *s)
{
	return (const struct rlc_header *)(const void *)s->base;
}

static struct rlc_limit *limit_of(const struct seed *s, uint32_t id)
{
	return RLC__TABLE(struct rlc_limit, s->base, header_of(s)->limits_off) + id;
}

/* Slot `slot` of window `id`'s ring. */
static rlc_word *ring_of(const struct seed *s, uint32_t id, uint32_t slot)
{
	return RLC__TABLE(rlc_word, s->base, header_of(s)->slots_off) +
	       limit_of(s, id)->slots_first + slot;
}

/* Client record `idx` LIVE for (pid, ticks), as another process leaves it. */
static void client_live(const struct seed *s, uint32_t idx, pid_t pid, uint64_t ticks,
			const char *name)
{
	struct rlc_client *c =
		RLC__TABLE(struct rlc_client, s->base, header_of(s)->clients_off) + idx;

	rlc__store_relaxed(&c->state, rlc__client_word(rlc__client_ms(SEED_NOW_NS), pid,
						       RLC_CLIENT_LIVE));
	rlc__store_relaxed(&c->start_ticks, ticks);
	rlc__client_set_name(c, name);
	rlc__store_relaxed(&c->grants, UINT64_C(7));
	rlc__store_relaxed(&c->refusals, UINT64_C(2));
	rlc__store_relaxed(&c->weight, UINT64_C(40));
	rlc__store_relaxed(&c->refunded, UINT64_C(5));
}

/* The shipped profile, as rlcd lays it out with no -c. */
static struct seed profile(void)
{
	struct rlc_config cfg;
	struct seed s;
	char why[512];

	if (rlc_config_parse(&cfg, rlc_config_builtin, rlc_config_builtin_size,
			     RLC_CONFIG_BUILTIN_NAME, why, sizeof(why)) != 0) {
		fprintf(stderr, "rlc-fuzz-seeds: %s\n", why);
		exit(1);
	}
	s = lay_out("profile-rlc-ini", &cfg, 0);
	rlc_config_free(&cfg);
	return s;
}

/*
 * A window of 4 slots and a bucket in scope "ex.ip", both 10 per second, with
 * rlcd running as pid 1 and the window's head and the bucket's TAT set to
 * `head` and `tat`.
 */
static struct seed window_and_bucket(const char *file, uint64_t head, uint64_t tat)
{
	struct fixture_config fc;
	struct seed s;

	fixture_config_init(&fc, 3);
	fixture_add_limit(&fc, "ex.ip.weight", "ex.ip", RLC_ALGO_WINDOW, 10, 1000 * MS, 4);
	fixture_add_limit(&fc, "ex.ip.orders", "ex.ip", RLC_ALGO_BUCKET, 10, 1000 * MS, 0);
	s = lay_out(file, &fc.cfg, 1);
	rlc__store_relaxed(&limit_of(&s, 0)->state, head);
	rlc__store_relaxed(&limit_of(&s, 1)->state, tat);
	return s;
}

/* Both part used, beside another client's record. */
static struct seed part_used(void)
{
	/* (epoch 1, count 3) in the head, epoch 0's 4 sealed in its slot */
	struct seed s = window_and_bucket("window-bucket", UINT64_C(1) << RLC_COUNT_BITS | 3u,
					  SEED_NOW_NS + 600 * MS);

	rlc__store_relaxed(ring_of(&s, 0, 0), UINT64_C(4));
	client_live(&s, 1, 1, 1, "other-bot");
	return s;
}

/* Every bound at its smallest, a safety buffer, and the one client record
 * held by a LIVE record with no start time (dead, and reclaimed). */
static struct seed narrow(void)
{
	struct fixture_config fc;
	uint32_t id;
	struct seed s;

	fixture_config_init(&fc, 1);
	fixture_add_limit(&fc, "a.w", "a", RLC_ALGO_WINDOW, 1, RLC_INTERVAL_MIN_NS, 2);
	id = fixture_add_limit(&fc, "b.b", "b", RLC_ALGO_BUCKET, 1000, RLC_INTERVAL_MIN_NS, 0);
	fc.limits[id].buffer_ppm = 500000;
	s = lay_out("narrow", &fc.cfg, 4194305); /* no pid Linux hands out */
	client_live(&s, 0, 4194303, 0, "");
	return s;
}

/* Words no interleaving writes: a head and a TAT far in the future. */
static struct seed corrupt_words(void)
{
	return window_and_bucket("corrupt-words", RLC_EPOCH_MAX << RLC_COUNT_BITS | 1u,
				 UINT64_MAX - 1);
}

/* A segment with no limits at all: reports and the clients table only. */
static struct seed no_limits(void)
{
	struct fixture_config fc;

	fixture_config_init(&fc, 2);
	return lay_out("no-limits", &fc.cfg, 0);
}

/* Write `s` to DIR/file, or compare it with what is there. */
static int put(const char *dir, const struct seed *s, int check)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, s->file);
	f = fopen(path, check ? "rb" : "wb");
	if (!f) {
		fprintf(stderr, "rlc-fuzz-seeds: %s: %s\n", path, strerror(errno));
		return 0;
	}
	if (check) {
		/* one byte more than the seed: a longer file differs too */
		unsigned char *old = malloc(s->size + 1);

		if (!old)
			abort();
		ok = fread(old, 1, s->size + 1, f) == s->size && memcmp(old, s->base, s->size) == 0;
		free(old);
	} else {
		ok = fwrite(s->base, 1, s->size, f) == s->size;
	}
	ok = fclose(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "rlc-fuzz-seeds: %s: %s\n", path,
			check ? "differs from what the layout code writes" : strerror(errno));
	return ok;
}

int main(int argc, char **argv)
{
	int check = argc == 3 && strcmp(argv[1], "--check") == 0, ok = 1;
	struct seed seeds[5];
	size_t i;

	if (argc != 2 + check) {
		fprintf(stderr, "usage: rlc-fuzz-seeds [--check] DIR\n");
		return 64;
	}
	seeds[0] = profile();
	seeds[1] = part_used();
	seeds[2] = narrow();
	seeds[3] = corrupt_words();
	seeds[4] = no_limits();
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		ok = put(argv[1 + check], &seeds[i], check) && ok;
		free(seeds[i].base);
	}
	if (!ok && check)
		fprintf(stderr, "rlc-fuzz-seeds: stale seeds (the layout or a profile in etc/ changed): "
				"rewrite them with %s %s\n", argv[0], argv[2]);
	return ok ? 0 : 1;
}
