/**
 * The circuit breaker's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them (prom-client) and compile binds the labels once per breaker,
 * so the hot path only calls `.inc()` / `.set()` on pre-bound children.
 *
 * Labels: `route` (route index or name, "" when the breaker is per service), `service`,
 * `endpoint` (`host:port`, "" unless scope is endpoint).
 */
export interface MetricDecl {
    readonly name: string;
    readonly help: string;
    readonly type: 'counter' | 'gauge' | 'histogram';
    readonly labels: readonly string[];
    readonly buckets?: readonly number[];
}
export declare const CIRCUIT_BREAKER_METRICS: Readonly<{
    readonly state: Readonly<{
        name: "meshgate_circuit_breaker_state";
        help: "Circuit breaker state: 0 closed, 1 open, 2 half-open.";
        type: "gauge";
        labels: readonly ["route", "service", "endpoint"];
    }>;
    readonly transitions: Readonly<{
        name: "meshgate_circuit_breaker_transitions_total";
        help: "Circuit breaker state transitions.";
        type: "counter";
        labels: readonly ["route", "service", "endpoint", "from", "to"];
    }>;
    readonly rejected: Readonly<{
        name: "meshgate_circuit_breaker_rejected_total";
        help: "Requests answered 503 by an open (or saturated half-open) breaker without reaching the upstream.";
        type: "counter";
        labels: readonly ["route", "service", "endpoint"];
    }>;
}>;
/** Gauge value of each state for `meshgate_circuit_breaker_state`. */
export declare const BREAKER_STATE_VALUE: Readonly<{
    readonly closed: 0;
    readonly open: 1;
    readonly 'half-open': 2;
}>;
