// SPDX-License-Identifier: MIT
// The `result` objects Bybit v5 answers with, in the shapes its clients
// (ccxt among them) parse, for one market: BTCUSDT linear perpetual.
'use strict';

const SYMBOL = 'BTCUSDT';
const PRICE = 65000;

let orderId = 5000;

const instrument = () => ({
  symbol: SYMBOL, contractType: 'LinearPerpetual', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDT',
  settleCoin: 'USDT', launchTime: '1585526400000', deliveryTime: '0', deliveryFeeRate: '', priceScale: '2',
  leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
  priceFilter: { minPrice: '0.10', maxPrice: '1999999.80', tickSize: '0.10' },
  lotSizeFilter: { maxOrderQty: '1190.000', minOrderQty: '0.001', qtyStep: '0.001', postOnlyMaxOrderQty: '1190.000', minNotionalValue: '5' },
  unifiedMarginTrade: true, fundingInterval: 480, copyTrading: 'both', upperFundingRate: '0.00375', lowerFundingRate: '-0.00375',
});

const ticker = () => ({
  symbol: SYMBOL, lastPrice: String(PRICE), indexPrice: String(PRICE), markPrice: String(PRICE),
  prevPrice24h: String(PRICE - 100), price24hPcnt: '0.0015', highPrice24h: String(PRICE + 500),
  lowPrice24h: String(PRICE - 500), prevPrice1h: String(PRICE), openInterest: '50000', openInterestValue: '3250000000',
  turnover24h: '6500000000', volume24h: '100000', fundingRate: '0.0001', nextFundingTime: '0',
  bid1Price: String(PRICE - 0.1), bid1Size: '1', ask1Price: String(PRICE + 0.1), ask1Size: '1',
});

const routes = {
  'GET /v5/market/time': (req, now) => ({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${Math.floor(now)}000000` }),
  'GET /v5/market/instruments-info': (req) => ({
    category: req.query.get('category') || 'linear',
    list: (req.query.get('category') || 'linear') === 'linear' ? [instrument()] : [],
    nextPageCursor: '',
  }),
  'GET /v5/market/tickers': (req) => ({ category: req.query.get('category') || 'linear', list: [ticker()] }),
  'GET /v5/market/orderbook': (req, now) => ({
    s: SYMBOL, ts: Math.floor(now), u: Math.floor(now), seq: Math.floor(now), cts: Math.floor(now),
    b: Array.from({ length: 25 }, (_, i) => [(PRICE - 0.1 * (i + 1)).toFixed(1), '1']),
    a: Array.from({ length: 25 }, (_, i) => [(PRICE + 0.1 * (i + 1)).toFixed(1), '1']),
  }),
  'GET /v5/market/kline': (req, now) => ({
    category: 'linear', symbol: SYMBOL,
    list: Array.from({ length: 5 }, (_, i) => {
      const t = Math.floor(now / 60000) * 60000 - i * 60000;
      return [String(t), String(PRICE), String(PRICE + 10), String(PRICE - 10), String(PRICE), '10', '650000'];
    }),
  }),
  'POST /v5/order/create': (req) => ({ orderId: String(++orderId), orderLinkId: (req.json && req.json.orderLinkId) || '' }),
  'POST /v5/order/cancel': (req) => ({ orderId: (req.json && req.json.orderId) || String(orderId), orderLinkId: '' }),
  'POST /v5/order/amend': (req) => ({ orderId: (req.json && req.json.orderId) || String(orderId), orderLinkId: '' }),
  'GET /v5/order/realtime': () => ({ category: 'linear', list: [], nextPageCursor: '' }),
  'GET /v5/position/list': () => ({ category: 'linear', list: [], nextPageCursor: '' }),
  'GET /v5/account/wallet-balance': () => ({
    list: [{
      accountType: 'UNIFIED', totalEquity: '10000', totalWalletBalance: '10000', totalAvailableBalance: '10000',
      coin: [{ coin: 'USDT', equity: '10000', walletBalance: '10000', availableToWithdraw: '10000', locked: '0' }],
    }],
  }),
};

// The result for `req`, or null when the simulator does not serve its path.
function bybitBody(req, now) {
  const route = routes[`${req.method} ${req.path}`];
  return route ? route(req, now) : null;
}

module.exports = { bybitBody };
