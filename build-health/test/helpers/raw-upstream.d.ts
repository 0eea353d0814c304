/**
 * A raw TCP "HTTP" upstream for tests that need an upstream to misbehave: answer with broken
 * framing, reset mid-response, close without saying so. The handler sees each request head (a
 * request body announced by Content-Length is skipped) and writes whatever bytes it likes.
 */
import net from 'node:net';
export interface RawUpstreamConn {
    readonly socket: net.Socket;
    /** 0 for the first request on this connection. */
    readonly index: number;
    /** The request head as text (request line + headers, no final CRLFCRLF). */
    readonly head: string;
    /** The request line's target. */
    readonly target: string;
}
export interface RawUpstream {
    readonly port: number;
    readonly address: string;
    /** TCP connections accepted so far. */
    connections: number;
    /** Request heads seen so far. */
    requests: number;
    /** Connections that have closed so far (either side). */
    closed: number;
    /** Resolves once `closed` reaches n. */
    waitClosed(n: number, timeoutMs?: number): Promise<void>;
    close(): Promise<void>;
}
export declare function startRawUpstream(handler: (req: RawUpstreamConn) => void): Promise<RawUpstream>;
