// rlc for ccxt: one call makes a ccxt exchange instance an rlc client.

export type Priority = 'critical' | 'high' | 'normal' | 'low';

export interface RequestInfo {
  /** 'GET', 'POST', ... */
  method: string;
  /** the URL path as sent, e.g. '/fapi/v1/depth' */
  path: string;
  /** the parameters as rlc reads them (text; arrays as JSON) */
  params: Record<string, string | number | boolean> | undefined;
}

export interface CcxtOptions {
  /** an open client (rlc.open()); the adapter then never closes it */
  client?: object;
  /** else the adapter opens one on this segment (default: as rlc.open) */
  segment?: string;
  /** its client name (default 'ccxt-<ccxt id>') */
  name?: string;
  /** rlc exchange name; default from the ccxt id: binanceusdm -> binance-usdm,
   *  bybit -> bybit-v5, binance -> binance-spot, okx -> okx-v5,
   *  bitget -> bitget-v2, aster -> aster-futures */
  exchangeName?: string;
  /** account name or id the per-account limits count on (default 'main') */
  account?: string | number;
  /** every request's priority, or a function choosing one per request;
   *  undefined: each endpoint's own from the profile */
  priority?: Priority | ((req: RequestInfo) => Priority | undefined);
  /** how long a request may wait for its budget (default exchange.timeout) */
  timeoutMs?: number;
  /** false: refuse at once instead of waiting (default true) */
  wait?: boolean;
  /** 'ccxt' (default): refusals thrown as ccxt errors (RateLimitExceeded for
   *  Refused and ReserveTimeout, DDoSProtection for Blocked,
   *  ExchangeNotAvailable for BreakerOpen; the rlc error is `.cause`);
   *  'rlc': the rlc errors themselves */
  errors?: 'ccxt' | 'rlc';
  /** endpoints not in the segment's profile: 'pass' unreserved (default)
   *  or 'refuse' with UnknownEndpoint */
  unknown?: 'pass' | 'refuse';
}

export interface CcxtStats {
  /** grants taken */
  reserved: number;
  /** requests that had to wait for their grant */
  waited: number;
  /** requests to endpoints outside the profile, sent unreserved */
  passed: number;
  /** grants given back: the request never reached the transport */
  refunded: number;
  /** responses (or status 0 for no response) fed back */
  fedBack: number;
  /** refund or feedback calls that failed */
  failed: number;
  /** requests reserved after sign (retries, direct fetch calls, a path
   *  learned on its first request) */
  late: number;
}

export interface CcxtState {
  client: object;
  exchange: { id: number; name: string };
  exchangeName: string;
  account: number;
  stats: CcxtStats;
  /** the endpoint id of METHOD PATH, or -1 outside the profile */
  endpointOf(method: string, path: string): number;
  /** restore ccxt's own methods and throttler; closes a client the adapter opened */
  unwrap(): void;
}

/** Make `exchange` an rlc client; returns the same instance, with `.rlc`. */
export function wrap<T extends object>(exchange: T, options?: CcxtOptions): T & { rlc: CcxtState };
export default wrap;

/** ccxt id -> rlc exchange name */
export const names: Readonly<Record<string, string>>;
/** the path of a URL, without query or fragment */
export function pathOf(url: string): string;
/** the exchange error code of a parsed body, or null */
export function codeOf(body: unknown): string | null;
