# shellcheck shell=bash disable=SC2034 # its variables are for the scripts
# SPDX-License-Identifier: MIT
# Helpers of the rlctl end-to-end scripts that run a real rlcd, sourced
# after rlcd_lib.sh: rlctl's runs, exits and messages, and a user who may
# read the segment but not write it.
: "${RLCTL:?RLCTL must name the rlctl binary}"

# ctl ARGS...: rlctl -s $seg ARGS; stdout in $tmp/out, stderr in $tmp/err, status in $rc.
ctl() {
	rc=0
	timeout 10 "$RLCTL" -s "$seg" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# exits WANT WHAT: the last ctl exited WANT, with stderr empty when WANT is 0.
exits() {
	[ "$rc" -eq "$1" ] || fail "$2: exit $rc, not $1; stderr: $(cat "$tmp/err")"
	[ "$1" -ne 0 ] || [ ! -s "$tmp/err" ] || fail "$2: stderr says: $(cat "$tmp/err")"
}

# says WHAT LINE: the last ctl's stderr is exactly "rlctl: LINE".
says() {
	printf 'rlctl: %s\n' "$2" | cmp -s - "$tmp/err" ||
		fail "$1: stderr is '$(cat "$tmp/err")', want 'rlctl: $2'"
}

# A user who may read the segment but not write it: nobody, when we are
# root (with setpriv); else ourselves, once reader_on has made the segment
# read-only.  Empty when there is none.
reader=
if [ "$(id -u)" -ne 0 ]; then
	reader=self
elif command -v setpriv >/dev/null; then
	reader=nobody
fi

# reader_on, reader_off: make the segment read-only for $reader, and writable again.
reader_on() {
	[ "$reader" != self ] || chmod 0444 "$shm"
}
reader_off() {
	[ "$reader" != self ] || chmod 0644 "$shm"
}

# as_reader ARGS...: rlctl -s $seg ARGS as $reader, as ctl runs it.
as_reader() {
	rc=0
	if [ "$reader" = nobody ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$RLCTL" -s "$seg" "$@" \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
	else
		"$RLCTL" -s "$seg" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	fi
}

# The message of a change refused for want of write access.
denied="$seg: Permission denied: changing it needs write access; run rlctl as a user that the segment's mode and group (rlc.ini(5)) let write"

# healthy: rlctl status exits 0.
healthy() {
	ctl status
	[ "$rc" -eq 0 ]
}

# hold NAME ARGS...: start rlc-take ($take) ARGS with its feedback (rlc-take
# holds its handle until stdin ends), stdin the FIFO $tmp/NAME.in; wait
# until it has fed back.  Its pid in $NAME_pid, the FIFO's writing end in
# $NAME_fd.  A later one holds the FIFOs of the earlier ones open too:
# release them last first.
hold() {
	local name=$1 fd
	shift
	mkfifo "$tmp/$name.in"
	"$take" "$seg" "$@" <"$tmp/$name.in" >"$tmp/$name.out" 2>&1 &
	eval "${name}_pid=$!"
	exec {fd}>"$tmp/$name.in"
	eval "${name}_fd=$fd"
	wait_for "$tmp/$name.out" "fed " || fail "rlc-take $* did not feed back: $(cat "$tmp/$name.out")"
}

# release NAME: end the stdin of the rlc-take started by hold, and reap it.
release() {
	local fd pid
	eval "fd=\$${1}_fd pid=\$${1}_pid"
	exec {fd}>&-
	wait "$pid" || fail "rlc-take $1 exited $?: $(cat "$tmp/$1.out")"
}
