'use strict';
// The errors of rlc: one class per distinction the C API makes. Every one
// is an RlcError with `.code` (the errno name, 'EAGAIN') and `.errno` (the
// negative number the C call returned), as Node's own system errors have.
// Bad arguments are TypeError or RangeError, never RlcError.
//
//   Refused          EAGAIN        retryAfterMs, limit, scope, endpoint
//   ReserveTimeout   ETIMEDOUT     (a Refused) the last refusal's, after a wait
//   Blocked          ECONNREFUSED  retryAfterMs, until, since, scope, status,
//                                  exchangeCode, client, reason
//   BreakerOpen      EHOSTDOWN     retryAfterMs, scope
//   UnknownEndpoint  ENOENT        kind, what
//   NoSegment        ENOENT (open) segment
//   TooBig           E2BIG         limit
//   CorruptSegment   EBADMSG, EPROTO, EOVERFLOW   why
// Times (until, since) are CLOCK_MONOTONIC ms, rlc.nowMs()'s clock.

const { errno: E } = require('node:os').constants;

const NAMES = {};
for (const [k, v] of Object.entries(E)) if (!(v in NAMES)) NAMES[v] = k;

// errno name of a negative (or positive) errno number
function errnoName(err) {
  return NAMES[Math.abs(err)] || `E${Math.abs(err)}`;
}

class RlcError extends Error {
  constructor(message, props) {
    super(message);
    if (this.code === undefined) this.code = 'EUNKNOWN';
    if (this.errno === undefined) this.errno = 0;
    if (props) Object.assign(this, props);
  }
}
class Refused extends RlcError {}
class ReserveTimeout extends Refused {}
class Blocked extends RlcError {}
class BreakerOpen extends RlcError {}
class UnknownEndpoint extends RlcError {}
class NoSegment extends RlcError {}
class TooBig extends RlcError {}
class CorruptSegment extends RlcError {}

// name on the prototype (not an own property: messages and props stay the
// caller's), and the code a class stands for by default
for (const [cls, code] of [[RlcError, null], [Refused, 'EAGAIN'], [ReserveTimeout, 'ETIMEDOUT'],
  [Blocked, 'ECONNREFUSED'], [BreakerOpen, 'EHOSTDOWN'], [UnknownEndpoint, 'ENOENT'],
  [NoSegment, 'ENOENT'], [TooBig, 'E2BIG'], [CorruptSegment, 'EBADMSG']]) {
  Object.defineProperty(cls.prototype, 'name', { value: cls.name, writable: true, configurable: true });
  if (code) {
    cls.prototype.code = code;
    cls.prototype.errno = -E[code];
  }
}

const ms = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(0));

// The reason text of a block, from rlc_block_get's record.
function blockReason(scope, b, retryAfterMs) {
  let s = `scope ${scope} is blocked for ${ms(retryAfterMs)} ms more`;
  if (b && b.status) s += `, by an HTTP ${b.status}`;
  else if (b) s += ', by hand';
  if (b && b.code !== null && b.code !== undefined) s += ` (exchange code ${b.code})`;
  if (b && b.client >= 0) s += ` reported by client ${b.client}`;
  return s;
}

// The error for a failed reserve: `err` (negative) with the refusal record
// the addon kept (refusal()). `fn` names the call.
function fromRefusal(fn, err, r) {
  const what = r.endpointName ? `${r.endpointName}` : `endpoint ${r.endpoint}`;
  const base = { errno: err, code: errnoName(err), endpoint: r.endpointName };
  switch (-err) {
    case E.EAGAIN:
    case E.ETIMEDOUT: {
      const Cls = -err === E.EAGAIN ? Refused : ReserveTimeout;
      const head = -err === E.EAGAIN ? 'refused' : 'would not fit before its timeout';
      return new Cls(`${fn}(): ${what} ${head}: limit ${r.limit || '?'} has no room; retry in ${ms(r.retryAfterMs)} ms`,
        { ...base, retryAfterMs: r.retryAfterMs, limit: r.limit, limitId: r.limitId, scope: r.scope });
    }
    case E.ECONNREFUSED: {
      const b = r.block || null;
      const reason = blockReason(r.scope, b, r.retryAfterMs);
      return new Blocked(`${fn}(): ${what} not sent: ${reason}`, {
        ...base, retryAfterMs: r.retryAfterMs, until: b ? b.until : r.nowMs + r.retryAfterMs,
        since: b ? b.since : null, scope: r.scope, status: b ? b.status : 0,
        exchangeCode: b ? b.code : null, client: b ? b.client : -1, reason,
      });
    }
    case E.EHOSTDOWN:
      return new BreakerOpen(`${fn}(): ${what} not sent: the circuit breaker of scope ${r.scope} is open (the exchange is failing); look again in ${ms(r.retryAfterMs)} ms`,
        { ...base, retryAfterMs: r.retryAfterMs, scope: r.scope });
    case E.E2BIG:
      return new TooBig(`${fn}(): ${what} can never be granted: its weight on limit ${r.limit} is more than its priority may ever fill`,
        { ...base, limit: r.limit });
    case E.ENOENT:
      return new UnknownEndpoint(`${fn}(): no endpoint id ${r.endpoint} in this segment's profile`,
        { ...base, kind: 'endpoint', what: r.endpoint });
    case E.EINVAL:
      if (r.why === 'the client is closed') return new RlcError(`${fn}(): the client is closed`, base);
      return new RangeError(`${fn}(): ${r.why || 'invalid argument'}`);
    default:
      return fromErrno(fn, err, r.why);
  }
}

// The error for any other failed call.
function fromErrno(fn, err, why) {
  const props = { errno: err, code: errnoName(err), why: why || null };
  switch (-err) {
    case E.EBADMSG: case E.EPROTO: case E.EOVERFLOW: case E.ESTALE:
      return new CorruptSegment(`${fn}(): ${why || (-err === E.EOVERFLOW ? 'a counter overflowed' : 'corrupt segment')}`, props);
    case E.EINVAL:
      return new RangeError(`${fn}(): ${why || 'invalid argument'}`);
    case E.ENOMEM:
      return new RlcError(`${fn}(): out of memory`, props);
    default:
      return new RlcError(`${fn}(): ${why || require('node:util').getSystemErrorName(err)}`, props);
  }
}

module.exports = {
  RlcError, Refused, ReserveTimeout, Blocked, BreakerOpen, UnknownEndpoint, NoSegment, TooBig,
  CorruptSegment, fromRefusal, fromErrno, errnoName,
};
