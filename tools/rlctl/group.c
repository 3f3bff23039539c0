/* SPDX-License-Identifier: MIT */
#include "group.h"

#include <string.h>

/* Sort the accounts of exchange `x` by name, in place in their span. */
static void accounts_sort(const struct snapshot *s, uint32_t x, uint32_t *accounts)
{
	const struct rlc_exchange_view *e = &s->cat->exchanges[x];
	uint32_t *span = accounts + e->accounts_first;
	uint32_t n, j;

	/* Insertion sort: an exchange has a handful of accounts. */
	for (n = 0; n < e->accounts_count; n++) {
		uint32_t a = e->accounts_first + n;

		for (j = n; j > 0 && strcmp(s->cat->accounts[span[j - 1]].name,
					    s->cat->accounts[a].name) > 0; j--)
			span[j] = span[j - 1];
		span[j] = a;
	}
}

/* Append the limits of exchange `x` and scope kind `kind` (of account
 * `account`, for RLC_SCOPE_ACCOUNT) to limits[0 .. n), in id order;
 * returns the new n. */
static uint32_t pick(const struct snapshot *s, uint32_t x, enum rlc_scope_kind kind,
		     uint32_t account, uint32_t *limits, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < s->limits_count; i++) {
		const struct snapshot_limit *l = &s->limits[i];

		if (l->exchange == x && l->kind == kind &&
		    (kind != RLC_SCOPE_ACCOUNT || l->account == account))
			limits[n++] = i;
	}
	return n;
}

void group_order(const struct snapshot *s, uint32_t *accounts, uint32_t *limits)
{
	uint32_t x, a, n = 0;

	for (x = 0; x < s->exchanges_count; x++) {
		const struct rlc_exchange_view *e = &s->cat->exchanges[x];

		accounts_sort(s, x, accounts);
		n = pick(s, x, RLC_SCOPE_IP, RLC_NONE, limits, n);
		for (a = e->accounts_first; a < e->accounts_first + e->accounts_count; a++)
			n = pick(s, x, RLC_SCOPE_ACCOUNT, accounts[a], limits, n);
		n = pick(s, x, RLC_SCOPE_OTHER, RLC_NONE, limits, n);
	}
	pick(s, RLC_NONE, RLC_SCOPE_OTHER, RLC_NONE, limits, n);
}
