#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlcd started with its standard fds closed: the segment it then opens must
# not land on fd 0, 1 or 2, where rlcd's own log would overwrite its header.
#
# usage: rlcd_stdio.sh TAKE   (rlc-take; RLCD comes from the environment)
set -euo pipefail

take=${1:?usage: rlcd_stdio.sh TAKE}
. "$(dirname "$0")/rlcd_lib.sh"

# closed WHAT REDIRECTIONS...: rlcd started so publishes a valid segment
# that bots can use, and keeps beating.
closed() {
	local what=$1
	shift
	rm -f "$shm"
	eval '"$RLCD" -c "$tmp/rlc.ini" -s "$seg" '"$*"' &'
	pid=$!
	poll published "$pid" || fail "$what: rlcd did not publish $seg"
	[ "$("$take" "$seg" test.ip.weight 7)" = "used 7 of 100" ] ||
		fail "$what: the segment does not validate"
	beating || fail "$what: the heartbeat does not move"
	kill -0 "$pid" || fail "$what: rlcd died"
	stop_rlcd TERM || fail "$what: rlcd exited $? on SIGTERM"
	echo "ok   $what"
}

closed "stderr closed" '2>&-'
closed "stdin, stdout and stderr closed" '<&- >&- 2>&-'
closed "stdin closed" '<&- 2>/dev/null'
echo "ok"
