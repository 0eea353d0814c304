import { ERRORS, problemType } from './codes.js';
/**
 * Renders an error as an RFC 9457 problem document; `instance` is the request id. `status`
 * overrides the table's status (fault injection answers with the configured one).
 */
export function problemBody(code, detail, requestId, status = ERRORS[code].status) {
    const def = ERRORS[code];
    const doc = {
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
//# sourceMappingURL=problem.js.map