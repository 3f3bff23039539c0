# SPDX-License-Identifier: MIT
"""reserve_async and reservation_async on a real rlcd: the wait sleeps in
asyncio, so other tasks run while it waits (measured: a ticker's largest
gap), it times out, is refused at once by a block that outlasts it, counts
its wait, gives up when cancelled, and refunds a grant whose body raised."""

import asyncio
import time

import pytest

import rlc

pytestmark = pytest.mark.asyncio


async def _ticker(gaps, stop):
    last = time.monotonic()
    while not stop.is_set():
        await asyncio.sleep(0.005)
        now = time.monotonic()
        gaps.append(now - last)
        last = now


async def test_wait_does_not_block_the_loop(client):
    one = client.exchange("slow").endpoint("GET", "/one")
    client.reserve(one)  # the limit (1 per 500 ms) is full now
    gaps, stop = [], asyncio.Event()
    ticker = asyncio.create_task(_ticker(gaps, stop))
    while len(gaps) < 3:  # the ticker runs
        await asyncio.sleep(0.005)
    t0 = time.monotonic()
    g = await client.reserve_async(one, timeout=2.0)
    waited = time.monotonic() - t0
    stop.set()
    await ticker
    assert g.weights == [("slow.ip.one", 1)]
    assert waited > 0.3, "it did not wait (%.3f s)" % waited
    assert max(gaps) < 0.05, "the loop stalled %.3f s while reserve_async waited" % max(gaps)
    assert client.info().waits == 1 and client.endpoint_counters(one).waits == 1


async def test_timeout_block_and_fast_path(client):
    x = client.exchange("tx")
    depth = x.endpoint("GET", "/fapi/v1/depth")
    g = await client.reserve_async(depth, {"limit": 1000})  # fits: no sleep at all
    assert g.weights == [("tx.ip.weight", 20)] and client.info().waits == 0
    with pytest.raises(rlc.ReserveTimeout) as e:
        await client.reserve_async(depth, {"limit": 1000}, timeout=0.05)
    assert e.value.limit == "tx.ip.weight" and e.value.retry_after > 0
    client.block("tx.ip", 10)
    t0 = time.monotonic()
    with pytest.raises(rlc.Blocked) as e:  # a block past the deadline: at once
        await client.reserve_async(depth, timeout=1.0)
    assert time.monotonic() - t0 < 0.5 and e.value.scope == "tx.ip" and e.value.status == 0


async def test_cancel_gives_the_wait_up(client):
    one = client.exchange("slow").endpoint("GET", "/one")
    client.reserve(one)
    task = asyncio.create_task(client.reserve_async(one, timeout=5.0))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client.usage("slow.ip.one").used == 1  # nothing granted to the cancelled wait


async def test_reservation_async_refunds_on_exception(client):
    depth = client.exchange("tx").endpoint("GET", "/fapi/v1/depth")
    with pytest.raises(ValueError):
        async with client.reservation_async(depth, {"limit": 100}, timeout=1.0) as g:
            assert client.usage("tx.ip.weight").used == 5
            raise ValueError("the request was never sent")
    assert g.refunded and client.usage("tx.ip.weight").used == 0
    async with client.reservation_async(depth, {"limit": 100}) as g:
        client.feedback(g, 200)
    assert client.usage("tx.ip.weight").used == 5


async def test_bad_arguments_async(client):
    with pytest.raises(TypeError, match=r"reserve_async\(\): endpoint must be an int id"):
        await client.reserve_async("x")
    with pytest.raises(ValueError, match="timeout must be >= 0"):
        await client.reserve_async(0, timeout=-2)
