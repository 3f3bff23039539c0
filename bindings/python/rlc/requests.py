# SPDX-License-Identifier: MIT
"""rlc.requests.Session: a requests.Session that reserves every request
with rlc before sending it and feeds its response back.

One line changes in a bot::

    session = requests.Session()
    session = rlc.requests.Session(exchange="binance-usdm")

Each prepared request is looked up by its method and URL path in the
exchange's endpoint table and reserved with its parameters (the query and
a form or JSON body's top-level keys), waiting in reserve_wait (``wait``
seconds at most, None: no deadline; the GIL is released while it sleeps).
A refusal that outlasts the wait raises rlc.ReserveTimeout / rlc.Blocked /
rlc.BreakerOpen before anything is sent.  After the response, rlc.feedback
gets the status, the headers, requests' own elapsed time and, for a small
JSON body (<= 4 KiB, an error's <= 64 KiB, not with stream=True), its error
code ("code" / "retCode") and server time.

When sending raises: requests' errors raised before anything left
(InvalidURL, InvalidSchema, MissingSchema, InvalidHeader) refund the grant;
ConnectionError and Timeout (a refused or timed-out connect included, as
rlc_feedback(3) asks) are fed back as status 0, no response; anything else
leaves the grant counted, since the request may have left.

Each hop of a redirect is a request of its own, reserved as such.  Requests
to endpoints the profile does not have are sent unreserved, counted in
``session.rlc_unreserved`` and warned about once (rlc.UnreservedWarning);
``unknown="raise"`` raises rlc.UnknownEndpoint.
"""

from __future__ import annotations

from typing import Any, Optional, Union
from urllib.parse import parse_qsl, urlsplit

import requests
from requests import exceptions as rex

from . import _adapter
from ._client import Client

__all__ = ["Session"]

# Raised by requests before a byte is sent.
_NOT_SENT = (rex.InvalidURL, rex.InvalidSchema, rex.MissingSchema, rex.InvalidHeader,
             rex.URLRequired)


class Session(requests.Session):
    """requests.Session(client=None, *, exchange, account=None, priority=None,
    wait=None, unknown="pass", read_code=True): every request reserved with
    rlc (module doc).  ``client`` is an rlc.Client, by default
    rlc.default_client(); ``account`` a name or id (None: the exchange's only
    account); ``priority`` as for Client.reserve (None: each endpoint's own);
    ``wait`` the most seconds a reserve may wait."""

    def __init__(self, client: Optional[Client] = None, *, exchange: Union[str, int],
                 account: Any = None, priority: Any = None, wait: Optional[float] = None,
                 unknown: str = "pass", read_code: bool = True) -> None:
        self.rlc = _adapter.Router(client, exchange, account, priority, wait, unknown, read_code)
        super().__init__()

    @property
    def rlc_unreserved(self) -> Any:
        """Requests sent unreserved, by "METHOD /path"."""
        return self.rlc.unreserved

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        r = self.rlc
        method = request.method or "GET"
        parts = urlsplit(request.url or "")
        ep = r.lookup(method, parts.path or "/") if parts.scheme else None
        if ep is None:
            return super().send(request, **kwargs)
        params = parse_qsl(parts.query, keep_blank_values=True)
        params += _adapter.body_pairs(request.body, request.headers.get("Content-Type"))
        c = r.client
        g = c.reserve_wait(ep, params, r.account, r.priority, r.wait)
        try:
            resp = super().send(request, **kwargs)
        except _NOT_SENT:
            c.refund(g)
            raise
        except (rex.ConnectionError, rex.Timeout):
            c.feedback(g, 0)
            raise
        except BaseException:
            g.mark_sent()
            raise
        # a redirect's later hops were sent (and fed back) by their own send()
        first = resp.history[0] if resp.history else resp
        code = when = None
        if (r.read_code and first is resp and not kwargs.get("stream")
                and _adapter.wants_body(resp.status_code, resp.headers.get("Content-Type"),
                                        len(resp.content))):
            code, when = _adapter.code_and_time(resp.content)
        c.feedback(g, first.status_code, list(first.headers.items()), code,
                   first.elapsed.total_seconds(), when)
        return resp
