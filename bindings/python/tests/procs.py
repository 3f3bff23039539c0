# SPDX-License-Identifier: MIT
"""Bot processes of test_processes.py, started with multiprocessing's spawn:
each opens its own rlc.Client on the test's segment and sends real HTTP
requests to the test's exchange server, through the adapters."""

import asyncio
import time

import rlc
import rlc.aiohttp
import rlc.requests


def requests_bot(segment, url, who, ready, start, run, out):
    """rlc.requests.Session: GET /fapi/v1/ping as fast as rlc lets it, for
    `run` seconds from `start`."""
    with rlc.Client(segment, who) as c, rlc.requests.Session(c, exchange="tx", wait=1.0) as s:
        s.headers["X-Who"] = who
        ready.put(who)
        start.wait(30)
        until = time.monotonic() + run
        sent = 0
        while time.monotonic() < until:
            try:
                s.get(url + "/fapi/v1/ping")
                sent += 1
            except rlc.Refused:
                pass
        out.put((who, sent))


def aiohttp_bot(segment, url, who, ready, start, run, out, tasks=4):
    """rlc.aiohttp.ClientSession with several tasks in one process."""

    async def main():
        with rlc.Client(segment, who) as c:
            async with rlc.aiohttp.ClientSession(c, exchange="tx", wait=1.0,
                                                 headers={"X-Who": who}) as s:
                ready.put(who)
                await asyncio.get_running_loop().run_in_executor(None, start.wait, 30)
                until = time.monotonic() + run
                sent = 0

                async def task():
                    nonlocal sent
                    while time.monotonic() < until:
                        try:
                            async with s.get(url + "/fapi/v1/ping") as r:
                                await r.read()
                            sent += 1
                        except rlc.Refused:
                            pass

                await asyncio.gather(*(task() for _ in range(tasks)))
                out.put((who, sent))

    asyncio.run(main())


def watcher(segment, url, who, ready, seconds, out):
    """Sends pings (paced) and reports each block it is refused by: the
    first time it sees a block's status, and once the block is lifted."""
    seen = set()
    until = time.monotonic() + seconds
    with rlc.Client(segment, who) as c, rlc.requests.Session(c, exchange="tx", wait=0) as s:
        s.headers["X-Who"] = who
        ready.put(who)
        while time.monotonic() < until and len(seen) < 2:
            try:
                s.get(url + "/fapi/v1/ping")
            except rlc.Blocked as e:
                if e.status not in seen:
                    seen.add(e.status)
                    out.put((who, e.status, e.code, e.scope, e.retry_after))
            except rlc.Refused:
                pass
            time.sleep(0.01)  # pacing: a bot's loop, not synchronisation


def penalized(segment, url, who, ready, go, done, seconds):
    """Sends GET /fapi/v1/time each time `go` is set: the server answers it
    with the 429, then the 418, the test scripted."""
    with rlc.Client(segment, who) as c, rlc.requests.Session(c, exchange="tx", wait=2.0,
                                                              priority="critical") as s:
        s.headers["X-Who"] = who
        ready.put(who)
        for _ in range(2):
            go.get(timeout=seconds)
            r = s.get(url + "/fapi/v1/time")
            done.put((who, r.status_code))
