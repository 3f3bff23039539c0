/* SPDX-License-Identifier: MIT */
/* `rlctl clients`: every client record in use, one line (or object) each. */
#ifndef RLCTL_CLIENTS_H
#define RLCTL_CLIENTS_H

#include <stdbool.h>

/*
 * Map segment `segment` (as status_open() takes it) read-only and print
 * its client records in use to stdout, as JSON if `json`.  Returns the
 * exit status: 0 when the segment could be read, whatever rlcd's state
 * (status says that), else as status_run().
 */
int clients_run(const char *segment, bool json);

#endif
