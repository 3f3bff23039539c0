# SPDX-License-Identifier: MIT
"""The eight bots on one IP: one heavy data collector and seven light
strategies, in C, Python (rlc.aiohttp) and Node (ccxt with rlc's adapter).
A language whose bot cannot run here (its binding not built, ccxt not
installed) is played by the C bot, and the report says so."""

import os
import shutil
import subprocess

# name, language, mix, account (also the API key the simulator counts orders by)
LINEUP = [
    ("heavy", "c", "heavy", "main"),
    ("light-c1", "c", "light", "main"),
    ("light-c2", "c", "light", "hedge"),
    ("light-c3", "c", "light", "main"),
    ("light-py1", "py", "light", "hedge"),
    ("light-py2", "py", "light", "main"),
    ("light-js1", "node", "light", "hedge"),
    ("light-js2", "node", "light", "main"),
]


def _python_ok(ctx):
    bot = os.path.join(ctx.source, "tools/scenario/bots/bot.py")
    if not os.path.exists(bot):
        return "tools/scenario/bots/bot.py is not there"
    r = subprocess.run(["/usr/bin/python3", "-c", "import rlc.aiohttp"], env=ctx.python_env(),
                       capture_output=True, text=True)
    return None if r.returncode == 0 else "rlc.aiohttp does not import: " + r.stderr.strip()[-200:]


def _node_ok(ctx):
    bot = os.path.join(ctx.source, "tools/scenario/bots/bot.js")
    if not os.path.exists(bot):
        return "tools/scenario/bots/bot.js is not there"
    if not shutil.which("node"):
        return "node is not installed"
    r = subprocess.run(["node", bot, "--probe"], env=ctx.node_env(), capture_output=True, text=True)
    return None if r.returncode == 0 else "the Node bot cannot run: " + (r.stderr or r.stdout).strip()[-200:]


def lineup(ctx, only_c=False):
    """[{name, lang, mix, account, played_by, why}]."""
    why = {"c": None, "py": "--c-only" if only_c else _python_ok(ctx),
           "node": "--c-only" if only_c else _node_ok(ctx)}
    out = []
    for name, lang, mix, account in LINEUP:
        out.append({"name": name, "lang": lang, "mix": mix, "account": account,
                    "played_by": "c" if why[lang] else lang, "why": why[lang]})
    return out


def command(ctx, bot, url, seconds, limiter, log, segment, seed):
    args = ["--url", url, "--name", bot["name"], "--seconds", f"{seconds:.2f}", "--log", log,
            "--limiter", limiter, "--window-ms", str(ctx.window_ms), "--mix", bot["mix"],
            "--account", bot["account"], "--api-key", bot["account"], "--seed", str(seed)]
    if limiter == "rlc":
        args += ["--segment", segment]
    lang = bot["played_by"]
    if lang == "py":
        return ["/usr/bin/python3", os.path.join(ctx.source, "tools/scenario/bots/bot.py")] + args, ctx.python_env()
    if lang == "node":
        return ["node", os.path.join(ctx.source, "tools/scenario/bots/bot.js")] + args, ctx.node_env()
    return [ctx.bot_exe] + args, ctx.env()
