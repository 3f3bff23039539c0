#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What rlcd finds under the segment's name before it starts: something that
# is not a regular file is refused without hanging; a segment that was once
# published is never laid out again, even with its `ready` word zeroed; an
# empty file is replaced only when it is rlcd's user's; temporary files of
# rlcd's that died laying a segment out are removed; a segment of another
# layout version is refused with the way to upgrade.
#
# usage: rlcd_refusals.sh TAKE   (rlc-take; RLCD comes from the environment)
set -euo pipefail

take=${1:?usage: rlcd_refusals.sh TAKE}
. "$(dirname "$0")/rlcd_lib.sh"

echo "1. a FIFO or a directory under the name is refused, at once"
mkfifo -m 0600 "$shm"
expect 1 "rlcd: $seg: $shm is a FIFO, not a regular file; left untouched" fifo.log \
	"$RLCD" -c "$tmp/rlc.ini" -s "$seg"
[ -p "$shm" ] || fail "the FIFO is gone"
rm "$shm"
mkdir -m 0700 "$shm"
expect 1 "rlcd: $seg: $shm is a directory, not a regular file; left untouched" dir.log \
	"$RLCD" -c "$tmp/rlc.ini" -s "$seg"
rmdir "$shm"

echo "2. a published segment whose ready word was zeroed is refused, not laid out again"
start_rlcd rlcd1.log
wait_for "$tmp/rlcd1.log" "rlcd: $seg: created, generation 1" || fail "rlcd did not create $seg"
[ "$("$take" "$seg" test.ip.weight 30)" = "used 30 of 100" ] || fail "first take"
stop_rlcd KILL || true
put_word $READY_OFF 0
cp "$shm" "$tmp/before"
expect 1 "rlcd: $seg: corrupt segment: " zeroed.log "$RLCD" -c "$tmp/rlc.ini" -s "$seg"
grep -qF "ready word" "$tmp/zeroed.log" || fail "the refusal does not name the ready word"
grep -qF "left untouched" "$tmp/zeroed.log" || fail "no 'left untouched'"
grep -qF "then rm $shm and start rlcd again" "$tmp/zeroed.log" || fail "no removal advice"
cmp -s "$shm" "$tmp/before" || fail "the refused segment changed: its counts are lost"
rm "$shm"

echo "3. an empty file is replaced when it is rlcd's user's, refused when not"
: >"$shm"
start_rlcd rlcd2.log
wait_for "$tmp/rlcd2.log" "rlcd: $seg: created, generation 1" ||
	fail "rlcd did not replace the empty $shm"
[ "$("$take" "$seg" test.ip.weight 1)" = "used 1 of 100" ] || fail "take on the new segment"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
rm "$shm"
if [ "$(id -u)" = 0 ]; then
	: >"$shm"
	chown 65534 "$shm"
	expect 1 "rlcd: $seg: $shm is empty and belongs to uid 65534, rlcd runs as uid 0" \
		empty-other.log "$RLCD" -c "$tmp/rlc.ini" -s "$seg"
	[ "$(stat -c %u:%s "$shm")" = 65534:0 ] || fail "another user's empty file changed"
	rm "$shm"
else
	echo "     (not root: another user's empty file is not tried)"
fi

echo "4. leftover temporary files of dead rlcds go; other files stay"
dead=$(sh -c 'echo $$')
leftover=/dev/shm/.${seg#/}.tmp.$dead
other=/dev/shm/.${seg#/}.tmp.x$dead
: >"$leftover"
: >"$other"
start_rlcd rlcd3.log
wait_for "$tmp/rlcd3.log" "rlcd: $seg: created, generation 1" || fail "rlcd did not create $seg"
grep -qF "rlcd: $seg: removed $leftover, left by an rlcd that died" "$tmp/rlcd3.log" ||
	fail "rlcd did not say it removed $leftover"
[ ! -e "$leftover" ] || fail "$leftover is still there"
[ -e "$other" ] || fail "rlcd removed $other, which is not one of its temporary files"
[ ! -e "/dev/shm/.${seg#/}.tmp.$pid" ] || fail "rlcd left its own temporary file"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
echo "5. a segment of another layout version is refused with the way to upgrade"
rm -f "$shm"
start_rlcd rlcd3.log
wait_for "$tmp/rlcd3.log" "rlcd: $seg: created, generation 1" || fail "rlcd did not create $seg"
stop_rlcd KILL || true
put_word 8 $(((3 << 32) | 1)) # layout 1.3: (minor:32, major:32)
cp "$shm" "$tmp/before"
expect 1 "rlcd: $seg: segment layout version 1.3, this program speaks version 2." old.log \
	"$RLCD" -c "$tmp/rlc.ini" -s "$seg"
grep -qF "an rlcd of another version laid it out, and this one cannot adopt it; left untouched" \
	"$tmp/old.log" || fail "the refusal does not say why"
grep -qF "stop every bot that uses it and the old rlcd, wait 1h" "$tmp/old.log" ||
	fail "the refusal does not say what to stop and how long to wait"
grep -qF "rm $shm, start this rlcd, then start bots built with this version's rlc.h" \
	"$tmp/old.log" || fail "no removal advice"
cmp -s "$shm" "$tmp/before" || fail "the refused segment changed"
rm "$shm"

echo "ok"
