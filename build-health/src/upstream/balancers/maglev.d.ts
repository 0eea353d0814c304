import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import type { RandomSource } from './rng.js';
export interface MaglevOptions {
    /**
     * Lookup table size; must be prime. Default: the smallest of MAGLEV_TABLE_SIZES that is at least
     * 100 times the number of endpoints (the Maglev paper's advice), 65537 up to 655 endpoints.
     */
    readonly tableSize?: number;
}
/** Primes the default table size is chosen from. */
export declare const MAGLEV_TABLE_SIZES: readonly number[];
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
export declare class MaglevBalancer implements Balancer {
    private readonly endpoints;
    /** table[slot] = index in `endpoints`. */
    private readonly table;
    private readonly random;
    constructor(endpoints: readonly Endpoint[], options?: MaglevOptions, random?: RandomSource);
    /** Table slots (for tests and the admin view). */
    get size(): number;
    /** Slots owned by each endpoint, in endpoint order (for tests and the admin view). */
    slotCounts(): number[];
    pick(exclude: Endpoint | null, hashKey: string | null): Endpoint | null;
    private fallback;
}
