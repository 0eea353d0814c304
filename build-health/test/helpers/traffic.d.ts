/**
 * Client-side helpers for lifecycle tests: one request over node:http (with or without a
 * keep-alive agent), and a set of clients sending requests back to back for a while, recording
 * every outcome so a test can count failures exactly.
 */
import http from 'node:http';
export interface Reply {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}
export interface RequestOptions {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    /** A keep-alive agent to reuse connections; `false` (default) opens a new connection. */
    agent?: http.Agent | false;
    /** Abort after this many ms (default 10 s). */
    timeoutMs?: number;
}
/** One HTTP/1.1 request to 127.0.0.1:port; resolves with status, headers and the whole body. */
export declare function request(port: number, opts?: RequestOptions): Promise<Reply>;
/** GET that answers with the status, or 0 when the connection failed. */
export declare function statusOf(port: number, path: string, agent?: http.Agent | false): Promise<number>;
export interface Outcome {
    /** ms since the load started when the request was sent. */
    startedAt: number;
    /** ms since the load started when it ended. */
    endedAt: number;
    status: number;
    /** The `x-upstream` response header (which test upstream answered). */
    upstream: string;
    connectionClose: boolean;
    /** Set when the request failed without a response. */
    error: string | null;
}
export interface LoadRun {
    readonly outcomes: Outcome[];
    /** ms timestamp (Date.now) when the load started. */
    readonly t0: number;
    /** Stops the clients after their current request; resolves when all have stopped. */
    stop(): Promise<void>;
    /** Resolves when the clients stopped by themselves (duration, or `stopOnError`). */
    done: Promise<void>;
}
export interface LoadOptions {
    port: number;
    path: string;
    clients: number;
    /** Hard bound on how long the clients run (ms). */
    durationMs: number;
    /** Hard bound on the number of requests per client. */
    maxRequestsPerClient?: number;
    /** A client stops after its first failed request (a connection refused after shutdown). */
    stopOnError?: boolean;
}
/**
 * `clients` clients, each with its own keep-alive agent (one socket), sending requests back to
 * back until `durationMs` passes, `stop()` is called, or (with stopOnError) a request fails.
 */
export declare function startLoad(opts: LoadOptions): LoadRun;
/** Counts outcomes by a key, for diagnostics: { '200': 812, 'ECONNRESET': 1 }. */
export declare function tally(outcomes: readonly Outcome[]): Record<string, number>;
/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes; returns the elapsed ms, or -1. */
export declare function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs?: number): Promise<number>;
export declare const sleep: (ms: number) => Promise<void>;
/** `promise`'s value, or `fallback` if it takes longer than `ms` (the timer does not keep the process alive). */
export declare function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F>;
