'use strict';
// A client: one rlc handle (rlc_open) and what it can do. The native side
// (src/*.c) works on ids and returns negative errno numbers; this file
// checks options, names arguments at fault, and turns numbers into errors.
//
// Hot path: reserve(ep) with no options calls the addon once and returns
// its grant handle, a positive integer; refund(g) likewise. Nothing is
// allocated for either.

const { errno: E } = require('node:os').constants;
const addon = require('./addon');
const errors = require('./errors');

// errors the addon throws itself are of these classes too
addon.setClasses(errors.RlcError, errors.UnknownEndpoint);

const { fromRefusal, fromErrno, UnknownEndpoint } = errors;
const PRIORITY = { critical: 0, high: 1, normal: 2, low: 3 };
const RESERVE_KEYS = new Set(['params', 'account', 'priority']);
const WAIT_KEYS = new Set(['params', 'account', 'priority', 'timeoutMs', 'signal']);
const FEEDBACK_KEYS = new Set(['status', 'headers', 'code', 'elapsedMs', 'serverTimeMs']);
const WEIGHTS_KEYS = new Set(['params', 'account']);
const TIME_KEYS = new Set(['forMs', 'untilMs']);
const WAITABLE_EAGAIN = -E.EAGAIN;
const WAITABLE_BLOCK = -E.ECONNREFUSED;
const WAITABLE_BREAKER = -E.EHOSTDOWN;
const TIMER_MAX = 2 ** 31 - 1; // setTimeout's longest delay

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'object') return (v.constructor && v.constructor.name) || 'object';
  return typeof v;
}

// An options argument: undefined or a plain object with only `keys`.
function options(fn, arg, o, keys) {
  if (o === undefined || o === null) return undefined;
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw new TypeError(`${fn}(): ${arg} must be an object, not ${describe(o)}`);
  }
  for (const k in o) {
    if (!keys.has(k)) throw new TypeError(`${fn}(): unknown option '${k}' (known: ${[...keys].join(', ')})`);
  }
  return o;
}

// Every value of params must be one the C side can read as text.
function checkParams(fn, params) {
  if (params === undefined || params === null) return;
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new TypeError(`${fn}(): params must be an object of name: value, not ${typeof params === 'string' ? 'a string' : describe(params)}`);
  }
  for (const k in params) {
    const v = params[k];
    switch (typeof v) {
      case 'string': case 'number': case 'boolean': case 'bigint': case 'undefined': continue;
      case 'object': if (v === null || Array.isArray(v)) continue; // falls through
      default:
        throw new TypeError(`${fn}(): params values must be string, number, bigint, boolean or Array, not ${v === null ? 'null' : typeof v} (key '${k}')`);
    }
  }
}

function priorityOf(fn, p) {
  if (p === undefined || p === null) return -1;
  const n = PRIORITY[p];
  if (typeof p !== 'string' || n === undefined) {
    throw new RangeError(`${fn}(): priority must be 'critical', 'high', 'normal', 'low' or undefined (the endpoint's own), not ${typeof p === 'string' ? JSON.stringify(p) : describe(p)}`);
  }
  return n;
}

function nameArg(fn, arg, v) {
  if (typeof v !== 'string' || v === '') {
    throw new TypeError(`${fn}(): ${arg} must be a non-empty string, not ${describe(v)}`);
  }
  return v;
}

// {forMs} | {untilMs} | a number of ms from now -> CLOCK_MONOTONIC ms
function untilOf(fn, v) {
  let until;
  if (typeof v === 'number') {
    until = addon.nowMs() + v;
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${fn}(): forMs must be a finite number > 0, not ${v}`);
  } else {
    const o = options(fn, 'time', v, TIME_KEYS);
    if (!o || (o.forMs === undefined) === (o.untilMs === undefined)) {
      throw new TypeError(`${fn}(): pass ms from now, or { forMs } or { untilMs } (rlc.nowMs() clock)`);
    }
    const t = o.forMs !== undefined ? o.forMs : o.untilMs;
    const arg = o.forMs !== undefined ? 'forMs' : 'untilMs';
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError(`${fn}(): ${arg} must be a finite number, not ${describe(t)}`);
    until = o.forMs !== undefined ? addon.nowMs() + t : t;
  }
  return until;
}

// Headers as the addon takes them: a plain object or [[name, value]]; a
// Map or a fetch Headers (anything with entries()) becomes the latter.
function headersOf(h) {
  if (h === undefined || h === null || Array.isArray(h)) return h;
  if (typeof h === 'object' && Object.getPrototypeOf(h) !== Object.prototype &&
      Object.getPrototypeOf(h) !== null && typeof h.entries === 'function') {
    return Array.from(h.entries());
  }
  return h;
}

class Client {
  constructor(n, segment, name) {
    this._n = n;
    this.segment = segment;
    this.name = name;
    // the native functions themselves: a call is one property load away
    this._reserve = n.reserve;
    this._reserveWith = n.reserveWith;
    this._refund = n.refund;
    this._feedback = n.feedback;
    this._waitStep = n.waitStep;
    this._waited = n.waited;
    this._lastNowMs = n.lastNowMs;
  }

  // -- lookups --

  exchange(name) {
    nameArg('exchange', 'name', name);
    const id = this._n.exchangeId(name);
    if (id >= 0) return Object.freeze({ id, name });
    if (id === -E.ENOENT) {
      throw new UnknownEndpoint(`exchange(): no exchange '${name}' in this segment's profile (it has ${this._exchangeNames().join(', ') || 'none'})`,
        { kind: 'exchange', what: name });
    }
    throw fromErrno('exchange', id);
  }

  _exchangeNames() {
    return this._n.catalog().exchanges.map((x) => x.name);
  }

  // an exchange argument: {id, name} from exchange(), an id, or a name
  _x(fn, x) {
    if (typeof x === 'number') return x;
    if (typeof x === 'string') return this.exchange(x).id;
    if (x !== null && typeof x === 'object' && typeof x.id === 'number') return x.id;
    throw new TypeError(`${fn}(): exchange must be an exchange from exchange(), its id or its name, not ${describe(x)}`);
  }

  _xname(xid) {
    const x = this._n.catalog().exchanges[xid];
    return x ? x.name : `#${xid}`;
  }

  account(x, name) {
    const xid = this._x('account', x);
    nameArg('account', 'name', name);
    const id = this._n.accountId(xid, name);
    if (id >= 0) return id;
    if (id === -E.ENOENT) {
      throw new UnknownEndpoint(`account(): exchange ${this._xname(xid)} has no account '${name}'`, { kind: 'account', what: name });
    }
    throw fromErrno('account', id);
  }

  endpoint(x, method, path) {
    const xid = this._x('endpoint', x);
    nameArg('endpoint', 'method', method);
    nameArg('endpoint', 'path', path);
    const id = this._n.endpointId(xid, method, path);
    if (id >= 0) return id;
    if (id === -E.ENOENT) {
      throw new UnknownEndpoint(`endpoint(): exchange ${this._xname(xid)} has no endpoint ${method} ${path.split('?')[0]} in this segment's profile`,
        { kind: 'endpoint', what: `${method} ${path}` });
    }
    throw fromErrno('endpoint', id);
  }

  scope(name) { return this._lookup('scope', this._n.scopeId, name); }
  limit(name) { return this._lookup('limit', this._n.limitId, name); }

  _lookup(kind, f, name) {
    nameArg(kind, 'name', name);
    const id = f(name);
    if (id >= 0) return id;
    if (id === -E.ENOENT) throw new UnknownEndpoint(`${kind}(): no ${kind} '${name}' in this segment's profile`, { kind, what: name });
    throw fromErrno(kind, id);
  }

  catalog() { return this._n.catalog(); }

  // -- reserve --

  reserve(ep, opts) {
    const r = opts === undefined ? this._reserve(ep) : this._reserveOpts('reserve', ep, opts, RESERVE_KEYS);
    if (r > 0) return r;
    throw fromRefusal('reserve', r, this._n.refusal());
  }

  _reserveOpts(fn, ep, opts, keys) {
    const o = options(fn, 'options', opts, keys);
    if (o === undefined) return this._reserve(ep);
    checkParams(fn, o.params);
    return this._reserveWith(ep, o.params, o.account, priorityOf(fn, o.priority));
  }

  // Reserve, waiting while refused: a Promise of the grant. Each wait is a
  // setTimeout until rlc_wait_step's wake time; the event loop runs on.
  reserveWait(ep, opts) {
    return new Promise((resolve, reject) => {
      const o = options('reserveWait', 'options', opts, WAIT_KEYS) || {};
      const prio = priorityOf('reserveWait', o.priority);
      checkParams('reserveWait', o.params);
      const t = o.timeoutMs;
      if (t !== undefined && !(typeof t === 'number' && t >= 0)) {
        throw new RangeError(`reserveWait(): timeoutMs must be a number >= 0 (Infinity: no deadline), not ${typeof t === 'number' ? t : describe(t)}`);
      }
      const signal = o.signal;
      if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
        throw new TypeError(`reserveWait(): signal must be an AbortSignal, not ${describe(signal)}`);
      }
      if (signal && signal.aborted) throw signal.reason;
      const deadline = t === undefined ? Infinity : addon.nowMs() + t;
      const { params, account } = o;
      let first = 0;
      let timer = null;
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const done = () => { if (signal) signal.removeEventListener('abort', onAbort); };
      const attempt = () => {
        timer = null;
        let r;
        try {
          r = this._reserveWith(ep, params, account, prio);
        } catch (e) {
          done();
          reject(e);
          return;
        }
        if (r > 0) {
          if (first) this._waited(r, first);
          done();
          resolve(r);
          return;
        }
        let err = r;
        if (r === WAITABLE_EAGAIN || r === WAITABLE_BLOCK || r === WAITABLE_BREAKER) {
          const refusedAt = this._lastNowMs();
          const wake = this._waitStep(deadline);
          if (wake >= 0) {
            if (!first) first = refusedAt;
            const delay = Math.ceil(wake - addon.nowMs());
            timer = setTimeout(attempt, delay > 0 ? Math.min(delay, TIMER_MAX) : 0);
            return;
          }
          err = wake;
        }
        this._waited(0, first);
        done();
        reject(fromRefusal('reserveWait', err, this._n.refusal()));
      };
      if (signal) signal.addEventListener('abort', onAbort, { once: true });
      attempt();
    });
  }

  endpointWeights(ep, opts) {
    const o = options('endpointWeights', 'options', opts, WEIGHTS_KEYS) || {};
    checkParams('endpointWeights', o.params);
    const r = this._n.endpointWeights(ep, o.params, o.account);
    if (typeof r === 'number') throw fromRefusal('endpointWeights', r, this._n.refusal());
    return r.map(([id, weight, limit]) => ({ limit, id, weight }));
  }

  // -- after the reserve --

  refund(g) {
    const r = this._refund(g);
    if (r !== undefined) throw fromErrno('refund', r);
  }

  // A grant whose request was sent, with no response to feed back.
  release(g) { this._n.release(g); }

  grantInfo(g) { return this._n.grantInfo(g); }

  // { outstanding, forgotten, slots }: grants not ended yet, handles
  // forgotten because every slot was outstanding, slots allocated
  grantSlots() { return this._n.grantSlots(); }

  feedback(g, res) {
    if (typeof res === 'number') res = { status: res };
    const o = options('feedback', 'response', res, FEEDBACK_KEYS);
    if (o === undefined) throw new TypeError('feedback(): response must be { status, headers, code, elapsedMs, serverTimeMs } or a status');
    const r = this._feedback(g, o.status, headersOf(o.headers), o.code, o.elapsedMs, o.serverTimeMs);
    if (r < 0) throw fromErrno('feedback', r);
    return r;
  }

  // -- state every process shares --

  block(scope, time) {
    const until = untilOf('block', time);
    this._check('block', this._n.block(scope, until), scope);
  }

  unblock(scope) { this._check('unblock', this._n.unblock(scope), scope); }

  blockState(scope) { return this._check('blockState', this._n.blockState(scope), scope); }

  breaker(scope) { return this._check('breaker', this._n.breaker(scope), scope); }

  mode(x) { return this._check('mode', this._n.mode(this._x('mode', x))); }

  setMode(x, mode, time) {
    const xid = this._x('setMode', x);
    const until = mode === 'normal' || mode === 0 ? 0 : untilOf('setMode', time);
    const r = this._n.setMode(xid, mode, until);
    if (r === -E.ENOENT) throw new UnknownEndpoint(`setMode(): exchange ${this._xname(xid)} has no mode '${mode}'`, { kind: 'mode', what: mode });
    this._check('setMode', r);
  }

  usage(limit) {
    const id = limit === undefined ? -1 : typeof limit === 'number' ? limit : this.limit(limit);
    if (!Number.isInteger(id) || id < -1) throw new RangeError(`usage(): limit must be a limit name or id, not ${limit}`);
    return this._check('usage', this._n.usage(id), limit);
  }

  clients() { return this._check('clients', this._n.clients()); }

  _check(fn, r, scope) {
    if (typeof r !== 'number') return r;
    if (r >= 0) return undefined;
    if (r === -E.ENOENT) {
      const kind = fn === 'usage' ? 'limit' : 'scope';
      throw new UnknownEndpoint(`${fn}(): no ${kind} '${scope}' in this segment's profile`, { kind, what: scope });
    }
    throw fromErrno(fn, r);
  }

  // -- the handle --

  get isOpen() { return this._n.isOpen(); }

  close() { this._n.close(); }
}

// open({ segment, name, readonly }): segment defaults as in C ($RLC_SEGMENT, else /rlc).
function open(opts) {
  const o = options('open', 'options', opts, new Set(['segment', 'name', 'readonly'])) || {};
  if (o.segment !== undefined && o.segment !== null) nameArg('open', 'segment', o.segment);
  if (o.name !== undefined && o.name !== null) nameArg('open', 'name', o.name);
  if (o.readonly !== undefined && typeof o.readonly !== 'boolean') {
    throw new TypeError(`open(): readonly must be a boolean, not ${describe(o.readonly)}`);
  }
  let n;
  try {
    n = addon.open(o.segment, o.name, !!o.readonly);
  } catch (e) {
    if (typeof e.errno !== 'number' || e instanceof TypeError || e instanceof RangeError) throw e;
    const segment = o.segment || process.env.RLC_SEGMENT || '/rlc';
    if (e.errno === -E.ENOENT) throw new errors.NoSegment(e.message, { segment, why: e.message });
    if (e.errno === -E.EINVAL) throw new RangeError(e.message);
    throw fromErrno('open', e.errno, e.message.replace(/^open\(\): /, ''));
  }
  return new Client(n, o.segment || process.env.RLC_SEGMENT || '/rlc', o.name);
}

module.exports = { Client, open, PRIORITY };
