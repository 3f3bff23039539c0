/* SPDX-License-Identifier: MIT */
#include "segment.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "rlctl.h"

int segment_choose(const char *option, const char **name, char *label)
{
	char why[256]; /* the rule, and at most 64 bytes of the name */
	const char *env = option ? NULL : getenv(RLC_SEGMENT_ENV);

	*name = option ? option : env ? env : RLC_SEGMENT_DEFAULT;
	if (env && !*env) {
		output_error("$%s is empty: unset it or set it to a segment name; "
			     "see 'rlctl --help'", RLC_SEGMENT_ENV);
		return RLCTL_EXIT_USAGE;
	}
	/* Checked here, with rlc_open's own rule, to say where a bad one came from. */
	if (rlc_segment_name_check(*name, why, sizeof(why)) != 0) {
		output_error("%s%s; see 'rlctl --help'", env ? "$" RLC_SEGMENT_ENV ": " : "", why);
		return RLCTL_EXIT_USAGE;
	}
	snprintf(label, SEGMENT_LABEL_MAX, "%s%s", *name, env ? SEGMENT_FROM_ENV : "");
	return 0;
}

int segment_open(struct rlc *h, const char *name, const char *label, unsigned flags)
{
	size_t n = strlen(name);
	const char *why;
	int err = rlc_open(h, name, "rlctl", flags);

	if (err == 0)
		return 0;
	/* rlc_open's reasons start with the name: put the label in its place. */
	why = h->why;
	if (strncmp(why, name, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
		why += n + 2;
	if (err == -EACCES && !(flags & RLC_OPEN_READONLY)) {
		output_error("%s: %s: changing it needs write access; run rlctl as a user "
			     "that the segment's mode and group (rlc.ini(5)) let write",
			     label, why);
		return RLCTL_EXIT_NOPERM;
	}
	output_error("%s: %s", label, why);
	return RLCTL_EXIT_SEGMENT;
}

int segment_exchange_find(const struct rlc *h, const char *label, const char *name)
{
	char list[OUTPUT_LIST_MAX] = "";
	uint32_t x;
	int id = rlc_exchange_id(h, name);

	if (id >= 0)
		return id;
	for (x = 0; x < h->cat.exchanges_count; x++)
		output_list_add(list, h->cat.exchanges[x].name);
	output_not_in("exchange", name, label, list);
	return -1;
}
