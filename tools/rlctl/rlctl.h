/* SPDX-License-Identifier: MIT */
/* rlctl's exit status: the contract scripts and monitoring rely on. */
#ifndef RLCTL_H
#define RLCTL_H

enum rlctl_exit {
	RLCTL_EXIT_OK = 0,      /* segment readable, rlcd running and beating */
	RLCTL_EXIT_DOWN = 1,    /* readable, but rlcd is gone, detached or stale */
	RLCTL_EXIT_SEGMENT = 2, /* missing, not ready, another layout, corrupt */
	RLCTL_EXIT_REFUSED = 1, /* reserve: a limit is full (status's 1 is DOWN) */
	RLCTL_EXIT_UNKNOWN = 3, /* reserve: no such exchange, endpoint or account */
	RLCTL_EXIT_BLOCKED = 4, /* reserve: its scope is blocked, or its breaker open */
	RLCTL_EXIT_USAGE = 64,  /* bad command line or segment name (EX_USAGE) */
	RLCTL_EXIT_DATAERR = 65, /* check: the configuration is invalid (EX_DATAERR) */
	RLCTL_EXIT_NOINPUT = 66, /* check: the file cannot be read (EX_NOINPUT) */
	RLCTL_EXIT_WRITE = 74,  /* stdout failed: full disk, closed pipe (EX_IOERR) */
	RLCTL_EXIT_NOPERM = 77, /* mode: the segment may not be written (EX_NOPERM) */
};

#endif
