import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALGORITHMS,
  CounterState,
  ceilSeconds,
  pickTightest,
  resultOf,
  slidingEstimate,
  type RateAlgorithm,
} from './algorithms.js';
import type { LimitResult, RateLimitAlgorithm } from './types.js';
import { seededRandom as rng } from '../../util/random.js';

/** The store protocol for one counter: init-or-advance, allows, take when allowed, result. */
function decide(alg: RateAlgorithm, s: CounterState, limit: number, periodMs: number, burst: number, now: number): LimitResult {
  if (s.algorithm === null) alg.init(s, limit, periodMs, burst, now);
  else alg.advance(s, limit, periodMs, burst, now);
  const ok = alg.allows(s, limit, periodMs, burst, now);
  if (ok) alg.take(s, limit, periodMs, burst, now);
  return resultOf(alg, s, limit, periodMs, burst, now, ok);
}

/** [at ms, allowed, remaining, resetSeconds, retryAfterSeconds] */
type Step = readonly [at: number, allowed: boolean, remaining: number, reset: number, retry: number];

interface Case {
  readonly desc: string;
  readonly algorithm: RateLimitAlgorithm;
  readonly limit: number;
  readonly periodMs: number;
  readonly burst?: number;
  readonly steps: readonly Step[];
}

function repeat(n: number, make: (i: number) => Step): Step[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.desc, () => {
      const alg = ALGORITHMS[c.algorithm];
      const s = new CounterState();
      c.steps.forEach(([at, allowed, remaining, reset, retry], i) => {
        const r = decide(alg, s, c.limit, c.periodMs, c.burst ?? c.limit, at);
        assert.deepEqual(
          { allowed: r.allowed, remaining: r.remaining, reset: r.resetSeconds, retry: r.retryAfterSeconds },
          { allowed, remaining, reset, retry },
          `step ${i} at t=${at}`,
        );
      });
    });
  }
}

describe('token bucket', () => {
  run([
    {
      desc: '10/s burst 10: ten at once, then one per 100 ms',
      algorithm: 'token-bucket',
      limit: 10,
      periodMs: 1000,
      steps: [
        ...repeat(10, (i): Step => [0, true, 9 - i, 1, 0]),
        [0, false, 0, 1, 1],
        [99, false, 0, 1, 1],
        [100, true, 0, 1, 0],
        [150, false, 0, 1, 1],
        [5000, true, 9, 1, 0],
      ],
    },
    {
      desc: '1 per 10 s, burst 3: reset = time to full, retry = time to one token',
      algorithm: 'token-bucket',
      limit: 1,
      periodMs: 10_000,
      burst: 3,
      steps: [
        [0, true, 2, 10, 0],
        [0, true, 1, 20, 0],
        [0, true, 0, 30, 0],
        [0, false, 0, 30, 10],
        [5000, false, 0, 25, 5],
        [9001, false, 0, 21, 1],
        [10_000, true, 0, 30, 0],
        [40_000, true, 2, 10, 0],
        [1_000_000, true, 2, 10, 0],
      ],
    },
    {
      desc: 'a clock step back refills nothing',
      algorithm: 'token-bucket',
      limit: 1,
      periodMs: 1000,
      steps: [
        [10_000, true, 0, 1, 0],
        [5_000, false, 0, 1, 1],
        [10_500, false, 0, 1, 1],
        [11_000, true, 0, 1, 0],
      ],
    },
  ]);
});

describe('sliding window (two-window weighted counter)', () => {
  run([
    {
      desc: '10 per 1 s: the previous window decays linearly',
      algorithm: 'sliding-window',
      limit: 10,
      periodMs: 1000,
      steps: [
        ...repeat(10, (i): Step => [0, true, 9 - i, 1, 0]),
        // count 10, prev 0: wait into the next window until 10 * (1 - t) + 1 <= 10: t = 100 ms -> 1100 ms
        [0, false, 0, 1, 2],
        [1099, false, 0, 1, 1],
        // window 1: prev 10, weight 0.9 -> estimate 9 + 1
        [1100, true, 0, 1, 0],
        // weight 0.5: 5 + 1 (count) + 1 -> remaining 10 - 7 = 3
        [1500, true, 3, 1, 0],
        [1500, true, 2, 1, 0],
        [1500, true, 1, 1, 0],
        [1500, true, 0, 1, 0],
        // count 5, prev 10, elapsed 500: retry = 500 - (10 - 1 - 5) * 1000 / 10 = 100 ms
        [1500, false, 0, 1, 1],
        [1600, true, 0, 1, 0],
        // two windows later everything is gone
        [3000, true, 9, 1, 0],
      ],
    },
    {
      desc: 'limit 1: a full current window waits until it has decayed entirely',
      algorithm: 'sliding-window',
      limit: 1,
      periodMs: 60_000,
      steps: [
        [30_000, true, 0, 30, 0],
        // next window: 1 * (60 - t) / 60 + 1 <= 1 only at t = 60 s -> 30 + 60 s
        [30_000, false, 0, 30, 90],
        [60_000, false, 0, 60, 60],
        [119_999, false, 0, 1, 1],
        [120_000, true, 0, 60, 0],
      ],
    },
  ]);
});

describe('fixed window', () => {
  const minute = 60_000;
  const base = 1_700_000_000_000 - (1_700_000_000_000 % minute); // a minute boundary
  run([
    {
      desc: '3 per minute: windows aligned to the epoch, full budget right after the boundary',
      algorithm: 'fixed-window',
      limit: 3,
      periodMs: minute,
      steps: [
        [base + 59_000, true, 2, 1, 0],
        [base + 59_000, true, 1, 1, 0],
        [base + 59_500, true, 0, 1, 0],
        [base + 59_500, false, 0, 1, 1],
        [base + minute, true, 2, 60, 0],
        [base + minute + 1, true, 1, 60, 0],
        [base + minute + 2, true, 0, 60, 0],
        [base + minute + 30_000, false, 0, 30, 30],
      ],
    },
    {
      desc: 'per UTC day (86400 s): resets at 00:00 UTC',
      algorithm: 'fixed-window',
      limit: 2,
      periodMs: 86_400_000,
      steps: [
        [Date.UTC(2024, 0, 15, 0, 0, 0), true, 1, 86_400, 0],
        [Date.UTC(2024, 0, 15, 23, 59, 30), true, 0, 30, 0],
        [Date.UTC(2024, 0, 15, 23, 59, 59, 500), false, 0, 1, 1],
        [Date.UTC(2024, 0, 16, 0, 0, 0), true, 1, 86_400, 0],
      ],
    },
    {
      desc: '"month" = 30 days of seconds (2592000): windows start at epoch multiples, not on the 1st',
      algorithm: 'fixed-window',
      limit: 1,
      periodMs: 2_592_000_000,
      steps: [
        // 2024-01-15 lies in the window 2023-12-19 .. 2024-01-18 00:00 UTC (epoch multiples of 30 d)
        [Date.UTC(2024, 0, 15), true, 0, 3 * 86_400, 0],
        [Date.UTC(2024, 0, 17, 23, 59, 59), false, 0, 1, 1],
        [Date.UTC(2024, 0, 18), true, 0, 2_592_000, 0],
      ],
    },
  ]);
});

describe('shared helpers', () => {
  it('ceilSeconds rounds up with a float tolerance', () => {
    assert.deepEqual([0, 0.001, 999, 1000, 1000.0000000001, 1001, 59_999].map(ceilSeconds), [0, 1, 1, 1, 1, 2, 60]);
  });

  it('pickTightest: denied -> longest retry among the denying; allowed -> least remaining, then longest reset, then first', () => {
    const r = (allowed: boolean, remaining: number, reset: number, retry: number): LimitResult => ({ allowed, remaining, resetSeconds: reset, retryAfterSeconds: retry });
    const cases: { desc: string; results: LimitResult[]; allowed: boolean; expect: number }[] = [
      { desc: 'none', results: [], allowed: true, expect: -1 },
      { desc: 'least remaining', results: [r(true, 5, 1, 0), r(true, 2, 1, 0), r(true, 3, 1, 0)], allowed: true, expect: 1 },
      { desc: 'tie -> longer reset', results: [r(true, 2, 1, 0), r(true, 2, 3600, 0), r(true, 2, 60, 0)], allowed: true, expect: 1 },
      { desc: 'full tie -> first', results: [r(true, 2, 5, 0), r(true, 2, 5, 0)], allowed: true, expect: 0 },
      { desc: 'denied: an allowing result is never tightest', results: [r(true, 0, 9, 0), r(false, 0, 1, 2), r(false, 0, 30, 7), r(false, 0, 1, 7)], allowed: false, expect: 2 },
    ];
    for (const c of cases) assert.equal(pickTightest(c.results, c.allowed), c.expect, c.desc);
  });
});


describe('sliding window accuracy against an exact log', () => {
  // Two limiters see the same arrivals: the two-window counter and an exact sliding log
  // (admit when fewer than L admissions lie in (t - P, t]). Printed: the counter's estimate
  // error against the exact count of its own admissions, and how many each admitted.
  const cases = [
    { desc: 'Poisson arrivals at 1.5x the limit', limit: 100, periodMs: 1000, load: 1.5, windows: 400, seed: 1, onMs: 1000 },
    { desc: 'Poisson arrivals at 0.9x the limit', limit: 100, periodMs: 1000, load: 0.9, windows: 400, seed: 2, onMs: 1000 },
    { desc: 'Poisson arrivals at 3x the limit', limit: 10, periodMs: 1000, load: 3, windows: 400, seed: 4, onMs: 1000 },
    { desc: 'on/off: arrivals only in the first 300 ms of every window (worst case for the estimate)', limit: 50, periodMs: 1000, load: 3, windows: 400, seed: 3, onMs: 300 },
  ];
  for (const c of cases) {
    it(c.desc, (t) => {
      const random = rng(c.seed);
      const alg = ALGORITHMS['sliding-window'];
      const s = new CounterState();
      const admitted: number[] = []; // the counter's admissions
      let head = 0;
      const exactLog: number[] = []; // the exact limiter's admissions
      let exactHead = 0;
      const meanGap = c.periodMs / (c.limit * c.load);
      let now = 0;
      let maxErr = 0;
      let sumErr = 0;
      let arrivals = 0;
      let maxInWindow = 0;
      const end = c.windows * c.periodMs;
      while (now < end) {
        now += -Math.log(1 - random()) * meanGap;
        if (now % c.periodMs >= c.onMs) continue;
        const at = Math.floor(now);
        arrivals++;
        while (exactHead < exactLog.length && exactLog[exactHead]! <= at - c.periodMs) exactHead++;
        if (exactLog.length - exactHead + 1 <= c.limit) exactLog.push(at);

        if (s.algorithm === null) alg.init(s, c.limit, c.periodMs, c.limit, at);
        else alg.advance(s, c.limit, c.periodMs, c.limit, at);
        while (head < admitted.length && admitted[head]! <= at - c.periodMs) head++;
        const exact = admitted.length - head; // the counter's admissions in (at - P, at]
        const err = Math.abs(slidingEstimate(s, c.periodMs, at) - exact);
        maxErr = Math.max(maxErr, err);
        sumErr += err;
        // error bound: |estimate - exact| <= prevCount * max(weight, 1 - weight) <= prevCount
        assert.ok(err <= s.prevCount + 1e-9, `error ${err} above the bound ${s.prevCount} at t=${at}`);
        if (alg.allows(s, c.limit, c.periodMs, c.limit, at)) {
          alg.take(s, c.limit, c.periodMs, c.limit, at);
          admitted.push(at);
          maxInWindow = Math.max(maxInWindow, exact + 1);
        }
      }
      const ratio = admitted.length / exactLog.length;
      t.diagnostic(
        `L=${c.limit}/${c.periodMs} ms, ${arrivals} arrivals: |estimate - exact| max ${maxErr.toFixed(1)} (${((100 * maxErr) / c.limit).toFixed(1)}% of L), ` +
          `mean ${(sumErr / arrivals).toFixed(2)} (${((100 * sumErr) / arrivals / c.limit).toFixed(2)}% of L); ` +
          `admitted: counter ${admitted.length}, exact log ${exactLog.length} (ratio ${ratio.toFixed(3)}); most in one true window ${maxInWindow}`,
      );
      assert.ok(maxInWindow <= 2 * c.limit, 'never more than 2L in a true window');
      assert.ok(ratio <= 1.02, 'the counter does not admit more than the exact log');
    });
  }
});
