/**
 * The one table of errors the gateway itself answers with. Code branches on `code`, never on
 * message text. `source` decides the log level; `retryable` is read by the retry policy.
 */
export type ErrorSource = 'downstream' | 'upstream' | 'internal';
export interface ErrorDef {
    readonly status: number;
    readonly title: string;
    readonly source: ErrorSource;
    readonly retryable: boolean;
}
export declare const ERRORS: Readonly<{
    MG_BAD_REQUEST: ErrorDef;
    MG_NO_ROUTE: ErrorDef;
    MG_METHOD_NOT_ALLOWED: ErrorDef;
    MG_BODY_TOO_LARGE: ErrorDef;
    MG_HEADERS_TOO_LARGE: ErrorDef;
    MG_INTERNAL: ErrorDef;
    MG_UPSTREAM_REFUSED: ErrorDef;
    MG_UPSTREAM_RESET: ErrorDef;
    MG_UPSTREAM_BAD_RESPONSE: ErrorDef;
    MG_NO_ENDPOINT: ErrorDef;
    MG_CIRCUIT_OPEN: ErrorDef;
    MG_BULKHEAD_FULL: ErrorDef;
    MG_BULKHEAD_TIMEOUT: ErrorDef;
    MG_FAULT_INJECTED: ErrorDef;
    MG_SHUTTING_DOWN: ErrorDef;
    MG_NOT_READY: ErrorDef;
    MG_UPSTREAM_TIMEOUT: ErrorDef;
    MG_UPSTREAM_CONNECT_TIMEOUT: ErrorDef;
}>;
export type ErrorCode = keyof typeof ERRORS;
/** The `type` URI of a problem document: stable per code. */
export declare function problemType(code: ErrorCode): string;
