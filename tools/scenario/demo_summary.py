#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The demo's summary (tools/demo/demo.sh): what the exchange simulator
saw of each bot (requests, answered 200, 429s, 418s), its bans, and the
share of the exchange's documented budget the bots used together.

    demo_summary.py SIM_REPORT.json SECONDS CAPACITY

Exits 1 when the simulator answered any 429 or 418 or began a ban."""

import json
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1].strip())
    with open(sys.argv[1]) as f:
        r = json.load(f)
    seconds, capacity = float(sys.argv[2]), int(sys.argv[3])
    print(f"{'bot':16} {'requests':>8} {'200':>6} {'429':>5} {'418':>5}")
    tot = {"requests": 0, "ok": 0, "status_429": 0, "status_418": 0}
    for name, b in sorted(r["bots"].items()):
        print(f"{name:16} {b['requests']:8} {b['ok']:6} {b['status_429']:5} {b['status_418']:5}")
        for k in tot:
            tot[k] += b[k]
    print(f"{'together':16} {tot['requests']:8} {tot['ok']:6} {tot['status_429']:5} {tot['status_418']:5}")
    weight = sum(w["accepted"] for s in r["limits"] if s["limit"] == "ip.weight" for w in s["windows"])
    print(f"\nThe exchange accepted {weight} request weight in {seconds:g} s: {100 * weight / capacity:.1f}% "
          f"of the {capacity} per minute it allows, with {tot['status_429']} 429s, "
          f"{tot['status_418']} 418s and {len(r['bans'])} bans.")
    return 1 if tot["status_429"] or tot["status_418"] or r["bans"] else 0


if __name__ == "__main__":
    sys.exit(main())
