import { type ErrorCode, type ErrorSource } from './codes.js';
/** The one exception type of the data plane: a code from the table plus detail and cause. */
export declare class GatewayError extends Error {
    readonly code: ErrorCode;
    readonly status: number;
    readonly source: ErrorSource;
    readonly retryable: boolean;
    readonly detail: string;
    constructor(code: ErrorCode, detail?: string, options?: {
        cause?: unknown;
    });
}
