#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlcd trusts nothing in the segment after it validated it: any process in
# the segment's group may rewrite the header's table words, or truncate the
# file.  A rewritten client-table offset must not make rlcd follow it (it
# sweeps the table it validated); a truncated segment makes rlcd say so and
# exit 1 without touching the mapping (no SIGBUS), and the rlcd that a
# supervisor then starts refuses the segment.
#
# usage: rlcd_trust.sh   (RLCD comes from the environment)
set -euo pipefail

. "$(dirname "$0")/rlcd_lib.sh"

echo "1. the header's client-table words rewritten under a running rlcd"
start_rlcd rlcd1.log
wait_for "$tmp/rlcd1.log" "rlcd: $seg: created, generation 1" || fail "rlcd did not create $seg"
clients=$(header_word $CLIENTS_OFF_OFF)
put_word $CLIENTS_OFF_OFF $((1 << 40))
put_word $((CLIENTS_OFF_OFF - 8)) $((4096 << 32)) # slots_count 0, clients_count 4096
# A record of a process that is gone, planted after the rewrite: freeing it
# shows a sweep ran after it, over the table rlcd validated.
dead=$(sh -c 'echo $$')
put_word $((clients + 8)) 1
put_word "$clients" $(((dead << 2) | 2))
wait_for "$tmp/rlcd1.log" "rlcd: freed 1 client record of exited processes" ||
	fail "no sweep freed the planted record"
kill -0 "$pid" 2>/dev/null || fail "rlcd died"
beating || fail "the heartbeat does not move"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
rm "$shm"

echo "2. the segment truncated under a running rlcd"
start_rlcd rlcd2.log
wait_for "$tmp/rlcd2.log" "rlcd: $seg: created, generation 1" || fail "rlcd did not create $seg"
size=$(stat -c %s "$shm")
truncate -s $((size / 2)) "$shm"
exited 1 || fail "rlcd did not exit 1 after the truncation"
grep -qF "rlcd: $seg: truncated from $size to $((size / 2)) bytes by a process with write access; every count is lost" \
	"$tmp/rlcd2.log" || fail "rlcd did not report the truncation"
expect 1 "rlcd: $seg: corrupt segment: " restart.log "$RLCD" -c "$tmp/rlc.ini" -s "$seg"
grep -qF "then rm $shm and start rlcd again" "$tmp/restart.log" || fail "no removal advice"
echo "ok"
