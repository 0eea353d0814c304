export class CompiledFault {
    /** Delay in ms when the delay applies; 0 when no delay is configured. */
    fixedDelayMs;
    /** Share of requests delayed, 0..100 (0 when no delay is configured). */
    delayPercentage;
    /** Injected status; 0 when no abort is configured. */
    httpStatus;
    /** Share of requests aborted, 0..100 (0 when no abort is configured). */
    abortPercentage;
    random;
    constructor(cfg, random = Math.random) {
        this.fixedDelayMs = cfg.delay?.fixedDelayMs ?? 0;
        this.delayPercentage = cfg.delay === undefined ? 0 : (cfg.delay.percentage ?? 100);
        this.httpStatus = cfg.abort?.httpStatus ?? 0;
        this.abortPercentage = cfg.abort === undefined ? 0 : (cfg.abort.percentage ?? 100);
        this.random = random;
    }
    /** Hot path, change with care. Delay to add to this request in ms (0 = none). */
    delayMs() {
        return CompiledFault.hit(this.delayPercentage, this.random) ? this.fixedDelayMs : 0;
    }
    /** Hot path, change with care. Status to abort this request with (0 = none). */
    abortStatus() {
        return CompiledFault.hit(this.abortPercentage, this.random) ? this.httpStatus : 0;
    }
    static hit(percentage, random) {
        if (percentage <= 0)
            return false;
        if (percentage >= 100)
            return true;
        return random() * 100 < percentage;
    }
}
//# sourceMappingURL=fault.js.map