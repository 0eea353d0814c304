/**
 * The one table of errors the gateway itself answers with. Code branches on `code`, never on
 * message text. `source` decides the log level (upstream failures are logged as warnings).
 * Whether a failure is retried is the route's `retryOn`, not a property of the code.
 */
export type ErrorSource = 'downstream' | 'upstream' | 'internal';

export interface ErrorDef {
  readonly status: number;
  readonly title: string;
  readonly source: ErrorSource;
}

const def = (status: number, title: string, source: ErrorSource): ErrorDef => Object.freeze({ status, title, source });

export const ERRORS = Object.freeze({
  MG_BAD_REQUEST: def(400, 'Malformed request', 'downstream'),
  MG_NO_ROUTE: def(404, 'No route matches the request', 'downstream'),
  MG_METHOD_NOT_ALLOWED: def(405, 'Method not allowed', 'downstream'),
  MG_BODY_TOO_LARGE: def(413, 'Request body too large', 'downstream'),
  MG_RATE_LIMITED: def(429, 'Too many requests', 'downstream'),
  MG_HEADERS_TOO_LARGE: def(431, 'Request header fields too large', 'downstream'),
  MG_INTERNAL: def(500, 'Internal gateway error', 'internal'),
  MG_UPSTREAM_REFUSED: def(502, 'Upstream refused the connection', 'upstream'),
  MG_UPSTREAM_RESET: def(502, 'Upstream connection reset', 'upstream'),
  MG_UPSTREAM_BAD_RESPONSE: def(502, 'Upstream sent a malformed response', 'upstream'),
  MG_NO_ENDPOINT: def(503, 'No upstream endpoint available', 'upstream'),
  MG_CIRCUIT_OPEN: def(503, 'Circuit breaker open', 'upstream'),
  MG_BULKHEAD_FULL: def(503, 'Service at its concurrency limit', 'upstream'),
  MG_BULKHEAD_TIMEOUT: def(503, 'Timed out waiting for a concurrency slot', 'upstream'),
  MG_FAULT_INJECTED: def(503, 'Fault injected', 'internal'),
  MG_NOT_READY: def(503, 'Gateway is not ready', 'internal'),
  MG_UPSTREAM_TIMEOUT: def(504, 'Upstream timed out', 'upstream'),
  MG_UPSTREAM_CONNECT_TIMEOUT: def(504, 'Upstream connect timed out', 'upstream'),
});

export type ErrorCode = keyof typeof ERRORS;

/** The `type` URI of a problem document: stable per code. */
export function problemType(code: ErrorCode): string {
  return `https://meshgate.dev/problems/${code.slice(3).toLowerCase().replaceAll('_', '-')}`;
}
