'use strict';
// Several real Node processes (child_process.fork), each with its own rlc
// client on one segment: together they stay within one budget; and a 429,
// then a 418, that one of them feeds back makes the others' reserves
// throw Blocked with that status.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { fork } = require('node:child_process');
const { startRlcd, until, maxInWindow } = require('./support/rlcd');

// A forked bot: ask(op) resolves with its reply; events() what it reported.
async function bot(t, segment, name) {
  const child = fork(path.join(__dirname, 'support', 'bot.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map();
  const events = [];
  child.on('message', (m) => {
    if (m.event) { events.push(m); return; }
    const w = waiting.get(m.seq);
    if (w) { waiting.delete(m.seq); w(m); }
  });
  child.on('exit', (code, sig) => {
    for (const w of waiting.values()) w({ ok: false, error: `bot ${name} exited ${code || sig}` });
  });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const ask = (m) => new Promise((resolve) => {
    const s = ++seq;
    waiting.set(s, resolve);
    child.send({ seq: s, ...m });
  }).then((r) => { assert.ok(r.ok, `${name} ${m.op}: ${r.error}`); return r; });
  await ask({ op: 'init', segment, name });
  return { ask, events, name };
}

test('four processes share one budget on one segment and stay within it', { timeout: 30000 }, async (t) => {
  const d = await startRlcd();
  t.after(() => d.stop());
  const bots = await Promise.all([1, 2, 3, 4].map((i) => bot(t, d.segment, `flood-${i}`)));
  const runMs = 2500;
  const res = await Promise.all(bots.map((b) => b.ask({ op: 'flood', runMs })));
  const times = res.flatMap((r) => r.times);
  const counts = res.map((r) => r.times.length);
  for (const [i, n] of counts.entries()) assert.ok(n > 0, `${bots[i].name} got none (${counts})`);
  // tx.ip.weight: 40 a second, of which LOW (ping) may fill 36; a window
  // less a slot (50 ms) and a margin, as grants leave it slot by slot
  const most = maxInWindow(times, 850);
  assert.ok(most <= 36, `${most} grants within 0.85 s, the budget is 36`);
  assert.ok(times.length >= 70, `only ${times.length} grants in ${runMs} ms: did they contend?`);
  const c = d.client('check');
  t.after(() => c.close());
  const u = c.usage('tx.ip.weight');
  assert.equal(u.grants, times.length, 'every grant counted on the segment');
  await Promise.all(bots.map((b) => b.ask({ op: 'exit' })));
});

test("a 429 and a 418 fed back by one process make the others' reserves throw Blocked", { timeout: 30000 }, async (t) => {
  const d = await startRlcd();
  t.after(() => d.stop());
  const [a, b, c] = await Promise.all(['penalized', 'watch-1', 'watch-2'].map((n) => bot(t, d.segment, n)));
  const watchers = [b, c];
  await Promise.all(watchers.map((w) => w.ask({ op: 'watch' })));
  await until(() => watchers.every((w) => w.events.some((e) => e.event === 'sent')), 5000, 'both watchers send');
  const lead = d.client('lead');
  t.after(() => lead.close());
  for (const [status, retryAfter] of [[429, 20], [418, 30]]) {
    const { flags } = await a.ask({ op: 'penalize', status, retryAfter });
    assert.ok(flags & 0x08, `the ${status} blocked a scope (flags ${flags})`);
    const seen = await until(() => {
      const got = watchers.map((w) => w.events.find((e) => e.event === 'blocked' && e.status === status));
      return got.every(Boolean) && got;
    }, 5000, `both watchers refused by the ${status}`);
    for (const e of seen) {
      assert.equal(e.scope, 'tx.ip');
      assert.equal(e.exchangeCode, -1003);
      assert.ok(e.retryAfterMs > (retryAfter - 2) * 1000 && e.retryAfterMs <= retryAfter * 1000, `retryAfterMs ${e.retryAfterMs}`);
    }
    const clears = watchers.map((w) => w.events.filter((e) => e.event === 'clear').length);
    lead.unblock('tx.ip');
    await until(() => watchers.every((w, i) => w.events.filter((e) => e.event === 'clear').length > clears[i]), 5000, 'both send again after the unblock');
  }
  for (const w of watchers) assert.deepEqual(w.events.filter((e) => e.event === 'error'), []);
  await Promise.all([a, b, c].map((x) => x.ask({ op: 'exit' })));
});
