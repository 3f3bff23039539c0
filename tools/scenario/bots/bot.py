#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The scenario's Python bot: a Binance USD-M strategy over aiohttp, through
rlc.aiohttp (--limiter rlc: the one-line change) or, as bots do today, a
pure-Python sliding-window limiter of its own (--limiter own:W) with the
backoff such bots write. Its calls are those of tools/demo/bot_mix.c
(mix.json); one JSON line per call it wanted (tools/scenario/README.md);
a key=value totals line at the end."""

import argparse
import asyncio
import collections
import json
import os
import random
import signal
import sys
import time
import types

import aiohttp

HERE = os.path.dirname(os.path.abspath(__file__))
SENT = ("ok", "429", "418", "403", "other", "failed")


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="the exchange (http://127.0.0.1:PORT)")
    p.add_argument("--name", default=f"py-bot-{os.getpid()}", help="also sent as X-Sim-Bot")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--log", help="one JSON line per call")
    p.add_argument("--limiter", default="rlc", help="rlc, or own:W")
    p.add_argument("--segment", default=None, help="rlc's segment (default $RLC_SEGMENT)")
    p.add_argument("--window-ms", type=int, default=60000, help="the (scaled) minute")
    p.add_argument("--mix", choices=("heavy", "light"), default="light")
    p.add_argument("--account", default=None)
    p.add_argument("--api-key", default=None)
    p.add_argument("--seed", type=int, default=None)
    a = p.parse_args(argv)
    if not a.url.startswith("http://"):
        p.error(f"--url {a.url}: not http://HOST:PORT")
    if not 0 < a.seconds <= 86400:
        p.error(f"--seconds {a.seconds}: not in (0, 86400]")
    if not 100 <= a.window_ms <= 3600000:
        p.error(f"--window-ms {a.window_ms}: not in [100, 3600000]")
    a.own = None
    if a.limiter.startswith("own:"):
        try:
            a.own = int(a.limiter[4:])
        except ValueError:
            a.own = 0
        if not 1 <= a.own <= 16777215:
            p.error(f"--limiter {a.limiter}: W must be a whole number from 1")
    elif a.limiter != "rlc":
        p.error(f"--limiter {a.limiter}: rlc or own:W")
    a.api_key = a.api_key or a.account or "main"
    return a


class Mix:
    """What the bot calls next: mix.json, drawn as bot_mix.c draws it."""

    def __init__(self, kind, window_ms, seed):
        with open(os.path.join(HERE, "mix.json")) as f:
            self.m = json.load(f)
        self.kind, self.window_ms = kind, window_ms
        self.rnd = random.Random(seed)
        self.think_ms = window_ms / self.m["think_per_window"]
        self.next_candle = None
        self.burst = []
        self.cancel_due = False

    def next(self, exchange_ms):
        """(call, think seconds before it)."""
        m = self.m
        if self.cancel_due:
            self.cancel_due = False
            return m["cancel"], 0.0
        if self.kind == "heavy":
            return self.rnd.choice(m["heavy"]), 0.0
        if exchange_ms and self.next_candle is None:
            self.next_candle = (exchange_ms // self.window_ms + 1) * self.window_ms
        if self.next_candle and exchange_ms >= self.next_candle:
            self.next_candle = (exchange_ms // self.window_ms + 1) * self.window_ms
            self.burst = list(m["burst"])
        if self.burst:
            return self.burst.pop(0), 0.0
        think = (self.think_ms / 2 + self.rnd.random() * self.think_ms) / 1000
        r = self.rnd.randrange(100)
        if r < m["picks"]["market"]:
            return self.rnd.choice(m["market"]), think
        if r < m["picks"]["market"] + m["picks"]["account"]:
            return self.rnd.choice(m["account"]), think
        return m["order"], think

    def done(self, call, sent):
        if call.get("order") and sent and self.rnd.randrange(self.m["cancel_one_in"]) == 0:
            self.cancel_due = True


class OwnLimiter:
    """A sliding window of W weight per window, as the seeds keep it (a
    deque of (time, weight)), believing it owns the budget; after the n-th
    429 in a row it backs off 2^n (scaled) seconds, after a 418 its
    Retry-After."""

    def __init__(self, capacity, window_ms):
        self.capacity, self.window = capacity, window_ms / 1000
        self.log = collections.deque()
        self.used = 0
        self.backoff_until = 0.0
        self.streak = 0

    def _expire(self, now):
        while self.log and self.log[0][0] + self.window <= now:
            self.used -= self.log.popleft()[1]

    def _fits_at(self, weight, now):
        over = self.used + weight - self.capacity
        if over <= 0:
            return now
        for t, w in self.log:
            over -= w
            if over <= 0:
                return t + self.window
        return now

    async def take(self, weight, deadline):
        now = time.monotonic()
        if self.backoff_until > now:
            if self.backoff_until > deadline:
                await asyncio.sleep(max(0.0, deadline - now))
                return "blocked"
            await asyncio.sleep(self.backoff_until - now)
            now = time.monotonic()
        if weight == 0:
            return None
        if weight > self.capacity:
            await asyncio.sleep(max(0.0, deadline - now))
            return "timeout"
        self._expire(now)
        when = self._fits_at(weight, now)
        if when > deadline:
            await asyncio.sleep(max(0.0, deadline - now))
            return "timeout"
        if when > now:
            await asyncio.sleep(when - now)
            now = time.monotonic()
            self._expire(now)
        self.log.append((now, weight))
        self.used += weight
        return None

    def answer(self, status, retry_after):
        now = time.monotonic()
        if status == 429:
            self.streak = min(self.streak + 1, 6)
            d = min(2 ** self.streak, 60) * self.window / 60
        elif status == 418:
            d = retry_after if retry_after else 2 * self.window
        else:
            if 200 <= status < 300:
                self.streak = 0
            return
        self.backoff_until = max(self.backoff_until, now + d)


def outcome_of(status, code):
    if status == 0:
        return "failed"
    if status in (429, 418, 403):
        return str(status)
    return "ok" if 200 <= status < 300 and code is None else "other"


def body_facts(body):
    """The exchange's error code and server time of a JSON body."""
    try:
        obj = json.loads(body)
    except (ValueError, UnicodeDecodeError, TypeError):
        return None, None
    if not isinstance(obj, dict):
        return None, None
    code = obj.get("code")
    code = code if isinstance(code, int) and code != 0 else None
    t = obj.get("serverTime") or obj.get("E") or obj.get("time")
    return code, t if isinstance(t, int) else None


class Bot:
    def __init__(self, a):
        self.a = a
        self.mix = Mix(a.mix, a.window_ms, a.seed)
        self.offset_ms = None
        self.log = open(a.log, "w") if a.log else None
        self.totals = collections.Counter()
        self.stop = False
        self.own = OwnLimiter(a.own, a.window_ms) if a.own else None

    def exchange_ms(self):
        return None if self.offset_ms is None else time.time() * 1000 + self.offset_ms

    def write(self, call, t_ms, wait_s, outcome, status=0, code=None, rtt_s=None):
        self.totals[outcome] += 1
        if outcome in SENT:
            self.totals["sent"] += 1
            self.totals["weight"] += call["weight"]
        if self.log:
            self.log.write(json.dumps({
                "bot": self.a.name, "lang": "python", "t_ms": round(t_ms, 3),
                "wait_ms": round(wait_s * 1000, 3), "method": call["method"], "path": call["path"],
                "weight": call["weight"], "priority": call["priority"], "outcome": outcome,
                "status": status, "code": code, "rtt_ms": None if rtt_s is None else round(rtt_s * 1000, 3),
            }, separators=(",", ":")) + "\n")

    async def sessions(self, stack):
        headers = {"X-MBX-APIKEY": self.a.api_key, "X-Sim-Bot": self.a.name}
        trace = aiohttp.TraceConfig()

        async def started(session, ctx, params):
            r = ctx.trace_request_ctx
            if r is not None and r.t_ms is None:
                r.t_ms, r.t_mono = time.time() * 1000, time.monotonic()

        trace.on_request_start.append(started)
        conn = aiohttp.TCPConnector(limit=4)
        kw = dict(headers=headers, trace_configs=[trace], connector=conn, connector_owner=False)
        if self.own:
            s = aiohttp.ClientSession(**kw)
            self.by_deadline = {"market": s, "order": s}
            return [s], conn
        import rlc
        import rlc.aiohttp

        self.client = rlc.Client(segment=self.a.segment, name=self.a.name[:31])
        self.rlc = rlc
        dl = self.mix.m["deadline_ms"]
        market = rlc.aiohttp.ClientSession(self.client, exchange="binance-usdm", account=self.a.account,
                                           wait=dl["market"] / 1000, **kw)
        order = rlc.aiohttp.ClientSession(self.client, exchange="binance-usdm", account=self.a.account,
                                          wait=dl["order"] / 1000, **kw)
        self.by_deadline = {"market": market, "order": order}
        return [market, order], conn

    async def call(self, call):
        kind = "order" if call.get("order") else "market"
        deadline_s = self.mix.m["deadline_ms"][kind] / 1000
        wanted = time.monotonic()
        session = self.by_deadline[kind]
        if self.own:
            why = await self.own.take(call["weight"], wanted + deadline_s)
            if why:
                self.write(call, time.time() * 1000, time.monotonic() - wanted, why)
                return False
        ctx = types.SimpleNamespace(t_ms=None, t_mono=None)
        try:
            async with session.request(call["method"], self.a.url + call["path"], params=call["params"],
                                       trace_request_ctx=ctx) as resp:
                body = await resp.read()
                status = resp.status
                retry = resp.headers.get("Retry-After")
        except aiohttp.ClientError:
            if ctx.t_ms is None:
                ctx.t_ms, ctx.t_mono = time.time() * 1000, time.monotonic()
            self.write(call, ctx.t_ms, ctx.t_mono - wanted, "failed", rtt_s=time.monotonic() - ctx.t_mono)
            return True
        except Exception as e:
            if self.own or not isinstance(e, self.rlc.RlcError):
                raise
            rlc = self.rlc
            why = ("timeout" if isinstance(e, rlc.ReserveTimeout) else
                   "blocked" if isinstance(e, (rlc.Blocked, rlc.BreakerOpen)) else "refused")
            # back off as long as rlc says, up to the deadline
            left = wanted + deadline_s - time.monotonic()
            retry_after = getattr(e, "retry_after", None) or 0
            if left > 0:
                await asyncio.sleep(min(retry_after, left) if retry_after else left)
            self.write(call, time.time() * 1000, time.monotonic() - wanted, why)
            return False
        rtt = time.monotonic() - ctx.t_mono
        code, server_ms = body_facts(body)
        if call is self.mix.m["time"] and server_ms:
            self.offset_ms = server_ms - (ctx.t_ms + time.time() * 1000) / 2
        if self.own:
            self.own.answer(status, int(retry) if retry and retry.isdigit() else 0)
        self.write(call, ctx.t_ms, ctx.t_mono - wanted, outcome_of(status, code), status, code, rtt)
        return True

    async def run(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.halt)
        end = time.monotonic() + self.a.seconds
        sessions, conn = await self.sessions(None)
        try:
            # the exchange's clock first, as ccxt's adjustForTimeDifference does
            await self.call(self.mix.m["time"])
            while not self.stop and time.monotonic() < end:
                call, think = self.mix.next(self.exchange_ms())
                if think:
                    await asyncio.sleep(min(think, max(0.0, end - time.monotonic())))
                if self.stop or time.monotonic() >= end:
                    break
                sent = await self.call(call)
                self.mix.done(call, sent)
        finally:
            for s in sessions:
                await s.close()
            await conn.close()
            if not self.own:
                self.client.close()
            if self.log:
                self.log.close()
        t = self.totals
        print(f"bot={self.a.name} lang=python sent={t['sent']} weight={t['weight']} ok={t['ok']} "
              f"http_429={t['429']} http_418={t['418']} timeouts={t['timeout']} blocked={t['blocked']} "
              f"failed={t['failed']}", flush=True)

    def halt(self):
        self.stop = True


def main():
    a = parse(sys.argv[1:])
    try:
        asyncio.run(Bot(a).run())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
