#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The rlc demo, in one command: three trading bots on one host share one
# Binance USD-M budget through rlc, and together stay inside it.
#
#   tools/demo/demo.sh
#
# On a fresh Debian 12 it installs the build dependencies (with sudo unless
# run as root), builds into ./build, starts rlcd on its built-in default
# profile on a private segment (/rlc-demo), runs three bots with different
# habits for RLC_DEMO_SECONDS (default 15), shows `rlctl status` while they
# run, and ends with a summary of what they were granted against the
# budget.  Everything it starts is stopped on exit, Ctrl-C included.
#
# Environment: RLC_DEMO_SECONDS (1..50), RLC_DEMO_BUILD (build directory,
# default ./build), RLCD (the rlcd to run, default the one just built).
set -eu

cd "$(dirname "$0")/../.."
build=${RLC_DEMO_BUILD:-build}
segment=/rlc-demo
seconds=${RLC_DEMO_SECONDS:-15}
ip_limit=binance-usdm.ip.weight
orders_limit=binance-usdm.main.orders-1m
tmp=""
rlcd_pid=""
bot_pids=""

say() {
	printf '\n== %s\n' "$*"
}

die() {
	echo "demo: $*" >&2
	exit 1
}

# Every grant of the demo must fall inside one 1-minute window for the
# budget check at the end to be a proof.
case $seconds in
'' | *[!0-9]*) die "RLC_DEMO_SECONDS must be a whole number of seconds" ;;
esac
if [ "$seconds" -lt 1 ] || [ "$seconds" -gt 50 ]; then
	die "RLC_DEMO_SECONDS must be 1..50"
fi

# shellcheck disable=SC2317 # called from the traps
cleanup() {
	trap - EXIT INT TERM
	for p in $bot_pids $rlcd_pid; do
		kill -TERM "$p" 2>/dev/null || true
	done
	wait || true
	# The segment outlives rlcd by design; this one was the demo's alone.
	if [ -n "$rlcd_pid" ]; then
		rm -f "/dev/shm$segment"
	fi
	if [ -n "$tmp" ]; then
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted, stopping everything"; exit 130' INT TERM

bash tools/install-deps.sh

say "building into $build"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
# Only what the demo runs: the tests and benchmarks can wait.
ninja -C "$build" tools/rlctl/rlctl tools/demo/rlc-demo-bot
rlcd=${RLCD:-$build/src/rlcd/rlcd}
[ -n "${RLCD:-}" ] || ninja -C "$build" src/rlcd/rlcd
rlctl=$build/tools/rlctl/rlctl
bot=$build/tools/demo/rlc-demo-bot
tmp=$(mktemp -d)

if "$rlctl" -s "$segment" status >/dev/null 2>&1; then
	die "an rlcd already serves $segment; is another demo running?"
fi
# A fresh budget: rlcd would adopt an old segment with its counts.
rm -f "/dev/shm$segment"

say "starting rlcd on its built-in default (six exchange profiles), segment $segment"
# shellcheck disable=SC2086 # RLCD may carry arguments
$rlcd -s "$segment" >"$tmp/rlcd.log" 2>&1 &
rlcd_pid=$!
ready=""
for _ in $(seq 50); do
	if "$rlctl" -s "$segment" status >/dev/null 2>&1; then
		ready=yes
		break
	fi
	kill -0 "$rlcd_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$ready" ]; then
	cat "$tmp/rlcd.log" >&2
	die "rlcd did not bring up $segment"
fi
"$rlctl" -s "$segment" status

say "three bots for ${seconds}s, each written as if the whole budget were its own"
# name, share of calls that are orders (%), mean time on the wire (ms)
for spec in market-maker:70:15 arbitrage:30:50 data-collector:0:80; do
	name=${spec%%:*}
	rest=${spec#*:}
	"$bot" -s "$segment" -n "$name" -d "$seconds" -o "${rest%%:*}" -p "${rest#*:}" \
		>"$tmp/$name.out" 2>&1 &
	bot_pids="$bot_pids $!"
	echo "started $name (pid $!): ${rest%%:*}% orders, ~${rest#*:} ms per call"
done

# Show the budget draining while they run; the bots end on their own.
for step in 1 2 3; do
	sleep "$(awk "BEGIN { print $seconds / 4 }")"
	say "rlctl status, about $((seconds * step / 4))s in"
	"$rlctl" -s "$segment" status || true
done
for p in $bot_pids; do
	wait "$p" || die "a bot failed: $(cat "$tmp"/*.out)"
done
bot_pids=""
say "rlctl status after the bots"
"$rlctl" -s "$segment" status || true
"$rlctl" -s "$segment" status --json >"$tmp/status.json" || true

# limit_field LIMIT FIELD: a field of one limit in the saved JSON report,
# which prints each limit on a line of its own.
limit_field() {
	grep "\"name\": \"$1\"" "$tmp/status.json" |
		sed -n "s/.*\"$2\": \"*\([^,\"}]*\).*/\1/p"
}

say "summary"
cat "$tmp"/*.out | awk '
	{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
	NR == 1 { printf "%-16s %7s %7s %7s %7s %7s %9s %6s %8s\n", "bot", "grants", "market",
		  "orders", "cancels", "weight", "refunded", "waits", "gave-up" }
	{ printf "%-16s %7d %7d %7d %7d %7d %9d %6d %8d\n", v["bot"], v["grants"], v["market"],
		 v["orders"], v["cancels"], v["weight"], v["refunded"], v["waits"], v["timeouts"]
	  g += v["grants"]; m += v["market"]; o += v["orders"]; c += v["cancels"]
	  w += v["weight"]; r += v["refunded"]; wt += v["waits"]; t += v["timeouts"] }
	END { printf "%-16s %7d %7d %7d %7d %7d %9d %6d %8d\n", "together", g, m, o, c, w, r,
		      wt, t
	      print w > "'"$tmp"'/weight"; print o > "'"$tmp"'/orders"
	      print wt > "'"$tmp"'/waits"; print t > "'"$tmp"'/dropped" }'
weight=$(cat "$tmp/weight")
orders=$(cat "$tmp/orders")
verdict=0

# check LIMIT GRANTED WHAT: print whether GRANTED fits LIMIT's budget.
check() {
	effective=$(limit_field "$1" effective)
	capacity=$(limit_field "$1" capacity)
	window=$(limit_field "$1" window)
	used=$(limit_field "$1" used)
	[ -n "$effective" ] || die "no limit $1 in $segment"
	if [ "$2" -le "$effective" ]; then
		result="within budget"
	else
		result="OVER BUDGET"
		verdict=1
	fi
	echo "$1: the bots were granted $2 $3 in ${seconds}s; rlc allows $effective" \
		"per $window ($capacity less the safety buffer); the segment counts $used: $result."
}
echo
check "$ip_limit" "$weight" "request weight"
check "$orders_limit" "$orders" "orders"
echo "Each bot was written as if the whole budget were its own. Instead of 429s and"
echo "an IP ban, rlc made them wait $(cat "$tmp/waits") times, and they dropped" \
	"$(cat "$tmp/dropped") calls that could not be granted before their deadline."
exit $verdict
