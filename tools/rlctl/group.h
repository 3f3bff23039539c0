/* SPDX-License-Identifier: MIT */
/*
 * The order the text report lists accounts and limits in: limits by
 * exchange, in exchange order, and within an exchange by scope: its IP
 * scope's, then each account's, accounts by name, then its other limits;
 * last the limits of no exchange.  Each scope's limits in id order.
 */
#ifndef RLCTL_GROUP_H
#define RLCTL_GROUP_H

#include <stdint.h>

#include "snapshot.h"

/*
 * Fill `accounts` (room for s->cat->accounts_count) with every account's
 * index, each exchange's span of the table sorted by name, and `limits`
 * (room for s->limits_count) with every limit's id in report order.  Needs
 * s->limits filled in.
 */
void group_order(const struct snapshot *s, uint32_t *accounts, uint32_t *limits);

#endif
