/**
 * Fault injection (as Istio / Envoy's fault filter), compiled once per route: delay and/or abort
 * a share of the requests. Each decision draws its own random number (injectable), so delay and
 * abort are independent. A percentage of 0 or 100 (or an absent fault) draws nothing.
 * Envoy's order is delay first, then abort; the data plane applies them.
 */
import type { FaultConfig } from '../../config/schema/resilience.js';
export declare class CompiledFault {
    /** Delay in ms when the delay applies; 0 when no delay is configured. */
    readonly fixedDelayMs: number;
    /** Share of requests delayed, 0..100 (0 when no delay is configured). */
    readonly delayPercentage: number;
    /** Injected status; 0 when no abort is configured. */
    readonly httpStatus: number;
    /** Share of requests aborted, 0..100 (0 when no abort is configured). */
    readonly abortPercentage: number;
    private readonly random;
    constructor(cfg: FaultConfig, random?: () => number);
    /** Hot path, change with care. Delay to add to this request in ms (0 = none). */
    delayMs(): number;
    /** Hot path, change with care. Status to abort this request with (0 = none). */
    abortStatus(): number;
    private static hit;
}
