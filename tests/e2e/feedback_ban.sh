#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One bot's 418 stops every bot on that IP, at once.  A real rlcd serves
# the built-in default (every profile).  Two real bots, both running and
# attached before the ban: the first reserves GET /fapi/v1/depth of
# binance-usdm and feeds back a 418 with Retry-After 120; the second's very
# next call, on another endpoint of the same IP, is refused as blocked
# (ECONNREFUSED) with about two minutes to wait, and rlctl status shows the
# ban.  A bot of another exchange is not blocked; -1015 blocks the
# account's orders and not the IP; rlctl unblock lifts a ban.
#
# usage: feedback_ban.sh PEER DEFAULT_INI   (RLCD and RLCTL from the environment)
set -euo pipefail

peer=${1:?usage: feedback_ban.sh PEER DEFAULT_INI}
ini=${2:?usage: feedback_ban.sh PEER DEFAULT_INI}
. "$(dirname "$0")/rlcd_lib.sh"
: "${RLCTL:?RLCTL must name the rlctl binary}"

start_rlcd rlcd.log "$ini"
wait_for "$tmp/rlcd.log" "created, generation 1" || fail "rlcd did not create $seg"

# bot NAME ARGS...: start a peer that waits on the FIFO $tmp/NAME.in, and
# wait for it to say it is attached.
bot() {
	local name=$1
	shift
	mkfifo "$tmp/$name.in"
	"$peer" "$seg" "$@" <"$tmp/$name.in" >"$tmp/$name.out" 2>&1 &
	eval "${name}_pid=$!"
	exec {fd}>"$tmp/$name.in" # opens once the peer has the FIFO open too
	eval "${name}_fd=$fd"
	wait_for "$tmp/$name.out" ready || fail "bot $name did not start: $(cat "$tmp/$name.out")"
}

# go NAME: let bot NAME make its one call; its words in $out.
go() {
	local fd pid
	eval "fd=\$${1}_fd pid=\$${1}_pid"
	echo go >&"$fd"
	exec {fd}>&-
	wait "$pid" || true
	out=$(sed 1d "$tmp/$1.out")
}

echo "1. two bots of one IP, both running; the first gets a 418"
bot first binance-usdm GET /fapi/v1/depth 418 "Retry-After: 120" "Content-Type: application/json"
bot second binance-usdm GET /fapi/v1/ticker/price
go first
[ "$out" = $'granted\nfed 0x8' ] || fail "the first bot's 418 did not block: $out"
go second
[[ "$out" =~ ^refused\ ECONNREFUSED\ 1[01][0-9]{4}$ ]] ||
	fail "the second bot's next call was not refused as blocked for ~120 s: $out"

echo "2. rlctl status shows the ban"
timeout 10 "$RLCTL" -s "$seg" status >"$tmp/status.txt" 2>&1 || true
grep -q "418" "$tmp/status.txt" || fail "status does not show the 418: $(cat "$tmp/status.txt")"

echo "3. another exchange is not blocked"
bot third bybit-v5 GET /v5/market/tickers
go third
[ "$out" = granted ] || fail "bybit was blocked too: $out"

echo "4. rlctl unblock lifts the ban"
timeout 10 "$RLCTL" -s "$seg" unblock binance-usdm.ip >"$tmp/unblock.txt" 2>&1 ||
	fail "rlctl unblock failed: $(cat "$tmp/unblock.txt")"
bot fourth binance-usdm GET /fapi/v1/ticker/price
go fourth
[ "$out" = granted ] || fail "unblock did not lift the ban: $out"

echo "5. -1015 (too many orders) blocks the account's orders, not the IP"
bot fifth binance-usdm POST /fapi/v1/order 429 code=-1015 "Retry-After: 30"
bot sixth binance-usdm POST /fapi/v1/order
bot seventh binance-usdm GET /fapi/v1/depth
go fifth
[ "$out" = $'granted\nfed 0x8' ] || fail "-1015 did not block: $out"
go sixth
[[ "$out" =~ ^refused\ ECONNREFUSED\ (29[0-9]{3}|30000)$ ]] || fail "the account's next order was not refused: $out"
go seventh
[ "$out" = granted ] || fail "-1015 blocked the IP: $out"
echo "ok"
