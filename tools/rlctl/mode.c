/* SPDX-License-Identifier: MIT */
#include "mode.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "output.h"
#include "rlc.h"
#include "rlctl.h"
#include "segment.h"
#include "when.h"

#define NAME_TEXT_MAX OUTPUT_ESCAPED_MAX(RLC_NAME_MAX - 1)

/* --for's value, checked before the segment is opened.  0 or the usage status. */
static int duration_check(const char *mode, const char *text, uint64_t *ns)
{
	char why[256], min[RLC_DURATION_TEXT_MAX], max[RLC_DURATION_TEXT_MAX];

	if (strcmp(mode, "normal") == 0) {
		output_error("--for '%s': mode normal lasts until another mode is set; "
			     "leave --for out", text);
		return RLCTL_EXIT_USAGE;
	}
	if (rlc_duration_parse(text, ns, why, sizeof(why)) != 0) {
		output_error("--for: %s", why);
		return RLCTL_EXIT_USAGE;
	}
	if (*ns < MODE_FOR_MIN_NS || *ns > MODE_FOR_MAX_NS) {
		output_error("--for '%s': out of range: %s to %s", text,
			     rlc_duration_format(min, sizeof(min), MODE_FOR_MIN_NS, 0),
			     rlc_duration_format(max, sizeof(max), MODE_FOR_MAX_NS, 0));
		return RLCTL_EXIT_USAGE;
	}
	return 0;
}

/* The index of mode `name` of exchange *x, or -1 after naming the valid ones. */
static int mode_find(const struct rlc_exchange_view *x, const char *name)
{
	char list[OUTPUT_LIST_MAX] = "";
	uint32_t m;

	for (m = 0; m < x->modes_count; m++)
		if (strcmp(x->modes[m].name, name) == 0)
			return (int)m;
	for (m = 0; m < x->modes_count; m++)
		output_list_add(list, x->modes[m].name);
	output_error("mode '%s' is not a mode of exchange %s; its modes: %s", name, x->name, list);
	return -1;
}

/* "EXCHANGE: MODE until WHEN (HOW LONG)", or "EXCHANGE: normal". */
static void mode_line(const struct rlc_exchange_view *x, uint32_t mode, uint64_t until,
		      uint64_t now, uint64_t wall, const char *how_long_suffix)
{
	char name[NAME_TEXT_MAX], when[WHEN_TEXT_MAX], left[RLC_DURATION_TEXT_MAX];

	printf("%s: ", output_escape(name, sizeof(name), x->name));
	if (mode == RLC_MODE_NORMAL) {
		printf("normal\n");
		return;
	}
	printf("%s until %s (%s%s)\n", output_escape(name, sizeof(name), x->modes[mode].name),
	       when_utc(when, until, now, wall),
	       rlc_duration_format(left, sizeof(left), until > now ? until - now : 0, 2),
	       how_long_suffix);
}

/* Print the mode in force; the exit status. */
static int mode_show(const struct rlc *h, const char *label, int x)
{
	uint64_t until, now, wall;
	uint32_t mode;
	int err = rlc_mode_get(h, x, &mode, &until);

	now = rlc_now_ns();
	wall = rlc_realtime_ns();
	if (err) {
		output_error("%s: exchange %s: %s", label, h->cat.exchanges[x].name,
			     err == -EBADMSG ? "corrupt mode word, or segment truncated"
					     : strerror(-err));
		return RLCTL_EXIT_SEGMENT;
	}
	mode_line(&h->cat.exchanges[x], mode, until, now, wall, " left");
	return RLCTL_EXIT_OK;
}

/* Switch exchange x to mode `m` for `ns`; the exit status. */
static int mode_switch(struct rlc *h, const char *label, int x, uint32_t m, uint64_t ns)
{
	uint64_t now = rlc_now_ns(), wall = rlc_realtime_ns(), until = now + ns;
	int err = rlc_mode_set(h, x, m, until);

	if (err) {
		output_error("%s: exchange %s: cannot set mode %s: %s", label,
			     h->cat.exchanges[x].name, h->cat.exchanges[x].modes[m].name,
			     err == -EBADMSG ? "segment truncated" : strerror(-err));
		return RLCTL_EXIT_SEGMENT;
	}
	mode_line(&h->cat.exchanges[x], m, until, now, wall, "");
	return RLCTL_EXIT_OK;
}

int mode_run(const char *segment, const char *exchange, const char *mode,
	     const char *duration)
{
	char label[SEGMENT_LABEL_MAX];
	const char *name;
	uint64_t ns = 0;
	struct rlc h;
	int status, x, m;

	if (duration && (status = duration_check(mode, duration, &ns)) != 0)
		return status;
	if ((status = segment_choose(segment, &name, label)) != 0)
		return status;
	/* Read-only first: a bad name is a usage error whoever runs rlctl, and
	 * only a user who may read the segment learns that it cannot write it. */
	if ((status = segment_open(&h, name, label, RLC_OPEN_READONLY)) != 0)
		return status;
	if ((x = segment_exchange_find(&h, label, exchange)) < 0)
		status = RLCTL_EXIT_USAGE;
	else if (!mode)
		status = mode_show(&h, label, x);
	else if ((m = mode_find(&h.cat.exchanges[x], mode)) < 0)
		status = RLCTL_EXIT_USAGE;
	else
		status = -1; /* names found: switch, read-write */
	rlc_close(&h);
	if (status != -1)
		return output_close(status);
	if ((status = segment_open(&h, name, label, 0)) != 0)
		return output_close(status);
	/* the same names again: the segment may have been replaced meanwhile */
	if ((x = segment_exchange_find(&h, label, exchange)) < 0 ||
	    (m = mode_find(&h.cat.exchanges[x], mode)) < 0)
		status = RLCTL_EXIT_USAGE;
	else
		status = mode_switch(&h, label, x, (uint32_t)m,
				     duration ? ns : h.cat.exchanges[x].modes[m].duration_ns);
	rlc_close(&h);
	return output_close(status);
}
