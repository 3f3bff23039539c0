#!/usr/bin/env bash
# rlcd end to end, on a segment of its own: create and publish; refuse a
# second rlcd and a bad configuration; stop on SIGTERM leaving the segment;
# adopt it again with every count kept (after SIGTERM and after SIGKILL);
# refuse a segment laid out for another configuration.
#
# usage: rlcd_lifecycle.sh TAKE   (rlc-take; RLCD comes from the environment)
set -euo pipefail

take=${1:?usage: rlcd_lifecycle.sh TAKE}
. "$(dirname "$0")/rlcd_lib.sh"

# rlctl_says STATUS: rlctl status of the segment exits STATUS (rlctl(1));
# skipped while rlctl is not built.
rlctl_says() {
	local status=0
	[ -n "${RLCTL:-}" ] && [ -x "$RLCTL" ] || return 0
	"$RLCTL" -s "$seg" status >"$tmp/rlctl.out" 2>&1 || status=$?
	[ "$status" -eq "$1" ] || fail "rlctl status exited $status, not $1: $(cat "$tmp/rlctl.out")"
}

# a window of another length: no reload or adoption can change it in place
sed 's/interval = 1h/interval = 2h/' "$tmp/rlc.ini" >"$tmp/other.ini"
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
expect 0 "$tmp/rlc.ini: ok: 1 limit, 0 exchanges, 0 accounts, 0 endpoints, 8 client records, heartbeat 20ms, segment $seg" \
	check.log "$RLCD" -n -c "$tmp/rlc.ini" -s "$seg"
# --check FILE: the same check, the file without -c
expect 0 "$tmp/rlc.ini: ok: 1 limit, 0 exchanges" check-file.log "$RLCD" --check "$tmp/rlc.ini" -s "$seg"
expect 1 "[limit test.ip.weight] capcity: unknown key" check-file-bad.log "$RLCD" --check "$tmp/bad.ini"
expect 2 "rlcd: unexpected argument \"$tmp/bad.ini\"" check-two.log \
	"$RLCD" --check -c "$tmp/rlc.ini" "$tmp/bad.ini"
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
