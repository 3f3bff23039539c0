# SPDX-License-Identifier: MIT
"""The adapters with the real HTTP clients against a real aiohttp server on
loopback that answers like the exchange: rlc.aiohttp.ClientSession,
rlc.requests.Session, rlc.httpx.Transport / AsyncTransport, and a plain
httpx.Client reserving and feeding back by hand.  Each reserves by method,
path and parameters, feeds back status, usage headers and the body's error
code, is refused by the block a 429 or 418 set, refunds a request that
raised before it left, feeds back status 0 for one that got no response,
and sends unknown endpoints unreserved with one warning."""

import asyncio
import json
import time
import warnings

import aiohttp
import httpx
import pytest
import requests

import rlc
import rlc.aiohttp
import rlc.httpx
import rlc.requests

CLOSED_PORT_URL = "http://127.0.0.1:9"  # discard: nothing listens on loopback


def used(c, limit="tx.ip.weight"):
    return c.usage(limit).used


def outcomes(c, method, path):
    return c.endpoint_outcomes(c.exchange("tx").endpoint(method, path))


# -- aiohttp --

@pytest.mark.asyncio
async def test_aiohttp_reserves_and_feeds_back(client, server):
    server.used_weight = 30
    async with rlc.aiohttp.ClientSession(client, exchange="tx") as s:
        async with s.get(server.url + "/fapi/v1/depth", params={"symbol": "BTCUSDT", "limit": 100}) as r:
            assert r.status == 200
            body = await r.json()  # still readable: the adapter's read is kept
            assert "serverTime" in body
        assert server.count("/fapi/v1/depth") == 1
        assert server.arrived()[0].query == {"symbol": "BTCUSDT", "limit": "100"}
        assert outcomes(client, "GET", "/fapi/v1/depth").ok == 1
        assert used(client) >= 30  # the usage header raised the count past our 5
        # a batch: its list parameter, form-encoded in the body, counts per item
        orders = json.dumps([{"symbol": "BTCUSDT"}] * 3)
        r = await s.post(server.url + "/fapi/v1/batchOrders", data={"batchOrders": orders})
        assert r.status == 200
        r.release()
        assert used(client, "tx.main.orders") == 3
        # JSON body parameters count too
        r = await s.post(server.url + "/fapi/v1/order", json={"symbol": "X", "reduceOnly": "true"})
        r.release()
        assert used(client, "tx.main.orders") == 4


@pytest.mark.asyncio
async def test_aiohttp_429_blocks_and_refuses(client, server):
    server.script("GET", "/fapi/v1/ping", {"status": 429, "headers": {"Retry-After": "5"},
                                           "json": {"code": -1003, "msg": "Too many requests"}})
    async with rlc.aiohttp.ClientSession(client, exchange="tx", wait=0.2) as s:
        r = await s.get(server.url + "/fapi/v1/ping")
        assert r.status == 429
        b = client.block_state("tx.ip")
        assert b.status == 429 and b.code == -1003 and 4 < b.retry_after <= 5  # code from the body
        with pytest.raises(rlc.Blocked) as e:
            await s.get(server.url + "/fapi/v1/ping")
        assert e.value.status == 429 and e.value.code == -1003
        assert server.count("/fapi/v1/ping") == 1  # the refused one never left
        assert outcomes(client, "GET", "/fapi/v1/ping").limited == 1


@pytest.mark.asyncio
async def test_aiohttp_refunds_before_sending_and_counts_no_response(client, server):
    async with rlc.aiohttp.ClientSession(client, exchange="tx") as s:
        with pytest.raises(TypeError):  # aiohttp refuses the body before connecting
            await s.post(server.url + "/fapi/v1/order", data=object())
        assert used(client, "tx.main.orders") == 0
        assert client.info().refunded == 1
        # a refused connection: no response, fed back as status 0
        with pytest.raises(aiohttp.ClientConnectorError):
            await s.get(CLOSED_PORT_URL + "/fapi/v1/ping")
        assert outcomes(client, "GET", "/fapi/v1/ping").transport == 1
        assert used(client) == 1
        # a request cancelled while it waits for its reservation sends nothing
        one = client.exchange("slow").endpoint("GET", "/one")
    async with rlc.aiohttp.ClientSession(client, exchange="slow") as s2:
        client.reserve(one)
        t = asyncio.ensure_future(s2.get(server.url + "/one"))
        await asyncio.sleep(0.05)
        t.cancel()
        with pytest.raises(asyncio.CancelledError):
            await t
        assert server.count("/one") == 0


@pytest.mark.asyncio
async def test_aiohttp_no_response_after_sending(client, server):
    async with rlc.aiohttp.ClientSession(client, exchange="tx") as s:
        with pytest.raises(asyncio.TimeoutError):  # it left; no answer in time
            await s.get(server.url + "/fapi/v1/time?hang=1",
                        timeout=aiohttp.ClientTimeout(total=0.3))
        assert outcomes(client, "GET", "/fapi/v1/time").transport == 1
        assert used(client) == 1  # it left: kept counted


@pytest.mark.asyncio
async def test_aiohttp_unknown_endpoint_passes_through_once_warned(client, server):
    async with rlc.aiohttp.ClientSession(client, exchange="tx") as s:
        with pytest.warns(rlc.UnreservedWarning, match="tx has no endpoint GET /api/other"):
            (await s.get(server.url + "/api/other")).release()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a second request: no second warning
            (await s.get(server.url + "/api/other")).release()
        assert s.rlc_unreserved["GET /api/other"] == 2 and server.count("/api/other") == 2
        assert used(client) == 0
    async with rlc.aiohttp.ClientSession(client, exchange="tx", unknown="raise") as s:
        with pytest.raises(rlc.UnknownEndpoint):
            await s.get(server.url + "/api/other")
        assert server.count("/api/other") == 2


# -- requests --

def test_requests_reserves_and_feeds_back(client, server):
    server.used_weight = 25
    with rlc.requests.Session(client, exchange="tx") as s:
        r = s.get(server.url + "/fapi/v1/depth", params={"limit": 50})
        assert r.status_code == 200 and "serverTime" in r.json()
        assert outcomes(client, "GET", "/fapi/v1/depth").ok == 1 and used(client) >= 25
        r = s.post(server.url + "/fapi/v1/batchOrders",
                   data={"batchOrders": json.dumps([{"s": 1}, {"s": 2}])})
        assert used(client, "tx.main.orders") == 2
        r = s.post(server.url + "/fapi/v1/order", json={"symbol": "X"})
        assert used(client, "tx.main.orders") == 3


def test_requests_418_blocks(client, server):
    server.script("GET", "/fapi/v1/time", {"status": 418, "headers": {"Retry-After": "30"},
                                           "json": {"code": -1003, "msg": "banned"}})
    with rlc.requests.Session(client, exchange="tx", wait=1.0) as s:
        assert s.get(server.url + "/fapi/v1/time").status_code == 418
        b = client.block_state("tx.ip")
        assert b.status == 418 and 29 < b.retry_after <= 30
        t0 = time.monotonic()
        with pytest.raises(rlc.Blocked) as e:  # the ban outlasts the wait: at once
            s.get(server.url + "/fapi/v1/depth")
        assert time.monotonic() - t0 < 0.5 and e.value.status == 418
        assert server.count("/fapi/v1/depth") == 0


def test_requests_refunds_before_sending_and_counts_no_response(client, server):
    with rlc.requests.Session(client, exchange="tx") as s:
        # SOCKS without PySocks: requests raises before connecting
        with pytest.raises(requests.exceptions.InvalidSchema):
            s.get(server.url + "/fapi/v1/ping", proxies={"http": "socks5://127.0.0.1:9"})
        assert used(client) == 0 and client.info().refunded == 1
        with pytest.raises(requests.exceptions.ConnectionError):
            s.get(CLOSED_PORT_URL + "/fapi/v1/ping")
        assert outcomes(client, "GET", "/fapi/v1/ping").transport == 1 and used(client) == 1


def test_requests_unknown_endpoint(client, server):
    with rlc.requests.Session(client, exchange="tx") as s:
        with pytest.warns(rlc.UnreservedWarning):
            assert s.get(server.url + "/api/other").status_code == 200
        s.get(server.url + "/api/other")
        assert s.rlc_unreserved["GET /api/other"] == 2 and used(client) == 0


# -- httpx --

def test_httpx_transport(client, server):
    server.used_weight = 20
    with httpx.Client(transport=rlc.httpx.Transport(client, exchange="tx")) as h:
        r = h.get(server.url + "/fapi/v1/depth", params={"limit": 100})
        assert r.status_code == 200 and "serverTime" in r.json()
        assert outcomes(client, "GET", "/fapi/v1/depth").ok == 1 and used(client) >= 20
        server.script("GET", "/fapi/v1/ping", {"status": 429, "headers": {"Retry-After": "3"},
                                               "json": {"code": -1003}})
        assert h.get(server.url + "/fapi/v1/ping").status_code == 429
        assert client.block_state("tx.ip").code == -1003
        h._transport.rlc.wait = 0.1
        with pytest.raises(rlc.Blocked):
            h.get(server.url + "/fapi/v1/ping")
        assert server.count("/fapi/v1/ping") == 1


def test_httpx_transport_refund_and_no_response(client, server):
    t = rlc.httpx.Transport(client, exchange="tx")
    with httpx.Client(transport=t) as h:
        with pytest.raises(httpx.ConnectError):
            h.get(CLOSED_PORT_URL + "/fapi/v1/ping")
        assert outcomes(client, "GET", "/fapi/v1/ping").transport == 1 and used(client) == 1
    # a scheme HTTPTransport does not speak: nothing left, refunded
    with pytest.raises(httpx.UnsupportedProtocol):
        t.handle_request(httpx.Request("GET", "ftp://127.0.0.1/fapi/v1/ping"))
    assert client.info().refunded == 1 and used(client) == 1


@pytest.mark.asyncio
async def test_httpx_async_transport(client, server):
    async with httpx.AsyncClient(transport=rlc.httpx.AsyncTransport(client, exchange="tx")) as h:
        r = await h.post(server.url + "/fapi/v1/batchOrders",
                         data={"batchOrders": json.dumps([1, 2, 3, 4])})
        assert r.status_code == 200 and used(client, "tx.main.orders") == 4
        server.script("GET", "/fapi/v1/ping", {"status": 418, "headers": {"Retry-After": "9"}})
        assert (await h.get(server.url + "/fapi/v1/ping")).status_code == 418
        with pytest.raises(rlc.Blocked):
            await client.reserve_async(client.endpoint("tx", "GET", "/fapi/v1/ping"), timeout=0.1)


def test_plain_httpx_by_hand(client, server):
    """What a bot does without an adapter: reserve, send, feed back."""
    ep = client.exchange("tx").endpoint("GET", "/fapi/v1/depth")
    server.used_weight = 33
    with httpx.Client() as h:
        params = {"symbol": "BTCUSDT", "limit": 500}
        with client.reservation(ep, params, timeout=1.0) as g:
            t0 = time.monotonic()
            r = h.get(server.url + ep.path, params=params)
            flags = client.feedback(g, r.status_code, r.headers.multi_items(),
                                    r.json().get("code"), time.monotonic() - t0,
                                    r.json().get("serverTime"))
        assert flags & rlc.Feedback.RAISED and used(client) == 33
        with pytest.raises(httpx.ConnectError):
            with client.reservation(ep, {"limit": 50}) as g:
                h.get(CLOSED_PORT_URL + ep.path)
        assert g.refunded and used(client) == 33
