# SPDX-License-Identifier: MIT
"""rlc.Client on a real rlcd: lookups, reserve and refund, the waits, the
context managers, feedback, blocks and modes, the exceptions and their
attributes, and bad arguments."""

import os
import pickle
import threading
import time

import pytest

import rlc
from conftest import until


def weight(c, limit="tx.ip.weight"):
    return c.usage(limit).used


def test_lookups(client):
    x = client.exchange("tx")
    assert isinstance(x, int) and x.name == "tx" and x.ip_scope == "tx.ip"
    depth = x.endpoint("GET", "/fapi/v1/depth?symbol=BTCUSDT")  # the query is ignored
    assert depth.name == "GET /fapi/v1/depth" and depth.method == "GET"
    assert depth.path == "/fapi/v1/depth" and depth.priority == "low" and depth.params == ("limit",)
    assert int(client.endpoint("tx", "get", "/FAPI/v1/depth")) == int(depth)  # any case
    assert [a.name for a in x.accounts] == ["main"] and x.account("main").scope == "tx.main"
    assert [a.name for a in client.exchange("two").accounts] == ["alpha", "beta"]
    assert "tx.ip.weight" in client.limits() and "tx.ip" in client.scopes()
    assert client.exchange("tx") is x  # cached
    assert x.mode() == ("normal", None)


def test_unknown_names(client):
    with pytest.raises(rlc.UnknownEndpoint) as e:
        client.exchange("nope")
    assert e.value.kind == "exchange" and e.value.name == "nope" and e.value.errname == "ENOENT"
    assert isinstance(e.value, LookupError)
    x = client.exchange("tx")
    with pytest.raises(rlc.UnknownEndpoint, match=r"no endpoint 'GET /fapi/v9/nothing' in tx"):
        x.endpoint("GET", "/fapi/v9/nothing")
    with pytest.raises(rlc.UnknownEndpoint, match="no account 'gamma'"):
        client.exchange("two").account("gamma")
    with pytest.raises(rlc.UnknownEndpoint):
        client.block_state("tx.nothing")
    with pytest.raises(rlc.UnknownEndpoint) as e:
        client.reserve(999)
    assert e.value.kind == "endpoint id"


def test_reserve_refund_and_weights(client):
    x = client.exchange("tx")
    depth = x.endpoint("GET", "/fapi/v1/depth")
    g = client.reserve(depth, {"symbol": "BTCUSDT", "limit": 100})
    assert g.weights == [("tx.ip.weight", 5)] and g.endpoint == depth and not g.sent
    assert g.priority == rlc.Priority.LOW and g.client is client
    assert abs(g.now - time.monotonic()) < 1.0
    assert weight(client) == 5
    client.refund(g)
    assert g.refunded and weight(client) == 0
    with pytest.raises(ValueError, match="refunded already"):
        client.refund(g)
    with pytest.raises(ValueError, match="refunded"):
        client.feedback(g, 200)
    # each rule: items of a list, as JSON; the default when absent
    batch = x.endpoint("POST", "/fapi/v1/batchOrders")
    g = client.reserve(batch, {"batchOrders": [{"s": 1}, {"s": 2}, {"s": 3}]}, priority="high")
    assert g.weights == [("tx.ip.weight", 5), ("tx.main.orders", 3)]
    client.refund(g)
    assert client.endpoint_weights(depth) == [("tx.ip.weight", 10)]
    assert client.endpoint_weights(depth, [("limit", "1000")]) == [("tx.ip.weight", 20)]
    assert client.endpoint_weights(x.endpoint("GET", "/fapi/v1/ticker/price"),
                                   {"symbol": None}) == [("tx.ip.weight", 2)]  # None: left out
    # a reduce-only order is critical (critical-if)
    order = x.endpoint("POST", "/fapi/v1/order")
    g = client.reserve(order, {"reduceOnly": True})
    assert g.priority == rlc.Priority.CRITICAL and g.weights == [("tx.main.orders", 1)]
    client.refund(g)


def test_refused_and_attributes(client):
    x = client.exchange("tx")
    book = x.endpoint("GET", "/fapi/v1/ticker/bookTicker")
    with pytest.raises(rlc.TooBig) as e:  # 10 per symbol: 50 > 40 never fits
        client.reserve(book, {"symbols": ["A", "B", "C", "D", "E"]})
    assert e.value.limit == "tx.ip.weight" and e.value.errname == "E2BIG" and e.value.errno == 7
    depth = x.endpoint("GET", "/fapi/v1/depth")
    grants = [client.reserve(depth, {"limit": 1000}) for _ in range(1)]
    with pytest.raises(rlc.Refused) as e:  # low priority: the last 10% is not its
        client.reserve(depth, {"limit": 1000})
    r = e.value
    assert r.limit == "tx.ip.weight" and r.errname == "EAGAIN" and 0 < r.retry_after <= 1.1
    assert "refused by tx.ip.weight" in str(r)
    r2 = pickle.loads(pickle.dumps(r))  # survives a trip to another process
    assert type(r2) is rlc.Refused and r2.retry_after == r.retry_after and r2.limit == r.limit
    with pytest.raises(rlc.ReserveTimeout) as e:
        client.reserve_wait(depth, {"limit": 1000}, timeout=0.01)
    assert isinstance(e.value, rlc.Refused) and e.value.errname == "ETIMEDOUT"
    for g in grants:
        client.refund(g)


def test_reserve_wait_waits_and_releases_the_gil(client):
    x = client.exchange("slow")
    one = x.endpoint("GET", "/one")
    client.reserve(one)
    gaps, stop = [], threading.Event()

    def ticker():  # runs only if reserve_wait lets the GIL go while it sleeps
        last = time.monotonic()
        while not stop.is_set():
            time.sleep(0.002)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    t = threading.Thread(target=ticker)
    t.start()
    until("the ticker ticks", lambda: len(gaps) > 3)
    t0 = time.monotonic()
    g = client.reserve_wait(one, timeout=2.0)
    waited = time.monotonic() - t0
    stop.set()
    t.join()
    assert g.weights == [("slow.ip.one", 1)]
    assert 0.2 < waited < 1.5
    assert max(gaps) < 0.05, "the ticker stalled %.3f s while reserve_wait slept" % max(gaps)
    info = client.info()
    assert info.waits == 1 and info.wait_time > 0.2
    assert client.endpoint_counters(one).waits == 1


def test_reservation_refunds_on_exception(client):
    depth = client.exchange("tx").endpoint("GET", "/fapi/v1/depth")
    with pytest.raises(ZeroDivisionError):
        with client.reservation(depth, {"limit": 100}) as g:
            assert weight(client) == 5
            1 / 0
    assert g.refunded and weight(client) == 0
    # sent: kept counted
    with pytest.raises(ZeroDivisionError):
        with client.reservation(depth, {"limit": 100}) as g:
            g.mark_sent()
            1 / 0
    assert not g.refunded and weight(client) == 5
    # fed back: sent, kept
    with pytest.raises(KeyError):
        with client.reservation(depth, {"limit": 100}, timeout=1.0) as g:
            client.feedback(g, 200)
            raise KeyError("x")
    assert g.fed_back and g.sent and weight(client) == 10
    # no exception: nothing refunded
    with client.reservation(depth, {"limit": 100}) as g:
        pass
    assert not g.refunded and weight(client) == 15


def test_feedback_headers_and_penalties(client):
    x = client.exchange("tx")
    ping = x.endpoint("GET", "/fapi/v1/ping")
    g = client.reserve(ping)
    flags = client.feedback(g, 200, {"X-MBX-USED-WEIGHT-1S": "30", "Date": "x"}, None, 0.01)
    assert rlc.Feedback(flags) & rlc.Feedback.RAISED
    assert weight(client) >= 30
    with pytest.raises(ValueError, match="fed back already"):
        client.feedback(g, 200)
    with pytest.raises(ValueError, match="was sent"):
        client.refund(g)
    g = client.reserve(ping)
    flags = client.feedback(g, 429, [("Retry-After", "2")], "-1003")
    assert flags & rlc.Feedback.BLOCKED
    with pytest.raises(rlc.Blocked) as e:
        client.reserve(ping)
    b = e.value
    assert b.scope == "tx.ip" and b.status == 429 and b.code == -1003 and b.errname == "ECONNREFUSED"
    assert 1.0 < b.retry_after <= 2.0 and abs(b.until - (time.monotonic() + b.retry_after)) < 0.5
    assert b.client == client.client_index and "HTTP 429, code -1003" in b.reason
    s = client.block_state("tx.ip")
    assert s.status == 429 and s.code == -1003 and s.scope == "tx.ip" and s.retry_after > 1
    # an order weighs nothing on the IP, but leaves from the same IP: refused too
    with pytest.raises(rlc.Blocked):
        client.reserve(x.endpoint("POST", "/fapi/v1/order"))
    client.unblock("tx.ip")
    assert client.block_state("tx.ip") is None
    client.refund(client.reserve(ping))
    client.block("tx.main", 5)
    s = client.block_state("tx.main")
    assert s.status == 0 and 4 < s.retry_after <= 5
    with pytest.raises(rlc.Blocked) as e:
        client.reserve(x.endpoint("POST", "/fapi/v1/order"))
    assert e.value.scope == "tx.main" and e.value.status == 0 and "by hand" in e.value.reason


def test_breaker(client):
    x = client.exchange("brk")
    ep = x.endpoint("GET", "/x")
    for _ in range(2):
        client.feedback(client.reserve(ep), 503)
    with pytest.raises(rlc.BreakerOpen) as e:
        client.reserve(ep)
    assert e.value.scope == "brk.ip" and e.value.errname == "EHOSTDOWN" and e.value.retry_after > 1
    assert client.breaker("brk.ip").state == "open"
    client.unblock("brk.ip")
    assert client.breaker("brk.ip").state == "closed"


def test_modes_and_usage(client):
    x = client.exchange("tx")
    u = client.usage("tx.ip.weight")
    assert (u.capacity, u.interval, u.algorithm, u.scope) == (40, 1.0, "window", "tx.ip")
    assert len(client.usage()) == len(client.limits())
    assert x.modes == ["normal"]
    x.set_mode("normal")
    with pytest.raises(rlc.UnknownEndpoint):
        x.set_mode("burst")
    names = [ci.name for ci in client.clients()]
    assert "test" in names


def test_bad_arguments(client):
    x = client.exchange("tx")
    depth = x.endpoint("GET", "/fapi/v1/depth")
    ping = x.endpoint("GET", "/fapi/v1/ping")
    cases = [
        (lambda: client.reserve("depth"), TypeError, r"reserve\(\): endpoint must be an int id, not str"),
        (lambda: client.reserve(True), TypeError, "endpoint must be an int id, not bool"),
        (lambda: client.reserve(-1), ValueError, "endpoint must be an id from 0"),
        (lambda: client.reserve(depth, {"symbols": {1: 2}}), TypeError,
         r"params values must be str, int, float, bool, list, tuple or None, not dict \(key 'symbols'\)"),
        (lambda: client.reserve(depth, {3: "x"}), TypeError, "params keys must be str, not int"),
        (lambda: client.reserve(depth, 5), TypeError, "params must be a dict"),
        (lambda: client.reserve(depth, [("a",)]), TypeError, r"\(key, value\) pairs"),
        (lambda: client.reserve(depth, {"a": "x\0y"}), ValueError, "NUL"),
        (lambda: client.reserve(depth, priority="urgent"), ValueError, "priority must be 'critical'"),
        (lambda: client.reserve(depth, priority=7), ValueError, "priority must be 0"),
        (lambda: client.reserve(depth, priority=1.5), TypeError, "priority must be a str"),
        (lambda: client.reserve(depth, account="main"), TypeError, "account must be an int id"),
        (lambda: client.reserve(depth, bogus=1), TypeError, "unexpected keyword argument 'bogus'"),
        (lambda: client.reserve(depth, None, params=None), TypeError, "multiple values"),
        (lambda: client.reserve(), TypeError, "takes an endpoint"),
        (lambda: client.reserve_wait(depth, timeout=-1), ValueError, "timeout must be >= 0"),
        (lambda: client.reserve_wait(depth, timeout="1"), TypeError, "timeout must be seconds"),
        (lambda: client.refund(object()), TypeError, "grant must be an rlc.Grant, not object"),
        (lambda: client.feedback(client.reserve(ping), 99), ValueError, "status must be 0"),
        (lambda: client.feedback(client.reserve(ping), "200"), TypeError, "status must be an int"),
        (lambda: client.feedback(client.reserve(ping), 200, 5), TypeError, "headers must be a mapping"),
        (lambda: client.feedback(client.reserve(ping), 200, [("a", 1)]), TypeError,
         r"headers values must be str or bytes, not int \(header 'a'\)"),
        (lambda: client.feedback(client.reserve(ping), 200, elapsed=-1), ValueError, "elapsed"),
        (lambda: client.block("tx.ip", 0), ValueError, "seconds must be above 0"),
        (lambda: client.block("tx.ip", 10 ** 7), ValueError, "at most 3 days"),
        (lambda: client.block(3.5, 1), TypeError, "scope must be a name"),
        (lambda: rlc.Client("no-slash"), ValueError, "is not a segment name"),
        (lambda: rlc.Client(name="x" * 40), ValueError, "name must be at most 31 bytes"),
    ]
    for call, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            call()
    # an account is needed where the exchange has two
    two = client.exchange("two")
    with pytest.raises(ValueError, match="account= is needed: POST /order counts on account limits "
                                         "and exchange two has 2 accounts"):
        client.reserve(two.endpoint("POST", "/order"))
    with pytest.raises(ValueError, match="account 0 is not an account of exchange two"):
        client.reserve(two.endpoint("POST", "/order"), account=x.account("main"))
    g = client.reserve(two.endpoint("POST", "/order"), account=two.account("beta"))
    assert g.weights == [("two.beta.orders", 1)] and g.account == two.account("beta")
    # a grant of another client
    with rlc.Client(client.segment, "other") as other:
        with pytest.raises(ValueError, match="granted by another rlc.Client"):
            other.refund(g)


def test_no_segment_and_closed():
    with pytest.raises(rlc.NoSegment) as e:
        rlc.Client("/rlc-test-none-%d" % os.getpid())
    assert e.value.errname == "ENOENT" and e.value.segment.startswith("/rlc-test-none")
    assert "is rlcd running?" in str(e.value)


def test_closed_and_readonly(rlcd):
    c = rlcd.client()
    depth = c.exchange("tx").endpoint("GET", "/fapi/v1/depth")
    g = c.reserve(depth)
    c.close()
    c.close()  # twice is fine
    assert c.closed
    with pytest.raises(ValueError, match="closed"):
        c.reserve(depth)
    with pytest.raises(ValueError, match="closed"):
        c.refund(g)
    with rlc.Client(rlcd.segment, readonly=True) as ro:
        assert ro.readonly and ro.usage("tx.ip.weight").capacity == 40
        with pytest.raises(ValueError, match="read-only"):
            ro.reserve(depth)


def test_fork_child_gets_its_own(rlcd):
    c = rlcd.client("parent")
    depth = c.exchange("tx").endpoint("GET", "/fapi/v1/ping")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's handle refuses; a new one works
        code = 1
        try:
            try:
                c.reserve(depth)
            except RuntimeError as e:
                if "forked" in str(e):
                    c.close()
                    with rlc.Client(rlcd.segment, "child") as mine:
                        mine.refund(mine.reserve(depth))
                        code = 0
        finally:
            os.write(w, bytes([code]))
            os._exit(0)
    os.close(w)
    assert os.read(r, 1) == b"\0"
    os.waitpid(pid, 0)
    # the parent's record is still its own
    c.refund(c.reserve(depth))
    assert "parent" in [ci.name for ci in c.clients() if ci.pid == os.getpid()]
    c.close()
