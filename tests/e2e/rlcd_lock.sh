#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlcd's lock file, and the segment's name moving away from a running rlcd.
# One rlcd per segment name, through a lock file in a directory only rlcd's
# user can write: a reader holding a lock on the segment cannot block a
# restart, and removing the segment's name does not let a second rlcd start
# a second budget.  The running rlcd notices that its name points elsewhere,
# says so, and records when in the header (detached_ns).
#
# usage: rlcd_lock.sh   (RLCD comes from the environment)
set -euo pipefail

. "$(dirname "$0")/rlcd_lib.sh"
lock=$RLC_RUNTIME_DIR/${seg#/}.lock

echo "1. the lock file: created with its directory, mode 0600, holding rlcd's pid"
start_rlcd rlcd1.log
wait_for "$tmp/rlcd1.log" "rlcd: $seg: created, generation 1" || fail "rlcd did not create $seg"
[ "$(stat -c %a "$RLC_RUNTIME_DIR")" = 700 ] || fail "$RLC_RUNTIME_DIR is not mode 0700"
[ "$(stat -c %a "$lock")" = 600 ] || fail "$lock is not mode 0600"
[ "$(cat "$lock")" = "$pid" ] || fail "$lock does not hold rlcd's pid"
expect 1 "rlcd: another rlcd (pid $pid) runs on $seg (it holds $lock)" second.log \
	"$RLCD" -c "$tmp/rlc.ini" -s "$seg"

echo "2. a reader's lock on the segment does not block a restart"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
(exec 9<"$shm" && flock --shared 9 && exec sleep 60) >/dev/null 2>&1 &
reader=$!
poll eval '! flock --nonblock "$shm" true' || fail "the reader holds no lock"
start_rlcd rlcd2.log
wait_for "$tmp/rlcd2.log" "rlcd: $seg: adopted (counts kept), generation 2" ||
	fail "rlcd did not adopt $seg while a reader locks it"
kill "$reader"

echo "3. the name moved away: a second rlcd is refused, the first says what it means"
ino=$(stat -c %i "$shm")
[ "$(header_word $SHM_INO_OFF)" = "$ino" ] || fail "shm_ino is not the segment's inode"
[ "$(header_word $DETACHED_OFF)" = 0 ] || fail "detached_ns is set on an attached segment"
mv "$shm" "$shm-away"
expect 1 "rlcd: another rlcd (pid $pid) runs on $seg" third.log "$RLCD" -c "$tmp/rlc.ini" -s "$seg"
[ ! -e "$shm" ] || fail "the refused rlcd created $shm"
wait_for "$tmp/rlcd2.log" "rlcd: $seg: $shm no longer names the segment rlcd serves (inode $ino): it is gone; bots that open $seg now get a different budget" ||
	fail "rlcd did not report the detachment"
poll eval '[ "$(header_word $DETACHED_OFF "$shm-away")" != 0 ]' || fail "detached_ns is not set"

echo "4. another file under the name is reported too; the name coming back clears it"
: >"$shm"
other=$(stat -c %i "$shm")
wait_for "$tmp/rlcd2.log" "rlcd: $seg: $shm no longer names the segment rlcd serves (inode $ino): it names inode $other" ||
	fail "rlcd did not report the other file"
mv -f "$shm-away" "$shm"
wait_for "$tmp/rlcd2.log" "rlcd: $seg: $shm names the segment rlcd serves again (inode $ino)" ||
	fail "rlcd did not report the name coming back"
poll eval '[ "$(header_word $DETACHED_OFF)" = 0 ]' || fail "detached_ns is not 0 again"
[ "$(grep -c "no longer names" "$tmp/rlcd2.log")" = 2 ] || fail "not one line per change"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"

echo "5. a lock directory others can write to, or another user's, is refused"
mkdir -m 0770 "$tmp/group-writable"
RLC_RUNTIME_DIR=$tmp/group-writable expect 1 \
	"rlcd: $seg: lock directory $tmp/group-writable (from \$RLC_RUNTIME_DIR) is group- or world-writable (mode 0770)" \
	gw.log "$RLCD" -c "$tmp/rlc.ini" -s "$seg"
if [ "$(id -u)" = 0 ]; then
	mkdir -m 0700 "$tmp/others"
	chown 65534 "$tmp/others"
	RLC_RUNTIME_DIR=$tmp/others expect 1 \
		"rlcd: $seg: lock directory $tmp/others (from \$RLC_RUNTIME_DIR) belongs to uid 65534, rlcd runs as uid 0" \
		others.log "$RLCD" -c "$tmp/rlc.ini" -s "$seg"
fi

echo "6. without \$RLC_RUNTIME_DIR: /run/rlc for root, else \$XDG_RUNTIME_DIR/rlc, else /tmp/rlc-UID"
if [ "$(id -u)" = 0 ]; then
	had_run_rlc=$([ -d /run/rlc ] && echo yes || true)
	(unset RLC_RUNTIME_DIR; exec "$RLCD" -c "$tmp/rlc.ini" -s "$seg" 2>"$tmp/root.log") &
	pid=$!
	wait_for "$tmp/root.log" "rlcd: $seg: adopted" || fail "rlcd as root did not start"
	[ "$(cat "/run/rlc/${seg#/}.lock")" = "$pid" ] || fail "no /run/rlc/${seg#/}.lock"
	[ -n "$had_run_rlc" ] || [ "$(stat -c %u:%a /run/rlc)" = 0:755 ] ||
		fail "rlcd did not make /run/rlc root's, mode 0755"
	stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
	rm "/run/rlc/${seg#/}.lock"
	rm "$shm"
	chmod 0755 "$tmp"
	mkdir -m 0700 "$tmp/xdg"
	chown 65534 "$tmp/xdg" "$tmp/rlc.ini"
	(unset RLC_RUNTIME_DIR; XDG_RUNTIME_DIR=$tmp/xdg exec setpriv --reuid 65534 --regid 65534 \
		--clear-groups "$RLCD" -c "$tmp/rlc.ini" -s "$seg" 2>"$tmp/xdg.log") &
	pid=$!
	wait_for "$tmp/xdg.log" "rlcd: $seg: created" || fail "rlcd as uid 65534 did not start"
	[ "$(cat "$tmp/xdg/rlc/${seg#/}.lock")" = "$pid" ] || fail "no \$XDG_RUNTIME_DIR/rlc lock"
	stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
	rm -rf /tmp/rlc-65534
	(unset RLC_RUNTIME_DIR XDG_RUNTIME_DIR; exec setpriv --reuid 65534 --regid 65534 \
		--clear-groups "$RLCD" -c "$tmp/rlc.ini" -s "$seg" 2>"$tmp/tmp.log") &
	pid=$!
	wait_for "$tmp/tmp.log" "rlcd: $seg: adopted" || fail "rlcd as uid 65534 did not adopt"
	[ "$(cat "/tmp/rlc-65534/${seg#/}.lock")" = "$pid" ] || fail "no /tmp/rlc-65534 lock"
	stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
	rm -rf /tmp/rlc-65534
else
	echo "     (not root: the default directories are not tried)"
fi
echo "ok"
