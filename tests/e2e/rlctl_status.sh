#!/bin/sh
# SPDX-License-Identifier: MIT
#
# rlctl status, end to end: every exit status, with its one-line reason on
# stderr, on segments that are missing, broken in each way the validator
# knows, healthy under a live rlcd, stale, and left behind by a stopped one;
# segment names from -s and from $RLC_SEGMENT; names with control bytes in
# them; and reports that cannot be written (a full disk, a closed pipe).
#
# Usage: rlctl_status.sh RLC_TEST_SEGMENT   (meson passes the helper)
# Environment: RLCTL (required); RLCD and RLC_DEMO_BOT when they are built.
set -u

: "${RLCTL:?RLCTL must name the rlctl binary}"
mkseg=${1:?usage: rlctl_status.sh PATH-TO-rlc-test-segment}
prefix=/rlc-test-$$
tmp=$(mktemp -d)
pids=""
failures=0

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait
	rm -f /dev/shm/rlc-test-$$-*
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# printf, not echo: names with backslashes in them must print as they are.
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	failures=$((failures + 1))
}

# run ARGS...: rlctl ARGS, stdout in $tmp/out, stderr in $tmp/err, status in $rc.
run() {
	"$RLCTL" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# check WANT PATTERN what: the last run exited WANT; stderr is empty (WANT 0)
# or one line "rlctl: ..." matching the extended regex PATTERN.
check() {
	if [ "$rc" != "$1" ]; then
		fail "$3: exit $rc, want $1; stderr: $(cat "$tmp/err")"
	elif [ "$1" = 0 ] && [ -s "$tmp/err" ]; then
		fail "$3: healthy but stderr says: $(cat "$tmp/err")"
	elif [ "$1" != 0 ] && [ "$(wc -l <"$tmp/err")" != 1 ]; then
		fail "$3: want one line on stderr, got: $(cat "$tmp/err")"
	elif [ "$1" != 0 ] && ! grep -Eq "^rlctl: .*$2" "$tmp/err"; then
		fail "$3: stderr does not match 'rlctl: ...$2': $(cat "$tmp/err")"
	else
		echo "ok   $3 -> $rc ${2:+($(cat "$tmp/err"))}"
	fi
}

# check_line WANT LINE what: the last run exited WANT and its stderr is LINE
# and a newline, exactly; nothing at all when LINE is empty.
check_line() {
	if [ "$rc" != "$1" ]; then
		fail "$3: exit $rc, want $1; stderr: $(cat "$tmp/err")"
	elif [ -z "$2" ] && [ -s "$tmp/err" ]; then
		fail "$3: want no stderr, got: $(cat "$tmp/err")"
	elif [ -n "$2" ] && ! printf '%s\n' "$2" | cmp -s - "$tmp/err"; then
		fail "$3: stderr is '$(cat "$tmp/err")', want '$2'"
	else
		printf 'ok   %s -> %s%s\n' "$3" "$rc" "${2:+ ($2)}"
	fi
}

# closed_pipe DISPOSITION ARGS...: run rlctl ARGS with its stdout on a pipe
# whose reader has gone, SIGPIPE as the parent leaves it: "default" or
# "ignored" (inherited, as from a shell's trap '' PIPE).  Death by a
# signal shows as 128 + its number, as in a shell.
closed_pipe() {
	sigpipe=$1
	shift
	python3 -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[2], "wb") as err:
    p = subprocess.run(sys.argv[3:], stdout=w, stderr=err,
                       restore_signals=sys.argv[1] == "default")
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)' "$sigpipe" "$tmp/err" "$RLCTL" "$@"
	rc=$?
}

# terminal_safe WHAT FILE: FILE is UTF-8 without a control character other
# than newline (C0, DEL or C1), so it cannot move a cursor or recolour a screen.
terminal_safe() {
	if python3 -c 'import sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit(any(c != "\n" and (c < " " or "\x7f" <= c <= "\x9f") for c in t))' "$2" 2>/dev/null; then
		echo "ok   $1"
	else
		fail "$1: raw control bytes or bytes that are not UTF-8:"
		od -c "$2" >&2
	fi
}

# expect_by CHECK WANT TEXT ARGS...: run rlctl ARGS, then CHECK WANT TEXT.
expect_by() {
	checker=$1 want=$2 text=$3
	shift 3
	run "$@"
	"$checker" "$want" "$text" "rlctl $*"
}

# expect WANT PATTERN ARGS...: run rlctl ARGS and check it.
expect() {
	expect_by check "$@"
}

# expect_line WANT LINE ARGS...: run rlctl ARGS and check_line it.
expect_line() {
	expect_by check_line "$@"
}

# poll WANT ARGS...: rerun rlctl ARGS until it exits WANT; at most 5 s.
poll() {
	want=$1
	shift
	for _ in $(seq 100); do
		run "$@"
		[ "$rc" = "$want" ] && return 0
		sleep 0.05
	done
	return 1
}

# stdout_has WHAT STRING: the last run's stdout contains STRING.
stdout_has() {
	if grep -Fq -- "$2" "$tmp/out"; then
		echo "ok   $1"
	else
		fail "$1: stdout lacks '$2':"
		cat "$tmp/out" >&2
	fi
}

# json_check WHAT PYTHON-EXPR [ARGS...]: the last run's stdout is one JSON
# object `r` for which PYTHON-EXPR holds; ARGS are sys.argv[2:] there.
json_check() {
	what=$1 expr=$2
	shift 2
	if ! python3 -m json.tool "$tmp/out" >/dev/null; then
		fail "$what: not valid JSON:"
		cat "$tmp/out" >&2
	elif ! python3 -c "import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" \
		"$tmp/out" "$@"; then
		fail "$what: JSON does not satisfy: $expr"
		cat "$tmp/out" >&2
	else
		echo "ok   $what"
	fi
}

# The layout version this rlctl speaks: "rlctl 0.1.0 (segment layout 2.0)".
major=$("$RLCTL" -V | sed -n 's/.*(segment layout \([0-9]*\)\.[0-9]*)$/\1/p')
[ -n "$major" ] || fail "rlctl -V names no layout version: $("$RLCTL" -V)"


# --- 64: usage errors, with a hint ------------------------------------------
expect 64 "unknown option '--bogus'.*rlctl --help" --bogus
expect 64 "unknown option '-x'" -x status
expect 64 "unknown command 'stauts'.*rlctl --help" stauts
expect 64 "missing argument to '-s'" status -s
expect 64 "unexpected argument 'more'" status more
expect 64 '"no-slash" is not a segment name' -s no-slash status
# Whatever bytes a message quotes reach the terminal escaped.
expect_line 64 "rlctl: unknown command 'st\\x1bus\\nx'; try 'rlctl --help'" "$(printf 'st\033us\nx')"

# An empty name is a mistake, never a quiet fall back to the default.
expect_line 64 "rlctl: empty argument to '-s'; try 'rlctl --help'" -s '' status
expect_line 64 "rlctl: empty argument to '--segment'; try 'rlctl --help'" --segment= status
expect_line 64 "rlctl: empty argument to '--segment'; try 'rlctl --help'" --segment ''
RLC_SEGMENT='' run status
check_line 64 "rlctl: \$RLC_SEGMENT is empty: unset it or set it to a segment name; see 'rlctl --help'" \
	"RLC_SEGMENT='' rlctl status"
RLC_SEGMENT=no-slash run status
check_line 64 "rlctl: \$RLC_SEGMENT: \"no-slash\" is not a segment name: '/' and 1 to 199 more characters, no other '/'; see 'rlctl --help'" \
	"RLC_SEGMENT=no-slash rlctl status"
expect 0 "" --help
stdout_has "--help prints the usage" "Usage: rlctl"
expect 0 "" -V
stdout_has "-V prints the version" "rlctl "

# --- 2: missing, not ready, other version, corrupt ---------------------------
expect_line 2 "rlctl: $prefix-missing: no such segment (is rlcd running?)" -s "$prefix-missing" status
# A name from the environment says so in every message about it.
RLC_SEGMENT="$prefix-fromenv" run status
check_line 2 "rlctl: $prefix-fromenv (from \$RLC_SEGMENT): no such segment (is rlcd running?)" \
	"RLC_SEGMENT=$prefix-fromenv rlctl status"
RLC_SEGMENT="$prefix-fromenv" run -s "$prefix-fromopt"
check_line 2 "rlctl: $prefix-fromopt: no such segment (is rlcd running?)" "-s wins over RLC_SEGMENT"
RLC_SEGMENT='' run -s "$prefix-fromopt"
check_line 2 "rlctl: $prefix-fromopt: no such segment (is rlcd running?)" \
	"-s wins over an empty RLC_SEGMENT"

: >"/dev/shm${prefix}-empty"
expect 2 "empty: rlcd is still creating it" -s "$prefix-empty" status
head -c 100 /dev/zero >"/dev/shm${prefix}-tiny"
expect 2 "100 bytes, smaller than its [0-9]+-byte header" -s "$prefix-tiny" status
head -c 4096 /dev/zero | tr '\000' '\245' >"/dev/shm${prefix}-garbage"
expect 2 "corrupt segment: bad magic" -s "$prefix-garbage" status
head -c 4096 /dev/urandom >"/dev/shm${prefix}-random"
expect 2 "corrupt segment" -s "$prefix-random" status --json
[ -s "$tmp/out" ] && fail "--json on an unreadable segment printed: $(cat "$tmp/out")"

for mode in not-ready major magic truncated corrupt corrupt-state moved detached; do
	"$mkseg" -s "$prefix-$mode" "$mode" || fail "rlc-test-segment $mode failed"
done
expect 2 "not ready yet" -s "$prefix-not-ready" status
expect 2 "layout version $((major + 1))\.[0-9]+, this program speaks version $major\.[0-9]+" -s "$prefix-major" status
expect 2 "corrupt segment: bad magic" -s "$prefix-magic" status
expect 2 "corrupt segment: limit 0 refers to name" -s "$prefix-corrupt" status

# A file smaller than its header says is named truncated, with both sizes.
cut=$(stat -c %s "/dev/shm$prefix-truncated")
truncated="corrupt segment: truncated to $cut bytes, its header says $((2 * cut))"
expect_line 2 "rlctl: $prefix-truncated: $truncated" -s "$prefix-truncated"
RLC_SEGMENT="$prefix-truncated" run
check_line 2 "rlctl: $prefix-truncated (from \$RLC_SEGMENT): $truncated" "RLC_SEGMENT=<truncated> rlctl"

# --- 2: a limit's state that no interleaving produces: named, report printed --
reason="$prefix-corrupt-state: limit binance-usdm.ip.weight: corrupt state: a value no sequence of grants and refunds leaves"
expect_line 2 "rlctl: $reason" -s "$prefix-corrupt-state"
stdout_has "corrupt limit: its row says so" \
	'binance-usdm.ip.weight           binance-usdm.ip       window         corrupt       -      2400    5.0%        1m     64'
stdout_has "corrupt limit: the others are shown" \
	'binance-usdm.account.orders-10s  binance-usdm.account  window           0/285    0.0%       300'
expect_line 2 "rlctl: $reason" -s "$prefix-corrupt-state" --json
json_check "corrupt limit in --json: named, no usage" \
	'r["health"]["exit"] == 2 and r["health"]["reason"] == sys.argv[2]
	 and [(l["name"], l["corrupt"], l["used"], l["used_pct"]) for l in r["limits"]]
	     == [("binance-usdm.ip.weight", True, None, None),
	         ("binance-usdm.account.orders-10s", False, 0, 0.0),
	         ("binance-usdm.account.orders-1m", False, 0, 0.0)]' "$reason"

# --- 1: the name no longer points to the file rlcd serves ---------------------
ino=$(stat -c %i "/dev/shm$prefix-moved")
dev=$(stat -c %d "/dev/shm$prefix-moved")
expect_line 1 "rlctl: $prefix-moved: the name no longer points to the segment rlcd serves: rlcd pid $$ serves inode $((ino + 1)) (device $dev), the name points to inode $ino (device $dev)" \
	-s "$prefix-moved"
stdout_has "another file: state shown" "rlcd pid $$ (detached)"
expect 1 "no longer points" -s "$prefix-moved" --json
json_check "another file in --json" 'r["health"]["state"] == "detached" and r["health"]["exit"] == 1'
expect 1 "$prefix-detached: the name no longer points to the segment rlcd serves: rlcd pid $$ saw it point elsewhere [0-9]+s([0-9]+ms)? ago\$" \
	-s "$prefix-detached"
stdout_has "rlcd saw its name point elsewhere: state shown" "rlcd pid $$ (detached)"

# --- 1: stale heartbeat, report still printed --------------------------------
"$mkseg" -s "$prefix-stale" stale || fail "rlc-test-segment stale failed"
expect 1 "heartbeat is stale: pid $$ last beat 1m[0-9]*s? ago, more than 1s" -s "$prefix-stale"
stdout_has "stale segment still reported" "binance-usdm.ip.weight"
stdout_has "stale state shown" "rlcd pid $$ (stale)"
expect 1 "heartbeat is stale" -s "$prefix-stale" status --json
json_check "stale --json" 'r["health"]["state"] == "stale" and r["health"]["exit"] == 1'

# --- names with control bytes: escaped in messages and in both reports -------
# The segment name, a limit, its scope and a client carry control bytes, a
# backslash, a byte that is not UTF-8 and a C1 control (rlc-test-segment
# names): text shows each as a C escape (\x1b, \n, \\), JSON as its
# RFC 8259 escape, and neither lets a raw one through.
hostile=$(printf '%s-\033[1m\nx' "$prefix")
hostile_text="$prefix-\\x1b[1m\\nx"
"$mkseg" -s "$hostile" names || fail "rlc-test-segment names failed"
expect_line 1 "rlctl: $hostile_text: rlcd is not running (it exited cleanly)" -s "$hostile"
terminal_safe "hostile names: text report" "$tmp/out"
terminal_safe "hostile names: message" "$tmp/err"
case "$(head -n 1 "$tmp/out")" in
"segment $hostile_text  layout "*) echo "ok   hostile names: segment line" ;;
*) fail "hostile names: segment line is: $(head -n 1 "$tmp/out")" ;;
esac
{
	echo
	printf '%s\n' 'LIMIT                            SCOPE                 ALGO    USED/EFFECTIVE     USE  CAPACITY  BUFFER    WINDOW  SLOTS  CRITICAL      HIGH    NORMAL       LOW'
	printf '%s\n' 'scope    acct\r\x7f (other)'
	printf '%s\303\251%s\n' 'ip\x1b[31m\n"q"\\\xff\xc2\x9b' '  acct\r\x7f            window          0/2280    0.0%      2400    5.0%        1m     64      2280      2280      2280      2280'
	printf '%s\n' 'scope    binance-usdm.account (other)'
	printf '%s\n' 'binance-usdm.account.orders-10s  binance-usdm.account  window           0/285    0.0%       300    5.0%       10s     64       285       285       285       285'
	printf '%s\n' 'binance-usdm.account.orders-1m   binance-usdm.account  window          0/1140    0.0%      1200    5.0%        1m     64      1140      1140      1140      1140'
	echo
	printf '%s\n' '     PID  CLIENT                 STATE      GRANTS     REFUSED        WEIGHT    REFUNDED        OK       4XX   429/418       5XX  TRANSPORT       MEAN'
	printf '%8d  %s\n' $$ 'bot\x1b]0;pwned\x07\t   live           0           0             0           0         0         0         0         0          0          -'
	printf '%s\n' '1 of 16 client records in use'
} >"$tmp/want"
if sed 1d "$tmp/out" | cmp -s - "$tmp/want"; then
	echo "ok   hostile names: tables, exactly"
else
	fail "hostile names: tables differ from the expected ones:"
	sed 1d "$tmp/out" | diff "$tmp/want" - >&2
fi
expect_line 1 "rlctl: $hostile_text: rlcd is not running (it exited cleanly)" -s "$hostile" --json
terminal_safe "hostile names: JSON report" "$tmp/out"
json_check "hostile names: JSON strings decode to the names" \
	'r["segment"]["name"] == sys.argv[2] and r["health"]["reason"] == sys.argv[2] + ": rlcd is not running (it exited cleanly)"
	 and r["limits"][0]["name"] == "ip\x1b[31m\n\"q\"\\\ufffd\x9b\u00e9"
	 and r["limits"][0]["scope"] == "acct\r\x7f"
	 and [c["name"] for c in r["clients"]] == ["bot\x1b]0;pwned\x07\t"]' "$hostile"
RLC_SEGMENT="$hostile" run
check_line 1 "rlctl: $hostile_text (from \$RLC_SEGMENT): rlcd is not running (it exited cleanly)" \
	"RLC_SEGMENT=<hostile> rlctl"
RLC_SEGMENT="$hostile" run --json
json_check "a reason from \$RLC_SEGMENT says so in --json too" \
	'r["health"]["reason"] == sys.argv[2] + " (from $RLC_SEGMENT): rlcd is not running (it exited cleanly)"' \
	"$hostile"

# --- 1: rlcd killed without a clean exit --------------------------------------
"$mkseg" -s "$prefix-killed" serve &
killed=$!
pids="$pids $killed"
poll 0 -s "$prefix-killed" status || fail "stand-in rlcd never became healthy"
kill -KILL "$killed"
wait "$killed" 2>/dev/null
poll 1 -s "$prefix-killed" status
check 1 "not running \(pid $killed is gone; it did not exit cleanly\)" "after SIGKILL"

# --- 0: healthy under a live rlcd ---------------------------------------------
live="$prefix-live"
if [ -n "${RLCD:-}" ]; then
	"$RLCD" -s "$live" &
	# some limits of rlcd's built-in default: Binance USD-M's, one account
	limits="binance-usdm.ip.weight binance-usdm.main.orders-10s binance-usdm.main.orders-1m"
else
	echo "note: rlcd is not built; a stand-in lays out the segment" >&2
	"$mkseg" -s "$live" serve &
	limits="binance-usdm.ip.weight binance-usdm.account.orders-10s binance-usdm.account.orders-1m"
fi
rlcd=$!
pids="$pids $rlcd"
poll 0 -s "$live" status
check 0 "" "rlctl -s $live status (live rlcd)"
stdout_has "segment line names the segment" "segment $live  layout $major."
stdout_has "segment line shows the running rlcd" "rlcd pid $rlcd (running)"
for l in $limits; do
	stdout_has "limit $l listed" "$l"
done
stdout_has "window shown as a duration" " 10s "
if [ -n "${RLCD:-}" ]; then
	stdout_has "the built-in default's exchange, with its mode" "exchange binance-usdm  mode normal"
	stdout_has "the built-in default's account" "accounts main"
fi
expect 0 "" -s "$live" status --json
json_check "healthy --json" \
	'r["health"]["state"] == "running" and r["health"]["exit"] == 0 and r["health"]["reason"] is None
	 and r["segment"]["name"] == sys.argv[2] and r["segment"]["layout_major"] == int(sys.argv[4])
	 and set(l["name"] for l in r["limits"]) >= set(sys.argv[3].split())
	 and all(l["algorithm"] in ("window", "bucket", "fixed")
	         and 0 <= l["used"] <= l["effective"] <= l["capacity"]
	         for l in r["limits"])' "$live" "$limits" "$major"

# --- 74: a report that cannot be written ----------------------------------------
for args in "status" "status --json" "--help" "-V"; do
	# shellcheck disable=SC2086 # the words are the arguments
	"$RLCTL" -s "$live" $args >/dev/full 2>"$tmp/err"
	rc=$?
	check_line 74 "rlctl: write error: No space left on device" "rlctl $args >/dev/full"
	for disposition in default ignored; do
		# shellcheck disable=SC2086
		closed_pipe $disposition -s "$live" $args
		check_line 74 "rlctl: write error: Broken pipe" "rlctl $args >closed pipe, SIGPIPE $disposition"
	done
done

# A registered client shows up in both reports, name escaped in each.
if [ -n "${RLC_DEMO_BOT:-}" ]; then
	odd=$(printf 'e2e-"bot"\\\tx')
	"$RLC_DEMO_BOT" -s "$live" -n "$odd" -d 30 -p 20 >"$tmp/bot" &
	bot=$!
	pids="$pids $bot"
	for _ in $(seq 100); do
		run -s "$live" status
		grep -Fq 'e2e-"bot"\\\tx' "$tmp/out" && break
		sleep 0.05
	done
	stdout_has "client listed, backslash and tab escaped" 'e2e-"bot"\\\tx'
	stdout_has "client listed with its pid" "$bot"
	run -s "$live" status --json
	json_check "client in --json, name exact" \
		'any(c["name"] == sys.argv[2] and c["pid"] == int(sys.argv[3]) and c["alive"]
		     for c in r["clients"])' "$odd" "$bot"
	kill -TERM "$bot"
	wait "$bot"
	grep -q "grants=" "$tmp/bot" || fail "demo bot printed no totals: $(cat "$tmp/bot")"
	run -s "$live" status
	stdout_has "client gone after it closed" "no registered clients"
else
	echo "note: rlc-demo-bot is not built; client listing not tested" >&2
fi

# --- 1: rlcd stopped cleanly; the segment outlives it ---------------------------
kill -TERM "$rlcd"
wait "$rlcd"
poll 1 -s "$live" status
check 1 "rlcd is not running" "after SIGTERM"
stdout_has "stopped rlcd: report still printed" "binance-usdm.ip.weight"
stdout_has "stopped rlcd: state shown" "(not-running)"

# python's json.tool must accept the unhealthy report as well
run -s "$live" status --json
json_check "not-running --json" 'r["health"]["state"] == "not-running" and r["health"]["exit"] == 1'

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all rlctl status checks passed"
