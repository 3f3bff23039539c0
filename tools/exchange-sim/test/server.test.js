// SPDX-License-Identifier: MIT
// The simulator over real HTTP on loopback: routing to each exchange, the
// Date header and serverTime from the offset clock, form and JSON bodies,
// the added latency, and the report.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Simulator } = require('../lib/server');

async function withSim(opts, fn) {
  const sim = new Simulator(opts);
  const port = await sim.listen(0);
  try {
    await fn(`http://127.0.0.1:${port}`, sim);
  } finally {
    await sim.close();
  }
}

test('the exchange clock runs at its offset, in Date and in serverTime', async () => {
  await withSim({ clockOffsetMs: 90000 }, async (base) => {
    const before = Date.now();
    const r = await fetch(`${base}/fapi/v1/time`);
    const body = await r.json();
    assert.ok(body.serverTime >= before + 90000 && body.serverTime <= Date.now() + 90000 + 5);
    const date = Date.parse(r.headers.get('date'));
    assert.ok(Math.abs(date - (before + 90000)) < 2000);
  });
});

test('orders by form body and by JSON body, bot names and the report', async () => {
  await withSim({ timeScale: 60 }, async (base) => {
    const form = await fetch(`${base}/fapi/v1/order`, {
      method: 'POST', headers: { 'x-mbx-apikey': 'a', 'x-sim-bot': 'b1', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'symbol=BTCUSDT&side=SELL&type=LIMIT&quantity=0.01&price=70000',
    });
    assert.equal(form.status, 200);
    assert.equal((await form.json()).side, 'SELL');
    assert.equal(form.headers.get('x-mbx-order-count-10s'), '1');
    const by = await fetch(`${base}/v5/order/create`, {
      method: 'POST', headers: { 'x-bapi-api-key': 'u', 'x-sim-bot': 'b2', 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'x1' }),
    });
    const j = await by.json();
    assert.equal(j.retCode, 0);
    assert.equal(j.result.orderLinkId, 'x1');
    assert.equal(by.headers.get('x-bapi-limit'), '10');
    const report = await (await fetch(`${base}/__sim/report`)).json();
    assert.equal(report.bots.b1.ok, 1);
    assert.equal(report.bots.b2.ok, 1);
    const orders = report.limits.find((l) => l.limit === 'account.orders10s');
    assert.equal(orders.windows.reduce((n, w) => n + w.accepted, 0), 1);
    assert.equal(orders.window_ms, 10000 / 60);
    await fetch(`${base}/__sim/reset`, { method: 'POST' });
    assert.deepEqual((await (await fetch(`${base}/__sim/report`)).json()).limits, []);
  });
});

test('latency delays each answer', async () => {
  await withSim({ latencyMs: 40 }, async (base) => {
    const t = performance.now();
    await (await fetch(`${base}/fapi/v1/ping`)).json();
    assert.ok(performance.now() - t >= 38);
  });
});

test('bad options are refused with the option named', () => {
  assert.throws(() => new Simulator({ jitterMs: 5 }), /jitter 5 ms/);
  assert.throws(() => new Simulator({ banAfter: 0 }), /ban-after 0/);
  assert.throws(() => new Simulator({ timeScale: 0.5 }), /time scale 0.5/);
});
