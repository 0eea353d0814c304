import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRateLimits } from './compile.js';
import { MemoryStore } from './memory-store.js';
import type { GatewayConfig, RateLimitConfig, RouteConfig } from '../../config/schema/index.js';
import type { LimitCheck } from './types.js';

const IP = '198.51.100.9';

function route(extra: Partial<RouteConfig>): RouteConfig {
  return { path: '/api', backendService: 'svc', ...extra };
}

/** `key <- algorithm limit/periodMs burst` per check, for compact expectations. */
function describeChecks(checks: readonly LimitCheck[]): string[] {
  return checks.map((c) => `${c.key} <- ${c.spec.algorithm} ${c.spec.limit}/${c.spec.periodMs} b${c.spec.burst}`);
}

function checksFor(config: GatewayConfig, headers: string[], routeIndex = 0, name = 'api'): string[] {
  const compiled = compileRateLimits(config.routes![routeIndex]!, name, config);
  assert.ok(compiled !== null);
  // a reused array with stale entries from an earlier, longer request
  const out: LimitCheck[] = Array.from({ length: 6 }, () => ({ spec: compiled.specs[0]!, key: 'stale' }));
  const n = compiled.checks(headers, IP, out);
  assert.equal(out.length, n, 'out is truncated to the count');
  return describeChecks(out);
}

describe('compileRateLimits', () => {
  it('null when nothing limits the route', () => {
    const config: GatewayConfig = { routes: [route({})] };
    assert.equal(compileRateLimits(config.routes![0]!, 'api', config), null);
  });

  const cases: { desc: string; config: GatewayConfig; headers: string[]; expect: string[] }[] = [
    {
      desc: 'shorthand rateLimitRps: token bucket per IP, burst = rate',
      config: { routes: [route({ rateLimitRps: 20 })] },
      headers: [],
      expect: [`api|api-rps|${IP} <- token-bucket 20/1000 b20`],
    },
    {
      desc: 'fractional rateLimitRps: limit ceil(N) over 1000 * limit / N ms',
      config: { routes: [route({ rateLimitRps: 2.5 })] },
      headers: [],
      expect: [`api|api-rps|${IP} <- token-bucket 3/1200 b3`],
    },
    {
      desc: 'defaults: token bucket, 1 s, burst = limit, key ip, name <route>-<index>',
      config: { routes: [route({ rateLimits: [{ limit: 7 }] })] },
      headers: [],
      expect: [`api|api-0|${IP} <- token-bucket 7/1000 b7`],
    },
    {
      desc: 'stacking: global first (shared scope), then the shorthand, then the route list',
      config: {
        globalRateLimits: [{ name: 'everyone', limit: 1000, key: 'global' }],
        routes: [
          route({
            rateLimitRps: 20,
            rateLimits: [
              { name: 'per-key', limit: 50, burst: 80, key: 'apiKey', periodSeconds: 60 },
              { name: 'daily', algorithm: 'fixed-window', limit: 10_000, periodSeconds: 86_400, key: ['apiKey', 'ip'] },
              { name: 'smooth', algorithm: 'sliding-window', limit: 30, periodSeconds: 10, key: 'header:x-user' },
            ],
          }),
        ],
      },
      headers: ['X-Api-Key', 'k1', 'Host', 'h'],
      expect: [
        'global|everyone| <- token-bucket 1000/1000 b1000',
        `api|api-rps|${IP} <- token-bucket 20/1000 b20`,
        'api|per-key|k1 <- token-bucket 50/60000 b80',
        `api|daily|2:k1|${IP} <- fixed-window 10000/86400000 b10000`,
        // smooth: no x-user header -> skipped
      ],
    },
    {
      desc: 'stacking without an API key: the key-based limits are skipped',
      config: {
        globalRateLimits: [{ name: 'everyone', limit: 1000, key: 'global' }],
        routes: [route({ rateLimitRps: 20, rateLimits: [{ name: 'per-key', limit: 50, key: 'apiKey' }] })],
      },
      headers: ['Host', 'h'],
      expect: ['global|everyone| <- token-bucket 1000/1000 b1000', `api|api-rps|${IP} <- token-bucket 20/1000 b20`],
    },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(checksFor(c.config, c.headers), c.expect));

  it('global limits share one counter across routes; route limits are per route', () => {
    const config: GatewayConfig = {
      globalRateLimits: [{ name: 'g', limit: 2, key: 'ip', algorithm: 'fixed-window', periodSeconds: 60 }],
      routes: [route({ rateLimits: [{ name: 'own', limit: 5 }] }), route({ path: '/b', rateLimits: [{ name: 'own', limit: 5 }] })],
    };
    const a = compileRateLimits(config.routes![0]!, 'a', config)!;
    const b = compileRateLimits(config.routes![1]!, 'b', config)!;
    const store = new MemoryStore({ sweepIntervalMs: 0 });
    const out: LimitCheck[] = [];
    a.checks([], IP, out);
    assert.deepEqual(out.map((c) => c.key), [`global|g|${IP}`, `a|own|${IP}`]);
    assert.equal(store.consume(out, 0).allowed, true);
    b.checks([], IP, out);
    assert.deepEqual(out.map((c) => c.key), [`global|g|${IP}`, `b|own|${IP}`]);
    assert.equal(store.consume(out, 0).allowed, true);
    a.checks([], IP, out);
    const d = store.consume(out, 0);
    assert.equal(d.allowed, false, 'the third request to either route hits the shared global limit');
    assert.equal(d.tightest, 0);
  });

  describe('tiers', () => {
    const tiers = { free: { limit: 10 }, pro: { limit: 100, periodSeconds: 1, burst: 150 }, default: { limit: 5 } };
    const withTiers = (limit: Partial<RateLimitConfig>, t: GatewayConfig['rateLimitTiers'] = tiers): GatewayConfig => ({
      rateLimitTiers: t,
      routes: [route({ rateLimits: [{ name: 'per-key', key: 'apiKey', tierFrom: 'header:x-tier', periodSeconds: 60, ...limit }] })],
    });
    const key = ['x-api-key', 'k1'];
    const cases: { desc: string; config: GatewayConfig; headers: string[]; expect: string[] }[] = [
      {
        desc: 'the tier header picks the tier (period defaults to the limit\'s, burst to the tier\'s limit)',
        config: withTiers({}),
        headers: [...key, 'X-Tier', 'free'],
        expect: ['api|per-key@free|k1 <- token-bucket 10/60000 b10'],
      },
      {
        desc: 'a tier\'s own periodSeconds and burst win',
        config: withTiers({}),
        headers: [...key, 'x-tier', 'pro'],
        expect: ['api|per-key@pro|k1 <- token-bucket 100/1000 b150'],
      },
      {
        desc: 'unknown tier, limit without own values -> the default tier',
        config: withTiers({}),
        headers: [...key, 'x-tier', 'platinum'],
        expect: ['api|per-key@default|k1 <- token-bucket 5/60000 b5'],
      },
      {
        desc: 'missing tier header -> the default tier',
        config: withTiers({}),
        headers: key,
        expect: ['api|per-key@default|k1 <- token-bucket 5/60000 b5'],
      },
      {
        desc: 'tier names match exactly (case-sensitive)',
        config: withTiers({}),
        headers: [...key, 'x-tier', 'PRO'],
        expect: ['api|per-key@default|k1 <- token-bucket 5/60000 b5'],
      },
      {
        desc: 'unknown tier, limit with own values -> its own values (own counter)',
        config: withTiers({ limit: 20 }),
        headers: [...key, 'x-tier', 'nope'],
        expect: ['api|per-key|k1 <- token-bucket 20/60000 b20'],
      },
      {
        desc: 'unknown tier, no own values, no default tier -> the limit is skipped',
        config: withTiers({}, { free: { limit: 10 } }),
        headers: [...key, 'x-tier', 'nope'],
        expect: [],
      },
      {
        desc: 'tier on a window algorithm: burst ignored (= limit)',
        config: withTiers({ algorithm: 'sliding-window' }),
        headers: [...key, 'x-tier', 'pro'],
        expect: ['api|per-key@pro|k1 <- sliding-window 100/1000 b100'],
      },
      {
        desc: 'tierFrom apiKey: not available until API keys land -> fallback',
        config: withTiers({ tierFrom: 'apiKey' }),
        headers: [...key, 'x-tier', 'pro'],
        expect: ['api|per-key@default|k1 <- token-bucket 5/60000 b5'],
      },
    ];
    for (const c of cases) it(c.desc, () => assert.deepEqual(checksFor(c.config, c.headers), c.expect));
  });

  it('config errors name the key path', () => {
    const cases: { desc: string; config: GatewayConfig; routeIndex?: number; error: RegExp }[] = [
      { desc: 'no limit, no tierFrom', config: { routes: [route({}), route({ rateLimits: [{ name: 'x' }] })] }, routeIndex: 1, error: /^Error: routes\[1\]\.rateLimits\[0\]: needs `limit`/ },
      { desc: 'tierFrom without tiers', config: { routes: [route({ rateLimits: [{ tierFrom: 'header:x-tier' }] })] }, error: /^Error: routes\[0\]\.rateLimits\[0\]\.tierFrom: set, but there are no rateLimitTiers/ },
      { desc: 'burst on a window', config: { routes: [route({ rateLimits: [{ limit: 5, burst: 9, algorithm: 'fixed-window' }] })] }, error: /^Error: routes\[0\]\.rateLimits\[0\]\.burst: only token-bucket/ },
      { desc: 'global error path', config: { globalRateLimits: [{ limit: 1 }, {}], routes: [route({})] }, error: /^Error: globalRateLimits\[1\]: needs `limit`/ },
      { desc: 'duplicate names across global and route', config: { globalRateLimits: [{ name: 'x', limit: 1 }], routes: [route({ rateLimits: [{ name: 'x', limit: 2 }] })] }, error: /^Error: routes\[0\]\.rateLimits\[0\]: rate limit name "x" is already used by globalRateLimits\[0\]/ },
      { desc: '| in a name', config: { routes: [route({ rateLimits: [{ name: 'a|b', limit: 2 }] })] }, error: /must not contain "\|"/ },
      { desc: 'bad key source', config: { routes: [route({ rateLimits: [{ limit: 2, key: 'cookie:x' }] })] }, error: /^Error: routes\[0\]\.rateLimits\[0\]\.key: unknown rate-limit key source "cookie:x"/ },
    ];
    for (const c of cases) {
      assert.throws(() => compileRateLimits(c.config.routes![c.routeIndex ?? 0]!, 'api', c.config), c.error, c.desc);
    }
  });

  it('header style (default draft) and the specs list', () => {
    const config: GatewayConfig = {
      globalRateLimits: [{ name: 'g', limit: 100 }],
      rateLimitTiers: { default: { limit: 3 } },
      routes: [route({ rateLimitRps: 5, rateLimits: [{ name: 't', tierFrom: 'header:x-tier', key: 'global' }] })],
    };
    const c = compileRateLimits(config.routes![0]!, 'api', config)!;
    assert.equal(c.headerStyle, 'draft');
    assert.deepEqual(c.specs.map((s) => `${s.name}:${s.limit}`), ['g:100', 'api-rps:5', 't:3']);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.specs) && Object.isFrozen(c.specs[0]));
    assert.equal(compileRateLimits(config.routes![0]!, 'api', { ...config, rateLimitHeaders: 'legacy' })!.headerStyle, 'legacy');
  });

  it('end to end: compile + MemoryStore + headers', () => {
    const config: GatewayConfig = {
      routes: [
        route({
          rateLimitRps: 2,
          rateLimits: [{ name: 'daily', algorithm: 'fixed-window', limit: 100, periodSeconds: 86_400, key: 'apiKey' }],
        }),
      ],
    };
    const c = compileRateLimits(config.routes![0]!, 'api', config)!;
    const store = new MemoryStore({ sweepIntervalMs: 0 });
    const now = Date.UTC(2024, 0, 1, 23, 0, 0);
    const out: LimitCheck[] = [];
    const head = ['x-api-key', 'k'];
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      c.checks(head, IP, out);
      lines.push(c.headers(out, store.consume(out, now)));
    }
    assert.deepEqual(lines, [
      'RateLimit-Policy: "api-rps";q=2;w=1, "daily";q=100;w=86400\r\nRateLimit: "api-rps";r=1;t=1\r\n',
      'RateLimit-Policy: "api-rps";q=2;w=1, "daily";q=100;w=86400\r\nRateLimit: "api-rps";r=0;t=1\r\n',
      'RateLimit-Policy: "api-rps";q=2;w=1, "daily";q=100;w=86400\r\nRateLimit: "api-rps";r=0;t=1\r\nRetry-After: 1\r\n',
    ]);
  });
});
