/* SPDX-License-Identifier: MIT */
#include "check.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "output.h"
#include "rlctl.h"

/* "1 exchange", "2 accounts" */
static void count(const char *sep, uint32_t n, const char *what)
{
	printf("%s%" PRIu32 " %s%s", sep, n, what, n == 1 ? "" : "s");
}

int check_run(const char *file)
{
	struct rlc_config cfg;
	char why[1024];
	int err = rlc_config_load(&cfg, file, why, sizeof(why));

	/* The text, its size or the kind of file is at fault; the rest are
	 * the errors of opening and reading it. */
	char shown[OUTPUT_ESCAPED_MAX(256)];

	/* rlcd's message word for word: the config code escaped it already */
	if (err == -EINVAL || err == -EFBIG) {
		output_error_escaped(why);
		return output_close(RLCTL_EXIT_DATAERR);
	}
	if (err) {
		output_error_escaped(why);
		return output_close(RLCTL_EXIT_NOINPUT);
	}
	printf("%s: ok: ", output_escape(shown, sizeof(shown), file));
	count("", cfg.exchanges_count, "exchange");
	count(", ", cfg.accounts_count, "account");
	count(", ", cfg.limits_count, "limit");
	count(", ", cfg.endpoints_count, "endpoint");
	putchar('\n');
	rlc_config_free(&cfg);
	return output_close(RLCTL_EXIT_OK);
}
