/* SPDX-License-Identifier: MIT */
/* rlctl's exit status, the contract scripts and monitoring rely on. */
#ifndef RLCTL_H
#define RLCTL_H

#include <stdint.h>

enum rlctl_exit {
	RLCTL_EXIT_OK = 0,      /* segment readable, rlcd running and beating */
	RLCTL_EXIT_DOWN = 1,    /* readable, but rlcd is gone or its heartbeat stale */
	RLCTL_EXIT_SEGMENT = 2, /* missing, not ready, another layout, corrupt */
	RLCTL_EXIT_USAGE = 64,  /* bad command line or segment name (EX_USAGE) */
	RLCTL_EXIT_WRITE = 74,  /* stdout failed: full disk, closed pipe (EX_IOERR) */
};

/* Ages are shown to the millisecond: finer is noise to a reader. */
#define RLCTL_AGE_UNIT_NS UINT64_C(1000000)

#endif
