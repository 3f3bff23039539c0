#!/usr/bin/env bash
# rlctl check FILE: a valid configuration gets a one-line summary; an
# invalid one exits 65 with the error naming file, section and key, word
# for word what rlcd --check says, since both run rlcd's own code; a file
# that cannot be read exits 66; every shipped profile passes.
#
# usage: rlctl_check.sh   (RLCTL, RLCD and RLC_SOURCE_ROOT from the environment)
set -euo pipefail

: "${RLCTL:?RLCTL must name the rlctl binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# check ARGS...: rlctl check ARGS; stdout in $tmp/out, stderr in $tmp/err, status in $rc.
check() {
	rc=0
	timeout 10 "$RLCTL" check "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# says WHAT STATUS LINE: the last check exited STATUS, printed nothing on
# stdout, and said exactly "rlctl: LINE" on stderr.
says() {
	[ "$rc" -eq "$2" ] || fail "$1: exit $rc, not $2; stderr: $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "$1: stdout says: $(cat "$tmp/out")"
	printf 'rlctl: %s\n' "$3" | cmp -s - "$tmp/err" ||
		fail "$1: stderr is '$(cat "$tmp/err")', want 'rlctl: $3'"
}

# like_rlcd WHAT FILE: rlcd --check FILE fails with the same reason as the last check.
like_rlcd() {
	local status=0
	[ -n "${RLCD:-}" ] || return 0
	timeout 10 "$RLCD" --check -c "$2" -s /rlc-check-unused >/dev/null 2>"$tmp/rlcd.err" ||
		status=$?
	[ "$status" -eq 1 ] || fail "$1: rlcd --check exited $status, not 1"
	[ "$(sed 's/^rlcd: //' "$tmp/rlcd.err")" = "$(sed 's/^rlctl: //' "$tmp/err")" ] ||
		fail "$1: rlcd --check says '$(cat "$tmp/rlcd.err")', rlctl check '$(cat "$tmp/err")'"
}

cp "$(dirname "$0")/two_accounts.ini" "$tmp/good.ini"

echo "1. a valid configuration: one line, its counts"
check "$tmp/good.ini"
[ "$rc" -eq 0 ] || fail "good.ini: exit $rc: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || fail "good.ini: stderr says: $(cat "$tmp/err")"
[ "$(cat "$tmp/out")" = "$tmp/good.ini: ok: 1 exchange, 2 accounts, 4 limits, 2 endpoints" ] ||
	fail "good.ini: stdout is: $(cat "$tmp/out")"

echo "2. every shipped profile passes"
root=${RLC_SOURCE_ROOT:-$(dirname "$0")/../..}
for f in "$root"/etc/*.ini; do
	check "$f"
	[ "$rc" -eq 0 ] || fail "$f: exit $rc: $(cat "$tmp/err")"
	grep -qE "^$f: ok: [0-9]+ exchanges?, [0-9]+ accounts?, [0-9]+ limits?, [0-9]+ endpoints?\$" \
		"$tmp/out" || fail "$f: stdout is: $(cat "$tmp/out")"
done

echo "3. an invalid one: exit 65, file, section and key named, as rlcd --check says"
# bad NAME SED-SCRIPT REASON: good.ini edited by SED-SCRIPT is refused with
# "FILE: REASON", where FILE is the edited copy.
bad() {
	sed "$2" "$tmp/good.ini" >"$tmp/$1.ini"
	cmp -s "$tmp/good.ini" "$tmp/$1.ini" && fail "$1: the edit changed nothing"
	check "$tmp/$1.ini"
	says "$1" 65 "$tmp/$1.ini: $3"
	like_rlcd "$1" "$tmp/$1.ini"
}
bad typo 's/^reserve-high = 5%/reserve-hgh = 5%/' \
	"[limit ex1.ip.weight] reserve-hgh: unknown key; did you mean reserve-high?"
bad mode-priority 's/^lowest = high/lowest = highest/' \
	"[mode ex1 liquidation] lowest: \"highest\" is not a priority: critical, high, normal or low"
bad mode-duration 's/^duration = 15m/duration = 15x/' \
	"[mode ex1 liquidation] duration: \"15x\" is not a duration: write a whole number and a unit, e.g. 100ms or 1m (units: ns us ms s m h d)"
line=$(grep -n '^\[mode ex1 liquidation\]' "$tmp/good.ini" | cut -d: -f1)
bad mode-exchange 's/^\[mode ex1 liquidation\]/[mode ex9 liquidation]/' \
	"[mode ex9 liquidation]: exchange ex9 is not declared (line $line); add [exchange ex9]"
bad endpoint-limit 's/^account.orders = 1/account.nope = 1/' \
	"[endpoint ex1 post /order] account.nope: unknown key: it is neither priority nor critical-if, and exchange ex1 has no limit ex1.account.nope (a limit key names one as ip.NAME, account.NAME or the rest of its name after ex1.)"
bad capacity 's/^capacity = 5$/capacity = five/' \
	"[limit other.thing] capacity: \"five\" is not a whole number"

echo "4. a file that cannot be read: exit 66; not a regular file: 65"
check "$tmp/missing.ini"
says "missing file" 66 "$tmp/missing.ini: No such file or directory"
check "$tmp"
says "a directory" 65 "$tmp: not a regular file (a directory)"
like_rlcd "a directory" "$tmp"

echo "5. usage errors: exit 64"
check
says "no file" 64 "'rlctl check' needs a FILE; try 'rlctl --help'"
check "$tmp/good.ini" "$tmp/good.ini"
says "two files" 64 "unexpected argument '$tmp/good.ini'; try 'rlctl --help'"
check --json "$tmp/good.ini"
says "--json" 64 "'--json' is not an option of 'rlctl check'; try 'rlctl --help'"
check -s /rlc "$tmp/good.ini"
says "-s" 64 "'--segment' is not an option of 'rlctl check'; try 'rlctl --help'"

echo "all rlctl check checks passed"
