import type { LoadBalancerConfig, ServiceConfig } from '../config/schema/index.js';
import type { RequestContext } from '../dataplane/context.js';
import { type Balancer } from './balancers/index.js';
import { type Endpoint } from './endpoint.js';
import type { EndpointPool } from './pool.js';
import type { ServiceLoad, UpstreamRuntime } from './runtime.js';
import type { Bulkhead } from '../policies/bulkhead/bulkhead.js';
import { type OutlierDetector } from './health/outlier.js';
export declare const SERVICE_DEFAULTS: Readonly<{
    loadBalancer: LoadBalancerConfig;
    connectTimeoutMs: 5000;
    keepAliveTimeoutMs: 4000;
    maxIdleConnections: 256;
}>;
/** A compiled upstream endpoint: its address, its live state and the pool that serves it. */
export interface PooledEndpoint extends Endpoint {
    readonly pool: EndpointPool;
}
/** A named upstream service, compiled once per config version. */
export declare class UpstreamService {
    readonly name: string;
    readonly config: ServiceConfig;
    readonly endpoints: readonly PooledEndpoint[];
    readonly balancer: Balancer;
    /** Bulkhead (maxConcurrentRequests/maxPendingRequests), or null when unlimited. */
    readonly bulkhead: Bulkhead | null;
    readonly outlier: OutlierDetector | null;
    readonly load: ServiceLoad;
    /** The service-level circuit breaker config, inherited by routes without their own. */
    readonly circuitBreaker: ServiceConfig['circuitBreaker'] | null;
    private readonly hashKey;
    constructor(name: string, config: ServiceConfig, upstreams: UpstreamRuntime);
    pick(ctx: RequestContext, exclude: PooledEndpoint | null): PooledEndpoint | null;
}
/** The first value of a header (lower-case name) in a raw header list, or null. */
export declare function headerValue(raw: readonly string[], lower: string): string | null;
/** One cookie's value from a Cookie header (`a=1; sid=xyz`), or null. */
export declare function cookieValue(header: string, name: string): string | null;
