/* SPDX-License-Identifier: MIT */
#include "block.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "output.h"
#include "report.h"
#include "rlc.h"
#include "rlctl.h"
#include "segment.h"
#include "when.h"

#define NAME_TEXT_MAX OUTPUT_ESCAPED_MAX(RLC_NAME_MAX - 1)

/* DURATION, checked before the segment is opened.  0 or the usage status. */
static int duration_check(const char *text, uint64_t *ns)
{
	char why[256], max[RLC_DURATION_TEXT_MAX];

	if (rlc_duration_parse(text, ns, why, sizeof(why)) != 0) {
		output_error("DURATION: %s", why);
		return RLCTL_EXIT_USAGE;
	}
	if (*ns == 0 || *ns > RLC_BLOCK_MAX_NS) {
		output_error("DURATION '%s': out of range: more than 0s, at most %s", text,
			     rlc_duration_format(max, sizeof(max), RLC_BLOCK_MAX_NS, 0));
		return RLCTL_EXIT_USAGE;
	}
	return 0;
}

/* The id of scope `name`, or -1 after naming the valid ones. */
static int scope_find(const struct rlc *h, const char *label, const char *name)
{
	char list[OUTPUT_LIST_MAX] = "";
	uint32_t i;
	int id = rlc_scope_id(h, name);

	if (id >= 0)
		return id;
	for (i = 0; i < h->layout.scopes_count; i++)
		output_list_add(list, h->scopes[i]);
	output_not_in("scope", name, label, list);
	return -1;
}

/* A failed read or write of scope `scope`'s words; the exit status. */
static int scope_failed(const struct rlc *h, const char *label, uint32_t scope, const char *what,
			int err)
{
	output_error("%s: scope %s: cannot %s: %s", label, h->scopes[scope], what,
		     err == -EBADMSG ? "segment truncated" : strerror(-err));
	return RLCTL_EXIT_SEGMENT;
}

/* Block scope `scope` for `ns` and print "SCOPE: blocked until WHEN (HOW LONG)"; the exit status. */
static int block_set(struct rlc *h, const char *label, uint32_t scope, uint64_t ns)
{
	char name[NAME_TEXT_MAX], when[WHEN_TEXT_MAX], left[RLC_DURATION_TEXT_MAX];
	uint64_t now = rlc_now_ns(), wall = rlc_realtime_ns(), until = now + ns;
	struct rlc_block b;
	int err = rlc_block(h, scope, until);

	output_escape(name, sizeof(name), h->scopes[scope]);
	/* rlc_block reads the clock again: a block of a few ns may be over by then */
	if (err == -EINVAL && until <= rlc_now_ns()) {
		printf("%s: not blocked: %s had passed before the block was set\n", name,
		       rlc_duration_format(left, sizeof(left), ns, 0));
		return RLCTL_EXIT_OK;
	}
	/* rlc_block raises only: what is in force now says whether a longer block stays */
	if (err || (err = rlc_block_get(h, scope, &b)) != 0)
		return scope_failed(h, label, scope, "block it", err);
	if (b.until_ns > until)
		printf("%s: blocked until %s (%s left): a longer block in force stays\n", name,
		       when_utc(when, b.until_ns, now, wall),
		       rlc_duration_format(left, sizeof(left), b.until_ns - now, 2));
	else
		printf("%s: blocked until %s (%s)\n", name, when_utc(when, until, now, wall),
		       rlc_duration_format(left, sizeof(left), ns, 2));
	return RLCTL_EXIT_OK;
}

/*
 * Lift scope `scope`'s block and close its breaker, and say what there
 * was: "SCOPE: unblocked: it was blocked until WHEN (LEFT left); its
 * breaker was open, now closed", as much of it as was so.  The exit status.
 */
static int block_lift(struct rlc *h, const char *label, uint32_t scope)
{
	char name[NAME_TEXT_MAX], when[WHEN_TEXT_MAX], left[RLC_DURATION_TEXT_MAX];
	uint64_t now = rlc_now_ns(), wall = rlc_realtime_ns();
	struct rlc_breaker k;
	struct rlc_block b;
	int err = rlc_block_get(h, scope, &b);

	if (err || (err = rlc_breaker_get(h, scope, &k)) != 0 ||
	    (err = rlc_unblock(h, scope)) != 0)
		return scope_failed(h, label, scope, "unblock it", err);
	output_escape(name, sizeof(name), h->scopes[scope]);
	if (!b.until_ns && k.state == RLC_BREAKER_CLOSED) {
		printf("%s: not blocked, its breaker closed: nothing to lift\n", name);
		return RLCTL_EXIT_OK;
	}
	printf("%s: unblocked:", name);
	if (b.until_ns)
		printf(" it was blocked until %s (%s left)%s", when_utc(when, b.until_ns, now, wall),
		       rlc_duration_format(left, sizeof(left), b.until_ns > now ? b.until_ns - now : 0,
					   2),
		       k.state != RLC_BREAKER_CLOSED ? ";" : "");
	if (k.state != RLC_BREAKER_CLOSED)
		printf(" its breaker was %s, now closed", report_breaker_state_name(k.state));
	putchar('\n');
	return RLCTL_EXIT_OK;
}

/* Block scope `scope` for `ns`, or lift its block when `ns` is 0; the exit status. */
static int scope_change(const char *segment, const char *scope, uint64_t ns)
{
	char label[SEGMENT_LABEL_MAX];
	const char *name;
	struct rlc h;
	int status, id;

	if ((status = segment_choose(segment, &name, label)) != 0)
		return status;
	/* Read-only first: a bad name is a usage error whoever runs rlctl, and
	 * only a user who may read the segment learns that it cannot write it. */
	if ((status = segment_open(&h, name, label, RLC_OPEN_READONLY)) != 0)
		return status;
	id = scope_find(&h, label, scope);
	rlc_close(&h);
	if (id < 0)
		return output_close(RLCTL_EXIT_USAGE);
	if ((status = segment_open(&h, name, label, 0)) != 0)
		return output_close(status);
	/* the same name again: the segment may have been replaced meanwhile */
	if ((id = scope_find(&h, label, scope)) < 0)
		status = RLCTL_EXIT_USAGE;
	else if (ns)
		status = block_set(&h, label, (uint32_t)id, ns);
	else
		status = block_lift(&h, label, (uint32_t)id);
	rlc_close(&h);
	return output_close(status);
}

int block_run(const char *segment, const char *scope, const char *duration)
{
	uint64_t ns;
	int status = duration_check(duration, &ns);

	return status ? status : scope_change(segment, scope, ns);
}

int unblock_run(const char *segment, const char *scope)
{
	return scope_change(segment, scope, 0);
}
