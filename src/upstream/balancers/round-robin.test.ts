import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer } from './index.js';
import { RoundRobinBalancer } from './round-robin.js';
import { seededRandom } from '../../util/random.js';
import { countPicks, maxRun, numberedEndpoints, percentages, pickSequence, setAvailable } from './testing.js';

const A = '10.0.0.1:8080';
const B = '10.0.0.2:8080';
const C = '10.0.0.3:8080';

/** Short names for readable sequences: 10.0.0.1:8080 -> A. */
const letters = (seq: readonly (string | null)[]): string => seq.map((a) => (a === null ? '-' : 'ABCDEFGH'[Number(a.split('.')[3]!.split(':')[0]) - 1])).join('');

describe('round-robin: equal weights', () => {
  it('cycles through the endpoints exactly, in order', () => {
    const b = new RoundRobinBalancer(numberedEndpoints(3));
    assert.equal(letters(pickSequence(b, 9)), 'ABCABCABC');
  });

  it('skips an unavailable endpoint and takes it back in its turn', () => {
    const endpoints = numberedEndpoints(3);
    const b = new RoundRobinBalancer(endpoints);
    setAvailable(endpoints[1]!, false);
    assert.equal(letters(pickSequence(b, 6)), 'ACACAC');
    setAvailable(endpoints[1]!, true);
    assert.equal(letters(pickSequence(b, 6)), 'ABCABC');
  });

  it('a retry skips the excluded endpoint without disturbing the cycle', () => {
    const endpoints = numberedEndpoints(3);
    const b = new RoundRobinBalancer(endpoints);
    assert.equal(b.pick(null)?.address, A);
    assert.equal(b.pick(endpoints[1]!)?.address, C); // B excluded: C
    assert.equal(letters(pickSequence(b, 3)), 'ABC');
  });

  it('splits evenly over 10,000 picks', (t) => {
    const endpoints = numberedEndpoints(4);
    const counts = countPicks(new RoundRobinBalancer(endpoints), endpoints, 10_000);
    t.diagnostic(`shares %: ${JSON.stringify(percentages(counts))}`);
    for (const c of counts.values()) assert.equal(c, 2500);
  });
});

describe('weighted (smooth weighted round-robin)', () => {
  // expected: shares in %, the repeating cycle, the longest run allowed per endpoint.
  const CASES = [
    { desc: '1:3', weights: [1, 3], shares: [25, 75], cycle: 'BABB', maxRuns: { A: 1, B: 3 } },
    { desc: '1:1:2', weights: [1, 1, 2], shares: [25, 25, 50], cycle: 'CABC', maxRuns: { A: 1, B: 1, C: 2 } },
    { desc: '1:2:3', weights: [1, 2, 3], shares: [100 / 6, 200 / 6, 50], cycle: 'CBACBC', maxRuns: { A: 1, B: 1, C: 2 } },
    { desc: '5:1:1', weights: [5, 1, 1], shares: [500 / 7, 100 / 7, 100 / 7], cycle: 'AABACAA', maxRuns: { A: 4, B: 1, C: 1 } },
  ];
  for (const c of CASES) {
    for (const type of ['weighted', 'round-robin'] as const) {
      it(`${type} ${c.desc}: shares within 1% over 10,000 picks, interleaved (cycle ${c.cycle})`, (t) => {
        const endpoints = numberedEndpoints(c.weights.length, c.weights);
        const b = createBalancer(type, endpoints);
        const seq = pickSequence(b, 10_000);
        const counts = new Map(endpoints.map((e) => [e.address, seq.filter((a) => a === e.address).length]));
        t.diagnostic(`shares %: ${JSON.stringify(percentages(counts))}; first picks ${letters(seq.slice(0, 3 * c.cycle.length))}`);
        endpoints.forEach((e, i) => {
          const share = (counts.get(e.address)! / 10_000) * 100;
          assert.ok(Math.abs(share - c.shares[i]!) < 1, `${e.address}: ${share}% vs ${c.shares[i]}%`);
        });
        const text = letters(seq);
        assert.equal(text.slice(0, 10 * c.cycle.length), c.cycle.repeat(10), 'the sequence repeats the smooth cycle');
        for (const [name, limit] of Object.entries(c.maxRuns)) {
          const run = maxRun([...text], name);
          t.diagnostic(`longest run of ${name}: ${run}`);
          assert.ok(run <= limit, `run of ${name} is ${run}, limit ${limit}`);
        }
      });
    }
  }

  it('1:3: the light endpoint never gets two in a row and the heavy one at most three', () => {
    const endpoints = numberedEndpoints(2, [1, 3]);
    const text = letters(pickSequence(new RoundRobinBalancer(endpoints), 10_000));
    assert.equal(maxRun([...text], 'A'), 1);
    assert.equal(maxRun([...text], 'B'), 3);
    assert.ok(!text.includes('BBBB'));
  });

  it('an unavailable endpoint: the others share its load in proportion to their weights', (t) => {
    const endpoints = numberedEndpoints(3, [1, 1, 2]);
    const b = new RoundRobinBalancer(endpoints);
    setAvailable(endpoints[0]!, false); // B:C = 1:2
    const counts = countPicks(b, endpoints, 9_000);
    t.diagnostic(`A out, shares %: ${JSON.stringify(percentages(counts))}`);
    assert.equal(counts.get(A), 0);
    assert.ok(Math.abs(counts.get(B)! / 9_000 - 1 / 3) < 0.01);
    assert.ok(Math.abs(counts.get(C)! / 9_000 - 2 / 3) < 0.01);
    setAvailable(endpoints[0]!, true);
    setAvailable(endpoints[2]!, false); // A:B = 1:1
    const counts2 = countPicks(b, endpoints, 10_000);
    t.diagnostic(`C out, shares %: ${JSON.stringify(percentages(counts2))}`);
    assert.equal(counts2.get(C), 0);
    assert.match(letters(pickSequence(b, 6)), /^(AB){3}$|^(BA){3}$/, 'A and B alternate');
    assert.ok(Math.abs(counts2.get(A)! - 5_000) <= 1);
  });

  it('earns no credit while out: rejoins in the interleaved order, whatever the outage length', (t) => {
    for (const outage of [1, 10, 1_000, 100_000]) {
      const endpoints = numberedEndpoints(3, [1, 1, 2]);
      const b = new RoundRobinBalancer(endpoints);
      pickSequence(b, 3);
      setAvailable(endpoints[2]!, false);
      pickSequence(b, outage);
      setAvailable(endpoints[2]!, true);
      const after = letters(pickSequence(b, 4_000));
      t.diagnostic(`outage of ${outage} picks: after rejoin ${after.slice(0, 12)}`);
      // At most its weight's share right after coming back: no catch-up burst.
      assert.ok([...after.slice(0, 4)].filter((x) => x === 'C').length <= 2, after.slice(0, 4));
      assert.ok(maxRun([...after], 'C') <= 2);
      const share = [...after].filter((x) => x === 'C').length / 4_000;
      assert.ok(Math.abs(share - 0.5) < 0.01, `share after rejoin ${share}`);
    }
  });

  it('stays smooth after many random outages and retries (credits stay bounded)', (t) => {
    let worstRunC = 0;
    let worstRunAB = 0;
    let worstDeviation = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const endpoints = numberedEndpoints(3, [1, 1, 2]);
      const b = new RoundRobinBalancer(endpoints);
      for (let i = 0; i < 5_000; i++) {
        if (random() < 0.05) {
          const e = endpoints[(random() * 3) | 0]!;
          setAvailable(e, !e.state.available);
        }
        b.pick(random() < 0.2 ? endpoints[(random() * 3) | 0]! : null);
      }
      for (const e of endpoints) setAvailable(e, true);
      const text = letters(pickSequence(b, 4_000));
      worstRunC = Math.max(worstRunC, maxRun([...text], 'C'));
      worstRunAB = Math.max(worstRunAB, maxRun([...text], 'A'), maxRun([...text], 'B'));
      worstDeviation = Math.max(worstDeviation, Math.abs([...text].filter((x) => x === 'C').length / 4_000 - 0.5));
    }
    t.diagnostic(`50 seeds: longest run of C ${worstRunC}, of A or B ${worstRunAB}, worst share deviation of C ${(worstDeviation * 100).toFixed(3)} pp`);
    assert.ok(worstRunC <= 2);
    assert.equal(worstRunAB, 1);
    assert.ok(worstDeviation < 0.01);
  });

  it('a retry excluding the heavy endpoint goes to the light one; the cycle resumes after', () => {
    const endpoints = numberedEndpoints(2, [1, 3]);
    const b = new RoundRobinBalancer(endpoints);
    assert.equal(b.pick(endpoints[1]!)?.address, A);
    const text = letters(pickSequence(b, 4_000));
    assert.equal(maxRun([...text], 'A'), 1);
    assert.ok(maxRun([...text], 'B') <= 4);
    assert.ok(Math.abs([...text].filter((x) => x === 'B').length / 4_000 - 0.75) < 0.01);
  });
});
