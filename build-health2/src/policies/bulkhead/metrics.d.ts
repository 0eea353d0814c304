/**
 * The bulkhead's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them and compile binds `service` once per bulkhead.
 */
export interface MetricDecl {
    readonly name: string;
    readonly help: string;
    readonly type: 'counter' | 'gauge' | 'histogram';
    readonly labels: readonly string[];
    readonly buckets?: readonly number[];
}
export declare const BULKHEAD_METRICS: Readonly<{
    readonly active: Readonly<{
        name: "meshgate_bulkhead_active_requests";
        help: "Requests holding a bulkhead slot of the service (this process).";
        type: "gauge";
        labels: readonly ["service"];
    }>;
    readonly pending: Readonly<{
        name: "meshgate_bulkhead_pending_requests";
        help: "Requests queued for a bulkhead slot of the service (this process).";
        type: "gauge";
        labels: readonly ["service"];
    }>;
    readonly rejected: Readonly<{
        name: "meshgate_bulkhead_rejected_total";
        help: "Requests answered 503 by the bulkhead: reason queue_full (no slot, queue full) or queue_timeout (waited queueTimeoutMs).";
        type: "counter";
        labels: readonly ["service", "reason"];
    }>;
    readonly queueWait: Readonly<{
        name: "meshgate_bulkhead_queue_wait_seconds";
        help: "Time queued requests waited for a bulkhead slot (granted or not).";
        type: "histogram";
        labels: readonly ["service"];
        buckets: readonly number[];
    }>;
}>;
export declare const BULKHEAD_REJECT_REASONS: readonly ["queue_full", "queue_timeout"];
