import { ERRORS } from './codes.js';
/** The one exception type of the data plane: a code from the table plus detail and cause. */
export class GatewayError extends Error {
    code;
    status;
    source;
    retryable;
    detail;
    constructor(code, detail, options) {
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
//# sourceMappingURL=gateway-error.js.map