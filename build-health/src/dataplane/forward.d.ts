import type { RequestContext } from './context.js';
export declare const VIA = "1.1 meshgate";
export interface ClientInfo {
    readonly remoteAddress: string;
    readonly proto: 'http' | 'https';
}
/** The request head sent upstream. `target` is the (possibly rewritten) path + query. */
export declare function buildUpstreamHead(ctx: RequestContext, target: string, client: ClientInfo): string;
export interface ResponseFraming {
    /** The head to write to the client. */
    head: string;
    /** We chunk-encode the body to the client. */
    chunked: boolean;
    /** The body is delimited by closing the connection (HTTP/1.0 client, unknown length). */
    closeDelimited: boolean;
}
/** The response head sent to the client, and how its body is framed. */
export declare function buildClientHead(ctx: RequestContext, status: number, reason: string, raw: readonly string[], noBody: boolean, closeAfter: boolean): ResponseFraming;
/** `0\r\n` + trailer fields + `\r\n`: the end of a chunked body. */
export declare function chunkedTerminator(trailers: readonly string[] | null): string;
