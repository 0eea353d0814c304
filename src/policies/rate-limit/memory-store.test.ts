import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.js';
import { compileRateLimits } from './compile.js';
import { renderRateLimitHeaders } from './headers.js';
import type { Decision, LimitCheck, LimitSpec, RateLimitAlgorithm } from './types.js';
import type { GatewayConfig } from '../../config/schema/index.js';

const spec = (name: string, algorithm: RateLimitAlgorithm, limit: number, periodMs: number, burst = limit): LimitSpec =>
  Object.freeze({ name, algorithm, limit, periodMs, burst });
const check = (s: LimitSpec, key: string): LimitCheck => ({ spec: s, key: `${s.name}|${key}` });
const store = (opts: ConstructorParameters<typeof MemoryStore>[0] = {}): MemoryStore => new MemoryStore({ sweepIntervalMs: 0, ...opts });

/** allowed + remaining of every result, compactly. */
const summary = (d: Decision): string => `${d.allowed ? 'allow' : 'deny'} [${d.results.map((r) => (r.allowed ? r.remaining : `x${r.retryAfterSeconds}`)).join(',')}] @${d.tightest}`;

describe('MemoryStore: all-or-nothing and tightest', () => {
  const wide = spec('wide', 'token-bucket', 5, 1000);
  const narrow = spec('narrow', 'fixed-window', 1, 60_000);
  const slide = spec('slide', 'sliding-window', 3, 1000);

  const cases: { desc: string; steps: { at: number; checks: LimitCheck[]; expect: string }[] }[] = [
    {
      desc: 'a request denied by one limit consumes none of the others',
      steps: [
        { at: 0, checks: [check(wide, 'a'), check(narrow, 'a')], expect: 'allow [4,0] @1' },
        { at: 0, checks: [check(wide, 'a'), check(narrow, 'a')], expect: 'deny [4,x60] @1' },
        { at: 0, checks: [check(wide, 'a'), check(narrow, 'a')], expect: 'deny [4,x60] @1' },
        // only `wide` applies (e.g. its key is present and narrow's is not): still 4 left, takes one
        { at: 0, checks: [check(wide, 'a')], expect: 'allow [3] @0' },
      ],
    },
    {
      desc: 'tightest when allowed: least remaining',
      steps: [
        { at: 0, checks: [check(wide, 'b'), check(slide, 'b')], expect: 'allow [4,2] @1' },
        { at: 0, checks: [check(wide, 'b'), check(slide, 'b')], expect: 'allow [3,1] @1' },
      ],
    },
    {
      desc: 'tightest when denied: the denying limit with the longest retry',
      steps: [
        { at: 0, checks: [check(slide, 'c'), check(narrow, 'c')], expect: 'allow [2,0] @1' },
        { at: 0, checks: [check(slide, 'c'), check(slide, 'c2'), check(narrow, 'c')], expect: 'deny [2,3,x60] @2' },
      ],
    },
    {
      desc: 'keys are counted separately',
      steps: [
        { at: 0, checks: [check(narrow, 'k1')], expect: 'allow [0] @0' },
        { at: 0, checks: [check(narrow, 'k2')], expect: 'allow [0] @0' },
        { at: 0, checks: [check(narrow, 'k1')], expect: 'deny [x60] @0' },
      ],
    },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const s = store();
      c.steps.forEach((step, i) => assert.equal(summary(s.consume(step.checks, step.at)), step.expect, `step ${i}`));
    });
  }

  it('no checks: allowed, tightest -1', () => {
    const d = store().consume([], 0);
    assert.equal(d.allowed, true);
    assert.equal(d.tightest, -1);
    assert.equal(d.results.length, 0);
  });

  it('a counter whose limit changed algorithm or period starts fresh', () => {
    const s = store();
    const a = spec('x', 'fixed-window', 1, 1000);
    assert.equal(s.consume([check(a, 'k')], 0).allowed, true);
    assert.equal(s.consume([check(a, 'k')], 0).allowed, false);
    assert.equal(s.consume([check(spec('x', 'fixed-window', 1, 2000), 'k')], 0).allowed, true);
    assert.equal(s.consume([check(spec('x', 'sliding-window', 1, 2000), 'k')], 0).allowed, true);
  });
});

describe('MemoryStore: limitDivisor (onStoreError: local)', () => {
  const cases = [
    { desc: 'token bucket 10 burst 10 / 3 instances -> burst 3.33: 3 at once', algorithm: 'token-bucket' as const, limit: 10, divisor: 3, admitted: 3 },
    { desc: 'fixed window 10 / 4 -> 2.5: 2 per window', algorithm: 'fixed-window' as const, limit: 10, divisor: 4, admitted: 2 },
    { desc: 'sliding window 2 / 5 -> floored at 1', algorithm: 'sliding-window' as const, limit: 2, divisor: 5, admitted: 1 },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const s = store({ limitDivisor: c.divisor });
      const sp = spec('d', c.algorithm, c.limit, 1000);
      let n = 0;
      for (let i = 0; i < 20; i++) if (s.consume([check(sp, 'k')], 5).allowed) n++;
      assert.equal(n, c.admitted);
    });
  }

  it('over time the token bucket admits limit/divisor per period', () => {
    const s = store({ limitDivisor: 3 });
    const sp = spec('d', 'token-bucket', 30, 1000);
    let n = 0;
    for (let t = 0; t < 10_000; t += 5) if (s.consume([check(sp, 'k')], t).allowed) n++;
    assert.equal(n, 10 + 99); // the burst of 10 at t=0, then 10/s for the remaining 9.995 s
  });

  it('rejects a divisor below 1', () => {
    assert.throws(() => new MemoryStore({ limitDivisor: 0.5, sweepIntervalMs: 0 }), /limitDivisor/);
  });
});

describe('MemoryStore: expiry and bounds', () => {
  it('sweep deletes a counter exactly when it equals a fresh one', () => {
    const cases = [
      { algorithm: 'token-bucket' as const, limit: 10, periodMs: 1000, at: 0, fresh: 100 }, // one token back after 100 ms: full
      { algorithm: 'sliding-window' as const, limit: 10, periodMs: 1000, at: 500, fresh: 2000 }, // both windows over
      { algorithm: 'fixed-window' as const, limit: 10, periodMs: 1000, at: 500, fresh: 1000 },
    ];
    for (const c of cases) {
      const s = store();
      s.consume([check(spec('e', c.algorithm, c.limit, c.periodMs), 'k')], c.at);
      assert.equal(s.sweep(c.fresh - 1), 0, `${c.algorithm}: kept before`);
      assert.equal(s.size, 1);
      assert.equal(s.sweep(c.fresh), 1, `${c.algorithm}: deleted at ${c.fresh}`);
      assert.equal(s.size, 0);
    }
  });

  it('sweep defaults to the latest now seen and can run in budgeted steps', () => {
    const s = store();
    const sp = spec('e', 'fixed-window', 1, 1000);
    for (let i = 0; i < 10; i++) s.consume([check(sp, `k${i}`)], 0);
    s.consume([check(sp, 'late')], 1500); // lastNow = 1500: the ten earlier ones expired at 1000
    assert.equal(s.sweep(1500, 4), 4);
    assert.equal(s.sweep(1500, 4), 4);
    assert.equal(s.sweep(1500, 4), 2); // the 'late' one is alive
    assert.equal(s.size, 1);
    assert.equal(s.sweep(), 0);
  });

  it('maxKeys: evicts with a second chance, so a key in use survives', () => {
    const s = store({ maxKeys: 3 });
    const sp = spec('m', 'fixed-window', 5, 60_000);
    for (const k of ['a', 'b', 'c']) s.consume([check(sp, k)], 0);
    s.consume([check(sp, 'd')], 0); // all were touched: one rotation, then 'a' (oldest) goes
    assert.equal(s.size, 3);
    assert.equal(s.evictions, 1);
    s.consume([check(sp, 'b')], 0); // 'b' used again
    s.consume([check(sp, 'e')], 0); // 'b' gets a second chance, 'c' goes
    assert.equal(s.evictions, 2);
    // 'b' kept its count (2 used of 5), 'c' restarts fresh
    assert.equal(s.consume([check(sp, 'b')], 0).results[0]!.remaining, 2);
    assert.equal(s.size, 3);
  });

  it('the sweep timer is unref\'d and close() stops it', async () => {
    const s = new MemoryStore({ sweepIntervalMs: 5 });
    s.consume([check(spec('t', 'fixed-window', 1, 10), 'k')], Date.now());
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(s.size, 1, 'nothing expired at the latest now');
    s.consume([check(spec('t', 'fixed-window', 1, 10), 'k2')], Date.now() + 1000);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(s.size, 1, 'the timer swept at the latest now passed to consume: k expired, k2 alive');
    await s.close();
  });
});

describe('MemoryStore: cost of a decision', () => {
  it('ns per consume of 3 limits, and per compiled request (checks + consume + headers)', (t) => {
    const s = store({ maxKeys: 1_000_000 });
    const g = spec('global', 'token-bucket', 1e9, 1000);
    const ip = spec('ip', 'sliding-window', 1e6, 1000);
    const quota = spec('quota', 'fixed-window', 1e9, 86_400_000);
    const keys = Array.from({ length: 10_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const batches = keys.map((k) => [check(g, ''), check(ip, k), check(quota, k)]);
    const N = 1_000_000;
    const now0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 50_000; i++) s.consume(batches[i % batches.length]!, now0 + (i >> 4)); // warm up
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) s.consume(batches[i % batches.length]!, now0 + (i >> 4));
    const consumeNs = Number(process.hrtime.bigint() - t0) / N;

    const config: GatewayConfig = {
      listen: { port: 0 },
      globalRateLimits: [{ name: 'global', limit: 1_000_000_000 }],
      routes: [
        {
          path: '/',
          backendService: 'x:1',
          rateLimitRps: 1_000_000,
          rateLimits: [{ name: 'quota', algorithm: 'fixed-window', limit: 1_000_000_000, periodSeconds: 86_400, key: 'apiKey' }],
        },
      ],
    } as GatewayConfig;
    const compiled = compileRateLimits(config.routes![0]!, 'r', config)!;
    const heads = keys.map((k) => ['Host', 'example.com', 'User-Agent', 'bench', 'X-Api-Key', `key-${k}`, 'Accept', '*/*']);
    const s2 = store({ maxKeys: 1_000_000 });
    const out: LimitCheck[] = [];
    let bytes = 0;
    const full = (i: number): void => {
      compiled.checks(heads[i % heads.length]!, keys[i % keys.length]!, out);
      const d = s2.consume(out, now0 + (i >> 4));
      bytes += renderRateLimitHeaders('draft', out, d).length;
    };
    for (let i = 0; i < 50_000; i++) full(i);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) full(i);
    const fullNs = Number(process.hrtime.bigint() - t0) / N;
    t.diagnostic(`MemoryStore.consume, 3 limits (token bucket + sliding + fixed), 10k keys: ${consumeNs.toFixed(0)} ns per request`);
    t.diagnostic(`compiled.checks + consume + draft headers, 3 limits: ${fullNs.toFixed(0)} ns per request (${(fullNs / 1e6).toFixed(4)} ms; budget 0.05 ms)`);
    assert.ok(bytes > 0);
  });
});
