#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlctl reserve against a real rlcd: a granted reserve prints what it
# took and the counts rise (0); a full limit refuses (1), at once or at
# the end of --wait; a low-priority reserve is refused where a critical
# one passes (reserve-low); a blocked scope refuses (4) until its block
# ends, which --wait outlasts; an unknown exchange, endpoint or account is
# named with the valid ones (3); bad input and a weight that can never fit
# (a low one over its reserve) are 64; a missing segment 2; a user who may not write the segment 77.
#
# usage: rlctl_reserve.sh TAKE   (rlc-take; RLCD and RLCTL from the environment)
set -euo pipefail

take=${1:?usage: rlctl_reserve.sh TAKE}
. "$(dirname "$0")/rlcd_lib.sh"
. "$(dirname "$0")/rlctl_lib.sh"

# prints WHAT LINE: the last ctl's stdout is exactly LINE.
prints() {
	[ "$(cat "$tmp/out")" = "$2" ] || fail "$1: stdout is '$(cat "$tmp/out")', want '$2'"
}

# errs WHAT REGEX: the last ctl's stderr is one line matching REGEX (ERE) whole.
errs() {
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qxE -- "$2" "$tmp/err" ||
		fail "$1: stderr is '$(cat "$tmp/err")', want a line matching '$2'"
}

# used LIMIT N: after taking 1 more of LIMIT with rlc-take, N of it are used.
used() {
	"$take" "$seg" "$1" 1 >"$tmp/take.out" 2>"$tmp/take.err" ||
		fail "take $1: exit $?: $(cat "$tmp/take.err")"
	grep -qx "used $2 of [0-9]*" "$tmp/take.out" ||
		fail "take $1: '$(cat "$tmp/take.out")', want used $2"
}

healthy() {
	ctl status
	[ "$rc" -eq 0 ]
}

cat >"$tmp/reserve.ini" <<EOF2
[rlcd]
heartbeat = 20ms
clients = 8
mode = 0644

[exchange ex1]

[limit ex1.ip.weight]
capacity = 20
interval = 1h
slots = 8
reserve-low = 50%

[limit ex1.account.orders]
capacity = 3
interval = 1h
slots = 8

[account ex1 main]

[endpoint ex1 get /depth]
priority = low
ip.weight = 2

[endpoint ex1 post /order]
priority = high
ip.weight = 1
account.orders = 1

[endpoint ex1 get /huge]
priority = low
ip.weight = 15
EOF2

start_rlcd rlcd.log "$tmp/reserve.ini"
poll healthy || fail "rlctl status never became healthy: $(cat "$tmp/err")"

echo "1. granted: one line of what was taken, and the counts rise"
ctl reserve ex1 GET /depth symbol=BTCUSDT limit=5
exits 0 "reserve GET /depth"
prints "reserve GET /depth" "granted at priority low: ex1.ip.weight 2"
used ex1.ip.weight 3
ctl reserve ex1 post /ORDER
exits 0 "reserve POST /order"
prints "reserve POST /order" "granted at priority high: ex1.ip.weight 1, ex1.main.orders 1"
used ex1.ip.weight 5

echo "2. refused when full, at once and after --wait (1)"
ctl reserve ex1 POST /order --account main
exits 0 "second order"
ctl reserve ex1 POST /order
exits 0 "third order"
ctl reserve ex1 POST /order
exits 1 "fourth order"
errs "fourth order" "rlctl: ex1 POST /order: refused by ex1.main.orders at priority high: full, retry in .+"
ctl reserve ex1 POST /order --wait 100ms
exits 1 "fourth order, waiting"
errs "fourth order, waiting" "rlctl: ex1 POST /order: refused by ex1.main.orders at priority high: full, retry in .+"
[ ! -s "$tmp/out" ] || fail "a refusal printed on stdout: $(cat "$tmp/out")"

echo "3. --priority: low refused where critical passes"
used ex1.ip.weight 8
used ex1.ip.weight 9 # of a low ceiling of 10: a low weight of 2 no longer fits
ctl reserve ex1 GET /depth
exits 1 "low depth past its ceiling"
errs "low depth" "rlctl: ex1 GET /depth: refused by ex1.ip.weight at priority low: full, retry in .+"
ctl reserve ex1 GET /depth --priority critical
exits 0 "critical depth"
prints "critical depth" "granted at priority critical: ex1.ip.weight 2"

echo "4. blocked (4), and --wait outlasts a short block"
ctl block ex1.ip 1h
exits 0 "block ex1.ip 1h"
ctl reserve ex1 GET /depth --priority critical
exits 4 "reserve while blocked"
errs "reserve while blocked" "rlctl: ex1 GET /depth: scope ex1.ip blocked \(by hand\) for (59m5[0-9]s|1h) more"
ctl reserve ex1 GET /depth --priority critical --wait 1s
exits 4 "reserve waiting less than the block"
ctl unblock ex1.ip
exits 0 "unblock ex1.ip"
ctl block ex1.ip 300ms
exits 0 "block ex1.ip 300ms"
ctl reserve ex1 GET /depth --priority critical
exits 4 "reserve in the short block"
ctl reserve ex1 GET /depth --priority critical --wait 5s
exits 0 "reserve waiting out the block"
prints "reserve waiting out the block" "granted at priority critical: ex1.ip.weight 2"

echo "5. unknown exchange, endpoint or account (3)"
ctl reserve nope GET /depth
exits 3 "unknown exchange"
says "unknown exchange" "exchange 'nope' is not in $seg; its exchanges: ex1"
ctl reserve ex1 GET /nope
exits 3 "unknown endpoint"
says "unknown endpoint" "endpoint 'GET /nope' is not an endpoint of exchange ex1; its endpoints: GET /depth, POST /order, GET /huge"
ctl reserve ex1 GET /depth --account other
exits 3 "unknown account"
says "unknown account" "account 'other' is not an account of exchange ex1; its accounts: main"

echo "6. bad input (64)"
ctl reserve ex1 GET /depth symbol
exits 64 "param without ="
says "param without =" "parameter 'symbol': not name=value; try 'rlctl --help'"
ctl reserve ex1 GET /depth --priority urgent
exits 64 "bad priority"
says "bad priority" "--priority 'urgent': not critical, high, normal or low"
ctl reserve ex1 GET /depth --wait soon
exits 64 "bad duration"
ctl reserve ex1 GET /depth --wait 2d
exits 64 "too long a wait"
ctl reserve ex1 GET
exits 64 "no PATH"
ctl reserve ex1 GET /depth --json
exits 64 "--json"
ctl status --wait 1s
exits 64 "--wait to status"
says "--wait to status" "'--wait' is not an option of 'rlctl status'; try 'rlctl --help'"
ctl reserve ex1 GET /huge
exits 64 "can never fit"
says "can never fit" "ex1 GET /huge: can never fit ex1.ip.weight at priority low"

echo "7. no segment (2), no write access (77)"
rc=0
"$RLCTL" -s "$seg-none" reserve ex1 GET /depth >"$tmp/out" 2>"$tmp/err" || rc=$?
exits 2 "missing segment"
if [ -n "$reader" ]; then
	reader_on
	as_reader reserve ex1 GET /depth --priority critical
	reader_off
	exits 77 "reserve as a reader"
	says "reserve as a reader" "$denied"
fi
echo "ok"
