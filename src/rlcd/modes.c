/* SPDX-License-Identifier: MIT */
#include "modes.h"

#include "rlc/mode.h"

unsigned rlc_modes_expire(void *base, const struct rlc_layout *lay, uint64_t now)
{
	struct rlc_exchange *x = RLC__TABLE(struct rlc_exchange, base, lay->exchanges_off);
	unsigned ended = 0;
	uint32_t i;

	for (i = 0; i < lay->exchanges_count; i++) {
		/* Self-contained word (rlc/mode.h): relaxed. */
		uint64_t word = rlc__load_relaxed(&x[i].mode);

		/* A CAS, not a store: an rlctl mode set since the load stands. */
		if (word != 0 && rlc_mode_until(word) <= now &&
		    rlc__cas_strong(&x[i].mode, &word, 0, relaxed, relaxed))
			ended++;
	}
	return ended;
}
