'use strict';
// Every method of a client called with every kind of bad value, in a
// process of its own (args.test.js forks it): each call must return or
// throw TypeError, RangeError or an RlcError. A crash of the process
// (a fault in the addon) fails the test by its exit status.
//   node battery.js SEGMENT  -> prints a JSON report on stdout

const rlc = require('../..');

const segment = process.argv[2];
const c = rlc.open({ segment, name: 'battery' });
const x = c.exchange('tx');
const ep = c.endpoint(x, 'GET', '/fapi/v1/depth');

const throwing = new Proxy({}, { ownKeys() { throw new Error('trap'); }, get() { throw new Error('trap'); } });
const getter = Object.defineProperty({}, 'limit', { enumerable: true, get() { throw new Error('getter'); } });
const cyclic = []; cyclic.push(cyclic);
const BAD = [undefined, null, true, 0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, -0,
  '', 'x', '\0', 'x'.repeat(100000), 10n, Symbol('s'), () => 1, {}, [], [[]], [1, 2], { id: -1 },
  { id: 1e9 }, new Map(), new Date(), Buffer.from('x'), throwing, getter, cyclic, Object.create(null)];

const stats = { calls: 0, ok: 0, type: 0, range: 0, rlc: 0, other: [] };
function call(name, f) {
  stats.calls++;
  if (process.env.BATTERY_TRACE) require('node:fs').writeSync(2, name + '\n');
  try {
    const r = f();
    if (r && typeof r.then === 'function') r.catch(() => {});
    stats.ok++;
  } catch (e) {
    if (e instanceof TypeError) stats.type++;
    else if (e instanceof RangeError) stats.range++;
    else if (e instanceof rlc.RlcError) stats.rlc++;
    else if (e && (e.message === 'trap' || e.message === 'getter')) stats.ok++; // the caller's own exception, passed on
    else stats.other.push(`${name}: ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  }
}

const free = c.endpoint(x, 'GET', '/fapi/v1/free');
const g = () => c.reserve(free); // weight 0: never refused
for (const v of BAD) {
  call('open', () => rlc.open(v));
  call('open segment', () => rlc.open({ segment: v }));
  call('open name', () => rlc.open({ segment, name: v }));
  call('exchange', () => c.exchange(v));
  call('account', () => c.account(v, 'main'));
  call('account name', () => c.account(x, v));
  call('endpoint x', () => c.endpoint(v, 'GET', '/fapi/v1/depth'));
  call('endpoint method', () => c.endpoint(x, v, '/fapi/v1/depth'));
  call('endpoint path', () => c.endpoint(x, 'GET', v));
  call('scope', () => c.scope(v));
  call('limit', () => c.limit(v));
  call('reserve ep', () => c.reserve(v));
  call('reserve opts', () => c.reserve(ep, v));
  call('reserve params', () => c.reserve(ep, { params: v }));
  call('reserve param value', () => c.reserve(ep, { params: { limit: v } }));
  call('reserve account', () => c.reserve(ep, { account: v }));
  call('reserve priority', () => c.reserve(ep, { priority: v }));
  call('reserveWait', () => c.reserveWait(v));
  call('reserveWait opts', () => c.reserveWait(ep, v));
  call('reserveWait timeout', () => c.reserveWait(ep, { timeoutMs: v }));
  call('reserveWait signal', () => c.reserveWait(ep, { signal: v }));
  call('refund', () => c.refund(v));
  call('release', () => c.release(v));
  call('grantInfo', () => c.grantInfo(v));
  call('feedback grant', () => c.feedback(v, 200));
  call('feedback response', () => c.feedback(g(), v));
  call('feedback status', () => c.feedback(g(), { status: v }));
  call('feedback headers', () => c.feedback(g(), { status: 200, headers: v }));
  call('feedback header value', () => c.feedback(g(), { status: 200, headers: { 'x-mbx-used-weight-1s': v } }));
  call('feedback header pair', () => c.feedback(g(), { status: 200, headers: [v] }));
  call('feedback code', () => c.feedback(g(), { status: 200, code: v }));
  call('feedback elapsedMs', () => c.feedback(g(), { status: 200, elapsedMs: v }));
  call('feedback serverTimeMs', () => c.feedback(g(), { status: 200, serverTimeMs: v }));
  call('endpointWeights', () => c.endpointWeights(v));
  call('endpointWeights params', () => c.endpointWeights(ep, { params: v }));
  call('block scope', () => c.block(v, 1000));
  call('block time', () => c.block('tx.ip', v));
  call('unblock', () => c.unblock(v));
  call('blockState', () => c.blockState(v));
  call('breaker', () => c.breaker(v));
  call('mode', () => c.mode(v));
  call('setMode', () => c.setMode(x, v, 1000));
  call('setMode time', () => c.setMode(x, 'normal', v));
  call('usage', () => c.usage(v));
  call('native reserve', () => c._n.reserve(v));
  call('native reserveWith', () => c._n.reserveWith(ep, v, v, v));
  call('native feedback', () => c._n.feedback(v, v, v, v, v, v));
  call('native waitStep', () => c._n.waitStep(v));
  call('native waited', () => c._n.waited(v, v));
  call('native block', () => c._n.block(v, v));
  call('native setMode', () => c._n.setMode(v, v, v));
  call('native usage', () => c._n.usage(v));
  call('native floor', () => c._n.floorReserveRefund(v, v));
  call('native open', () => require('../../lib/addon').open(v, v, v));
  call('native noop', () => rlc._noop(v));
  c.unblock('tx.ip');
}
// methods taken off their client, and called with no arguments at all
for (const k of ['reserve', 'reserveWith', 'refund', 'feedback', 'waitStep', 'waited', 'usage', 'block', 'catalog', 'refusal']) {
  const f = c._n[k];
  call(`bare ${k}`, () => f());
  call(`bare ${k} this`, () => f.call(null, ep));
}
c.close();
for (const v of BAD.slice(0, 8)) {
  call('closed reserve', () => c.reserve(v));
  call('closed reserve ep', () => c.reserve(ep, { params: { limit: v } }));
  call('closed feedback', () => c.feedback(v, 200));
  call('closed usage', () => c.usage());
  call('closed block', () => c.blockState('tx.ip'));
}
process.stdout.write(JSON.stringify(stats));
