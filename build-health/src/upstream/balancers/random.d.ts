import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import type { RandomSource } from './rng.js';
/**
 * Weighted random among the available endpoints: endpoint i is picked with probability
 * weight_i / (sum of the candidates' weights). Stateless between picks, so it needs no
 * coordination and keeps no memory of endpoints that come and go.
 *
 * `random` is injectable (default `Math.random`) so tests can use a seeded source.
 */
export declare class RandomBalancer implements Balancer {
    private readonly endpoints;
    private readonly weights;
    /** cumulative[i] = weights[0] + ... + weights[i]. */
    private readonly cumulative;
    private readonly totalWeight;
    private readonly uniform;
    private readonly random;
    constructor(endpoints: readonly Endpoint[], random?: RandomSource);
    pick(exclude: Endpoint | null): Endpoint | null;
    private drawIndex;
    private pickAmongCandidates;
}
