import type { Logger } from '../observability/logger.js';
import { BreakerRegistry } from '../policies/circuit-breaker/breaker.js';
import { Bulkhead } from '../policies/bulkhead/bulkhead.js';
import { EndpointStateRegistry } from './endpoint-state.js';
import { PoolRegistry } from './pool.js';
/** Requests and retries in flight to one service from this process (the retry budget reads it). */
export declare class ServiceLoad {
    active: number;
    retries: number;
}
/**
 * The upstream side of one process that outlives config versions: connection pools, endpoint
 * states, circuit breakers, bulkheads and service load. A reload that keeps a service keeps them.
 */
export declare class UpstreamRuntime {
    readonly pools: PoolRegistry;
    readonly states: EndpointStateRegistry;
    readonly breakers: BreakerRegistry;
    private readonly bulkheads;
    private readonly loads;
    logger: Logger | null;
    /** The bulkhead of a service; a new one when its limits changed. */
    bulkhead(service: string, maxConcurrent: number, maxPending: number, queueTimeoutMs: number): Bulkhead;
    load(service: string): ServiceLoad;
    /** Forgets services no longer configured. */
    retainServices(names: ReadonlySet<string>): void;
    close(): void;
}
