# SPDX-License-Identifier: MIT
"""A real aiohttp web server on 127.0.0.1 that answers like an exchange
(Binance USD-M's paths and headers), in a thread of its own, for the
binding's tests to point real HTTP clients at.

Every request is recorded (its arrival time on CLOCK_MONOTONIC, method,
path, query, headers, body).  By default a request gets 200, a small JSON
body with "serverTime", and X-MBX-USED-WEIGHT-1M when used_weight is set;
script() queues other answers per METHOD and path: a 429 with Retry-After,
a 418, an error body with a "code".  /hang, and any path with ?hang=1, answer
only once release() is called (a request that left and got no answer in
time)."""

import asyncio
import json
import threading
import time

from aiohttp import web


class Arrival:
    __slots__ = ("t", "method", "path", "query", "headers", "body")

    def __init__(self, t, method, path, query, headers, body):
        self.t, self.method, self.path, self.query = t, method, path, query
        self.headers, self.body = headers, body


class ExchangeServer:
    def __init__(self):
        self.arrivals = []
        self.used_weight = None
        # the usage header of the tests' 1 s limit (Binance sends -1M for its minute)
        self.weight_header = "X-MBX-USED-WEIGHT-1S"
        self._scripts = {}
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the exchange server did not start")
        self.url = "http://127.0.0.1:%d" % self.port

    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._hang = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, request):
        body = await request.read()
        a = Arrival(time.monotonic(), request.method, request.path, dict(request.query),
                    dict(request.headers), body)
        with self._lock:
            self.arrivals.append(a)
            queue = self._scripts.get((request.method, request.path))
            answer = queue.pop(0) if queue else None
        if request.path == "/hang" or "hang" in request.query:
            await self._hang.wait()
        if answer is None:
            answer = {"status": 200, "json": {"serverTime": int(time.time() * 1000)}}
        headers = dict(answer.get("headers") or {})
        if self.used_weight is not None:
            headers.setdefault(self.weight_header, str(self.used_weight))
        text = json.dumps(answer.get("json", {}))
        return web.Response(status=answer["status"], text=text, headers=headers,
                            content_type="application/json")

    def script(self, method, path, *answers):
        """Queue answers ({"status", "headers", "json"}) for METHOD path."""
        with self._lock:
            self._scripts.setdefault((method, path), []).extend(answers)

    def count(self, path=None):
        with self._lock:
            return sum(1 for a in self.arrivals if path is None or a.path == path)

    def arrived(self, path=None):
        with self._lock:
            return [a for a in self.arrivals if path is None or a.path == path]

    def release(self):
        self._loop.call_soon_threadsafe(self._hang.set)

    def stop(self):
        self.release()
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
