/* SPDX-License-Identifier: MIT */
#include "modes.h"

#include "log.h"
#include "rlc/mode.h"

unsigned rlc_modes_expire(const char *name, void *base, const struct rlc_layout *lay,
			  const struct rlc_config *cfg, uint64_t now)
{
	struct rlc_exchange *x = RLC__TABLE(struct rlc_exchange, base, lay->exchanges_off);
	uint32_t i, n = lay->exchanges_count < cfg->exchanges_count ? lay->exchanges_count
								  : cfg->exchanges_count;
	unsigned stored = 0;

	for (i = 0; i < n; i++) {
		const struct rlc_exchange_config *ex = &cfg->exchanges[i];
		/* Self-contained word (rlc/mode.h): relaxed. */
		uint64_t word = rlc__load_relaxed(&x[i].mode);
		uint32_t index = (uint32_t)(word & 0xffu);
		int corrupt = index >= ex->modes_count;

		if (word == 0 || (!corrupt && rlc_mode_until(word) > now))
			continue;
		/* A CAS, not a store: an rlctl mode set since the load stands. */
		if (!rlc__cas_strong(&x[i].mode, &word, 0, relaxed, relaxed))
			continue;
		stored++;
		if (corrupt)
			rlc_log("%s: exchange %s: its mode word names mode %u of %u, which it does "
				"not have: stored normal",
				name, ex->name, index, ex->modes_count);
		else
			rlc_log("%s: exchange %s: mode %s ended: back to normal", name, ex->name,
				ex->modes[index].name);
	}
	return stored;
}
