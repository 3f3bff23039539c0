# SPDX-License-Identifier: MIT
"""The scenario's report: report.json (everything), report.md (the
comparison table and the checks) and utilization.svg (weight accepted per
window, per arm), written by hand: no plotting library."""

import json
import os
from xml.sax.saxutils import escape

ORDER = ["fixed", "window", "window64", "own", "split", "ban"]
COLOURS = {"fixed": "#1b7837", "window": "#5aae61", "window64": "#a6dba0", "own": "#d73027", "split": "#f4a582",
           "ban": "#4575b4"}


def _pct(x):
    return "-" if x is None else f"{100 * x:.1f}%"


def _ms(x):
    return "-" if x is None else f"{x:.1f}"


def markdown(doc):
    figs = doc["arms"]
    lines = [
        "| arm | requests served | 429s | 418s | bans | budget used (steady windows, of 2400) "
        "| wait before send p50 / p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ORDER:
        f = figs.get(name)
        if not f or name == "ban":
            continue
        used = f"{_pct(f['steady_utilization_mean'])} (min {_pct(f['steady_utilization_min'])})"
        lines.append(f"| {f['title']} | {f['served']} | {f['status_429']} | {f['status_418']} "
                     f"| {f['bans']} | {used} | {_ms(f['wait_ms_p50'])} / {_ms(f['wait_ms_p99'])} |")
    out = ["# rlc scenario report", "",
           f"8 bots on one IP against rlc-exchange-sim (Binance USD-M, 2400 weight per minute), "
           f"time scale {doc['setup']['time_scale']}: a minute lasts {doc['setup']['window_ms'] / 1000:g} s.",
           "", *lines, ""]
    m = figs.get("fixed", {}).get("mode")
    if m:
        out.append(f"Liquidation mode for {m['off_ms'] - m['on_ms'] + 40:.0f} ms in arm (a): sent by priority "
                   f"{m['sent_by_priority']}; LOW/NORMAL given up {m['low_normal_given_up']}.")
    b = figs.get("ban", {}).get("ban")
    if b and b.get("first_418_fed_back"):
        fed = b["first_418_fed_back"]
        out.append(f"Ban propagation: a rogue client without rlc got the IP banned for "
                   f"{(b['ban']['until_ms'] - b['ban']['at_ms']) / 1000:.1f} s; {fed['bot']} fed the 418 back; "
                   f"after that the bots sent {b['sent_during_ban_after_feedback']} requests until the ban "
                   f"ended (418s to rlc bots in all: {b['bots_418']}), were refused as blocked "
                   f"{sum(b['blocked_during_ban_by_bot'].values())} times, and sent {b['ok_after_ban']} "
                   f"requests answered 200 after it.")
    subs = [x for x in doc["lineup"] if x["why"]]
    bots = ", ".join(f"{x['name']} ({x['played_by']})" for x in doc["lineup"])
    out += ["", f"Bots: {bots}."]
    if subs:
        out.append("Played by the C bot: " + "; ".join(f"{x['name']}: {x['why']}" for x in subs) + ".")
    if doc.get("checks"):
        out += ["", "| check | arm | result |", "|---|---|---|"]
        for c in doc["checks"]:
            out.append(f"| {c['check']} | {c['arm']} | {'ok' if c['ok'] else '**FAILED**'}: {escape(c['detail'])} |")
    return "\n".join(out) + "\n"


def svg(doc):
    """Utilization per window of each arm, as lines over the window index."""
    figs = [doc["arms"][n] for n in ORDER if n in doc["arms"] and n != "ban"]
    width, height, left, right, top, bottom = 640, 320, 56, 200, 20, 44
    n = max((len(f["windows"]) for f in figs), default=1)
    pw, ph = width - left - right, height - top - bottom
    top_pct = 110

    def x(i):
        return left + (i + 0.5) * pw / n

    def y(pct):
        return top + ph * (1 - pct / top_pct)

    el = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
          f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
          f'<rect width="{width}" height="{height}" fill="white"/>',
          f'<text x="{left}" y="14" font-weight="bold">Share of the exchange\'s 2400 weight per window '
          f'used by 8 bots</text>']
    for pct in (0, 20, 40, 60, 80, 100):
        el.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(pct):.1f}" y2="{y(pct):.1f}" stroke="#ddd"/>')
        el.append(f'<text x="{left - 6}" y="{y(pct) + 4:.1f}" text-anchor="end">{pct}%</text>')
    for pct, label in ((98, "98%"), (93, "93%")):
        el.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(pct):.1f}" y2="{y(pct):.1f}" '
                  f'stroke="#888" stroke-dasharray="4 3"/>')
        el.append(f'<text x="{left + pw + 4}" y="{y(pct) + 4:.1f}" fill="#888">{label}</text>')
    for i in range(n):
        el.append(f'<text x="{x(i):.1f}" y="{top + ph + 16}" text-anchor="middle">window {i + 1}</text>')
    el.append(f'<text x="{left + pw / 2}" y="{height - 6}" text-anchor="middle">'
              f'windows of the exchange\'s clock ({doc["setup"]["window_ms"] / 1000:g} s each)</text>')
    for k, f in enumerate(figs):
        c = COLOURS.get(f["arm"], "black")
        pts = [(x(i), y(100 * w["utilization"])) for i, w in enumerate(f["windows"])]
        el.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="'
                  + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
        for (a, b), w in zip(pts, f["windows"]):
            shape = "rect" if w["label"] != "steady" else "circle"
            if shape == "circle":
                el.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4" fill="{c}"/>')
            else:
                el.append(f'<rect x="{a - 4:.1f}" y="{b - 4:.1f}" width="8" height="8" fill="white" stroke="{c}"/>')
        ly = top + 20 + 34 * k
        el.append(f'<line x1="{left + pw + 36}" x2="{left + pw + 56}" y1="{ly}" y2="{ly}" stroke="{c}" stroke-width="3"/>')
        el.append(f'<text x="{left + pw + 60}" y="{ly + 4}">{escape(f["arm"])}: '
                  f'{_pct(f["steady_utilization_mean"])}</text>')
        el.append(f'<text x="{left + pw + 60}" y="{ly + 18}" fill="#555">{f["status_429"]} 429s, '
                  f'{f["bans"]} bans</text>')
    ly = top + 20 + 34 * len(figs)
    el.append(f'<rect x="{left + pw + 42}" y="{ly - 4}" width="8" height="8" fill="white" stroke="black"/>')
    el.append(f'<text x="{left + pw + 60}" y="{ly + 4}">liquidation mode</text>')
    el.append("</svg>")
    return "\n".join(el) + "\n"


def write(out, doc):
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(markdown(doc))
    with open(os.path.join(out, "utilization.svg"), "w") as f:
        f.write(svg(doc))
