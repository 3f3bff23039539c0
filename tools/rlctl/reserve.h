/* SPDX-License-Identifier: MIT */
/* `rlctl reserve`: take one request of an endpoint for a shell script. */
#ifndef RLCTL_RESERVE_H
#define RLCTL_RESERVE_H

/* What `rlctl reserve` was asked: its operands and options. */
struct reserve_args {
	const char *exchange, *method, *path;
	char **params; /* "name=value" operands */
	int params_count;
	const char *account;  /* --account, or NULL for the exchange's only one */
	const char *priority; /* --priority, or NULL for the endpoint's own */
	const char *wait;     /* --wait's DURATION, or NULL for no wait */
};

/*
 * On segment `segment` (as status_run() takes it), reserve one request
 * of endpoint METHOD PATH of the exchange, registered as client "rlctl",
 * and keep it (the script sends the request; nothing is refunded).
 * Prints what was taken; closes stdout.  Returns the exit status:
 * RLCTL_EXIT_OK granted, RLCTL_EXIT_REFUSED, RLCTL_EXIT_BLOCKED,
 * RLCTL_EXIT_UNKNOWN (a name, with the valid ones), RLCTL_EXIT_USAGE
 * (bad input, or a request that can never fit), or segment_open()'s.
 */
int reserve_run(const char *segment, const struct reserve_args *r);

#endif
