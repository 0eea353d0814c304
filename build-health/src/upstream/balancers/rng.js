/**
 * A small seeded PRNG (mulberry32): deterministic sequences for tests and simulations. Not for
 * anything security-related.
 */
export function seededRandom(seed) {
    let s = seed >>> 0;
    return function mulberry32() {
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), 1 | s);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
//# sourceMappingURL=rng.js.map