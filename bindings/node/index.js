'use strict';
// rlc for Node: rate limits of crypto-exchange REST APIs, shared by every
// process of the host through rlc's segment (rlcd keeps it). See README.md.
//
//   const rlc = require('rlc');
//   const c = rlc.open({ name: 'bot-a' });
//   const x = c.exchange('binance-usdm');
//   const ep = c.endpoint(x, 'GET', '/fapi/v1/depth');
//   const g = c.reserve(ep, { params: { limit: 500 } });   // or await c.reserveWait(...)
//   ... send ...; c.feedback(g, { status, headers });

const addon = require('./lib/addon');
const errors = require('./lib/errors');
const { Client, open } = require('./lib/client');

module.exports = {
  open,
  Client,
  nowMs: addon.nowMs,
  FEEDBACK: Object.freeze({ RAISED: 0x01, MALFORMED: 0x02, UNMATCHED: 0x04, BLOCKED: 0x08, CLOCK: 0x10, BREAKER: 0x20 }),
  RlcError: errors.RlcError,
  Refused: errors.Refused,
  ReserveTimeout: errors.ReserveTimeout,
  Blocked: errors.Blocked,
  BreakerOpen: errors.BreakerOpen,
  UnknownEndpoint: errors.UnknownEndpoint,
  NoSegment: errors.NoSegment,
  TooBig: errors.TooBig,
  CorruptSegment: errors.CorruptSegment,
  // the empty native call, for bench/bench.js
  _noop: addon.noop,
};
// rlc.ccxt(exchange, options): loaded on first use, so that bots without
// ccxt never load it
Object.defineProperty(module.exports, 'ccxt', { enumerable: true, get: () => require('./lib/ccxt').wrap });
