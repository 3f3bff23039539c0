#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The rlc demo, in one command: a minute's worth of the end-to-end scenario
# (tools/scenario) in real time.  Bots in C, Python (rlc.aiohttp) and Node
# (ccxt with rlc's adapter) on one host share one Binance USD-M budget
# through rlc, against the exchange simulator (tools/exchange-sim), which
# enforces Binance's 2400 weight per minute with 429s and 418 bans.
#
#   tools/demo/demo.sh
#
# On a fresh Debian 12 it installs the build dependencies (with sudo unless
# run as root), builds into ./build, starts rlcd on its built-in default
# profile (real time: 1-minute windows, 5% buffer, market data kept from the
# last 20%) on a private segment (/rlc-demo) and the simulator on loopback
# (its clock 1.5 s ahead), builds the Python extension and the Node addon
# (npm ci), then runs for RLC_DEMO_SECONDS (default 20) a
# heavy data collector that wants more than the whole budget and light
# strategies with orders, shows `rlctl status` while they run, and ends
# with what the exchange saw of each bot: requests, 429s, bans, and the
# share of its budget they used.  Everything it starts is stopped on exit,
# Ctrl-C included.  The Python and Node bots join when their bindings are
# built (bindings/python; bindings/node with ccxt), else C bots take their
# place.
#
# Environment: RLC_DEMO_SECONDS (1..50), RLC_DEMO_BUILD (build directory,
# default ./build), RLCD (the rlcd to run, default the one just built),
# RLC_NODE_DIR (rlc's Node binding, default bindings/node).
set -eu

cd "$(dirname "$0")/../.."
build=${RLC_DEMO_BUILD:-build}
segment=/rlc-demo
seconds=${RLC_DEMO_SECONDS:-20}
tmp=""
rlcd_pid=""
sim_pid=""
bot_pids=""

say() {
	printf '\n== %s\n' "$*"
}

die() {
	echo "demo: $*" >&2
	exit 1
}

# The demo lasts less than the profile's 1-minute window, so what the bots
# used is a share of one minute's budget.
case $seconds in
'' | *[!0-9]*) die "RLC_DEMO_SECONDS must be a whole number of seconds" ;;
esac
if [ "$seconds" -lt 1 ] || [ "$seconds" -gt 50 ]; then
	die "RLC_DEMO_SECONDS must be 1..50"
fi

# shellcheck disable=SC2317 # called from the traps
cleanup() {
	trap - EXIT INT TERM
	for p in $bot_pids $sim_pid $rlcd_pid; do
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
command -v node >/dev/null || die "the exchange simulator needs Node.js 20 or later (apt-get install nodejs)"

say "building into $build"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
# Only what the demo runs: the tests and benchmarks can wait.
ninja -C "$build" tools/rlctl/rlctl tools/demo/rlc-demo-bot
# the Python binding (the extension and its package), when this build has it
pyrlc=$(ninja -C "$build" -t targets all 2>/dev/null | sed -n 's|^\(bindings/python/rlc/[^/:]*\):.*|\1|p')
# shellcheck disable=SC2086 # one target per word
[ -z "$pyrlc" ] || ninja -C "$build" $pyrlc >/dev/null
rlcd=${RLCD:-$build/src/rlcd/rlcd}
[ -n "${RLCD:-}" ] || ninja -C "$build" src/rlcd/rlcd
# the Node bots' addon and ccxt, from the lockfile (npm's registry only)
[ -d bindings/node/node_modules/ccxt ] && [ -f bindings/node/build/Release/rlc.node ] ||
	(cd bindings/node && npm ci --no-audit --no-fund >/dev/null 2>&1) ||
	echo "demo: npm ci in bindings/node failed: C bots play the Node bots" >&2
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

say "the exchange simulator: Binance USD-M on loopback, its clock 1.5 s ahead"
node tools/exchange-sim/rlc-exchange-sim --clock-offset 1500 --latency 4 --jitter 2 \
	>"$tmp/sim.log" 2>&1 &
sim_pid=$!
url=""
for _ in $(seq 100); do
	url=$(grep -o 'http://[0-9.:]*' "$tmp/sim.log" || true)
	[ -n "$url" ] && break
	kill -0 "$sim_pid" 2>/dev/null || break
	sleep 0.05
done
[ -n "$url" ] || die "the simulator did not start: $(cat "$tmp/sim.log")"
echo "listening on $url"

# Which bots can run here: C always; Python and Node when their bindings load.
py=c
if PYTHONPATH=$build/bindings/python /usr/bin/python3 -c 'import rlc.aiohttp' 2>/dev/null; then
	py=py
fi
js=c
if node tools/scenario/bots/bot.js --probe >/dev/null 2>&1; then
	js=node
fi

# status: rlctl status, of the exchange the bots trade on (the built-in
# default holds six) and the clients.
status() {
	"$rlctl" -s "$segment" status |
		awk '/^exchange / { on = $2 == "binance-usdm" } /^(segment|no registered)/ || $1 == "PID" { on = 1 } on'
}

# start_bot NAME LANG MIX ACCOUNT SEED
start_bot() {
	set -- "$1" "$2" "$3" "$4" "$5" --url "$url" --name "$1" --seconds "$seconds" \
		--mix "$3" --account "$4" --api-key "$4" --seed "$5" --segment "$segment" \
		--window-ms 60000 --log "$tmp/$1.jsonl"
	name=$1 lang=$2 mix=$3
	shift 5
	case $lang in
	py) PYTHONPATH=$build/bindings/python /usr/bin/python3 tools/scenario/bots/bot.py "$@" ;;
	node) node tools/scenario/bots/bot.js "$@" ;;
	*) "$bot" "$@" ;;
	esac >"$tmp/$name.out" 2>"$tmp/$name.err" &
	bot_pids="$bot_pids $!"
	echo "started $name ($lang, $mix, pid $!)"
}

say "four bots for ${seconds}s on one IP, each written as if the whole budget were its own"
start_bot collector c heavy main 1
start_bot strategy-c c light main 2
start_bot strategy-py $py light main 3
start_bot strategy-ccxt $js light main 4

# Show the budget draining while they run; the bots end on their own.
for step in 1 2 3; do
	sleep "$(awk "BEGIN { print $seconds / 4 }")"
	say "rlctl status (binance-usdm), about $((seconds * step / 4))s in"
	status || true
done
for p in $bot_pids; do
	wait "$p" || die "a bot failed: $(cat "$tmp"/*.err)"
done
bot_pids=""
say "rlctl status (binance-usdm) after the bots"
status || true

say "what the exchange saw"
curl -s "$url/__sim/report" >"$tmp/report.json" || die "no report from the simulator"
verdict=0
/usr/bin/python3 tools/scenario/demo_summary.py "$tmp/report.json" "$seconds" 2400 || verdict=1
echo "rlc's built-in profile keeps 5% of the budget for traffic it does not see and the"
echo "last 20% from market data, for orders and cancels: the collector wanted far more."
echo "The whole comparison, with and without rlc: tools/scenario/run.sh"
exit $verdict
