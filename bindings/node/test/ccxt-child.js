'use strict';
// One bot process for ccxt-processes.test.js: a real ccxt instance made an
// rlc client on the parent's segment, pointed at the parent's server,
// running what the parent asks over the IPC channel.
//   {op: 'init', id, segment, url, wrap, ccxt} -> {ok}
//   {op: 'call', method, args}                 -> {ok, value} | {ok: false, error}
//   {op: 'loop', n, method, args}              -> {ok, done, errors, stats}
//   {op: 'exit'}

const ccxt = require('ccxt');
const { wrap } = require('../lib/ccxt');

let ex = null;

function errorOf(e) {
  return {
    name: e && e.constructor ? e.constructor.name : String(e),
    message: e && e.message,
    cause: e && e.cause && e.cause.constructor ? e.cause.constructor.name : null,
    retryAfterMs: e && e.retryAfterMs,
  };
}

function summary(v) {
  if (v && typeof v === 'object') return { id: v.id, symbol: v.symbol, last: v.last };
  return v;
}

process.on('message', async (m) => {
  const reply = (r) => process.send({ seq: m.seq, ...r });
  try {
    switch (m.op) {
      case 'init': {
        ex = new ccxt[m.id]({ apiKey: 'k', secret: 's', ...(m.ccxt || {}) });
        const api = {};
        for (const [k, v] of Object.entries(ex.urls.api)) api[k] = typeof v === 'string' ? v.replace(/^https?:\/\/[^/]+/, m.url) : v;
        ex.urls.api = api;
        wrap(ex, { segment: m.segment, ...(m.wrap || {}) });
        await ex.loadMarkets();
        reply({ ok: true });
        break;
      }
      case 'call':
        try {
          reply({ ok: true, value: summary(await ex[m.method](...m.args)) });
        } catch (e) {
          reply({ ok: false, error: errorOf(e) });
        }
        break;
      case 'loop': {
        let done = 0;
        const errors = [];
        for (let i = 0; i < m.n; i++) {
          try { await ex[m.method](...m.args); done++; } catch (e) { errors.push(errorOf(e)); }
        }
        reply({ ok: true, done, errors, stats: ex.rlc.stats });
        break;
      }
      case 'exit':
        ex.rlc.unwrap();
        reply({ ok: true });
        process.disconnect();
        break;
      default:
        reply({ ok: false, error: { name: 'Error', message: `unknown op ${m.op}` } });
    }
  } catch (e) {
    reply({ ok: false, error: errorOf(e) });
  }
});
