/**
 * The upstream half of the HTTP/1.1 codec: one keep-alive connection to an endpoint, with its
 * own llhttp response parser. It knows nothing about routing; it hands parsed response events
 * to the request that currently owns it (`UpstreamResponseHandler`).
 */
import net from 'node:net';
import type { ErrorCode } from '../../errors/index.js';
export interface UpstreamResponseHandler {
    /** Response head parsed. Return true to tell the parser the response has no body (HEAD). */
    onUpstreamHead(status: number, reason: string, rawHeaders: string[], versionMinor: number, keepAlive: boolean): boolean;
    onUpstreamBody(chunk: Buffer): void;
    onUpstreamTrailers(rawHeaders: string[]): void;
    onUpstreamComplete(keepAlive: boolean): void;
    /**
     * The connection failed before the response completed. `staleReuse`: it had served requests
     * before and no byte of this response arrived, the keep-alive race a fresh connection can retry.
     */
    onUpstreamError(code: ErrorCode, staleReuse: boolean, cause: Error | null): void;
    /** The upstream socket drained its write buffer: resume reading the request body. */
    onUpstreamDrain(): void;
    /** Called around each upstream read so writes to the client coalesce into one syscall. */
    corkDownstream(): void;
    uncorkDownstream(): void;
}
/** The pool side of a connection: where it goes back to when its response is done. */
export interface ConnectionOwner {
    onConnectionClosed(conn: UpstreamConnection): void;
}
export interface UpstreamConnectOptions {
    readonly host: string;
    readonly port: number;
    readonly connectTimeoutMs: number;
}
export declare class UpstreamConnection {
    readonly socket: net.Socket;
    readonly owner: ConnectionOwner;
    handler: UpstreamResponseHandler | null;
    /** Requests this connection completed; > 0 means a failure may be a stale keep-alive race. */
    completed: number;
    /** Timestamp (ms) when it went idle into the pool. */
    idleSince: number;
    connected: boolean;
    closed: boolean;
    /** Bytes of a response have arrived for the current request. */
    responseStarted: boolean;
    private readonly parser;
    private headerAcc;
    private inBody;
    /** The upstream sent its FIN: never hand this connection out again, even before 'close'. */
    private peerEnded;
    private lastError;
    private timedOutConnect;
    private readonly connectTimeoutMs;
    constructor(opts: UpstreamConnectOptions, owner: ConnectionOwner);
    /** Writes are queued by the socket while it connects, so a request can be written at once. */
    write(data: string | Buffer): boolean;
    cork(): void;
    uncork(): void;
    destroy(): void;
    /** @internal socket 'data' */
    handleData(data: Buffer): void;
    /** @internal socket 'end': a close-delimited body ends here. */
    handleEnd(): void;
    /** @internal socket 'close' */
    handleClose(): void;
    private fail;
    /** @internal */
    parsedHeaders(rawHeaders: string[]): void;
    /** @internal */
    parsedHeadersComplete(versionMinor: number, rawHeaders: string[] | undefined, status: number, reason: string | undefined, keepAlive: boolean): number;
    /** @internal */
    parsedBody(chunk: Buffer): void;
    /** @internal */
    parsedMessageComplete(keepAlive: boolean): void;
    /** Open, idle, not closed by the upstream: it may carry the next request. */
    get readyForReuse(): boolean;
    /** @internal */
    handleConnect(): void;
    /** @internal */
    handleTimeout(): void;
    /** @internal */
    handleError(err: Error): void;
}
