import type { Endpoint } from '../endpoint.js';
import { weightsOf, type Balancer } from './balancer.js';

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
export class RoundRobinBalancer implements Balancer {
  private readonly endpoints: readonly Endpoint[];
  private readonly weights: Float64Array;
  /** Smooth WRR credit per endpoint (unused on the uniform path). */
  private readonly current: Float64Array;
  private readonly uniform: boolean;
  /** Uniform path: the index to try first. */
  private next = 0;

  constructor(endpoints: readonly Endpoint[]) {
    this.endpoints = endpoints;
    const { weights, uniform } = weightsOf(endpoints);
    this.weights = weights;
    this.current = new Float64Array(endpoints.length);
    this.uniform = uniform;
  }

  // Hot path, change with care: no allocation per call.
  pick(exclude: Endpoint | null): Endpoint | null {
    if (this.endpoints.length === 0) return null;
    return this.uniform ? this.pickUniform(exclude) : this.pickWeighted(exclude);
  }

  // Hot path, change with care.
  private pickUniform(exclude: Endpoint | null): Endpoint | null {
    const endpoints = this.endpoints;
    const n = endpoints.length;
    let i = this.next;
    let excludeAvailable = false;
    for (let tried = 0; tried < n; tried++) {
      const e = endpoints[i]!;
      i = i + 1 === n ? 0 : i + 1;
      if (!e.state.available) continue;
      if (e === exclude) {
        excludeAvailable = true;
        continue;
      }
      this.next = i;
      return e;
    }
    return excludeAvailable ? exclude : null;
  }

  // Hot path, change with care.
  private pickWeighted(exclude: Endpoint | null): Endpoint | null {
    const endpoints = this.endpoints;
    const weights = this.weights;
    const current = this.current;
    const n = endpoints.length;
    let best = -1;
    let bestCredit = 0;
    let total = 0;
    let excludeAvailable = false;
    for (let i = 0; i < n; i++) {
      const e = endpoints[i]!;
      if (!e.state.available) continue;
      if (e === exclude) {
        excludeAvailable = true;
        continue;
      }
      const w = weights[i]!;
      const credit = current[i]! + w;
      current[i] = credit;
      total += w;
      if (best < 0 || credit > bestCredit) {
        best = i;
        bestCredit = credit;
      }
    }
    if (best < 0) return excludeAvailable ? exclude : null;
    current[best] = bestCredit - total;
    return endpoints[best]!;
  }
}
