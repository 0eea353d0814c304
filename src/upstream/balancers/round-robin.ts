import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';

/**
 * Smooth weighted round-robin (the nginx algorithm): with weights 1:3 the order is
 * B A B B, interleaved rather than in bursts. Equal weights degrade to plain round-robin.
 */
export class RoundRobinBalancer implements Balancer {
  private readonly endpoints: readonly Endpoint[];
  private readonly current: Float64Array;
  private readonly totalWeight: number;
  private readonly uniform: boolean;
  private next = 0;

  constructor(endpoints: readonly Endpoint[]) {
    this.endpoints = endpoints;
    this.current = new Float64Array(endpoints.length);
    this.totalWeight = endpoints.reduce((sum, e) => sum + e.weight, 0);
    this.uniform = endpoints.every((e) => e.weight === endpoints[0]!.weight);
  }

  // Hot path, change with care.
  pick(exclude: Endpoint | null): Endpoint | null {
    const n = this.endpoints.length;
    if (n === 0) return null;
    if (n === 1) return exclude === this.endpoints[0] ? null : this.endpoints[0]!;
    if (this.uniform) {
      for (let i = 0; i < n; i++) {
        const e = this.endpoints[this.next]!;
        this.next = (this.next + 1) % n;
        if (e !== exclude) return e;
      }
      return null;
    }
    let best = -1;
    for (let i = 0; i < n; i++) {
      const e = this.endpoints[i]!;
      if (e === exclude) continue;
      this.current[i]! += e.weight;
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best < 0) return null;
    this.current[best]! -= exclude === null ? this.totalWeight : this.totalWeight - exclude.weight;
    return this.endpoints[best]!;
  }
}
