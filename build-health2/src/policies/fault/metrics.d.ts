/**
 * Fault injection's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them and compile binds `route` once per route.
 */
export interface MetricDecl {
    readonly name: string;
    readonly help: string;
    readonly type: 'counter' | 'gauge' | 'histogram';
    readonly labels: readonly string[];
    readonly buckets?: readonly number[];
}
export declare const FAULT_METRICS: Readonly<{
    readonly delays: Readonly<{
        name: "meshgate_fault_delays_injected_total";
        help: "Requests delayed by fault injection.";
        type: "counter";
        labels: readonly ["route"];
    }>;
    readonly aborts: Readonly<{
        name: "meshgate_fault_aborts_injected_total";
        help: "Requests answered with an injected error status by fault injection.";
        type: "counter";
        labels: readonly ["route", "status"];
    }>;
}>;
