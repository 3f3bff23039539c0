/* SPDX-License-Identifier: MIT */
/* Calls into rlc.h from a second translation unit, whose rlc/guard.h table
 * does not hold the handle's mapping: the handle alone must carry it. */
#include "api_other_unit.h"

int other_unit_try(struct rlc *h, uint32_t id, uint32_t weight)
{
	struct rlc_grant g;

	return rlc_try(h, id, weight, &g);
}
