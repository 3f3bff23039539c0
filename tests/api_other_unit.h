/* SPDX-License-Identifier: MIT */
#ifndef RLC_TEST_API_OTHER_UNIT_H
#define RLC_TEST_API_OTHER_UNIT_H

#include "rlc.h"

/* rlc_try, compiled in another translation unit than the test's rlc_open. */
int other_unit_try(struct rlc *h, uint32_t id, uint32_t weight);

#endif
