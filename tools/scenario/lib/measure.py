# SPDX-License-Identifier: MIT
"""What one arm shows, from the simulator's report (the exchange's side:
weight accepted per window, 429s, bans) and the bots' JSON logs (their
side: waits, what they sent when)."""

import json
import os

SENT = {"ok", "429", "418", "403", "other", "failed"}


def load_log(path):
    lines = []
    with open(path) as f:
        for n, text in enumerate(f, 1):
            try:
                lines.append(json.loads(text))
            except ValueError as e:
                raise ValueError(f"{path}:{n}: not a JSON line: {e}") from None
    return lines


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100 * (len(v) - 1)))))
    return v[k]


def ip_windows(report):
    """{exchange-clock start ms: accepted weight} of the IP's weight limit."""
    out = {}
    for s in report["limits"]:
        if s["limit"] == "ip.weight":
            for w in s["windows"]:
                out[int(w["start_ms"])] = out.get(int(w["start_ms"]), 0) + w["accepted"]
    return out


def bots_table(report, logs, lineup):
    rows = []
    for b in lineup:
        lines = logs.get(b["name"], [])
        sim = report["bots"].get(b["name"], {})
        sent = [x for x in lines if x["outcome"] in SENT]
        rows.append({
            "bot": b["name"], "lang": b["lang"], "mix": b["mix"],
            "wanted": len(lines), "sent": len(sent),
            "sim_requests": sim.get("requests", 0), "ok": sim.get("ok", 0),
            "status_429": sim.get("status_429", 0), "status_418": sim.get("status_418", 0),
            "weight_ok": sum(x["weight"] for x in sent if x["outcome"] == "ok"),
            "timeout": sum(x["outcome"] == "timeout" for x in lines),
            "blocked": sum(x["outcome"] == "blocked" for x in lines),
            "refused": sum(x["outcome"] == "refused" for x in lines),
        })
    return rows


def figures(arm, report, logs, lineup, windows, capacity):
    """The arm's figures. `windows`: [(exchange start ms, label)] of the
    windows the arm ran, label "steady", "mode", "ban", ..."""
    acc = ip_windows(report)
    per_window = [{"start_ms": s, "accepted": acc.get(s, 0), "label": label,
                   "utilization": acc.get(s, 0) / capacity} for s, label in windows]
    steady = [w["utilization"] for w in per_window if w["label"] == "steady"]
    rows = bots_table(report, logs, lineup)
    sent = [x for n in logs for x in logs[n] if x["outcome"] in SENT]
    waits = [x["wait_ms"] for x in sent]
    rtts = [x["rtt_ms"] for x in sent if x.get("rtt_ms") is not None and x["status"]]
    return {
        "arm": arm,
        "served": sum(r["ok"] for r in rows),
        "status_429": sum(r["status_429"] for r in rows),
        "status_418": sum(r["status_418"] for r in rows),
        "bans": len(report["bans"]),
        "windows": per_window,
        "steady_utilization_mean": sum(steady) / len(steady) if steady else None,
        "steady_utilization_min": min(steady) if steady else None,
        "wait_ms_p50": percentile(waits, 50), "wait_ms_p99": percentile(waits, 99),
        "rtt_ms_p50": percentile(rtts, 50), "rtt_ms_p99": percentile(rtts, 99),
        "rtt_ms_max": max(rtts) if rtts else None,
        "bots": rows,
    }


def during(logs, lo_ms, hi_ms, outcomes=SENT):
    """Log lines with t_ms in [lo, hi] and one of `outcomes`."""
    return [x for n in logs for x in logs[n] if lo_ms <= x["t_ms"] <= hi_ms and x["outcome"] in outcomes]


def mode_figures(logs, on_ms, off_ms):
    """What was sent while the liquidation mode was surely on."""
    sent = during(logs, on_ms, off_ms)
    by = {p: sum(x["priority"] == p for x in sent) for p in ("critical", "high", "normal", "low")}
    given_up = during(logs, on_ms, off_ms, {"timeout", "blocked", "refused"})
    return {"on_ms": on_ms, "off_ms": off_ms, "sent_by_priority": by,
            "low_normal_sent": by["low"] + by["normal"],
            "low_normal_given_up": sum(x["priority"] in ("low", "normal") for x in given_up)}


def ban_figures(report, logs, offset_ms, rogue_name):
    """A ban begun by the rogue, the first 418 a bot fed back, and what the
    bots sent between that feedback and the ban's end."""
    bans = report["bans"]
    if not bans:
        return {"ban": None}
    ban = bans[0]
    until_host = ban["until_ms"] - offset_ms
    at_host = ban["at_ms"] - offset_ms
    got = sorted((x["t_ms"] + x.get("rtt_ms", 0), x["bot"]) for n in logs for x in logs[n]
                 if x["outcome"] == "418")
    out = {"ban": {"at_ms": at_host, "until_ms": until_host}, "rogue": report["bots"].get(rogue_name)}
    if not got:
        out["first_418_fed_back"] = None
        return out
    fed_ms, fed_by = got[0]
    after = [x for x in during(logs, fed_ms + 1, until_host)]
    blocked = {n: sum(1 for x in logs[n] if fed_ms < x["t_ms"] < until_host and x["outcome"] == "blocked")
               for n in logs}
    resumed = during(logs, until_host, float("inf"), {"ok"})
    out.update({
        "first_418_fed_back": {"t_ms": fed_ms, "bot": fed_by},
        "bots_418": len(got),
        "sent_during_ban_after_feedback": len(after),
        "blocked_during_ban_by_bot": blocked,
        "ok_after_ban": len(resumed),
    })
    return out


def log_path(folder, name):
    return os.path.join(folder, name + ".jsonl")
