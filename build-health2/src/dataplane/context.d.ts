import type { CompiledRoute, Snapshot } from '../engine/snapshot.js';
import type { UpstreamConnection } from './http1/upstream-connection.js';
import type { PooledEndpoint } from '../upstream/service.js';
import type { CircuitBreaker } from '../policies/circuit-breaker/breaker.js';
import type { BulkheadWaiter } from '../policies/bulkhead/bulkhead.js';
/**
 * All state of one request, shared by every phase. The constructor sets every field so the
 * object keeps one shape (hot path, change with care).
 */
export declare class RequestContext {
    readonly id: string;
    /** The config version this request runs on, read once at its start. */
    readonly snapshot: Snapshot;
    readonly startedAt: number;
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
    hostFields: number;
    route: CompiledRoute | null;
    params: Readonly<Record<string, string>> | null;
    matchedPath: string;
    endpoint: PooledEndpoint | null;
    upstream: UpstreamConnection | null;
    attempts: number;
    /** Resends on a fresh connection after a stale pooled one failed (not counted as attempts). */
    staleRetries: number;
    /** The breaker that admitted the current attempt (its verdict is still owed), or null. */
    breaker: CircuitBreaker | null;
    /** `endpoint.state.outstanding` counts the current attempt. */
    endpointCounted: boolean;
    /** Counted in the service's active requests (and, once retried, its active retries). */
    countedActive: boolean;
    countedRetry: boolean;
    holdsBulkhead: boolean;
    bulkheadWaiter: BulkheadWaiter | null;
    /** Per-try deadline of the current attempt. */
    tryTimer: NodeJS.Timeout | null;
    /** Waiting before the next step: fault delay or retry backoff. */
    waitTimer: NodeJS.Timeout | null;
    /** Body chunks kept for a retry to replay (routes with a retry policy), while under the limit. */
    replay: Buffer[] | null;
    replayBytes: number;
    /** False once the body outgrew retryBufferBytes: this request is no longer retried after bytes went out. */
    replayable: boolean;
    /** Request body bytes received from the client so far. */
    bodyBytes: number;
    /** The client's request has been read completely. */
    requestComplete: boolean;
    /** The request (head, body, terminator) has been written upstream completely. */
    requestSent: boolean;
    /** Body chunks received before an upstream connection took them (queued pipelined request or retry). */
    pendingBody: Buffer[] | null;
    pendingTrailers: string[] | null;
    /** Drop the rest of the request body: an error response was chosen. */
    discardBody: boolean;
    /** The response head has gone to the client. */
    responseStarted: boolean;
    status: number;
    /** We chunk-encode the response to the client. */
    responseChunked: boolean;
    responseTrailers: string[] | null;
    upstreamKeepAlive: boolean;
    /** Close the client connection after this response. */
    closeAfter: boolean;
    continueSent: boolean;
    timer: NodeJS.Timeout | null;
    finished: boolean;
    constructor(id: string, clientRequestId: boolean, snapshot: Snapshot, method: string, target: string, rawHeaders: string[], versionMinor: number, clientKeepAlive: boolean, host: string, expectContinue: boolean, contentLength: number, chunked: boolean, teTrailers: boolean, clientAddress: string);
    get hasBody(): boolean;
}
