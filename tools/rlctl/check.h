/* SPDX-License-Identifier: MIT */
/* `rlctl check`: validate an rlc.ini(5) as rlcd does when it starts. */
#ifndef RLCTL_CHECK_H
#define RLCTL_CHECK_H

/*
 * Parse and validate the configuration in `file` with rlcd's own code,
 * and print a one-line summary: its exchanges, accounts, limits and
 * endpoints.  Closes stdout.  Returns the exit status: RLCTL_EXIT_OK;
 * RLCTL_EXIT_DATAERR with the error (file, section and key) for an invalid
 * configuration; RLCTL_EXIT_NOINPUT when the file cannot be read.
 */
int check_run(const char *file);

#endif
