// rlc for Node: rate limits of crypto-exchange REST APIs, shared by every
// process of the host through rlc's segment (rlcd keeps it).

import type { wrap as ccxtWrap } from './lib/ccxt';

/** A grant: a small positive integer handle, valid until refund(),
 *  feedback() or release() ends it (or 65536 later grants of a client that
 *  never ends its grants push it out). */
export type Grant = number & { readonly __rlcGrant?: never };
export type Priority = 'critical' | 'high' | 'normal' | 'low';
/** Values as rlc's rules read them: text; an Array as its JSON text (a
 *  batch's items are counted from it); null and undefined are left out. */
export type ParamValue = string | number | bigint | boolean | unknown[] | null | undefined;
export type Params = Record<string, ParamValue>;
export type ExchangeArg = Exchange | number | string;
export type ScopeArg = string | number;
/** ms from now, or { forMs }, or { untilMs } on rlc.nowMs()'s clock */
export type TimeArg = number | { forMs: number } | { untilMs: number };

export interface Exchange { readonly id: number; readonly name: string }

export interface OpenOptions {
  /** default: $RLC_SEGMENT, else '/rlc' */
  segment?: string;
  /** the client record's name (rlctl shows it) */
  name?: string;
  /** map read-only, register no client: lookups, usage and state only */
  readonly?: boolean;
}

export interface ReserveOptions {
  params?: Params;
  /** an account id (account()) or name; default the exchange's only account */
  account?: number | string;
  /** default: the endpoint's own (CRITICAL when its critical-if parameter is true) */
  priority?: Priority;
}

export interface ReserveWaitOptions extends ReserveOptions {
  /** how long to wait at most (default: no deadline) */
  timeoutMs?: number;
  /** gives the wait up: the promise rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface Response {
  /** HTTP status, or 0: no response (timeout, connection error) */
  status: number;
  /** an object of name: value, [[name, value]], a Map or a fetch Headers */
  headers?: Record<string, string | number | string[] | undefined> | [string, string | number][] |
    Map<string, string> | { entries(): IterableIterator<[string, string]> };
  /** the exchange's error code from the body ('-1003', 10006) */
  code?: string | number | null;
  elapsedMs?: number;
  /** a server-time field of the body, ms since 1970 */
  serverTimeMs?: number;
}

export interface BlockState {
  scope: string;
  /** when it ends, rlc.nowMs()'s clock */
  until: number;
  retryAfterMs: number;
  since: number | null;
  /** the HTTP status that set it; 0: by hand */
  status: number;
  /** the exchange's error code, or null */
  code: number | null;
  /** the client record that reported it, or -1 */
  client: number;
}

export interface Breaker { scope: string; state: 'closed' | 'open' | 'half-open'; failures: number; until: number | null }
export interface Mode { mode: string; id: number; until: number | null }

export interface Usage {
  name: string;
  scope: string;
  algorithm: 'window' | 'bucket' | 'fixed';
  capacity: number;
  effective: number;
  used: number;
  intervalMs: number;
  slots: number;
  buffer: number;
  grants: number;
  refusals: number;
  refunds: number;
  observed: number;
  exchange: string | null;
  mode: string | null;
  modeUntil: number | null;
  ceiling: Record<Priority, number>;
}

export interface ClientInfo {
  index: number; pid: number; alive: boolean; self: boolean; name: string;
  grants: number; refusals: number; weight: number; refunded: number; waits: number; waitMs: number;
}

export interface GrantInfo {
  endpoint: number; account: number; priority: number; nowMs: number; probe: number;
  /** [limit id, weight] of every limit it took */
  limits: [number, number][];
}

export class Client {
  readonly segment: string;
  readonly name: string | undefined;
  readonly isOpen: boolean;
  /** @throws UnknownEndpoint */
  exchange(name: string): Exchange;
  account(exchange: ExchangeArg, name: string): number;
  /** the path's query string is ignored */
  endpoint(exchange: ExchangeArg, method: string, path: string): number;
  scope(name: string): number;
  limit(name: string): number;
  catalog(): unknown;
  /** Non-blocking. @throws Refused | Blocked | BreakerOpen | TooBig | UnknownEndpoint */
  reserve(endpoint: number, options?: ReserveOptions): Grant;
  /** Waits with setTimeout while refused; never blocks the event loop.
   *  Rejects with ReserveTimeout, Blocked (a block outlasting the deadline), ... */
  reserveWait(endpoint: number, options?: ReserveWaitOptions): Promise<Grant>;
  endpointWeights(endpoint: number, options?: { params?: Params; account?: number | string }): { limit: string; id: number; weight: number }[];
  /** Give back a grant whose request was never sent. */
  refund(grant: Grant): void;
  /** End a grant whose request was sent, with no response to feed back. */
  release(grant: Grant): void;
  grantInfo(grant: Grant): GrantInfo;
  grantSlots(): { outstanding: number; forgotten: number; slots: number };
  /** Feed the response back; returns FEEDBACK bits. Ends the grant. */
  feedback(grant: Grant, response: Response | number): number;
  block(scope: ScopeArg, time: TimeArg): void;
  unblock(scope: ScopeArg): void;
  blockState(scope: ScopeArg): BlockState | null;
  breaker(scope: ScopeArg): Breaker;
  mode(exchange: ExchangeArg): Mode;
  setMode(exchange: ExchangeArg, mode: string | number, time?: TimeArg): void;
  usage(): Usage[];
  usage(limit: string | number): Usage;
  clients(): ClientInfo[];
  close(): void;
}

export function open(options?: OpenOptions): Client;
/** CLOCK_MONOTONIC in ms: the clock of every time rlc gives */
export function nowMs(): number;
export const FEEDBACK: {
  readonly RAISED: 0x01; readonly MALFORMED: 0x02; readonly UNMATCHED: 0x04;
  readonly BLOCKED: 0x08; readonly CLOCK: 0x10; readonly BREAKER: 0x20;
};

export class RlcError extends Error {
  constructor(message?: string, props?: object);
  /** the errno name: 'EAGAIN', 'ECONNREFUSED', ... */
  code: string;
  /** the negative errno the C call returned */
  errno: number;
  why?: string | null;
}
export class Refused extends RlcError {
  retryAfterMs: number; limit: string | null; limitId: number; scope: string | null; endpoint: string | null;
}
export class ReserveTimeout extends Refused {}
export class Blocked extends RlcError {
  retryAfterMs: number; until: number; since: number | null; scope: string | null;
  /** HTTP status that set it; 0 by hand */
  status: number;
  /** the exchange's error code (Binance -1003, Bybit 10006), or null */
  exchangeCode: number | null;
  client: number; reason: string; endpoint: string | null;
}
export class BreakerOpen extends RlcError { retryAfterMs: number; scope: string | null }
export class UnknownEndpoint extends RlcError { kind?: string; what?: unknown }
export class NoSegment extends RlcError { segment: string }
export class TooBig extends RlcError { limit: string | null }
export class CorruptSegment extends RlcError {}

/** rlc.ccxt(exchange, options): a ccxt instance made an rlc client (lib/ccxt.js) */
export const ccxt: typeof ccxtWrap;
