# SPDX-License-Identifier: MIT
"""What the HTTP-client adapters share: the method + path -> endpoint table
of one exchange (cached), a request's parameters from its query and body,
and the exchange's error code and server time from a small JSON body.

Unknown endpoints (not in the profile): by default the request is sent
unreserved, counted in ``Router.unreserved`` ("METHOD /path" -> requests)
and warned about once per endpoint (rlc.UnreservedWarning), since a bot
would rather send a request rlc cannot weigh than fail it; ``unknown="raise"``
raises UnknownEndpoint instead, before anything is sent.
"""

from __future__ import annotations

import collections
import json
import warnings
from typing import Any, Iterable, List, Optional, Tuple, Union
from urllib.parse import parse_qsl

from ._client import Client, Exchange, default_client
from .errors import UnknownEndpoint, UnreservedWarning

# A body this small is parsed for its error code whatever the status; an
# error response's up to the larger size.  Larger bodies are left alone.
SMALL_BODY = 4096
ERROR_BODY = 65536
CODE_KEYS = ("code", "retCode", "ret_code")
TIME_KEYS = ("serverTime", "time")
_CACHE_MAX = 4096
_WARNED_MAX = 1024


class Router:
    """Endpoint lookup, parameters and reserve settings of one adapter."""

    def __init__(self, client: Optional[Client], exchange: Union[str, int], account: Any = None,
                 priority: Any = None, wait: Optional[float] = None, unknown: str = "pass",
                 read_code: bool = True) -> None:
        if unknown not in ("pass", "raise"):
            raise ValueError("unknown must be 'pass' or 'raise', not %r" % (unknown,))
        if client is not None and not isinstance(client, Client):
            raise TypeError("client must be an rlc.Client, not %s" % type(client).__name__)
        if wait is not None and (not isinstance(wait, (int, float)) or isinstance(wait, bool)
                                 or wait < 0):
            raise ValueError("wait must be seconds >= 0 or None, not %r" % (wait,))
        self.client = client if client is not None else default_client()
        self.exchange_name = exchange if isinstance(exchange, str) else None
        self.exchange: Exchange = (self.client.exchange(exchange) if isinstance(exchange, str)
                                   else self.client._exchange_of(exchange))
        self._account_arg = account
        self.account = self._account_id(account)
        self.priority = priority
        self.wait = wait
        self.unknown = unknown
        self.read_code = read_code
        self.unreserved: collections.Counter = collections.Counter()
        self._warned: set = set()
        self._cache: dict = {}
        self._seq = self.client.config_seq

    def _account_id(self, account: Any) -> Optional[int]:
        if account is None or isinstance(account, int):
            return account
        if isinstance(account, str):
            return int(self.exchange.account(account))
        raise TypeError("account must be a name, an id or None, not %s" % type(account).__name__)

    def lookup(self, method: str, path: str) -> Optional[int]:
        """The endpoint id of METHOD path, or None (sent unreserved)."""
        c = self.client
        c.refresh()
        if c.config_seq != self._seq:  # a reload may have moved the ids
            self._cache.clear()
            self._seq = c.config_seq
            self.exchange = c.exchange(self.exchange.name)
            self.account = self._account_id(self._account_arg)
        key = (method, path)
        try:
            ep = self._cache[key]
        except KeyError:
            try:
                ep = c.endpoint_id(self.exchange, method, path)
            except UnknownEndpoint:
                if self.unknown == "raise":
                    raise
                ep = None
            if len(self._cache) < _CACHE_MAX:
                self._cache[key] = ep
        if ep is None:
            self._unreserved(method.upper(), path)
        return ep

    def _unreserved(self, method: str, path: str) -> None:
        name = method + " " + path
        self.unreserved[name] += 1
        if name not in self._warned and len(self._warned) < _WARNED_MAX:
            self._warned.add(name)
            warnings.warn("rlc: %s has no endpoint %s: sent unreserved" % (self.exchange.name, name),
                          UnreservedWarning, stacklevel=4)


def _value(v: Any) -> Any:
    """A parameter value as rlc takes it (str, int, float, bool, list, None)."""
    if v is None or isinstance(v, (str, int, float, list, tuple)):
        return v
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, dict):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def pairs(items: Optional[Iterable[Tuple[Any, Any]]]) -> List[Tuple[str, Any]]:
    """(key, value) pairs with keys as str and values rlc takes."""
    out = []
    for k, v in items or ():
        if isinstance(k, bytes):
            k = k.decode("utf-8", "replace")
        out.append((str(k), _value(v)))
    return out


def mapping_pairs(params: Any) -> List[Tuple[str, Any]]:
    """The pairs of a params= argument: a mapping, (key, value) pairs or a query string."""
    if params is None:
        return []
    if isinstance(params, (str, bytes)):
        if isinstance(params, bytes):
            params = params.decode("utf-8", "replace")
        return parse_qsl(params, keep_blank_values=True)
    if hasattr(params, "items"):
        items = params.items()
        return pairs(items)
    return pairs(params)


def body_pairs(body: Any, content_type: Optional[str]) -> List[Tuple[str, Any]]:
    """A request body's top-level parameters: form-encoded or a JSON object."""
    if body is None:
        return []
    if isinstance(body, dict):
        return pairs(body.items())
    if isinstance(body, (bytes, bytearray, str)):
        text = body.decode("utf-8", "replace") if not isinstance(body, str) else body
        ct = (content_type or "").lower()
        if "json" in ct or (not ct and text[:1] == "{"):
            try:
                obj = json.loads(text)
            except ValueError:
                return []
            return pairs(obj.items()) if isinstance(obj, dict) else []
        if "x-www-form-urlencoded" in ct or (not ct and "=" in text):
            return parse_qsl(text, keep_blank_values=True)
        return []
    if isinstance(body, (list, tuple)):
        return pairs(body)
    return []  # a stream, a file, multipart: nothing rlc can read without consuming it


def wants_body(status: int, content_type: Optional[str], length: Optional[int]) -> bool:
    """Is the response body JSON and small enough to parse for its code?"""
    if "json" not in (content_type or "").lower():
        return False
    if length is None:
        return status >= 400
    return length <= (ERROR_BODY if status >= 400 else SMALL_BODY)


def code_and_time(body: Union[bytes, str, None]) -> Tuple[Optional[str], Optional[int]]:
    """The exchange's error code ("code", "retCode") and server time
    ("serverTime", Bybit's "time", in ms) of a JSON object body."""
    if not body:
        return None, None
    try:
        obj = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(obj, dict):
        return None, None
    code = None
    for k in CODE_KEYS:
        v = obj.get(k)
        if isinstance(v, (int, str)) and not isinstance(v, bool):
            code = str(v)
            break
    when = None
    for k in TIME_KEYS:
        v = obj.get(k)
        if isinstance(v, int) and not isinstance(v, bool) and 10**12 <= v < 1 << 42:
            when = v
            break
    return code, when
