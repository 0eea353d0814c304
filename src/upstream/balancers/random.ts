import type { Endpoint } from '../endpoint.js';
import { weightsOf, type Balancer } from './balancer.js';
import type { RandomSource } from '../../util/random.js';

/**
 * Weighted random among the available endpoints: endpoint i is picked with probability
 * weight_i / (sum of the candidates' weights). Stateless between picks, so it needs no
 * coordination and keeps no memory of endpoints that come and go.
 *
 * `random` is injectable (default `Math.random`) so tests can use a seeded source.
 */
export class RandomBalancer implements Balancer {
  private readonly endpoints: readonly Endpoint[];
  private readonly weights: Float64Array;
  /** cumulative[i] = weights[0] + ... + weights[i]. */
  private readonly cumulative: Float64Array;
  private readonly totalWeight: number;
  private readonly uniform: boolean;
  private readonly random: RandomSource;

  constructor(endpoints: readonly Endpoint[], random: RandomSource = Math.random) {
    this.endpoints = endpoints;
    const { weights, uniform } = weightsOf(endpoints);
    this.weights = weights;
    this.cumulative = new Float64Array(endpoints.length);
    let sum = 0;
    for (let i = 0; i < endpoints.length; i++) this.cumulative[i] = sum += this.weights[i]!;
    this.totalWeight = sum;
    this.uniform = uniform;
    this.random = random;
  }

  // Hot path, change with care: no allocation per call.
  pick(exclude: Endpoint | null): Endpoint | null {
    const endpoints = this.endpoints;
    const n = endpoints.length;
    if (n === 0) return null;
    // Fast path: draw over all endpoints; keep the draw when it is a candidate. Together with the
    // slow path below this is exactly weighted over the candidates (a rejected draw is redrawn).
    const first = endpoints[this.uniform ? (this.random() * n) | 0 : this.drawIndex(this.random() * this.totalWeight)]!;
    if (first !== exclude && first.state.available) return first;
    return this.pickAmongCandidates(exclude);
  }

  // Hot path: first index whose cumulative weight exceeds x (binary search).
  private drawIndex(x: number): number {
    const cumulative = this.cumulative;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  // Slow path (some endpoint is out or excluded): two passes, no allocation.
  private pickAmongCandidates(exclude: Endpoint | null): Endpoint | null {
    const endpoints = this.endpoints;
    const weights = this.weights;
    const n = endpoints.length;
    let sum = 0;
    let excludeAvailable = false;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const e = endpoints[i]!;
      if (!e.state.available) continue;
      if (e === exclude) {
        excludeAvailable = true;
        continue;
      }
      sum += weights[i]!;
      last = i;
    }
    if (last < 0) return excludeAvailable ? exclude : null;
    let x = this.random() * sum;
    for (let i = 0; i < last; i++) {
      const e = endpoints[i]!;
      if (e === exclude || !e.state.available) continue;
      x -= weights[i]!;
      if (x < 0) return e;
    }
    return endpoints[last]!;
  }
}
