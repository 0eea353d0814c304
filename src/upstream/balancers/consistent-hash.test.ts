import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import { createBalancer } from './index.js';
import { MaglevBalancer } from './maglev.js';
import { RingHashBalancer } from './ring-hash.js';
import { seededRandom } from '../../util/random.js';
import { makeEndpoints, numberedEndpoints, setAvailable } from './testing.js';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const N = 5;

interface Algorithm {
  readonly label: string;
  readonly build: (endpoints: readonly Endpoint[]) => Balancer;
  /** Allowed keys moved beyond the ideal 1/N when one endpoint leaves or joins (config change). */
  readonly extraMoved: number;
  /** Whether a config change moves only keys of the endpoint that left / to the one that joined. */
  readonly minimalDisruption: boolean;
  /** Allowed deviation of one endpoint's share of keys from the even share, relative. */
  readonly evenTolerance: number;
  /** Allowed deviation, relative, of one endpoint's part of the keys displaced by an unavailable one. */
  readonly spreadTolerance: number;
}

const ALGORITHMS: readonly Algorithm[] = [
  { label: 'ring', build: (e) => new RingHashBalancer(e), extraMoved: 0.03, minimalDisruption: true, evenTolerance: 0.2, spreadTolerance: 0.35 },
  { label: 'maglev', build: (e) => new MaglevBalancer(e), extraMoved: 0.05, minimalDisruption: false, evenTolerance: 0.1, spreadTolerance: 0.2 },
];

/** Where each key goes (endpoint addresses, in KEYS order). */
function assign(b: Balancer, keys: readonly string[] = KEYS): string[] {
  return keys.map((k) => {
    const e = b.pick(null, k);
    if (e === null) throw new Error('no endpoint');
    return e.address;
  });
}

function tally(addresses: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of addresses) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

for (const algo of ALGORITHMS) {
  describe(`consistent-hash (${algo.label})`, () => {
    it('the same key always maps to the same endpoint, across rebuilds and endpoint order', () => {
      const endpoints = numberedEndpoints(N);
      const first = assign(algo.build(endpoints));
      assert.deepEqual(assign(algo.build(endpoints)), first, 'a rebuild (config reload) keeps the mapping');
      const b = algo.build(endpoints);
      for (let i = 0; i < 200; i++) assert.equal(b.pick(null, KEYS[i]!)!.address, first[i]);
      for (let i = 0; i < 200; i++) assert.equal(b.pick(null, KEYS[i]!)!.address, first[i], 'and again');
      assert.deepEqual(assign(algo.build([...endpoints].reverse())), first, 'the order endpoints are listed in does not matter');
    });

    it(`${N} equal endpoints share 10,000 keys within ±${algo.evenTolerance * 100}% of even`, (t) => {
      const endpoints = numberedEndpoints(N);
      const counts = tally(assign(algo.build(endpoints)));
      const even = KEYS.length / N;
      const shares = [...counts.values()];
      t.diagnostic(`keys per endpoint: ${shares.join(', ')} (even ${even}); spread ${pct(Math.min(...shares) / even - 1)} .. +${pct(Math.max(...shares) / even - 1)}`);
      assert.equal(counts.size, N);
      for (const c of shares) assert.ok(Math.abs(c / even - 1) <= algo.evenTolerance, `${c} vs ${even}`);
    });

    it(`an endpoint removed from the config (rebuild without it): ~1/${N} of keys move`, (t) => {
      const endpoints = numberedEndpoints(N);
      const before = assign(algo.build(endpoints));
      const gone = endpoints[2]!.address;
      const after = assign(algo.build(endpoints.filter((e) => e.address !== gone)));
      let moved = 0;
      let movedFromSurvivors = 0;
      for (let i = 0; i < KEYS.length; i++) {
        if (before[i] === after[i]) continue;
        moved++;
        if (before[i] !== gone) movedFromSurvivors++;
      }
      const onGone = before.filter((a) => a === gone).length;
      t.diagnostic(`keys moved ${pct(moved / KEYS.length)} (ideal 1/N = ${pct(1 / N)}; on the removed endpoint ${pct(onGone / KEYS.length)}); moved from surviving endpoints: ${movedFromSurvivors}`);
      assert.ok(after.every((a) => a !== gone));
      assert.ok(moved / KEYS.length < 1 / N + algo.extraMoved, `moved ${pct(moved / KEYS.length)}`);
      if (algo.minimalDisruption) assert.equal(movedFromSurvivors, 0, 'no key of a surviving endpoint moves');
      assert.deepEqual(assign(algo.build(endpoints)), before, 'putting it back in the config restores the mapping');
    });

    it(`an endpoint marked unavailable: only its keys move, spread over the others`, (t) => {
      const endpoints = numberedEndpoints(N);
      const b = algo.build(endpoints);
      const before = assign(b);
      const down = endpoints[2]!;
      setAvailable(down, false);
      const after = assign(b);
      const landed = new Map<string, number>();
      let moved = 0;
      for (let i = 0; i < KEYS.length; i++) {
        if (before[i] === after[i]) continue;
        moved++;
        assert.equal(before[i], down.address, `key ${KEYS[i]} of a healthy endpoint moved`);
        landed.set(after[i]!, (landed.get(after[i]!) ?? 0) + 1);
      }
      const onDown = before.filter((a) => a === down.address).length;
      t.diagnostic(`keys moved ${pct(moved / KEYS.length)} (all ${onDown} of the unavailable endpoint); they went to: ${[...landed.values()].join(', ')}`);
      assert.equal(moved, onDown);
      assert.ok(moved / KEYS.length < 1 / N + algo.extraMoved);
      assert.equal(landed.size, N - 1, 'spread over every other endpoint');
      const fair = onDown / (N - 1);
      for (const c of landed.values()) assert.ok(Math.abs(c / fair - 1) <= algo.spreadTolerance, `one endpoint got ${c} of ${onDown} (fair ${fair})`);
      setAvailable(down, true);
      assert.deepEqual(assign(b), before, 'back in the rotation: its keys come back');
    });

    it(`an endpoint added (${N} -> ${N + 1}): ~1/${N + 1} of keys move${algo.minimalDisruption ? ', all to it' : ''}`, (t) => {
      const before = assign(algo.build(numberedEndpoints(N)));
      const grown = numberedEndpoints(N + 1);
      const added = grown[N]!.address;
      const after = assign(algo.build(grown));
      let moved = 0;
      let movedElsewhere = 0;
      for (let i = 0; i < KEYS.length; i++) {
        if (before[i] === after[i]) continue;
        moved++;
        if (after[i] !== added) movedElsewhere++;
      }
      t.diagnostic(`keys moved ${pct(moved / KEYS.length)} (ideal 1/(N+1) = ${pct(1 / (N + 1))}); moved between old endpoints: ${movedElsewhere}`);
      assert.ok(moved / KEYS.length < 1 / (N + 1) + algo.extraMoved, `moved ${pct(moved / KEYS.length)}`);
      assert.ok(moved / KEYS.length > 1 / (N + 1) - 0.05, 'the new endpoint gets its share');
      if (algo.minimalDisruption) assert.equal(movedElsewhere, 0, 'keys move only to the new endpoint');
    });

    it('weights skew the share of keys in proportion (1:1:2:4)', (t) => {
      const weights = [1, 1, 2, 4];
      const endpoints = numberedEndpoints(4, weights);
      const counts = tally(assign(algo.build(endpoints)));
      const total = weights.reduce((a, b) => a + b, 0);
      const report = endpoints.map((e, i) => `${e.weight}: ${pct(counts.get(e.address)! / KEYS.length)} (ideal ${pct(weights[i]! / total)})`);
      t.diagnostic(`shares by weight: ${report.join('; ')}`);
      endpoints.forEach((e, i) => {
        const ratio = counts.get(e.address)! / KEYS.length / (weights[i]! / total);
        assert.ok(ratio > 0.75 && ratio < 1.25, `weight ${e.weight}: ${ratio.toFixed(2)} of its ideal share`);
      });
    });

    it('a retry excluding the key\'s endpoint goes where the key would go if it were down, every time', () => {
      const endpoints = numberedEndpoints(N);
      const b = algo.build(endpoints);
      for (const key of KEYS.slice(0, 500)) {
        const home = b.pick(null, key)!;
        const retry = b.pick(home, key)!;
        assert.notEqual(retry, home);
        assert.equal(b.pick(home, key), retry, 'deterministic');
        setAvailable(home, false);
        assert.equal(b.pick(null, key), retry);
        setAvailable(home, true);
      }
    });

    it('without a key: a random endpoint, weighted, never an unavailable one', (t) => {
      const endpoints = numberedEndpoints(3, [1, 3, 4]);
      setAvailable(endpoints[2]!, false);
      const b =
        algo.label === 'ring' ? new RingHashBalancer(endpoints, {}, seededRandom(3)) : new MaglevBalancer(endpoints, {}, seededRandom(3));
      const counts = [0, 0, 0];
      for (let i = 0; i < 20_000; i++) counts[endpoints.indexOf(b.pick(null, null)!)]!++;
      t.diagnostic(`no key, weights 1:3 (third out): picks ${counts.join(', ')}`);
      assert.equal(counts[2], 0);
      assert.ok(Math.abs(counts[0]! / 20_000 - 0.25) < 0.03);
    });

    it('builds from the config table', () => {
      const endpoints = numberedEndpoints(N);
      const b = createBalancer({ type: 'consistent-hash', key: 'header:x-user', ...(algo.label === 'maglev' ? { algorithm: 'maglev' as const } : {}) }, endpoints);
      assert.ok(b instanceof (algo.label === 'maglev' ? MaglevBalancer : RingHashBalancer));
      assert.deepEqual(assign(b), assign(algo.build(endpoints)));
    });
  });
}

describe('consistent-hash: build cost and table shape', () => {
  const bestOf3 = (f: () => unknown): number => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      f();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };

  it('maglev: a 65537-slot table over 300 endpoints builds in well under 100 ms', (t) => {
    const equal = numberedEndpoints(300);
    const weighted = makeEndpoints(Array.from({ length: 300 }, (_, i) => ({ address: `10.1.${i >> 8}.${i & 255}:80`, weight: 1 + (i % 10) })));
    const msEqual = bestOf3(() => new MaglevBalancer(equal));
    const msWeighted = bestOf3(() => new MaglevBalancer(weighted));
    const b = new MaglevBalancer(equal);
    const slots = b.slotCounts();
    const avg = b.size / 300;
    t.diagnostic(
      `maglev build, 300 endpoints, ${b.size} slots: ${msEqual.toFixed(1)} ms (equal weights), ${msWeighted.toFixed(1)} ms (weights 1..10); slots per endpoint ${Math.min(...slots)}..${Math.max(...slots)} (avg ${avg.toFixed(1)})`,
    );
    assert.equal(b.size, 65537);
    assert.ok(msEqual < 100 && msWeighted < 100);
    assert.ok(Math.max(...slots) / avg < 1.05 && Math.min(...slots) / avg > 0.95, 'near-equal slots');
  });

  it('maglev: a larger prime table for more than 655 endpoints; a non-prime size is refused', () => {
    assert.equal(new MaglevBalancer(numberedEndpoints(5)).size, 65537);
    assert.equal(new MaglevBalancer(makeEndpoints(Array.from({ length: 700 }, (_, i) => `10.2.${i >> 8}.${i & 255}:80`))).size, 131071);
    assert.throws(() => new MaglevBalancer(numberedEndpoints(2), { tableSize: 65536 }), /not prime/);
  });

  it('ring: 160 points per unit of weight, capped; builds fast', (t) => {
    assert.equal(new RingHashBalancer(numberedEndpoints(5)).size, 800);
    assert.equal(new RingHashBalancer(numberedEndpoints(3, [1, 2, 3])).size, 960);
    const capped = new RingHashBalancer(numberedEndpoints(3, [1000, 1000, 1]), { maxPoints: 10_000 });
    assert.ok(capped.size <= 10_001 && capped.size >= 9_990, `capped ring has ${capped.size} points`);
    const endpoints = numberedEndpoints(300);
    const ms = bestOf3(() => new RingHashBalancer(endpoints));
    t.diagnostic(`ring build, 300 endpoints, ${new RingHashBalancer(endpoints).size} points: ${ms.toFixed(1)} ms`);
    assert.ok(ms < 100);
  });
});
