import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import { answerWithoutCandidates, indicesByAddress, walkToCandidate } from './consistent-hash.js';
import { murmur3 } from './hash.js';
import type { RandomSource } from '../../util/random.js';

export interface MaglevOptions {
  /**
   * Lookup table size; must be prime. Default: the smallest of MAGLEV_TABLE_SIZES that is at least
   * 100 times the number of endpoints (the Maglev paper's advice), 65537 up to 655 endpoints.
   */
  readonly tableSize?: number;
}

/** Primes the default table size is chosen from. */
export const MAGLEV_TABLE_SIZES: readonly number[] = Object.freeze([65537, 131071, 262139, 524287, 1048573]);

/** Fallback: slots drawn by rehashing the key with seeds 1..REHASH_ATTEMPTS before walking the table. */
const REHASH_ATTEMPTS = 8;
const OFFSET_SEED = 0x9e3779b9;
const SKIP_SEED = 0x85ebca6b;

/**
 * Maglev consistent hashing (Google's Maglev paper, Envoy's `MAGLEV`): a lookup table of prime
 * size M is filled once per config version, each endpoint in turn taking the next free slot of
 * its own permutation of the table (offset and skip hashed from its address). A key goes to
 * `table[hash(key) % M]`: O(1), no search. Every endpoint gets a near-equal share of slots (or one
 * in proportion to its weight: Envoy's weighted fill, where an endpoint of half the top weight
 * takes a slot every other round), and a change of endpoints moves a little more than the ideal
 * 1/N of keys (the paper's trade: better balance, slightly more disruption than a ring).
 *
 * When the key's endpoint is out or excluded, the key is rehashed with seeds 1, 2, ... to other
 * slots until one belongs to a candidate (after 8 misses, the table is walked from there): keys
 * of healthy endpoints never move, and the displaced keys spread over the others in proportion to
 * their slots. (Walking to the next slot instead would not: neighbouring slots of a Maglev table
 * are correlated, and one neighbour would take twice the keys of another.) Without a key, random
 * slots are drawn.
 */
export class MaglevBalancer implements Balancer {
  private readonly endpoints: readonly Endpoint[];
  /** table[slot] = index in `endpoints`. */
  private readonly table: Uint16Array;
  private readonly random: RandomSource;

  constructor(endpoints: readonly Endpoint[], options: MaglevOptions = {}, random: RandomSource = Math.random) {
    this.endpoints = endpoints;
    this.random = random;
    const order = indicesByAddress(endpoints);
    const n = endpoints.length;
    const size = options.tableSize ?? MAGLEV_TABLE_SIZES.find((m) => m >= 100 * n) ?? MAGLEV_TABLE_SIZES[MAGLEV_TABLE_SIZES.length - 1]!;
    if (!isPrime(size)) throw new Error(`maglev: table size ${size} is not prime`);
    this.table = n === 0 ? new Uint16Array(0) : buildTable(endpoints, order, size);
  }

  /** Table slots (for tests and the admin view). */
  get size(): number {
    return this.table.length;
  }

  /** Slots owned by each endpoint, in endpoint order (for tests and the admin view). */
  slotCounts(): number[] {
    const counts = new Array<number>(this.endpoints.length).fill(0);
    for (let s = 0; s < this.table.length; s++) counts[this.table[s]!]!++;
    return counts;
  }

  // Hot path, change with care: no allocation per call.
  pick(exclude: Endpoint | null, hashKey: string | null): Endpoint | null {
    const table = this.table;
    const size = table.length;
    if (size === 0) return null;
    const slot = hashKey === null ? (this.random() * size) | 0 : murmur3(hashKey) % size;
    const e = this.endpoints[table[slot]!]!;
    if (e !== exclude && e.state.available) return e;
    return this.fallback(exclude, hashKey, slot);
  }

  // Hot path (when the first choice is out), change with care: no allocation.
  private fallback(exclude: Endpoint | null, hashKey: string | null, slot: number): Endpoint | null {
    const none = answerWithoutCandidates(this.endpoints, exclude);
    if (none !== undefined) return none;
    const table = this.table;
    const size = table.length;
    for (let attempt = 1; attempt <= REHASH_ATTEMPTS; attempt++) {
      slot = hashKey === null ? (this.random() * size) | 0 : murmur3(hashKey, attempt) % size;
      const e = this.endpoints[table[slot]!]!;
      if (e !== exclude && e.state.available) return e;
    }
    return walkToCandidate(this.endpoints, table, slot, exclude);
  }
}

/** Envoy's weighted Maglev fill. O(M log M) probes for equal weights. */
function buildTable(endpoints: readonly Endpoint[], order: readonly number[], size: number): Uint16Array {
  const n = order.length;
  const offset = new Float64Array(n);
  const skip = new Float64Array(n);
  /** Next position of each endpoint's permutation: offset + j * skip (mod size), kept incrementally. */
  const position = new Float64Array(n);
  const weight = new Float64Array(n);
  const target = new Float64Array(n);
  let maxWeight = 0;
  for (let r = 0; r < n; r++) {
    const e = endpoints[order[r]!]!;
    offset[r] = murmur3(e.address, OFFSET_SEED) % size;
    skip[r] = (murmur3(e.address, SKIP_SEED) % (size - 1)) + 1;
    position[r] = offset[r]!;
    weight[r] = e.weight > 0 ? e.weight : 0;
    if (weight[r]! > maxWeight) maxWeight = weight[r]!;
  }
  if (maxWeight === 0) weight.fill((maxWeight = 1));
  const table = new Int32Array(size).fill(-1);
  let filled = 0;
  for (let round = 1; filled < size; round++) {
    for (let r = 0; r < n && filled < size; r++) {
      // An endpoint of the top weight takes a slot every round, one of a third of it every third.
      if (weight[r] === 0 || round * weight[r]! < target[r]!) continue;
      target[r]! += maxWeight;
      let c = position[r]!;
      while (table[c] !== -1) {
        c += skip[r]!;
        if (c >= size) c -= size;
      }
      table[c] = order[r]!;
      c += skip[r]!;
      position[r] = c >= size ? c - size : c;
      filled++;
    }
  }
  return Uint16Array.from(table);
}

function isPrime(m: number): boolean {
  if (!Number.isInteger(m) || m < 2) return false;
  for (let d = 2; d * d <= m; d++) if (m % d === 0) return false;
  return true;
}
