/**
 * The retry policy's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them and compile binds `route` / `service` once per route.
 */
export interface MetricDecl {
    readonly name: string;
    readonly help: string;
    readonly type: 'counter' | 'gauge' | 'histogram';
    readonly labels: readonly string[];
    readonly buckets?: readonly number[];
}
export declare const RETRY_METRICS: Readonly<{
    readonly retries: Readonly<{
        name: "meshgate_retries_total";
        help: "Retries started, by what triggered them: connect-failure, reset, per-try-timeout or status (the status class, e.g. 5xx).";
        type: "counter";
        labels: readonly ["route", "service", "reason"];
    }>;
    readonly exhausted: Readonly<{
        name: "meshgate_retries_exhausted_total";
        help: "Requests that still failed after maxAttempts attempts.";
        type: "counter";
        labels: readonly ["route", "service"];
    }>;
    readonly budgetExhausted: Readonly<{
        name: "meshgate_retry_budget_exhausted_total";
        help: "Retries not started because the service retry budget was spent.";
        type: "counter";
        labels: readonly ["service"];
    }>;
    readonly skipped: Readonly<{
        name: "meshgate_retries_skipped_total";
        help: "Retriable failures not retried: reason non_idempotent (method without Idempotency-Key) or body_too_large (over retryBufferBytes).";
        type: "counter";
        labels: readonly ["route", "service", "reason"];
    }>;
    readonly attempts: Readonly<{
        name: "meshgate_request_attempts";
        help: "Upstream attempts per request on routes with a retry policy (1 = no retry).";
        type: "histogram";
        labels: readonly ["route", "service"];
        buckets: readonly number[];
    }>;
}>;
