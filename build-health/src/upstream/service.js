import { createBalancer } from './balancers/index.js';
import { parseAddress } from './endpoint.js';
import { createOutlierDetector } from './health/outlier.js';
export const SERVICE_DEFAULTS = Object.freeze({
    loadBalancer: 'round-robin',
    connectTimeoutMs: 5000,
    keepAliveTimeoutMs: 4000,
    maxIdleConnections: 256,
});
/** A named upstream service, compiled once per config version. */
export class UpstreamService {
    name;
    config;
    endpoints;
    balancer;
    /** Bulkhead (maxConcurrentRequests/maxPendingRequests), or null when unlimited. */
    bulkhead;
    outlier;
    load;
    /** The service-level circuit breaker config, inherited by routes without their own. */
    circuitBreaker;
    hashKey;
    constructor(name, config, upstreams) {
        this.name = name;
        this.config = config;
        const poolOptions = {
            connectTimeoutMs: config.connectTimeoutMs ?? SERVICE_DEFAULTS.connectTimeoutMs,
            keepAliveTimeoutMs: config.keepAliveTimeoutMs ?? SERVICE_DEFAULTS.keepAliveTimeoutMs,
            maxIdleConnections: config.maxIdleConnections ?? SERVICE_DEFAULTS.maxIdleConnections,
        };
        this.endpoints = config.endpoints.map((e) => {
            const address = typeof e === 'string' ? e : e.address;
            const weight = typeof e === 'string' ? 1 : (e.weight ?? 1);
            const parsed = parseAddress(address);
            if (parsed === null)
                throw new Error(`service "${name}": invalid endpoint address "${address}"`);
            return Object.freeze({
                address,
                host: parsed.host,
                port: parsed.port,
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
        this.outlier = createOutlierDetector(name, config.outlierDetection, this.endpoints.map((e) => e.state), upstreams.logger);
        this.load = upstreams.load(name);
        this.circuitBreaker = config.circuitBreaker ?? null;
    }
    // Hot path, change with care.
    pick(ctx, exclude) {
        const key = this.hashKey === null ? null : hashKeyOf(this.hashKey, ctx);
        return this.balancer.pick(exclude, key);
    }
}
function compileHashKey(lb) {
    if (typeof lb === 'string')
        return null;
    const key = lb.key;
    if (key === 'ip')
        return { kind: 'ip' };
    if (key.startsWith('header:'))
        return { kind: 'header', lower: key.slice(7).toLowerCase() };
    return { kind: 'cookie', name: key.slice(7) };
}
function hashKeyOf(source, ctx) {
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
/** The first value of a header (lower-case name) in a raw header list, or null. */
export function headerValue(raw, lower) {
    for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i];
        if (name.length === lower.length && name.toLowerCase() === lower)
            return raw[i + 1];
    }
    return null;
}
/** One cookie's value from a Cookie header (`a=1; sid=xyz`), or null. */
export function cookieValue(header, name) {
    let start = 0;
    while (start < header.length) {
        let end = header.indexOf(';', start);
        if (end < 0)
            end = header.length;
        const eq = header.indexOf('=', start);
        if (eq > start && eq < end && header.slice(start, eq).trim() === name)
            return header.slice(eq + 1, end).trim();
        start = end + 1;
    }
    return null;
}
//# sourceMappingURL=service.js.map