#!/usr/bin/env bash
# rlcd end to end, on a segment of its own: create and publish; refuse a
# second rlcd and a bad configuration; stop on SIGTERM leaving the segment;
# adopt it again with every count kept (after SIGTERM and after SIGKILL);
# refuse a segment laid out for another configuration.
#
# usage: rlcd_lifecycle.sh TAKE   (rlc-take; RLCD comes from the environment)
set -euo pipefail

take=${1:?usage: rlcd_lifecycle.sh TAKE}
if [ -z "${RLCD:-}" ] || [ ! -x "$RLCD" ]; then
	echo "skip: RLCD is not set to a built rlcd"
	exit 77
fi
if [ ! -w /dev/shm ]; then
	echo "skip: /dev/shm is not writable here"
	exit 77
fi

seg=/rlc-test-$$
shm=/dev/shm$seg
tmp=$(mktemp -d)
pid=

cleanup() {
	if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
	rm -f "$shm"
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	local f
	echo "FAIL: $*" >&2
	for f in "$tmp"/*.log; do
		[ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}

# wait_for FILE TEXT: poll (at most 5 s) until FILE holds TEXT.
wait_for() {
	local i
	for i in $(seq 100); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# header_word OFFSET: a 64-bit word of the segment header (rlc/segment.h).
header_word() {
	od -An -t u8 -j "$1" -N 8 "$shm" | tr -d ' '
}
PID_OFF=136
HEARTBEAT_OFF=152
GENERATION_OFF=168

# beating: poll (at most 2 s) until the heartbeat word moves.
beating() {
	local first i
	first=$(header_word $HEARTBEAT_OFF)
	for i in $(seq 40); do
		[ "$(header_word $HEARTBEAT_OFF)" != "$first" ] && return 0
		sleep 0.05
	done
	return 1
}

# rlctl_says STATUS: rlctl status of the segment exits STATUS (rlctl(1));
# skipped while rlctl is not built.
rlctl_says() {
	local status=0
	[ -n "${RLCTL:-}" ] && [ -x "$RLCTL" ] || return 0
	"$RLCTL" -s "$seg" status >"$tmp/rlctl.out" 2>&1 || status=$?
	[ "$status" -eq "$1" ] || fail "rlctl status exited $status, not $1: $(cat "$tmp/rlctl.out")"
}

start_rlcd() { # LOG [CONFIG]
	"$RLCD" -c "${2:-$tmp/rlc.ini}" -s "$seg" 2>"$tmp/$1" &
	pid=$!
}

stop_rlcd() { # SIGNAL
	local status=0
	kill "-$1" "$pid"
	{ wait "$pid"; } 2>/dev/null || status=$?
	pid=
	return $status
}

# expect STATUS TEXT LOG COMMAND...: COMMAND exits STATUS and says TEXT.
expect() {
	local want=$1 text=$2 log=$3 status=0
	shift 3
	"$@" >"$tmp/$log" 2>&1 || status=$?
	[ "$status" -eq "$want" ] || fail "$* exited $status, not $want"
	grep -qF -- "$text" "$tmp/$log" || fail "$* did not say: $text"
}

cat >"$tmp/rlc.ini" <<EOF
[rlcd]
heartbeat = 20ms
clients = 8

[limit test.ip.weight]
capacity = 100
interval = 1h
slots = 8
EOF
sed 's/capacity = 100/capacity = 200/' "$tmp/rlc.ini" >"$tmp/other.ini"
sed 's/capacity = 100/capcity = 100/' "$tmp/rlc.ini" >"$tmp/bad.ini"

echo "1. a new segment is created and published"
start_rlcd rlcd1.log
wait_for "$tmp/rlcd1.log" "rlcd: $seg: created, generation 1: 1 limit" ||
	fail "rlcd did not publish $seg"
[ -f "$shm" ] || fail "$shm is missing"
[ "$("$take" "$seg" test.ip.weight 30)" = "used 30 of 100" ] || fail "first take"
[ "$(header_word $PID_OFF)" = "$pid" ] || fail "segment does not name rlcd's pid"
beating || fail "the heartbeat does not move"
rlctl_says 0

echo "2. a second rlcd on the same segment is refused"
expect 1 "rlcd: another rlcd (pid $pid) runs on $seg" second.log \
	"$RLCD" -c "$tmp/rlc.ini" -s "$seg"

echo "3. a bad configuration exits 1 naming file, section and key"
expect 1 "rlcd: $tmp/bad.ini: [limit test.ip.weight] capcity: unknown key; did you mean capacity?" \
	bad.log "$RLCD" -c "$tmp/bad.ini" -s "$seg"
expect 1 "[limit test.ip.weight] capcity: unknown key" check-bad.log "$RLCD" --check -c "$tmp/bad.ini"
expect 0 "$tmp/rlc.ini: ok: 1 limit, 8 client records, heartbeat 20ms, segment $seg" \
	check.log "$RLCD" -n -c "$tmp/rlc.ini" -s "$seg"
expect 2 "rlcd: unknown option -x" usage.log "$RLCD" -x
expect 2 "rlcd: -s: \"rlc\" is not a segment name" name.log "$RLCD" -s rlc

echo "4. SIGTERM: exit 0, the segment stays, bots go on without rlcd"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
grep -qF "rlcd: SIGTERM: stopping" "$tmp/rlcd1.log" || fail "no stop line"
[ -f "$shm" ] || fail "SIGTERM removed $shm"
[ "$(header_word $PID_OFF)" = 0 ] || fail "rlcd_pid is not 0 after a clean exit"
rlctl_says 1
[ "$("$take" "$seg" test.ip.weight 5)" = "used 35 of 100" ] || fail "take without rlcd"

echo "5. a restarted rlcd adopts the segment and keeps the counts"
start_rlcd rlcd2.log
wait_for "$tmp/rlcd2.log" "rlcd: $seg: adopted (counts kept), generation 2" ||
	fail "rlcd did not adopt $seg"
[ "$(header_word $GENERATION_OFF)" = 2 ] || fail "generation is not 2"
beating || fail "the heartbeat does not move after adoption"
rlctl_says 0
[ "$("$take" "$seg" test.ip.weight 1)" = "used 36 of 100" ] || fail "counts lost on restart"

echo "6. after SIGKILL the lock is gone too: the next rlcd adopts, generation 3"
stop_rlcd KILL || true
start_rlcd rlcd3.log
wait_for "$tmp/rlcd3.log" "rlcd: $seg: adopted (counts kept), generation 3" ||
	fail "rlcd did not adopt $seg after SIGKILL"
[ "$("$take" "$seg" test.ip.weight 1)" = "used 37 of 100" ] || fail "counts lost on SIGKILL"
stop_rlcd INT || fail "rlcd exited $? on SIGINT"

echo "7. a segment of another configuration is refused and left untouched"
expect 1 "left untouched" other.log "$RLCD" -c "$tmp/other.ini" -s "$seg"
grep -qF "then rm $shm and start rlcd again" "$tmp/other.log" || fail "no removal advice"
[ "$("$take" "$seg" test.ip.weight 1)" = "used 38 of 100" ] || fail "refused segment changed"

echo "ok"
