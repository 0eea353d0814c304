import type { CompiledRoute, Snapshot } from '../engine/snapshot.js';
import type { UpstreamConnection } from './http1/upstream-connection.js';
import type { PooledEndpoint } from '../upstream/service.js';
import type { CircuitBreaker } from '../policies/circuit-breaker/breaker.js';
import type { BulkheadWaiter } from '../policies/bulkhead/bulkhead.js';
import type { LimitCheck } from '../policies/rate-limit/types.js';
import type { ErrorCode } from '../errors/index.js';
import type { RequestTrace } from '../observability/tracing/tracer.js';

/**
 * All state of one request, shared by every phase. The constructor sets every field so the
 * object keeps one shape (hot path, change with care).
 */
export class RequestContext {
  readonly id: string;
  /** The config version this request runs on, read once at its start. */
  readonly snapshot: Snapshot;
  readonly startedAt: number;
  /** performance.now() at the start, for durations. */
  readonly startedHr: number;
  readonly method: string;
  /** The request target as received (path + query), never decoded. */
  readonly target: string;
  readonly path: string;
  /** Query string including the leading '?', or ''. */
  readonly search: string;
  readonly rawHeaders: string[];
  readonly versionMinor: number;
  readonly clientKeepAlive: boolean;
  readonly host: string;
  readonly clientRequestId: boolean;
  readonly expectContinue: boolean;
  /** -1 when the request has no Content-Length. */
  readonly contentLength: number;
  readonly chunked: boolean;
  readonly teTrailers: boolean;
  /** The client's IP address (IPv4-mapped IPv6 shown as IPv4). */
  readonly clientAddress: string;

  /** How many Host fields the request carried (exactly one is valid in HTTP/1.1). */
  hostFields = 0;
  route: CompiledRoute | null = null;
  params: Readonly<Record<string, string>> | null = null;
  matchedPath = '';
  endpoint: PooledEndpoint | null = null;
  upstream: UpstreamConnection | null = null;
  attempts = 0;
  /** Resends on a fresh connection after a stale pooled one failed (not counted as attempts). */
  staleRetries = 0;
  /** The breaker that admitted the current attempt (its verdict is still owed), or null. */
  breaker: CircuitBreaker | null = null;
  breakerEpoch = 0;
  /** Extra response head lines (`name: value\r\n`...) a policy adds, e.g. RateLimit headers. */
  responseHeaders = '';
  /** The rate-limit checks of this request (the store's decision refers to them). */
  rateLimitChecks: LimitCheck[] | null = null;
  /** Status a fault injection decided to answer with after its delay (0 = none). */
  faultAbort = 0;
  /** `endpoint.state.outstanding` counts the current attempt. */
  endpointCounted = false;
  /** Counted in the service's active requests (and, once retried, its active retries). */
  countedActive = false;
  countedRetry = false;
  holdsBulkhead = false;
  bulkheadWaiter: BulkheadWaiter | null = null;
  /** Per-try deadline of the current attempt. */
  tryTimer: NodeJS.Timeout | null = null;
  /** Waiting before the next step: fault delay or retry backoff. */
  waitTimer: NodeJS.Timeout | null = null;
  /** Body chunks kept for a retry to replay (routes with a retry policy), while under the limit. */
  replay: Buffer[] | null = null;
  replayBytes = 0;
  /** False once the body outgrew retryBufferBytes: this request is no longer retried after bytes went out. */
  replayable = true;

  /** Request body bytes received from the client so far. */
  bodyBytes = 0;
  /** The client's request has been read completely. */
  requestComplete = false;
  /** The request (head, body, terminator) has been written upstream completely. */
  requestSent = false;
  /** Body chunks received before an upstream connection took them (queued pipelined request or retry). */
  pendingBody: Buffer[] | null = null;
  pendingTrailers: string[] | null = null;
  /** Drop the rest of the request body: an error response was chosen. */
  discardBody = false;

  /** Response body bytes sent to the client (as received from the upstream, before framing). */
  responseBytes = 0;
  /** performance.now() when the last attempt's request went out, and when its response head came. */
  upstreamSentHr = 0;
  upstreamHeadHr = 0;
  /** performance.now() when the request was done, read once for every observer (metrics, access log). */
  doneHr = 0;
  /** The gateway's own error code when it answered the request itself, else null. */
  errorCode: ErrorCode | null = null;
  /** The client went away before the response was complete. */
  aborted = false;
  /** The response head has gone to the client. */
  responseStarted = false;
  status = 0;
  /** We chunk-encode the response to the client. */
  responseChunked = false;
  responseTrailers: string[] | null = null;
  upstreamKeepAlive = false;
  /** Close the client connection after this response. */
  closeAfter = false;
  continueSent = false;
  timer: NodeJS.Timeout | null = null;
  finished = false;
  /** Metrics: attempts cut by the per-try timeout, and whether the route timeout ended the request. */
  perTryTimeouts = 0;
  routeTimedOut = false;
  /** Tracing: the trace this request belongs to (sampled or not), or null; the access log shows it. */
  traceId: string | null = null;
  /** Tracing: the spans of a sampled request, or null (unsampled, or tracing off). */
  trace: RequestTrace | null = null;

  constructor(
    id: string, clientRequestId: boolean, snapshot: Snapshot, method: string, target: string, rawHeaders: string[], versionMinor: number,
    clientKeepAlive: boolean, host: string, expectContinue: boolean, contentLength: number, chunked: boolean, teTrailers: boolean,
    clientAddress: string,
  ) {
    this.clientAddress = clientAddress;
    this.id = id;
    this.clientRequestId = clientRequestId;
    this.snapshot = snapshot;
    this.startedAt = Date.now();
    this.startedHr = performance.now();
    this.method = method;
    this.target = target;
    const q = target.indexOf('?');
    this.path = q < 0 ? target : target.slice(0, q);
    this.search = q < 0 ? '' : target.slice(q);
    this.rawHeaders = rawHeaders;
    this.versionMinor = versionMinor;
    this.clientKeepAlive = clientKeepAlive;
    this.host = host;
    this.expectContinue = expectContinue;
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.teTrailers = teTrailers;
  }

  get hasBody(): boolean {
    return this.chunked || this.contentLength > 0;
  }
}
