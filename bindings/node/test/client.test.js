'use strict';
// The client in one process, against a real rlcd: lookups, reserve and
// refund, feedback and the blocks it sets, block state, modes, usage,
// parameters as the rules read them, and the error classes.

const test = require('node:test');
const assert = require('node:assert/strict');
const rlc = require('..');
const { startRlcd } = require('./support/rlcd');

// The error f() throws (the test fails if it throws none).
function caught(f) {
  try { f(); } catch (e) { return e; }
  throw new assert.AssertionError({ message: 'nothing thrown' });
}

async function setup(t) {
  const d = await startRlcd();
  const c = d.client('client-test');
  t.after(async () => { c.close(); await d.stop(); });
  const x = c.exchange('tx');
  return { d, c, x, ep: (m, p) => c.endpoint(x, m, p) };
}

test('lookups: exchange, account, endpoint (query ignored), scope, limit; unknown names throw UnknownEndpoint', async (t) => {
  const { c, x } = await setup(t);
  assert.deepEqual({ ...x }, { id: 0, name: 'tx' });
  assert.equal(typeof c.account(x, 'main'), 'number');
  const a = c.endpoint(x, 'GET', '/fapi/v1/depth');
  assert.equal(c.endpoint(x.id, 'get', '/fapi/v1/depth?limit=5'), a);
  assert.equal(c.endpoint('tx', 'GET', '/fapi/v1/depth'), a);
  assert.equal(typeof c.scope('tx.ip'), 'number');
  assert.equal(typeof c.limit('tx.ip.weight'), 'number');
  for (const [f, kind] of [[() => c.exchange('nope'), 'exchange'], [() => c.account(x, 'nobody'), 'account'],
    [() => c.endpoint(x, 'GET', '/nope'), 'endpoint'], [() => c.scope('nope.ip'), 'scope'], [() => c.limit('nope'), 'limit']]) {
    assert.throws(f, (e) => e instanceof rlc.UnknownEndpoint && e instanceof rlc.RlcError && e.code === 'ENOENT' && e.kind === kind, kind);
  }
  // the message is the caller's to rewrite, and the class is constructible
  const e = new rlc.UnknownEndpoint('mine');
  e.message = 'rewritten';
  assert.equal(e.message, 'rewritten');
  assert.equal(e.name, 'UnknownEndpoint');
  assert.equal(e.code, 'ENOENT');
  assert.equal(rlc.ccxt, require('../lib/ccxt').wrap, 'rlc.ccxt is the adapter');
});

test('reserve takes the weight, refund gives it back; the grant is a small integer handle', async (t) => {
  const { c, ep } = await setup(t);
  const depth = ep('GET', '/fapi/v1/depth');
  const used = () => c.usage('tx.ip.weight').used;
  const g = c.reserve(depth, { params: { limit: 1000 } });
  assert.ok(Number.isInteger(g) && g > 0);
  assert.equal(used(), 20);
  assert.deepEqual(c.grantInfo(g).limits, [[c.limit('tx.ip.weight'), 20]]);
  c.refund(g);
  assert.equal(used(), 0);
  assert.equal(c.usage('tx.ip.weight').refunds, 1);
  assert.throws(() => c.refund(g), { name: 'RangeError', message: /refund\(\): grant \d+ is not outstanding/ });
  assert.throws(() => c.feedback(g, 200), { name: 'RangeError', message: /feedback\(\): grant/ });
  const g2 = c.reserve(depth); // no params: the rule's default (500: 10)
  assert.equal(used(), 10);
  c.feedback(g2, { status: 200 });
  assert.equal(used(), 10, 'a grant fed back stays counted');
});

test('parameters as the rules read them: numbers, booleans, Arrays as JSON (a batch counts its items)', async (t) => {
  const { c, ep } = await setup(t);
  const w = (e, params, account) => Object.fromEntries(c.endpointWeights(e, { params, account }).map((l) => [l.limit, l.weight]));
  assert.deepEqual(w(ep('GET', '/fapi/v1/depth'), { limit: 100 }), { 'tx.ip.weight': 5 });
  assert.deepEqual(w(ep('GET', '/fapi/v1/depth'), { limit: '1000' }), { 'tx.ip.weight': 20 });
  assert.deepEqual(w(ep('POST', '/fapi/v1/batchOrders'), { batchOrders: [{ s: 1 }, { s: 2 }, { s: 3 }] }), { 'tx.ip.weight': 5, 'tx.main.orders': 3 });
  assert.deepEqual(w(ep('POST', '/fapi/v1/batchOrders'), { batchOrders: '[{},{}]' }), { 'tx.ip.weight': 5, 'tx.main.orders': 2 });
  assert.deepEqual(w(ep('GET', '/fapi/v1/ticker/bookTicker'), { symbols: ['A', 'B'] }), { 'tx.ip.weight': 20 });
  assert.deepEqual(w(ep('GET', '/fapi/v1/ticker/bookTicker'), { symbols: undefined, other: null }), { 'tx.ip.weight': 1 });
  // critical-if: a reduce-only order is CRITICAL, true as a boolean
  const o = ep('POST', '/fapi/v1/order');
  const g = c.reserve(o, { params: { reduceOnly: true } });
  assert.equal(c.grantInfo(g).priority, 0);
  c.refund(g);
  const g2 = c.reserve(o, { params: { reduceOnly: false }, priority: 'low' });
  assert.equal(c.grantInfo(g2).priority, 3);
  c.refund(g2);
});

test('a refusal is Refused with retryAfterMs and the limit; the priorities keep their ceilings', async (t) => {
  const { c, ep } = await setup(t);
  const ping = ep('GET', '/fapi/v1/ping');
  let n = 0;
  let err;
  try { for (;;) { c.reserve(ping); n++; } } catch (e) { err = e; }
  assert.equal(n, 36, 'LOW fills 90% of 40');
  assert.ok(err instanceof rlc.Refused && !(err instanceof rlc.ReserveTimeout));
  assert.equal(err.code, 'EAGAIN');
  assert.equal(err.limit, 'tx.ip.weight');
  assert.equal(err.scope, 'tx.ip');
  assert.ok(err.retryAfterMs > 0 && err.retryAfterMs <= 1100, String(err.retryAfterMs));
  assert.match(err.message, /reserve\(\): GET \/fapi\/v1\/ping refused: limit tx\.ip\.weight/);
  // a higher priority still fits
  for (let i = 0; i < 4; i++) c.reserve(ping, { priority: 'high' });
  assert.throws(() => c.reserve(ping, { priority: 'critical' }), rlc.Refused);
  // never fits
  const depth = ep('GET', '/fapi/v1/depth');
  assert.throws(() => c.reserve(depth, { params: { limit: 5000 } }), (e) => e instanceof rlc.Refused || e instanceof rlc.TooBig);
});

test('two accounts: the account by name or id; none where two exist is a RangeError', async (t) => {
  const { c } = await setup(t);
  const two = c.exchange('two');
  const o = c.endpoint(two, 'POST', '/order');
  const alpha = c.account(two, 'alpha');
  const g = c.reserve(o, { account: 'beta' });
  assert.equal(c.grantInfo(g).account, c.account(two, 'beta'));
  c.refund(c.reserve(o, { account: alpha }));
  assert.throws(() => c.reserve(o), { name: 'RangeError', message: /pass \{ account \}/ });
  assert.throws(() => c.reserve(o, { account: 'gamma' }), rlc.UnknownEndpoint);
});

test('feedback of a 429 blocks the scope: Blocked with status, code, until; unblock lifts it; a 418 too', async (t) => {
  const { c, ep } = await setup(t);
  const time = ep('GET', '/fapi/v1/time');
  const ping = ep('GET', '/fapi/v1/ping');
  for (const [status, after] of [[429, '20'], [418, '30']]) {
    const g = c.reserve(time);
    const flags = c.feedback(g, { status, headers: { 'Retry-After': after, 'x-mbx-used-weight-1m': '3' }, code: -1003, elapsedMs: 12.5 });
    assert.ok(flags & rlc.FEEDBACK.BLOCKED, `flags ${flags}`);
    const e = caught(() => c.reserve(ping));
    assert.ok(e instanceof rlc.Blocked, String(e));
    assert.equal(e.code, 'ECONNREFUSED');
    assert.equal(e.status, status);
    assert.equal(e.exchangeCode, -1003);
    assert.equal(e.scope, 'tx.ip');
    assert.ok(Math.abs(e.retryAfterMs - Number(after) * 1000) < 1000, String(e.retryAfterMs));
    assert.ok(Math.abs(e.until - (rlc.nowMs() + e.retryAfterMs)) < 1000);
    assert.match(e.reason, new RegExp(`HTTP ${status}`));
    const b = c.blockState('tx.ip');
    assert.equal(b.status, status);
    assert.equal(b.code, -1003);
    c.unblock('tx.ip');
    assert.equal(c.blockState('tx.ip'), null);
    c.refund(c.reserve(ping));
  }
  // by hand, and headers as [name, value] pairs, a Map and a fetch Headers
  c.block('tx.ip', { forMs: 5000 });
  assert.equal(c.blockState('tx.ip').status, 0);
  assert.throws(() => c.reserve(ping), (e) => e instanceof rlc.Blocked && e.status === 0);
  c.unblock('tx.ip');
  for (const headers of [[['X-MBX-USED-WEIGHT-1S', '7']], new Map([['x-mbx-used-weight-1s', '12']]), new Headers({ 'x-mbx-used-weight-1s': '20' })]) {
    const flags = c.feedback(c.reserve(ping), { status: 200, headers });
    assert.ok(flags & rlc.FEEDBACK.RAISED, `raised by ${headers.constructor.name}`);
  }
  assert.equal(c.usage('tx.ip.weight').used, 20);
});

test('modes, usage of every limit, clients', async (t) => {
  const { c, x } = await setup(t);
  assert.deepEqual(c.mode(x), { mode: 'normal', id: 0, until: null });
  const all = c.usage();
  assert.ok(all.length >= 4);
  const u = all.find((l) => l.name === 'tx.ip.weight');
  assert.equal(u.capacity, 40);
  assert.equal(u.intervalMs, 1000);
  assert.equal(u.ceiling.low, 36);
  assert.equal(u.algorithm, 'window');
  assert.throws(() => c.usage('nope'), rlc.UnknownEndpoint);
  assert.throws(() => c.setMode(x, 'nope', 1000), rlc.UnknownEndpoint);
  c.setMode(x, 'normal');
  const me = c.clients().find((k) => k.self);
  assert.equal(me.name, 'client-test');
  assert.equal(me.pid, process.pid);
});

test('a closed client throws RlcError, a second close does nothing; a missing segment is NoSegment', async (t) => {
  const { d, c, ep } = await setup(t);
  const ping = ep('GET', '/fapi/v1/ping');
  const c2 = d.client('closing');
  const g = c2.reserve(ping);
  c2.close();
  c2.close();
  assert.equal(c2.isOpen, false);
  assert.throws(() => c2.reserve(ping), (e) => e instanceof rlc.RlcError && /closed/.test(e.message));
  assert.throws(() => c2.refund(g), (e) => /closed/.test(e.message));
  await assert.rejects(c2.reserveWait(ping), (e) => e instanceof rlc.RlcError && /closed/.test(e.message));
  assert.throws(() => rlc.open({ segment: '/rlc-test-none-' + process.pid }), (e) => e instanceof rlc.NoSegment && e.code === 'ENOENT');
  assert.ok(c.isOpen);
});

test('grants never run out: once every slot is outstanding, the oldest handle is forgotten', async (t) => {
  const { c, ep } = await setup(t);
  const free = ep('GET', '/fapi/v1/free'); // weight 0 without a symbol: grants that take nothing
  const first = c.reserve(free);
  const { slots } = c.grantSlots();
  for (let i = 0; i < 65536; i++) c.reserve(free); // never ended
  const s = c.grantSlots();
  assert.equal(s.outstanding, 65536);
  assert.ok(s.forgotten >= 1);
  assert.ok(s.slots <= 65536 && s.slots >= slots);
  assert.throws(() => c.refund(first), { name: 'RangeError', message: /not outstanding/ });
  const g = c.reserve(free);
  c.refund(g);
  assert.equal(c.grantSlots().outstanding, 65535);
});
