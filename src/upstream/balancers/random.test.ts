import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RandomBalancer } from './random.js';
import { seededRandom } from '../../util/random.js';
import { countPicks, numberedEndpoints, percentages, pickSequence, setAvailable } from './testing.js';

const PICKS = 20_000;

describe('random (weighted)', () => {
  // out: indices taken out of the rotation; shares: expected % per endpoint.
  const CASES = [
    { desc: 'equal weights', weights: [1, 1, 1, 1], out: [], shares: [25, 25, 25, 25] },
    { desc: 'weights 1:2:3:4', weights: [1, 2, 3, 4], out: [], shares: [10, 20, 30, 40] },
    { desc: 'weights 1:3', weights: [1, 3], out: [], shares: [25, 75] },
    { desc: 'weights 1:2:3:4, the heaviest out: the rest keep 1:2:3', weights: [1, 2, 3, 4], out: [3], shares: [100 / 6, 200 / 6, 50, 0] },
    { desc: 'weights 1:2:3:4, the lightest out: the rest keep 2:3:4', weights: [1, 2, 3, 4], out: [0], shares: [0, 200 / 9, 300 / 9, 400 / 9] },
    { desc: 'equal weights, two of four out', weights: [1, 1, 1, 1], out: [1, 2], shares: [50, 0, 0, 50] },
  ];
  for (const [n, c] of CASES.entries()) {
    it(`${c.desc}: shares within 1.5 pp over ${PICKS} picks`, (t) => {
      const endpoints = numberedEndpoints(c.weights.length, c.weights);
      for (const i of c.out) setAvailable(endpoints[i]!, false);
      const counts = countPicks(new RandomBalancer(endpoints, seededRandom(100 + n)), endpoints, PICKS);
      t.diagnostic(`shares %: ${JSON.stringify(percentages(counts))}`);
      endpoints.forEach((e, i) => {
        const share = (counts.get(e.address)! / PICKS) * 100;
        assert.ok(Math.abs(share - c.shares[i]!) < 1.5, `${e.address}: ${share}% vs ${c.shares[i]}%`);
      });
    });
  }

  it('with Math.random (the default) too, within a wide margin', () => {
    const endpoints = numberedEndpoints(2, [1, 3]);
    const counts = countPicks(new RandomBalancer(endpoints), endpoints, PICKS);
    assert.ok(Math.abs(counts.get(endpoints[1]!.address)! / PICKS - 0.75) < 0.03);
  });

  it('an excluded endpoint: the others keep their proportions', (t) => {
    const endpoints = numberedEndpoints(3, [1, 2, 3]);
    const b = new RandomBalancer(endpoints, seededRandom(5));
    const counts = [0, 0, 0];
    for (let i = 0; i < PICKS; i++) counts[endpoints.indexOf(b.pick(endpoints[2]!)!)]!++;
    t.diagnostic(`C excluded, picks: ${counts.join(', ')}`);
    assert.equal(counts[2], 0);
    assert.ok(Math.abs(counts[0]! / PICKS - 1 / 3) < 0.015);
  });

  it('the same seed gives the same sequence', () => {
    const endpoints = numberedEndpoints(5, [1, 2, 3, 4, 5]);
    const one = pickSequence(new RandomBalancer(endpoints, seededRandom(42)), 200);
    const two = pickSequence(new RandomBalancer(endpoints, seededRandom(42)), 200);
    assert.deepEqual(one, two);
    assert.notDeepEqual(one, pickSequence(new RandomBalancer(endpoints, seededRandom(43)), 200));
  });
});
