/**
 * The Redis rate-limit store against real redis-servers: the Lua's numbers against the memory
 * store's (exactly, with a fake clock, and behaviourally with the real one), one round trip per
 * decision, exactness across three instances, and Redis dying and returning mid-run (kill,
 * restart, a paused server) under each onStoreError.
 *
 * The plain tests use REDIS_URL when set, else redis://127.0.0.1:6379 when it answers, else a
 * private redis-server; the round-trip and failure tests always start their own (they count its
 * commands, pause it, stop it). Every test uses its own key prefix, and the keys made on a shared
 * Redis are deleted at the end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { MemoryStore } from '../../src/policies/rate-limit/memory-store.js';
import { RedisStore } from '../../src/policies/rate-limit/redis-store.js';
import { ALGORITHM_CODE, consumeScript } from '../../src/policies/rate-limit/redis-scripts.js';
import type { Decision, LimitCheck, LimitSpec, RateLimitAlgorithm } from '../../src/policies/rate-limit/types.js';
import { redisSkipReason, redisTestSkip, startRedis, testRedisUrl, type TestRedis } from '../helpers/redis.js';
import { sleep } from '../helpers/traffic.js';
import { assertAdmitted } from '../helpers/traffic.js';

const skip = await redisTestSkip();
/** The failure tests stop their server: they need redis-server itself. */
const skipPrivate = redisSkipReason();

function spec(name: string, algorithm: RateLimitAlgorithm, limit: number, periodMs: number, burst = limit): LimitSpec {
  return Object.freeze({ name, algorithm, limit, periodMs, burst });
}

/** A pino logger whose lines land in an array. */
function capture(): { logger: Logger; lines: Array<Record<string, unknown>>; events(name: string): Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines, events: (name) => lines.filter((l) => l.event === name) };
}

const silent = pino({ level: 'silent' });
const prefix = (): string => `mgtest:${randomUUID().slice(0, 8)}:`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

let unhandled = 0;
const onUnhandled = (): void => {
  unhandled++;
};

describe('rate limiting through Redis', { skip }, () => {
  let url = '';
  let closeShared: () => Promise<void> = async () => {};
  const stores: RedisStore[] = [];
  const servers: TestRedis[] = [];
  /** Prefixes used on the shared Redis (REDIS_URL may be a server others use): their keys go at the end. */
  const used: string[] = [];
  const store = async (config: ConstructorParameters<typeof RedisStore>[0], logger: Logger = silent): Promise<RedisStore> => {
    // A generous timeout: these tests are about the numbers, and a shared CI machine can stall
    // for 50 ms (the default); the failure tests below use the real defaults and their own servers.
    const s = new RedisStore({ url, keyPrefix: prefix(), timeoutMs: 1000, ...config }, { logger });
    used.push(s.keyPrefix);
    stores.push(s);
    assert.equal(await s.ready(), true, 'connected to Redis');
    return s;
  };
  const server = async (): Promise<TestRedis> => {
    const r = await startRedis();
    servers.push(r);
    return r;
  };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    const shared = await testRedisUrl();
    url = shared.url;
    closeShared = shared.close;
  });
  after(async () => {
    for (const s of stores) await s.close();
    if (url !== '') {
      const c = new Redis(url, { protocol: 2 });
      for (const p of new Set(used)) {
        for await (const keys of c.scanStream({ match: `${p}*`, count: 500 }) as AsyncIterable<string[]>) if (keys.length > 0) await c.unlink(...keys);
      }
      c.disconnect();
    }
    for (const r of servers) await r.stop();
    await closeShared();
    process.off('unhandledRejection', onUnhandled);
    assert.equal(unhandled, 0, 'no unhandled rejections');
  });

  test('the Lua decides exactly like the memory store: random sequences on a fake clock', async (t) => {
    // The store's script with one change: the time comes from the last ARGV instead of TIME.
    const fakePrefix = prefix();
    used.push(fakePrefix);
    const client = new Redis(url, { keyPrefix: fakePrefix, protocol: 2, lazyConnect: true });
    await client.connect();
    client.defineCommand('rlFake', { lua: consumeScript('argv') });
    const fake = (client as unknown as Record<string, (...a: Array<string | number>) => Promise<number[]>>).rlFake!.bind(client);
    const mem = new MemoryStore({ sweepIntervalMs: 0 });
    try {
      const specs = [
        spec('tb', 'token-bucket', 5, 1000),
        spec('tb-burst', 'token-bucket', 3, 700, 7),
        spec('tb-frac', 'token-bucket', 10 / 3, 1000, 2.5),
        spec('sw', 'sliding-window', 4, 1000),
        spec('sw-odd', 'sliding-window', 7, 333),
        spec('sw-frac', 'sliding-window', 5 / 3, 250),
        spec('fw', 'fixed-window', 3, 500),
        spec('fw-frac', 'fixed-window', 2.5, 1000),
      ];
      // Each spec has its own keys; `shared` is used by several specs in turn (a reload changing
      // a limit's algorithm or period: both stores start that counter fresh).
      const keyFor = (s: LimitSpec, r: number): string => (r < 0.1 ? 'shared' : `${s.name}|${Math.floor(r * 3)}`);
      let seed = 42;
      const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const steps = [0, 0, 0, 1, 3, 17, 50, 120, 250, 333, 500, 1000, 2600, -40];
      let now = 1_764_000_000_123;
      let compared = 0;
      let admitted = 0;
      for (let i = 0; i < 2500; i++) {
        now += steps[Math.floor(rnd() * steps.length)]!;
        const checks: LimitCheck[] = [];
        const used = new Set<string>();
        const k = 1 + Math.floor(rnd() * 3);
        for (let j = 0; j < k; j++) {
          const s = specs[Math.floor(rnd() * specs.length)]!;
          const key = keyFor(s, rnd());
          if (used.has(key)) continue;
          used.add(key);
          checks.push({ spec: s, key });
        }
        const args: Array<string | number> = [checks.length, ...checks.map((c) => c.key)];
        for (const c of checks) args.push(ALGORITHM_CODE[c.spec.algorithm], String(c.spec.limit), String(c.spec.periodMs), String(c.spec.burst));
        args.push(now);
        const reply = await fake(...args);
        const want = mem.consume(checks, now);
        const got = {
          allowed: reply[0] === 1,
          results: checks.map((_, j) => ({ allowed: reply[2 + j * 4] === 1, remaining: reply[3 + j * 4], resetSeconds: reply[4 + j * 4], retryAfterSeconds: reply[5 + j * 4] })),
        };
        assert.equal(reply[1], now, 'the script used the given clock');
        assert.deepEqual(got, { allowed: want.allowed, results: want.results.map((r) => ({ ...r })) }, `step ${i} at ${now}: ${JSON.stringify(checks.map((c) => c.key))}`);
        compared++;
        if (want.allowed) admitted++;
      }
      t.diagnostic(`${compared} decisions identical (${admitted} admitted), 8 limits incl. fractional, clock steps back, algorithm/period changes on one key`);
    } finally {
      await mem.close();
      client.disconnect();
    }
  });

  test('with the real clock (Redis TIME vs Date.now()), each algorithm admits and denies like the memory store', async () => {
    const s = await store({});
    const mem = new MemoryStore({ sweepIntervalMs: 0 });
    try {
      const run = async (checks: LimitCheck[], n: number) => {
        const r: Decision[] = [];
        const m: Decision[] = [];
        for (let i = 0; i < n; i++) {
          r.push(await s.consume(checks, Date.now()));
          m.push(mem.consume(checks, Date.now()));
        }
        return { r, m };
      };
      const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1, `${what}: redis ${a} vs memory ${b}`);
      const compare = (r: Decision[], m: Decision[], label: string) => {
        assert.deepEqual(r.map((d) => d.allowed), m.map((d) => d.allowed), `${label}: admit/deny sequence`);
        assert.deepEqual(r.map((d) => d.results[0]!.remaining), m.map((d) => d.results[0]!.remaining), `${label}: remaining`);
        r.forEach((d, i) => {
          near(d.results[0]!.resetSeconds, m[i]!.results[0]!.resetSeconds, `${label} #${i} reset`);
          near(d.results[0]!.retryAfterSeconds, m[i]!.results[0]!.retryAfterSeconds, `${label} #${i} retry`);
        });
      };

      // token bucket: a burst of 10, then tokens come back at 10/s
      const tb: LimitCheck[] = [{ spec: spec('tb', 'token-bucket', 10, 1000), key: 'tb|x' }];
      let x = await run(tb, 12);
      compare(x.r, x.m, 'token-bucket burst');
      assert.deepEqual(x.r.map((d) => d.allowed), [...Array(10).fill(true), false, false]);
      assert.equal(x.r[10]!.results[0]!.retryAfterSeconds, 1);
      await sleep(350); // ~3.5 tokens
      x = await run(tb, 4);
      compare(x.r, x.m, 'token-bucket refill');
      assert.deepEqual(x.r.map((d) => d.allowed), [true, true, true, false]);

      // windows of a day: 5 allowed, then denied until the window ends
      for (const algorithm of ['fixed-window', 'sliding-window'] as const) {
        const checks: LimitCheck[] = [{ spec: spec(algorithm, algorithm, 5, 86_400_000), key: `${algorithm}|x` }];
        const y = await run(checks, 7);
        compare(y.r, y.m, algorithm);
        assert.deepEqual(y.r.map((d) => d.results[0]!.remaining), [4, 3, 2, 1, 0, 0, 0]);
        assert.ok(y.r[6]!.results[0]!.retryAfterSeconds > 1);
      }

      // stacked: the tightest answers, and a denied request consumes none of the others
      const stacked: LimitCheck[] = [
        { spec: spec('global', 'token-bucket', 100, 3_600_000), key: 'global|' },
        { spec: spec('ip', 'fixed-window', 2, 86_400_000), key: 'ip|1.2.3.4' },
      ];
      x = await run(stacked, 3);
      // (resetSeconds aside: the two clocks may straddle a second boundary)
      const loose = (d: Decision) => ({ allowed: d.allowed, tightest: d.tightest, results: d.results.map((q) => [q.allowed, q.remaining, q.retryAfterSeconds > 0]) });
      assert.deepEqual(x.r.map(loose), x.m.map(loose), 'stacked: same decisions, results and tightest');
      assert.deepEqual(x.r.map((d) => d.allowed), [true, true, false]);
      assert.deepEqual(x.r.map((d) => d.tightest), x.m.map((d) => d.tightest));
      assert.equal(x.r[2]!.tightest, 1);
      assert.equal(x.r[2]!.results[0]!.allowed, true, 'the global limit allows');
      assert.equal(x.r[2]!.results[0]!.remaining, x.r[1]!.results[0]!.remaining, 'nothing taken from the global limit by the denied request');
    } finally {
      await mem.close();
    }
  });

  test('one round trip per decision: 3 limits, one EVALSHA; latency p50/p99', { skip: skipPrivate }, async (t) => {
    const r = await server();
    const admin = new Redis(r.url, { protocol: 2 });
    const s = new RedisStore({ url: r.url, keyPrefix: prefix(), timeoutMs: 1000 }, { logger: silent });
    stores.push(s);
    assert.equal(await s.ready(), true);
    const checks: LimitCheck[] = [
      { spec: spec('global', 'token-bucket', 1e6, 1000), key: 'global|' },
      { spec: spec('ip', 'sliding-window', 1e6, 1000), key: 'ip|10.0.0.1' },
      { spec: spec('day', 'fixed-window', 1e6, 86_400_000), key: 'day|10.0.0.1' },
    ];
    await s.consume(checks, Date.now()); // the first call on a connection is an EVAL (loads the script)
    // client side: what the store's client writes to the socket
    let sent = 0;
    const names: string[] = [];
    const orig = s.client.sendCommand.bind(s.client);
    s.client.sendCommand = ((cmd: { name: string }, ...rest: unknown[]) => {
      sent++;
      names.push(cmd.name);
      return (orig as (...a: unknown[]) => unknown)(cmd, ...rest);
    }) as typeof s.client.sendCommand;
    const stats = async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const m of (await admin.info('commandstats')).matchAll(/cmdstat_(\w+):calls=(\d+)/g)) out[m[1]!] = Number(m[2]);
      return out;
    };
    const before = await stats();
    const N = 2000;
    const lat: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const d = await s.consume(checks, Date.now());
      lat.push(performance.now() - t0);
      assert.equal(d.allowed, true);
    }
    const afterStats = await stats();
    const delta = (k: string): number => (afterStats[k] ?? 0) - (before[k] ?? 0);
    assert.equal(sent, N, 'one command per decision');
    assert.deepEqual([...new Set(names)], ['evalsha']);
    assert.equal(delta('evalsha') + delta('eval'), N, 'server: one script call per decision');
    assert.equal(delta('hmget'), 3 * N, 'server: the 3 limits were read inside that one call');
    assert.equal(s.storeErrors, 0);
    lat.sort((a, b) => a - b);
    t.diagnostic(
      `${N} decisions x 3 limits: ${sent} commands sent (${delta('evalsha')} EVALSHA, ${delta('eval')} EVAL, ${delta('hmget')} HMGET inside); ` +
        `latency p50 ${percentile(lat, 50).toFixed(3)} ms, p99 ${percentile(lat, 99).toFixed(3)} ms, max ${lat[lat.length - 1]!.toFixed(3)} ms`,
    );
    // the script cache emptied under the store (SCRIPT FLUSH, a failover): NOSCRIPT, then EVAL, no error
    await admin.script('FLUSH');
    names.length = 0;
    assert.equal((await s.consume(checks, Date.now())).allowed, true);
    assert.equal(s.storeErrors, 0);
    assert.equal(s.isUp, true);
    const flushed = await stats();
    assert.equal((flushed.eval ?? 0) - (afterStats.eval ?? 0), 1, 'after NOSCRIPT the script went once as EVAL');
    t.diagnostic(`after SCRIPT FLUSH: NOSCRIPT, then one EVAL; no store error`);
    admin.disconnect();
  });

  test('exact across instances: 3 stores (3 clients) on one key at ~3x the limit admit limit/s x seconds + burst, within 2%', async (t) => {
    const keyPrefix = prefix();
    const instances: RedisStore[] = [];
    for (let i = 0; i < 3; i++) instances.push(await store({ keyPrefix }));
    const rate = 1000;
    const burst = 100;
    const checks: LimitCheck[] = [{ spec: spec('api', 'token-bucket', rate, 1000, burst), key: 'api|key-1' }];
    const seconds = 3;
    let admitted = 0;
    let denied = 0;
    const pending: Array<Promise<void>> = [];
    const count = (d: Decision): void => {
      if (d.allowed) admitted++;
      else denied++;
    };
    // each instance offers 10 requests every 10 ms: 3 x 1000/s = 3x the limit
    let first = 0;
    let last = 0;
    const timers = instances.map((inst) =>
      setInterval(() => {
        last = Date.now();
        if (first === 0) first = last;
        for (let i = 0; i < 10; i++) pending.push(Promise.resolve(inst.consume(checks, Date.now())).then(count));
      }, 10),
    );
    await sleep(seconds * 1000);
    for (const tm of timers) clearInterval(tm);
    await Promise.all(pending);
    // the span between the first and the last request sent (Redis decided them ~0.2 ms later each)
    const elapsed = (last - first) / 1000;
    const expected = rate * elapsed + burst;
    const offered = admitted + denied;
    const errPct = (admitted / expected - 1) * 100;
    t.diagnostic(
      `3 instances, ${offered} offered (${(offered / elapsed / rate).toFixed(2)}x the limit) in ${elapsed.toFixed(2)} s: admitted ${admitted}, expected ${expected.toFixed(0)} (${errPct.toFixed(2)}%); store errors ${instances.map((i) => i.storeErrors).join('/')}`,
    );
    for (const inst of instances) assert.equal(inst.storeErrors, 0);
    assert.ok(offered / elapsed > 1.5 * rate, 'the load was well above the limit');
    assertAdmitted(admitted, expected, 0.02);
  });

  test('Redis killed mid-run and restarted: local / allow / deny answer while it is down, one transition logged each way, recovery on its own', { skip: skipPrivate }, async (t) => {
    const r = await server();
    const logs = { local: capture(), allow: capture(), deny: capture() };
    const make = (mode: 'local' | 'allow' | 'deny', instanceCount = 1) => {
      // timeoutMs 500: this test is about the kill and the restart, not about a CI stall
      const s = new RedisStore({ url: r.url, keyPrefix: prefix(), onStoreError: mode, instanceCount, timeoutMs: 500 }, { logger: logs[mode].logger });
      stores.push(s);
      return s;
    };
    const local = make('local', 2);
    const allow = make('allow');
    const deny = make('deny');
    const all = [local, allow, deny];
    for (const s of all) assert.equal(await s.ready(), true);

    // background traffic on every store the whole time: no decision may reject or hang
    let decided = 0;
    let inflight = 0;
    const bg: LimitCheck[] = [{ spec: spec('bg', 'token-bucket', 50, 1000), key: 'bg|1' }];
    const load = setInterval(() => {
      for (const s of all) {
        inflight++;
        Promise.resolve(s.consume(bg, Date.now())).then(() => {
          decided++;
          inflight--;
        });
      }
    }, 5);

    const quota = (name: string, limit: number): LimitCheck[] => [{ spec: spec(name, 'fixed-window', limit, 86_400_000), key: `${name}|k` }];
    const admits = async (s: RedisStore, checks: LimitCheck[], n: number): Promise<Decision[]> => {
      const out: Decision[] = [];
      for (let i = 0; i < n; i++) out.push(await s.consume(checks, Date.now()));
      return out;
    };
    try {
      // up: Redis decides (a quota of 1 denies the second request in every mode)
      for (const s of all) assert.deepEqual((await admits(s, quota('before', 1), 2)).map((d) => d.allowed), [true, false]);
      await sleep(100);

      await r.stop();
      const downAt = Date.now();
      await until(() => all.every((s) => !s.isUp), 1000, 'every store to notice');
      t.diagnostic(`down noticed in ${Date.now() - downAt} ms`);

      // local: a quota of 10 shared by 2 instances is 5 here
      const l = await admits(local, quota('q10', 10), 8);
      assert.deepEqual(l.map((d) => d.allowed), [true, true, true, true, true, false, false, false], 'local: limit / instanceCount');
      assert.equal(l[0]!.results[0]!.remaining, 4);
      // allow: fail open, even past the quota
      assert.ok((await admits(allow, quota('q1', 1), 5)).every((d) => d.allowed), 'allow: everything passes');
      // deny: everything denied, Retry-After 1
      const dd = await admits(deny, quota('q100', 100), 5);
      assert.ok(dd.every((d) => !d.allowed && d.results[0]!.retryAfterSeconds === 1), 'deny: everything denied, retry 1');
      // while down, decisions are local and fast (no waiting on Redis)
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) await local.consume(quota('fast', 1000), Date.now());
      const perDecision = (performance.now() - t0) / 200;
      assert.ok(perDecision < 2, `local decisions while down: ${perDecision.toFixed(3)} ms each`);

      await sleep(300);
      await r.start();
      const upAt = Date.now();
      await until(() => all.every((s) => s.isUp), 4000, 'every store to recover');
      t.diagnostic(`recovered ${Date.now() - upAt} ms after the restart`);

      // Redis decides again (a fresh server: a fresh quota)
      const errorsBefore = all.map((s) => s.storeErrors);
      for (const s of all) assert.deepEqual((await admits(s, quota('after', 2), 3)).map((d) => d.allowed), [true, true, false]);
      assert.deepEqual(all.map((s) => s.storeErrors), errorsBefore, 'no store errors once back');
    } finally {
      clearInterval(load);
    }
    await until(() => inflight === 0, 1000, 'background decisions to settle');
    assert.ok(decided > 100, `background decisions: ${decided}`);

    for (const [mode, log] of Object.entries(logs)) {
      const down = log.events('ratelimit_store_down');
      const up = log.events('ratelimit_store_up');
      assert.equal(down.length, 1, `${mode}: one down transition logged: ${JSON.stringify(down)}`);
      assert.equal(up.length, 1, `${mode}: one up transition logged`);
      assert.equal(typeof down[0]!.reason, 'string');
      assert.equal(down[0]!.onStoreError, mode);
    }
    for (const s of all) assert.equal(s.transitions, 2);
    t.diagnostic(`store errors while down: local ${local.storeErrors}, allow ${allow.storeErrors}, deny ${deny.storeErrors}; reason: ${String(logs.local.events('ratelimit_store_down')[0]!.reason)}`);
  });

  test('a Redis slower than timeoutMs counts as down: decisions answered locally within the timeout; recovery by probe', { skip: skipPrivate }, async (t) => {
    const r = await server();
    const admin = new Redis(r.url, { protocol: 2 });
    const log = capture();
    const s = new RedisStore({ url: r.url, keyPrefix: prefix(), timeoutMs: 30 }, { logger: log.logger, probeIntervalMs: 100 });
    stores.push(s);
    assert.equal(await s.ready(), true);
    const checks: LimitCheck[] = [{ spec: spec('slow', 'fixed-window', 3, 86_400_000), key: 'slow|k' }];
    assert.equal((await s.consume(checks, Date.now())).allowed, true);

    await admin.call('CLIENT', 'PAUSE', '600', 'WRITE'); // scripts wait; the connection stays up
    const t0 = performance.now();
    const d = await s.consume(checks, Date.now());
    const waited = performance.now() - t0;
    assert.equal(d.allowed, true, 'answered by the local store');
    assert.ok(waited < 30 + 120, `answered after ${waited.toFixed(1)} ms (timeout 30 ms)`);
    assert.equal(s.isUp, false);
    // while down, requests do not wait on Redis at all
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) await s.consume(checks, Date.now());
    assert.ok(performance.now() - t1 < 60, 'no request waits while down');

    await until(() => s.isUp, 3000, 'the probe to succeed after the pause');
    t.diagnostic(`first decision answered locally after ${waited.toFixed(1)} ms; back up ${(performance.now() - t0).toFixed(0)} ms after the pause began`);
    assert.equal(log.events('ratelimit_store_down').length, 1);
    assert.match(String(log.events('ratelimit_store_down')[0]!.reason), /did not answer within 30 ms/);
    assert.equal(log.events('ratelimit_store_up').length, 1);
    admin.disconnect();
  });
});
