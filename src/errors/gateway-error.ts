import { ERRORS, type ErrorCode, type ErrorSource } from './codes.js';

/** The one exception type of the data plane: a code from the table plus detail and cause. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly source: ErrorSource;
  readonly retryable: boolean;
  readonly detail: string;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const def = ERRORS[code];
    super(detail ?? def.title, options);
    this.name = 'GatewayError';
    this.code = code;
    this.status = def.status;
    this.source = def.source;
    this.retryable = def.retryable;
    this.detail = detail ?? def.title;
  }
}
