import type { GatewayConfig, HealthCheckConfig } from '../../config/schema/index.js';
import type { Logger } from '../../observability/logger.js';
export declare const HEALTH_CHECK_DEFAULTS: Readonly<{
    type: 'http' | 'tcp';
    path: "/";
    intervalMs: 5000;
    timeoutMs: 1000;
    healthyThreshold: 2;
    unhealthyThreshold: 3;
    expectedStatuses: readonly (number | string)[];
}>;
/** A verdict for one endpoint of one service: what the data planes apply. */
export interface HealthUpdate {
    readonly service: string;
    readonly address: string;
    readonly healthy: boolean;
}
/** Check settings compiled once per service and config version. */
export interface CompiledHealthCheck {
    readonly type: 'http' | 'tcp';
    readonly path: string;
    /** The Host header; null: the endpoint address. */
    readonly host: string | null;
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
    /** `passes[status]` is 1 when the status passes (100-599). */
    readonly passes: Uint8Array;
    /** The config it came from, as JSON: a changed check restarts the checker. */
    readonly key: string;
}
export declare function compileHealthCheck(cfg: HealthCheckConfig): CompiledHealthCheck;
/** `[200, "300-399"]` -> a 600-entry table: 1 where the status passes. */
export declare function compileExpectedStatuses(list: readonly (number | string)[]): Uint8Array;
/** Where a probe goes. */
export interface ProbeTarget {
    readonly host: string;
    readonly port: number;
    readonly address: string;
}
/** Runs one check; calls `done` exactly once (unless cancelled); returns a cancel function. */
export type Probe = (target: ProbeTarget, check: CompiledHealthCheck, done: (ok: boolean, detail: string) => void) => () => void;
/** One check over the network: HTTP GET or TCP connect, per `check.type`. */
export declare const networkProbe: Probe;
/** What the admin shows about one checked endpoint. */
export interface EndpointHealthStatus {
    readonly healthy: boolean;
    readonly type: 'http' | 'tcp';
    readonly consecutivePasses: number;
    readonly consecutiveFailures: number;
    readonly checks: number;
    readonly lastCheck: {
        readonly at: string;
        readonly ok: boolean;
        readonly detail: string;
        readonly durationMs: number;
    } | null;
}
/** The checker of one endpoint of one service: its verdict and its schedule. */
export declare class EndpointChecker implements ProbeTarget {
    readonly service: string;
    readonly address: string;
    readonly host: string;
    readonly port: number;
    check: CompiledHealthCheck;
    healthy: boolean;
    passes: number;
    failures: number;
    checks: number;
    lastAt: number;
    lastOk: boolean;
    lastDetail: string;
    lastDurationMs: number;
    private timer;
    private cancel;
    private stopped;
    private readonly owner;
    constructor(owner: HealthChecker, service: string, address: string, host: string, port: number, check: CompiledHealthCheck);
    /** (Re)starts the schedule with a first check within the spread window. */
    start(): void;
    stop(): void;
    private clear;
    private arm;
    private run;
    private record;
    status(): EndpointHealthStatus;
}
export interface HealthCheckerOptions {
    /** Replaces the network probe (tests). */
    probe?: Probe;
}
/** Every active health check of one gateway. */
export declare class HealthChecker {
    readonly probe: Probe;
    private readonly logger;
    private readonly onChange;
    /** Keyed `service|address`. */
    private readonly checkers;
    private stopped;
    /** `onChange` gets every transition (healthy <-> unhealthy), after it is logged. */
    constructor(logger: Logger, onChange: (update: HealthUpdate) => void, options?: HealthCheckerOptions);
    /** Aligns the checkers with a (validated) config: see the file comment. */
    update(config: GatewayConfig): void;
    /** Called by a checker when its verdict flips. */
    transition(checker: EndpointChecker, healthy: boolean): void;
    /** Every checked endpoint's verdict: the full state a new data plane starts from. */
    entries(): HealthUpdate[];
    /** The check status of one endpoint, or null when it is not checked. */
    status(service: string, address: string): EndpointHealthStatus | null;
    get size(): number;
    /** Stops every check (shutdown); `update` does nothing afterwards. */
    stop(): void;
}
