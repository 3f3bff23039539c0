/* SPDX-License-Identifier: MIT */
/* rlcd's side of the exchanges' modes (rlc/mode.h): ending them on time. */
#ifndef RLCD_MODES_H
#define RLCD_MODES_H

#include <stdint.h>

#include "rlc/segment.h"

/*
 * Store normal back into every exchange mode word of the segment at `base`
 * (its tables from rlcd's private copy *lay) whose mode ended before `now`,
 * so that rlctl shows it ended.  Clients already treat an ended mode as
 * normal, so this only tidies.  Returns how many it ended.
 */
unsigned rlc_modes_expire(void *base, const struct rlc_layout *lay, uint64_t now);

#endif /* RLCD_MODES_H */
