/**
 * A source of uniform numbers in [0, 1), like `Math.random`. Balancers that draw take one as a
 * constructor argument (default `Math.random`) so tests can inject a seeded one.
 */
export type RandomSource = () => number;

/**
 * A small seeded PRNG (mulberry32): deterministic sequences for tests and simulations. Not for
 * anything security-related.
 */
export function seededRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  return function mulberry32(): number {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
