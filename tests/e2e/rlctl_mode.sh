#!/usr/bin/env bash
# rlctl status and rlctl mode against a real rlcd: an exchange with two
# accounts (declared out of name order), two modes and a limit of no
# exchange.  status groups the limits by exchange and scope, shows each
# account and the mode with its expiry, and what each priority may still
# take; mode switches every process at once, ends on time (--for 1s), and
# refuses each bad argument by name, listing the valid values; a user who
# may read the segment but not write it gets exit 77.
#
# usage: rlctl_mode.sh TAKE   (rlc-take; RLCD and RLCTL from the environment)
set -euo pipefail

take=${1:?usage: rlctl_mode.sh TAKE}
. "$(dirname "$0")/rlcd_lib.sh"
. "$(dirname "$0")/rlctl_lib.sh"

# has WHAT TEXT: the last ctl's stdout holds TEXT.
has() {
	grep -qF -- "$2" "$tmp/out" || fail "$1: stdout lacks '$2':
$(cat "$tmp/out")"
}

# matches WHAT REGEX: some line of the last ctl's stdout matches REGEX (ERE).
matches() {
	grep -qE -- "$2" "$tmp/out" || fail "$1: no stdout line matches '$2':
$(cat "$tmp/out")"
}

# json WHAT EXPR [ARGS...]: the last ctl's stdout is a JSON object r for
# which the Python expression EXPR holds; ARGS are sys.argv[2:].
json() {
	local what=$1 expr=$2
	shift 2
	python3 -c "import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" \
		"$tmp/out" "$@" || fail "$what: JSON does not satisfy $expr:
$(cat "$tmp/out")"
}

# row LIMIT: the fields of LIMIT's row in the last text report, one space apart.
row() {
	awk -v l="$1" '$1 == l { $1 = $1; print; exit }' "$tmp/out"
}

# healthy: rlctl status exits 0.
healthy() {
	ctl status
	[ "$rc" -eq 0 ]
}

# in_mode MODE: rlctl status shows exchange ex1 in MODE.
in_mode() {
	ctl status
	grep -qE "^exchange ex1  mode $1( |\$)" "$tmp/out"
}

# wait_mode MODE: rlctl status shows exchange ex1 in MODE within 5 s.
wait_mode() {
	poll in_mode "$1"
}

cp "$(dirname "$0")/two_accounts.ini" "$tmp/ex.ini"

echo "1. status groups limits by exchange and scope, with accounts, modes and what may pass"
start_rlcd rlcd.log "$tmp/ex.ini"
poll healthy || fail "rlctl status never became healthy: $(cat "$tmp/err")"
[ "$("$take" "$seg" ex1.ip.weight 100)" = "used 100 of 900" ] || fail "take from ex1.ip.weight"
ctl status
exits 0 "status"
has "exchange heading" "exchange ex1  mode normal"
has "the exchange's modes, with their durations" "modes    normal, liquidation (15m), burst (2m)"
has "the accounts, by name" "accounts alpha, beta"
has "the heading of the limits of no exchange" "limits of no exchange"
has "the per-priority columns" "SLOTS  CRITICAL      HIGH    NORMAL       LOW"
[ "$(awk '$1 ~ /^(ex1|other)\./ { print $1 }' "$tmp/out" | tr '\n' ' ')" = \
	"ex1.ip.weight ex1.alpha.orders ex1.beta.orders other.thing " ] ||
	fail "limits not in the order IP scope, accounts by name, no exchange:
$(cat "$tmp/out")"
# Ceilings of 900 effective: critical 900, high 855, normal 810, low 720; 100 used.
[ "$(row ex1.ip.weight)" = "ex1.ip.weight ex1.ip window 100/900 11.1% 1000 10.0% 1m 8 800 755 710 620" ] ||
	fail "ex1.ip.weight row: $(row ex1.ip.weight)"
[ "$(row ex1.alpha.orders)" = "ex1.alpha.orders ex1.alpha window 0/100 0.0% 100 0.0% 10s 8 100 100 100 100" ] ||
	fail "ex1.alpha.orders row: $(row ex1.alpha.orders)"
ctl status --json
exits 0 "status --json"
json "exchange with its modes and accounts" \
	'[(x["name"], x["ip_scope"], x["mode"], x["mode_index"], x["mode_corrupt"], x["mode_left_ns"])
	  for x in r["exchanges"]] == [("ex1", "ex1.ip", "normal", 0, False, None)]
	 and [(m["name"], m["lowest"], m["buffer_ppm"], m["reserve_ppm"], m["duration"])
	      for m in r["exchanges"][0]["modes"]]
	     == [("normal", "low", None, 1000000, "0s"), ("liquidation", "high", None, 0, "15m"),
	         ("burst", "low", 10000, 1000000, "2m")]
	 and [(a["name"], a["scope"]) for a in r["exchanges"][0]["accounts"]]
	     == [("alpha", "ex1.alpha"), ("beta", "ex1.beta")]'
json "limits with exchange, scope kind, account, ceilings and what is left" \
	'{l["name"]: (l["exchange"], l["scope_kind"], l["account"], l["mode"]) for l in r["limits"]}
	 == {"ex1.ip.weight": ("ex1", "ip", None, "normal"),
	     "ex1.beta.orders": ("ex1", "account", "beta", "normal"),
	     "ex1.alpha.orders": ("ex1", "account", "alpha", "normal"),
	     "other.thing": (None, "other", None, None)}
	 and [(l["ceiling"], l["left"]) for l in r["limits"] if l["name"] == "ex1.ip.weight"]
	     == [({"critical": 900, "high": 855, "normal": 810, "low": 720},
	          {"critical": 800, "high": 755, "normal": 710, "low": 620})]'

echo "2. rlctl mode shows and switches the mode, for every process"
ctl mode ex1
exits 0 "mode ex1"
[ "$(cat "$tmp/out")" = "ex1: normal" ] || fail "mode ex1 says: $(cat "$tmp/out")"
ctl mode ex1 liquidation
exits 0 "mode ex1 liquidation"
grep -qxE 'ex1: liquidation until [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z \(15m\)' \
	"$tmp/out" || fail "mode ex1 liquidation says: $(cat "$tmp/out")"
ctl mode ex1
exits 0 "mode ex1, in liquidation"
grep -qxE 'ex1: liquidation until [0-9T:-]+Z \(14m[0-9]+s left\)' "$tmp/out" ||
	fail "mode ex1 in liquidation says: $(cat "$tmp/out")"
ctl status
exits 0 "status in liquidation"
matches "the mode with its expiry" '^exchange ex1  mode liquidation until [0-9T:-]+Z \(14m[0-9]+s left\)$'
# Only critical and high pass, and the reserve is theirs.
[ "$(row ex1.ip.weight)" = "ex1.ip.weight ex1.ip window 100/900 11.1% 1000 10.0% 1m 8 800 800 0 0" ] ||
	fail "ex1.ip.weight row in liquidation: $(row ex1.ip.weight)"
[ "$(row other.thing)" = "other.thing other window 0/5 0.0% 5 0.0% 1s 64 5 5 5 5" ] ||
	fail "a limit of no exchange follows no mode: $(row other.thing)"
ctl status --json
json "liquidation in --json, ending in about 15m" \
	'r["exchanges"][0]["mode"] == "liquidation" and r["exchanges"][0]["mode_index"] == 1
	 and 14 * 60e9 < r["exchanges"][0]["mode_left_ns"] <= 15 * 60e9
	 and r["exchanges"][0]["mode_until_ns"] > 0 and r["exchanges"][0]["mode_until"].endswith("Z")
	 and all(l["mode"] == "liquidation" for l in r["limits"] if l["exchange"] == "ex1")'
ctl mode ex1 normal
exits 0 "mode ex1 normal"
[ "$(cat "$tmp/out")" = "ex1: normal" ] || fail "mode ex1 normal says: $(cat "$tmp/out")"
wait_mode normal || fail "status does not show normal after 'mode ex1 normal'"
ctl mode ex1 burst --for 90s
exits 0 "mode ex1 burst --for 90s"
grep -qxE 'ex1: burst until [0-9T:-]+Z \(1m30s\)' "$tmp/out" ||
	fail "mode ex1 burst --for 90s says: $(cat "$tmp/out")"
# burst: the buffer 1% instead of 10%, so 990 effective, reserves kept.
ctl status
[ "$(row ex1.ip.weight | cut -d' ' -f10-)" = "890 841 791 692" ] ||
	fail "ex1.ip.weight in burst: $(row ex1.ip.weight)"

echo "3. a mode set --for 1s ends on time"
ctl mode ex1 burst --for 1s
exits 0 "mode ex1 burst --for 1s"
grep -qxE 'ex1: burst until [0-9T:-]+Z \(1s\)' "$tmp/out" ||
	fail "mode ex1 burst --for 1s says: $(cat "$tmp/out")"
ctl status
# It may already have ended on a slow machine; then the next check says so.
grep -qE '^exchange ex1  mode (burst until .* left\)|normal)$' "$tmp/out" ||
	fail "status after --for 1s: $(grep '^exchange' "$tmp/out")"
wait_mode normal || fail "the mode did not end within 5 s of a 1s --for"
ctl mode ex1
[ "$(cat "$tmp/out")" = "ex1: normal" ] || fail "mode ex1 after expiry says: $(cat "$tmp/out")"

echo "4. bad arguments are named, with the valid values"
ctl mode ex2 liquidation
exits 64 "unknown exchange"
says "unknown exchange" "exchange 'ex2' is not in $seg; its exchanges: ex1"
ctl mode ex2
exits 64 "unknown exchange, shown"
says "unknown exchange, shown" "exchange 'ex2' is not in $seg; its exchanges: ex1"
ctl mode ex1 panic
exits 64 "unknown mode"
says "unknown mode" "mode 'panic' is not a mode of exchange ex1; its modes: normal, liquidation, burst"
ctl mode ex1 burst --for 10ms
exits 64 "--for too short"
says "--for too short" "--for '10ms': out of range: 1s to 7d"
ctl mode ex1 burst --for 8d
exits 64 "--for too long"
says "--for too long" "--for '8d': out of range: 1s to 7d"
ctl mode ex1 burst --for 5
exits 64 "--for without a unit"
says "--for without a unit" "--for: \"5\" has no unit: write e.g. 5s (units: ns us ms s m h d)"
ctl mode ex1 normal --for 1m
exits 64 "--for on normal"
says "--for on normal" "--for '1m': mode normal lasts until another mode is set; leave --for out"
ctl mode ex1 --for 1m
exits 64 "--for without a mode"
says "--for without a mode" "'--for' needs a MODE to set; try 'rlctl --help'"
ctl mode
exits 64 "mode without an exchange"
says "mode without an exchange" "'rlctl mode' needs an EXCHANGE; try 'rlctl --help'"
ctl mode ex1 burst extra
exits 64 "mode with an extra argument"
says "mode with an extra argument" "unexpected argument 'extra'; try 'rlctl --help'"
ctl mode ex1 --json
exits 64 "mode --json"
says "mode --json" "'--json' is not an option of 'rlctl mode'; try 'rlctl --help'"
ctl status --for 1m
exits 64 "status --for"
says "status --for" "'--for' is not an option of 'rlctl status'; try 'rlctl --help'"
ctl mode ex1 burst --for
exits 64 "--for without its value"
says "--for without its value" "missing argument to '--for'; try 'rlctl --help'"
ctl mode ex1
[ "$(cat "$tmp/out")" = "ex1: normal" ] || fail "a refused switch changed the mode: $(cat "$tmp/out")"
timeout 10 "$RLCTL" -s "$seg-missing" mode ex1 burst >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
exits 2 "missing segment"
says "missing segment" "$seg-missing: no such segment (is rlcd running?)"

echo "5. a user who may read the segment but not write it"
if [ -n "$reader" ]; then
	reader_on
	as_reader mode ex1 burst
	exits 77 "mode without write access"
	says "mode without write access" "$denied"
	as_reader mode ex1
	exits 0 "showing the mode without write access"
	[ "$(cat "$tmp/out")" = "ex1: normal" ] || fail "mode ex1 as a reader says: $(cat "$tmp/out")"
	reader_off
else
	echo "note: root without setpriv: the no-write-access case is not tested" >&2
fi

echo "6. a mode word that names no mode: exit 2, the exchange named"
# The mode word is the first of the exchange record (rlc/segment.h);
# index 9 of 3 modes, until far ahead.  rlcd stores normal back over such
# a word at its next beat: stopped meanwhile, it leaves it for rlctl to see.
exchanges_off=$(header_word 72)
kill -STOP "$pid"
put_word "$exchanges_off" $(((1 << 50) << 8 | 9))
ctl status
exits 2 "corrupt mode word"
says "corrupt mode word" "$seg: exchange ex1: corrupt mode word: mode index 9, but the exchange has 3 modes"
has "corrupt mode word: heading" "exchange ex1  mode corrupt (index 9, of 3 modes)"
[ "$(row ex1.ip.weight)" = "ex1.ip.weight ex1.ip window corrupt - 1000 10.0% 1m 8 - - - -" ] ||
	fail "ex1.ip.weight under a corrupt mode word: $(row ex1.ip.weight)"
ctl status --json
exits 2 "corrupt mode word, --json"
json "corrupt mode word in --json" \
	'r["exchanges"][0]["mode"] is None and r["exchanges"][0]["mode_corrupt"]
	 and r["exchanges"][0]["mode_index"] == 9 and r["health"]["exit"] == 2
	 and all(l["corrupt"] and l["left"] is None for l in r["limits"] if l["exchange"] == "ex1")'
ctl mode ex1
exits 2 "mode ex1 on a corrupt mode word"
says "mode ex1 on a corrupt mode word" "$seg: exchange ex1: corrupt mode word, or segment truncated"
ctl mode ex1 normal
exits 0 "mode ex1 normal mends it"
kill -CONT "$pid"
ctl status
exits 0 "status after mode ex1 normal"

echo "7. rlcd stores normal back over a mode word that names no mode, and says so"
put_word "$exchanges_off" $(((1 << 50) << 8 | 9))
mended() {
	ctl status
	[ "$rc" -eq 0 ]
}
poll mended || fail "rlcd left the corrupt mode word: status exits $rc"
grep -q "exchange ex1: its mode word names mode 9 of 3, which it does not have: stored normal" \
	"$tmp/rlcd.log" || fail "rlcd's log does not say it mended the mode word: $(cat "$tmp/rlcd.log")"

stop_rlcd TERM || fail "rlcd did not stop cleanly on SIGTERM"
echo "all rlctl mode checks passed"
