/**
 * RedisStore without a Redis: where nothing answers, every decision is made per onStoreError,
 * never rejects, and the outage is logged once. The store against real Redis (the Lua, round
 * trips, exactness, kill/restart) is in test/integration/rate-limit-redis.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { pino, type Logger } from 'pino';
import { RedisStore, REDIS_RL_DEFAULTS } from './redis-store.js';
import { CONSUME_LUA, consumeScript } from './redis-scripts.js';
import type { LimitCheck, LimitSpec, RateLimitStore } from './types.js';
import { MemoryStore } from './memory-store.js';

const spec = (name: string, limit: number, algorithm: LimitSpec['algorithm'] = 'fixed-window'): LimitSpec =>
  Object.freeze({ name, algorithm, limit, periodMs: 86_400_000, burst: limit });

function capture(): { logger: Logger; events(name: string): Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return {
    logger: pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) }),
    events: (name) => lines.filter((l) => l.event === name),
  };
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('RedisStore with no Redis', () => {
  test('defaults', () => {
    assert.deepEqual({ ...REDIS_RL_DEFAULTS }, { url: 'redis://127.0.0.1:6379', keyPrefix: 'mg:rl:', onStoreError: 'local', instanceCount: 1, timeoutMs: 50, probeIntervalMs: 500 });
  });

  test('the script reads the time from Redis, never from the caller', () => {
    assert.match(CONSUME_LUA, /redis\.call\('TIME'\)/);
    assert.doesNotMatch(CONSUME_LUA, /ARGV\[#ARGV\]/);
    assert.match(consumeScript('argv'), /ARGV\[#ARGV\]/);
  });

  for (const mode of ['local', 'allow', 'deny'] as const) {
    test(`onStoreError: ${mode}: decides without Redis, never rejects, logs the outage once`, async () => {
      const url = `redis://127.0.0.1:${await deadPort()}`;
      const log = capture();
      let built = 0;
      const fallback = (d: number): RateLimitStore => {
        built++;
        assert.equal(d, 2, 'the local store divides by instanceCount');
        return new MemoryStore({ limitDivisor: d });
      };
      const s = new RedisStore({ url, keyPrefix: 't:', onStoreError: mode, instanceCount: 2 }, { logger: log.logger, fallback });
      try {
        assert.equal(await s.ready(300), false);
        const checks: LimitCheck[] = [{ spec: spec('q', 6), key: 'q|a' }, { spec: spec('g', 100), key: 'g|' }];
        const decisions = [];
        for (let i = 0; i < 5; i++) decisions.push(await s.consume(checks, 1_000_000 + i));
        const allowed = decisions.map((d) => d.allowed);
        if (mode === 'local') {
          assert.deepEqual(allowed, [true, true, true, false, false], '6 / 2 instances = 3 here');
          assert.equal(decisions[3]!.tightest, 0);
          assert.equal(built, 1);
        } else if (mode === 'allow') {
          assert.deepEqual(allowed, [true, true, true, true, true]);
          assert.equal(decisions[0]!.results[0]!.retryAfterSeconds, 0);
          assert.equal(built, 0);
        } else {
          assert.deepEqual(allowed, [false, false, false, false, false]);
          assert.ok(decisions.every((d) => d.results.every((r) => !r.allowed && r.retryAfterSeconds === 1)));
          assert.equal(built, 0);
        }
        assert.equal(s.isUp, false);
        assert.equal(s.storeErrors, 5);
        assert.equal(s.transitions, 1);
        const down = log.events('ratelimit_store_down');
        assert.equal(down.length, 1, JSON.stringify(down));
        assert.match(String(down[0]!.reason), /ECONNREFUSED|connect/i);
        assert.equal(log.events('ratelimit_store_up').length, 0);
      } finally {
        await s.close();
      }
      // after close: still answers, still never rejects
      const d = await s.consume([{ spec: spec('q', 6), key: 'q|b' }], 2_000_000);
      assert.equal(typeof d.allowed, 'boolean');
    });
  }

  test('no checks: allowed at once, Redis not asked', async () => {
    const s = new RedisStore({ url: `redis://127.0.0.1:${await deadPort()}` }, { logger: pino({ level: 'silent' }) });
    try {
      const d = s.consume([], 0);
      assert.ok(!(d instanceof Promise));
      assert.equal((d as { allowed: boolean }).allowed, true);
      assert.equal(s.storeErrors, 0);
    } finally {
      await s.close();
    }
  });
});
