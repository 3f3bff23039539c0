'use strict';
// The ccxt adapter in one process: real ccxt from npm against the local
// exchange server, a real rlcd on a segment of the test's own.

const test = require('node:test');
const assert = require('node:assert/strict');
const { missing, profile, startRlcd, until } = require('./ccxt-harness');

const skip = missing() || false;
const rlc = skip ? null : require('..');
const ccxt = skip ? null : require('ccxt');
const { wrap } = require('../lib/ccxt');
const { startExchangeServer } = require('./support/exchange-server');

const SYM = 'BTC/USDT:USDT';
const CCXT_OPTIONS = {
  binanceusdm: { fetchCurrencies: false },
  bybit: {},
};

// rlcd with the profile of `flavor`, the local server, and a function
// making wrapped ccxt instances pointed at it.
async function setup(t, flavor, { edits = {}, server = {} } = {}) {
  const d = await startRlcd(profile(flavor, edits));
  t.after(() => d.stop());
  const srv = await startExchangeServer({ flavor, ...server });
  t.after(() => srv.close());
  const made = [];
  t.after(() => { for (const ex of made) if (ex.rlc) ex.rlc.unwrap(); });
  const make = (id, opts = {}, ccxtOpts = {}) => {
    const ex = new ccxt[id]({ apiKey: 'k', secret: 's', options: { ...CCXT_OPTIONS[id] }, ...ccxtOpts });
    ex.urls.api = srv.ccxtUrls(ex.urls.api);
    wrap(ex, { segment: d.segment, name: `t-${id}`, ...opts });
    made.push(ex);
    return ex;
  };
  return { d, srv, make };
}

// rlc keeps endpoint names lower-case
const lower = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
const grants = (d, x) => Object.fromEntries(d.status().endpoints
  .filter((e) => e.exchange === x && e.grants > 0).map((e) => [e.name.toLowerCase(), e.grants]));
const oks = (d, x) => Object.fromEntries(d.status().endpoints
  .filter((e) => e.exchange === x && e.outcomes.ok > 0).map((e) => [e.name.toLowerCase(), e.outcomes.ok]));

test('binanceusdm: each request reserved by its real method and path, with its weight, and fed back', { skip }, async (t) => {
  const { d, srv, make } = await setup(t, 'binance-usdm', { server: { usageHeaders: false } });
  const ex = make('binanceusdm');
  const tokens = ex.throttler.config.tokens;
  await ex.loadMarkets();
  await ex.fetchTicker(SYM);
  await ex.fetchOrderBook(SYM, 1000);
  const o = await ex.createOrder(SYM, 'limit', 'buy', 0.01, 40000);
  await ex.cancelOrder(o.id, SYM);
  await ex.fetchBalance();
  await ex.fetchTime();
  await ex.fapiPublicGetFundingRate({ symbol: 'BTCUSDT' }); // not in the profile: passes through

  const want = {
    'GET /fapi/v1/exchangeInfo': 1, 'GET /fapi/v1/ticker/24hr': 1, 'GET /fapi/v1/depth': 1,
    'POST /fapi/v1/order': 1, 'DELETE /fapi/v1/order': 1, 'GET /fapi/v3/account': 1, 'GET /fapi/v1/time': 1,
  };
  assert.deepEqual(grants(d, 'binance-usdm'), lower(want));
  assert.deepEqual(oks(d, 'binance-usdm'), lower(want), 'each response fed back');
  // rlc's weights, not ccxt's: depth 1000 = 20, an order 0 IP weight and 1
  // on each order counter, account 5, the rest 1
  assert.equal(d.limit('binance-usdm.ip.weight').used, 1 + 1 + 20 + 0 + 1 + 5 + 1);
  assert.equal(d.limit('binance-usdm.main.orders-10s').used, 1);
  assert.equal(d.limit('binance-usdm.main.orders-1m').used, 1);
  assert.deepEqual(srv.requests.map((r) => `${r.method} ${r.path}`), [...Object.keys(want), 'GET /fapi/v1/fundingRate']);
  assert.equal(ex.rlc.stats.passed, 1);
  assert.equal(ex.rlc.stats.late, 0, 'every request reserved before sign');
  // ccxt's own bucket never ran
  assert.equal(ex.throttler.config.tokens, tokens);
  assert.equal(ex.throttler.queue.length, 0);
});

test('bybit: loadMarkets and trading calls reserved per endpoint, per-UID limits on the account', { skip }, async (t) => {
  const { d, srv, make } = await setup(t, 'bybit-v5', { server: { usageHeaders: false } });
  const ex = make('bybit');
  await ex.loadMarkets(); // spot, linear, inverse, option markets and currencies
  await ex.fetchTicker(SYM);
  await ex.fetchOrderBook(SYM, 50);
  const o = await ex.createOrder(SYM, 'limit', 'buy', 0.01, 40000);
  await ex.cancelOrder(o.id, SYM);
  await ex.fetchBalance();

  const profiled = new Set(d.status().endpoints.filter((e) => e.exchange === 'bybit-v5').map((e) => e.name.toLowerCase()));
  const seen = {};
  let passed = 0;
  for (const r of srv.requests) {
    const k = `${r.method} ${r.path}`.toLowerCase();
    if (profiled.has(k)) seen[k] = (seen[k] || 0) + 1; else passed++;
  }
  assert.ok(seen['get /v5/market/instruments-info'] >= 5, 'loadMarkets fetches several categories');
  assert.deepEqual(grants(d, 'bybit-v5'), seen);
  assert.deepEqual(oks(d, 'bybit-v5'), seen);
  const total = Object.values(seen).reduce((a, b) => a + b, 0);
  assert.equal(d.limit('bybit-v5.ip.requests').used, total);
  assert.equal(d.limit('bybit-v5.main.order-create').used, 1);
  assert.equal(d.limit('bybit-v5.main.order-cancel').used, 1);
  assert.equal(d.limit('bybit-v5.main.account-wallet-balance').used, 1);
  // asset/coin/query-info, user/query-api, account/info are not in the profile
  assert.equal(ex.rlc.stats.passed, passed);
  assert.ok(passed >= 3);
});

test("a burst ccxt's own bucket would spread over seconds goes out at once", { skip }, async (t) => {
  const { srv, make } = await setup(t, 'binance-usdm');
  const ex = make('binanceusdm');
  await ex.loadMarkets();
  srv.reset();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: 10 }, () => ex.fetchOrderBook(SYM, 1000)));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(srv.requests.length, 10);
  // ccxt: cost 20 x rateLimit 50 ms = 1 s between two of them, 9 s in all;
  // rlc: 200 of 2400 weight, nothing to wait for
  const spread = Number(srv.requests[9].t - srv.requests[0].t) / 1e6;
  assert.ok(spread < 500 && ms < 1000, `burst took ${ms.toFixed(0)} ms, spread ${spread.toFixed(0)} ms`);
  assert.equal(ex.rlc.stats.waited, 0);
});

test('a 429 blocks the IP scope: the next request is refused without reaching the server, then waits it out', { skip }, async (t) => {
  const { d, srv, make } = await setup(t, 'binance-usdm');
  const ex = make('binanceusdm', { timeoutMs: 100 });
  await ex.loadMarkets();
  srv.failNext({ status: 429, retryAfter: 1 });
  await assert.rejects(ex.fetchTicker(SYM), ccxt.DDoSProtection); // ccxt's own answer to a 429
  const b = d.scope('binance-usdm.ip').blocked;
  assert.ok(b && b.status === 429, `scope blocked by the 429: ${JSON.stringify(b)}`);
  const n = srv.requests.length;
  const err = await ex.fetchTicker(SYM).then(() => null, (e) => e);
  assert.ok(err instanceof ccxt.DDoSProtection, `refused as DDoSProtection: ${err}`);
  assert.ok(err.cause instanceof rlc.Blocked, 'its cause is rlc.Blocked');
  assert.equal(srv.requests.length, n, 'the refused request never reached the server');
  // a waiting client sends once the block is over
  const w = make('binanceusdm', { timeoutMs: 3000, name: 't-wait' });
  w.markets = ex.markets; w.markets_by_id = ex.markets_by_id; w.symbols = ex.symbols; w.ids = ex.ids;
  const t0 = Date.now();
  await w.fetchTicker(SYM);
  assert.ok(Date.now() - t0 >= 500, 'it waited for the block');
  assert.equal(srv.requests.length, n + 1);
  assert.equal(srv.requests[n].status, 200);
});

test('bybit retCode 10006 blocks the account: the next order is refused before the server', { skip }, async (t) => {
  const { d, srv, make } = await setup(t, 'bybit-v5');
  const ex = make('bybit', { timeoutMs: 50 }, { options: { fetchMarkets: { types: ['linear'] } } });
  await ex.loadMarkets();
  await ex.fetchBalance(); // unified-account lookups, once
  srv.failNext({ status: 200, code: 10006, path: '/v5/order/create', headers: { 'X-Bapi-Limit-Reset-Timestamp': String(Date.now() + 1000) } });
  await assert.rejects(ex.createOrder(SYM, 'limit', 'buy', 0.01, 40000), ccxt.RateLimitExceeded);
  const b = d.scope('bybit-v5.main').blocked;
  assert.ok(b && b.code === 10006, `account scope blocked: ${JSON.stringify(b)}`);
  const n = srv.requests.length;
  const err = await ex.createOrder(SYM, 'limit', 'buy', 0.01, 40000).then(() => null, (e) => e);
  assert.ok(err && err.cause instanceof rlc.Blocked, `refused: ${err}`);
  assert.equal(srv.requests.length, n);
  await ex.fetchTicker(SYM); // market data is on the IP scope: not blocked
  assert.equal(srv.requests.length, n + 1);
});

test('refund when the request never left: sign() throws, or fetch throws before the transport', { skip }, async (t) => {
  const { d, srv, make } = await setup(t, 'binance-usdm');
  const ex = make('binanceusdm', {}, { apiKey: undefined, secret: undefined });
  await ex.loadMarkets();
  const before = d.limit('binance-usdm.ip.weight');
  await assert.rejects(ex.fetchBalance(), ccxt.AuthenticationError); // sign needs the keys
  let after = d.limit('binance-usdm.ip.weight');
  assert.equal(after.grants, before.grants + 1);
  assert.equal(after.refunds, before.refunds + 1);
  assert.equal(after.used, before.used);
  // conflicting proxy settings: ccxt's fetch throws before sending
  ex.proxyUrl = 'http://127.0.0.1:9/';
  ex.httpProxy = 'http://127.0.0.1:9';
  await assert.rejects(ex.fetchTicker(SYM), ccxt.InvalidProxySettings);
  after = d.limit('binance-usdm.ip.weight');
  assert.equal(after.refunds, before.refunds + 2);
  assert.equal(after.used, before.used);
  assert.equal(srv.requests.length, 1, 'only exchangeInfo reached the server');
});

test('a network failure is fed back as status 0, not refunded', { skip }, async (t) => {
  const { d, srv, make } = await setup(t, 'binance-usdm');
  const ex = make('binanceusdm');
  await ex.loadMarkets();
  await srv.close();
  const before = d.limit('binance-usdm.ip.weight');
  await assert.rejects(ex.fetchTicker(SYM), ccxt.NetworkError);
  const e = d.endpoint('binance-usdm', 'GET /fapi/v1/ticker/24hr');
  assert.equal(e.outcomes.transport, 1);
  const after = d.limit('binance-usdm.ip.weight');
  assert.equal(after.refunds, before.refunds);
  assert.equal(after.used, before.used + 1);
});

test('bad options give clear errors', { skip }, async (t) => {
  const { d } = await setup(t, 'binance-usdm');
  const ex = () => new ccxt.binanceusdm();
  assert.throws(() => wrap({}), { name: 'TypeError', message: /exchange must be a ccxt exchange instance/ });
  assert.throws(() => wrap(null), TypeError);
  assert.throws(() => wrap(ex(), 'x'), { name: 'TypeError', message: /options must be an object, not string/ });
  assert.throws(() => wrap(ex(), { acount: 'main' }), { name: 'TypeError', message: /unknown option 'acount'/ });
  assert.throws(() => wrap(ex(), { segment: d.segment, priority: 'urgent' }), { name: 'RangeError', message: /option 'priority'/ });
  assert.throws(() => wrap(ex(), { segment: d.segment, timeoutMs: -1 }), { name: 'RangeError', message: /timeoutMs/ });
  assert.throws(() => wrap(ex(), { segment: d.segment, wait: 'yes' }), { name: 'TypeError', message: /option 'wait'/ });
  assert.throws(() => wrap(ex(), { client: {} }), { name: 'TypeError', message: /option 'client' must be a client/ });
  assert.throws(() => wrap(new ccxt.kraken(), { segment: d.segment }), { name: 'RangeError', message: /no rlc exchange is known for ccxt id 'kraken'; pass exchangeName/ });
  assert.throws(() => wrap(ex(), { segment: d.segment, exchangeName: 'bybit-v5' }),
    (e) => e instanceof rlc.UnknownEndpoint && /exchange 'bybit-v5' is not on the segment/.test(e.message));
  assert.throws(() => wrap(ex(), { segment: d.segment, account: 'nobody' }),
    (e) => e instanceof rlc.UnknownEndpoint && /account 'nobody' of exchange 'binance-usdm'/.test(e.message));
  const ok = wrap(ex(), { segment: d.segment });
  t.after(() => ok.rlc && ok.rlc.unwrap());
  assert.throws(() => wrap(ok, { segment: d.segment }), { name: 'TypeError', message: /already an rlc client/ });
  assert.equal(ok.rlc.exchangeName, 'binance-usdm');
});

test('unwrap gives the instance back to ccxt', { skip }, async (t) => {
  const { srv, make } = await setup(t, 'binance-usdm');
  const plain = new ccxt.binanceusdm();
  const ex = make('binanceusdm');
  await ex.loadMarkets();
  ex.rlc.unwrap();
  assert.equal(ex.rlc, undefined);
  for (const k of ['throttle', 'sign', 'fetch', 'calculateRateLimiterCost', 'handleErrors', 'undiciRequest']) {
    assert.equal(Object.prototype.hasOwnProperty.call(ex, k), Object.prototype.hasOwnProperty.call(plain, k), k);
    if (!Object.prototype.hasOwnProperty.call(ex, k)) assert.equal(ex[k], plain[k], k);
  }
  await ex.fetchTicker(SYM);
  await until(() => srv.requests.length === 2, 2000, 'ticker sent');
});

test('a fetchImplementation of the bot\'s own: reserved, fed back, marked sent', { skip }, async (t) => {
  const { d, srv, make } = await setup(t, 'binance-usdm');
  let calls = 0;
  const ex = make('binanceusdm', {}, { fetchImplementation: (url, params) => { calls++; return fetch(url, params); } });
  await ex.loadMarkets();
  srv.failNext({ status: 418, retryAfter: 5 });
  await assert.rejects(ex.fetchTicker(SYM), ccxt.DDoSProtection);
  assert.equal(calls, 2);
  const b = d.scope('binance-usdm.ip').blocked;
  assert.ok(b && b.status === 418, `blocked by the 418 (headers read from a fetch Response): ${JSON.stringify(b)}`);
  d.rlctl('unblock', 'binance-usdm.ip');
  await srv.close();
  await assert.rejects(ex.fetchTicker(SYM), ccxt.NetworkError);
  assert.equal(d.endpoint('binance-usdm', 'GET /fapi/v1/ticker/24hr').outcomes.transport, 1, 'status 0, not a refund');
  assert.equal(ex.rlc.stats.refunded, 0);
});

test("unknown: 'refuse' stops a request the profile does not know", { skip }, async (t) => {
  const { srv, make } = await setup(t, 'binance-usdm');
  const ex = make('binanceusdm', { unknown: 'refuse' });
  await ex.loadMarkets();
  await assert.rejects(ex.fapiPublicGetFundingRate({ symbol: 'BTCUSDT' }),
    (e) => e instanceof rlc.UnknownEndpoint && /GET \/fapi\/v1\/fundingRate is not an endpoint of 'binance-usdm'/.test(e.message));
  assert.equal(srv.requests.length, 1);
});
