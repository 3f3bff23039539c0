#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGHUP against a real rlcd: new capacities and weights apply in place
# with every count kept, and reach a bot that opened the segment before the
# reload; a bad file, a directory, a missing file and a change no reload
# can apply (a window's length, a new limit) change nothing and are logged
# naming the file, section and key; a restart on a file changed only in
# reloadable ways adopts the segment, counts kept.
#
# usage: rlcd_reload.sh TAKE PEER   (RLCD and RLCTL from the environment)
set -euo pipefail

take=${1:?usage: rlcd_reload.sh TAKE PEER}
peer=${2:?usage: rlcd_reload.sh TAKE PEER}
. "$(dirname "$0")/rlcd_lib.sh"
. "$(dirname "$0")/rlctl_lib.sh"

# used LIMIT N CAP: after taking 1 more of LIMIT, N of CAP are used.
used() {
	"$take" "$seg" "$1" 1 >"$tmp/take.out" 2>"$tmp/take.err" ||
		fail "take $1: exit $?: $(cat "$tmp/take.err")"
	grep -qx "used $2 of $3" "$tmp/take.out" ||
		fail "take $1: '$(cat "$tmp/take.out")', want used $2 of $3"
}

# full LIMIT: a take of 1 more is refused.
full() {
	! "$take" "$seg" "$1" 1 >"$tmp/take.out" 2>&1 || fail "take $1: granted, want refused"
}

# reloads N: rlcd has logged N reload outcomes (applied or refused).
reloads() {
	[ "$(grep -cE 'rlcd: (reloaded|reload refused)' "$tmp/rlcd.log")" -ge "$1" ]
}

# hup N: send SIGHUP, wait until it is the Nth reload logged.
hup() {
	kill -HUP "$pid"
	poll reloads "$1" || fail "reload $1 was never logged"
}

write_ini() { # CAPACITY WEIGHT INTERVAL [BUCKET CAPACITY [EXTRA SECTION]]
	cat >"$tmp/reload.ini" <<EOF2
[rlcd]
heartbeat = 20ms
clients = 8

[exchange ex1]

[limit ex1.ip.weight]
capacity = $1
interval = $3
slots = 8

[limit ex1.bucket]
algorithm = bucket
capacity = ${4:-10}
interval = 1h

[endpoint ex1 get /depth]
ip.weight = $2
${5:-}
EOF2
}

write_ini 6 2 1h
start_rlcd rlcd.log "$tmp/reload.ini"
poll published "$pid" || fail "rlcd never published the segment"

echo "1. counts before the reload"
for _ in 1 2 3 4; do "$take" "$seg" ex1.ip.weight 1 >/dev/null || fail "take"; done
used ex1.ip.weight 5 6 # 5 of 6: room for 1
ctl reserve ex1 GET /depth
exits 1 "a weight-2 reserve in the last unit"

echo "2. a bot opened before the reload waits for its line"
coproc PEER { "$peer" "$seg" ex1 GET /depth; }
peer_pid=$PEER_PID # bash unsets PEER_PID once the coproc exits
read -r line <&"${PEER[0]}" || fail "peer never said ready"
[ "$line" = ready ] || fail "peer said '$line', not ready"

echo "3. capacity 6 -> 10 and weight 2 -> 3: applied, every count kept"
write_ini 10 3 1h
hup 1
grep -qF "reload: limit ex1.ip.weight: capacity 6 -> 10, effective 6 -> 10" "$tmp/rlcd.log" ||
	fail "the change was not logged"
grep -qF "reloaded $tmp/reload.ini: 1 limit changed, every count kept" "$tmp/rlcd.log" ||
	fail "the reload was not logged"
echo go >&"${PEER[1]}"
read -r line <&"${PEER[0]}" || fail "peer said nothing"
[ "$line" = granted ] || fail "the bot opened before the reload: '$line', not granted"
wait "$peer_pid" || fail "peer exited $?"
used ex1.ip.weight 9 10 # 5 kept + the peer's 3 (the new weight) + 1
ctl status --json
grep -q '"name": *"ex1.ip.weight"' "$tmp/out" || fail "status --json lacks the limit"

echo "4. a bad value: refused, naming file, section and key; nothing changes"
write_ini 10x 3 1h
hup 2
grep -qF "reload refused, the running configuration stays: $tmp/reload.ini: [limit ex1.ip.weight] capacity:" \
	"$tmp/rlcd.log" || fail "the bad value was not named"
used ex1.ip.weight 10 10 # the capacity is still 10
full ex1.ip.weight

echo "5. a window's length and a new limit cannot change in place: refused"
write_ini 10 3 2h
hup 3
grep -qF "limit 'ex1.ip.weight': interval 1h -> 2h; a reload cannot change that in place" \
	"$tmp/rlcd.log" || fail "the interval change was not refused by name"
write_ini 10 3 1h 10 "[limit ex1.ip.extra]
capacity = 5
interval = 1m"
hup 4
grep -qF "the configuration has 3 limits, the segment 2; a reload cannot change that in place" \
	"$tmp/rlcd.log" || fail "the new limit was not refused"
full ex1.ip.weight

echo "6. a directory and a missing file: refused, nothing changes"
mv "$tmp/reload.ini" "$tmp/saved.ini"
mkdir "$tmp/reload.ini"
hup 5
grep -qE "reload refused, the running configuration stays: .*reload.ini.*(not a regular file|directory)" \
	"$tmp/rlcd.log" || fail "the directory was not refused"
rmdir "$tmp/reload.ini"
hup 6
grep -qE "reload refused, the running configuration stays: .*reload.ini.*No such file" \
	"$tmp/rlcd.log" || fail "the missing file was not refused"
full ex1.ip.weight
mv "$tmp/saved.ini" "$tmp/reload.ini"

echo "7. bucket capacity 10 -> 5 keeps the tokens in use (6 of them: full)"
for _ in 1 2 3 4 5 6; do "$take" "$seg" ex1.bucket 1 >/dev/null || fail "bucket take"; done
write_ini 10 3 1h 5
hup 7
grep -qF "reload: limit ex1.bucket: capacity 10 -> 5" "$tmp/rlcd.log" || fail "bucket change not logged"
full ex1.bucket

echo "8. a restart on the reloaded file adopts the segment, counts kept"
stop_rlcd TERM || fail "rlcd did not stop cleanly"
write_ini 12 3 1h 5
start_rlcd rlcd2.log "$tmp/reload.ini"
poll wait_for "$tmp/rlcd2.log" "adopted (counts kept)" || fail "the restart did not adopt"
wait_for "$tmp/rlcd2.log" "the configuration changed 1 limit in place" ||
	fail "the restart did not apply the change in place"
used ex1.ip.weight 11 12

echo "9. an rlcd killed mid-rewrite: the next one finishes it and adopts"
stop_rlcd KILL || true
put_word 264 $(($(header_word 264) + 1)) # config_seq odd, as during a rewrite
# limit 0's effective capacity above its capacity, half written
python3 -c 'import os, struct, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
os.pwrite(fd, struct.pack("<I", 99), 320 + 80)' "$shm"
start_rlcd rlcd3.log "$tmp/reload.ini"
poll wait_for "$tmp/rlcd3.log" "adopted (counts kept)" || fail "the unfinished rewrite was not adopted"
[ $(($(header_word 264) % 2)) -eq 0 ] || fail "config_seq is still odd"
used ex1.ip.weight 12 12
full ex1.ip.weight
echo "ok"
