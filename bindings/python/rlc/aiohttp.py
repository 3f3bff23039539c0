# SPDX-License-Identifier: MIT
"""rlc.aiohttp.ClientSession: an aiohttp.ClientSession that reserves every
request with rlc before sending it and feeds its response back.

One line changes in a bot::

    session = aiohttp.ClientSession()
    session = rlc.aiohttp.ClientSession(exchange="binance-usdm")

Each request is looked up by its method and URL path in the exchange's
endpoint table and reserved with its parameters (the URL's query, params=,
and a form or JSON body's top-level keys: the endpoint's weight rules read
them), waiting with asyncio.sleep (never blocking the loop; ``wait`` seconds
at most, None: no deadline) -- a refusal that outlasts it raises
rlc.ReserveTimeout / rlc.Blocked / rlc.BreakerOpen before anything is sent.
After the response headers arrive, rlc.feedback gets the status, the
headers, the response time and, for a small JSON body, its error code
("code" / "retCode") and server time.  The body is read for that only when
the response says it is JSON and small (<= 4 KiB, an error's <= 64 KiB);
aiohttp keeps it, so resp.json() and resp.read() work as before
(``read_code=False`` turns it off, for streaming JSON).

What happens to a grant when the request raises: before the request's
headers were written (aiohttp's on_request_headers_sent), it is refunded --
except a failed or timed-out connect, which is fed back as status 0 (no
response), as rlc_feedback(3) asks, so that the circuit breaker counts it;
after they were written, an error is fed back as status 0, and a
cancellation leaves the grant counted.  With raise_for_status the error
status is fed back.

Requests to endpoints the profile does not have are sent unreserved,
counted in ``session.rlc_unreserved`` and warned about once
(rlc.UnreservedWarning); ``unknown="raise"`` raises rlc.UnknownEndpoint.
A request of several redirects is reserved once.  ``rlc_priority=`` on a
request overrides the session's priority.
"""

from __future__ import annotations

import contextvars
import time
import warnings
from typing import Any, Optional, Union

import aiohttp

from . import _adapter
from ._client import Client

__all__ = ["ClientSession"]


class _Sending:
    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent = False


# The request of this task in flight: the trace callback runs in the task
# that awaits _request, so a context variable finds it.
_sending: contextvars.ContextVar[Optional[_Sending]] = contextvars.ContextVar(
    "rlc_aiohttp_sending", default=None)


async def _headers_sent(session: Any, ctx: Any, params: Any) -> None:
    s = _sending.get()
    if s is not None:
        s.sent = True


def _trace_config() -> aiohttp.TraceConfig:
    t = aiohttp.TraceConfig()
    t.on_request_headers_sent.append(_headers_sent)
    return t


def _on_error(c: Client, g: Any, sent: bool, e: BaseException, elapsed: float) -> None:
    """A request that raised: refund, feed back or keep the grant (module doc)."""
    if isinstance(e, aiohttp.ClientResponseError) and e.status:  # raise_for_status
        c.feedback(g, e.status if 100 <= e.status <= 599 else 0, e.headers, None, elapsed)
    elif not sent:
        if isinstance(e, (aiohttp.ClientConnectorError, aiohttp.ServerTimeoutError)):
            c.feedback(g, 0, None, None, elapsed)
        else:
            c.refund(g)
    elif isinstance(e, Exception):
        c.feedback(g, 0, None, None, elapsed)
    else:
        g.mark_sent()  # cancelled in flight: it may have reached the exchange


def _body_pairs(kwargs: dict) -> list:
    js, data = kwargs.get("json"), kwargs.get("data")
    if js is not None:
        return _adapter.body_pairs(js, "application/json")
    if data is None or isinstance(data, aiohttp.FormData):
        return []
    headers = kwargs.get("headers") or {}
    ct = None
    for k in headers:
        if str(k).lower() == "content-type":
            ct = headers[k]
    return _adapter.body_pairs(data, ct)


with warnings.catch_warnings():
    # aiohttp discourages subclassing ClientSession; the override is its
    # _request, the one path every request method takes.
    warnings.simplefilter("ignore", DeprecationWarning)

    class ClientSession(aiohttp.ClientSession):
        """aiohttp.ClientSession(..., exchange=NAME, client=None, account=None,
        priority=None, wait=None, unknown="pass", read_code=True): every
        request reserved with rlc (module doc).  ``client`` is an rlc.Client
        (also accepted as the first positional argument), by default
        rlc.default_client(); ``account`` a name or id (None: the exchange's
        only account); ``priority`` as for Client.reserve (None: each
        endpoint's own); ``wait`` the most seconds a reserve may wait."""

        ATTRS = aiohttp.ClientSession.ATTRS | frozenset(["_rlc"])

        def __init__(self, *args: Any, exchange: Union[str, int], client: Optional[Client] = None,
                     account: Any = None, priority: Any = None, wait: Optional[float] = None,
                     unknown: str = "pass", read_code: bool = True, **kwargs: Any) -> None:
            if args and isinstance(args[0], Client):
                client, args = args[0], args[1:]
            self._rlc = _adapter.Router(client, exchange, account, priority, wait, unknown,
                                        read_code)
            kwargs["trace_configs"] = list(kwargs.get("trace_configs") or []) + [_trace_config()]
            super().__init__(*args, **kwargs)

        @property
        def rlc(self) -> _adapter.Router:
            """The session's rlc settings, client and unreserved counts."""
            return self._rlc

        @property
        def rlc_unreserved(self) -> Any:
            """Requests sent unreserved, by "METHOD /path"."""
            return self._rlc.unreserved

        async def _request(self, method: str, str_or_url: Any, **kwargs: Any) -> aiohttp.ClientResponse:
            r = self._rlc
            prio = kwargs.pop("rlc_priority", r.priority)
            try:
                url = self._build_url(str_or_url)
            except ValueError:
                url = None  # aiohttp raises InvalidURL for it
            ep = r.lookup(method, url.path) if url is not None else None
            if ep is None:
                return await super()._request(method, str_or_url, **kwargs)
            params = _adapter.pairs(url.query.items())
            params += _adapter.mapping_pairs(kwargs.get("params"))
            params += _body_pairs(kwargs)
            c = r.client
            g = await c.reserve_async(ep, params, r.account, prio, r.wait)
            state = _Sending()
            token = _sending.set(state)
            t0 = time.monotonic()
            try:
                resp = await super()._request(method, str_or_url, **kwargs)
            except BaseException as e:
                _on_error(c, g, state.sent, e, time.monotonic() - t0)
                raise
            finally:
                _sending.reset(token)
            elapsed = time.monotonic() - t0
            first = resp.history[0] if resp.history else resp
            code = when = None
            if r.read_code and first is resp and _adapter.wants_body(
                    resp.status, resp.content_type, resp.content_length):
                try:
                    body = await resp.read()  # aiohttp keeps it for the caller
                except Exception:
                    body = None
                code, when = _adapter.code_and_time(body)
            c.feedback(g, first.status, first.headers, code, elapsed, when)
            return resp
