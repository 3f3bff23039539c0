// SPDX-License-Identifier: MIT
// The simulator's HTTP side: one loopback server in front of the exchange
// models, each request delayed by the configured latency (half on the way
// in, half on the way out) and counted when it "arrives"; a Date header
// from the exchange's clock; and GET /__sim/report, POST /__sim/reset for
// the scenario.
'use strict';

const http = require('node:http');
const { Clock } = require('./clock');
const { Report } = require('./report');
const { BinanceUsdm } = require('./binance');
const { BybitV5 } = require('./bybit');

const BODY_MAX = 1 << 20;

// Query and form parameters in one URLSearchParams; a JSON body as `json`.
function parseBody(req, raw) {
  const url = new URL(req.url, 'http://sim');
  const query = url.searchParams;
  let json = null;
  const type = req.headers['content-type'] || '';
  if (raw.length && type.includes('application/json')) {
    try {
      json = JSON.parse(raw);
    } catch {
      json = null;
    }
    if (json && typeof json === 'object')
      for (const [k, v] of Object.entries(json)) if (!query.has(k)) query.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  } else if (raw.length) {
    for (const [k, v] of new URLSearchParams(raw)) query.append(k, v);
  }
  return { path: url.pathname, query, json };
}

function delay(ms) {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

class Simulator {
  constructor({ timeScale = 1, clockOffsetMs = 0, latencyMs = 0, jitterMs = 0, banAfter = 3 } = {}) {
    if (!(latencyMs >= 0) || !(jitterMs >= 0) || jitterMs > latencyMs)
      throw new RangeError(`latency ${latencyMs} ms and jitter ${jitterMs} ms: both at least 0, jitter at most the latency`);
    if (!Number.isInteger(banAfter) || banAfter < 1) throw new RangeError(`ban-after ${banAfter} must be a whole number of at least 1`);
    this.clock = new Clock({ offsetMs: clockOffsetMs, scale: timeScale });
    this.report = new Report();
    this.latencyMs = latencyMs;
    this.jitterMs = jitterMs;
    this.banAfter = banAfter;
    this.reset();
    this.server = http.createServer((req, res) => this.serve(req, res));
    this.server.keepAliveTimeout = 30000;
  }

  reset() {
    const opts = { clock: this.clock, report: this.report, banAfter: this.banAfter };
    this.exchanges = [new BinanceUsdm(opts), new BybitV5(opts)];
    this.report.clear();
  }

  // One way of the trip: half the latency, give or take half the jitter.
  leg() {
    return (this.latencyMs + (Math.random() * 2 - 1) * this.jitterMs) / 2;
  }

  send(res, out) {
    const headers = { Date: new Date(this.clock.now()).toUTCString(), ...out.headers };
    const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
    headers['Content-Type'] = typeof out.body === 'string' ? 'text/plain' : 'application/json';
    res.writeHead(out.status, headers);
    res.end(text);
  }

  control(req, res, path) {
    if (req.method === 'GET' && path === '/__sim/report') return this.send(res, { status: 200, headers: {}, body: this.report.toJSON() });
    if (req.method === 'POST' && path === '/__sim/reset') {
      this.reset();
      return this.send(res, { status: 200, headers: {}, body: { reset: true } });
    }
    return this.send(res, { status: 404, headers: {}, body: { error: `no such control ${req.method} ${path}` } });
  }

  serve(req, res) {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_MAX) req.destroy();
      else chunks.push(c);
    });
    req.on('end', async () => {
      const { path, query, json } = parseBody(req, Buffer.concat(chunks).toString());
      if (path.startsWith('/__sim/')) return this.control(req, res, path);
      await delay(this.leg());
      const r = { method: req.method, path, query, json, headers: req.headers, ip: req.socket.remoteAddress };
      const exchange = this.exchanges.find((x) => x.handles(path));
      const out = exchange ? exchange.handle(r) : { status: 404, headers: {}, body: { error: `no exchange serves ${path}` } };
      this.report.answered(req.headers['x-sim-bot'], out.status, out.rateLimited);
      await delay(this.leg());
      this.send(res, out);
    });
  }

  listen(port = 0, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve(this.server.address().port));
    });
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

module.exports = { Simulator };
