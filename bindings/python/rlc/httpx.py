# SPDX-License-Identifier: MIT
"""rlc.httpx.Transport and AsyncTransport: httpx transports that reserve
every request with rlc before sending it and feed its response back.

One line changes in a bot::

    client = httpx.Client(transport=rlc.httpx.Transport(exchange="binance-usdm"))
    client = httpx.AsyncClient(transport=rlc.httpx.AsyncTransport(exchange="bybit-v5"))

They wrap httpx.HTTPTransport / AsyncHTTPTransport (or the ``transport``
given).  A transport sees every request the client sends, each hop of a
redirect too.  Each is looked up by its method and URL path and reserved
with its parameters (the query and a form or JSON body's top-level keys;
a streamed body is not read), waiting ``wait`` seconds at most (None: no
deadline): reserve_wait in Transport, asyncio.sleep in AsyncTransport.
After the response headers, rlc.feedback gets the status, the headers, the
response time and, for a small JSON body (<= 4 KiB by Content-Length, an
error's <= 64 KiB), its error code ("code" / "retCode") and server time;
the body read for that stays with the response for the caller.

When sending raises: httpx.UnsupportedProtocol (nothing left) refunds;
every other httpx.TransportError (a failed connect included, as
rlc_feedback(3) asks) is fed back as status 0; anything else leaves the
grant counted.  Unknown endpoints are sent unreserved, counted in
``transport.rlc.unreserved`` and warned about once; ``unknown="raise"``
raises rlc.UnknownEndpoint.
"""

from __future__ import annotations

import time
from typing import Any, List, Optional, Tuple, Union

import httpx

from . import _adapter
from ._client import Client

__all__ = ["Transport", "AsyncTransport"]


def _params(request: httpx.Request) -> List[Tuple[str, Any]]:
    params = list(request.url.params.multi_items())
    try:
        body = request.content  # httpx.RequestNotRead for a stream not read yet
    except httpx.RequestNotRead:
        return params
    return params + _adapter.body_pairs(body, request.headers.get("content-type"))


def _length(response: httpx.Response) -> Optional[int]:
    v = response.headers.get("content-length")
    return int(v) if v is not None and v.isdigit() else None


def _wants_body(r: _adapter.Router, response: httpx.Response) -> bool:
    return r.read_code and _adapter.wants_body(response.status_code,
                                               response.headers.get("content-type"),
                                               _length(response))


class _Base:
    def _setup(self, client: Optional[Client], exchange: Union[str, int], account: Any,
               priority: Any, wait: Optional[float], unknown: str, read_code: bool) -> None:
        self.rlc = _adapter.Router(client, exchange, account, priority, wait, unknown, read_code)

    def _on_error(self, g: Any, e: BaseException) -> None:
        c = self.rlc.client
        if isinstance(e, httpx.UnsupportedProtocol):
            c.refund(g)
        elif isinstance(e, httpx.TransportError):
            c.feedback(g, 0)
        else:
            g.mark_sent()

    def _feedback(self, g: Any, response: httpx.Response, elapsed: float,
                  body: Optional[bytes]) -> None:
        code, when = _adapter.code_and_time(body)
        self.rlc.client.feedback(g, response.status_code, response.headers.multi_items(), code,
                                 elapsed, when)


class Transport(_Base, httpx.BaseTransport):
    """Transport(client=None, *, exchange, account=None, priority=None,
    wait=None, unknown="pass", read_code=True, transport=None, **kwargs):
    kwargs go to the httpx.HTTPTransport made when ``transport`` is None."""

    def __init__(self, client: Optional[Client] = None, *, exchange: Union[str, int],
                 account: Any = None, priority: Any = None, wait: Optional[float] = None,
                 unknown: str = "pass", read_code: bool = True,
                 transport: Optional[httpx.BaseTransport] = None, **kwargs: Any) -> None:
        self._setup(client, exchange, account, priority, wait, unknown, read_code)
        self._wrapped = transport if transport is not None else httpx.HTTPTransport(**kwargs)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        r = self.rlc
        ep = r.lookup(request.method, request.url.path)
        if ep is None:
            return self._wrapped.handle_request(request)
        g = r.client.reserve_wait(ep, _params(request), r.account, r.priority, r.wait)
        t0 = time.monotonic()
        try:
            response = self._wrapped.handle_request(request)
        except BaseException as e:
            self._on_error(g, e)
            raise
        elapsed = time.monotonic() - t0
        body = None
        if _wants_body(r, response):
            try:
                body = response.read()  # kept: the client's read() returns it
            except httpx.HTTPError:
                body = None
        self._feedback(g, response, elapsed, body)
        return response

    def close(self) -> None:
        self._wrapped.close()


class AsyncTransport(_Base, httpx.AsyncBaseTransport):
    """AsyncTransport(client=None, *, exchange, ...): Transport for
    httpx.AsyncClient; its waits are asyncio.sleep()s (never blocking the
    loop).  kwargs go to the httpx.AsyncHTTPTransport made when
    ``transport`` is None."""

    def __init__(self, client: Optional[Client] = None, *, exchange: Union[str, int],
                 account: Any = None, priority: Any = None, wait: Optional[float] = None,
                 unknown: str = "pass", read_code: bool = True,
                 transport: Optional[httpx.AsyncBaseTransport] = None, **kwargs: Any) -> None:
        self._setup(client, exchange, account, priority, wait, unknown, read_code)
        self._wrapped = transport if transport is not None else httpx.AsyncHTTPTransport(**kwargs)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        r = self.rlc
        ep = r.lookup(request.method, request.url.path)
        if ep is None:
            return await self._wrapped.handle_async_request(request)
        g = await r.client.reserve_async(ep, _params(request), r.account, r.priority, r.wait)
        t0 = time.monotonic()
        try:
            response = await self._wrapped.handle_async_request(request)
        except BaseException as e:
            self._on_error(g, e)
            raise
        elapsed = time.monotonic() - t0
        body = None
        if _wants_body(r, response):
            try:
                body = await response.aread()
            except httpx.HTTPError:
                body = None
        self._feedback(g, response, elapsed, body)
        return response

    async def aclose(self) -> None:
        await self._wrapped.aclose()
