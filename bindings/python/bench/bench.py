#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Python binding's cost, beside what bots use today, in one run.

Starts an rlcd of its own (RLCD, else build/src/rlcd/rlcd) on a segment of
its own, and a redis-server on loopback (when there is one), then prints
the median of several rounds, in ns per request, of:

  rlc C floor       rlc_reserve + rlc_refund looped in C (the extension's
                    _bench_c): what the binding adds its cost to
  rlc reserve+refund  c.refund(c.reserve(ep)) from Python: the binding
  python loop       an empty `for` loop, for scale (included in the rows below)
  bucket (sync)     a pure-Python in-process token bucket, as the seeds'
                    bots write it (time.time(), a dict per bucket)
  bucket (asyncio)  the same behind an asyncio.Lock, awaited, as the seeds'
                    GlobalRateLimiter.acquire()
  redis gcra        a GCRA take by a Lua script (EVALSHA) through
                    python3-redis, on a redis-server on 127.0.0.1

and the ratios against rlc reserve+refund, with the targets: the binding
<= 200 ns, the bucket >= 10x slower, redis >= 500x slower.

usage: bench.py [--quick] [--rounds N] [--check]
  --quick  few iterations (a smoke test: seconds)
  --check  exit 1 when a target is missed
"""

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

BENCH_INI = """\
[rlcd]
heartbeat = 100ms
clients = 8

[exchange bx]

; large enough never to refuse: each grant is refunded at once
[limit bx.ip.weight]
capacity = 1000000
interval = 1m
slots = 64

[endpoint bx GET /api/v3/ping]
ip.weight = 1
"""

GCRA_LUA = """
local now = tonumber(ARGV[1])        -- microseconds
local emission = tonumber(ARGV[2])   -- microseconds per token
local tolerance = tonumber(ARGV[3])  -- burst x emission
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + emission
if next_tat - now > tolerance then
  return {0, next_tat - now - tolerance}
end
redis.call('SET', KEYS[1], next_tat, 'PX', math.ceil(tolerance / 1000) + 1000)
return {1, 0}
"""


class SeedBucket:
    """A token bucket per endpoint class, as seed 000's rate_limit() keeps
    it (refill by elapsed time, take one), without its sleep."""

    def __init__(self, limit):
        self.tracker = {"default": {"limit": limit, "tokens": limit, "last_refill": time.time()}}

    def acquire(self, endpoint="default"):
        bucket = self.tracker.get(endpoint, self.tracker["default"])
        now = time.time()
        time_passed = now - bucket["last_refill"]
        bucket["tokens"] = min(bucket["limit"], bucket["tokens"] + time_passed * bucket["limit"])
        bucket["last_refill"] = now
        if bucket["tokens"] >= 1:
            bucket["tokens"] -= 1
            return True
        return False


class SeedGlobalLimiter:
    """Seed 004's GlobalRateLimiter: a token bucket behind an asyncio.Lock."""

    def __init__(self, per_minute, burst):
        self.tokens = float(burst)
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.last = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self, weight=1):
        async with self._lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= weight:
                self.tokens -= weight
                return
            await asyncio.sleep((weight - self.tokens) / self.rate)
            self.tokens = 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(what, cond, seconds=10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise SystemExit("bench: not within %.0f s: %s" % (seconds, what))


def median_ns(fn, n, rounds):
    """The median over `rounds` of fn(n)'s ns per iteration."""
    out = []
    for _ in range(rounds):
        t = time.perf_counter_ns()
        fn(n)
        out.append((time.perf_counter_ns() - t) / n)
    return statistics.median(out)


def start_rlcd(tmp):
    import rlc
    exe = os.environ.get("RLCD") or os.path.join(ROOT, "build", "src", "rlcd", "rlcd")
    if not os.access(exe, os.X_OK):
        raise SystemExit("bench: no rlcd at %s (set RLCD)" % exe)
    ini = os.path.join(tmp, "bench.ini")
    with open(ini, "w") as f:
        f.write(BENCH_INI)
    run = os.path.join(tmp, "run")
    os.mkdir(run, 0o700)
    seg = "/rlc-bench-py-%d" % os.getpid()
    env = dict(os.environ, RLC_RUNTIME_DIR=run)
    p = subprocess.Popen([exe, "-c", ini, "-s", seg], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)

    def ready():
        if p.poll() is not None:
            raise SystemExit("bench: rlcd exited %d" % p.returncode)
        try:
            rlc.Client(seg, readonly=True).close()
            return True
        except rlc.RlcError:
            return False

    until("rlcd publishes " + seg, ready)
    return p, seg


def start_redis(tmp):
    exe = shutil.which("redis-server")
    try:
        import redis
    except ImportError:
        return None, None, "python3-redis is not installed"
    if not exe:
        return None, None, "no redis-server (apt-get install redis-server)"
    port = free_port()
    p = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    r = redis.Redis(host="127.0.0.1", port=port)

    def ready():
        try:
            return r.ping()
        except redis.exceptions.ConnectionError:
            return False

    until("redis-server answers", ready)
    return p, r, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=0)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    rounds = a.rounds or (3 if a.quick else 9)
    n = 100_000 if a.quick else 1_000_000
    n_redis = 2_000 if a.quick else 20_000
    n_async = n // 5

    import rlc
    tmp = tempfile.mkdtemp(prefix="rlc-bench-py-")
    rlcd = redis_proc = None
    seg = None
    try:
        rlcd, seg = start_rlcd(tmp)
        c = rlc.Client(seg, "bench")
        ep = c.exchange("bx").endpoint("GET", "/api/v3/ping")
        rows = {}

        c._bench_c(ep, n // 10)  # warm up
        rows["rlc C floor"] = statistics.median(c._bench_c(ep, n) for _ in range(rounds))

        def rlc_pair(k, reserve=c.reserve, refund=c.refund, ep=ep):
            for _ in range(k):
                refund(reserve(ep))

        rlc_pair(n // 10)
        rows["rlc reserve+refund"] = median_ns(rlc_pair, n, rounds)

        def empty(k):
            for _ in range(k):
                pass

        rows["python loop"] = median_ns(empty, n, rounds)

        bucket = SeedBucket(10**9)

        def seed_sync(k, acquire=bucket.acquire):
            for _ in range(k):
                acquire()

        rows["bucket (sync)"] = median_ns(seed_sync, n, rounds)

        limiter = SeedGlobalLimiter(10**12, 10**12)

        def seed_async(k):
            async def run():
                acquire = limiter.acquire
                for _ in range(k):
                    await acquire()
            asyncio.run(run())

        rows["bucket (asyncio)"] = median_ns(seed_async, n_async, rounds)

        redis_proc, r, why = start_redis(tmp)
        if r is not None:
            take = r.register_script(GCRA_LUA)

            def gcra(k):
                for _ in range(k):
                    take(keys=["bench:gcra"], args=[int(time.time() * 1e6), 1, 10**12])

            gcra(n_redis // 10)
            rows["redis gcra"] = median_ns(gcra, n_redis, rounds)
        c.close()
    finally:
        if rlcd is not None:
            rlcd.kill()
            rlcd.wait()
        if redis_proc is not None:
            redis_proc.kill()
            redis_proc.wait()
        if seg and os.path.exists("/dev/shm" + seg):
            os.unlink("/dev/shm" + seg)
        shutil.rmtree(tmp, ignore_errors=True)

    base = rows["rlc reserve+refund"]
    print("python %s, %d rounds, median ns per request" % (sys.version.split()[0], rounds))
    print("%-22s %12s %10s" % ("case", "median ns", "vs rlc"))
    for name, v in rows.items():
        print("%-22s %12.1f %9.1fx" % (name, v, v / base))
    if "redis gcra" not in rows:
        print("redis gcra: skipped: %s" % why)
    missed = []

    def target(what, ok, text):
        print("target: %s: %s: %s" % (what, text, "met" if ok else "MISSED"))
        if not ok:
            missed.append(what)

    target("rlc reserve+refund <= 200 ns", base <= 200, "%.1f ns (C floor %.1f ns, binding %.1f ns "
           "more, loop %.1f ns of it)" % (base, rows["rlc C floor"], base - rows["rlc C floor"],
                                         rows["python loop"]))
    for name in ("bucket (sync)", "bucket (asyncio)"):
        target("%s >= 10x slower" % name, rows[name] >= 10 * base, "%.1fx" % (rows[name] / base))
    if "redis gcra" in rows:
        target("redis gcra >= 500x slower", rows["redis gcra"] >= 500 * base,
               "%.0fx" % (rows["redis gcra"] / base))
    return 1 if a.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
