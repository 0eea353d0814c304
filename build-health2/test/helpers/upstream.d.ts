/**
 * Real upstream servers for tests, on 127.0.0.1 with a free port. The echo server answers with
 * what it received (method, url, headers, body length) and counts the TCP connections it saw.
 */
import http from 'node:http';
export interface EchoReply {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    rawHeaders: string[];
    bodyLength: number;
    body: string;
    trailers: Record<string, string | undefined>;
    server: string;
    remotePort: number;
}
export interface TestUpstream {
    readonly port: number;
    readonly address: string;
    readonly server: http.Server;
    /** TCP connections accepted so far. */
    connections: number;
    /** Requests received so far. */
    requests: number;
    close(): Promise<void>;
}
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, up: TestUpstream) => void;
/** Starts an HTTP upstream; the default handler echoes the request as JSON. */
export declare function startUpstream(name?: string, handler?: Handler): Promise<TestUpstream>;
/** The echo handler: replies 200 JSON describing the request it got. */
export declare function echo(name: string): (req: http.IncomingMessage, res: http.ServerResponse) => void;
