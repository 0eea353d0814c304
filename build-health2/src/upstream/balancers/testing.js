import { EndpointState } from '../endpoint-state.js';
/** Endpoints named by address (e.g. `a:1`), weight 1 unless given. */
export function makeEndpoints(specs, service = 'svc') {
    return specs.map((s) => {
        const address = typeof s === 'string' ? s : s.address;
        const weight = typeof s === 'string' ? 1 : (s.weight ?? 1);
        const colon = address.lastIndexOf(':');
        return Object.freeze({
            address,
            host: address.slice(0, colon),
            port: Number(address.slice(colon + 1)),
            weight,
            state: new EndpointState(service, address),
        });
    });
}
/** `n` endpoints `10.0.0.<i+1>:8080` with the given weights (or all 1). */
export function numberedEndpoints(n, weights) {
    return makeEndpoints(Array.from({ length: n }, (_, i) => ({ address: `10.0.0.${i + 1}:8080`, weight: weights?.[i] ?? 1 })));
}
/** Marks an endpoint in or out of the rotation (as health checks would). */
export function setAvailable(e, available) {
    e.state.healthy = available;
}
/** The addresses of `picks` consecutive picks (null when the balancer returned none). */
export function pickSequence(b, picks, exclude = null, hashKey = null) {
    const out = [];
    for (let i = 0; i < picks; i++)
        out.push(b.pick(exclude, hashKey)?.address ?? null);
    return out;
}
/** How often each address was picked, in `picks` picks (every endpoint listed, 0 when never). */
export function countPicks(b, endpoints, picks, hashKey = null) {
    const counts = new Map(endpoints.map((e) => [e.address, 0]));
    for (let i = 0; i < picks; i++) {
        const e = b.pick(null, hashKey);
        if (e === null)
            throw new Error('balancer returned null');
        counts.set(e.address, counts.get(e.address) + 1);
    }
    return counts;
}
/** The longest run of `value` in the sequence. */
export function maxRun(sequence, value) {
    let best = 0;
    let run = 0;
    for (const v of sequence) {
        run = v === value ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}
/** Shares in percent, rounded to 0.01, for diagnostics. */
export function percentages(counts) {
    let total = 0;
    for (const c of counts.values())
        total += c;
    const out = {};
    for (const [k, c] of counts)
        out[k] = Math.round((c / total) * 10000) / 100;
    return out;
}
//# sourceMappingURL=testing.js.map