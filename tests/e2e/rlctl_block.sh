#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlctl block and unblock against a real rlcd, and what rlctl status shows
# of the exchange's feedback.  A scope blocked by hand refuses a real
# process's take and reserve (ECONNREFUSED) until it is unblocked; a
# shorter block leaves a longer one in force; a 418 fed back by a running
# client shows with its status, code and client, which is "no longer
# running" once it has closed, even when another process has its record
# since; the client's and the endpoint's outcome counters; the circuit
# breaker open, then half-open with a probe out; the clock with nothing
# learned.  Each bad argument is named (64); a user who may read the
# segment but not write it gets 77.
#
# usage: rlctl_block.sh TAKE   (rlc-take; RLCD and RLCTL from the environment)
set -euo pipefail

take=${1:?usage: rlctl_block.sh TAKE}
. "$(dirname "$0")/rlcd_lib.sh"
. "$(dirname "$0")/rlctl_lib.sh"

# prints WHAT REGEX: the last ctl's stdout is one line, all of it matching REGEX (ERE).
prints() {
	[ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -qxE -- "$2" "$tmp/out" ||
		fail "$1: stdout is '$(cat "$tmp/out")', want a line matching '$2'"
}

# matches WHAT REGEX: some line of the last ctl's stdout matches REGEX (ERE) whole.
matches() {
	grep -qxE -- "$2" "$tmp/out" || fail "$1: no stdout line matches '$2':
$(cat "$tmp/out")"
}

# lacks WHAT REGEX: no line of the last ctl's stdout matches REGEX (ERE).
lacks() {
	! grep -qE -- "$2" "$tmp/out" || fail "$1: stdout has '$2':
$(cat "$tmp/out")"
}

# json WHAT EXPR [ARGS...]: the last ctl's stdout is a JSON object r for
# which the Python expression EXPR holds, with s the scope ex1.ip and c
# the first client (or None); ARGS are sys.argv[2:].
json() {
	local what=$1 expr=$2
	shift 2
	python3 -c "import json, sys
r = json.load(open(sys.argv[1]))
s = [x for x in r['scopes'] if x['name'] == 'ex1.ip'][0]
c = r['clients'][0] if r['clients'] else None
sys.exit(0 if ($expr) else 1)" "$tmp/out" "$@" || fail "$what: JSON does not satisfy $expr:
$(cat "$tmp/out")"
}

# taken LIMIT WEIGHT: rlc-take is granted WEIGHT of LIMIT.
taken() {
	"$take" "$seg" "$1" "$2" >"$tmp/take.out" 2>"$tmp/take.err" ||
		fail "take $1: exit $?: $(cat "$tmp/take.err")"
}

# refused LIMIT WHY: rlc-take of LIMIT (or "EXCHANGE METHOD PATH") exits 1, saying WHY.
refused() {
	local status=0
	"$take" "$seg" "$1" 1 >"$tmp/take.out" 2>"$tmp/take.err" || status=$?
	[ "$status" -eq 1 ] && [ "$(cat "$tmp/take.err")" = "rlc-take: $1: $2" ] ||
		fail "take $1: exit $status, '$(cat "$tmp/take.err")', not refused with $2"
}

when='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

cat >"$tmp/block.ini" <<EOF
[rlcd]
heartbeat = 20ms
clients = 8
mode = 0644

[exchange ex1]
breaker-failures = 2
breaker-cooldown = 2s
breaker-probe-timeout = 1h

[limit ex1.ip.weight]
capacity = 1000
interval = 1m
slots = 8

[limit ex1.account.orders]
capacity = 100
interval = 10s
slots = 8

[account ex1 main]

[endpoint ex1 get /depth]
ip.weight = 2

[endpoint ex1 post /order]
ip.weight = 1
account.orders = 1

[limit other.thing]
capacity = 5
interval = 1s
EOF

echo "1. nothing blocked: status shows the clock, no block and no breaker"
start_rlcd rlcd.log "$tmp/block.ini"
poll healthy || fail "rlctl status never became healthy: $(cat "$tmp/err")"
ctl status
exits 0 "status"
matches "the clock, nothing learned" 'clock    offset \+0ms \(configured, nothing learned yet\)'
lacks "no block" '^(blocked|breaker) '
matches "no clients yet" 'no registered clients \(8 records free\)'
ctl status --json
exits 0 "status --json"
json "every scope unblocked, its breaker closed; the clock; the endpoints" \
	'sorted(x["name"] for x in r["scopes"]) == ["ex1.ip", "ex1.main", "other"]
	 and all(x["blocked"] is None and x["breaker"] == {"state": "closed", "failures": 0,
	                                                   "until_ns": None, "left_ns": None}
	         for x in r["scopes"])
	 and [x["exchange"] for x in r["scopes"] if x["name"] == "other"] == [None]
	 and s["exchange"] == "ex1"
	 and r["exchanges"][0]["clock"] == {"offset_ns": 0, "error_ns": None, "samples": 0}
	 and [(e["exchange"], e["name"], e["outcomes"]["ok"], e["outcomes"]["mean_elapsed_ns"])
	      for e in r["endpoints"]] == [("ex1", "GET /depth", 0, None), ("ex1", "POST /order", 0, None)]'
scopes=$(python3 -c 'import json, sys; print(", ".join(x["name"] for x in json.load(open(sys.argv[1]))["scopes"]))' "$tmp/out")

echo "2. rlctl block refuses every process's take and reserve until it is lifted"
ctl block ex1.ip 1h
exits 0 "block ex1.ip 1h"
prints "block ex1.ip 1h" "ex1.ip: blocked until $when \(1h\)"
refused ex1.ip.weight "Connection refused"
refused "ex1 GET /depth" "Connection refused"
taken other.thing 1
ctl status
exits 0 "status, blocked"
matches "the block by hand, from rlctl, which has closed" \
	"blocked  ex1.ip until $when \(59m5[0-9]s left\): by hand, from a client no longer running, set $when"
ctl status --json
json "the block by hand in --json" \
	's["blocked"]["status"] == 0 and s["blocked"]["code"] is None and s["blocked"]["client"] is None
	 and 3590e9 < s["blocked"]["left_ns"] <= 3600e9 and s["blocked"]["until"].endswith("Z")
	 and 0 < s["blocked"]["until_ns"] - s["blocked"]["since_ns"] <= 3600.1e9
	 and s["blocked"]["since"].endswith("Z")
	 and all(x["blocked"] is None for x in r["scopes"] if x["name"] != "ex1.ip")'

echo "3. a shorter block leaves the longer one in force"
ctl block ex1.ip 10m
exits 0 "block ex1.ip 10m"
prints "a shorter block" "ex1.ip: blocked until $when \(59m5[0-9]s left\): a longer block in force stays"
ctl status --json
json "the longer block stays" '3590e9 < s["blocked"]["left_ns"] <= 3600e9'

echo "4. rlctl unblock lifts it, and says whether there was one"
ctl unblock ex1.ip
exits 0 "unblock ex1.ip"
prints "unblock ex1.ip" "ex1.ip: unblocked: it was blocked until $when \(59m5[0-9]s left\)"
taken ex1.ip.weight 1
[ "$(cat "$tmp/take.out")" = "used 1 of 1000" ] || fail "take after unblock: $(cat "$tmp/take.out")"
ctl unblock ex1.ip
exits 0 "unblock ex1.ip again"
prints "unblock with no block" "ex1.ip: not blocked, its breaker closed: nothing to lift"
ctl status
lacks "no block after unblock" '^blocked '
ctl block other 3d
exits 0 "block other 3d, the longest"
prints "block other 3d" "other: blocked until $when \(3d\)"
ctl status
matches "a scope of no exchange, under its heading" \
	"blocked  other until $when \(2d23h left\): by hand, from a client no longer running, set $when"
grep -A1 -x 'limits of no exchange' "$tmp/out" | grep -q '^blocked  other ' ||
	fail "the block of other is not under 'limits of no exchange': $(cat "$tmp/out")"
ctl unblock other
exits 0 "unblock other"

echo "5. a 418 fed back by a running client: its status, code and client, and the outcomes"
hold ban "ex1 GET /depth" 0 418 -1003
[ "$(sed -n 2p "$tmp/ban.out")" = "fed 0x8" ] || fail "the 418 did not block: $(cat "$tmp/ban.out")"
ctl status
exits 0 "status, banned"
matches "the ban, from its running client" \
	"blocked  ex1.ip until $when \(1m5[0-9]s left\): HTTP 418, code -1003, from rlc-take \(pid $ban_pid\), set $when"
matches "the client's outcomes: one 418 of 12 ms" \
	" +$ban_pid  rlc-take +live +1 +0 +2 +0 +0 +0 +1 +0 +0 +12ms"
ctl status --json
json "the ban and the outcomes in --json" \
	's["blocked"]["status"] == 418 and s["blocked"]["code"] == -1003
	 and s["blocked"]["client"] == {"record": c["record"], "pid": int(sys.argv[2]), "name": "rlc-take"}
	 and 110e9 < s["blocked"]["left_ns"] <= 120e9
	 and c["outcomes"] == {"ok": 0, "client_error": 0, "limited": 1, "server_error": 0,
	                       "transport": 0, "timed": 1, "elapsed_ns": 12000000,
	                       "mean_elapsed_ns": 12000000, "elapsed": [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]}
	 and [e["outcomes"]["limited"] for e in r["endpoints"]] == [1, 0]
	 and r["endpoints"][0]["outcomes"]["mean_elapsed_ns"] == 12000000' "$ban_pid"
ban_record=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["clients"][0]["record"])' "$tmp/out")
refused "ex1 GET /depth" "Connection refused"
release ban
ctl status
matches "the ban, once its client has closed" \
	"blocked  ex1.ip until $when \(1m5[0-9]s left\): HTTP 418, code -1003, from a client no longer running, set $when"
# Another process claims the freed record (the first free one): it did not set the ban.
hold other other.thing 1 200
ctl status
matches "the other client runs" " +$other_pid  rlc-take +live .*"
matches "the ban is not the new client's" \
	"blocked  ex1.ip until $when \(1m5[0-9]s left\): HTTP 418, code -1003, from a client no longer running, set $when"
ctl status --json
json "the ban is not the new client's, in --json" \
	's["blocked"]["client"] is None and s["blocked"]["status"] == 418 and c["pid"] == int(sys.argv[2])
	 and c["record"] == int(sys.argv[3]) and c["outcomes"]["ok"] == 1' "$other_pid" "$ban_record"
release other
ctl unblock ex1.ip
prints "unblock the ban" "ex1.ip: unblocked: it was blocked until $when \(1m5[0-9]s left\)"

echo "6. block words naming a client record past the table: no client is named"
# struct rlc_scope (rlc/segment.h): blocked_until, then block_cause, _code
# and _since, each the block's key (until >> 20) above 24 bits of detail.
ctl status --json
ip_id=$(python3 -c 'import json, sys; print([x["id"] for x in json.load(open(sys.argv[1]))["scopes"] if x["name"] == "ex1.ip"][0])' "$tmp/out")
words=$(($(header_word 48) + ip_id * 128))
until=$(($(python3 -c 'import time; print(time.monotonic_ns())') + 3600000000000))
key=$(((until >> 20) << 24))
put_word "$words" "$until"
put_word $((words + 8)) $((key | 418 << 13 | 8001))
put_word $((words + 16)) $((key | (-1003 & 0xffffff)))
put_word $((words + 24)) $((key | 36000))
ctl status
exits 0 "status, block naming record 8000"
matches "record 8000 is no client" \
	"blocked  ex1.ip until $when \(59m5[0-9]s left\): HTTP 418, code -1003, from a client no longer running, set $when"
ctl status --json
json "record 8000 is no client, in --json" \
	's["blocked"]["client"] is None and s["blocked"]["status"] == 418 and s["blocked"]["code"] == -1003
	 and s["blocked"]["until_ns"] - s["blocked"]["since_ns"] == 3600e9'
ctl unblock ex1.ip
exits 0 "unblock the written block"

echo "7. the circuit breaker: open after 2 failures for 2 s, then half-open with a probe out; unblock closes it"
for _ in 1 2; do
	"$take" "$seg" ex1.ip.weight 1 503 </dev/null >"$tmp/take.out" 2>&1 || fail "503: $(cat "$tmp/take.out")"
done
[ "$(sed -n 2p "$tmp/take.out")" = "fed 0x20" ] || fail "2 failures did not open the breaker: $(cat "$tmp/take.out")"
ctl status
matches "the open breaker" "breaker  ex1.ip open until $when \([0-9a-z]+ left\), 2 failures"
ctl status --json
json "the open breaker in --json" \
	's["breaker"]["state"] == "open" and s["breaker"]["failures"] == 2
	 and 0 < s["breaker"]["left_ns"] <= 2e9 and s["blocked"] is None'
refused ex1.ip.weight "Host is down"
# After the cool-down the next take is the probe; it never reports.
probe() { "$take" "$seg" ex1.ip.weight 1 >/dev/null 2>&1; }
poll probe || fail "no take was let through as the probe after the cool-down"
ctl status
matches "the half-open breaker" \
	"breaker  ex1.ip half-open, a probe out until $when \(59m5[0-9]s left\), 2 failures"
refused ex1.ip.weight "Host is down"
ctl unblock ex1.ip
prints "unblock, breaker half-open" "ex1.ip: unblocked: its breaker was half-open, now closed"
ctl status --json
json "unblock closes the breaker" \
	's["breaker"] == {"state": "closed", "failures": 0, "until_ns": None, "left_ns": None}'
taken ex1.ip.weight 1
for _ in 1 2; do
	"$take" "$seg" ex1.ip.weight 1 503 </dev/null >"$tmp/take.out" 2>&1 || fail "503: $(cat "$tmp/take.out")"
done
ctl block ex1.ip 1m
ctl unblock ex1.ip
prints "unblock, blocked with its breaker open" \
	"ex1.ip: unblocked: it was blocked until $when \(5[0-9]s[0-9]+ms left\); its breaker was open, now closed"

echo "8. bad arguments are named"
ctl block ex2.ip 1h
exits 64 "unknown scope"
says "unknown scope" "scope 'ex2.ip' is not in $seg; its scopes: $scopes"
ctl unblock ex2.ip
exits 64 "unknown scope, unblock"
says "unknown scope, unblock" "scope 'ex2.ip' is not in $seg; its scopes: $scopes"
ctl block ex1.ip 0s
exits 64 "zero duration"
says "zero duration" "DURATION '0s': out of range: more than 0s, at most 3d"
ctl block ex1.ip 3d1ns
exits 64 "duration that is no duration"
says "duration that is no duration" "DURATION: \"3d1ns\" is not a duration: write a whole number and a unit, e.g. 100ms or 1m (units: ns us ms s m h d)"
ctl block ex1.ip 259200000000001ns
exits 64 "over 3 days"
says "over 3 days" "DURATION '259200000000001ns': out of range: more than 0s, at most 3d"
ctl block ex1.ip 4d
exits 64 "4 days"
says "4 days" "DURATION '4d': out of range: more than 0s, at most 3d"
ctl block ex1.ip -5s
exits 64 "negative duration"
says "negative duration" "unknown option '-5s' (a DURATION has no sign); try 'rlctl --help'"
ctl block ex1.ip -- -5s
exits 64 "negative duration after --"
says "negative duration after --" "DURATION: \"-5s\" is not a duration: write a whole number and a unit, e.g. 100ms or 1m (units: ns us ms s m h d)"
ctl block ex1.ip 5
exits 64 "duration without a unit"
says "duration without a unit" "DURATION: \"5\" has no unit: write e.g. 5s (units: ns us ms s m h d)"
ctl block ex1.ip
exits 64 "block without a duration"
says "block without a duration" "'rlctl block' needs a DURATION; try 'rlctl --help'"
ctl block
exits 64 "block without a scope"
says "block without a scope" "'rlctl block' needs a SCOPE; try 'rlctl --help'"
ctl unblock
exits 64 "unblock without a scope"
says "unblock without a scope" "'rlctl unblock' needs a SCOPE; try 'rlctl --help'"
ctl block ex1.ip 1h extra
exits 64 "block with an extra argument"
says "block with an extra argument" "unexpected argument 'extra'; try 'rlctl --help'"
ctl unblock ex1.ip extra
exits 64 "unblock with an extra argument"
says "unblock with an extra argument" "unexpected argument 'extra'; try 'rlctl --help'"
ctl block ex1.ip 1h --json
exits 64 "block --json"
says "block --json" "'--json' is not an option of 'rlctl block'; try 'rlctl --help'"
ctl unblock ex1.ip --for 1h
exits 64 "unblock --for"
says "unblock --for" "'--for' is not an option of 'rlctl unblock'; try 'rlctl --help'"
ctl status --json
json "no refused argument blocked anything" 'all(x["blocked"] is None for x in r["scopes"])'
timeout 10 "$RLCTL" -s "$seg-missing" block ex1.ip 1h >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
exits 2 "missing segment"
says "missing segment" "$seg-missing: no such segment (is rlcd running?)"

echo "9. a user who may read the segment but not write it"
if [ -n "$reader" ]; then
	reader_on
	as_reader block ex1.ip 1h
	exits 77 "block without write access"
	says "block without write access" "$denied"
	as_reader unblock ex1.ip
	exits 77 "unblock without write access"
	says "unblock without write access" "$denied"
	as_reader block ex2.ip 1h
	exits 64 "an unknown scope is named before write access is needed"
	says "an unknown scope without write access" "scope 'ex2.ip' is not in $seg; its scopes: $scopes"
	as_reader status
	exits 0 "status without write access"
	reader_off
	ctl status --json
	json "a refused block blocked nothing" 's["blocked"] is None'
else
	echo "note: root without setpriv: the no-write-access case is not tested" >&2
fi

stop_rlcd TERM || fail "rlcd did not stop cleanly on SIGTERM"
echo "all rlctl block checks passed"
