# SPDX-License-Identifier: MIT
"""rlc.Client: an open segment, its lookups, and the waits and context
managers built on the C layer (rlc._rlc.Handle, whose reserve, refund and
feedback it inherits as they are: no Python runs on that path)."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import os
from typing import Any, AsyncIterator, Iterator, List, Optional, Tuple, Union

from . import _rlc
from ._rlc import Grant

__all__ = ["Client", "Exchange", "Account", "Endpoint", "Priority", "Feedback", "default_client"]


class Priority(enum.IntEnum):
    """A request's priority: a lower one may not use the last reserve of a limit."""

    CRITICAL = 0  # cancels, reduce-only orders
    HIGH = 1      # new orders
    NORMAL = 2    # account reads
    LOW = 3       # market data


class Feedback(enum.IntFlag):
    """What feedback() did (rlc_feedback(3)): its return value's bits."""

    NONE = 0
    RAISED = _rlc.FEEDBACK_RAISED          # a usage header raised a count
    MALFORMED = _rlc.FEEDBACK_MALFORMED    # a header rlc reads was malformed: ignored
    UNMATCHED = _rlc.FEEDBACK_UNMATCHED    # a usage header no limit of the request reports
    BLOCKED = _rlc.FEEDBACK_BLOCKED        # a penalty blocked a scope
    CLOCK = _rlc.FEEDBACK_CLOCK            # the exchange's clock offset was learned
    BREAKER = _rlc.FEEDBACK_BREAKER        # a failure opened the scope's circuit breaker


class Exchange(int):
    """An exchange of the profile: its id (an int, usable wherever an id is),
    with its name and lookups of its accounts and endpoints."""

    name: str
    client: "Client"
    ip_scope: Optional[str]

    def __new__(cls, client: "Client", info: dict) -> "Exchange":
        self = super().__new__(cls, info["id"])
        self.name = info["name"]
        self.client = client
        self.ip_scope = info["ip_scope"]
        self._info = info
        return self

    def __repr__(self) -> str:
        return "<rlc.Exchange %s (%d)>" % (self.name, int(self))

    def account(self, name: str) -> "Account":
        """Account `name` ("main"); UnknownEndpoint if the exchange has none such."""
        aid = self.client.account_id(self, name)
        return Account(aid, name, self, self._scope_of(aid))

    def endpoint(self, method: str, path: str) -> "Endpoint":
        """Endpoint METHOD path ("GET", "/fapi/v1/depth"), case-insensitive, any
        query string ignored; UnknownEndpoint if the profile has none such."""
        eid = self.client.endpoint_id(self, method, path)
        for i, name, priority, params in self._info["endpoints"]:
            if i == eid:
                return Endpoint(eid, name, self, priority, params)
        raise AssertionError("endpoint id %d is not in the catalog" % eid)

    @property
    def accounts(self) -> List["Account"]:
        return [Account(i, name, self, scope) for i, name, scope in self._info["accounts"]]

    @property
    def endpoints(self) -> List["Endpoint"]:
        return [Endpoint(i, name, self, prio, params)
                for i, name, prio, params in self._info["endpoints"]]

    @property
    def modes(self) -> List[str]:
        return list(self._info["modes"])

    def mode(self) -> Tuple[str, Optional[float]]:
        """The mode in force and when it ends (time.monotonic() s; None for normal)."""
        return self.client.mode_get(self)

    def set_mode(self, mode: Union[str, int], seconds: Optional[float] = None) -> None:
        """Switch every process to `mode` for `seconds` (None: the mode's own duration)."""
        self.client.mode_set(self, mode, seconds)

    def _scope_of(self, aid: int) -> Optional[str]:
        for i, _name, scope in self._info["accounts"]:
            if i == aid:
                return scope
        return None


class Account(int):
    """An account of an exchange: its id, with its name and scope."""

    name: str
    exchange: Exchange
    scope: Optional[str]

    def __new__(cls, aid: int, name: str, exchange: Exchange, scope: Optional[str]) -> "Account":
        self = super().__new__(cls, aid)
        self.name, self.exchange, self.scope = name, exchange, scope
        return self

    def __repr__(self) -> str:
        return "<rlc.Account %s %s (%d)>" % (self.exchange.name, self.name, int(self))


class Endpoint(int):
    """An endpoint of an exchange: its id, with its name ("GET /fapi/v1/depth"),
    method, path, default priority and the parameters its rules read."""

    name: str
    method: str
    path: str
    exchange: Exchange
    priority: str
    params: Tuple[str, ...]

    def __new__(cls, eid: int, name: str, exchange: Exchange, priority: str,
                params: Tuple[str, ...]) -> "Endpoint":
        self = super().__new__(cls, eid)
        self.name, self.exchange, self.priority, self.params = name, exchange, priority, params
        self.method, _, self.path = name.partition(" ")
        return self

    def __repr__(self) -> str:
        return "<rlc.Endpoint %s %s (%d)>" % (self.exchange.name, self.name, int(self))


class Client(_rlc.Handle):
    """An open rlc segment: ``Client(segment=None, name=None, readonly=False)``.

    ``segment`` defaults to $RLC_SEGMENT, else "/rlc"; ``name`` (at most 31
    bytes) is the client name rlctl shows, by default ``python-PID``.  Open
    one Client per thread that reserves, or share one under the GIL; a
    process forked after opening must open its own (the child's copy
    raises RuntimeError).  A context manager: leaving it closes.

    Inherited from the C layer, unchanged (see their docstrings):
    reserve, reserve_wait, refund, feedback, usage, block_state, block,
    unblock, breaker, mode_get, mode_set, clients, info, endpoint_weights,
    endpoint_counters, endpoint_outcomes, clock_estimate, the *_id lookups.
    """

    __slots__ = ("_exchanges", "_exchanges_seq")

    def __init__(self, segment: Optional[str] = None, name: Optional[str] = None,
                 readonly: bool = False) -> None:
        super().__init__(segment, name, readonly)
        self._exchanges: dict = {}
        self._exchanges_seq = self.config_seq

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return "<rlc.Client %s %r as %r>" % (state, self.segment, self.name)

    # -- lookups --

    def exchange(self, name: str) -> Exchange:
        """Exchange `name` ("binance-usdm"); UnknownEndpoint if the profile has none."""
        if self.config_seq != self._exchanges_seq:  # a reload may move ids
            self._exchanges.clear()
            self._exchanges_seq = self.config_seq
        x = self._exchanges.get(name)
        if x is None:
            xid = self.exchange_id(name)
            x = Exchange(self, self.catalog()[xid])
            self._exchanges[name] = x
        return x

    def endpoint(self, exchange: Union[str, int], method: str, path: str) -> Endpoint:
        """exchange(exchange).endpoint(method, path), in one call."""
        x = self.exchange(exchange) if isinstance(exchange, str) else self._exchange_of(exchange)
        return x.endpoint(method, path)

    def _exchange_of(self, xid: int) -> Exchange:
        if isinstance(xid, Exchange):
            return xid
        return self.exchange(self.catalog()[xid]["name"])

    # -- waits --

    async def reserve_async(self, endpoint: int, params: Any = None, account: Optional[int] = None,
                            priority: Any = None, timeout: Optional[float] = None) -> Grant:
        """reserve_wait() for asyncio: the waits are asyncio.sleep()s, so the
        event loop runs other tasks meanwhile; never blocks it.  `timeout`
        seconds (None: no deadline).  Cancelling the task gives the wait up."""
        w = self._waiter(endpoint, params, account, priority, timeout)
        try:
            while True:
                r = w.step()
                if r.__class__ is not float:
                    return r
                await asyncio.sleep(r)
        except BaseException:
            w.cancel()
            raise

    # -- context managers --

    @contextlib.contextmanager
    def reservation(self, endpoint: int, params: Any = None, account: Optional[int] = None,
                    priority: Any = None, timeout: Optional[float] = 0.0) -> Iterator[Grant]:
        """A reservation for the body of a ``with``: ``timeout`` 0 reserves
        without waiting, else as reserve_wait().  If the body raises before
        the request was sent, the grant is refunded.  "Sent" is known from
        the grant: ``g.mark_sent()`` was called, or ``feedback()`` given for
        it; a grant that was sent stays counted (feed back status 0 for a
        request that got no response)."""
        if timeout == 0:
            g = self.reserve(endpoint, params, account, priority)
        else:
            g = self.reserve_wait(endpoint, params, account, priority, timeout)
        try:
            yield g
        except BaseException:
            if not g.sent and not g.refunded:
                self.refund(g)
            raise

    @contextlib.asynccontextmanager
    async def reservation_async(self, endpoint: int, params: Any = None,
                                account: Optional[int] = None, priority: Any = None,
                                timeout: Optional[float] = None) -> AsyncIterator[Grant]:
        """reservation() for ``async with``: waits as reserve_async()
        (``timeout`` None: no deadline, 0: no wait)."""
        g = await self.reserve_async(endpoint, params, account, priority, timeout)
        try:
            yield g
        except BaseException:
            if not g.sent and not g.refunded:
                self.refund(g)
            raise


_default: Optional[Client] = None
_default_pid = 0


def default_client() -> Client:
    """The process's shared Client on $RLC_SEGMENT (else "/rlc"), opened on
    first use (again in a forked child); the adapters use it when given none."""
    global _default, _default_pid
    if _default is None or _default_pid != os.getpid() or _default.closed:
        _default = Client()
        _default_pid = os.getpid()
    return _default


os.register_at_fork(after_in_child=_rlc._after_fork)
