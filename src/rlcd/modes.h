/* SPDX-License-Identifier: MIT */
/* rlcd's side of the exchanges' modes (rlc/mode.h): ending them on time. */
#ifndef RLCD_MODES_H
#define RLCD_MODES_H

#include <stdint.h>

#include "config.h"
#include "rlc/segment.h"

/*
 * Store normal back into every exchange mode word of the segment `name` at
 * `base` (its tables from rlcd's private copy *lay, the exchanges of *cfg,
 * which rlcd laid out or adopted) whose mode ended before `now`, so that
 * rlctl shows it ended; and into every word naming a mode the exchange
 * does not have, which would refuse every request of the exchange as
 * corrupt until its time passed.  Clients already treat an ended mode as
 * normal, so the first only tidies.  Logs each word it stores, naming the
 * segment, the exchange and the mode.  Returns how many it stored.
 */
unsigned rlc_modes_expire(const char *name, void *base, const struct rlc_layout *lay,
			  const struct rlc_config *cfg, uint64_t now);

#endif /* RLCD_MODES_H */
