import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import type { RandomSource } from './rng.js';
/**
 * Least request by the power of two choices (Envoy's `LEAST_REQUEST` with `choice_count: 2`):
 * draw two distinct available endpoints at random, send to the one with fewer requests in flight
 * (`state.outstanding`). Nearly as good as scanning for the global minimum, O(1), and without the
 * herd effect of every worker sending to the same least-loaded endpoint.
 *
 * Weights: when they differ, the load compared is `(outstanding + 1) / weight` (Envoy's active
 * request bias of 1), so an endpoint of weight 3 counts as less loaded than one of weight 1 with
 * the same requests in flight. Ties go to the heavier endpoint, then to a coin flip.
 *
 * `random` is injectable (default `Math.random`) so tests can use a seeded source.
 */
export declare class LeastRequestBalancer implements Balancer {
    private readonly endpoints;
    private readonly weights;
    private readonly uniform;
    private readonly random;
    /** Scratch for the slow path: indices of the candidates. Allocated once. */
    private readonly candidates;
    constructor(endpoints: readonly Endpoint[], random?: RandomSource);
    pick(exclude: Endpoint | null): Endpoint | null;
    private lessLoaded;
}
