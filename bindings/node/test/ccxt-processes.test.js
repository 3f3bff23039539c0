'use strict';
// Several real Node processes, each a real ccxt instance made an rlc client,
// sharing one budget on one segment, and a ban one of them hears stopping
// the others before they reach the server.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { fork } = require('node:child_process');
const { missing, profile, startRlcd } = require('./ccxt-harness');
const { startExchangeServer, binanceWeight } = require('./support/exchange-server');

const skip = missing() || false;
const SYM = 'BTC/USDT:USDT';

// A forked bot; ask(op) resolves with its reply.
function bot(t, init) {
  const child = fork(path.join(__dirname, 'ccxt-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map();
  child.on('message', (m) => { const w = waiting.get(m.seq); if (w) { waiting.delete(m.seq); w(m); } });
  child.on('exit', (code) => { for (const w of waiting.values()) w({ ok: false, error: { name: 'exit', message: `child exited ${code}` } }); });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const ask = (m) => new Promise((resolve) => { const s = ++seq; waiting.set(s, resolve); child.send({ seq: s, ...m }); });
  const ready = ask({ op: 'init', ...init }).then((r) => { assert.ok(r.ok, JSON.stringify(r.error)); return ask; });
  return ready;
}

test('four ccxt processes share one IP budget and stay within it at the server', { skip, timeout: 30000 }, async (t) => {
  // 240 weight a second; fetchOrderBook(1000) weighs 20, market data may use
  // 80% of the 95% rlc hands out: about 9 a second for all four together
  const d = await startRlcd(profile('binance-usdm', {
    'limit binance-usdm.ip.weight': { capacity: 240, interval: '1s', slots: 20 },
  }));
  t.after(() => d.stop());
  const srv = await startExchangeServer({ flavor: 'binance-usdm', windowMs: 1000 });
  t.after(() => srv.close());
  const init = { id: 'binanceusdm', segment: d.segment, url: srv.url, ccxt: { options: { fetchCurrencies: false } } };
  const bots = await Promise.all([1, 2, 3, 4].map((i) => bot(t, { ...init, wrap: { name: `bot-${i}` } })));
  const t0 = Date.now();
  const res = await Promise.all(bots.map((ask) => ask({ op: 'loop', n: 8, method: 'fetchOrderBook', args: [SYM, 1000] })));
  const ms = Date.now() - t0;
  for (const r of res) assert.deepEqual(r.errors, [], 'every call got through');
  const depth = srv.requests.filter((r) => r.path === '/fapi/v1/depth');
  assert.equal(depth.length, 32);
  const peak = srv.maxInWindow(1000, () => true, (r) => binanceWeight(r.method, r.path, r.query));
  assert.ok(peak <= 240, `the server saw ${peak} weight in one second (limit 240)`);
  // 4 + 640 weight at about 180 a second: rlc made them wait
  assert.ok(ms >= 2000, `done in ${ms} ms: nothing waited`);
  assert.ok(res.reduce((a, r) => a + r.stats.waited, 0) > 0);
  assert.equal(res.reduce((a, r) => a + r.stats.late, 0), 0, 'all reserved before sign');
  const w = d.endpoint('binance-usdm', 'GET /fapi/v1/depth');
  assert.equal(w.grants, 32);
  assert.equal(w.outcomes.ok, 32);
  await Promise.all(bots.map((ask) => ask({ op: 'exit' })));
});

test("a 429 and a 418 heard by one process refuse the others' requests before the server", { skip, timeout: 30000 }, async (t) => {
  const d = await startRlcd(profile('binance-usdm'));
  t.after(() => d.stop());
  const srv = await startExchangeServer({ flavor: 'binance-usdm' });
  t.after(() => srv.close());
  const init = { id: 'binanceusdm', segment: d.segment, url: srv.url, ccxt: { options: { fetchCurrencies: false } } };
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => bot(t, { ...init, wrap: { name: `bot-${n}`, timeoutMs: 200 } })));
  const ticker = { op: 'call', method: 'fetchTicker', args: [SYM] };

  for (const [status, retryAfter] of [[429, 2], [418, 3]]) {
    srv.failNext({ status, retryAfter, path: '/fapi/v1/ticker/24hr' });
    const ra = await a(ticker);
    assert.equal(ra.ok, false);
    assert.equal(ra.error.name, 'DDoSProtection', `ccxt's own error for the ${status}`);
    const blocked = d.scope('binance-usdm.ip').blocked;
    assert.ok(blocked && blocked.status === status, `blocked by the ${status}: ${JSON.stringify(blocked)}`);
    const n = srv.requests.length;
    for (const ask of [b, c, a]) {
      const r = await ask(ticker);
      assert.equal(r.ok, false, 'refused');
      assert.equal(r.error.cause, 'Blocked');
      assert.equal(r.error.name, 'DDoSProtection');
      assert.ok(r.error.retryAfterMs > 0);
    }
    assert.equal(srv.requests.length, n, `no request reached the server during the ${status}'s block`);
    d.rlctl('unblock', 'binance-usdm.ip');
    const r = await b(ticker);
    assert.ok(r.ok, `after the unblock: ${JSON.stringify(r.error)}`);
    assert.equal(srv.requests.length, n + 1);
  }
  await Promise.all([a, b, c].map((ask) => ask({ op: 'exit' })));
});

test('a process waiting on a 429 block sends once it ends, not before', { skip, timeout: 30000 }, async (t) => {
  const d = await startRlcd(profile('binance-usdm'));
  t.after(() => d.stop());
  const srv = await startExchangeServer({ flavor: 'binance-usdm' });
  t.after(() => srv.close());
  const init = { id: 'binanceusdm', segment: d.segment, url: srv.url, ccxt: { options: { fetchCurrencies: false } } };
  const [a, b] = await Promise.all(['a', 'b'].map((n) => bot(t, { ...init, wrap: { name: `bot-${n}`, timeoutMs: 5000 } })));
  srv.failNext({ status: 429, retryAfter: 1, path: '/fapi/v1/ticker/24hr' });
  const ticker = { op: 'call', method: 'fetchTicker', args: [SYM] };
  assert.equal((await a(ticker)).ok, false);
  const hit = srv.requests[srv.requests.length - 1];
  assert.equal(hit.status, 429);
  const r = await b(ticker);
  assert.ok(r.ok, JSON.stringify(r.error));
  const sent = srv.requests[srv.requests.length - 1];
  const gap = Number(sent.t - hit.t) / 1e6;
  assert.ok(gap >= 950, `sent ${gap.toFixed(0)} ms after the 429 (Retry-After: 1)`);
  await Promise.all([a, b].map((ask) => ask({ op: 'exit' })));
});
