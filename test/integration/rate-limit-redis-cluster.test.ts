/**
 * The Redis rate-limit store against a real 3-master Redis Cluster (private redis-servers with
 * cluster-enabled, joined by `redis-cli --cluster create`): decisions through the cluster, keys
 * spread over the masters, two stores sharing counters exactly, and a request whose limits fall
 * in different hash slots (decided per slot, combined). Skipped, with the reason, when
 * redis-server or redis-cli is missing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { keySlot, RedisStore } from '../../src/policies/rate-limit/redis-store.js';
import type { Decision, LimitCheck, LimitSpec, RateLimitAlgorithm } from '../../src/policies/rate-limit/types.js';
import { redisClusterSkipReason, startRedisCluster, type TestRedisCluster } from '../helpers/redis.js';
import { sleep } from '../helpers/traffic.js';

const skip = redisClusterSkipReason();
const silent = pino({ level: 'silent' });

function spec(name: string, algorithm: RateLimitAlgorithm, limit: number, periodMs: number, burst = limit): LimitSpec {
  return Object.freeze({ name, algorithm, limit, periodMs, burst });
}

describe('rate limiting through a Redis Cluster', { skip }, () => {
  let cluster: TestRedisCluster | null = null;
  const stores: RedisStore[] = [];
  const nodes: Redis[] = [];
  const store = async (): Promise<RedisStore> => {
    const s = new RedisStore({ type: 'redis', cluster: [...cluster!.seeds], keyPrefix: `mgc:${randomUUID().slice(0, 8)}:`, timeoutMs: 1000 }, { logger: silent });
    stores.push(s);
    assert.equal(await s.ready(5000), true, 'connected to the cluster');
    assert.equal(s.clustered, true);
    return s;
  };
  const decide = async (s: RedisStore, checks: LimitCheck[]): Promise<Decision> => await s.consume(checks, Date.now());

  before(async () => {
    cluster = await startRedisCluster();
    for (const p of cluster.ports) nodes.push(new Redis(p, '127.0.0.1', { protocol: 2 }));
  });
  after(async () => {
    for (const s of stores) await s.close();
    for (const n of nodes) n.disconnect();
    await cluster?.stop();
  });

  test('keySlot matches CLUSTER KEYSLOT (hash tags, UTF-8)', async () => {
    const keys = ['mg:rl:global|', 'mg:rl:ip|10.0.0.1', 'a{user1}b', '{}x', 'x{}y{z}', 'mg:rl:header|é€😀', '{a}}', ''];
    for (let i = 0; i < 50; i++) keys.push(`mg:rl:per-ip|10.0.${i}.${i * 7}`);
    for (const k of keys) assert.equal(keySlot(k), await nodes[0]!.cluster('KEYSLOT', k), `slot of ${JSON.stringify(k)}`);
  });

  test('a limit of N admits exactly N through the cluster, then denies', async () => {
    const s = await store();
    const fw = spec('fw', 'fixed-window', 10, 60_000);
    const tb = spec('tb', 'token-bucket', 7, 60_000);
    let fwAdmitted = 0;
    let tbAdmitted = 0;
    for (let i = 0; i < 15; i++) {
      if ((await decide(s, [{ spec: fw, key: 'fw|client-a' }])).allowed) fwAdmitted++;
      if ((await decide(s, [{ spec: tb, key: 'tb|client-a' }])).allowed) tbAdmitted++;
    }
    assert.equal(fwAdmitted, 10);
    assert.equal(tbAdmitted, 7);
    const d = await decide(s, [{ spec: fw, key: 'fw|client-a' }]);
    assert.equal(d.allowed, false);
    assert.ok(d.results[0]!.retryAfterSeconds >= 1);
    assert.equal(s.storeErrors, 0);
  });

  test("different clients' counters spread over the masters", async (t) => {
    const s = await store();
    // A long period: a counter's key expires once the bucket would be full again, and the keys
    // must all still be there when they are counted.
    const l = spec('per-ip', 'token-bucket', 5, 600_000);
    for (let i = 0; i < 60; i++) assert.equal((await decide(s, [{ spec: l, key: `per-ip|10.1.${i}.1` }])).allowed, true);
    const sizes = await Promise.all(nodes.map(async (n) => (await n.keys(`${s.keyPrefix}*`)).length));
    t.diagnostic(`keys per master: ${sizes.join(', ')}`);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 60, `every counter is a key (${sizes.join(', ')})`);
    assert.ok(sizes.filter((x) => x > 0).length >= 2, `keys on more than one master: ${sizes.join(', ')}`);
    assert.equal(s.storeErrors, 0);
  });

  test('two stores share one global counter exactly (3x the limit for 2 s, within 2%)', async (t) => {
    const a = await store();
    // the same prefix: two gateway instances on one cluster
    const b = new RedisStore({ type: 'redis', cluster: [...cluster!.seeds], keyPrefix: a.keyPrefix, timeoutMs: 1000 }, { logger: silent });
    stores.push(b);
    assert.equal(await b.ready(5000), true);
    const limit = 500;
    const burst = 500;
    const g = spec('global', 'token-bucket', limit, 1000, burst);
    const checks: LimitCheck[] = [{ spec: g, key: 'global|' }];
    let admitted = 0;
    let sent = 0;
    const inFlight: Array<Promise<void>> = [];
    // Paced by the clock (not by timer accuracy): offered = 3 x limit x elapsed, split over the two stores.
    const start = Date.now();
    let last = start;
    while (Date.now() - start < 2000) {
      const due = Math.floor((3 * limit * (Date.now() - start)) / 1000) + 1;
      while (sent < due) {
        const s = sent % 2 === 0 ? a : b;
        sent++;
        last = Date.now();
        inFlight.push(
          Promise.resolve(s.consume(checks, last)).then((d) => {
            if (d.allowed) admitted++;
          }),
        );
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
    const expected = burst + (limit * (last - start)) / 1000;
    const err = Math.abs(admitted - expected) / expected;
    assert.ok(sent >= (2.5 * limit * (last - start)) / 1000, `offered ${sent} in ${last - start} ms`);
    t.diagnostic(`admitted ${admitted} of ${sent} offered in ${last - start} ms; expected ${expected.toFixed(0)} (error ${(err * 100).toFixed(2)}%)`);
    assert.ok(err <= 0.02, `admitted ${admitted}, expected ${expected.toFixed(0)} (error ${(err * 100).toFixed(2)}%, offered ${sent})`);
    assert.equal(a.storeErrors + b.storeErrors, 0, 'no store errors');
  });

  test('a request whose limits are in different slots: decided per slot, combined', async () => {
    const s = await store();
    const tight = spec('tight', 'fixed-window', 3, 60_000);
    const loose = spec('loose', 'fixed-window', 100, 60_000);
    const tightKey = 'tight|user-1';
    let looseKey = '';
    for (let i = 0; looseKey === ''; i++) {
      const k = `loose|ip-${i}`;
      if (keySlot(s.keyPrefix + k) !== keySlot(s.keyPrefix + tightKey)) looseKey = k;
    }
    const allowed: boolean[] = [];
    let d: Decision | null = null;
    for (let i = 0; i < 5; i++) {
      // the tight limit second: results must come back in the checks' order
      d = await decide(s, [
        { spec: loose, key: looseKey },
        { spec: tight, key: tightKey },
      ]);
      allowed.push(d.allowed);
    }
    assert.deepEqual(allowed, [true, true, true, false, false]);
    assert.equal(d!.results[1]!.allowed, false, 'the tight limit denies');
    assert.ok(d!.results[1]!.retryAfterSeconds >= 1);
    assert.equal(d!.results[0]!.allowed, true, 'the loose limit (another slot) admitted');
    assert.equal(d!.tightest, 1, 'the denying limit answers');
    // Documented: not atomic across slots: the denied requests consumed from the other slot's limit.
    assert.equal(d!.results[0]!.remaining, 100 - 5);
    // A fresh client alone on the tight limit's key is still denied; the loose key still has room.
    assert.equal((await decide(s, [{ spec: tight, key: tightKey }])).allowed, false);
    assert.equal((await decide(s, [{ spec: loose, key: looseKey }])).allowed, true);
    assert.equal(s.storeErrors, 0);
  });

  test('limits in one slot (hash tag in the key) stay all-or-nothing', async () => {
    const s = await store();
    const tight = spec('tight', 'fixed-window', 2, 60_000);
    const loose = spec('loose', 'fixed-window', 100, 60_000);
    const checks: LimitCheck[] = [
      { spec: tight, key: 'tight|{user-9}' },
      { spec: loose, key: 'loose|{user-9}' },
    ];
    assert.equal(keySlot(s.keyPrefix + checks[0]!.key), keySlot(s.keyPrefix + checks[1]!.key));
    const allowed: boolean[] = [];
    let d: Decision | null = null;
    for (let i = 0; i < 4; i++) {
      d = await decide(s, checks);
      allowed.push(d.allowed);
    }
    assert.deepEqual(allowed, [true, true, false, false]);
    assert.equal(d!.results[1]!.remaining, 100 - 2, 'the denied requests took nothing from the loose limit');
  });
});
