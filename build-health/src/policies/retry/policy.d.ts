/**
 * Retry policy, compiled once per config version: what to retry (a status lookup table and two
 * flags), how long to wait (exponential backoff with full jitter, injectable random), and the
 * per-service retry budget. The retry loop itself (back to pickEndpoint, per-try timeout, body
 * replay) lives in the data plane; this file only answers its questions.
 */
import type { RetryPolicyConfig } from '../../config/schema/resilience.js';
export declare const RETRY_DEFAULTS: Readonly<{
    retryOn: readonly ["connect-failure", "reset", "gateway-error"];
    initialDelayMs: 100;
    backoffMultiplier: 2;
    /** maxDelayMs defaults to this many times initialDelayMs. */
    maxDelayFactor: 10;
    budgetPercent: 20;
    retryBufferBytes: 65536;
}>;
export declare class CompiledRetryPolicy {
    /** Total attempts, the first included. */
    readonly maxAttempts: number;
    /** Deadline for each attempt's response headers; 0 = none. */
    readonly perTryTimeoutMs: number;
    readonly retryNonIdempotent: boolean;
    readonly budgetPercent: number;
    readonly retryBufferBytes: number;
    readonly initialDelayMs: number;
    readonly backoffMultiplier: number;
    readonly maxDelayMs: number;
    readonly retriesConnectFailure: boolean;
    readonly retriesReset: boolean;
    /** statusTable[status] === 1 when that status is retried (index 0..599). */
    private readonly statusTable;
    private readonly random;
    constructor(cfg: RetryPolicyConfig, random?: () => number);
    /** Hot path, change with care. Is an upstream response with this status retried? */
    retriesStatus(status: number): boolean;
    /**
     * Hot path, change with care. Delay before retry `retryNumber` (1 = the first retry), full
     * jitter: uniform in [0, min(maxDelayMs, initialDelayMs * multiplier^(retryNumber-1))). Not
     * rounded.
     */
    backoffMs(retryNumber: number): number;
    /**
     * Hot path. May a request with this method be retried at all? Idempotent methods always; others
     * only with an Idempotency-Key header or `retryNonIdempotent`.
     */
    mayRetryMethod(method: string, hasIdempotencyKey: boolean): boolean;
    /** Hot path, change with care. RFC 9110 9.2.2 idempotent methods (method names are case-sensitive). */
    static methodIsIdempotent(method: string): boolean;
}
/**
 * Retry budget, per service and per process (Envoy's retry budget): retries in flight may be at
 * most `percent` of the service's active requests, and at least one retry is always allowed
 * (Envoy's min_retry_concurrency = 1). Stateless: the caller owns the counters.
 */
export declare class RetryBudget {
    readonly percent: number;
    constructor(percent: number);
    /** Hot path, change with care. May a retry start now? */
    allows(activeRequests: number, activeRetries: number): boolean;
}
