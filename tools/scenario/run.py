#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""rlc's end-to-end scenario: eight bots on one IP against the exchange
simulator, with rlc (fixed and sliding windows, a mode switch, a ban that
one bot feeds back) and without it (each bot its own limiter at the full
budget; a static split). Writes OUT/report.json, report.md and
utilization.svg; with --check, exits 1 unless rlc's targets hold.
See tools/scenario/README.md."""

import argparse
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))

import arms  # noqa: E402
import checks  # noqa: E402
import lineup  # noqa: E402
import report  # noqa: E402


class Context:
    def __init__(self, a):
        self.source = os.path.abspath(os.path.join(HERE, "../.."))
        self.build = os.path.abspath(a.build)
        self.out = os.path.abspath(a.out)
        self.rlcd = a.rlcd or os.path.join(self.build, "src/rlcd/rlcd")
        self.rlctl = a.rlctl or os.path.join(self.build, "tools/rlctl/rlctl")
        self.bot_exe = a.bot or os.path.join(self.build, "tools/demo/rlc-demo-bot")
        self.time_scale = 10
        self.window_ms = 60000 // self.time_scale
        self.capacity = 2400
        self.clock_offset_ms = 1234
        self.latency_ms = a.latency
        self.clock_error_ms = a.clock_error
        self.sim_latency_ms = a.sim_latency
        self.seed = a.seed
        self.runtime = os.path.join(self.out, "run")
        os.makedirs(self.runtime, exist_ok=True)

    def env(self):
        e = dict(os.environ)
        e["RLC_RUNTIME_DIR"] = self.runtime  # rlcd's lock file, the arm's own
        e.pop("RLC_SEGMENT", None)
        return e

    def python_env(self):
        e = self.env()
        e["PYTHONPATH"] = os.path.join(self.build, "bindings/python")
        return e

    def node_env(self):
        e = self.env()
        return e

    def sim_args(self):
        return ["--time-scale", str(self.time_scale), "--clock-offset", str(self.clock_offset_ms),
                "--latency", str(self.sim_latency_ms), "--jitter", str(self.sim_latency_ms / 2)]

    def ini_values(self):
        return {"LATENCY": f"{self.latency_ms}ms", "CLOCK_ERROR": f"{self.clock_error_ms}ms"}


def on_signal(sig, frame):
    # meson's timeout, Ctrl-C: unwind, so each arm stops what it started
    raise SystemExit(128 + sig)


def main():
    signal.signal(signal.SIGTERM, on_signal)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.path.join(HERE, "../../build"), help="meson build folder")
    p.add_argument("--out", default=os.path.join(HERE, "../../build/scenario"), help="report folder")
    p.add_argument("--arms", default=",".join(n for n, x in arms.ARMS.items() if not x.get("optional")),
                   help="comma-separated, of " + ", ".join(arms.ARMS) + " (default: all but window64)")
    p.add_argument("--check", action="store_true", help="exit 1 unless every check holds")
    p.add_argument("--c-only", action="store_true", help="eight C bots, no Python or Node ones")
    p.add_argument("--latency", type=int, default=100, help="rlc's fixed-window latency, ms (default 100)")
    p.add_argument("--clock-error", type=int, default=5, help="rlc's clock-error, ms (default 5)")
    p.add_argument("--sim-latency", type=float, default=4, help="the simulator's latency, ms (default 4)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rlcd")
    p.add_argument("--rlctl")
    p.add_argument("--bot")
    a = p.parse_args()
    names = [n for n in a.arms.split(",") if n]
    bad = [n for n in names if n not in arms.ARMS]
    if bad:
        p.error(f"--arms: no arm {', '.join(bad)}; the arms are {', '.join(arms.ARMS)}")
    ctx = Context(a)
    for what, path in (("rlcd", ctx.rlcd), ("rlctl", ctx.rlctl), ("rlc-demo-bot", ctx.bot_exe)):
        if not os.access(path, os.X_OK):
            p.error(f"{what}: {path} is not a built program (--build {ctx.build}?)")
    bots = lineup.lineup(ctx, a.c_only)
    started = time.time()
    figs = {}
    for n in names:
        t = time.time()
        figs[n] = arms.run_arm(ctx, n, bots)
        f = figs[n]
        print(f"{n:7} {time.time() - t:5.1f}s  served {f['served']:5}  429s {f['status_429']:4}  "
              f"418s {f['status_418']:4}  bans {f['bans']}  steady "
              + " ".join(f"{w['accepted']}" for w in f["windows"] if w["label"] == "steady"), flush=True)
    doc = {
        "schema": "rlc.scenario.report/1",
        "setup": {"time_scale": ctx.time_scale, "window_ms": ctx.window_ms, "capacity": ctx.capacity,
                  "clock_offset_ms": ctx.clock_offset_ms, "latency_ms": ctx.latency_ms,
                  "clock_error_ms": ctx.clock_error_ms, "sim_latency_ms": ctx.sim_latency_ms,
                  "seed": ctx.seed, "seconds": round(time.time() - started, 1)},
        "lineup": bots,
        "arms": figs,
    }
    doc["checks"] = checks.check(figs)
    report.write(ctx.out, doc)
    failed = [c for c in doc["checks"] if not c["ok"]]
    for c in doc["checks"]:
        print(f"{'ok  ' if c['ok'] else 'FAIL'} {c['arm']:7} {c['check']}: {c['detail']}")
    print(f"report: {os.path.join(ctx.out, 'report.md')} ({doc['setup']['seconds']} s)")
    return 1 if a.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
