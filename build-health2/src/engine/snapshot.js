import { compileRewrite } from '../dataplane/rewrite.js';
import { buildRouter } from '../routing/router.js';
import { breakerSettings } from '../policies/circuit-breaker/breaker.js';
import { CompiledFault } from '../policies/fault/fault.js';
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
    name;
    index;
    service;
    timeoutMs;
    /** 0 = unlimited. */
    maxBodyBytes;
    rewrite;
    hostRewrite;
    retry;
    retryBudget;
    fault;
    /** Service-scoped breaker (route's own config, else the service's), or null. */
    breaker;
    /** Endpoint-scoped breakers by endpoint address, or null. */
    endpointBreakers;
    constructor(config, index, service, gatewayMaxBody, upstreams, breakerKeys) {
        this.name = config.name ?? `route-${index}`;
        this.index = index;
        this.service = service;
        this.timeoutMs = Math.round((config.timeoutSeconds ?? DEFAULTS.timeoutSeconds) * 1000);
        this.maxBodyBytes = config.maxBodyBytes ?? gatewayMaxBody;
        this.rewrite = compileRewrite(config);
        this.hostRewrite = config.hostRewrite ?? null;
        this.retry = config.retryPolicy === undefined ? null : new CompiledRetryPolicy(config.retryPolicy);
        this.retryBudget = this.retry === null ? null : new RetryBudget(this.retry.budgetPercent);
        this.fault = config.fault === undefined || (config.fault.delay === undefined && config.fault.abort === undefined) ? null : new CompiledFault(config.fault);
        // A route's own breaker wins; otherwise the service's applies (one per service, shared by its routes).
        const cb = config.circuitBreaker ?? service.circuitBreaker;
        let breaker = null;
        let endpointBreakers = null;
        if (cb !== null && cb !== undefined) {
            const settings = breakerSettings(cb);
            const owner = config.circuitBreaker !== undefined ? `route:${this.name}|service:${service.name}` : `service:${service.name}`;
            const onTransition = breakerLogger(upstreams);
            if (cb.scope === 'endpoint') {
                endpointBreakers = new Map();
                for (const e of service.endpoints) {
                    const key = `${owner}|endpoint:${e.address}`;
                    breakerKeys.add(key);
                    endpointBreakers.set(e.address, upstreams.breakers.get(key, settings, onTransition));
                }
            }
            else {
                breakerKeys.add(owner);
                breaker = upstreams.breakers.get(owner, settings, onTransition);
            }
        }
        this.breaker = breaker;
        this.endpointBreakers = endpointBreakers;
    }
}
/** Breaker transitions are gateway events: logged as structured lines. */
function breakerLogger(upstreams) {
    return (breaker, from, to) => {
        upstreams.logger?.warn({ event: 'circuit_breaker', breaker: breaker.name, from, to }, `circuit breaker ${breaker.name}: ${from} -> ${to}`);
    };
}
/** Compiles a validated config. Throws on problems validation could not see. */
export function compileSnapshot(config, version, upstreams) {
    const services = new Map();
    for (const [name, svc] of Object.entries(config.services ?? {}))
        services.set(name, new UpstreamService(name, svc, upstreams));
    const gatewayMaxBody = config.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
    const routes = [];
    const breakerKeys = new Set();
    const entries = [];
    (config.routes ?? []).forEach((rc, index) => {
        let service = services.get(rc.backendService);
        if (service === undefined) {
            // The seed's shorthand: a literal host:port is a one-endpoint service of its own.
            service = new UpstreamService(rc.backendService, { endpoints: [rc.backendService] }, upstreams);
            services.set(rc.backendService, service);
        }
        const route = new CompiledRoute(rc, index, service, gatewayMaxBody, upstreams, breakerKeys);
        routes.push(route);
        entries.push({ config: rc, index, value: route });
    });
    // Everything that can throw comes before pools.retain(): a version that fails to compile
    // must leave the pools and endpoint states of the serving version alone.
    const router = buildRouter(entries);
    const frozenConfig = deepFreeze(structuredClone(config));
    const poolKeys = new Set();
    const stateKeys = new Set();
    for (const svc of services.values()) {
        for (const e of svc.endpoints) {
            poolKeys.add(`${e.host}:${e.port}`);
            stateKeys.add(`${svc.name}|${e.address}`);
        }
    }
    upstreams.pools.retain(poolKeys);
    upstreams.states.retain(stateKeys);
    upstreams.breakers.retain(breakerKeys);
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
function deepFreeze(value) {
    if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value))
            deepFreeze(v);
    }
    return value;
}
//# sourceMappingURL=snapshot.js.map