// SPDX-License-Identifier: MIT
// The JSON bodies Binance USD-M answers with, in the shapes its clients
// (ccxt among them) parse, for one market: BTCUSDT perpetual.
'use strict';

const SYMBOL = 'BTCUSDT';
const PRICE = 65000;

let orderId = 1000;

const symbolInfo = () => ({
  symbol: SYMBOL, pair: SYMBOL, contractType: 'PERPETUAL', deliveryDate: 4133404800000,
  onboardDate: 1569398400000, status: 'TRADING', maintMarginPercent: '2.5000',
  requiredMarginPercent: '5.0000', baseAsset: 'BTC', quoteAsset: 'USDT', marginAsset: 'USDT',
  pricePrecision: 2, quantityPrecision: 3, baseAssetPrecision: 8, quotePrecision: 8,
  underlyingType: 'COIN', underlyingSubType: ['PoW'], settlePlan: 0, triggerProtect: '0.0500',
  liquidationFee: '0.012500', marketTakeBound: '0.05',
  filters: [
    { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
    { filterType: 'LOT_SIZE', stepSize: '0.001', maxQty: '1000', minQty: '0.001' },
    { filterType: 'MARKET_LOT_SIZE', stepSize: '0.001', maxQty: '120', minQty: '0.001' },
    { filterType: 'MAX_NUM_ORDERS', limit: 200 },
    { filterType: 'MIN_NOTIONAL', notional: '100' },
    { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
  ],
  orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
  timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
});

const book = (n, now) => ({
  lastUpdateId: Math.floor(now), E: Math.floor(now), T: Math.floor(now),
  bids: Array.from({ length: n }, (_, i) => [(PRICE - 0.1 * (i + 1)).toFixed(1), '1.000']),
  asks: Array.from({ length: n }, (_, i) => [(PRICE + 0.1 * (i + 1)).toFixed(1), '1.000']),
});

const ticker24 = (now) => ({
  symbol: SYMBOL, priceChange: '100.00', priceChangePercent: '0.154', weightedAvgPrice: String(PRICE),
  lastPrice: String(PRICE), lastQty: '0.010', openPrice: String(PRICE - 100), highPrice: String(PRICE + 500),
  lowPrice: String(PRICE - 500), volume: '100000.000', quoteVolume: '6500000000.00',
  openTime: Math.floor(now) - 86400000, closeTime: Math.floor(now), firstId: 1, lastId: 1000, count: 1000,
});

function order(req, now, status) {
  const q = req.query;
  return {
    orderId: ++orderId, symbol: q.get('symbol') || SYMBOL, status, clientOrderId: q.get('newClientOrderId') || `sim${orderId}`,
    price: q.get('price') || '0', avgPrice: '0.00', origQty: q.get('quantity') || '0', executedQty: '0',
    cumQty: '0', cumQuote: '0', timeInForce: q.get('timeInForce') || 'GTC', type: q.get('type') || 'LIMIT',
    reduceOnly: q.get('reduceOnly') === 'true', closePosition: false, side: q.get('side') || 'BUY',
    positionSide: 'BOTH', stopPrice: '0', workingType: 'CONTRACT_PRICE', priceProtect: false,
    origType: q.get('type') || 'LIMIT', updateTime: Math.floor(now),
  };
}

const routes = {
  'GET /fapi/v1/ping': () => ({}),
  'GET /fapi/v1/time': (req, now) => ({ serverTime: Math.floor(now) }),
  'GET /fapi/v1/exchangeInfo': (req, now) => ({
    timezone: 'UTC', serverTime: Math.floor(now), futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [], assets: [], symbols: [symbolInfo()],
  }),
  'GET /fapi/v1/depth': (req, now) => book(Math.min(Number(req.query.get('limit') || 500), 50), now),
  'GET /fapi/v1/ticker/24hr': (req, now) => (req.query.has('symbol') ? ticker24(now) : [ticker24(now)]),
  'GET /fapi/v1/ticker/price': (req, now) => ({ symbol: SYMBOL, price: String(PRICE), time: Math.floor(now) }),
  'GET /fapi/v2/ticker/price': (req, now) => ({ symbol: SYMBOL, price: String(PRICE), time: Math.floor(now) }),
  'GET /fapi/v1/ticker/bookTicker': (req, now) => ({
    symbol: SYMBOL, bidPrice: String(PRICE - 0.1), bidQty: '1.000', askPrice: String(PRICE + 0.1),
    askQty: '1.000', time: Math.floor(now),
  }),
  'GET /fapi/v1/premiumIndex': (req, now) => ({
    symbol: SYMBOL, markPrice: String(PRICE), indexPrice: String(PRICE), estimatedSettlePrice: String(PRICE),
    lastFundingRate: '0.0001', interestRate: '0.0001', nextFundingTime: Math.floor(now) + 3600000, time: Math.floor(now),
  }),
  'GET /fapi/v1/openInterest': (req, now) => ({ symbol: SYMBOL, openInterest: '80000.000', time: Math.floor(now) }),
  'GET /fapi/v1/klines': (req, now) => Array.from({ length: 5 }, (_, i) => {
    const t = Math.floor(now / 60000) * 60000 - (4 - i) * 60000;
    return [t, String(PRICE), String(PRICE + 10), String(PRICE - 10), String(PRICE), '10.000', t + 59999, '650000', 100, '5.000', '325000', '0'];
  }),
  'GET /fapi/v1/trades': (req, now) => [{ id: 1, price: String(PRICE), qty: '0.010', quoteQty: '650', time: Math.floor(now), isBuyerMaker: false }],
  'GET /fapi/v1/aggTrades': (req, now) => [{ a: 1, p: String(PRICE), q: '0.010', f: 1, l: 1, T: Math.floor(now), m: false }],
  'POST /fapi/v1/order': (req, now) => order(req, now, 'NEW'),
  'DELETE /fapi/v1/order': (req, now) => order(req, now, 'CANCELED'),
  'GET /fapi/v1/order': (req, now) => order(req, now, 'NEW'),
  'GET /fapi/v1/openOrders': () => [],
  'GET /fapi/v2/balance': (req, now) => [{
    accountAlias: 'sim', asset: 'USDT', balance: '10000.00', crossWalletBalance: '10000.00',
    crossUnPnl: '0.00', availableBalance: '10000.00', maxWithdrawAmount: '10000.00',
    marginAvailable: true, updateTime: Math.floor(now),
  }],
  'GET /fapi/v2/account': (req, now) => ({
    totalWalletBalance: '10000.00', availableBalance: '10000.00', updateTime: Math.floor(now),
    assets: [{ asset: 'USDT', walletBalance: '10000.00', availableBalance: '10000.00', updateTime: Math.floor(now) }],
    positions: [],
  }),
};

// The body for `req`, or null when the simulator does not serve its path.
function binanceBody(req, now) {
  const route = routes[`${req.method} ${req.path}`];
  return route ? route(req, now) : null;
}

module.exports = { binanceBody };
