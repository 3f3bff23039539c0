#!/usr/bin/env bash
# The worked example, end to end: rlcd on the built-in default (every
# shipped profile), the example strategy reserving Binance USD-M endpoints
# by name on it; then the same strategy under `rlctl mode binance-usdm
# liquidation`, where market data is held back and orders still pass.
#
# Environment (tools/examples/meson.build): RLCD, RLCTL,
# RLC_EXAMPLE_STRATEGY, RLC_BUILTIN_INI, RLC_SOURCE_ROOT.
set -euo pipefail

strategy=${RLC_EXAMPLE_STRATEGY:?built rlc-example-strategy}
ini=${RLC_BUILTIN_INI:?the built-in rlc.ini}
. "${RLC_SOURCE_ROOT:?source tree}/tests/e2e/rlcd_lib.sh"

# says LOG TEXT: the strategy's output holds TEXT as a whole line.
says() {
	grep -qxF -- "$2" "$tmp/$1" || fail "$1 does not say: $2"
}

echo "1. rlcd publishes the built-in default"
start_rlcd rlcd.log "$ini"
poll published "$pid" || fail "rlcd did not publish $seg"

echo "2. the strategy reserves by endpoint, at each endpoint's priority"
timeout 20 "$strategy" -s "$seg" -n 20 >"$tmp/run1.log" 2>&1 ||
	fail "the strategy failed: $(cat "$tmp/run1.log")"
cat "$tmp/run1.log"
says run1.log "GET /fapi/v1/depth limit=500: binance-usdm.ip.weight 10"
says run1.log "GET /fapi/v1/ticker/bookTicker symbol: binance-usdm.ip.weight 2"
says run1.log "POST /fapi/v1/order: binance-usdm.main.orders-10s 1 binance-usdm.main.orders-1m 1"
says run1.log "DELETE /fapi/v1/order: binance-usdm.ip.weight 1"
# 20 rounds: 40 market-data calls, 16 orders sent + 2 reduce-only, 4 refunded
says run1.log "rounds=20 market=40 skipped=0 orders=18 cancels=20 refunded=4 timeouts=0"

echo "3. the counts are in the segment, for every process"
"$RLCTL" -s "$seg" status >"$tmp/status.log" 2>&1 || fail "rlctl status: $(cat "$tmp/status.log")"
# IP weight: 20 x (10 + 2) market data + 20 cancels x 1 = 260
grep -qE '^binance-usdm\.ip\.weight +binance-usdm\.ip +window +260/2280 ' "$tmp/status.log" ||
	fail "binance-usdm.ip.weight does not show 260 used: $(cat "$tmp/status.log")"
# orders: 16 sent + 2 reduce-only = 18 (the 4 refunded are given back)
grep -qE '^binance-usdm\.main\.orders-10s +binance-usdm\.main +window +18/285 ' \
	"$tmp/status.log" || fail "binance-usdm.main.orders-10s does not show 18 used"

echo "4. liquidation mode: market data held back, orders pass"
"$RLCTL" -s "$seg" mode binance-usdm liquidation --for 1m >"$tmp/mode.log" 2>&1 ||
	fail "rlctl mode: $(cat "$tmp/mode.log")"
timeout 20 "$strategy" -s "$seg" -n 3 >"$tmp/run2.log" 2>&1 ||
	fail "the strategy failed in liquidation mode: $(cat "$tmp/run2.log")"
says run2.log "rounds=3 market=0 skipped=6 orders=3 cancels=3 refunded=0 timeouts=0"

echo "5. back to normal: market data passes again"
"$RLCTL" -s "$seg" mode binance-usdm normal >"$tmp/mode.log" 2>&1 ||
	fail "rlctl mode normal: $(cat "$tmp/mode.log")"
timeout 20 "$strategy" -s "$seg" -n 1 >"$tmp/run3.log" 2>&1 ||
	fail "the strategy failed after the mode: $(cat "$tmp/run3.log")"
says run3.log "rounds=1 market=2 skipped=0 orders=1 cancels=1 refunded=0 timeouts=0"

echo "6. an account the profile does not have is refused by name"
status=0
"$strategy" -s "$seg" -a hedge -n 1 >"$tmp/run4.log" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "an unknown account exited $status, not 1"
grep -qF "hedge: No such file or directory" "$tmp/run4.log" || fail "no reason for -a hedge"

stop_rlcd TERM || true
echo "ok"
