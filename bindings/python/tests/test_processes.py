# SPDX-License-Identifier: MIT
"""Several real Python processes (multiprocessing, spawn) on one segment:
together they stay within one budget, counted by what the exchange server
received per window; and a 429, then a 418, that one process feeds back
makes the others refuse their requests (Blocked, with the status)."""

import multiprocessing
import time

import procs
import rlc

SPAWN = multiprocessing.get_context("spawn")


def start(target, *args):
    p = SPAWN.Process(target=target, args=args, daemon=True)
    p.start()
    return p


def wait_ready(ready, n, seconds=30):
    got = [ready.get(timeout=seconds) for _ in range(n)]
    assert len(got) == n
    return got


def max_in_window(times, width):
    """The most arrivals in any interval [t, t + width)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - width:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_processes_share_one_budget(rlcd, server):
    # tx.ip.weight: 40 per second, of which LOW (ping) may fill 36
    run = 2.5
    ready, out, go = SPAWN.Queue(), SPAWN.Queue(), SPAWN.Event()
    bots = [start(procs.requests_bot, rlcd.segment, server.url, "req-%d" % i, ready, go, run, out)
            for i in range(2)]
    bots += [start(procs.aiohttp_bot, rlcd.segment, server.url, "aio-%d" % i, ready, go, run, out)
             for i in range(2)]
    wait_ready(ready, len(bots))
    go.set()  # every bot is up: they begin together
    sent = dict(out.get(timeout=run + 30) for _ in bots)
    for p in bots:
        p.join(10)
    times = [a.t for a in server.arrived("/fapi/v1/ping")]
    assert sum(sent.values()) == len(times)
    assert all(n > 0 for n in sent.values()), sent  # every process got some of it
    most = max_in_window(times, 0.85)  # a window less the slot width and latency

    assert most <= 36, "%d requests arrived within 0.85 s, the budget is 36" % most
    assert len(times) >= 60, "only %d requests in %.1f s: did they contend?" % (len(times), run)


def test_a_429_and_a_418_refuse_the_others(rlcd, server):
    server.script("GET", "/fapi/v1/time",
                  {"status": 429, "headers": {"Retry-After": "20"}, "json": {"code": -1003}},
                  {"status": 418, "headers": {"Retry-After": "30"}, "json": {"code": -1003}})
    ready, out, go, done = SPAWN.Queue(), SPAWN.Queue(), SPAWN.Queue(), SPAWN.Queue()
    watchers = [start(procs.watcher, rlcd.segment, server.url, "watch-%d" % i, ready, 30, out)
                for i in range(2)]
    a = start(procs.penalized, rlcd.segment, server.url, "penalized", ready, go, done, 30)
    wait_ready(ready, 3)
    with rlcd.client("lead") as c:
        for status in (429, 418):
            # the watchers send meanwhile: wait until both have
            pings = server.count("/fapi/v1/ping")
            deadline = time.monotonic() + 10
            while server.count("/fapi/v1/ping") < pings + 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            go.put(1)
            assert done.get(timeout=10) == ("penalized", status)
            fed = time.monotonic()
            got = sorted(out.get(timeout=10) for _ in watchers)
            assert [g[0] for g in got] == ["watch-0", "watch-1"]
            for who, st, code, scope, retry in got:
                assert (st, code, scope) == (status, -1003, "tx.ip"), got
                assert retry > 15
            b = c.block_state("tx.ip")
            assert b.status == status and b.client != c.client_index  # the penalized one's
            # no watcher's request reached the exchange once it was blocked
            late = [x for x in server.arrived("/fapi/v1/ping") if x.t > fed + 0.05]
            assert late == [], "%d pings arrived during the block" % len(late)
            c.unblock("tx.ip")
    for p in watchers + [a]:
        p.join(10)
        assert p.exitcode == 0
