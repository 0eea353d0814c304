import type net from 'node:net';
import type { Logger } from 'pino';
import { type ErrorCode } from '../../errors/index.js';
import type { Snapshot } from '../../engine/snapshot.js';
import { RequestContext } from '../context.js';
import { type ClientInfo } from '../forward.js';
import type { UpstreamResponseHandler } from './upstream-connection.js';
/** What a connection needs from the engine that owns it. */
export interface ConnectionHost {
    /** The current config version (read once per request). */
    readonly snapshot: Snapshot;
    readonly draining: boolean;
    readonly logger: Logger;
    connectionClosed(conn: ServerConnection): void;
}
export declare class ServerConnection implements UpstreamResponseHandler {
    readonly socket: net.Socket;
    readonly host: ConnectionHost;
    readonly client: ClientInfo;
    /** The request whose response is in progress. */
    active: RequestContext | null;
    private receiving;
    private readonly queue;
    private readonly parser;
    private headerAcc;
    private urlAcc;
    private pauseReasons;
    /** No new requests: close once the ones already received are answered. */
    private closing;
    /** We ended our side (endConnection); input is now only drained. */
    private ended;
    private closed;
    /**
     * A parse error that came after requests still to be answered: they are answered first, in
     * order (RFC 9112 section 9.3.2), then this error, then the connection closes.
     */
    private deferredError;
    private deferredDetail;
    private inExecute;
    private corkedUpstream;
    constructor(socket: net.Socket, host: ConnectionHost, proto: 'http' | 'https', maxHeaderBytes: number, idleTimeoutMs: number);
    get idle(): boolean;
    /** Graceful close: now if idle, otherwise after the current response (which says `Connection: close`). */
    closeWhenIdle(): void;
    handleData(data: Buffer): void;
    handleDrain(): void;
    handleTimeout(): void;
    handleEnd(): void;
    handleClose(): void;
    private handleParseError;
    private pause;
    private resume;
    parsedHeaders(headers: string[], url: string | undefined): void;
    parsedHeadersComplete(minor: number, headers: string[] | undefined, methodIndex: number, url: string | undefined, keepAlive: boolean): number;
    parsedBody(chunk: Buffer): void;
    parsedMessageComplete(): void;
    private startRequest;
    /** The bulkhead: take a concurrency slot, wait for one in the queue, or answer 503. */
    admit(ctx: RequestContext): void;
    private bulkheadDecided;
    /**
     * One attempt: the circuit breaker admits it, the balancer picks an endpoint (away from the
     * previous one on a retry), and the request goes out on a pooled connection.
     */
    attempt(ctx: RequestContext, freshConnection: boolean): void;
    /**
     * The route timeout counts from the end of the request (as Envoy's route timeout does), so an
     * upload takes as long as it needs; a client that stalls mid-request meets the idle timeout.
     */
    private armTimer;
    /** Per-try deadline (retryPolicy.perTryTimeoutMs), from the end of the request. */
    private armTryTimer;
    /** Writes the request to a connection of the chosen endpoint (a retry replays the kept body). */
    private send;
    private writeBody;
    private endBody;
    onUpstreamHead(status: number, reason: string, raw: string[], _minor: number, keepAlive: boolean): boolean;
    onUpstreamBody(chunk: Buffer): void;
    onUpstreamTrailers(raw: string[]): void;
    onUpstreamComplete(): void;
    onUpstreamError(code: ErrorCode, staleReuse: boolean, cause: Error | null): void;
    onUpstreamDrain(): void;
    corkDownstream(): void;
    uncorkDownstream(): void;
    /** @internal per-try timer: this attempt took too long; retry elsewhere or answer 504. */
    tryTimedOut(ctx: RequestContext): void;
    /**
     * May this request be tried again? `status`: a retryable response arrived (else a failure of
     * kind `kind`). Attempts left, body replayable, method safe to repeat (a connect failure is
     * always safe: nothing reached the application), and the service's retry budget allows it.
     */
    private mayRetry;
    private scheduleRetry;
    /** The breaker and outlier detection learn how the attempt went (once per attempt). */
    private recordVerdict;
    /** Drops the current attempt's connection (a retry follows, or an error). */
    private abandonAttempt;
    private releaseEndpoint;
    /**
     * Gives back everything a request holds, whatever way it ended: timers, bulkhead slot or queue
     * place, an owed breaker verdict, the endpoint and service counters.
     */
    private releaseRequest;
    private sendCircuitOpen;
    /** @internal timer callback */
    timedOut(ctx: RequestContext): void;
    /** Answers `ctx` with a problem+json error, aborting its upstream request if one is open. */
    private sendError;
    /** A problem+json response; for HEAD only its head (with the length the body would have). */
    private writeProblem;
    private finishExchange;
    /**
     * Ends our side once what is written has gone out. Reading goes on, dropped by handleData,
     * until the client's FIN or LINGER_MS (see LINGER_MS): a paused socket would never see the FIN.
     */
    private endConnection;
}
/**
 * True if the path has a `.` or `..` segment, also percent-encoded (`%2e`), which upstreams
 * commonly decode. The common path (no '.' or '%' right after a '/') costs one indexOf each.
 */
export declare function hasDotSegment(path: string): boolean;
