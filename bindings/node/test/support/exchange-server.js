'use strict';
// A local HTTP server that answers like Binance USD-M futures and Bybit v5
// for the endpoints ccxt's loadMarkets, fetchTime, fetchTicker,
// fetchOrderBook, createOrder, cancelOrder and fetchBalance use. It counts
// what the exchange would count (IP weight, orders, Bybit's per-endpoint
// UID counters) in fixed windows of a length the test chooses, reports them
// in the exchange's usage headers, answers scripted failures (429 with
// Retry-After, 418, Bybit's 403 and retCode 10006), and records each request's
// arrival (process.hrtime.bigint()), method, path and parameters.
//
//   const srv = await startExchangeServer({ flavor: 'binance-usdm', windowMs: 2000 });
//   ex.urls.api = srv.ccxtUrls(ex.urls.api);   // point ccxt at it
//   srv.failNext({ status: 429, retryAfter: 2 }); srv.requests; await srv.close();

const http = require('node:http');

const now = () => Date.now();

// The exchange's own IP weights (exchange-limits.md), for its usage header.
function binanceWeight(method, path, q) {
  const has = (k) => q[k] !== undefined;
  switch (method + ' ' + path) {
    case 'GET /fapi/v1/depth': {
      const l = Number(q.limit || 500);
      return l <= 50 ? 2 : l <= 100 ? 5 : l <= 500 ? 10 : 20;
    }
    case 'GET /fapi/v1/ticker/24hr': return has('symbol') ? 1 : 40;
    case 'GET /fapi/v1/openOrders': return has('symbol') ? 1 : 40;
    case 'POST /fapi/v1/order': case 'PUT /fapi/v1/order': return 0;
    case 'POST /fapi/v1/batchOrders': return 5;
    case 'GET /fapi/v2/balance': case 'GET /fapi/v3/balance':
    case 'GET /fapi/v2/account': case 'GET /fapi/v3/account':
    case 'GET /fapi/v2/positionRisk': case 'GET /fapi/v3/positionRisk': return 5;
    default: return 1;
  }
}

function intervalName(ms) {
  if (ms % 86400000 === 0) return `${ms / 86400000}D`;
  if (ms % 3600000 === 0) return `${ms / 3600000}H`;
  if (ms % 60000 === 0) return `${ms / 60000}M`;
  return `${Math.max(1, Math.round(ms / 1000))}S`;
}

// A fixed window counter aligned to the clock, as Binance's are.
class FixedWindow {
  constructor(ms) { this.ms = ms; this.start = 0; this.used = 0; }
  add(n, t) {
    const s = t - (t % this.ms);
    if (s !== this.start) { this.start = s; this.used = 0; }
    this.used += n;
    return this.used;
  }
  reset() { this.start = 0; this.used = 0; }
}

const BINANCE_SYMBOLS = [['BTCUSDT', 'BTC', '0.10', '0.001'], ['ETHUSDT', 'ETH', '0.01', '0.001']];
const BYBIT_SYMBOLS = [['BTCUSDT', 'BTC', '0.10', '0.001'], ['ETHUSDT', 'ETH', '0.01', '0.01']];

function binanceMarket([symbol, base, tick, step]) {
  return {
    symbol, pair: symbol, contractType: 'PERPETUAL', deliveryDate: 4133404800000,
    onboardDate: 1569398400000, status: 'TRADING', maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000', baseAsset: base, quoteAsset: 'USDT', marginAsset: 'USDT',
    pricePrecision: 2, quantityPrecision: 3, baseAssetPrecision: 8, quotePrecision: 8,
    underlyingType: 'COIN', underlyingSubType: [], settlePlan: 0, triggerProtect: '0.0500',
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.10', maxPrice: '1000000', tickSize: tick },
      { filterType: 'LOT_SIZE', stepSize: step, maxQty: '1000', minQty: step },
      { filterType: 'MARKET_LOT_SIZE', stepSize: step, maxQty: '120', minQty: step },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MIN_NOTIONAL', notional: '5' },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
  };
}

function bybitInstrument([symbol, base, tick, step], category) {
  const common = {
    symbol, baseCoin: base, quoteCoin: 'USDT', status: 'Trading',
    priceFilter: { minPrice: '0.10', maxPrice: '1999999.80', tickSize: tick },
    lotSizeFilter: { maxOrderQty: '1190.000', minOrderQty: step, qtyStep: step, postOnlyMaxOrderQty: '1190.000',
      basePrecision: step, quotePrecision: '0.01', minOrderAmt: '1', maxOrderAmt: '2000000' },
  };
  if (category === 'spot') return { ...common, innovation: '0', marginTrading: 'both' };
  return {
    ...common, contractType: 'LinearPerpetual', launchTime: '1585526400000', deliveryTime: '0',
    deliveryFeeRate: '', priceScale: '2', settleCoin: 'USDT', unifiedMarginTrade: true,
    fundingInterval: 480, copyTrading: 'both', upperFundingRate: '0.00375', lowerFundingRate: '-0.00375',
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
  };
}

class ExchangeServer {
  constructor(opts = {}) {
    this.flavor = opts.flavor || 'binance-usdm';
    if (this.flavor !== 'binance-usdm' && this.flavor !== 'bybit-v5') {
      throw new RangeError(`startExchangeServer(): flavor must be 'binance-usdm' or 'bybit-v5', not ${JSON.stringify(this.flavor)}`);
    }
    this.windowMs = opts.windowMs || (this.flavor === 'binance-usdm' ? 60000 : 5000);
    this.ordersShortMs = opts.ordersShortMs || 10000;
    this.ordersLongMs = opts.ordersLongMs || 60000;
    this.uidLimit = opts.uidLimit || 10;
    // false: no usage headers, so rlc's counts are its reservations alone
    this.usageHeaders = opts.usageHeaders !== false;
    this.requests = [];
    this.script = [];
    this.orderSeq = 1000;
    this.orders = new Map();
    this.weight = new FixedWindow(this.windowMs);
    this.ordersShort = new FixedWindow(this.ordersShortMs);
    this.ordersLong = new FixedWindow(this.ordersLongMs);
    this.uid = new Map();
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60000;
    this.sockets = new Set();
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = this.server.address().port;
        this.url = `http://127.0.0.1:${this.port}`;
        resolve(this);
      });
    });
  }

  // ccxt's urls.api with every host replaced by this server's.
  ccxtUrls(api) {
    const out = {};
    for (const [k, v] of Object.entries(api)) {
      out[k] = typeof v === 'string' ? v.replace(/^https?:\/\/[^/]+/, this.url) : v;
    }
    return out;
  }

  // The next `count` requests (matching `path`, if given) get this answer.
  // { status, retryAfter (s), code, msg, path, count, headers }
  failNext(f) { this.script.push({ count: 1, ...f }); }

  reset() {
    this.requests.length = 0;
    this.script.length = 0;
    this.weight.reset(); this.ordersShort.reset(); this.ordersLong.reset(); this.uid.clear();
  }

  close() {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  handle(req, res) {
    const arrived = process.hrtime.bigint();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url, 'http://x');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = {};
      if (raw.length > 0) {
        if (raw[0] === '{') { try { body = JSON.parse(raw); } catch (_) { body = {}; } } else body = Object.fromEntries(new URLSearchParams(raw));
      }
      const query = Object.fromEntries(u.searchParams);
      const rec = { t: arrived, wall: now(), method: req.method, path: u.pathname, query, body, status: 0 };
      this.requests.push(rec);
      const [status, headers, payload] = this.answer(rec);
      rec.status = status;
      if (!this.usageHeaders) {
        for (const k of Object.keys(headers)) if (/^x-(mbx|bapi)-/i.test(k)) delete headers[k];
      }
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
      res.end(text);
    });
  }

  scripted(rec) {
    for (let i = 0; i < this.script.length; i++) {
      const f = this.script[i];
      if (f.path !== undefined && f.path !== rec.path) continue;
      if (--f.count <= 0) this.script.splice(i, 1);
      return f;
    }
    return null;
  }

  answer(rec) {
    const t = now();
    const f = this.scripted(rec);
    return this.flavor === 'binance-usdm' ? this.binance(rec, t, f) : this.bybit(rec, t, f);
  }

  // -- Binance USD-M --
  binance(rec, t, f) {
    const { method, path } = rec;
    const q = { ...rec.query, ...rec.body };
    const w = binanceWeight(method, path, q);
    const isOrder = (method === 'POST' || method === 'PUT') && (path === '/fapi/v1/order' || path === '/fapi/v1/batchOrders');
    const used = this.weight.add(w, t);
    const h = { [`X-MBX-USED-WEIGHT-${intervalName(this.windowMs)}`]: String(used) };
    if (f) {
      const hh = { ...h, ...(f.headers || {}) };
      if (f.retryAfter !== undefined) hh['Retry-After'] = String(f.retryAfter);
      const code = f.code !== undefined ? f.code : (f.status === 418 ? -1003 : f.status === 429 ? -1003 : -1000);
      const msg = f.msg || (f.status === 418 ? `Way too many requests; IP banned until ${t + 120000}.`
        : 'Too many requests; current limit is 2400 requests per minute.');
      return [f.status || 429, hh, { code, msg }];
    }
    if (isOrder) {
      h[`X-MBX-ORDER-COUNT-${intervalName(this.ordersShortMs)}`] = String(this.ordersShort.add(1, t));
      h[`X-MBX-ORDER-COUNT-${intervalName(this.ordersLongMs)}`] = String(this.ordersLong.add(1, t));
    }
    const sym = q.symbol || 'BTCUSDT';
    switch (method + ' ' + path) {
      case 'GET /fapi/v1/ping': return [200, h, {}];
      case 'GET /fapi/v1/time': return [200, h, { serverTime: t }];
      case 'GET /fapi/v1/exchangeInfo':
        return [200, h, {
          timezone: 'UTC', serverTime: t, futuresType: 'U_MARGINED',
          rateLimits: [
            { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
            { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
            { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
          ],
          exchangeFilters: [],
          assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
          symbols: BINANCE_SYMBOLS.map(binanceMarket),
        }];
      case 'GET /fapi/v1/ticker/24hr': {
        const one = (s) => ({
          symbol: s, priceChange: '10.00', priceChangePercent: '0.020', weightedAvgPrice: '50000.00',
          lastPrice: '50010.00', lastQty: '0.010', openPrice: '50000.00', highPrice: '50500.00',
          lowPrice: '49500.00', volume: '1000.000', quoteVolume: '50000000.00', openTime: t - 86400000,
          closeTime: t, firstId: 1, lastId: 1000, count: 1000,
        });
        return [200, h, q.symbol ? one(sym) : BINANCE_SYMBOLS.map((s) => one(s[0]))];
      }
      case 'GET /fapi/v1/depth': {
        const n = Math.min(Number(q.limit || 500), 5);
        const bids = []; const asks = [];
        for (let i = 0; i < n; i++) { bids.push([String(50000 - i), '1.000']); asks.push([String(50001 + i), '1.000']); }
        return [200, h, { lastUpdateId: 1027024, E: t, T: t, bids, asks }];
      }
      case 'POST /fapi/v1/order': {
        const id = this.orderSeq++;
        const o = {
          orderId: id, symbol: sym, status: 'NEW', clientOrderId: q.newClientOrderId || `c${id}`,
          price: q.price || '0', avgPrice: '0.00', origQty: q.quantity, executedQty: '0', cumQty: '0',
          cumQuote: '0', timeInForce: q.timeInForce || 'GTC', type: q.type, reduceOnly: q.reduceOnly === 'true',
          closePosition: false, side: q.side, positionSide: 'BOTH', stopPrice: '0', workingType: 'CONTRACT_PRICE',
          priceProtect: false, origType: q.type, updateTime: t,
        };
        this.orders.set(String(id), o);
        return [200, h, o];
      }
      case 'DELETE /fapi/v1/order': {
        const o = this.orders.get(String(q.orderId));
        if (!o) return [400, h, { code: -2011, msg: 'Unknown order sent.' }];
        o.status = 'CANCELED'; o.updateTime = t;
        return [200, h, o];
      }
      case 'GET /fapi/v2/balance': case 'GET /fapi/v3/balance':
        return [200, h, [{ accountAlias: 'SgsR', asset: 'USDT', balance: '1000.00', crossWalletBalance: '1000.00',
          crossUnPnl: '0.0', availableBalance: '1000.00', maxWithdrawAmount: '1000.00', marginAvailable: true, updateTime: t }]];
      case 'GET /fapi/v2/account': case 'GET /fapi/v3/account':
        return [200, h, {
          totalInitialMargin: '0', totalMaintMargin: '0', totalWalletBalance: '1000.00', totalUnrealizedProfit: '0',
          totalMarginBalance: '1000.00', availableBalance: '1000.00', maxWithdrawAmount: '1000.00',
          assets: [{ asset: 'USDT', walletBalance: '1000.00', unrealizedProfit: '0', marginBalance: '1000.00',
            maintMargin: '0', initialMargin: '0', positionInitialMargin: '0', openOrderInitialMargin: '0',
            crossWalletBalance: '1000.00', crossUnPnl: '0', availableBalance: '1000.00', maxWithdrawAmount: '1000.00',
            updateTime: t }],
          positions: [],
        }];
      case 'GET /fapi/v1/fundingRate': return [200, h, []];
      // on Binance these live on api.binance.com (binance-spot's budget)
      case 'GET /sapi/v1/capital/config/getall': return [200, h, []];
      case 'GET /sapi/v1/margin/allPairs': return [200, h, []];
      default: return [404, h, { code: -1, msg: `no such endpoint here: ${method} ${path}` }];
    }
  }

  // -- Bybit v5 --
  bybit(rec, t, f) {
    const { method, path } = rec;
    const q = { ...rec.query, ...rec.body };
    const ok = (result) => ({ retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: t });
    const h = {};
    const priv = !path.startsWith('/v5/market/');
    const ipUsed = this.weight.add(1, t);
    if (priv) {
      let c = this.uid.get(path);
      if (c === undefined) this.uid.set(path, c = new FixedWindow(1000));
      const used = c.add(1, t);
      h['X-Bapi-Limit'] = String(this.uidLimit);
      h['X-Bapi-Limit-Status'] = String(Math.max(0, this.uidLimit - used));
      h['X-Bapi-Limit-Reset-Timestamp'] = String(used > this.uidLimit ? c.start + 1000 : t);
    }
    void ipUsed;
    if (f) {
      const hh = { ...h, ...(f.headers || {}) };
      if (f.retryAfter !== undefined) hh['Retry-After'] = String(f.retryAfter);
      const status = f.status || 200;
      if (status === 403) return [403, hh, 'access too frequent'];
      const code = f.code !== undefined ? f.code : (status === 429 ? 10429 : 10006);
      return [status, hh, { retCode: code, retMsg: f.msg || 'Too many visits!', result: {}, retExtInfo: {}, time: t }];
    }
    switch (method + ' ' + path) {
      case 'GET /v5/market/time':
        return [200, h, ok({ timeSecond: String(Math.floor(t / 1000)), timeNano: `${t}000000` })];
      case 'GET /v5/market/instruments-info': {
        const cat = q.category || 'spot';
        const list = (cat === 'linear' || cat === 'spot') && q.status !== 'PreLaunch'
          ? BYBIT_SYMBOLS.map((s) => bybitInstrument(s, cat)) : [];
        return [200, h, ok({ category: cat, list, nextPageCursor: '' })];
      }
      case 'GET /v5/market/tickers': {
        const cat = q.category || 'linear';
        const one = (s) => ({
          symbol: s, lastPrice: '50010.00', indexPrice: '50000.00', markPrice: '50005.00',
          prevPrice24h: '49000.00', price24hPcnt: '0.02', highPrice24h: '50500.00', lowPrice24h: '49500.00',
          prevPrice1h: '50000.00', openInterest: '1000', openInterestValue: '50000000', turnover24h: '50000000',
          volume24h: '1000', fundingRate: '0.0001', nextFundingTime: String(t + 3600000), bid1Price: '50009.90',
          bid1Size: '1.000', ask1Price: '50010.10', ask1Size: '1.000',
        });
        return [200, h, ok({ category: cat, list: q.symbol ? [one(q.symbol)] : BYBIT_SYMBOLS.map((s) => one(s[0])) })];
      }
      case 'GET /v5/market/orderbook': {
        const n = Math.min(Number(q.limit || 25), 5);
        const b = []; const a = [];
        for (let i = 0; i < n; i++) { b.push([String(50000 - i), '1.000']); a.push([String(50001 + i), '1.000']); }
        return [200, h, ok({ s: q.symbol, b, a, ts: t, u: 18521288, seq: 7961638724, cts: t })];
      }
      case 'GET /v5/user/query-api':
        return [200, h, ok({ id: '1', note: 'rlc', apiKey: 'k', readOnly: 0, secret: '', permissions: {},
          ips: ['*'], type: 1, deadlineDay: 83, unified: 0, uta: 1, userID: 24600000, isMaster: true })];
      case 'GET /v5/account/info':
        return [200, h, ok({ marginMode: 'REGULAR_MARGIN', updatedTime: String(t), unifiedMarginStatus: 6,
          dcpStatus: 'OFF', timeWindow: 10, smpGroup: 0, isMasterTrader: false, spotHedgingStatus: 'OFF' })];
      case 'GET /v5/asset/coin/query-info':
        return [200, h, ok({ rows: [] })];
      case 'POST /v5/order/create': {
        const id = `o-${this.orderSeq++}`;
        this.orders.set(id, { ...q, orderId: id });
        return [200, h, ok({ orderId: id, orderLinkId: q.orderLinkId || '' })];
      }
      case 'POST /v5/order/cancel': {
        if (!this.orders.has(q.orderId)) return [200, h, { retCode: 110001, retMsg: 'order not exists or too late to cancel', result: {}, retExtInfo: {}, time: t }];
        return [200, h, ok({ orderId: q.orderId, orderLinkId: '' })];
      }
      case 'GET /v5/account/wallet-balance':
        return [200, h, ok({ list: [{ accountType: 'UNIFIED', totalEquity: '1000', totalWalletBalance: '1000',
          totalMarginBalance: '1000', totalAvailableBalance: '1000', totalPerpUPL: '0', totalInitialMargin: '0',
          totalMaintenanceMargin: '0', accountIMRate: '0', accountMMRate: '0', accountLTV: '0',
          coin: [{ coin: 'USDT', equity: '1000', walletBalance: '1000', locked: '0', totalOrderIM: '0',
            totalPositionIM: '0', totalPositionMM: '0', unrealisedPnl: '0', cumRealisedPnl: '0', usdValue: '1000',
            borrowAmount: '0', availableToWithdraw: '1000', accruedInterest: '0', bonus: '0', marginCollateral: true,
            collateralSwitch: true, availableToBorrow: '' }] }] })];
      default:
        return [404, h, { retCode: 10404, retMsg: `no such endpoint here: ${method} ${path}`, result: {}, time: t }];
    }
  }

  // The most weight (or requests) the server saw in any `ms` long window:
  // a rolling check, stricter than the exchange's fixed windows.
  maxInWindow(ms, filter = () => true, weightOf = () => 1) {
    const ev = this.requests.filter(filter).map((r) => [Number(r.t / 1000n) / 1000, weightOf(r)]);
    ev.sort((a, b) => a[0] - b[0]);
    let best = 0; let sum = 0; let j = 0;
    for (let i = 0; i < ev.length; i++) {
      sum += ev[i][1];
      while (ev[i][0] - ev[j][0] >= ms) sum -= ev[j++][1];
      if (sum > best) best = sum;
    }
    return best;
  }
}

async function startExchangeServer(opts) {
  return new ExchangeServer(opts).listen();
}

module.exports = { startExchangeServer, ExchangeServer, binanceWeight, intervalName };
