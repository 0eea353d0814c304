import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RetryPolicyConfig } from '../../config/schema/resilience.js';
import { CompiledRetryPolicy, RetryBudget } from './policy.js';
import { seededRandom as seeded } from '../../util/random.js';


describe('retry policy: retryOn matrix', () => {
  interface Case {
    readonly desc: string;
    readonly config: Omit<RetryPolicyConfig, 'maxAttempts'>;
    readonly expect: { readonly connect: boolean; readonly reset: boolean; readonly retried: readonly number[]; readonly notRetried: readonly number[] };
  }
  const cases: Case[] = [
    {
      desc: 'default: connect-failure, reset, gateway-error',
      config: {},
      expect: { connect: true, reset: true, retried: [502, 503, 504], notRetried: [200, 404, 409, 429, 500, 501, 505, 599] },
    },
    {
      desc: '5xx: every 500..599, nothing else',
      config: { retryOn: ['5xx'] },
      expect: { connect: false, reset: false, retried: [500, 501, 502, 503, 504, 550, 599], notRetried: [200, 409, 429, 499] },
    },
    {
      desc: 'gateway-error: 502, 503, 504 only',
      config: { retryOn: ['gateway-error'] },
      expect: { connect: false, reset: false, retried: [502, 503, 504], notRetried: [500, 501, 505, 409] },
    },
    {
      desc: 'retriable-4xx: 409 only',
      config: { retryOn: ['retriable-4xx'] },
      expect: { connect: false, reset: false, retried: [409], notRetried: [400, 408, 429, 500, 503] },
    },
    {
      desc: 'connect-failure alone retries no status',
      config: { retryOn: ['connect-failure'] },
      expect: { connect: true, reset: false, retried: [], notRetried: [409, 500, 502, 503, 504] },
    },
    {
      desc: 'reset alone',
      config: { retryOn: ['reset'] },
      expect: { connect: false, reset: true, retried: [], notRetried: [502] },
    },
    {
      desc: 'explicit codes mix with conditions',
      config: { retryOn: [429, 'reset', 'gateway-error', 500] },
      expect: { connect: false, reset: true, retried: [429, 500, 502, 503, 504], notRetried: [409, 501, 428, 430] },
    },
    {
      desc: 'out-of-range or odd statuses are never retried',
      config: { retryOn: ['5xx', 'retriable-4xx'] },
      expect: { connect: false, reset: false, retried: [409, 599], notRetried: [-1, 0, 600, 1000, 502.5, Number.NaN, Infinity] },
    },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const p = new CompiledRetryPolicy({ maxAttempts: 3, ...c.config });
      assert.equal(p.retriesConnectFailure, c.expect.connect, 'connect-failure');
      assert.equal(p.retriesReset, c.expect.reset, 'reset');
      for (const s of c.expect.retried) assert.equal(p.retriesStatus(s), true, `status ${s}`);
      for (const s of c.expect.notRetried) assert.equal(p.retriesStatus(s), false, `status ${s}`);
    });
  }
});

describe('retry policy: settings', () => {
  it('defaults', () => {
    const p = new CompiledRetryPolicy({ maxAttempts: 3 });
    assert.equal(p.maxAttempts, 3);
    assert.equal(p.perTryTimeoutMs, 0);
    assert.equal(p.retryNonIdempotent, false);
    assert.equal(p.budgetPercent, 20);
    assert.equal(p.retryBufferBytes, 65_536);
    assert.equal(p.initialDelayMs, 100);
    assert.equal(p.backoffMultiplier, 2);
    assert.equal(p.maxDelayMs, 1000);
  });
  it('every key is taken', () => {
    const p = new CompiledRetryPolicy({
      maxAttempts: 5,
      perTryTimeoutMs: 250,
      retryNonIdempotent: true,
      budgetPercent: 50,
      retryBufferBytes: 0,
      initialDelayMs: 10,
      backoffMultiplier: 3,
      maxDelayMs: 70,
    });
    assert.deepEqual(
      [p.maxAttempts, p.perTryTimeoutMs, p.retryNonIdempotent, p.budgetPercent, p.retryBufferBytes, p.initialDelayMs, p.backoffMultiplier, p.maxDelayMs],
      [5, 250, true, 50, 0, 10, 3, 70],
    );
  });
  it('maxDelayMs defaults to 10 x a custom initialDelayMs', () => {
    assert.equal(new CompiledRetryPolicy({ maxAttempts: 2, initialDelayMs: 25 }).maxDelayMs, 250);
  });
});

describe('retry policy: backoff (full jitter)', () => {
  const N = 10_000;
  interface Case {
    readonly desc: string;
    readonly config: Omit<RetryPolicyConfig, 'maxAttempts'>;
    readonly retryNumber: number;
    /** The base the delay is drawn under: never reached, mean near half. */
    readonly expect: { readonly cap: number };
  }
  const cases: Case[] = [
    { desc: 'first retry: under initialDelayMs (100)', config: {}, retryNumber: 1, expect: { cap: 100 } },
    { desc: 'second retry: under 200', config: {}, retryNumber: 2, expect: { cap: 200 } },
    { desc: 'third retry: under 400', config: {}, retryNumber: 3, expect: { cap: 400 } },
    { desc: 'fifth retry: 1600 capped at the default maxDelayMs (1000)', config: {}, retryNumber: 5, expect: { cap: 1000 } },
    { desc: 'multiplier 3 with an explicit cap', config: { initialDelayMs: 50, backoffMultiplier: 3, maxDelayMs: 300 }, retryNumber: 2, expect: { cap: 150 } },
    { desc: 'explicit cap reached', config: { initialDelayMs: 50, backoffMultiplier: 3, maxDelayMs: 300 }, retryNumber: 3, expect: { cap: 300 } },
    { desc: 'multiplier 1: constant base', config: { initialDelayMs: 80, backoffMultiplier: 1 }, retryNumber: 9, expect: { cap: 80 } },
    { desc: 'a huge retry number does not overflow past the cap', config: {}, retryNumber: 5000, expect: { cap: 1000 } },
    { desc: 'a cap below initialDelayMs wins', config: { initialDelayMs: 500, maxDelayMs: 120 }, retryNumber: 1, expect: { cap: 120 } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const p = new CompiledRetryPolicy({ maxAttempts: 3, ...c.config }, seeded(42));
      let sum = 0;
      let max = 0;
      let min = Infinity;
      for (let i = 0; i < N; i++) {
        const d = p.backoffMs(c.retryNumber);
        assert.ok(Number.isFinite(d) && d >= 0 && d < c.expect.cap, `sample ${d} outside [0, ${c.expect.cap})`);
        sum += d;
        if (d > max) max = d;
        if (d < min) min = d;
      }
      const mean = sum / N;
      // Uniform on [0, cap): mean cap/2, sd of the mean cap/sqrt(12 N) ~ 0.0029 cap; allow ~7 sd.
      assert.ok(Math.abs(mean - c.expect.cap / 2) < 0.02 * c.expect.cap, `mean ${mean}, expected about ${c.expect.cap / 2}`);
      assert.ok(max > 0.99 * c.expect.cap, `max ${max}: the draws should reach near the cap`);
      assert.ok(min < 0.01 * c.expect.cap, `min ${min}: the draws should reach near 0`);
    });
  }
  it('initialDelayMs 0: never waits (and never NaN)', () => {
    const p = new CompiledRetryPolicy({ maxAttempts: 3, initialDelayMs: 0, maxDelayMs: 500 }, seeded(1));
    for (const n of [1, 2, 10, 5000]) assert.equal(p.backoffMs(n), 0);
  });
  it('scales the random draw by the base', () => {
    const p = new CompiledRetryPolicy({ maxAttempts: 3 }, () => 0.5);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => p.backoffMs(n)), [50, 100, 200, 400, 500, 500]);
    assert.equal(new CompiledRetryPolicy({ maxAttempts: 3 }, () => 0).backoffMs(3), 0);
  });
});

describe('retry policy: methods', () => {
  const table: [string, boolean][] = [
    ['GET', true],
    ['HEAD', true],
    ['OPTIONS', true],
    ['TRACE', true],
    ['PUT', true],
    ['DELETE', true],
    ['POST', false],
    ['PATCH', false],
    ['CONNECT', false],
    ['get', false],
    ['', false],
  ];
  for (const [method, idempotent] of table) {
    it(`${method || '(empty)'} is ${idempotent ? '' : 'not '}idempotent`, () => {
      assert.equal(CompiledRetryPolicy.methodIsIdempotent(method), idempotent);
    });
  }
  it('mayRetryMethod: POST only with an Idempotency-Key or retryNonIdempotent', () => {
    const strict = new CompiledRetryPolicy({ maxAttempts: 2 });
    const loose = new CompiledRetryPolicy({ maxAttempts: 2, retryNonIdempotent: true });
    assert.equal(strict.mayRetryMethod('GET', false), true);
    assert.equal(strict.mayRetryMethod('POST', false), false);
    assert.equal(strict.mayRetryMethod('POST', true), true);
    assert.equal(loose.mayRetryMethod('POST', false), true);
    assert.equal(loose.mayRetryMethod('PATCH', false), true);
  });
});

describe('retry budget', () => {
  interface Case {
    readonly desc: string;
    readonly config: { readonly percent: number };
    /** [activeRequests, activeRetries, allowed] */
    readonly steps: readonly (readonly [number, number, boolean])[];
  }
  const cases: Case[] = [
    { desc: 'at least 3 retries in flight with few active requests', config: { percent: 20 }, steps: [[0, 0, true], [0, 2, true], [0, 3, false], [4, 2, true], [4, 3, false]] },
    { desc: '20% of 20 active = 4 retries', config: { percent: 20 }, steps: [[20, 0, true], [20, 3, true], [20, 4, false]] },
    { desc: '20% of 100 active = 20 retries', config: { percent: 20 }, steps: [[100, 19, true], [100, 20, false]] },
    { desc: 'floors: 20% of 24 = 4.8 -> 4', config: { percent: 20 }, steps: [[24, 3, true], [24, 4, false], [25, 4, true], [25, 5, false]] },
    { desc: '29% of 100 = 29 (no float drift to 28)', config: { percent: 29 }, steps: [[100, 28, true], [100, 29, false]] },
    { desc: 'fractional percent: 33.3% of 30 = 9', config: { percent: 33.3 }, steps: [[30, 8, true], [30, 9, false]] },
    { desc: '0%: still the minimum of 3 at a time', config: { percent: 0 }, steps: [[1000, 2, true], [1000, 3, false]] },
    { desc: '100%: as many retries as active requests', config: { percent: 100 }, steps: [[5, 4, true], [5, 5, false]] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const b = new RetryBudget(c.config.percent);
      for (const [active, retries, allowed] of c.steps) assert.equal(b.allows(active, retries), allowed, `allows(${active}, ${retries})`);
    });
  }
});
