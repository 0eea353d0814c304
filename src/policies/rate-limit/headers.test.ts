import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitPolicy, advertisedWindow, renderRateLimitHeaders, sfString, violatedPolicies, type RateLimitHeaderStyle } from './headers.js';
import { RateLimitDecision, RateLimitResult } from './algorithms.js';
import type { LimitCheck, LimitSpec } from './types.js';

const perSecond = new RateLimitPolicy('api-rps', 'token-bucket', 10, 1000, 20);
const daily = new RateLimitPolicy('daily', 'fixed-window', 1000, 86_400_000, 1000);
const checks: LimitCheck[] = [
  { spec: perSecond, key: 'r|api-rps|1.2.3.4' },
  { spec: daily, key: 'r|daily|k' },
];
const allowed = new RateLimitDecision(true, [new RateLimitResult(true, 7, 1, 0), new RateLimitResult(true, 3, 3600, 0)], 1);
const denied = new RateLimitDecision(false, [new RateLimitResult(false, 0, 2, 1), new RateLimitResult(true, 3, 3600, 0)], 0);

describe('rate-limit headers', () => {
  const cases: { style: RateLimitHeaderStyle; allowed: string; denied: string }[] = [
    {
      style: 'draft',
      allowed: 'RateLimit-Policy: "api-rps";q=10;w=1, "daily";q=1000;w=86400\r\nRateLimit: "daily";r=3;t=3600\r\n',
      denied: 'RateLimit-Policy: "api-rps";q=10;w=1, "daily";q=1000;w=86400\r\nRateLimit: "api-rps";r=0;t=1\r\nRetry-After: 1\r\n',
    },
    {
      style: 'legacy',
      allowed: 'RateLimit-Limit: 1000\r\nRateLimit-Remaining: 3\r\nRateLimit-Reset: 3600\r\n',
      denied: 'RateLimit-Limit: 10\r\nRateLimit-Remaining: 0\r\nRateLimit-Reset: 1\r\nRetry-After: 1\r\n',
    },
    {
      style: 'x-ratelimit',
      allowed: 'X-RateLimit-Limit: 1000\r\nX-RateLimit-Remaining: 3\r\nX-RateLimit-Reset: 3600\r\n',
      denied: 'X-RateLimit-Limit: 10\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1\r\nRetry-After: 1\r\n',
    },
    { style: 'none', allowed: '', denied: 'Retry-After: 1\r\n' },
  ];
  for (const c of cases) {
    it(`${c.style}: allowed and denied`, () => {
      assert.equal(renderRateLimitHeaders(c.style, checks, allowed), c.allowed);
      assert.equal(renderRateLimitHeaders(c.style, checks, denied), c.denied);
    });
  }

  it('denied: t and Reset carry the retry (= Retry-After), not the time to full', () => {
    const d = new RateLimitDecision(false, [new RateLimitResult(false, 0, 30, 10)], 0);
    assert.equal(
      renderRateLimitHeaders('draft', [checks[0]!], d),
      'RateLimit-Policy: "api-rps";q=10;w=1\r\nRateLimit: "api-rps";r=0;t=10\r\nRetry-After: 10\r\n',
    );
  });

  it('violatedPolicies: the denying limits\' names', () => {
    assert.deepEqual(violatedPolicies(checks, denied), ['api-rps']);
    assert.deepEqual(violatedPolicies(checks, allowed), []);
  });

  it('no checks: nothing', () => {
    assert.equal(renderRateLimitHeaders('draft', [], new RateLimitDecision(true, [], -1)), '');
  });

  it('a plain LimitSpec (not compiled) renders the same', () => {
    const plain: LimitSpec = { name: 'api-rps', algorithm: 'token-bucket', limit: 10, periodMs: 1000, burst: 20 };
    assert.equal(renderRateLimitHeaders('draft', [{ spec: plain, key: 'k' }], new RateLimitDecision(true, [new RateLimitResult(true, 7, 1, 0)], 0)),
      'RateLimit-Policy: "api-rps";q=10;w=1\r\nRateLimit: "api-rps";r=7;t=1\r\n');
  });

  it('sfString escapes quotes and backslashes, replaces non-ASCII', () => {
    assert.equal(sfString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(sfString('café\n'), '"caf??"');
    assert.equal(new RateLimitPolicy('x"y', 'fixed-window', 5, 60_000, 5).item, '"x\\"y";q=5;w=60');
  });

  it('windows that are not whole seconds: w = ceil(period), q = floor(rate * w)', () => {
    const cases = [
      { desc: '10 per 1 s', limit: 10, periodMs: 1000, expect: { q: 10, w: 1 } },
      { desc: 'rps 2.5 = 3 per 1.2 s', limit: 3, periodMs: 1200, expect: { q: 5, w: 2 } },
      { desc: 'rps 0.5 = 1 per 2 s', limit: 1, periodMs: 2000, expect: { q: 1, w: 2 } },
      { desc: 'rps 0.3 = 1 per 3.33 s', limit: 1, periodMs: 1000 / 0.3, expect: { q: 1, w: 4 } },
      { desc: 'rps 1.5 = 2 per 1.33 s', limit: 2, periodMs: (1000 * 2) / 1.5, expect: { q: 3, w: 2 } },
      { desc: '5 per 0.5 s', limit: 5, periodMs: 500, expect: { q: 10, w: 1 } },
    ];
    for (const c of cases) assert.deepEqual(advertisedWindow(c.limit, c.periodMs), c.expect, c.desc);
  });
});
