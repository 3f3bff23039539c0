// SPDX-License-Identifier: MIT
// What the simulator saw, for the scenario's report: per limit and key
// (an IP, an account), the weight it accepted in each window of the
// limit's length on the exchange's clock, the 429s it answered, the bans
// it began; and per bot (the X-Sim-Bot header, when a bot sends one) its
// requests by outcome.
'use strict';

class Report {
  constructor() {
    this.limits = new Map();
    this.bots = new Map();
    this.bans = [];
  }

  series(limit, key, capacity, windowMs) {
    const id = `${limit} ${key}`;
    let s = this.limits.get(id);
    if (!s) {
      s = { limit, key, capacity, window_ms: windowMs, windows: new Map() };
      this.limits.set(id, s);
    }
    return s;
  }

  slot(s, now) {
    const start = Math.floor(now / s.window_ms) * s.window_ms;
    let w = s.windows.get(start);
    if (!w) {
      w = { start_ms: start, accepted: 0, requests: 0, rejected: 0 };
      s.windows.set(start, w);
    }
    return w;
  }

  // `weight` of limit `limit` (capacity per windowMs) accepted for `key`.
  accepted(limit, key, capacity, windowMs, now, weight) {
    const w = this.slot(this.series(limit, key, capacity, windowMs), now);
    w.accepted += weight;
    w.requests++;
  }

  // A request the limit turned away (429, or Bybit's retCode 10006 / 403).
  rejected(limit, key, capacity, windowMs, now) {
    this.slot(this.series(limit, key, capacity, windowMs), now).rejected++;
  }

  banned(scope, key, now, untilMs, status) {
    this.bans.push({ scope, key, at_ms: now, until_ms: untilMs, status });
  }

  // One response to bot `bot` (undefined: the bot did not say).
  answered(bot, status, rateLimited) {
    const name = bot || '-';
    let b = this.bots.get(name);
    if (!b) {
      b = { requests: 0, ok: 0, status_429: 0, status_418: 0, status_403: 0, rate_limited: 0, other: 0 };
      this.bots.set(name, b);
    }
    b.requests++;
    if (rateLimited) b.rate_limited++;
    if (status === 429) b.status_429++;
    else if (status === 418) b.status_418++;
    else if (status === 403) b.status_403++;
    else if (status >= 200 && status < 300 && !rateLimited) b.ok++;
    else b.other++;
  }

  toJSON() {
    return {
      schema: 'rlc.exchange-sim.report/1',
      limits: [...this.limits.values()].map((s) => ({
        limit: s.limit,
        key: s.key,
        capacity: s.capacity,
        window_ms: s.window_ms,
        windows: [...s.windows.values()].sort((a, b) => a.start_ms - b.start_ms),
      })),
      bots: Object.fromEntries(this.bots),
      bans: this.bans,
    };
  }

  clear() {
    this.limits.clear();
    this.bots.clear();
    this.bans = [];
  }
}

module.exports = { Report };
