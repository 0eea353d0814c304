import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
/**
 * Smooth weighted round-robin (nginx's algorithm), for `round-robin` and `weighted`.
 *
 * Each pick, every candidate (available, not excluded) adds its weight to its `current` credit;
 * the one with the most credit wins and pays back the sum of the candidates' weights. Weights 1:3
 * give the repeating order B A B B: interleaved, never in bursts. Equal weights take a plain
 * rotating-index path that gives the same order for less work.
 *
 * Availability: an endpoint that is out (unhealthy, ejected) is not a candidate, so it earns no
 * credit while out, and the others share its load in proportion to their weights. Its credit is
 * frozen, not reset, as nginx does: the sum of all credits stays 0 (each round adds and takes
 * back the same total), so every credit stays bounded and the endpoint rejoins in the interleaved
 * order at once, without a catch-up burst. An excluded endpoint (a retry moving away from it) sits
 * out that one round in the same way.
 *
 * O(number of endpoints) per weighted pick; fine for the tens to hundreds of endpoints a service
 * has (Envoy's EDF scheduler is O(log n) but needs a heap rebuilt whenever availability changes).
 */
export declare class RoundRobinBalancer implements Balancer {
    private readonly endpoints;
    private readonly weights;
    /** Smooth WRR credit per endpoint (unused on the uniform path). */
    private readonly current;
    private readonly uniform;
    /** Uniform path: the index to try first. */
    private next;
    constructor(endpoints: readonly Endpoint[]);
    pick(exclude: Endpoint | null): Endpoint | null;
    private pickUniform;
    private pickWeighted;
}
