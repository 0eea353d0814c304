/**
 * HTTP/1.1 client-side helpers for conformance tests: a strict little response parser for raw
 * bytes (so a test sees exactly what went over the wire: interim responses, framing, trailers,
 * whether the connection was closed) and a node:http request wrapper that returns everything.
 */
import http from 'node:http';
import net from 'node:net';
export interface RawResponse {
    version: string;
    status: number;
    reason: string;
    /** [name, value] pairs in wire order, names as sent. */
    headerList: Array<[string, string]>;
    /** Lower-cased names; repeated names joined with ', '. */
    headers: Record<string, string>;
    body: Buffer;
    /** How the body was delimited on the wire. */
    framing: 'length' | 'chunked' | 'close' | 'none';
    trailers: Record<string, string>;
    /** The raw chunk-size lines of a chunked body (to see that framing was rebuilt). */
    chunkSizes: number[];
}
export interface ParsedStream {
    responses: RawResponse[];
    /** Bytes after the last complete response (a truncated response, or nothing). */
    rest: Buffer;
}
/**
 * Parses consecutive responses from `data`. `noBody[i]` marks response i (counting final
 * responses only) as one to a HEAD request. 1xx responses are returned as their own entries.
 * A body with neither length nor chunked runs to the end of `data` (close-delimited).
 */
export declare function parseResponses(data: Buffer, noBody?: boolean[]): ParsedStream;
export interface RawConn {
    socket: net.Socket;
    /** Everything received so far. */
    received(): Buffer;
    /** Resolves when the server closed its side (or the socket errored/closed). */
    closed: Promise<void>;
    isClosed(): boolean;
    write(data: string | Buffer): void;
    /** Waits until `received()` satisfies `pred` (or rejects after timeoutMs). */
    waitFor(pred: (data: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
    /** Waits until `n` final responses (HEAD flags as in parseResponses) have fully arrived. */
    responses(n: number, noBody?: boolean[], timeoutMs?: number): Promise<RawResponse[]>;
    destroy(): void;
}
/** A raw client connection that keeps everything it receives. */
export declare function rawConnect(port: number): Promise<RawConn>;
/** One request on a fresh connection: writes `data`, waits for `n` responses, returns them with the connection state. */
export declare function rawRequest(port: number, data: string | Buffer | Array<string | Buffer>, opts?: {
    n?: number;
    noBody?: boolean[];
    timeoutMs?: number;
}): Promise<{
    responses: RawResponse[];
    conn: RawConn;
}>;
/** Waits until the server closes `conn`, or fails after timeoutMs. */
export declare function expectClosed(conn: RawConn, timeoutMs?: number): Promise<void>;
export interface HttpResult {
    status: number;
    headers: http.IncomingHttpHeaders;
    rawHeaders: string[];
    body: Buffer;
    trailers: NodeJS.Dict<string>;
}
/** A node:http request that resolves with everything the response carried. */
export declare function httpRequest(port: number, opts?: {
    method?: string;
    path?: string;
    headers?: http.OutgoingHttpHeaders | string[];
    body?: string | Buffer;
    agent?: http.Agent | false;
    setHost?: boolean;
}): Promise<HttpResult>;
/** Parses a problem+json body and checks its required members; returns the document. */
export declare function problemOf(res: {
    headers: Record<string, unknown>;
    body: Buffer;
}): {
    type: string;
    title: string;
    status: number;
    detail: string;
    instance: string;
    code: string;
};
