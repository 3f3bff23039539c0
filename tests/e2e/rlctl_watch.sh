#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# rlctl watch and status on a terminal, end to end, in tmux: a real rlcd,
# rlctl in a 120x40 pane; capture-pane shows what a person would see.
# watch draws on the alternate screen, redraws when the segment changes
# (rlctl reserve, rlctl block), stops on q, Ctrl-C and SIGTERM with exit 0
# and gives the screen back; piped, it prints plain reports separated by
# form feeds.  status on a terminal has bars and colour; NO_COLOR and
# --color=never take the colour away; piped, neither, unless --color=always.
# Every wait polls for what it waits for, with a deadline.
set -euo pipefail

. "$(dirname "$0")/rlcd_lib.sh"
. "$(dirname "$0")/rlctl_lib.sh"

if ! command -v tmux >/dev/null; then
	echo "skip: tmux is not installed (tools/install-deps.sh installs it)"
	exit 77
fi
# A server of our own, on its own socket, with no user configuration.
sock=rlctl-test-$$
tm() {
	tmux -L "$sock" -f /dev/null "$@"
}
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

# screen [-e]: the pane as it shows now (-e: with its colour sequences).
screen() {
	tm capture-pane -p "$@" -t "$w"
}

# shows TEXT: poll until the pane shows TEXT (fixed string), 5 s at most.
shows() {
	local _
	for _ in $(seq 100); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

# run_in_pane COMMAND: a fresh session, w$n, running COMMAND under bash,
# which then says how it exited and waits, so that the pane stays.  The
# session before it goes once the new one runs: the server, left with no
# session, would exit under the next command.
n=0
w=
run_in_pane() {
	n=$((n + 1))
	w=w$n
	tm new-session -d -s "$w" -x 120 -y 40 \
		"env -u NO_COLOR RLCTL='$RLCTL' SEG='$seg' bash -c '$1; echo \"exited \$?\"; read'"
	[ "$n" -eq 1 ] || tm kill-session -t "w$((n - 1))"
}

# watch_pid: the pid of the rlctl that the pane's bash runs.
watch_pid() {
	local sh
	sh=$(tm display-message -p -t "$w" '#{pane_pid}')
	cat "/proc/$sh/task/$sh/children" 2>/dev/null | tr -d ' '
}

# alternate: the pane is on the alternate screen (1) or not (0).
alternate() {
	tm display-message -p -t "$w" '#{alternate_on}'
}

cp "$(dirname "$0")/two_accounts.ini" "$tmp/ex.ini"
start_rlcd rlcd.log "$tmp/ex.ini"
poll healthy || fail "rlctl status never became healthy: $(cat "$tmp/err")"

echo "1. watch: the report on the alternate screen, redrawn as the segment changes"
run_in_pane '"$RLCTL" -s "$SEG" watch --interval 100ms'
shows "ex1.ip.weight" || fail "watch never drew the report: $(screen)"
[ "$(alternate)" = 1 ] || fail "watch is not on the alternate screen"
screen | head -n 1 | grep -q "^segment $seg  layout " || fail "the first line is not the segment line: $(screen)"
shows "scope    ex1.ip (ip)" || fail "no scope heading: $(screen)"
shows "0/900  [..........]   0.0%" || fail "no empty usage bar: $(screen)"
"$RLCTL" -s "$seg" reserve ex1 GET /depth limit=1000 >/dev/null || fail "reserve"
# 20 of 900: 2.2%, a bar of 10 cells at 120 columns (the table is wider)
shows "20/900  [..........]   2.2%" || fail "watch did not redraw the reservation: $(screen)"
for _ in $(seq 4); do "$RLCTL" -s "$seg" reserve ex1 GET /depth limit=1000 >/dev/null; done
shows "100/900  [#.........]  11.1%" || fail "watch did not fill the bar: $(screen)"
"$RLCTL" -s "$seg" block ex1.alpha 1m >/dev/null || fail "block"
shows "scope    ex1.alpha (account alpha): blocked" || fail "no blocked scope heading: $(screen)"
shows "blocked  ex1.alpha until " || fail "no blocked line: $(screen)"
screen -e | grep -F "scope    ex1.alpha (account alpha): blocked" | grep -qF $'\e[31m' ||
	fail "the blocked scope is not red: $(screen -e | grep -F ex1.alpha | cat -v)"
screen -e | grep -F "ex1.ip.weight" | grep -qF $'\e[32m' ||
	fail "a limit at 11% is not green: $(screen -e | grep -F ex1.ip.weight | cat -v)"
# every line fits the pane: cut, not wrapped
[ "$(screen -J | awk '{ if (length($0) > w) w = length($0) } END { print w }')" -le 120 ] ||
	fail "a line is wider than the pane"
screen | grep -q '^LIMIT .* USAGE ' || fail "no USAGE column: $(screen)"
# a reload (SIGHUP) with a new capacity: the watch takes it, counts kept
sed -i '0,/^capacity = 1000$/s//capacity = 2000/' "$tmp/ex.ini"
kill -HUP "$pid"
shows "100/1800  [#.........]   5.6%" || fail "watch did not take the reload: $(screen)"
shows "generation 1  reloads 1" || fail "the segment line does not count the reload: $(screen)"
tm send-keys -t "$w" q
shows "exited 0" || fail "watch did not exit 0 on q: $(screen)"
[ "$(alternate)" = 0 ] || fail "the alternate screen was not left"
sed -i 's/^capacity = 2000$/capacity = 1000/' "$tmp/ex.ini"
kill -HUP "$pid"
poll eval '"$RLCTL" -s "$seg" status | grep -q " 100/900 "' || fail "the reload back to 1000"
screen | grep -q "LIMIT" && fail "the report stayed on the main screen: $(screen)"
echo "ok   watch: drawn, redrawn, coloured, cut, reloaded, stopped by q"

echo "2. watch stops on Ctrl-C and on SIGTERM, exit 0, screen restored"
run_in_pane '"$RLCTL" -s "$SEG" watch'
shows "ex1.ip.weight" || fail "watch never drew the report: $(screen)"
tm send-keys -t "$w" C-c
shows "exited 0" || fail "watch did not exit 0 on Ctrl-C: $(screen)"
[ "$(alternate)" = 0 ] || fail "the alternate screen was not left after Ctrl-C"
run_in_pane '"$RLCTL" -s "$SEG" watch --interval 1h'
shows "ex1.ip.weight" || fail "watch never drew the report: $(screen)"
pid_w=$(watch_pid)
[ -n "$pid_w" ] || fail "no rlctl under the pane's shell"
kill -TERM "$pid_w"
shows "exited 0" || fail "watch did not exit 0 on SIGTERM: $(screen)"
[ "$(alternate)" = 0 ] || fail "the alternate screen was not left after SIGTERM"
echo "ok   watch: Ctrl-C and SIGTERM"

echo "3. a resize redraws at once, with wider bars"
run_in_pane '"$RLCTL" -s "$SEG" watch --interval 1h'
shows "100/900  [#.........]  11.1%" || fail "watch never drew the report: $(screen)"
tm resize-window -t "$w" -x 250 -y 40
# 250 columns leave 40 cells for the bar (its most): 11.1% fills 4
shows "100/900  [####....................................]  11.1%" ||
	fail "the resize did not redraw with a wider bar: $(screen)"
tm send-keys -t "$w" q
shows "exited 0" || fail "watch did not exit 0 on q after the resize: $(screen)"
echo "ok   watch: resize"

echo "4. watch on a pipe: plain reports, each ending in a form feed line"
"$RLCTL" -s "$seg" watch --interval 100ms >"$tmp/piped" 2>"$tmp/piped.err" &
piped=$!
poll eval '[ "$(grep -c $'"'"'^\f$'"'"' "$tmp/piped")" -ge 3 ]' ||
	fail "watch on a pipe did not print 3 reports: $(cat "$tmp/piped")"
kill -TERM "$piped"
rc=0
wait "$piped" || rc=$?
[ "$rc" -eq 0 ] || fail "watch on a pipe exited $rc on SIGTERM: $(cat "$tmp/piped.err")"
grep -q $'\e' "$tmp/piped" && fail "watch on a pipe wrote escape sequences"
[ "$(grep -c '^segment ' "$tmp/piped")" -eq "$(grep -c $'^\f$' "$tmp/piped")" ] ||
	fail "not one form feed per report"
grep -qE '^ex1\.ip\.weight +ex1\.ip +window +100/900 +11\.1% ' "$tmp/piped" ||
	fail "the piped report is not the plain table: $(cat "$tmp/piped")"
echo "ok   watch: pipe"

echo "5. watch: bad input"
for bad in "--interval 10ms:--interval '10ms': out of range: 100ms to 1h" \
	"--interval 2h:--interval '2h': out of range: 100ms to 1h" \
	"--interval soon:--interval: " \
	"--json:'--json' is not an option of 'rlctl watch'" \
	"--color=pink:--color 'pink': not auto, always or never" \
	"more:unexpected argument 'more'"; do
	# shellcheck disable=SC2086 # the words are the arguments
	ctl watch ${bad%%:*}
	[ "$rc" -eq 64 ] && grep -qF -- "rlctl: ${bad#*:}" "$tmp/err" && [ ! -s "$tmp/out" ] ||
		fail "watch ${bad%%:*}: exit $rc, '$(cat "$tmp/err")'"
done
ctl --interval 1s status
[ "$rc" -eq 64 ] && grep -qF "'--interval' is not an option of 'rlctl status'" "$tmp/err" ||
	fail "status --interval: exit $rc, '$(cat "$tmp/err")'"
ctl -s /rlc-test-$$-missing watch
[ "$rc" -eq 2 ] || fail "watch of a missing segment: exit $rc"
echo "ok   watch: bad input"

echo "6. status on a terminal: bars and colour; NO_COLOR and --color=never: bars, no colour"
run_in_pane '"$RLCTL" -s "$SEG" status'
shows "exited 0" || fail "status in the pane: $(screen)"
screen | grep -qF "100/900  [#.........]  11.1%" || fail "status on a terminal has no bar: $(screen)"
screen -e | grep -qF $'\e[32m' || fail "status on a terminal has no colour"
for how in 'NO_COLOR=1 "$RLCTL"' '"$RLCTL" --color=never'; do
	run_in_pane "$how -s \"\$SEG\" status"
	shows "exited 0" || fail "$how status in the pane: $(screen)"
	screen | grep -qF "100/900  [#.........]  11.1%" || fail "$how status: no bar: $(screen)"
	screen -e | grep -qF $'\e[3' && fail "$how status: coloured: $(screen -e | cat -v)"
done
ctl status
grep -q $'\e' "$tmp/out" && fail "status on a pipe is coloured"
grep -qF "[#" "$tmp/out" && fail "status on a pipe has bars"
ctl status --color=always
grep -qF $'11.1%\e[m' "$tmp/out" && grep -qF "[$(printf '\e')[32m#$(printf '\e')[m.........]" "$tmp/out" ||
	fail "status --color=always on a pipe: no coloured bar: $(cat -v "$tmp/out")"
ctl status --json --color=always
[ "$rc" -eq 64 ] || fail "status --json --color: exit $rc"
echo "ok   status: colour and bars"

echo "all rlctl watch checks passed"
