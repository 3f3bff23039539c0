/* SPDX-License-Identifier: MIT */
/*
 * rlc/penalty.h - which responses mean "stop", for whom and for how long,
 * in each exchange's dialect (../shared/exchange-limits.md).  Pure: the
 * feedback call (rlc/feedback.h) applies what this says.
 *
 *   dialect  response                         scope    default   floor
 *   binance  418                              ip       2 min
 *            code -1015 (too many orders)     account  10 s
 *            code -1003, or any other 429     ip       1 min
 *   bybit    403 (ip banned), code 10018      ip       10 min    10 min
 *            code 10006, 170005               account  1 s (until X-Bapi-Limit-Reset-Timestamp)
 *            code 170222                      request  1 s (idem)
 *            429, code 10429                  ip       1 s
 *   okx      code 50061 (sub-account orders)  account  2 s
 *            code 50011, or any other 429     request  2 s
 *   bitget   429, code 429, 30001 to 30003    request  1 s
 *   generic  418                              ip       2 min
 *            429                              request  1 s
 *
 * "request": the account's scope when the request counted on an account's
 * limit, else the IP's.  A Retry-After replaces the default (a ban ends
 * when the exchange says), but never shortens a floor.
 */
#ifndef RLC_PENALTY_H
#define RLC_PENALTY_H

#include <stdint.h>

#include "block.h" /* RLC__BLOCK_NO_CODE */
#include "clock.h"
#include "segment.h"

enum rlc_penalty_scope {
	RLC_PENALTY_IP = 1,
	RLC_PENALTY_ACCOUNT = 2,
	RLC_PENALTY_REQUEST = 3,
};

struct rlc_penalty {
	uint32_t scope;      /* enum rlc_penalty_scope */
	int until_reset;     /* Bybit: block until X-Bapi-Limit-Reset-Timestamp if later */
	uint64_t default_ns; /* without Retry-After */
	uint64_t floor_ns;   /* the least it lasts, Retry-After or not */
};

static inline int rlc__penalty(struct rlc_penalty *p, uint32_t scope, uint64_t default_ns,
			       uint64_t floor_ns, int until_reset)
{
	p->scope = scope;
	p->default_ns = default_ns;
	p->floor_ns = floor_ns;
	p->until_reset = until_reset;
	return 1;
}

static inline int rlc__penalty_binance(int status, int has_code, int32_t code,
				       struct rlc_penalty *p)
{
	if (status == 418)
		return rlc__penalty(p, RLC_PENALTY_IP, 120 * RLC_NS_PER_SEC, 0, 0);
	if (has_code && code == -1015)
		return rlc__penalty(p, RLC_PENALTY_ACCOUNT, 10 * RLC_NS_PER_SEC, 0, 0);
	if (status == 429 || (has_code && code == -1003))
		return rlc__penalty(p, RLC_PENALTY_IP, 60 * RLC_NS_PER_SEC, 0, 0);
	return 0;
}

static inline int rlc__penalty_bybit(int status, int has_code, int32_t code,
				     struct rlc_penalty *p)
{
	if (status == 403 || (has_code && code == 10018))
		return rlc__penalty(p, RLC_PENALTY_IP, 600 * RLC_NS_PER_SEC, 600 * RLC_NS_PER_SEC, 0);
	if (has_code && (code == 10006 || code == 170005))
		return rlc__penalty(p, RLC_PENALTY_ACCOUNT, RLC_NS_PER_SEC, 0, 1);
	if (has_code && code == 170222)
		return rlc__penalty(p, RLC_PENALTY_REQUEST, RLC_NS_PER_SEC, 0, 1);
	if (status == 429 || (has_code && code == 10429))
		return rlc__penalty(p, RLC_PENALTY_IP, RLC_NS_PER_SEC, 0, 0);
	return 0;
}

static inline int rlc__penalty_okx(int status, int has_code, int32_t code, struct rlc_penalty *p)
{
	if (has_code && code == 50061)
		return rlc__penalty(p, RLC_PENALTY_ACCOUNT, 2 * RLC_NS_PER_SEC, 0, 0);
	if (status == 429 || (has_code && code == 50011))
		return rlc__penalty(p, RLC_PENALTY_REQUEST, 2 * RLC_NS_PER_SEC, 0, 0);
	return 0;
}

static inline int rlc__penalty_bitget(int status, int has_code, int32_t code,
				      struct rlc_penalty *p)
{
	if (status == 429 || (has_code && (code == 429 || (code >= 30001 && code <= 30003))))
		return rlc__penalty(p, RLC_PENALTY_REQUEST, RLC_NS_PER_SEC, 0, 0);
	return 0;
}

/*
 * The penalty a response with HTTP `status` and (when has_code) the
 * exchange's error `code` means in `dialect` (enum rlc_dialect): 1 with *p
 * filled, or 0 when it means none.
 */
static inline int rlc_penalty_of(uint32_t dialect, int status, int has_code, int32_t code,
				 struct rlc_penalty *p)
{
	switch (dialect) {
	case RLC_DIALECT_BINANCE:
		return rlc__penalty_binance(status, has_code, code, p);
	case RLC_DIALECT_BYBIT:
		return rlc__penalty_bybit(status, has_code, code, p);
	case RLC_DIALECT_OKX:
		return rlc__penalty_okx(status, has_code, code, p);
	case RLC_DIALECT_BITGET:
		return rlc__penalty_bitget(status, has_code, code, p);
	default:
		if (status == 418)
			return rlc__penalty(p, RLC_PENALTY_IP, 120 * RLC_NS_PER_SEC, 0, 0);
		if (status == 429)
			return rlc__penalty(p, RLC_PENALTY_REQUEST, RLC_NS_PER_SEC, 0, 0);
		return 0;
	}
}

/*
 * The exchange's error code in `text` ("-1003", "50011"): 1 with it in
 * *code, or 0 for NULL, empty, anything but an optional '-' and 1 to 7
 * digits, or a code beyond +-8388607: the codes a block word keeps in its
 * 24 bits (rlc/block.h), and more than any exchange documents.
 */
static inline int rlc_penalty_code(const char *text, int32_t *code)
{
	int32_t v = 0;
	int neg, n = 0;

	if (!text)
		return 0;
	neg = *text == '-';
	for (text += neg; *text >= '0' && *text <= '9' && n < 8; text++, n++)
		v = v * 10 + (*text - '0');
	if (*text != '\0' || n == 0 || n > 7 || v > (int32_t)(RLC__BLOCK_NO_CODE - 1u))
		return 0;
	*code = neg ? -v : v;
	return 1;
}

#endif /* RLC_PENALTY_H */
