#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The scenario's Node bot: a Binance USD-M strategy through real ccxt
// (binanceusdm), with rlc's ccxt adapter (--limiter rlc) or, as bots do
// today, ccxt's own throttler configured to W weight per window
// (--limiter own:W: enableRateLimit with its rolling window) and the
// backoff bot authors write around ccxt's exceptions.  Its calls are those
// of tools/demo/bot_mix.c (mix.json); one JSON line per call it wanted
// (tools/scenario/README.md); a key=value totals line at the end.
//
// rlc's Node binding and ccxt are loaded from bindings/node (RLC_NODE_DIR
// overrides); `bot.js --probe` exits 0 when both load.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const HERE = __dirname;
const NODE_DIR = process.env.RLC_NODE_DIR || path.resolve(HERE, '../../../bindings/node');
const SENT = new Set(['ok', '429', '418', '403', 'other', 'failed']);

function load() {
  const rlc = require(NODE_DIR);
  const ccxt = require(require.resolve('ccxt', { paths: [NODE_DIR] }));
  return { rlc, ccxt };
}

function fail(msg) {
  process.stderr.write(`bot.js: ${msg}\n`);
  process.exit(64);
}

function parse(argv) {
  const a = { name: `js-bot-${process.pid}`, seconds: 10, limiter: 'rlc', windowMs: 60000, mix: 'light' };
  const keys = { '--url': 'url', '--name': 'name', '--seconds': 'seconds', '--log': 'log', '--limiter': 'limiter',
    '--segment': 'segment', '--window-ms': 'windowMs', '--mix': 'mix', '--account': 'account',
    '--api-key': 'apiKey', '--seed': 'seed' };
  for (let i = 0; i < argv.length; i++) {
    const k = keys[argv[i]];
    if (!k) fail(`unknown argument ${argv[i]}`);
    if (argv[i + 1] === undefined) fail(`${argv[i]} needs a value`);
    a[k] = argv[++i];
  }
  if (!a.url || !a.url.startsWith('http://')) fail(`--url ${a.url}: not http://HOST:PORT`);
  a.seconds = Number(a.seconds);
  if (!(a.seconds > 0 && a.seconds <= 86400)) fail(`--seconds ${a.seconds}: not in (0, 86400]`);
  a.windowMs = Number(a.windowMs);
  if (!(a.windowMs >= 100 && a.windowMs <= 3600000)) fail(`--window-ms ${a.windowMs}: not in [100, 3600000]`);
  if (a.mix !== 'light' && a.mix !== 'heavy') fail(`--mix ${a.mix}: light or heavy`);
  a.own = null;
  if (a.limiter.startsWith('own:')) {
    a.own = Number(a.limiter.slice(4));
    if (!Number.isInteger(a.own) || a.own < 1) fail(`--limiter ${a.limiter}: W must be a whole number from 1`);
  } else if (a.limiter !== 'rlc') {
    fail(`--limiter ${a.limiter}: rlc or own:W`);
  }
  a.seed = a.seed === undefined ? process.pid : Number(a.seed);
  a.apiKey = a.apiKey || a.account || 'main';
  return a;
}

// mulberry32: the bot's choices, reproducible from its seed
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6D2B79F5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Mix {
  constructor(kind, windowMs, seed) {
    this.m = JSON.parse(fs.readFileSync(path.join(HERE, 'mix.json'), 'utf8'));
    this.kind = kind;
    this.windowMs = windowMs;
    this.rnd = random(seed);
    this.thinkMs = windowMs / this.m.think_per_window;
    this.nextCandle = null;
    this.burst = [];
    this.cancelDue = false;
  }

  pick(list) {
    return list[Math.floor(this.rnd() * list.length)];
  }

  // [call, think ms before it]
  next(exchangeMs) {
    const m = this.m;
    if (this.cancelDue) {
      this.cancelDue = false;
      return [m.cancel, 0];
    }
    if (this.kind === 'heavy') return [this.pick(m.heavy), 0];
    if (exchangeMs && this.nextCandle === null) this.nextCandle = (Math.floor(exchangeMs / this.windowMs) + 1) * this.windowMs;
    if (this.nextCandle && exchangeMs >= this.nextCandle) {
      this.nextCandle = (Math.floor(exchangeMs / this.windowMs) + 1) * this.windowMs;
      this.burst = [...m.burst];
    }
    if (this.burst.length) return [this.burst.shift(), 0];
    const think = this.thinkMs / 2 + this.rnd() * this.thinkMs;
    const r = Math.floor(this.rnd() * 100);
    if (r < m.picks.market) return [this.pick(m.market), think];
    if (r < m.picks.market + m.picks.account) return [this.pick(m.account), think];
    return [m.order, think];
  }

  done(call, sent) {
    if (call.order && sent && Math.floor(this.rnd() * this.m.cancel_one_in) === 0) this.cancelDue = true;
  }
}

// ccxt's API of a path: /fapi/v1/order -> fapiPrivate 'order'
const PRIVATE = new Set(['/fapi/v1/order', '/fapi/v1/openOrders']);
function apiOf(call) {
  const v2 = call.path.startsWith('/fapi/v2/');
  const rest = call.path.replace(/^\/fapi\/v[12]\//, '');
  if (v2) return ['fapiPrivateV2', rest];
  return [PRIVATE.has(call.path) ? 'fapiPrivate' : 'fapiPublic', rest];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

class Bot {
  constructor(a, libs) {
    this.a = a;
    this.libs = libs;
    this.mix = new Mix(a.mix, a.windowMs, a.seed);
    this.offsetMs = null;
    this.log = a.log ? fs.openSync(a.log, 'w') : null;
    this.lines = [];
    this.totals = {};
    this.stop = false;
    this.backoffUntil = 0; // own: the bot's backoff, as bot authors write around ccxt
    this.streak = 0;
    this.last = null;
  }

  exchange(deadlineMs) {
    const { ccxt, rlc } = this.libs;
    const a = this.a;
    const opts = { apiKey: a.apiKey, secret: 'scenario', options: { fetchCurrencies: false },
      headers: { 'X-Sim-Bot': a.name } };
    if (a.own) {
      // ccxt's own throttler: a rolling window of W cost per window
      Object.assign(opts, { enableRateLimit: true, rateLimiterAlgorithm: 'rollingWindow',
        rollingWindowSize: a.windowMs, rateLimit: a.windowMs / a.own });
    }
    const ex = new ccxt.binanceusdm(opts);
    ex.urls.api = Object.fromEntries(Object.entries(ex.urls.api).map(([k, v]) =>
      [k, typeof v === 'string' ? v.replace(/^https?:\/\/[^/]+/, a.url) : v]));
    if (!a.own) {
      rlc.ccxt(ex, { client: this.client, account: a.account, timeoutMs: deadlineMs, errors: 'rlc' });
    }
    // the moment a request goes to the transport (after rlc's reserve), and its answer
    const fetch = ex.fetch.bind(ex);
    ex.fetch = (...args) => {
      if (this.last && this.last.tMs === null) {
        this.last.tMs = Date.now();
        this.last.tMono = performance.now();
      }
      return fetch(...args);
    };
    const handleErrors = ex.handleErrors.bind(ex);
    ex.handleErrors = (code, reason, url, method, headers, body, response, ...rest) => {
      if (this.last) Object.assign(this.last, { status: code, headers, response });
      return handleErrors(code, reason, url, method, headers, body, response, ...rest);
    };
    return ex;
  }

  open() {
    if (!this.a.own) this.client = this.libs.rlc.open({ segment: this.a.segment, name: this.a.name.slice(0, 31) });
    const dl = this.mix.m.deadline_ms;
    this.market = this.exchange(dl.market);
    this.orders = this.exchange(dl.order);
  }

  write(call, tMs, waitMs, outcome, status = 0, code = null, rttMs = null) {
    this.totals[outcome] = (this.totals[outcome] || 0) + 1;
    if (SENT.has(outcome)) {
      this.totals.sent = (this.totals.sent || 0) + 1;
      this.totals.weight = (this.totals.weight || 0) + call.weight;
    }
    if (this.log !== null) {
      this.lines.push(JSON.stringify({ bot: this.a.name, lang: 'node', t_ms: tMs, wait_ms: +waitMs.toFixed(3),
        method: call.method, path: call.path, weight: call.weight, priority: call.priority, outcome, status,
        code, rtt_ms: rttMs === null ? null : +rttMs.toFixed(3) }));
      if (this.lines.length >= 64) this.flush();
    }
  }

  flush() {
    if (this.lines.length) fs.writeSync(this.log, this.lines.join('\n') + '\n');
    this.lines = [];
  }

  answered(status, headers) {
    if (!this.a.own) return;
    const now = performance.now();
    let d;
    if (status === 429) {
      this.streak = Math.min(this.streak + 1, 6);
      d = Math.min(2 ** this.streak, 60) * this.a.windowMs / 60;
    } else if (status === 418) {
      const h = headers && (headers['retry-after'] || headers['Retry-After']);
      d = h ? Number(h) * 1000 : 2 * this.a.windowMs;
    } else {
      if (status >= 200 && status < 300) this.streak = 0;
      return;
    }
    this.backoffUntil = Math.max(this.backoffUntil, now + d);
  }

  async call(call) {
    const { rlc } = this.libs;
    const kind = call.order ? 'order' : 'market';
    const deadline = performance.now() + this.mix.m.deadline_ms[kind];
    const wanted = performance.now();
    if (this.a.own && this.backoffUntil > wanted) {
      if (this.backoffUntil > deadline) {
        await sleep(deadline - wanted);
        this.write(call, Date.now(), performance.now() - wanted, 'blocked');
        return false;
      }
      await sleep(this.backoffUntil - wanted);
    }
    const ex = call.order ? this.orders : this.market;
    const [api, rest] = apiOf(call);
    this.last = { tMs: null, tMono: null, status: 0, headers: null, response: null };
    const last = this.last;
    let outcome = 'ok';
    try {
      const body = await ex.request(rest, api, call.method, { ...call.params });
      last.response = body;
    } catch (e) {
      if (e instanceof rlc.RlcError) {
        const why = e instanceof rlc.ReserveTimeout ? 'timeout'
          : (e instanceof rlc.Blocked || e instanceof rlc.BreakerOpen) ? 'blocked' : 'refused';
        const left = deadline - performance.now();
        const retry = (e.retryAfterMs !== undefined ? e.retryAfterMs : (e.retryAfter || 0) * 1000) || left;
        if (left > 0) await sleep(Math.min(retry, left));
        this.write(call, Date.now(), performance.now() - wanted, why);
        return false;
      }
      if (last.tMs === null) throw e; // not sent: a bug of the bot, not an outcome
      outcome = last.status === 0 ? 'failed' : null;
    }
    const rtt = performance.now() - last.tMono;
    const body = last.response;
    const code = body && typeof body === 'object' && !Array.isArray(body) && typeof body.code === 'number' && body.code !== 0 ? body.code : null;
    if (outcome === null || outcome === 'ok') {
      const s = last.status;
      outcome = s === 0 ? 'failed' : (s === 429 || s === 418 || s === 403) ? String(s)
        : (s >= 200 && s < 300 && code === null) ? 'ok' : 'other';
    }
    if (call === this.mix.m.time && body && body.serverTime) this.offsetMs = body.serverTime - (last.tMs + Date.now()) / 2;
    this.answered(last.status, last.headers);
    this.write(call, last.tMs, last.tMono - wanted, outcome, last.status, code, rtt);
    return true;
  }

  async run() {
    const halt = () => { this.stop = true; };
    process.on('SIGTERM', halt);
    process.on('SIGINT', halt);
    this.open();
    const end = performance.now() + this.a.seconds * 1000;
    try {
      // the exchange's clock first, as ccxt's adjustForTimeDifference does
      await this.call(this.mix.m.time);
      while (!this.stop && performance.now() < end) {
        const [call, think] = this.mix.next(this.offsetMs === null ? 0 : Date.now() + this.offsetMs);
        if (think) await sleep(Math.min(think, end - performance.now()));
        if (this.stop || performance.now() >= end) break;
        this.mix.done(call, await this.call(call));
      }
    } finally {
      if (this.client) this.client.close();
      if (this.log !== null) {
        this.flush();
        fs.closeSync(this.log);
      }
    }
    const t = this.totals;
    const n = (k) => t[k] || 0;
    process.stdout.write(`bot=${this.a.name} lang=node sent=${n('sent')} weight=${n('weight')} ok=${n('ok')} ` +
      `http_429=${n('429')} http_418=${n('418')} timeouts=${n('timeout')} blocked=${n('blocked')} failed=${n('failed')}\n`);
  }
}

async function main() {
  if (process.argv[2] === '--probe') {
    load();
    return 0;
  }
  const a = parse(process.argv.slice(2));
  await new Bot(a, load()).run();
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`bot.js: ${e && e.stack || e}\n`);
  process.exit(1);
});
