# SPDX-License-Identifier: MIT
"""The arms of the scenario and how one is run: a fresh simulator (and,
for rlc, a fresh rlcd on the arm's configuration), the eight bots started
together shortly before a window of the exchange's clock begins, the arm's
action (a mode switch, a rogue client) at its time, then the simulator's
report and the bots' logs."""

import os
import subprocess
import time

import config
import lineup as lineup_mod
import measure
from procs import Procs, rogue, sim_report, start_rlcd, start_simulator

# name: what it is, rlc configuration (None: no rlc), --limiter, windows run,
# and per window a label ("steady" windows count for utilization)
ARMS = {
    "fixed": {"title": "(a) rlc, fixed windows", "ini": "fixed", "limiter": "rlc",
              "labels": ["steady", "mode", "steady"], "lead_ms": 5000},
    "window": {"title": "(a') rlc, sliding window", "ini": "window", "limiter": "rlc",
               "labels": ["steady", "steady", "steady"], "values": {"SLOTS": "256"},
               "lead_ms": 5000},
    # the profile's 64 slots, on demand (--arms window64): not asserted
    "window64": {"title": "(a'') rlc, sliding window, 64 slots", "ini": "window", "limiter": "rlc",
                 "labels": ["steady", "steady", "steady"], "values": {"SLOTS": "64"},
                 "lead_ms": 5000, "optional": True},
    "own": {"title": "(b) own limiter, full budget each", "ini": None, "limiter": "own:2400",
            "labels": ["steady", "steady"]},
    "split": {"title": "(c) static split, 1/8 each", "ini": None, "limiter": "own:300",
              "labels": ["steady", "steady"]},
    "ban": {"title": "ban propagation (rlc, fixed)", "ini": "fixed", "limiter": "rlc",
            "labels": ["ban", "ban", "after"], "lead_ms": 2000, "after_ms": 16000},
}

# Bots start LEAD_MS before the first window measured: start-up, clock
# learning.  The rlc arms start 5 s early: the heavy bot's first rush takes
# up to 2 s on a loaded machine, and a rush still running at the first
# window's start would be measured there twice over: in a fixed window, the
# grants of the last `latency` before a boundary count in both windows (the
# guard), and a sliding window passes its capacity again an interval after
# the rush, so a rush across a boundary splits over two windows.  Started
# early, each rush falls inside one window of the exchange's clock, as it
# does under steady saturation.
LEAD_MS = 2000
TAIL_MS = 300   # and stop this long after the last
MODE_AT_MS = 1500   # into the mode window
MODE_FOR_S = 3
ROGUE_AT_MS = 500   # into the ban arm's first window
ROGUE = "rogue"


def _sleep_until_ms(t_ms):
    d = t_ms / 1000 - time.time()
    if d > 0:
        time.sleep(d)


def _learn_clock(ctx, procs, url, segment, w):
    """rlc learns the exchange's clock before the bots trade: one GET
    /fapi/v1/time through rlc, fed back (the C bot for 50 ms). Until a
    response is fed back, fixed windows follow the configured clock-offset
    (0 here, the exchange is 1234 ms ahead), and what is granted then counts
    in a window of that clock, not in the exchange's window it lands in: up
    to eight clock calls of weight 1 uncounted, enough for a 429 when the
    heavy bot then fills that window to 2400 (1 run in 6 here). So the clock
    is learned in a window of its own, before the bots start. Returns the
    exchange-clock ms of the start of the next window."""
    p = procs.start("clock", [ctx.bot_exe, "--url", url, "--name", "clock", "--seconds", "0.05",
                              "--mix", "light", "--segment", segment], env=ctx.env())
    if p.wait(30) != 0:
        raise RuntimeError("the clock call failed: " + procs.read("clock", ".err"))
    procs.running.remove(p)
    done_x = time.time() * 1000 + ctx.clock_offset_ms
    return (done_x // w + 1) * w


def run_arm(ctx, name, bots):
    arm = ARMS[name]
    folder = os.path.join(ctx.out, name)
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if f.endswith((".jsonl", ".out", ".err", ".json", ".ini")):
            os.remove(os.path.join(folder, f))
    procs = Procs(folder)
    segment = f"/rlc-scenario-{os.getpid()}-{name}"
    env = ctx.env()
    extra = {}
    try:
        _, url = start_simulator(procs, ctx.source, ctx.sim_args())
        if arm["ini"]:
            ini = os.path.join(folder, "rlc.ini")
            with open(os.path.join(ctx.source, "etc/binance-usdm.ini")) as f:
                profile = f.read()
            with open(os.path.join(ctx.source, f"tools/scenario/ini/{arm['ini']}.ini")) as f:
                overlay = f.read()
            with open(ini, "w") as f:
                f.write(config.merge(profile, overlay, {**ctx.ini_values(), **arm.get("values", {})}))
            start_rlcd(procs, ctx.rlcd, ctx.rlctl, ini, segment, env)
        w = ctx.window_ms
        lead = arm.get("lead_ms", LEAD_MS)
        after_x = time.time() * 1000 + ctx.clock_offset_ms + 200
        if arm["ini"]:
            after_x = _learn_clock(ctx, procs, url, segment, w)
        # the first window: the next boundary of the exchange's clock that
        # leaves the bots `lead` to start, after the window of the clock call
        first_x = ((after_x + lead) // w + 1) * w
        first_host = first_x - ctx.clock_offset_ms
        windows = [(first_x + i * w, label) for i, label in enumerate(arm["labels"])]
        seconds = (lead + arm.get("after_ms", len(windows) * w + TAIL_MS)) / 1000
        _sleep_until_ms(first_host - lead)
        started_ms = time.time() * 1000
        running = []
        for i, b in enumerate(bots):
            argv, benv = lineup_mod.command(ctx, b, url, seconds, arm["limiter"],
                                            measure.log_path(folder, b["name"]), segment, 1000 * ctx.seed + i)
            running.append((b, procs.start(b["name"], argv, env=benv)))
        if "mode" in arm["labels"]:
            k = arm["labels"].index("mode")
            _sleep_until_ms(first_host + k * w + MODE_AT_MS)
            t0 = time.time() * 1000
            r = subprocess.run([ctx.rlctl, "-s", segment, "mode", "binance-usdm", "liquidation",
                                "--for", f"{MODE_FOR_S}s"], env=env, capture_output=True, text=True)
            t1 = time.time() * 1000
            if r.returncode != 0:
                raise RuntimeError("rlctl mode: " + r.stderr.strip())
            extra["mode"] = {"command_ms": [t0, t1], "on_ms": t1, "off_ms": t0 + MODE_FOR_S * 1000}
        if name == "ban":
            _sleep_until_ms(first_host + ROGUE_AT_MS)
            n, seen, at = rogue(url, ROGUE)
            extra["rogue"] = {"requests": n, "statuses": seen, "banned_at_ms": at}
        for b, p in running:
            try:
                p.wait(seconds + 30)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"{b['name']} did not end after {seconds} s") from None
            if p.returncode != 0:
                raise RuntimeError(f"{b['name']} exited {p.returncode}: "
                                   + procs.read(b["name"], ".err")[-500:])
        report = sim_report(url)
    finally:
        procs.stop_all()
        for f in (f"/dev/shm{segment}",):
            if os.path.exists(f):
                os.remove(f)
    with open(os.path.join(folder, "sim-report.json"), "w") as f:
        import json
        json.dump(report, f)
    logs = {b["name"]: measure.load_log(measure.log_path(folder, b["name"])) for b in bots}
    fig = measure.figures(name, report, logs, bots, windows, ctx.capacity)
    fig["title"] = arm["title"]
    fig["limiter"] = arm["limiter"]
    fig["started_ms"] = started_ms
    fig["totals"] = {b["name"]: procs.read(b["name"], ".out").strip() for b in bots}
    if "mode" in extra:
        fig["mode"] = measure.mode_figures(logs, extra["mode"]["on_ms"] + 20, extra["mode"]["off_ms"] - 20)
        fig["mode"]["command_ms"] = extra["mode"]["command_ms"]
    if name == "ban":
        fig["ban"] = measure.ban_figures(report, logs, ctx.clock_offset_ms, ROGUE)
        fig["ban"]["rogue_client"] = extra.get("rogue")
    return fig
