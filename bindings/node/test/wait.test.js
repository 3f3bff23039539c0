'use strict';
// reserveWait: a Promise whose waits are setTimeouts until rlc_wait_step's
// wake time, so the event loop runs on meanwhile (measured by a ticker);
// timeouts, blocks waited out or not, and giving a wait up.

const test = require('node:test');
const assert = require('node:assert/strict');
const rlc = require('..');
const { startRlcd } = require('./support/rlcd');

async function setup(t) {
  const d = await startRlcd();
  const c = d.client('wait-test');
  t.after(async () => { c.close(); await d.stop(); });
  return { d, c, one: c.endpoint('slow', 'GET', '/one'), ping: c.endpoint('tx', 'GET', '/fapi/v1/ping') };
}

test('reserveWait waits ~0.5 s without blocking the event loop (a 2 ms ticker never stalls 50 ms)', async (t) => {
  const { c, one } = await setup(t);
  c.reserve(one); // slow.ip.one: 1 per 500 ms, now full
  let last = process.hrtime.bigint();
  let gap = 0;
  let ticks = 0;
  const ticker = setInterval(() => {
    const now = process.hrtime.bigint();
    gap = Math.max(gap, Number(now - last) / 1e6);
    last = now;
    ticks++;
  }, 2);
  t.after(() => clearInterval(ticker));
  const t0 = rlc.nowMs();
  const g = await c.reserveWait(one, { timeoutMs: 3000 });
  const waited = rlc.nowMs() - t0;
  clearInterval(ticker);
  assert.ok(g > 0);
  assert.ok(waited >= 400 && waited < 1500, `waited ${waited.toFixed(0)} ms`);
  assert.ok(ticks >= 20, `only ${ticks} ticks while waiting`);
  assert.ok(gap < 50, `the event loop stalled ${gap.toFixed(1)} ms`);
  // counted as a wait of this client (rlc_waited)
  const me = c.clients().find((k) => k.self);
  assert.equal(me.waits, 1);
  assert.ok(me.waitMs >= 400, `waitMs ${me.waitMs}`);
});

test('several waits of one client interleave, each granted in turn', async (t) => {
  const { c, one } = await setup(t);
  c.reserve(one);
  const t0 = rlc.nowMs();
  const got = await Promise.all([1, 2, 3].map(() => c.reserveWait(one, { timeoutMs: 5000 }).then((g) => [g, rlc.nowMs() - t0])));
  const times = got.map(([, ms]) => ms).sort((a, b) => a - b);
  assert.equal(new Set(got.map(([g]) => g)).size, 3);
  // one per 500 ms: the third no sooner than ~1.5 s after the first take
  assert.ok(times[2] >= 1300, `granted at ${times.map((x) => x.toFixed(0))} ms`);
});

test('a granted reserveWait resolves at once; a timeout rejects ReserveTimeout with the last refusal', async (t) => {
  const { c, one } = await setup(t);
  const g = await c.reserveWait(one);
  assert.ok(g > 0);
  const t0 = rlc.nowMs();
  await assert.rejects(c.reserveWait(one, { timeoutMs: 100 }), (e) => e instanceof rlc.ReserveTimeout &&
    e instanceof rlc.Refused && e.code === 'ETIMEDOUT' && e.limit === 'slow.ip.one' && e.retryAfterMs > 100);
  assert.ok(rlc.nowMs() - t0 < 100, 'a wait that cannot fit by the deadline is refused at once');
  await assert.rejects(c.reserveWait(one, { timeoutMs: 0 }), rlc.ReserveTimeout);
});

test('a block is waited out when it ends by the deadline, refused at once as Blocked when not', async (t) => {
  const { c, ping } = await setup(t);
  c.block('tx.ip', { forMs: 300 });
  const t0 = rlc.nowMs();
  await c.reserveWait(ping, { timeoutMs: 2000 });
  assert.ok(rlc.nowMs() - t0 >= 250, 'it waited for the block to end');
  c.block('tx.ip', 10000);
  const t1 = rlc.nowMs();
  await assert.rejects(c.reserveWait(ping, { timeoutMs: 500 }), (e) => e instanceof rlc.Blocked && e.retryAfterMs > 9000);
  assert.ok(rlc.nowMs() - t1 < 100, 'never sleeps into a block that outlasts the deadline');
});

test('an AbortSignal gives the wait up', async (t) => {
  const { c, one } = await setup(t);
  c.reserve(one);
  const ac = new AbortController();
  const p = c.reserveWait(one, { signal: ac.signal });
  ac.abort();
  await assert.rejects(p, { name: 'AbortError' });
  await assert.rejects(c.reserveWait(one, { signal: ac.signal }), { name: 'AbortError' });
});
