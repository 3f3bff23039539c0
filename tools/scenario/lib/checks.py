# SPDX-License-Identifier: MIT
"""The scenario's assertions: rlc's zero 429s and bans at its utilization
targets, the mode and the ban propagation, and what the two arms without
rlc show. Each returns (ok, what it says)."""

FIXED_TARGET = 0.98   # of the documented 2400 per window, fixed windows
WINDOW_TARGET = 0.93  # sliding window, with the profile's 5% buffer
SPLIT_MAX = 0.80      # a static split under skew wastes at least a fifth


def _pct(x):
    return "-" if x is None else f"{100 * x:.1f}%"


def _logs_true(fig):
    bad = [f"{b['bot']} logged {b['sent']} sent, the simulator answered {b['sim_requests']}"
           for b in fig["bots"] if b["sent"] != b["sim_requests"]]
    return (not bad, "every request a bot logged as sent, and no other, reached the simulator"
            if not bad else "; ".join(bad))


def _clean(fig):
    ok = fig["status_429"] == 0 and fig["status_418"] == 0 and fig["bans"] == 0
    return ok, f"{fig['status_429']} 429s, {fig['status_418']} 418s, {fig['bans']} bans"


def check(figs):
    out = []

    def add(arm, what, result):
        out.append({"arm": arm, "check": what, "ok": bool(result[0]), "detail": result[1]})

    if "fixed" in figs:
        f = figs["fixed"]
        add("fixed", "zero 429s and bans", _clean(f))
        u = f["steady_utilization_min"]
        add("fixed", f"every steady window >= {_pct(FIXED_TARGET)} of 2400",
            (u is not None and u >= FIXED_TARGET,
             "windows " + ", ".join(f"{w['accepted']}" for w in f["windows"] if w["label"] == "steady")
             + f"; mean {_pct(f['steady_utilization_mean'])}"))
        m = f.get("mode", {})
        by = m.get("sent_by_priority", {})
        add("fixed", "no LOW or NORMAL request sent during liquidation mode",
            (m and m["low_normal_sent"] == 0 and m["low_normal_given_up"] > 0,
             f"sent during the mode: {by}; LOW/NORMAL given up: {m.get('low_normal_given_up')}"))
        add("fixed", "CRITICAL and HIGH still sent during the mode",
            (by.get("high", 0) + by.get("critical", 0) > 0, f"{by}"))
        add("fixed", "the logs are the simulator's truth", _logs_true(f))
    if "window" in figs:
        f = figs["window"]
        add("window", "zero 429s and bans", _clean(f))
        u = f["steady_utilization_mean"]
        add("window", f"steady windows >= {_pct(WINDOW_TARGET)} of 2400 on average",
            (u is not None and u >= WINDOW_TARGET,
             "windows " + ", ".join(f"{w['accepted']}" for w in f["windows"] if w["label"] == "steady")
             + f"; mean {_pct(u)}"))
        add("window", "the logs are the simulator's truth", _logs_true(f))
    if "window64" in figs:
        add("window64", "zero 429s and bans", _clean(figs["window64"]))
    if "own" in figs:
        f = figs["own"]
        add("own", "own limiters at full budget get 429s and a ban",
            (f["status_429"] > 0 and f["bans"] > 0,
             f"{f['status_429']} 429s, {f['status_418']} 418s, {f['bans']} bans"))
    if "split" in figs:
        f = figs["split"]
        u = f["steady_utilization_mean"]
        heavy = next((b for b in f["bots"] if b["mix"] == "heavy"), None)
        add("split", f"a static split wastes the budget under skew (< {_pct(SPLIT_MAX)})",
            (u is not None and u < SPLIT_MAX and heavy and heavy["timeout"] > 0,
             f"mean {_pct(u)} of 2400 used while the heavy bot gave up {heavy and heavy['timeout']} calls"))
    if "ban" in figs:
        f = figs["ban"]
        b = f["ban"]
        fed = b.get("first_418_fed_back")
        add("ban", "a real 418: the rogue client got the IP banned",
            (b.get("ban") is not None and (b.get("rogue_client") or {}).get("banned_at_ms") is not None,
             f"ban {b.get('ban')}, rogue {b.get('rogue_client')}"))
        add("ban", "an rlc bot received a 418 (its feedback is what the next checks test)", (fed is not None, f"{fed}"))
        blocked = b.get("blocked_during_ban_by_bot", {})
        add("ban", "after that feedback no rlc bot sent anything until the ban ended",
            (fed is not None and b["sent_during_ban_after_feedback"] == 0,
             f"{b.get('sent_during_ban_after_feedback')} sent; 418s to rlc bots in all: {b.get('bots_418')}"))
        add("ban", "every bot was refused as blocked meanwhile",
            (blocked and all(v > 0 for v in blocked.values()), f"{blocked}"))
        add("ban", "the bots resumed after the ban", (b.get("ok_after_ban", 0) > 0, f"{b.get('ok_after_ban')} ok"))
        add("ban", "the logs are the simulator's truth", _logs_true(f))
    return out
