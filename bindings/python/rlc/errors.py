# SPDX-License-Identifier: MIT
"""The exceptions of rlc: one class per distinction the C API makes.

Every exception of the package is an :class:`RlcError`, with ``errno`` (the
positive errno value the C call returned) and ``errname`` (its name,
``"EAGAIN"``).  Bad arguments are TypeError or ValueError, never RlcError.

=====================  ================  ==========================================
class                  C code            attributes
=====================  ================  ==========================================
Refused                -EAGAIN           retry_after (s), limit (name)
ReserveTimeout         -ETIMEDOUT        as Refused: the last refusal's
Blocked                -ECONNREFUSED     retry_after, until, scope, status, code,
                                         client, since, reason
BreakerOpen            -EHOSTDOWN        retry_after, scope
UnknownEndpoint        -ENOENT           kind, name (also a LookupError)
TooBig                 -E2BIG            limit
CorruptSegment         -EBADMSG, -EPROTO,
                       -EOVERFLOW        why
NoSegment              -ENOENT at open   segment, why
RlcError               anything else     why
=====================  ================  ==========================================

Times: ``retry_after`` is seconds from the refusal; ``until`` and ``since``
are ``time.monotonic()`` seconds (both are CLOCK_MONOTONIC on Linux).
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = [
    "RlcError", "Refused", "ReserveTimeout", "Blocked", "BreakerOpen", "UnknownEndpoint",
    "TooBig", "CorruptSegment", "NoSegment", "UnreservedWarning",
]


def _rebuild(cls: type, args: tuple, state: dict) -> "RlcError":
    e = cls.__new__(cls)
    e.args = args
    e.__dict__.update(state)
    return e


class RlcError(Exception):
    """An rlc call failed: ``errno`` and ``errname`` tell the C code."""

    errno: int
    errname: str
    why: Optional[str]

    def __init__(self, message: str, *, errno: int = 0, errname: str = "", why: Optional[str] = None,
                 **attrs: Any) -> None:
        super().__init__(message)
        self.errno = errno
        self.errname = errname
        self.why = why
        for k, v in attrs.items():
            setattr(self, k, v)

    def __reduce__(self):  # the attributes survive pickling (multiprocessing)
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class Refused(RlcError):
    """A limit refused the request (-EAGAIN): try again after ``retry_after``
    seconds; ``limit`` names the limit that said no."""

    retry_after: float
    limit: Optional[str]


class ReserveTimeout(Refused):
    """A waiting reserve would not fit before its timeout (-ETIMEDOUT); the
    attributes are the last refusal's."""


class Blocked(RlcError):
    """The request's scope is blocked (-ECONNREFUSED), by a penalty a response
    gave (a 429, a 418, ...) or by hand: ``scope`` is blocked until ``until``
    (``time.monotonic()`` seconds), ``retry_after`` seconds from the refusal.
    ``status`` is the HTTP status that set it (0: by hand), ``code`` the
    exchange's error code (an int, or None), ``client`` the client record that
    reported it (or -1), ``reason`` a one-line text of all that."""

    retry_after: float
    until: float
    scope: Optional[str]
    status: int
    code: Optional[int]
    client: int
    since: Optional[float]
    reason: str


class BreakerOpen(RlcError):
    """The scope's circuit breaker is open, or half-open with another request
    probing (-EHOSTDOWN): look again after ``retry_after`` seconds."""

    retry_after: float
    scope: Optional[str]


class UnknownEndpoint(RlcError, LookupError):
    """No such exchange, account, endpoint, scope, limit or mode (-ENOENT):
    ``kind`` says which, ``name`` what was asked for."""

    kind: str
    name: Any


class TooBig(RlcError):
    """The request can never be granted (-E2BIG): its weight on ``limit`` is
    above what its priority may ever fill."""

    limit: Optional[str]


class CorruptSegment(RlcError):
    """The segment is truncated, corrupt, of another layout version or has
    outlived a counter (-EBADMSG, -EPROTO, -EOVERFLOW); ``why`` says which."""


class NoSegment(RlcError):
    """There is no such segment (-ENOENT at open): is rlcd running?"""

    segment: str


class UnreservedWarning(UserWarning):
    """An adapter sent a request that rlc's profile has no endpoint for,
    without reserving it (once per endpoint)."""
