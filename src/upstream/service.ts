import type { LoadBalancerConfig, ServiceConfig } from '../config/schema/index.js';
import type { RequestContext } from '../dataplane/context.js';
import { headerValue } from '../dataplane/http1/headers.js';
import { createBalancer, type Balancer } from './balancers/index.js';
import { parseAddress, type Endpoint } from './endpoint.js';
import type { EndpointPool } from './pool.js';
import type { ServiceLoad, UpstreamRuntime } from './runtime.js';
import type { Bulkhead } from '../policies/bulkhead/bulkhead.js';
import { createOutlierDetector, type OutlierDetector } from './health/outlier.js';

export const SERVICE_DEFAULTS = Object.freeze({
  loadBalancer: 'round-robin' as LoadBalancerConfig,
  connectTimeoutMs: 5000,
  streamIdleTimeoutMs: 300_000,
  keepAliveTimeoutMs: 4000,
  maxIdleConnections: 256,
});

/** A compiled upstream endpoint: its address, its live state and the pool that serves it. */
export interface PooledEndpoint extends Endpoint {
  readonly pool: EndpointPool;
}

/** Where a consistent-hash key comes from, compiled once from `header:x`, `cookie:x` or `ip`. */
type HashKeySource = { kind: 'header'; lower: string } | { kind: 'cookie'; name: string } | { kind: 'ip' } | null;

/** A named upstream service, compiled once per config version. */
export class UpstreamService {
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
  private readonly hashKey: HashKeySource;

  constructor(name: string, config: ServiceConfig, upstreams: UpstreamRuntime) {
    this.name = name;
    this.config = config;
    const poolOptions = {
      connectTimeoutMs: config.connectTimeoutMs ?? SERVICE_DEFAULTS.connectTimeoutMs,
      streamIdleTimeoutMs: config.streamIdleTimeoutMs ?? SERVICE_DEFAULTS.streamIdleTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs ?? SERVICE_DEFAULTS.keepAliveTimeoutMs,
      maxIdleConnections: config.maxIdleConnections ?? SERVICE_DEFAULTS.maxIdleConnections,
    };
    this.endpoints = config.endpoints.map((e): PooledEndpoint => {
      const address = typeof e === 'string' ? e : e.address;
      const weight = typeof e === 'string' ? 1 : (e.weight ?? 1);
      const parsed = parseAddress(address);
      if (parsed === null) throw new Error(`service "${name}": invalid endpoint address "${address}"`);
      return Object.freeze({
        address,
        host: parsed.host,
        port: parsed.port,
        hostIsIp: parsed.hostIsIp,
        weight,
        state: upstreams.states.get(name, address),
        pool: upstreams.pools.get(parsed.host, parsed.port, poolOptions),
      });
    });
    const lb = config.loadBalancer ?? SERVICE_DEFAULTS.loadBalancer;
    this.balancer = createBalancer(lb, this.endpoints);
    this.hashKey = compileHashKey(lb);
    this.bulkhead =
      config.maxConcurrentRequests === undefined
        ? null
        : upstreams.bulkhead(name, config.maxConcurrentRequests, config.maxPendingRequests ?? 0, config.queueTimeoutMs ?? 1000);
    this.outlier = createOutlierDetector(name, config.outlierDetection, this.endpoints.map((e) => e.state), upstreams.logger, upstreams.counters.outlierEjections.child(name));
    this.load = upstreams.load(name);
    this.circuitBreaker = config.circuitBreaker ?? null;
  }

  // Hot path, change with care.
  pick(ctx: RequestContext, exclude: PooledEndpoint | null): PooledEndpoint | null {
    const key = this.hashKey === null ? null : hashKeyOf(this.hashKey, ctx);
    return this.balancer.pick(exclude, key) as PooledEndpoint | null;
  }
}

function compileHashKey(lb: LoadBalancerConfig): HashKeySource {
  if (typeof lb === 'string') return null;
  const key = lb.key;
  if (key === 'ip') return { kind: 'ip' };
  if (key.startsWith('header:')) return { kind: 'header', lower: key.slice(7).toLowerCase() };
  return { kind: 'cookie', name: key.slice(7) };
}

function hashKeyOf(source: NonNullable<HashKeySource>, ctx: RequestContext): string | null {
  switch (source.kind) {
    case 'ip':
      return ctx.clientAddress;
    case 'header':
      return headerValue(ctx.rawHeaders, source.lower);
    case 'cookie': {
      const cookies = headerValue(ctx.rawHeaders, 'cookie');
      return cookies === null ? null : cookieValue(cookies, source.name);
    }
  }
}

/** One cookie's value from a Cookie header (`a=1; sid=xyz`), or null. */
export function cookieValue(header: string, name: string): string | null {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq > start && eq < end && header.slice(start, eq).trim() === name) return header.slice(eq + 1, end).trim();
    start = end + 1;
  }
  return null;
}
