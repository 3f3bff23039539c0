// SPDX-License-Identifier: MIT
// Bybit v5 as its documentation describes it (exchange-limits.md section
// 4): 600 requests per 5 s per IP, rolling, whose breach answers HTTP 403
// "access too frequent" and bans the IP for 10 minutes; per UID (the API
// key) and per endpoint a rolling 1 s limit, answered over it with
// retCode 10006 "Too many visits!"; X-Bapi-Limit, X-Bapi-Limit-Status and
// X-Bapi-Limit-Reset-Timestamp on each response of such an endpoint.
'use strict';

const { RollingCounter } = require('./counter');
const { bybitBody } = require('./bybit-bodies');

const BAN_MS = 10 * 60000;

// Default per-UID limits of the linear category, per second.
const uidLimits = {
  'POST /v5/order/create': 10,
  'POST /v5/order/cancel': 10,
  'POST /v5/order/pre-check': 10,
  'POST /v5/order/amend': 10,
  'POST /v5/order/cancel-all': 10,
  'POST /v5/order/create-batch': 10,
  'POST /v5/order/amend-batch': 10,
  'POST /v5/order/cancel-batch': 10,
  'GET /v5/order/realtime': 50,
  'GET /v5/order/history': 50,
  'GET /v5/execution/list': 50,
  'GET /v5/position/list': 50,
  'POST /v5/position/set-leverage': 10,
  'POST /v5/position/trading-stop': 10,
  'GET /v5/account/wallet-balance': 50,
  'GET /v5/account/fee-rate': 5,
};

// A batch takes one unit per order it carries.
function units(req) {
  if (!req.path.endsWith('-batch')) return 1;
  const list = req.json && Array.isArray(req.json.request) ? req.json.request.length : 1;
  return Math.max(1, list);
}

class BybitV5 {
  constructor({ clock, report, ipLimit = 600 }) {
    this.clock = clock;
    this.report = report;
    this.ipLimit = ipLimit;
    this.ips = new Map();
    this.uids = new Map();
  }

  handles(path) {
    return path.startsWith('/v5/');
  }

  ipState(ip) {
    let s = this.ips.get(ip);
    if (!s) {
      s = { requests: new RollingCounter(this.ipLimit, this.clock.window(5000)), bannedUntil: 0 };
      this.ips.set(ip, s);
    }
    return s;
  }

  uidCounter(uid, endpoint, limit) {
    const id = `${uid} ${endpoint}`;
    let c = this.uids.get(id);
    if (!c) {
      c = new RollingCounter(limit, this.clock.window(1000));
      this.uids.set(id, c);
    }
    return c;
  }

  handle(req) {
    const now = this.clock.now();
    const s = this.ipState(req.ip);
    const forbidden = { status: 403, headers: {}, body: 'access too frequent' };
    if (now < s.bannedUntil) return forbidden;
    const ipc = s.requests;
    if (!ipc.fits(now, 1)) {
      s.bannedUntil = now + this.clock.window(BAN_MS);
      this.report.rejected('ip.requests', req.ip, ipc.limit, ipc.windowMs, now);
      this.report.banned('ip', req.ip, now, s.bannedUntil, 403);
      return forbidden;
    }
    ipc.add(now, 1);
    this.report.accepted('ip.requests', req.ip, ipc.limit, ipc.windowMs, now, 1);
    const endpoint = `${req.method} ${req.path}`;
    const headers = {};
    const limit = uidLimits[endpoint];
    if (limit) {
      const uid = req.headers['x-bapi-api-key'] || '-';
      const c = this.uidCounter(uid, endpoint, limit);
      const n = units(req);
      const fits = c.fits(now, n);
      if (fits) {
        c.add(now, n);
        this.report.accepted(`uid ${endpoint}`, uid, limit, c.windowMs, now, n);
      } else {
        this.report.rejected(`uid ${endpoint}`, uid, limit, c.windowMs, now);
      }
      headers['X-Bapi-Limit'] = String(limit);
      headers['X-Bapi-Limit-Status'] = String(Math.max(0, limit - c.used(now)));
      headers['X-Bapi-Limit-Reset-Timestamp'] = String(Math.floor(fits ? now : now + c.resetIn(now)));
      if (!fits) {
        return { status: 200, headers, rateLimited: true, body: { retCode: 10006, retMsg: 'Too many visits!', result: {}, retExtInfo: {}, time: Math.floor(now) } };
      }
    }
    const result = bybitBody(req, now);
    if (!result) return { status: 404, headers, body: { retCode: 10001, retMsg: `unknown path ${req.path}`, result: {}, time: Math.floor(now) } };
    return { status: 200, headers, body: { retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: Math.floor(now) } };
  }
}

module.exports = { BybitV5 };
