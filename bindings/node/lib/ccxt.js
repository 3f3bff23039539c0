'use strict';
// rlc for ccxt: one call makes a ccxt exchange instance an rlc client.
//
// ccxt's fetch2 runs calculateRateLimiterCost -> throttle -> sign -> fetch,
// and fetch runs handleRestResponse -> handleErrors. The adapter puts rlc in
// those slots, on the instance only:
//   calculateRateLimiterCost  describes the request (method, URL path as it
//                             will be sent, parameters) instead of a cost
//   throttle                  reserves it on the segment (reserveWait), before
//                             sign, so a wait never ages a signed timestamp;
//                             ccxt's own token bucket is never used
//   sign                      refunds when signing throws (nothing was sent)
//   fetch                     checks the path that really goes out, reserves
//                             what fetch2 did not (retries, direct fetch calls)
//   undiciRequest / fetchImplementation   mark the moment the request is
//                             handed to the transport
//   handleErrors              feeds status, headers, body code back before
//                             ccxt turns the response into an exception
// A request that failed before the transport had it is refunded; one that
// failed after it (timeout, refused or reset connection) is fed back with
// status 0. Endpoints the segment's profile lacks pass through unreserved.
//
// No AsyncLocalStorage: it makes every await in the process ~3x dearer on
// Node 20. Requests are matched to their grants by the params object
// (throttle -> sign), a synchronous hand-over (sign -> fetch: fetch2 calls
// one right after the other) and the method and URL (fetch -> response).

const rlc = require('..');

// ccxt id -> rlc exchange name (etc/*.ini)
const NAMES = {
  binance: 'binance-spot',
  binanceusdm: 'binance-usdm',
  bybit: 'bybit-v5',
  okx: 'okx-v5',
  bitget: 'bitget-v2',
  aster: 'aster-futures',
};

const PRIORITIES = new Set(['critical', 'high', 'normal', 'low']);
const OPTION_KEYS = new Set(['client', 'segment', 'name', 'exchangeName', 'account',
  'priority', 'timeoutMs', 'wait', 'errors', 'unknown']);
// params keys fetch2 consumes before sign (it passes sign a copy without them)
const CONSUMED = new Set(['maxRetriesOnFailure', 'defaultMaxRetriesOnFailure',
  'maxRetriesOnFailureDelay', 'defaultMaxRetriesOnFailureDelay', 'callerMethodName']);

// b is a, less the keys fetch2 consumed: same keys, the very same values
function sameParams(a, b) {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  let n = 0;
  for (const k in a) {
    if (CONSUMED.has(k)) continue;
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const k in b) if (!CONSUMED.has(k)) n--;
  return n === 0;
}
const WRAPPED = Symbol('rlc.ccxt');
const UNKNOWN = -1;

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return (v.constructor && v.constructor.name) || 'object';
  return typeof v;
}

// The URL's path: from the first '/' after the scheme's '//' to '?' or '#'.
function pathOf(url) {
  const s = url.indexOf('://');
  const i = url.indexOf('/', s < 0 ? 0 : s + 3);
  if (i < 0) return '/';
  let j = url.length;
  const q = url.indexOf('?', i);
  if (q >= 0) j = q;
  const h = url.indexOf('#', i);
  if (h >= 0 && h < j) j = h;
  return url.slice(i, j);
}

// A value as rlc's rules read it: text; a list as the JSON array that the
// exchange receives (a batch's items are counted from it).
function paramValue(v) {
  switch (typeof v) {
    case 'string': case 'number': case 'boolean': return v;
    case 'bigint': return String(v);
    case 'object': return v === null ? undefined : JSON.stringify(v);
    default: return undefined;
  }
}

function rlcParams(params) {
  let out;
  for (const k in params) {
    const v = paramValue(params[k]);
    if (v === undefined) continue;
    if (out === undefined) out = {};
    out[k] = v;
  }
  return out;
}

// Parameters of a request already signed: its query string and its body
// (JSON object or form-encoded).
function sentParams(url, body) {
  let out;
  const q = url.indexOf('?');
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(url.slice(q + 1))) (out || (out = {}))[k] = v;
  }
  if (typeof body === 'string' && body.length > 0) {
    if (body[0] === '{') {
      try {
        const o = JSON.parse(body);
        const p = rlcParams(o);
        if (p) out = Object.assign(out || {}, p);
      } catch (_) { /* not JSON: no parameters from it */ }
    } else if (body.indexOf('=') > 0) {
      for (const [k, v] of new URLSearchParams(body)) (out || (out = {}))[k] = v;
    }
  }
  return out;
}

// The exchange's error code from a parsed body: Binance `code`, Bybit
// `retCode`, OKX and Bitget `code`; success codes ("0", "00000", 200) are none.
function codeOf(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  let c = body.code;
  if (c === undefined) c = body.retCode;
  if (c === undefined) c = body.ret_code;
  if (c === undefined || c === null) return null;
  const s = String(c);
  if (!/^-?\d{1,7}$/.test(s) || /^0+$/.test(s) || s === '200') return null;
  return s;
}

function serverTimeOf(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const t = body.serverTime !== undefined ? body.serverTime : body.time;
  return (typeof t === 'number' && t > 1e12) ? t : undefined;
}

function responseHeaders(h) {
  if (h === undefined || h === null) return undefined;
  if (typeof h.forEach === 'function' && typeof h.get === 'function') {
    const o = {};
    h.forEach((v, k) => { o[k] = v; });
    return o;
  }
  const o = {};
  for (const k of Object.keys(h)) o[k] = Array.isArray(h[k]) ? h[k].join(', ') : String(h[k]);
  return o;
}

// ccxt's error classes, taken from the instance itself so that they are the
// very classes the bot catches (ccxt ships an ESM and a CJS build; a
// require('ccxt') here could load the other one).
function ccxtErrors(ex) {
  const found = {};
  const visit = (cls) => {
    for (let c = cls; typeof c === 'function' && c !== Error && c !== Function.prototype;
      c = Object.getPrototypeOf(c)) {
      if (c.name && !(c.name in found)) found[c.name] = c;
    }
  };
  const scan = (o, depth) => {
    if (!o || typeof o !== 'object' || depth > 3) return;
    for (const v of Object.values(o)) {
      if (typeof v === 'function') visit(v);
      else scan(v, depth + 1);
    }
  };
  scan(ex.httpExceptions, 0);
  scan(ex.exceptions, 0);
  const pick = (...names) => {
    for (const n of names) if (found[n]) return found[n];
    return Error;
  };
  return {
    RateLimitExceeded: pick('RateLimitExceeded', 'DDoSProtection', 'NetworkError'),
    DDoSProtection: pick('DDoSProtection', 'NetworkError'),
    ExchangeNotAvailable: pick('ExchangeNotAvailable', 'NetworkError'),
  };
}

function checkOptions(opts) {
  if (opts === undefined) opts = {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeError(`rlc.ccxt(): options must be an object, not ${describe(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.has(k)) {
      throw new TypeError(`rlc.ccxt(): unknown option '${k}' (known: ${[...OPTION_KEYS].join(', ')})`);
    }
  }
  const str = (k) => {
    if (opts[k] !== undefined && (typeof opts[k] !== 'string' || opts[k] === '')) {
      throw new TypeError(`rlc.ccxt(): option '${k}' must be a non-empty string, not ${describe(opts[k])}`);
    }
  };
  str('segment'); str('name'); str('exchangeName');
  if (opts.account !== undefined && typeof opts.account !== 'string' &&
      !(Number.isInteger(opts.account) && opts.account >= 0)) {
    throw new TypeError(`rlc.ccxt(): option 'account' must be an account name or id, not ${describe(opts.account)}`);
  }
  if (opts.priority !== undefined && typeof opts.priority !== 'function' && !PRIORITIES.has(opts.priority)) {
    throw new RangeError(`rlc.ccxt(): option 'priority' must be 'critical', 'high', 'normal', 'low', a function or undefined, not ${JSON.stringify(opts.priority)}`);
  }
  if (opts.timeoutMs !== undefined && !(typeof opts.timeoutMs === 'number' && opts.timeoutMs >= 0 && Number.isFinite(opts.timeoutMs))) {
    throw new RangeError(`rlc.ccxt(): option 'timeoutMs' must be a finite number >= 0, not ${JSON.stringify(opts.timeoutMs)}`);
  }
  if (opts.wait !== undefined && typeof opts.wait !== 'boolean') {
    throw new TypeError(`rlc.ccxt(): option 'wait' must be a boolean, not ${describe(opts.wait)}`);
  }
  if (opts.errors !== undefined && opts.errors !== 'ccxt' && opts.errors !== 'rlc') {
    throw new RangeError(`rlc.ccxt(): option 'errors' must be 'ccxt' or 'rlc', not ${JSON.stringify(opts.errors)}`);
  }
  if (opts.unknown !== undefined && opts.unknown !== 'pass' && opts.unknown !== 'refuse') {
    throw new RangeError(`rlc.ccxt(): option 'unknown' must be 'pass' or 'refuse', not ${JSON.stringify(opts.unknown)}`);
  }
  if (opts.client !== undefined && (opts.segment !== undefined || opts.name !== undefined)) {
    throw new TypeError("rlc.ccxt(): pass either 'client' or 'segment'/'name', not both");
  }
  if (opts.client !== undefined && (opts.client === null || typeof opts.client !== 'object' ||
      typeof opts.client.reserveWait !== 'function' || typeof opts.client.feedback !== 'function')) {
    throw new TypeError(`rlc.ccxt(): option 'client' must be a client from rlc.open(), not ${describe(opts.client)}`);
  }
  return opts;
}

function wrap(exchange, options) {
  if (exchange === null || typeof exchange !== 'object' || typeof exchange.fetch2 !== 'function' ||
      typeof exchange.sign !== 'function' || typeof exchange.fetch !== 'function' ||
      typeof exchange.id !== 'string') {
    throw new TypeError(`rlc.ccxt(): exchange must be a ccxt exchange instance (new ccxt.binanceusdm()), not ${describe(exchange)}`);
  }
  if (exchange[WRAPPED]) throw new TypeError(`rlc.ccxt(): exchange '${exchange.id}' is already an rlc client`);
  const opts = checkOptions(options);

  const name = opts.exchangeName || NAMES[exchange.id];
  if (name === undefined) {
    throw new RangeError(`rlc.ccxt(): no rlc exchange is known for ccxt id '${exchange.id}'; pass exchangeName (known: ${Object.entries(NAMES).map(([k, v]) => `${k} -> ${v}`).join(', ')})`);
  }
  const owned = opts.client === undefined;
  const client = owned ? rlc.open({ segment: opts.segment, name: opts.name || `ccxt-${exchange.id}` }) : opts.client;
  let x, account;
  try {
    try {
      x = client.exchange(name);
    } catch (e) {
      if (e instanceof rlc.UnknownEndpoint) {
        e.message = `rlc.ccxt(): exchange '${name}' is not on the segment (ccxt id '${exchange.id}'; pass exchangeName): ${e.message}`;
      }
      throw e;
    }
    if (typeof opts.account === 'number') {
      account = opts.account;
    } else {
      try {
        account = client.account(x, opts.account === undefined ? 'main' : opts.account);
      } catch (e) {
        if (e instanceof rlc.UnknownEndpoint) {
          e.message = `rlc.ccxt(): account '${opts.account || 'main'}' of exchange '${name}' is not on the segment: ${e.message}`;
        }
        throw e;
      }
    }
  } catch (e) {
    if (owned) client.close();
    throw e;
  }

  const errorsAs = opts.errors || 'ccxt';
  const wait = opts.wait !== false;
  const refuseUnknown = opts.unknown === 'refuse';
  const priorityOf = typeof opts.priority === 'function' ? opts.priority : null;
  const fixedPriority = priorityOf ? undefined : opts.priority;
  const E = ccxtErrors(exchange);
  const stats = { reserved: 0, waited: 0, passed: 0, refunded: 0, fedBack: 0, failed: 0, late: 0 };

  const endpoints = new Map();   // 'METHOD /path' -> endpoint id | UNKNOWN
  const learned = new Map();     // api\0method\0path -> the path sign really produced
  const pending = new Map();     // api\0path -> [request] reserved, awaiting sign
  const inflight = new Map();    // 'METHOD url' -> [sent request]
  let handOver = null;           // sign -> fetch, synchronous

  const orig = {
    calculateRateLimiterCost: exchange.calculateRateLimiterCost,
    throttle: exchange.throttle,
    sign: exchange.sign,
    fetch: exchange.fetch,
    undiciRequest: exchange.undiciRequest,
    handleErrors: exchange.handleErrors,
  };
  const own = {};
  for (const k of [...Object.keys(orig), 'fetchImplementation']) {
    own[k] = Object.getOwnPropertyDescriptor(exchange, k);
  }

  function endpointOf(method, path) {
    const key = method + ' ' + path;
    let ep = endpoints.get(key);
    if (ep === undefined) {
      try {
        ep = client.endpoint(x, method, path);
      } catch (e) {
        if (!(e instanceof rlc.UnknownEndpoint)) throw e;
        ep = UNKNOWN;
      }
      endpoints.set(key, ep);
    }
    return ep;
  }

  // The path sign() will produce, without calling it: what an earlier
  // request of this route really sent, else ccxt's usual urls.api[api] +
  // '/' + path. fetch corrects a wrong guess.
  function predictPath(api, path, params) {
    const route = String(api) + '\0' + path;
    const seen = learned.get(route);
    if (seen !== undefined) return seen;
    const base = exchange.urls && exchange.urls.api && exchange.urls.api[api];
    if (typeof base !== 'string') return undefined;
    const url = (base.indexOf('{') >= 0 ? exchange.implodeHostname(base) : base) + '/' +
      (path.indexOf('{') >= 0 ? exchange.implodeParams(path, params) : path);
    return pathOf(url);
  }

  function rlcError(err, method, path) {
    if (errorsAs === 'rlc') return err;
    let Cls;
    if (err instanceof rlc.BreakerOpen) Cls = E.ExchangeNotAvailable;
    else if (err instanceof rlc.Blocked) Cls = E.DDoSProtection;
    else if (err instanceof rlc.Refused) Cls = E.RateLimitExceeded;
    else return err;
    const e = new Cls(`${exchange.id} ${method} ${path} not sent: rlc ${err.name}: ${err.message}`);
    e.cause = err;
    if (err.retryAfterMs !== undefined) e.retryAfterMs = err.retryAfterMs;
    return e;
  }

  function refuseUnknownEndpoint(method, path) {
    const msg = `rlc.ccxt(): ${method} ${path} is not an endpoint of '${name}' (option unknown: 'refuse')`;
    try {
      return new rlc.UnknownEndpoint(msg);
    } catch (_) {
      return new RangeError(msg);
    }
  }

  function reserveOptions(method, path, params) {
    const o = { params, account };
    const p = priorityOf ? priorityOf({ method, path, params }) : fixedPriority;
    if (p !== undefined) o.priority = p;
    return o;
  }

  // Reserve req.ep; resolves with req.grant set, rejects with the ccxt error.
  function reserve(req) {
    const o = reserveOptions(req.method, req.path, req.params);
    if (!wait) {
      try {
        req.grant = client.reserve(req.ep, o);
      } catch (e) {
        throw rlcError(e, req.method, req.path);
      }
      stats.reserved++;
      return undefined;
    }
    // the common case needs no timer: try once, wait only when refused
    try {
      req.grant = client.reserve(req.ep, o);
      stats.reserved++;
      return undefined;
    } catch (e) {
      if (!(e instanceof rlc.Refused || e instanceof rlc.Blocked || e instanceof rlc.BreakerOpen)) {
        throw rlcError(e, req.method, req.path);
      }
    }
    o.timeoutMs = opts.timeoutMs !== undefined ? opts.timeoutMs : (exchange.timeout || 10000);
    stats.waited++;
    return client.reserveWait(req.ep, o).then((g) => {
      req.grant = g;
      stats.reserved++;
    }, (e) => {
      throw rlcError(e, req.method, req.path);
    });
  }

  function refund(req) {
    if (req.grant === null) return;
    const g = req.grant;
    req.grant = null;
    try { client.refund(g); stats.refunded++; } catch (_) { stats.failed++; }
  }

  function feedback(req, status, headers, body) {
    if (req.grant === null) return;
    const g = req.grant;
    req.grant = null;
    const r = { status, elapsedMs: req.sentAt ? Number(process.hrtime.bigint() - req.sentAt) / 1e6 : 0 };
    if (headers !== undefined) r.headers = headers;
    const code = codeOf(body);
    if (code !== null) r.code = code;
    const st = serverTimeOf(body);
    if (st !== undefined) r.serverTimeMs = st;
    try { client.feedback(g, r); stats.fedBack++; } catch (_) { stats.failed++; }
  }

  function take(list, req) {
    const i = list.indexOf(req);
    if (i >= 0) list.splice(i, 1);
  }

  // -- fetch2: calculateRateLimiterCost, then throttle --
  exchange.calculateRateLimiterCost = function (api, method, path, params, config) {
    const req = { api, method, path, route: String(api) + '\0' + path, ep: UNKNOWN, grant: null,
      params: undefined, url: null, sentAt: 0n, sent: false, done: false, body: undefined };
    const p = predictPath(api, path, params);
    if (p !== undefined) {
      req.path = p;
      req.ep = endpointOf(method, p);
    }
    if (req.ep === UNKNOWN) return req;
    req.params = rlcParams(params);
    req.raw = params;
    let list = pending.get(req.route);
    if (list === undefined) pending.set(req.route, list = []);
    req.list = list;
    list.push(req);
    return req;
  };

  exchange.throttle = function (cost) {
    // ccxt's own bucket stays idle: anything but a request of ours passes
    if (cost === null || typeof cost !== 'object' || cost.ep === undefined) return Promise.resolve();
    const req = cost;
    if (req.ep === UNKNOWN) {
      if (refuseUnknown) return Promise.reject(refuseUnknownEndpoint(req.method, req.path));
      return Promise.resolve();
    }
    let w;
    try {
      w = reserve(req);
    } catch (e) {
      if (req.list) take(req.list, req);
      return Promise.reject(e);
    }
    if (w === undefined) return Promise.resolve();
    return w.catch((e) => { if (req.list) take(req.list, req); throw e; });
  };

  // -- sign: hand the reserved request to fetch, or refund it --
  exchange.sign = function (path, api, method, params, headers, body) {
    let req = null;
    const list = pending.get(String(api) + '\0' + path);
    if (list !== undefined) {
      // the same request: fetch2 hands sign a copy of its params less the
      // keys it consumed; any granted one of the route if none is the same
      let any = -1;
      for (let i = 0; i < list.length; i++) {
        const r = list[i];
        if (r.grant === null || r.method !== method) continue;
        if (any < 0) any = i;
        if (sameParams(r.raw, params)) { any = i; break; }
      }
      if (any >= 0) req = list.splice(any, 1)[0];
    }
    let request;
    try {
      request = orig.sign.call(this, path, api, method, params, headers, body);
    } catch (e) {
      if (req) refund(req);
      throw e;
    }
    if (req) {
      req.url = request.url;
      handOver = req;
    }
    return request;
  };

  function register(key, req) {
    let l = inflight.get(key);
    if (l === undefined) inflight.set(key, l = []);
    l.push(req);
  }

  function lookup(method, url, body) {
    const l = inflight.get(method + ' ' + url);
    if (l === undefined) return null;
    for (const r of l) if (!r.done && r.body === body) return r;
    for (const r of l) if (!r.done) return r;
    return null;
  }

  function unregister(key, req) {
    const l = inflight.get(key);
    if (l === undefined) return;
    take(l, req);
    if (l.length === 0) inflight.delete(key);
  }

  // The URL ccxt's fetch hands to the transport and to handleRestResponse.
  function finalUrl(self, url, method, headers, body) {
    if (!(self.proxyUrl || self.proxy_url || self.proxyUrlCallback || self.proxy_url_callback)) return url;
    try {
      const p = self.checkProxyUrlSettings(url, method, headers, body);
      return p === undefined ? url : p + self.urlEncoderForProxyUrl(url);
    } catch (_) {
      return url; // ccxt's fetch throws the same before sending
    }
  }

  exchange.fetch = async function (url, method = 'GET', headers = undefined, body = undefined) {
    let req = handOver;
    handOver = null;
    if (req !== null && req.url !== url) { refund(req); req = null; }
    const path = pathOf(url);
    if (req !== null && req.path !== path) {
      // the guess was wrong: learn the real path, reserve it instead
      if (req.route.indexOf('{') < 0) learned.set(req.route, path);
      refund(req);
      req = null;
    }
    if (req === null) {
      const ep = endpointOf(method, path);
      if (ep === UNKNOWN) {
        if (refuseUnknown) throw refuseUnknownEndpoint(method, path);
        stats.passed++;
        return orig.fetch.call(this, url, method, headers, body);
      }
      req = { method, path, ep, grant: null, params: sentParams(url, body), url, sentAt: 0n,
        sent: false, done: false, body: undefined };
      stats.late++;
      const w = reserve(req);
      if (w !== undefined) await w;
    }
    req.body = body;
    const key = method + ' ' + finalUrl(this, url, method, headers, body);
    register(key, req);
    try {
      const result = await orig.fetch.call(this, url, method, headers, body);
      if (req.grant !== null) feedback(req, 200, undefined, undefined); // a body handleErrors never saw (zip)
      return result;
    } catch (e) {
      if (req.grant !== null) {
        if (req.sent) feedback(req, 0, undefined, undefined);
        else refund(req);
      }
      throw e;
    } finally {
      req.done = true;
      unregister(key, req);
    }
  };

  function markSent(method, url, body) {
    const req = lookup(method, url, body);
    if (req !== null && !req.sent) {
      req.sent = true;
      req.sentAt = process.hrtime.bigint();
    }
  }

  if (typeof orig.undiciRequest === 'function') {
    exchange.undiciRequest = function (url, params) {
      markSent(params.method, url, params.body);
      return orig.undiciRequest.call(this, url, params);
    };
  }

  // fetchImplementation (a user's, or the global fetch when undici is not
  // there) is called without `this`; wrap whatever ccxt stores.
  let impl = exchange.fetchImplementation;
  let implWrapped;
  const wrapImpl = (f) => (typeof f !== 'function' ? f : function (url, params) {
    markSent(params && params.method, url, params && params.body);
    return f(url, params);
  });
  implWrapped = wrapImpl(impl);
  Object.defineProperty(exchange, 'fetchImplementation', {
    configurable: true,
    enumerable: true,
    get() { return implWrapped; },
    set(v) { impl = v; implWrapped = wrapImpl(v); },
  });

  exchange.handleErrors = function (statusCode, statusText, url, method, respHeaders, respBody, parsed, reqHeaders, reqBody) {
    const req = lookup(method, url, reqBody);
    if (req !== null && req.grant !== null) {
      if (!req.sent) { req.sent = true; }
      feedback(req, statusCode, responseHeaders(respHeaders), parsed);
    }
    return orig.handleErrors.call(this, statusCode, statusText, url, method, respHeaders, respBody, parsed, reqHeaders, reqBody);
  };

  const state = {
    client,
    exchange: x,
    exchangeName: name,
    account,
    stats,
    endpointOf,
    // Give the instance back to ccxt's own methods and throttler.
    unwrap() {
      for (const k of Object.keys(own)) {
        delete exchange[k];
        if (own[k]) Object.defineProperty(exchange, k, own[k]);
      }
      if (impl !== undefined && exchange.fetchImplementation !== impl) exchange.fetchImplementation = impl;
      delete exchange[WRAPPED];
      delete exchange.rlc;
      if (owned) client.close();
    },
  };
  exchange[WRAPPED] = true;
  exchange.rlc = state;
  // the adapter's limiter sits in ccxt's throttle slot: fetch2 calls it
  // only when enableRateLimit is on (fetch reserves either way)
  exchange.enableRateLimit = true;
  return exchange;
}

module.exports = { wrap, names: Object.freeze({ ...NAMES }), pathOf, codeOf };
module.exports.default = wrap;
