import type { ServiceConfig } from '../config/schema/index.js';
import { createBalancer, type Balancer } from './balancers/index.js';
import { parseAddress, type Endpoint } from './endpoint.js';
import type { EndpointPool, PoolRegistry } from './pool.js';

export const SERVICE_DEFAULTS = Object.freeze({
  loadBalancer: 'round-robin',
  connectTimeoutMs: 5000,
  keepAliveTimeoutMs: 4000,
  maxIdleConnections: 256,
});

/** A compiled upstream endpoint: its address plus the pool that serves it. */
export interface PooledEndpoint extends Endpoint {
  readonly pool: EndpointPool;
}

/** A named upstream service, compiled once per config version. */
export class UpstreamService {
  readonly name: string;
  readonly endpoints: readonly PooledEndpoint[];
  readonly balancer: Balancer;

  constructor(name: string, config: ServiceConfig, pools: PoolRegistry) {
    this.name = name;
    const poolOptions = {
      connectTimeoutMs: config.connectTimeoutMs ?? SERVICE_DEFAULTS.connectTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs ?? SERVICE_DEFAULTS.keepAliveTimeoutMs,
      maxIdleConnections: config.maxIdleConnections ?? SERVICE_DEFAULTS.maxIdleConnections,
    };
    this.endpoints = config.endpoints.map((e): PooledEndpoint => {
      const address = typeof e === 'string' ? e : e.address;
      const weight = typeof e === 'string' ? 1 : (e.weight ?? 1);
      const parsed = parseAddress(address);
      if (parsed === null) throw new Error(`service "${name}": invalid endpoint address "${address}"`);
      return Object.freeze({ address, host: parsed.host, port: parsed.port, weight, pool: pools.get(parsed.host, parsed.port, poolOptions) });
    });
    this.balancer = createBalancer(config.loadBalancer ?? SERVICE_DEFAULTS.loadBalancer, this.endpoints);
  }

  // Hot path, change with care.
  pick(exclude: PooledEndpoint | null): PooledEndpoint | null {
    return this.balancer.pick(exclude) as PooledEndpoint | null;
  }
}
