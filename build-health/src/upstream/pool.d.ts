/**
 * Keep-alive connection pools, one per endpoint address, shared across config versions so a
 * reload keeps warm connections. Idle connections are a LIFO stack (the warmest is reused first)
 * swept by one timer for the whole registry, not one timer per connection.
 */
import { UpstreamConnection, type ConnectionOwner } from '../dataplane/http1/upstream-connection.js';
export interface PoolOptions {
    connectTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxIdleConnections: number;
}
export declare class EndpointPool implements ConnectionOwner {
    readonly host: string;
    readonly port: number;
    options: PoolOptions;
    /** Idle connections, oldest first. */
    private readonly idle;
    /** Connections open now, busy or idle. */
    open: number;
    /** Connections created over the pool's life (a test reads it to see reuse). */
    created: number;
    /** Requests that went out on a reused connection. */
    reused: number;
    closing: boolean;
    constructor(host: string, port: number, options: PoolOptions);
    acquire(): UpstreamConnection;
    /** A new connection, bypassing the idle stack (a retry after a stale keep-alive failure). */
    connect(): UpstreamConnection;
    /** A request finished cleanly on `conn`: keep it for the next one, or close it. */
    release(conn: UpstreamConnection, reusable: boolean, now: number): void;
    onConnectionClosed(conn: UpstreamConnection): void;
    /** Closes connections idle longer than the keep-alive timeout. */
    sweep(now: number): void;
    get idleCount(): number;
    close(): void;
}
/** All pools of one process, keyed by `host:port`. */
export declare class PoolRegistry {
    private readonly pools;
    private timer;
    get(host: string, port: number, options: PoolOptions): EndpointPool;
    /** Pools no longer referenced by the current config are closed once idle. */
    retain(keys: ReadonlySet<string>): void;
    private sweep;
    stats(): Array<{
        address: string;
        open: number;
        idle: number;
        created: number;
        reused: number;
    }>;
    close(): void;
}
