#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlc-demo-bot over real HTTP: three bots on rlcd's built-in default send
# their calls to rlc-exchange-sim (whose clock runs 1.5 s ahead) and feed
# every response back.  The simulator answers no 429 and no 418, counts
# exactly the requests the bots say it answered, and rlc learns the
# exchange's clock from those responses.
set -euo pipefail
source "$(dirname "$0")/rlcd_lib.sh"

command -v node >/dev/null || { echo "skip: node is not installed"; exit 77; }
[ -x "${RLC_DEMO_BOT:-}" ] || { echo "skip: RLC_DEMO_BOT is not set"; exit 77; }
sim_pid=
trap 'if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi; cleanup' EXIT

node "$RLC_SOURCE_ROOT/tools/exchange-sim/rlc-exchange-sim" --clock-offset 1500 \
	>"$tmp/sim.log" 2>&1 &
sim_pid=$!
poll grep -q 'listening on' "$tmp/sim.log" || fail "the simulator did not start"
url=$(grep -o 'http://[0-9.:]*' "$tmp/sim.log")

"$RLCD" --print-default-config >"$tmp/default.ini"
start_rlcd rlcd.log "$tmp/default.ini"
poll published "$pid" || fail "rlcd did not publish $seg"

bots=()
for b in 1 2 3; do
	"$RLC_DEMO_BOT" -s "$seg" -n "http-$b" -d 3 -r "$b" -u "$url" >"$tmp/bot-$b.out" 2>"$tmp/bot-$b.log" &
	bots+=($!)
done
for b in "${bots[@]}"; do wait "$b" || fail "a bot exited $?"; done
for b in 1 2 3; do
	grep -q "bot=http-$b .*http_ok=" "$tmp/bot-$b.out" || fail "bot $b printed no totals"
done
sent=$(cat "$tmp"/bot-*.out | grep -o 'http_ok=[0-9]*' | awk -F= '{ n += $2 } END { print n }')
[ "$sent" -gt 50 ] || fail "the bots sent only $sent calls"
cat "$tmp"/bot-*.out | grep -q 'http_429=[1-9]\|http_418=[1-9]\|http_other=[1-9]\|http_failed=[1-9]' &&
	fail "a bot got an answer other than 200: $(cat "$tmp"/bot-*.out)"

curl -s "$url/__sim/report" >"$tmp/report.json"
/usr/bin/python3 - "$tmp/report.json" "$sent" <<'PY' || fail "the simulator's report disagrees"
import json, sys
r, sent = json.load(open(sys.argv[1])), int(sys.argv[2])
bots = {k: v for k, v in r["bots"].items() if k.startswith("http-")}
ok = sum(b["ok"] for b in bots.values())
bad = sum(b["status_429"] + b["status_418"] for b in bots.values())
assert len(bots) == 3 and ok == sent and bad == 0, (bots, sent)
PY
# every response carried the simulator's Date, 1.5 s ahead
"$RLCTL" -s "$seg" status --json >"$tmp/status.json"
/usr/bin/python3 - "$tmp/status.json" <<'PY' || fail "rlc did not learn the exchange's clock: $(cat "$tmp/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
x = next(x for x in s["exchanges"] if x["name"] == "binance-usdm")
c = x["clock"]
assert c["samples"] > 50 and abs(c["offset_ns"] - 1.5e9) < 0.6e9, c
PY
echo "ok: $sent calls over HTTP, no 429 or 418, clock learned"
