// SPDX-License-Identifier: MIT
// The exchange models against the documented rules, on a clock driven by
// hand: Binance's fixed windows, 429s with Retry-After and escalating 418
// bans; Bybit's rolling IP window with its 403 ban and its per-UID limits.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { BinanceUsdm } = require('../lib/binance');
const { BybitV5 } = require('../lib/bybit');
const { Report } = require('../lib/report');

// Exchange time in ms, moved by the test; windows scaled by 60.
function manualClock(t) {
  return { t, now() { return this.t; }, window(ms) { return ms / 60; } };
}

function req(method, pathAndQuery, { ip = '10.0.0.1', key = 'k1', json = null } = {}) {
  const url = new URL(pathAndQuery, 'http://x');
  return {
    method, path: url.pathname, query: url.searchParams, json, ip,
    headers: { 'x-mbx-apikey': key, 'x-bapi-api-key': key },
  };
}

test('binance: the IP weight is a fixed window of the exchange clock, with usage headers', () => {
  const clock = manualClock(5000000); // on a 1 s (scaled minute) boundary
  const x = new BinanceUsdm({ clock, report: new Report() });
  let r;
  for (let i = 0; i < 120; i++) {
    r = x.handle(req('GET', '/fapi/v1/depth?limit=1000')); // 20 each
    assert.equal(r.status, 200);
  }
  assert.equal(r.headers['X-MBX-USED-WEIGHT-1M'], '2400');
  clock.t += 600;
  r = x.handle(req('GET', '/fapi/v1/ping'));
  assert.equal(r.status, 429);
  assert.equal(r.body.code, -1003);
  assert.equal(r.headers['Retry-After'], '1'); // 400 ms to the boundary, in whole seconds
  clock.t += 400; // the next window: counted from zero
  r = x.handle(req('GET', '/fapi/v1/ping'));
  assert.equal(r.status, 200);
  assert.equal(r.headers['X-MBX-USED-WEIGHT-1M'], '1');
});

test('binance: weights follow the documented tiers, orders count on the account only', () => {
  const clock = manualClock(0);
  const x = new BinanceUsdm({ clock, report: new Report() });
  const used = (r) => Number(r.headers['X-MBX-USED-WEIGHT-1M']);
  let before = used(x.handle(req('GET', '/fapi/v1/ping')));
  for (const [path, w] of [['/fapi/v1/depth?limit=5', 2], ['/fapi/v1/depth?limit=100', 5], ['/fapi/v1/depth', 10],
    ['/fapi/v1/klines?limit=99', 1], ['/fapi/v1/klines?limit=100', 2], ['/fapi/v1/klines', 5],
    ['/fapi/v1/ticker/24hr', 40], ['/fapi/v1/ticker/24hr?symbol=BTCUSDT', 1], ['/fapi/v1/aggTrades', 20]]) {
    const now = used(x.handle(req('GET', path)));
    assert.equal(now - before, w, path);
    before = now;
  }
  const o = x.handle(req('POST', '/fapi/v1/order?symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=1'));
  assert.equal(o.status, 200);
  assert.equal(used(o), before); // 0 IP weight
  assert.equal(o.headers['X-MBX-ORDER-COUNT-10S'], '1');
  assert.equal(o.headers['X-MBX-ORDER-COUNT-1M'], '1');
  // another account's orders count apart
  const other = x.handle(req('POST', '/fapi/v1/order?symbol=BTCUSDT', { key: 'k2' }));
  assert.equal(other.headers['X-MBX-ORDER-COUNT-10S'], '1');
});

test('binance: the 10 s order limit answers 429 -1015', () => {
  const clock = manualClock(0);
  const x = new BinanceUsdm({ clock, report: new Report(), orders10s: 3 });
  for (let i = 0; i < 3; i++) assert.equal(x.handle(req('POST', '/fapi/v1/order')).status, 200);
  const r = x.handle(req('POST', '/fapi/v1/order'));
  assert.equal(r.status, 429);
  assert.equal(r.body.code, -1015);
});

test('binance: coming back before Retry-After bans the IP, longer each time', () => {
  const clock = manualClock(0);
  const report = new Report();
  const x = new BinanceUsdm({ clock, report, weight: 10, banAfter: 3 });
  for (let i = 0; i < 10; i++) x.handle(req('GET', '/fapi/v1/ping'));
  assert.equal(x.handle(req('GET', '/fapi/v1/ping')).status, 429); // told to wait
  assert.equal(x.handle(req('GET', '/fapi/v1/ping')).status, 429); // early: 1
  assert.equal(x.handle(req('GET', '/fapi/v1/ping')).status, 429); // early: 2
  let r = x.handle(req('GET', '/fapi/v1/ping'));                   // early: 3, banned
  assert.equal(r.status, 418);
  assert.equal(report.bans.length, 1);
  assert.equal(report.bans[0].until_ms - report.bans[0].at_ms, 2000); // 2 min scaled by 60
  assert.equal(r.headers['Retry-After'], '2');
  // another IP is not banned
  assert.equal(x.handle(req('GET', '/fapi/v1/ping', { ip: '10.0.0.2' })).status, 200);
  clock.t += 2000; // the ban is over; the window too
  assert.equal(x.handle(req('GET', '/fapi/v1/ping')).status, 200);
  for (let i = 0; i < 9; i++) x.handle(req('GET', '/fapi/v1/ping'));
  for (let i = 0; i < 4; i++) r = x.handle(req('GET', '/fapi/v1/ping'));
  assert.equal(r.status, 418);
  assert.equal(report.bans[1].until_ms - report.bans[1].at_ms, 4000); // doubled
});

test('binance: a client that waits out Retry-After is never banned', () => {
  const clock = manualClock(0);
  const x = new BinanceUsdm({ clock, report: new Report(), weight: 10 });
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 10; i++) assert.equal(x.handle(req('GET', '/fapi/v1/ping')).status, 200);
    const r = x.handle(req('GET', '/fapi/v1/ping'));
    assert.equal(r.status, 429);
    clock.t = Math.ceil((clock.t + 1) / 1000) * 1000; // the window's end
  }
});

test('bybit: 600 requests per rolling 5 s per IP, then 403 and a 10 minute ban', () => {
  const clock = manualClock(0);
  const report = new Report();
  const x = new BybitV5({ clock, report });
  for (let i = 0; i < 600; i++) {
    clock.t = i * (5000 / 60 / 600); // 600 requests spread over one scaled window
    assert.equal(x.handle(req('GET', '/v5/market/tickers?category=linear')).status, 200);
  }
  // rolling: the first request leaves the window only 83.3 ms after it came
  clock.t = 5000 / 60 - 1;
  assert.equal(x.handle(req('GET', '/v5/market/time')).status, 403);
  assert.equal(report.bans[0].until_ms - report.bans[0].at_ms, 10000);
  clock.t += 9999;
  assert.equal(x.handle(req('GET', '/v5/market/time')).status, 403);
  clock.t += 2;
  assert.equal(x.handle(req('GET', '/v5/market/time')).status, 200);
});

test('bybit: per-UID per-endpoint rolling 1 s limits answer retCode 10006 with X-Bapi headers', () => {
  const clock = manualClock(1000);
  const x = new BybitV5({ clock, report: new Report() });
  let r;
  for (let i = 0; i < 10; i++) {
    r = x.handle(req('POST', '/v5/order/create', { json: { symbol: 'BTCUSDT' } }));
    assert.equal(r.body.retCode, 0);
  }
  assert.equal(r.headers['X-Bapi-Limit'], '10');
  assert.equal(r.headers['X-Bapi-Limit-Status'], '0');
  r = x.handle(req('POST', '/v5/order/create'));
  assert.equal(r.status, 200);
  assert.equal(r.body.retCode, 10006);
  assert.ok(Number(r.headers['X-Bapi-Limit-Reset-Timestamp']) > clock.t);
  // its own counter: cancels and another UID still pass
  assert.equal(x.handle(req('POST', '/v5/order/cancel')).body.retCode, 0);
  assert.equal(x.handle(req('POST', '/v5/order/create', { key: 'k2' })).body.retCode, 0);
  clock.t += 1000 / 60 + 1;
  assert.equal(x.handle(req('POST', '/v5/order/create')).body.retCode, 0);
});
