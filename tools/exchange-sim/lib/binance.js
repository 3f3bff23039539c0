// SPDX-License-Identifier: MIT
// Binance USD-M futures as its documentation describes it (exchange-limits.md
// sections 2 and 3): REQUEST_WEIGHT 2400 per minute per IP and ORDERS 300
// per 10 s and 1200 per minute per account (the API key), in fixed windows
// aligned to the exchange's clock; X-MBX-USED-WEIGHT-1M and
// X-MBX-ORDER-COUNT-10S / -1M on the responses; 429 (-1003, -1015) with
// Retry-After, the seconds to the window's end; and a 418 ban for an IP
// that comes back before its Retry-After `banAfter` times, lasting 2
// minutes, doubled for each ban before it, up to 3 days.
'use strict';

const { FixedCounter } = require('./counter');
const { binanceWeight } = require('./binance-weights');
const { binanceBody } = require('./binance-bodies');

const MINUTE = 60000;
const BAN_FIRST_MS = 2 * MINUTE;
const BAN_MAX_MS = 3 * 24 * 60 * MINUTE;

class BinanceUsdm {
  constructor({ clock, report, banAfter = 3, weight = 2400, orders10s = 300, orders1m = 1200 }) {
    this.clock = clock;
    this.report = report;
    this.banAfter = banAfter;
    this.capacity = { weight, orders10s, orders1m };
    this.ips = new Map();
    this.accounts = new Map();
  }

  handles(path) {
    return path.startsWith('/fapi/');
  }

  ipState(ip) {
    let s = this.ips.get(ip);
    if (!s) {
      s = {
        weight: new FixedCounter(this.capacity.weight, this.clock.window(MINUTE)),
        backoffUntil: 0, // told by a 429 to wait until then
        early: 0,        // requests that came back before it
        bans: 0,
        bannedUntil: 0,
      };
      this.ips.set(ip, s);
    }
    return s;
  }

  accountState(key) {
    let a = this.accounts.get(key);
    if (!a) {
      a = {
        orders10s: new FixedCounter(this.capacity.orders10s, this.clock.window(10000)),
        orders1m: new FixedCounter(this.capacity.orders1m, this.clock.window(MINUTE)),
      };
      this.accounts.set(key, a);
    }
    return a;
  }

  // 418: `s` is banned until s.bannedUntil.
  banned(s, now) {
    const secs = Math.max(1, Math.ceil((s.bannedUntil - now) / 1000));
    return {
      status: 418,
      headers: { 'Retry-After': String(secs) },
      body: { code: -1003, msg: `Way too many requests; IP banned until ${Math.round(s.bannedUntil)}.` },
    };
  }

  // 429 for a full `counter`; code -1003 (weight) or -1015 (orders).
  tooMany(s, counter, code, what, now) {
    const wait = counter.resetIn(now);
    s.backoffUntil = Math.max(s.backoffUntil, now + wait);
    return {
      status: 429,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))) },
      body: { code, msg: `Too many ${what}; current limit is ${counter.limit} ${what} per ${counter.windowMs} ms.` },
    };
  }

  handle(req) {
    const now = this.clock.now();
    const s = this.ipState(req.ip);
    if (now < s.bannedUntil) return this.banned(s, now);
    if (now < s.backoffUntil && ++s.early >= this.banAfter) {
      const ms = this.clock.window(Math.min(BAN_FIRST_MS * 2 ** s.bans, BAN_MAX_MS));
      s.bans++;
      s.early = 0;
      s.bannedUntil = now + ms;
      this.report.banned('ip', req.ip, now, s.bannedUntil, 418);
      return this.banned(s, now);
    }
    const w = binanceWeight(req.method, req.path, req.query) || { ip: 1, orders10s: 0, orders1m: 0 };
    const ipw = s.weight;
    if (!ipw.fits(now, w.ip)) {
      this.report.rejected('ip.weight', req.ip, ipw.limit, ipw.windowMs, now);
      return this.tooMany(s, ipw, -1003, 'requests', now);
    }
    const headers = {};
    if (w.orders10s || w.orders1m) {
      const a = this.accountState(req.headers['x-mbx-apikey'] || '-');
      for (const [name, n] of [['orders10s', w.orders10s], ['orders1m', w.orders1m]]) {
        if (!a[name].fits(now, n)) {
          this.report.rejected(`account.${name}`, req.headers['x-mbx-apikey'] || '-',
            a[name].limit, a[name].windowMs, now);
          return this.tooMany(s, a[name], -1015, 'orders', now);
        }
      }
      for (const [name, n] of [['orders10s', w.orders10s], ['orders1m', w.orders1m]]) {
        a[name].add(now, n);
        this.report.accepted(`account.${name}`, req.headers['x-mbx-apikey'] || '-',
          a[name].limit, a[name].windowMs, now, n);
      }
      headers['X-MBX-ORDER-COUNT-10S'] = String(a.orders10s.used(now));
      headers['X-MBX-ORDER-COUNT-1M'] = String(a.orders1m.used(now));
    }
    ipw.add(now, w.ip);
    this.report.accepted('ip.weight', req.ip, ipw.limit, ipw.windowMs, now, w.ip);
    headers['X-MBX-USED-WEIGHT-1M'] = String(ipw.used(now));
    const body = binanceBody(req, now);
    if (!body) return { status: 404, headers, body: { code: -5000, msg: `Path ${req.path}, Method ${req.method} is invalid` } };
    return { status: 200, headers, body };
  }
}

module.exports = { BinanceUsdm };
