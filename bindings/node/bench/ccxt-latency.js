'use strict';
// The time from a ccxt call (fetchTicker, markets loaded) to its request
// arriving at a local server, through the rlc adapter and through ccxt's own
// throttler (enableRateLimit: true), on an idle budget; ccxt with no limiter
// at all as the floor. Prints medians and p99.
//
//   node bench/ccxt-latency.js [calls=300]
//
// "Idle" for ccxt's leaky bucket (capacity 1, rateLimit 50 ms a unit) means
// spacing the calls by more than a unit's refill: back to back, every call
// after the first waits ~50 ms for it. That case is printed too.

const ccxt = require('ccxt');
const { wrap } = require('../lib/ccxt');
const { profile, startRlcd, missing } = require('../test/ccxt-harness');
const { startExchangeServer } = require('../test/support/exchange-server');

const N = Number(process.argv[2] || 300);
const SYM = 'BTC/USDT:USDT';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p99: q(0.99), n: s.length };
}

async function measure(srv, ex, n, gapMs) {
  await ex.loadMarkets();
  for (let i = 0; i < 20; i++) { await ex.fetchTicker(SYM); if (gapMs) await sleep(gapMs); } // warm up
  const out = [];
  for (let i = 0; i < n; i++) {
    const before = srv.requests.length;
    const t0 = process.hrtime.bigint();
    await ex.fetchTicker(SYM);
    const r = srv.requests[before];
    out.push(Number(r.t - t0) / 1e3); // microseconds
    if (gapMs) await sleep(gapMs);
  }
  return stats(out);
}

async function main() {
  const why = missing();
  if (why) { console.log(`skip: ${why}`); return; }
  const d = await startRlcd(profile('binance-usdm'));
  const srv = await startExchangeServer({ flavor: 'binance-usdm', usageHeaders: false });
  const make = (enableRateLimit) => {
    const ex = new ccxt.binanceusdm({ enableRateLimit, options: { fetchCurrencies: false } });
    ex.urls.api = srv.ccxtUrls(ex.urls.api);
    return ex;
  };
  const run = async (label, ex, n, gap) => {
    const s = await measure(srv, ex, n, gap);
    console.log(`${label.padEnd(46)} median ${s.median.toFixed(1).padStart(8)} us   p99 ${s.p99.toFixed(1).padStart(8)} us   (${s.n} calls)`);
  };
  try {
    console.log(`fetchTicker -> arrival at a local server, ${N} calls each (ccxt ${ccxt.version}, node ${process.version})`);
    const gap = 60; // > rateLimit 50 ms x cost 1: ccxt's bucket is full again
    await run('no limiter (enableRateLimit: false)', make(false), N, gap);
    await run("ccxt's throttler (enableRateLimit: true), idle", make(true), N, gap);
    const a = make(true);
    wrap(a, { segment: d.segment, name: 'bench-ccxt' });
    await run('rlc adapter, idle', a, N, gap);
    await run('rlc adapter, back to back', a, N, 0);
    await run('no limiter, back to back', make(false), N, 0);
    await run("ccxt's throttler, back to back", make(true), Math.min(N, 100), 0);
    a.rlc.unwrap();
  } finally {
    await srv.close();
    await d.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
