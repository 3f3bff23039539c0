# SPDX-License-Identifier: MIT
"""rlc: one rate-limit budget shared by every bot process on a host.

The C client API of rlc (rlc.h) for Python: open the segment rlcd keeps,
look endpoints up once, then reserve each request before sending it and
feed its response back after::

    import rlc
    with rlc.Client() as c:                       # $RLC_SEGMENT, else /rlc
        x = c.exchange("binance-usdm")
        depth = x.endpoint("GET", "/fapi/v1/depth")
        g = c.reserve_wait(depth, {"symbol": "BTCUSDT", "limit": 500}, timeout=2.0)
        resp = send()                               # your HTTP call
        c.feedback(g, resp.status, resp.headers)

asyncio: ``await c.reserve_async(...)``; ``with c.reservation(...)`` refunds a
grant whose request raised before it was sent.  The HTTP clients bots use
have adapters that do all of it per request: rlc.aiohttp.ClientSession,
rlc.requests.Session and rlc.httpx.Transport / AsyncTransport.

Errors are rlc.RlcError subclasses (rlc.errors); bad arguments TypeError or
ValueError.  Times are seconds; instants time.monotonic() seconds.
"""

from ._rlc import (BlockState, Breaker, ClientInfo, EndpointCounters, Grant, Outcomes, Usage,
                   now, now_ns)
from ._client import (Account, Client, Endpoint, Exchange, Feedback, Priority, default_client)
from .errors import (Blocked, BreakerOpen, CorruptSegment, NoSegment, Refused, ReserveTimeout,
                     RlcError, TooBig, UnknownEndpoint, UnreservedWarning)

__all__ = [
    "Client", "Exchange", "Account", "Endpoint", "Grant", "Priority", "Feedback",
    "Usage", "BlockState", "Breaker", "ClientInfo", "Outcomes", "EndpointCounters",
    "RlcError", "Refused", "ReserveTimeout", "Blocked", "BreakerOpen", "UnknownEndpoint",
    "TooBig", "CorruptSegment", "NoSegment", "UnreservedWarning",
    "default_client", "now", "now_ns",
]
