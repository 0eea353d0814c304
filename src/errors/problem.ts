import { ERRORS, problemType, type ErrorCode } from './codes.js';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
}

/**
 * Renders an error as an RFC 9457 problem document; `instance` is the request id. `status`
 * overrides the table's status (fault injection answers with the configured one).
 */
export function problemBody(code: ErrorCode, detail: string | undefined, requestId: string, status: number = ERRORS[code].status): string {
  const def = ERRORS[code];
  const doc: ProblemDocument = {
    type: problemType(code),
    title: def.title,
    status,
    detail: detail ?? def.title,
    instance: requestId,
    code,
  };
  return JSON.stringify(doc);
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
