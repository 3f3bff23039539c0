#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# /dev/shm full, in a mount namespace of its own with a small tmpfs there:
# rlcd reserves the segment's space when it creates it and when it adopts
# one, and fails with "No space left on device" and exit status 1 instead
# of dying by SIGBUS (or leaving bots to die by it on their first write).
#
# usage: rlcd_shm_full.sh   (RLCD comes from the environment)
set -euo pipefail

if [ -z "${RLCD_SHM_FULL_NS:-}" ]; then
	unshare -m true 2>/dev/null || { echo "skip: unshare -m is not permitted here"; exit 77; }
	RLCD_SHM_FULL_NS=1 exec unshare -m bash "$0" "$@"
fi
# unshare(1) made every mount private: these stay in this namespace.
mount -t tmpfs -o size=64k tmpfs /dev/shm 2>/dev/null ||
	{ echo "skip: cannot mount a tmpfs on /dev/shm here"; exit 77; }
. "$(dirname "$0")/rlcd_lib.sh"

sed 's/clients = 8/clients = 1024/' "$tmp/rlc.ini" >"$tmp/big.ini"
size=$("$RLCD" -n -c "$tmp/big.ini" -s "$seg" | sed -n 's/.* of \([0-9]*\) bytes$/\1/p')
[ "$size" -gt 65536 ] || fail "the test segment ($size bytes) fits in 64 KiB"

echo "1. creating a segment larger than /dev/shm's free space"
expect 1 "rlcd: $seg: No space left on device: cannot reserve $size bytes" create.log \
	"$RLCD" -c "$tmp/big.ini" -s "$seg"
[ -z "$(ls -A /dev/shm)" ] || fail "rlcd left files behind: $(ls -A /dev/shm)"

echo "2. adopting a segment whose pages are not all there"
mount -t tmpfs -o size=512k tmpfs /dev/shm
start_rlcd rlcd.log "$tmp/big.ini"
wait_for "$tmp/rlcd.log" "rlcd: $seg: created, generation 1" || fail "rlcd did not create $seg"
stop_rlcd TERM || fail "rlcd exited $? on SIGTERM"
# The client table is all zeros: punching it out changes no byte, but leaves
# pages that a bot's first claim would have to allocate.
fallocate --punch-hole --offset 4096 --length 122880 "$shm"
dd if=/dev/zero of=/dev/shm/filler bs=4096 2>/dev/null || true
cp "$shm" "$tmp/before"
expect 1 "rlcd: $seg: No space left on device: cannot reserve $size bytes" adopt.log \
	"$RLCD" -c "$tmp/big.ini" -s "$seg"
cmp -s "$shm" "$tmp/before" || fail "the refused segment changed"
echo "ok"
