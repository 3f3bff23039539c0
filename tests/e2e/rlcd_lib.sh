# shellcheck shell=bash disable=SC2034 # its variables are for the scripts
# SPDX-License-Identifier: MIT
# Helpers of the rlcd end-to-end scripts, sourced after `set -euo pipefail`.
# Each script gets a segment of its own (/rlc-test-PID), a temporary folder
# that also holds rlcd's lock file ($RLC_RUNTIME_DIR), and a cleanup that
# kills the rlcd it started and removes both.

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
export RLC_RUNTIME_DIR=$tmp/run

cleanup() {
	if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
	rm -rf "$shm" "$shm"-* /dev/shm/."${seg#/}"* "$tmp"
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

# poll COMMAND...: rerun COMMAND until it succeeds, for at most 5 s.
poll() {
	local _
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# wait_for FILE TEXT: poll until FILE holds TEXT.
wait_for() {
	poll grep -qF -- "$2" "$1" 2>/dev/null
}

# Header words (rlc/segment.h), for the scripts that source this.
READY_OFF=192
PID_OFF=200
HEARTBEAT_OFF=216
GENERATION_OFF=232
SHM_INO_OFF=248
DETACHED_OFF=256
CLIENTS_OFF_OFF=56
RLC_READY=$((0x5944414552434c52))

# header_word OFFSET [FILE]: a 64-bit word of the segment (default $shm).
header_word() {
	od -An -t u8 -j "$1" -N 8 "${2:-$shm}" | tr -d ' '
}

# put_word OFFSET VALUE [FILE]: overwrite a 64-bit word in place, as any
# process with write access to the segment can.
put_word() {
	python3 -c 'import os, struct, sys
fd = os.open(sys.argv[3], os.O_WRONLY)
os.pwrite(fd, struct.pack("<Q", int(sys.argv[2])), int(sys.argv[1]))' "$1" "$2" "${3:-$shm}"
}

# moved OFFSET [FILE]: the word changes within 2 s.
moved() {
	local first _
	first=$(header_word "$1" "${2:-}")
	for _ in $(seq 40); do
		[ "$(header_word "$1" "${2:-}")" != "$first" ] && return 0
		sleep 0.05
	done
	return 1
}

# beating [FILE]: the heartbeat word moves.
beating() {
	moved $HEARTBEAT_OFF "${1:-}"
}

# published PID: the segment is published and names PID as its rlcd.
published() {
	[ -f "$shm" ] && [ "$(header_word $READY_OFF)" = "$RLC_READY" ] &&
		[ "$(header_word $PID_OFF)" = "$1" ]
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

# exited STATUS: the rlcd started last exits with STATUS within 5 s.
exited() {
	local status=0
	poll eval '! kill -0 "$pid" 2>/dev/null' || return 1
	{ wait "$pid"; } 2>/dev/null || status=$?
	pid=
	[ "$status" -eq "$1" ] || { echo "rlcd exited $status, not $1" >&2; return 1; }
}

# expect STATUS TEXT LOG COMMAND...: COMMAND exits STATUS within 10 s and
# says TEXT.
expect() {
	local want=$1 text=$2 log=$3 status=0
	shift 3
	timeout 10 "$@" >"$tmp/$log" 2>&1 || status=$?
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
