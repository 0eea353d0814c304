import { parseAddress, type Endpoint } from '../endpoint.js';
import { EndpointState } from '../endpoint-state.js';
import type { Balancer } from './balancer.js';

/**
 * Helpers for balancer tests and simulations: plain endpoints with their own live state, pick
 * counting and run lengths. No test framework here, so it is safe to import from anywhere.
 */

export type EndpointSpec = string | { readonly address: string; readonly weight?: number };

/** Endpoints named by address (e.g. `a:1`), weight 1 unless given. */
export function makeEndpoints(specs: readonly EndpointSpec[], service = 'svc'): Endpoint[] {
  return specs.map((s) => {
    const address = typeof s === 'string' ? s : s.address;
    const weight = typeof s === 'string' ? 1 : (s.weight ?? 1);
    const parsed = parseAddress(address);
    if (parsed === null) throw new Error(`not host:port: ${address}`);
    return Object.freeze({
      address,
      ...parsed,
      weight,
      state: new EndpointState(service, address),
    });
  });
}

/** `n` endpoints `10.0.0.<i+1>:8080` with the given weights (or all 1). */
export function numberedEndpoints(n: number, weights?: readonly number[]): Endpoint[] {
  return makeEndpoints(Array.from({ length: n }, (_, i) => ({ address: `10.0.0.${i + 1}:8080`, weight: weights?.[i] ?? 1 })));
}

/** Marks an endpoint in or out of the rotation (as health checks would). */
export function setAvailable(e: Endpoint, available: boolean): void {
  e.state.healthy = available;
}

/** The addresses of `picks` consecutive picks (null when the balancer returned none). */
export function pickSequence(b: Balancer, picks: number, exclude: Endpoint | null = null, hashKey: string | null = null): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = 0; i < picks; i++) out.push(b.pick(exclude, hashKey)?.address ?? null);
  return out;
}

/** How often each address was picked, in `picks` picks (every endpoint listed, 0 when never). */
export function countPicks(b: Balancer, endpoints: readonly Endpoint[], picks: number, hashKey: string | null = null): Map<string, number> {
  const counts = new Map<string, number>(endpoints.map((e) => [e.address, 0]));
  for (let i = 0; i < picks; i++) {
    const e = b.pick(null, hashKey);
    if (e === null) throw new Error('balancer returned null');
    counts.set(e.address, counts.get(e.address)! + 1);
  }
  return counts;
}

/** The longest run of `value` in the sequence. */
export function maxRun<T>(sequence: readonly T[], value: T): number {
  let best = 0;
  let run = 0;
  for (const v of sequence) {
    run = v === value ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** Shares in percent, rounded to 0.01, for diagnostics. */
export function percentages(counts: ReadonlyMap<string, number>): Record<string, number> {
  let total = 0;
  for (const c of counts.values()) total += c;
  const out: Record<string, number> = {};
  for (const [k, c] of counts) out[k] = Math.round((c / total) * 10000) / 100;
  return out;
}
