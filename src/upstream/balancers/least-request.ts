import type { Endpoint } from '../endpoint.js';
import { weightsOf, type Balancer } from './balancer.js';
import type { RandomSource } from '../../util/random.js';

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
export class LeastRequestBalancer implements Balancer {
  private readonly endpoints: readonly Endpoint[];
  private readonly weights: Float64Array;
  private readonly uniform: boolean;
  private readonly random: RandomSource;
  /** Scratch for the slow path: indices of the candidates. Allocated once. */
  private readonly candidates: Int32Array;

  constructor(endpoints: readonly Endpoint[], random: RandomSource = Math.random) {
    this.endpoints = endpoints;
    const { weights, uniform } = weightsOf(endpoints);
    this.weights = weights;
    this.uniform = uniform;
    this.random = random;
    this.candidates = new Int32Array(endpoints.length);
  }

  // Hot path, change with care: no allocation per call.
  pick(exclude: Endpoint | null): Endpoint | null {
    const endpoints = this.endpoints;
    const n = endpoints.length;
    if (n === 0) return null;
    if (n === 1) {
      const only = endpoints[0]!;
      return only.state.available ? only : null;
    }
    // Fast path: two distinct indices drawn over all endpoints; taken when both are candidates.
    let i = (this.random() * n) | 0;
    let j = (this.random() * (n - 1)) | 0;
    if (j >= i) j++;
    const a = endpoints[i]!;
    const b = endpoints[j]!;
    if (a !== exclude && b !== exclude && a.state.available && b.state.available) return this.lessLoaded(i, j);
    // Slow path: draw the pair among the candidates only (so the result stays uniform over them).
    const candidates = this.candidates;
    let k = 0;
    let excludeAvailable = false;
    for (let x = 0; x < n; x++) {
      const e = endpoints[x]!;
      if (!e.state.available) continue;
      if (e === exclude) {
        excludeAvailable = true;
        continue;
      }
      candidates[k++] = x;
    }
    if (k === 0) return excludeAvailable ? exclude : null;
    if (k === 1) return endpoints[candidates[0]!]!;
    i = (this.random() * k) | 0;
    j = (this.random() * (k - 1)) | 0;
    if (j >= i) j++;
    return this.lessLoaded(candidates[i]!, candidates[j]!);
  }

  // Hot path, change with care.
  private lessLoaded(i: number, j: number): Endpoint {
    const a = this.endpoints[i]!;
    const b = this.endpoints[j]!;
    if (this.uniform) {
      const la = a.state.outstanding;
      const lb = b.state.outstanding;
      if (la !== lb) return la < lb ? a : b;
    } else {
      const wa = this.weights[i]!;
      const wb = this.weights[j]!;
      const la = (a.state.outstanding + 1) / wa;
      const lb = (b.state.outstanding + 1) / wb;
      if (la !== lb) return la < lb ? a : b;
      if (wa !== wb) return wa > wb ? a : b;
    }
    return this.random() < 0.5 ? a : b;
  }
}
