export interface ParserError extends Error {
    code: string;
    reason?: string;
    bytesParsed?: number;
}
export interface HTTPParserInstance {
    initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
    execute(data: Buffer): number | ParserError;
    finish(): number | ParserError | undefined;
    close(): void;
    free(): void;
    remove(): void;
    [key: number]: unknown;
}
interface HTTPParserCtor {
    new (): HTTPParserInstance;
    readonly REQUEST: number;
    readonly RESPONSE: number;
    readonly kOnHeaders: number;
    readonly kOnHeadersComplete: number;
    readonly kOnBody: number;
    readonly kOnMessageComplete: number;
    readonly kOnExecute: number;
    readonly kOnMessageBegin: number;
    readonly kOnTimeout: number;
}
export declare const HTTPParser: HTTPParserCtor;
/** llhttp's method table: onHeadersComplete reports the method as an index into it. */
export declare const METHODS: readonly string[];
export declare const kOnHeaders: number;
export declare const kOnHeadersComplete: number;
export declare const kOnBody: number;
export declare const kOnMessageComplete: number;
export declare const kOnExecute: number;
/** The async resource the binding wants; one shared object keeps it out of the per-connection cost. */
export declare const PARSER_RESOURCE: Readonly<{
    type: "meshgate";
}>;
export {};
