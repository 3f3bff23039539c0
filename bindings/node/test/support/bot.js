'use strict';
// One bot process of processes.test.js: its own rlc client on the
// parent's segment, doing what the parent asks over the IPC channel.
//   {op: 'init', segment, name}           -> {ok}
//   {op: 'flood', runMs}                  -> {ok, times}  reserveWait pings for runMs; grant times
//   {op: 'watch'}                         -> {ok}, then {event: 'sent'|'blocked'|'clear', ...}
//   {op: 'penalize', status, retryAfter}  -> {ok, flags}  a response fed back for /fapi/v1/time
//   {op: 'exit'}

const rlc = require('../..');

let c = null;
let ping = -1;
let watching = false;

// A request's round trip (a nearby exchange answers within a few ms).
// Not synchronisation: without it a greedy loop takes all the room that a
// window frees at once, before another process's timer fires.
const sent = () => new Promise((r) => setTimeout(r, 2));

async function flood(runMs) {
  const times = [];
  const end = rlc.nowMs() + runMs;
  while (rlc.nowMs() < end) {
    try {
      const g = await c.reserveWait(ping, { timeoutMs: Math.max(0, end - rlc.nowMs()) });
      times.push(rlc.nowMs());
      await sent(); // the request's round trip
      c.feedback(g, 200);
    } catch (e) {
      if (!(e instanceof rlc.ReserveTimeout)) throw e;
    }
  }
  return times;
}

// Reserve a ping every few ms; report the first refusal of each block and
// the first grant after one.
function watch() {
  const seen = new Set();
  let blocked = false;
  let sent = 0;
  watching = true;
  const step = () => {
    if (!watching) return;
    try {
      c.feedback(c.reserve(ping), 200);
      if (++sent === 1) process.send({ event: 'sent' });
      if (blocked) { blocked = false; process.send({ event: 'clear' }); }
    } catch (e) {
      if (e instanceof rlc.Blocked) {
        blocked = true;
        if (!seen.has(e.status)) {
          seen.add(e.status);
          process.send({ event: 'blocked', status: e.status, exchangeCode: e.exchangeCode, scope: e.scope, retryAfterMs: e.retryAfterMs });
        }
      } else if (!(e instanceof rlc.Refused)) {
        process.send({ event: 'error', message: String(e) });
      }
    }
    setTimeout(step, 3); // a bot's loop pacing its requests
  };
  step();
}

process.on('message', async (m) => {
  const reply = (r) => process.send({ seq: m.seq, ...r });
  try {
    switch (m.op) {
      case 'init':
        c = rlc.open({ segment: m.segment, name: m.name });
        ping = c.endpoint('tx', 'GET', '/fapi/v1/ping');
        reply({ ok: true });
        break;
      case 'flood':
        reply({ ok: true, times: await flood(m.runMs) });
        break;
      case 'watch':
        reply({ ok: true });
        watch();
        break;
      case 'penalize': {
        const g = c.reserve(c.endpoint('tx', 'GET', '/fapi/v1/time'), { priority: 'critical' });
        const flags = c.feedback(g, { status: m.status, headers: { 'Retry-After': String(m.retryAfter) }, code: '-1003' });
        reply({ ok: true, flags });
        break;
      }
      case 'exit':
        watching = false;
        c.close();
        reply({ ok: true });
        process.disconnect();
        break;
      default:
        reply({ ok: false, error: `unknown op ${m.op}` });
    }
  } catch (e) {
    reply({ ok: false, error: String(e && e.stack) });
  }
});
