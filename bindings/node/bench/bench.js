'use strict';
// Reserve + refund through the addon, beside what it is made of and what a
// bot would write instead. Medians of several rounds, one run:
//   C floor          rlc_reserve + rlc_refund looped in C (floorReserveRefund)
//   addon            c.refund(c.reserve(ep)) from JS
//   addon, options   c.reserve(ep, { params }) + refund: the ccxt adapter's path
//   empty call       an addon function that does nothing (rlc._noop)
//   JS bucket        an in-process token bucket as bot authors write one
//
//   node bench/bench.js [rounds=7] [n=200000]
// Starts an rlcd of its own (RLCD, default ../../build/src/rlcd/rlcd).

const rlc = require('..');
const { startRlcd } = require('../test/support/rlcd');

const ROUNDS = Number(process.argv[2] || 7);
const N = Number(process.argv[3] || 200000);

const INI = `[rlcd]
heartbeat = 100ms

[exchange bx]

[limit bx.ip.weight]
capacity = 1000000
interval = 1s
slots = 20

[endpoint bx GET /ping]
priority = high
ip.weight = 1

[endpoint bx GET /depth]
priority = high
ip.weight = by limit 100:5 1000:20 default 10
`;

// The bucket of a typical bot: refill on read from Date.now()-style time.
class TokenBucket {
  constructor(capacity, perSecond) {
    this.capacity = capacity;
    this.tokens = capacity;
    this.rate = perSecond / 1e9;
    this.last = process.hrtime.bigint();
  }
  take(n) {
    const now = process.hrtime.bigint();
    this.tokens = Math.min(this.capacity, this.tokens + Number(now - this.last) * this.rate);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
  give(n) { this.tokens = Math.min(this.capacity, this.tokens + n); }
}

function time(n, f) {
  const t0 = process.hrtime.bigint();
  f(n);
  return Number(process.hrtime.bigint() - t0) / n;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

async function main() {
  const d = await startRlcd(INI);
  const c = d.client('bench');
  const x = c.exchange('bx');
  const ep = c.endpoint(x, 'GET', '/ping');
  const depth = c.endpoint(x, 'GET', '/depth');
  const opts = { params: { limit: 1000, symbol: 'BTCUSDT' } };
  const bucket = new TokenBucket(1e12, 1e12);
  const noop = rlc._noop;
  const cases = {
    'C floor: rlc_reserve + rlc_refund in C': (n) => c._n.floorReserveRefund(ep, n),
    'addon: refund(reserve(ep))': (n) => { for (let i = 0; i < n; i++) c.refund(c.reserve(ep)); },
    'addon: reserve(ep, { params }) + refund': (n) => { for (let i = 0; i < n; i++) c.refund(c.reserve(depth, opts)); },
    'empty addon call': (n) => { let s = 0; for (let i = 0; i < n; i++) s += noop(i); return s; },
    'JS token bucket: take + give': (n) => { for (let i = 0; i < n; i++) if (bucket.take(1)) bucket.give(1); },
  };
  const res = {};
  try {
    for (const f of Object.values(cases)) time(N / 4, f); // warm up (JIT)
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, f] of Object.entries(cases)) {
        const ns = name.startsWith('C floor') ? f(N) : time(N, f);
        (res[name] = res[name] || []).push(ns);
      }
    }
  } finally {
    c.close();
    await d.stop();
  }
  console.log(`reserve + refund, ns per pair: medians of ${ROUNDS} rounds of ${N} (node ${process.version})`);
  for (const [name, xs] of Object.entries(res)) {
    console.log(`  ${name.padEnd(44)} ${median(xs).toFixed(1).padStart(8)} ns   (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`);
  }
  const floor = median(res['C floor: rlc_reserve + rlc_refund in C']);
  const addon = median(res['addon: refund(reserve(ep))']);
  console.log(`  the binding adds ${(addon - floor).toFixed(1)} ns to the C work (two addon calls; an empty one costs ${median(res['empty addon call']).toFixed(1)} ns)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
