/**
 * One config version compiled into an immutable snapshot. A request reads the current snapshot
 * once when it starts and keeps it, so in-flight requests finish on the version they began with.
 */
import type { GatewayConfig, RouteConfig } from '../config/schema/index.js';
import { type PathRewriter } from '../dataplane/rewrite.js';
import type { Router } from '../routing/types.js';
import type { UpstreamRuntime } from '../upstream/runtime.js';
import { type CircuitBreaker } from '../policies/circuit-breaker/breaker.js';
import { CompiledFault } from '../policies/fault/fault.js';
import { CompiledRetryPolicy, RetryBudget } from '../policies/retry/policy.js';
import { UpstreamService } from '../upstream/service.js';
export declare const DEFAULTS: Readonly<{
    listenHost: "0.0.0.0";
    listenPort: 8080;
    adminHost: "127.0.0.1";
    adminPort: 9901;
    timeoutSeconds: 30;
    maxHeaderBytes: 16384;
    maxBodyBytes: 0;
    drainDelaySeconds: 0;
    drainTimeoutSeconds: 30;
    keepAliveTimeoutSeconds: 60;
}>;
/** A route compiled for the hot path: every field set in the constructor (one object shape). */
export declare class CompiledRoute {
    readonly name: string;
    readonly index: number;
    readonly service: UpstreamService;
    readonly timeoutMs: number;
    /** 0 = unlimited. */
    readonly maxBodyBytes: number;
    readonly rewrite: PathRewriter | null;
    readonly hostRewrite: string | null;
    readonly retry: CompiledRetryPolicy | null;
    readonly retryBudget: RetryBudget | null;
    readonly fault: CompiledFault | null;
    /** Service-scoped breaker (route's own config, else the service's), or null. */
    readonly breaker: CircuitBreaker | null;
    /** Endpoint-scoped breakers by endpoint address, or null. */
    readonly endpointBreakers: ReadonlyMap<string, CircuitBreaker> | null;
    constructor(config: RouteConfig, index: number, service: UpstreamService, gatewayMaxBody: number, upstreams: UpstreamRuntime, breakerKeys: Set<string>);
}
export interface Snapshot {
    readonly version: number;
    readonly config: GatewayConfig;
    readonly router: Router<CompiledRoute>;
    readonly routes: readonly CompiledRoute[];
    readonly services: ReadonlyMap<string, UpstreamService>;
    readonly maxHeaderBytes: number;
    readonly keepAliveTimeoutMs: number;
}
/** Compiles a validated config. Throws on problems validation could not see. */
export declare function compileSnapshot(config: GatewayConfig, version: number, upstreams: UpstreamRuntime): Snapshot;
