/**
 * One config version compiled into an immutable snapshot. A request reads the current snapshot
 * once when it starts and keeps it, so in-flight requests finish on the version they began with.
 */
import type { GatewayConfig, RouteConfig } from '../config/schema/index.js';
import { compileRewrite, type PathRewriter } from '../dataplane/rewrite.js';
import { buildRouter } from '../routing/router.js';
import type { Router, RouterEntry } from '../routing/types.js';
import type { UpstreamRuntime } from '../upstream/runtime.js';
import { breakerSettings, type CircuitBreaker, type TransitionListener } from '../policies/circuit-breaker/breaker.js';
import { CompiledFault } from '../policies/fault/fault.js';
import { compileRateLimits } from '../policies/rate-limit/compile.js';
import { RouteRateLimiter } from '../policies/rate-limit/runtime.js';
import { CompiledRetryPolicy, RetryBudget } from '../policies/retry/policy.js';
import { UpstreamService } from '../upstream/service.js';

export const DEFAULTS = Object.freeze({
  listenHost: '0.0.0.0',
  listenPort: 8080,
  adminHost: '127.0.0.1',
  adminPort: 9901,
  timeoutSeconds: 30,
  maxHeaderBytes: 16384,
  maxBodyBytes: 0,
  drainDelaySeconds: 0,
  drainTimeoutSeconds: 30,
  keepAliveTimeoutSeconds: 60,
});

/** A route compiled for the hot path: every field set in the constructor (one object shape). */
export class CompiledRoute {
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
  /** Global and route rate limits bound to the process's store, or null when none applies. */
  readonly rateLimiter: RouteRateLimiter | null;

  constructor(
    config: RouteConfig, index: number, service: UpstreamService, gatewayMaxBody: number, upstreams: UpstreamRuntime, breakerKeys: Set<string>,
    gateway: GatewayConfig,
  ) {
    this.name = config.name ?? `route-${index}`;
    this.index = index;
    this.service = service;
    this.timeoutMs = Math.round((config.timeoutSeconds ?? DEFAULTS.timeoutSeconds) * 1000);
    this.maxBodyBytes = config.maxBodyBytes ?? gatewayMaxBody;
    this.rewrite = compileRewrite(config);
    this.hostRewrite = config.hostRewrite ?? null;
    this.retry = config.retryPolicy === undefined ? null : new CompiledRetryPolicy(config.retryPolicy);
    this.retryBudget = this.retry === null ? null : new RetryBudget(this.retry.budgetPercent);
    this.fault = config.fault === undefined || (config.fault.delay === undefined && config.fault.abort === undefined)
      ? null
      : new CompiledFault(config.fault, Math.random, upstreams.counters.faultDelays.child(this.name));
    // A route's own breaker wins; otherwise the service's applies (one per service, shared by its routes).
    const cb = config.circuitBreaker ?? service.circuitBreaker;
    let breaker: CircuitBreaker | null = null;
    let endpointBreakers: Map<string, CircuitBreaker> | null = null;
    if (cb !== null && cb !== undefined) {
      const settings = breakerSettings(cb);
      const owner = config.circuitBreaker !== undefined ? `route:${this.name}|service:${service.name}` : `service:${service.name}`;
      // The route label is set only for a route's own breaker; a service's is shared by its routes.
      const routeLabel = config.circuitBreaker !== undefined ? this.name : '';
      if (cb.scope === 'endpoint') {
        endpointBreakers = new Map();
        for (const e of service.endpoints) {
          const key = `${owner}|endpoint:${e.address}`;
          breakerKeys.add(key);
          endpointBreakers.set(e.address, upstreams.breakers.get(key, settings, breakerListener(upstreams, routeLabel, service.name, e.address)));
        }
      } else {
        breakerKeys.add(owner);
        breaker = upstreams.breakers.get(owner, settings, breakerListener(upstreams, routeLabel, service.name, ''));
      }
    }
    this.breaker = breaker;
    this.endpointBreakers = endpointBreakers;
    const limits = compileRateLimits(config, this.name, gateway);
    this.rateLimiter = limits === null ? null : new RouteRateLimiter(limits, upstreams.rateLimits);
  }
}

/** Breaker transitions are gateway events: logged as structured lines and counted. */
function breakerListener(upstreams: UpstreamRuntime, route: string, service: string, endpoint: string): TransitionListener {
  const counters = upstreams.counters.breaker(route, service, endpoint);
  return (breaker, from, to) => {
    counters.record(from, to);
    upstreams.logger?.warn({ event: 'circuit_breaker', breaker: breaker.name, from, to }, `circuit breaker ${breaker.name}: ${from} -> ${to}`);
  };
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
export function compileSnapshot(config: GatewayConfig, version: number, upstreams: UpstreamRuntime): Snapshot {
  const services = new Map<string, UpstreamService>();
  for (const [name, svc] of Object.entries(config.services ?? {})) services.set(name, new UpstreamService(name, svc, upstreams));
  const gatewayMaxBody = config.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const routes: CompiledRoute[] = [];
  const breakerKeys = new Set<string>();
  const entries: RouterEntry<CompiledRoute>[] = [];
  (config.routes ?? []).forEach((rc, index) => {
    let service = services.get(rc.backendService);
    if (service === undefined) {
      // The seed's shorthand: a literal host:port is a one-endpoint service of its own.
      service = new UpstreamService(rc.backendService, { endpoints: [rc.backendService] }, upstreams);
      services.set(rc.backendService, service);
    }
    const route = new CompiledRoute(rc, index, service, gatewayMaxBody, upstreams, breakerKeys, config);
    routes.push(route);
    entries.push({ config: rc, index, value: route });
  });
  // Everything that can throw comes before pools.retain(): a version that fails to compile
  // must leave the pools and endpoint states of the serving version alone.
  const router = buildRouter(entries);
  const frozenConfig = deepFreeze(structuredClone(config));
  const poolKeys = new Set<string>();
  const stateKeys = new Set<string>();
  for (const svc of services.values()) {
    for (const e of svc.endpoints) {
      poolKeys.add(`${e.host}:${e.port}`);
      stateKeys.add(`${svc.name}|${e.address}`);
    }
  }
  upstreams.pools.retain(poolKeys);
  upstreams.states.retain(stateKeys);
  upstreams.breakers.retain(breakerKeys);
  upstreams.rateLimits.configure(config.rateLimitStore);
  upstreams.retainServices(new Set(services.keys()));
  return Object.freeze({
    version,
    config: frozenConfig,
    router,
    routes: Object.freeze(routes),
    services,
    maxHeaderBytes: config.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes,
    keepAliveTimeoutMs: DEFAULTS.keepAliveTimeoutSeconds * 1000,
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
