/** A port that was free a moment ago on 127.0.0.1. */
export declare function freePort(): Promise<number>;
/**
 * Sends raw bytes on a fresh connection and collects everything the server sends until it
 * closes the connection or `idleMs` passes without data. For framing and smuggling cases.
 */
export declare function rawExchange(port: number, data: string | Buffer | Array<string | Buffer>, idleMs?: number): Promise<string>;
