/**
 * A source of uniform numbers in [0, 1), like `Math.random`. Balancers that draw take one as a
 * constructor argument (default `Math.random`) so tests can inject a seeded one.
 */
export type RandomSource = () => number;
/**
 * A small seeded PRNG (mulberry32): deterministic sequences for tests and simulations. Not for
 * anything security-related.
 */
export declare function seededRandom(seed: number): RandomSource;
