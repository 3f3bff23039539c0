/* SPDX-License-Identifier: MIT */
/*
 * rlc.h as a bot includes it: built with -O2 -Wall -Wextra -Wpedantic
 * -Werror as C11 here, and as C++17 by test_header_cxx.cc, which compiles
 * this same file.  Client names come in every length and from the places
 * bots keep them (a char[64], a long literal, "", NULL).  Only the stable
 * API is used: no segment is created, so the calls on a handle whose open
 * failed must say -EINVAL.
 */
#include "rlc.h"

#include <stdio.h>

#define LONG_NAME "a-client-name-longer-than-the-31-bytes-a-record-keeps"

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAILED: %s\n", what);
		failures++;
	}
}

static struct rlc_client table[8];

/* flatten: every call inlined into main, as gcc inlines a bot's one
 * rlc_open; only then does it check each name copy against the length it
 * knows, which is where a strncpy truncation warning fails a -Werror bot. */
__attribute__((flatten)) int main(void)
{
	const char *missing = "/rlc-test-header-no-such-segment";
	char buf[64], out[RLC_CLIENT_NAME_MAX];
	struct rlc_usage usage;
	struct rlc_grant grant;
	struct rlc h;

	memset(buf, 'b', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	/* gcc cannot tell that a refused grant's tokens are never read */
	memset(&grant, 0, sizeof(grant));

	check(rlc_open(&h, missing, buf, 0) == -ENOENT, "open, name from a char[64]");
	check(strstr(h.why, "no such segment") != NULL, "open reason");
	check(rlc_open(&h, missing, LONG_NAME, 0) == -ENOENT, "open, long literal name");
	check(rlc_open(&h, missing, "", 0) == -ENOENT, "open, empty name");
	check(rlc_open(&h, missing, NULL, 0) == -ENOENT, "open, NULL name");
	check(rlc_try(&h, 0, 1, &grant) == -EINVAL, "try on a failed handle");
	check(rlc_refund(&h, &grant) == -EINVAL, "refund of a failed try");
	check(rlc_usage(&h, 0, &usage) == -EINVAL, "usage on a failed handle");
	rlc_close(&h);

	check(rlc_client_claim(table, 8, getpid(), buf) == 0, "claim, name from a char[64]");
	check(rlc_client_claim(table, 8, getpid(), LONG_NAME) == 1, "claim, long literal name");
	check(rlc_client_claim(table, 8, getpid(), "") == 2, "claim, empty name");
	check(rlc_client_claim(table, 8, getpid(), NULL) == 3, "claim, NULL name");
	rlc_client_name(&table[0], out);
	check(strlen(out) == RLC_CLIENT_NAME_MAX - 1 && memcmp(out, buf, sizeof(out) - 1) == 0,
	      "char[64] name cut to 31 bytes");
	rlc_client_name(&table[1], out);
	check(strncmp(out, LONG_NAME, sizeof(out) - 1) == 0 && out[sizeof(out) - 1] == '\0',
	      "long literal name cut to 31 bytes");
	rlc_client_name(&table[2], out);
	check(out[0] == '\0', "empty name");
	rlc_client_name(&table[3], out);
	check(out[0] == '\0', "NULL name reads as empty");
	rlc_client_release(&table[0]);
	check(rlc_client_claim(table, 8, getpid(), "again") == 0, "a released record is free");
	return failures ? 1 : 0;
}
