#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlcd under systemd: etc/rlcd.service passes `systemd-analyze verify`
# (its ExecStart pointed at the built rlcd); rlcd under a fake
# $NOTIFY_SOCKET (a python3 AF_UNIX datagram listener) says READY=1 with
# a STATUS once the segment is published, RELOADING=1 then READY=1 around a
# SIGHUP's reload, STOPPING=1 on SIGTERM, and
# WATCHDOG=1 when $WATCHDOG_USEC asks for it; without $NOTIFY_SOCKET it
# runs as before.  With $JOURNAL_STREAM naming its stderr, its lines carry
# sd-daemon priorities (<6> info, <3> error) instead of "rlcd: "; with a
# $JOURNAL_STREAM that names another file, they stay as they are.
#
# usage: rlcd_systemd.sh   (RLCD and RLC_SOURCE_ROOT from the environment)
set -euo pipefail
. "$(dirname "$0")/rlcd_lib.sh"

# -- the unit file --
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=/usr/sbin/rlcd|ExecStart=$RLCD|" "$RLC_SOURCE_ROOT/etc/rlcd.service" \
		>"$tmp/rlcd.service"
	# it fails on a missing program, and only warns on a bad value: neither may appear
	systemd-analyze verify --man=no "$tmp/rlcd.service" >"$tmp/verify.log" 2>&1 &&
		[ ! -s "$tmp/verify.log" ] || fail "systemd-analyze verify: $(cat "$tmp/verify.log")"
	# a broken unit must show, or the check checks nothing
	sed 's/^Type=notify/Type=notifyy/' "$tmp/rlcd.service" >"$tmp/broken.service"
	systemd-analyze verify --man=no "$tmp/broken.service" 2>&1 | grep -q "notifyy" ||
		fail "systemd-analyze verify says nothing of Type=notifyy"
	grep -qx "Type=notify" "$RLC_SOURCE_ROOT/etc/rlcd.service" || fail "the unit is not Type=notify"
else
	echo "systemd-analyze not found (apt-get install systemd): unit not verified"
fi

# -- sd_notify --
sock=$tmp/notify.sock
/usr/bin/python3 - "$sock" >"$tmp/notify.out" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    m = s.recv(4096).decode()
    print(m.replace("\n", " | "), flush=True)
    if "STOPPING=1" in m:
        break
PY
listener=$!
poll test -S "$sock" || fail "the notify listener did not bind"
# no WATCHDOG_PID: sd_watchdog_enabled() then takes the pings as this process's to send
NOTIFY_SOCKET=$sock WATCHDOG_USEC=200000 start_rlcd notify.log
wait_for "$tmp/notify.out" "READY=1" || fail "no READY=1"
grep -q "READY=1 | STATUS=$seg: created, generation 1" "$tmp/notify.out" ||
	fail "READY=1 without the start as its STATUS: $(cat "$tmp/notify.out")"
published "$pid" || fail "READY=1 before the segment was published"
wait_for "$tmp/notify.out" "WATCHDOG=1" || fail "no WATCHDOG=1 with WATCHDOG_USEC set"
kill -HUP "$pid"
wait_for "$tmp/notify.out" "STATUS=$seg: reloaded" || fail "no READY=1 after SIGHUP: $(cat "$tmp/notify.out")"
grep -A1 "^RELOADING=1 | MONOTONIC_USEC=[0-9]*$" "$tmp/notify.out" | grep -q "^READY=1 | STATUS=$seg: reloaded" ||
	fail "SIGHUP is not RELOADING=1, then READY=1: $(cat "$tmp/notify.out")"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
poll eval '! kill -0 $listener 2>/dev/null' || fail "no STOPPING=1: $(cat "$tmp/notify.out")"
grep -q "STOPPING=1" "$tmp/notify.out" || fail "no STOPPING=1"

# without NOTIFY_SOCKET: nothing to tell, rlcd runs as before
env -u NOTIFY_SOCKET "$RLCD" -c "$tmp/rlc.ini" -s "$seg" 2>"$tmp/plain.log" &
pid=$!
wait_for "$tmp/plain.log" "adopted (counts kept)" || fail "rlcd without NOTIFY_SOCKET did not start"
stop_rlcd TERM || fail "rlcd without NOTIFY_SOCKET exited $?"
grep -q "^rlcd: $seg: adopted" "$tmp/plain.log" || fail "plain stderr lost its rlcd: prefix"

# -- journald priorities --
exec 3>"$tmp/journal.log"
stream=$(stat -c '%d:%i' "$tmp/journal.log")
JOURNAL_STREAM=$stream "$RLCD" -c "$tmp/rlc.ini" -s "$seg" 2>&3 &
pid=$!
exec 3>&-
wait_for "$tmp/journal.log" "adopted" || fail "rlcd on the journal stream did not start"
stop_rlcd TERM || fail "rlcd on the journal stream exited $?"
grep -q "^<6>$seg: adopted (counts kept)" "$tmp/journal.log" ||
	fail "no <6> info line: $(cat "$tmp/journal.log")"
! grep -q "rlcd: " "$tmp/journal.log" || fail "journal lines keep the rlcd: prefix"
JOURNAL_STREAM=$stream "$RLCD" -c "$tmp/missing.ini" -s "$seg" 2>>"$tmp/journal.log" || true
grep -q "^<3>$tmp/missing.ini: No such file" "$tmp/journal.log" ||
	fail "a config error is not <3>: $(cat "$tmp/journal.log")"
# another file's stream: stderr is not the journal
JOURNAL_STREAM=1:1 "$RLCD" -c "$tmp/missing.ini" -s "$seg" 2>"$tmp/other.log" || true
grep -q "^rlcd: $tmp/missing.ini: No such file" "$tmp/other.log" ||
	fail "with another JOURNAL_STREAM the line changed: $(cat "$tmp/other.log")"
echo ok
