import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from '../endpoint.js';
import { LeastRequestBalancer } from './least-request.js';
import { seededRandom, type RandomSource } from '../../util/random.js';
import { countPicks, numberedEndpoints, percentages, setAvailable } from './testing.js';

function withLoads(loads: readonly number[], weights?: readonly number[]): Endpoint[] {
  const endpoints = numberedEndpoints(loads.length, weights);
  loads.forEach((l, i) => (endpoints[i]!.state.outstanding = l));
  return endpoints;
}

/** A random source that replays `values` (then repeats them). */
function scripted(values: readonly number[]): RandomSource {
  let i = 0;
  return () => values[i++ % values.length]!;
}

/** The two draws that make the fast path pick the ordered pair (i, j) out of n. */
function drawsFor(i: number, j: number, n: number): [number, number] {
  const second = j < i ? j : j - 1;
  return [(i + 0.5) / n, (second + 0.5) / (n - 1)];
}

describe('least-request (power of two choices)', () => {
  it('in every pair of endpoints, the one with fewer requests in flight wins', () => {
    const loads = [4, 0, 3, 1, 2];
    const endpoints = withLoads(loads);
    let pairs = 0;
    for (let i = 0; i < loads.length; i++) {
      for (let j = 0; j < loads.length; j++) {
        if (i === j) continue;
        const b = new LeastRequestBalancer(endpoints, scripted(drawsFor(i, j, loads.length)));
        const expected = loads[i]! < loads[j]! ? i : j;
        assert.equal(b.pick(null), endpoints[expected], `pair (${i}, ${j})`);
        pairs++;
      }
    }
    assert.equal(pairs, 20);
  });

  it('with static loads, picks follow the P2C odds: 2(n-1-rank)/(n(n-1)); the most loaded never wins', (t) => {
    const endpoints = withLoads([0, 1, 2, 3, 4]);
    const counts = countPicks(new LeastRequestBalancer(endpoints, seededRandom(7)), endpoints, 10_000);
    t.diagnostic(`loads 0..4, shares %: ${JSON.stringify(percentages(counts))} (expected 40/30/20/10/0)`);
    const expected = [0.4, 0.3, 0.2, 0.1, 0];
    endpoints.forEach((e, i) => assert.ok(Math.abs(counts.get(e.address)! / 10_000 - expected[i]!) < 0.02, `${e.address}: ${counts.get(e.address)}`));
    assert.equal(counts.get(endpoints[4]!.address), 0);
  });

  it('never picks an unavailable endpoint, however idle: the pair is drawn among the available', (t) => {
    const endpoints = withLoads([0, 1, 2, 3, 4]);
    setAvailable(endpoints[0]!, false);
    const counts = countPicks(new LeastRequestBalancer(endpoints, seededRandom(8)), endpoints, 10_000);
    t.diagnostic(`idlest out, shares %: ${JSON.stringify(percentages(counts))} (expected 0/50/33.3/16.7/0)`);
    assert.equal(counts.get(endpoints[0]!.address), 0);
    const expected = [0, 0.5, 1 / 3, 1 / 6, 0];
    endpoints.forEach((e, i) => assert.ok(Math.abs(counts.get(e.address)! / 10_000 - expected[i]!) < 0.02, `${e.address}: ${counts.get(e.address)}`));
  });

  it('routes around a stuck endpoint: its requests never finish, so it stops being picked', (t) => {
    const endpoints = numberedEndpoints(4);
    const stuck = endpoints[0]!;
    const b = new LeastRequestBalancer(endpoints, seededRandom(9));
    // Requests to the healthy endpoints finish 8 picks later; those to the stuck one never do.
    const inFlight: (Endpoint | null)[] = new Array(8).fill(null);
    let stuckPicks = 0;
    for (let i = 0; i < 2_000; i++) {
      const done = inFlight[i % 8];
      if (done) done.state.outstanding--;
      const e = b.pick(null)!;
      e.state.outstanding++;
      if (e === stuck) stuckPicks++;
      inFlight[i % 8] = e === stuck ? null : e;
    }
    const loads = endpoints.map((e) => e.state.outstanding);
    t.diagnostic(`after 2,000 picks: stuck endpoint got ${stuckPicks} (${((stuckPicks / 2_000) * 100).toFixed(2)}%); requests in flight ${loads.join(', ')}`);
    // It wins a pair only while its load is at most the other's, and the healthy ones never hold
    // more than 8 requests between them: so at most 9 picks, ever (a round-robin would give 500).
    assert.ok(stuckPicks <= 9, `stuck endpoint picked ${stuckPicks} times`);
    assert.equal(stuck.state.outstanding, stuckPicks);
  });

  it('ties on load are broken at random, evenly', (t) => {
    const endpoints = withLoads([3, 3]);
    const counts = countPicks(new LeastRequestBalancer(endpoints, seededRandom(10)), endpoints, 10_000);
    t.diagnostic(`equal loads, shares %: ${JSON.stringify(percentages(counts))}`);
    for (const c of counts.values()) assert.ok(Math.abs(c - 5_000) < 250);
  });

  it('only one endpoint available (equal weights): it is returned every time', () => {
    const endpoints = withLoads([9, 0, 0]);
    setAvailable(endpoints[1]!, false);
    setAvailable(endpoints[2]!, false);
    const b = new LeastRequestBalancer(endpoints, seededRandom(11));
    for (let i = 0; i < 100; i++) assert.equal(b.pick(null), endpoints[0]);
  });

  describe('with weights: load = (outstanding + 1) / weight', () => {
    const CASES = [
      { desc: 'idle: the heavier wins (1/3 < 1/1)', loads: [0, 0], expect: 1 },
      { desc: 'same requests: the heavier wins (2/3 < 2/1)', loads: [1, 1], expect: 1 },
      { desc: 'equal load (2/1 = 6/3): the heavier wins the tie', loads: [1, 5], expect: 1 },
      { desc: 'heavier busy enough (7/3 > 2/1): the lighter wins', loads: [1, 6], expect: 0 },
      { desc: 'lighter idle, heavier at 5 (1/1 < 6/3)', loads: [0, 5], expect: 0 },
    ];
    for (const c of CASES) {
      it(c.desc, () => {
        const endpoints = withLoads(c.loads, [1, 3]);
        const b = new LeastRequestBalancer(endpoints, seededRandom(12));
        for (let i = 0; i < 50; i++) assert.equal(b.pick(null), endpoints[c.expect]);
      });
    }

    it('under load, requests in flight settle in proportion to the weights', (t) => {
      const endpoints = numberedEndpoints(3, [1, 2, 4]);
      const b = new LeastRequestBalancer(endpoints, seededRandom(13));
      for (let i = 0; i < 700; i++) b.pick(null)!.state.outstanding++;
      const loads = endpoints.map((e) => e.state.outstanding);
      t.diagnostic(`700 requests in flight over weights 1:2:4: ${loads.join(', ')}`);
      [100, 200, 400].forEach((expected, i) => assert.ok(Math.abs(loads[i]! - expected) <= 2, `${loads[i]} vs ${expected}`));
    });
  });
});
