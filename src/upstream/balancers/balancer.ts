import type { Endpoint } from '../endpoint.js';

/**
 * The seam every load balancer implements. A balancer is built once per config version over the
 * service's endpoints and picks one per attempt. Hot path, change with care.
 *
 * - Endpoints whose `state.available` is false (unhealthy or ejected) are skipped; when none is
 *   available, `pick` returns null (the caller answers 503).
 * - `exclude` is the endpoint a retry is moving away from: avoid it when another is available,
 *   but return it when it is the only available one (a retry on the same endpoint beats none).
 * - `hashKey` is the request's key for consistent hashing (null for the other balancers, or when
 *   the request has no such header/cookie: then the consistent-hash balancer picks at random).
 */
export interface Balancer {
  pick(exclude: Endpoint | null, hashKey: string | null): Endpoint | null;
}

/** The endpoints' weights (read on the hot path as a typed array), and whether they are all equal. */
export function weightsOf(endpoints: readonly Endpoint[]): { readonly weights: Float64Array; readonly uniform: boolean } {
  return {
    weights: Float64Array.from(endpoints, (e) => e.weight),
    uniform: endpoints.every((e) => e.weight === endpoints[0]!.weight),
  };
}
