import type { Logger } from '../observability/logger.js';
import { BreakerRegistry } from '../policies/circuit-breaker/breaker.js';
import { Bulkhead } from '../policies/bulkhead/bulkhead.js';
import { RateLimitStoreHolder } from '../policies/rate-limit/runtime.js';
import { PolicyCounters } from '../observability/policy-counters.js';
import { EndpointStateRegistry } from './endpoint-state.js';
import { PoolRegistry } from './pool.js';

/** Requests and retries in flight to one service from this process (the retry budget reads it). */
export class ServiceLoad {
  active = 0;
  retries = 0;
}

/**
 * The upstream side of one process that outlives config versions: connection pools, endpoint
 * states, circuit breakers, bulkheads and service load. A reload that keeps a service keeps them.
 */
export class UpstreamRuntime {
  readonly pools = new PoolRegistry();
  readonly states = new EndpointStateRegistry();
  readonly breakers = new BreakerRegistry();
  /** The rate-limit store of this process (memory, the node's supervisor, or Redis). */
  readonly rateLimits = new RateLimitStoreHolder();
  /** Breaker transitions, fault delays and outlier ejections of this process (Prometheus counters). */
  readonly counters = new PolicyCounters();
  private readonly bulkheads = new Map<string, { key: string; bulkhead: Bulkhead }>();
  private readonly loads = new Map<string, ServiceLoad>();
  logger: Logger | null = null;

  /** The bulkhead of a service; a new one when its limits changed. */
  bulkhead(service: string, maxConcurrent: number, maxPending: number, queueTimeoutMs: number): Bulkhead {
    const key = `${maxConcurrent}/${maxPending}/${queueTimeoutMs}`;
    const found = this.bulkheads.get(service);
    if (found !== undefined && found.key === key) return found.bulkhead;
    const bulkhead = new Bulkhead(maxConcurrent, maxPending, queueTimeoutMs);
    this.bulkheads.set(service, { key, bulkhead });
    return bulkhead;
  }

  load(service: string): ServiceLoad {
    let load = this.loads.get(service);
    if (load === undefined) {
      load = new ServiceLoad();
      this.loads.set(service, load);
    }
    return load;
  }

  /** Forgets services no longer configured. */
  retainServices(names: ReadonlySet<string>): void {
    for (const name of this.bulkheads.keys()) if (!names.has(name)) this.bulkheads.delete(name);
    for (const name of this.loads.keys()) if (!names.has(name)) this.loads.delete(name);
  }

  close(): void {
    this.pools.close();
    void this.rateLimits.close().catch(() => undefined);
  }
}
