// SPDX-License-Identifier: MIT
// What Binance USD-M charges a request, from the documentation
// (exchange-limits.md section 3), not from rlc's profile: the simulator is
// the exchange's side of the check.  { ip, orders10s, orders1m }, or null
// for an endpoint the documentation does not list.
'use strict';

const byLimit = (tiers, dflt) => (q) => {
  const n = Number(q.get('limit') ?? dflt);
  for (const [upTo, w] of tiers) if (n <= upTo) return w;
  return tiers[tiers.length - 1][1];
};
const bySymbol = (one, all) => (q) => (q.has('symbol') ? one : all);
const fixed = (w) => () => w;

// depth: limit 5/10/20/50: 2, 100: 5, 500: 10, 1000: 20 (default 500)
const depth = byLimit([[50, 2], [100, 5], [500, 10], [1000, 20]], 500);
// klines: limit [1,100): 1, [100,500): 2, [500,1000]: 5, above: 10 (default 500)
const klines = byLimit([[99, 1], [499, 2], [1000, 5], [Infinity, 10]], 500);

const ipWeight = {
  'GET /fapi/v1/depth': depth,
  'GET /fapi/v1/klines': klines,
  'GET /fapi/v1/continuousKlines': klines,
  'GET /fapi/v1/indexPriceKlines': klines,
  'GET /fapi/v1/markPriceKlines': klines,
  'GET /fapi/v1/premiumIndexKlines': klines,
  'GET /fapi/v1/ticker/24hr': bySymbol(1, 40),
  'GET /fapi/v1/ticker/price': bySymbol(1, 2),
  'GET /fapi/v2/ticker/price': bySymbol(1, 2),
  'GET /fapi/v1/ticker/bookTicker': bySymbol(2, 5),
  'GET /fapi/v1/premiumIndex': bySymbol(1, 10),
  'GET /fapi/v1/exchangeInfo': fixed(1),
  'GET /fapi/v1/ping': fixed(1),
  'GET /fapi/v1/time': fixed(1),
  'GET /fapi/v1/openInterest': fixed(1),
  'GET /fapi/v1/trades': fixed(5),
  'GET /fapi/v1/aggTrades': fixed(20),
  'GET /fapi/v1/historicalTrades': fixed(20),
  'GET /fapi/v1/openOrders': bySymbol(1, 40),
  'GET /fapi/v1/order': fixed(1),
  'GET /fapi/v1/openOrder': fixed(1),
  'DELETE /fapi/v1/order': fixed(1),
  'DELETE /fapi/v1/allOpenOrders': fixed(1),
  'DELETE /fapi/v1/batchOrders': fixed(1),
  'GET /fapi/v1/allOrders': fixed(5),
  'GET /fapi/v1/userTrades': fixed(5),
  'GET /fapi/v2/account': fixed(5),
  'GET /fapi/v3/account': fixed(5),
  'GET /fapi/v2/balance': fixed(5),
  'GET /fapi/v3/balance': fixed(5),
  'GET /fapi/v2/positionRisk': fixed(5),
  'GET /fapi/v3/positionRisk': fixed(5),
  'GET /fapi/v1/income': fixed(30),
  'GET /fapi/v1/positionSide/dual': fixed(30),
  'POST /fapi/v1/countdownCancelAll': fixed(10),
  'GET /fapi/v1/forceOrders': bySymbol(20, 50),
  'GET /fapi/v1/rateLimit/order': fixed(1),
  // orders: 0 on the IP weight, 1 on each order counter; a batch 5 / 5 / 1
  'POST /fapi/v1/order': fixed(0),
  'PUT /fapi/v1/order': fixed(0),
  'POST /fapi/v1/batchOrders': fixed(5),
  'PUT /fapi/v1/batchOrders': fixed(5),
};

const orderCounts = {
  'POST /fapi/v1/order': [1, 1],
  'PUT /fapi/v1/order': [1, 1],
  'POST /fapi/v1/batchOrders': [5, 1],
  'PUT /fapi/v1/batchOrders': [5, 1],
};

function binanceWeight(method, path, query) {
  const key = `${method} ${path}`;
  const ip = ipWeight[key];
  if (!ip) return null;
  const [orders10s, orders1m] = orderCounts[key] || [0, 0];
  return { ip: ip(query), orders10s, orders1m };
}

module.exports = { binanceWeight };
