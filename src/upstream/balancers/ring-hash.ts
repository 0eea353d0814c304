import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import { answerWithoutCandidates, indicesByAddress, walkToCandidate } from './consistent-hash.js';
import { murmur3 } from './hash.js';
import type { RandomSource } from '../../util/random.js';

export interface RingHashOptions {
  /** Points on the ring per unit of weight (ketama uses 160). Default 160. */
  readonly pointsPerWeight?: number;
  /** Cap on the ring size; weights are scaled down (each endpoint keeps at least one point). Default 2^18. */
  readonly maxPoints?: number;
}

export const RING_DEFAULTS = Object.freeze({ pointsPerWeight: 160, maxPoints: 1 << 18 });

/** Packs (hash, rank) into one float64 so a typed-array sort orders by hash, then by rank: 32 + 21 bits. */
const RANK_SPACE = 1 << 21;

/**
 * Consistent hashing on a ring (ketama-style, Envoy's `RING_HASH`): each endpoint owns
 * `weight * 160` points hashed from its address (murmur3 with the point number as seed); a key
 * goes to the first point at or after its own hash, found by binary search. Removing one of N
 * endpoints moves only its ~1/N of the keys; adding one takes ~1/(N+1), all from the others.
 *
 * When the key's endpoint is out or excluded, the walk goes on to the next point of another
 * candidate, so keys of healthy endpoints never move. Without a key (`hashKey` null) a random point
 * is drawn: a random endpoint, weighted.
 *
 * Built once per config version: sorting `points` is O(P log P), about 48,000 points for 300
 * endpoints of weight 1.
 */
export class RingHashBalancer implements Balancer {
  private readonly endpoints: readonly Endpoint[];
  /** Ring positions, ascending. */
  private readonly points: Uint32Array;
  /** owners[p] = index in `endpoints` of the endpoint owning points[p]. */
  private readonly owners: Uint16Array;
  private readonly random: RandomSource;

  constructor(endpoints: readonly Endpoint[], options: RingHashOptions = {}, random: RandomSource = Math.random) {
    this.endpoints = endpoints;
    this.random = random;
    const order = indicesByAddress(endpoints);
    const pointsPerWeight = options.pointsPerWeight ?? RING_DEFAULTS.pointsPerWeight;
    const maxPoints = options.maxPoints ?? RING_DEFAULTS.maxPoints;
    let totalWeight = 0;
    for (const e of endpoints) totalWeight += e.weight;
    const perWeight = totalWeight > 0 ? Math.min(pointsPerWeight, maxPoints / totalWeight) : 0;
    const counts = endpoints.map((e) => Math.max(1, Math.round(e.weight * perWeight)));
    let total = 0;
    for (const c of counts) total += c;
    const keys = new Float64Array(total);
    let p = 0;
    for (let rank = 0; rank < order.length; rank++) {
      const i = order[rank]!;
      const address = endpoints[i]!.address;
      for (let k = 0; k < counts[i]!; k++) keys[p++] = murmur3(address, k) * RANK_SPACE + rank;
    }
    keys.sort();
    this.points = new Uint32Array(total);
    this.owners = new Uint16Array(total);
    for (let q = 0; q < total; q++) {
      const key = keys[q]!;
      const rank = key % RANK_SPACE;
      this.points[q] = (key - rank) / RANK_SPACE;
      this.owners[q] = order[rank]!;
    }
  }

  /** Points on the ring (for tests and the admin view). */
  get size(): number {
    return this.points.length;
  }

  // Hot path, change with care: no allocation per call.
  pick(exclude: Endpoint | null, hashKey: string | null): Endpoint | null {
    const points = this.points;
    const len = points.length;
    if (len === 0) return null;
    const h = hashKey === null ? (this.random() * 4294967296) >>> 0 : murmur3(hashKey);
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    if (lo === len) lo = 0;
    const e = this.endpoints[this.owners[lo]!]!;
    if (e !== exclude && e.state.available) return e;
    const none = answerWithoutCandidates(this.endpoints, exclude);
    return none !== undefined ? none : walkToCandidate(this.endpoints, this.owners, lo, exclude);
  }
}
